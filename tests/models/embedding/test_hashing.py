import numpy as np
import pytest

from models.embedding.base import Embedder
from models.embedding.hashing import HashingEmbedder


def test_hashing_embedder_is_deterministic_normalized_and_lexical() -> None:
    embedder = HashingEmbedder(128)
    a, b, c = embedder.encode(["refund my invoice", "refund my invoice please", "the site is down"])
    again = HashingEmbedder(128).encode(["refund my invoice"])[0]
    assert np.array_equal(a, again)
    assert np.allclose([np.linalg.norm(v) for v in (a, b, c)], 1.0, atol=1e-5)
    assert float(a @ b) > float(a @ c)
    assert embedder.encode([]).shape == (0, 128)


def test_hashing_embedder_is_an_embedder_with_its_dim_in_the_id() -> None:
    embedder = HashingEmbedder(64)
    assert isinstance(embedder, Embedder)
    assert embedder.model_id == "deskmate/hashing-v1-64" and embedder.dim == 64
    with pytest.raises(ValueError, match="dim >= 8"):
        HashingEmbedder(4)
