import numpy as np

from models.embedding.base import DEFAULT_MODEL, empty, normalize, resolve_model_id


def test_normalize_gives_unit_float32_rows_and_keeps_zero_rows() -> None:
    matrix = np.array([[3.0, 4.0], [0.0, 0.0], [-2.0, 0.0]], dtype=np.float64)
    out = normalize(matrix)
    assert out.dtype == np.float32 and out.flags["C_CONTIGUOUS"]
    np.testing.assert_allclose(out, [[0.6, 0.8], [0.0, 0.0], [-1.0, 0.0]], atol=1e-7)
    assert matrix[0, 0] == 3.0  # the input is not modified
    assert normalize(np.zeros((0, 5), dtype=np.float32)).shape == (0, 5)


def test_empty_and_packaged_aliases() -> None:
    assert empty(7).shape == (0, 7) and empty(7).dtype == np.float32
    assert resolve_model_id("all-MiniLM-L6-v2") == DEFAULT_MODEL == resolve_model_id(DEFAULT_MODEL)
    assert resolve_model_id("someone/else") == "someone/else"
