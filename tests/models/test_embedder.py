import numpy as np
import pytest

from models.embedder import DEFAULT_MODEL, HashingEmbedder, SentenceTransformerEmbedder, make_embedder
from models.errors import ArtifactError


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
