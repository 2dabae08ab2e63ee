from pathlib import Path

import numpy as np
import pytest

from models.embedding.base import DEFAULT_MODEL
from models.embedding.sentence_transformer import SentenceTransformerEmbedder
from models.errors import ArtifactError


def test_missing_model_path_is_an_artifact_error(tmp_path: Path) -> None:
    with pytest.raises(ArtifactError, match="cannot load embedder"):
        SentenceTransformerEmbedder(f"{tmp_path}/no-such-model").load()


def test_packaged_aliases_share_one_id() -> None:
    assert SentenceTransformerEmbedder("all-MiniLM-L6-v2").model_id == DEFAULT_MODEL
    assert SentenceTransformerEmbedder("someone/model").model_id == "someone/model"


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
