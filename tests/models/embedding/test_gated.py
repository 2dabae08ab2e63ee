from collections.abc import Sequence

import numpy as np
import pytest

from models.embedding.base import Matrix
from models.embedding.gated import LanguageGatedEmbedder
from models.embedding.hashing import HashingEmbedder
from models.embedding.use import UseEmbedder
from models.errors import ArtifactError
from models.routing_heads import make_aux_embedder


class CountingEmbedder(HashingEmbedder):
    """HashingEmbedder that records which texts it was asked to embed."""

    def __init__(self) -> None:
        super().__init__(64)
        self.seen: list[str] = []

    def encode(self, texts: Sequence[str], *, batch_size: int = 64, show_progress: bool = False) -> Matrix:
        self.seen.extend(texts)
        return super().encode(texts, batch_size=batch_size, show_progress=show_progress)


def test_language_gated_embedder_skips_confident_english_only() -> None:
    inner = CountingEmbedder()
    gated = LanguageGatedEmbedder(inner, ["EN"])
    texts = ["My invoice shows the wrong amount, please correct it", "Meine Rechnung zeigt den falschen Betrag",
             "ok", "La factura tiene un importe incorrecto"]
    out = gated.encode(texts)
    assert out.shape == (4, 64)
    assert not out[0].any()  # English: zeros, never embedded
    assert inner.seen == texts[1:]  # German, too short to tell, Spanish: embedded
    np.testing.assert_allclose(out[1:], HashingEmbedder(64).encode(texts[1:]), atol=1e-6)
    assert gated.model_id == "deskmate/hashing-v1-64+skip-en" and gated.dim == 64


def test_gated_aux_embedder_ids_round_trip() -> None:
    gated = make_aux_embedder(f"{UseEmbedder.MODEL_ID}+skip-en-fr")
    assert isinstance(gated, LanguageGatedEmbedder) and isinstance(gated.inner, UseEmbedder)
    assert gated.skip_languages == ("en", "fr") and gated.model_id == f"{UseEmbedder.MODEL_ID}+skip-en-fr"
    assert LanguageGatedEmbedder.parse_id(UseEmbedder.MODEL_ID) is None
    assert LanguageGatedEmbedder.parse_id(f"{UseEmbedder.MODEL_ID}+skip-") is None
    with pytest.raises(ArtifactError):
        make_aux_embedder("someone/else+skip-en")
    with pytest.raises(ValueError):
        LanguageGatedEmbedder(HashingEmbedder(8), [])
