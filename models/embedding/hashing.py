"""`HashingEmbedder`: the deterministic fake, SHA-256 feature hashing of words and character trigrams."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

import numpy as np

from models.embedding.base import Matrix, normalize

_TOKEN = re.compile(r"\w+", re.UNICODE)


class HashingEmbedder:
    """Deterministic lexical embedder: SHA-256 feature hashing of words and character trigrams.

    No weights, no network, same vector for the same text in every process (never Python's salted
    `hash`). Used in fast tests and as a fallback for environments without a neural model.
    """

    def __init__(self, dim: int = 256) -> None:
        if dim < 8:
            raise ValueError("hashing embedder needs dim >= 8")
        self._dim = dim

    @property
    def model_id(self) -> str:
        return f"deskmate/hashing-v1-{self._dim}"

    @property
    def dim(self) -> int:
        return self._dim

    def load(self) -> None:
        return None

    def _features(self, text: str) -> list[str]:
        words = [w.lower() for w in _TOKEN.findall(text)]
        grams = [f"#{w[i:i + 3]}" for w in words for i in range(max(1, len(w) - 2))]
        return words + grams

    def encode(self, texts: Sequence[str], *, batch_size: int = 64, show_progress: bool = False) -> Matrix:
        out = np.zeros((len(texts), self._dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for feature in self._features(text):
                digest = hashlib.sha256(feature.encode("utf-8")).digest()
                bucket = int.from_bytes(digest[:4], "little") % self._dim
                sign = 1.0 if digest[4] & 1 else -1.0
                out[row, bucket] += sign
        return normalize(out)
