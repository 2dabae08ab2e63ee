"""`LanguageGatedEmbedder`: wraps any `Embedder` and computes it only for texts outside some languages."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from models.embedding.base import Embedder, Matrix
from models.language import LanguageDetector


class LanguageGatedEmbedder:
    """An auxiliary embedder that is computed only for texts outside `skip_languages`; the others get zeros.

    The multilingual USE features carry the non-English tickets, while English ones are routed as well or
    better by MiniLM and TF-IDF alone (README, Results), so skipping USE there saves about a third of a route's
    CPU. Training and serving gate the same way (fastText language id, `min_confidence`), so a head learns
    one set of weights for both kinds of rows. The id records the gate: `<inner id>+skip-en`.
    """

    SEPARATOR = "+skip-"

    def __init__(self, inner: Embedder, skip_languages: Sequence[str], *, min_confidence: float = 0.6,
                 detector: LanguageDetector | None = None) -> None:
        if not skip_languages:
            raise ValueError("a language-gated embedder needs at least one language to skip")
        self.inner = inner
        self.skip_languages = tuple(sorted({code.lower() for code in skip_languages}))
        self.min_confidence = min_confidence
        self.detector = detector or LanguageDetector()

    @classmethod
    def parse_id(cls, model_id: str) -> tuple[str, list[str]] | None:
        """(inner id, skipped languages) of a gated id, None for any other id."""
        if cls.SEPARATOR not in model_id:
            return None
        inner, languages = model_id.rsplit(cls.SEPARATOR, 1)
        codes = [code for code in languages.split("-") if code]
        return (inner, codes) if codes else None

    @property
    def model_id(self) -> str:
        return f"{self.inner.model_id}{self.SEPARATOR}{'-'.join(self.skip_languages)}"

    @property
    def dim(self) -> int:
        return self.inner.dim

    def load(self) -> None:
        self.inner.load()
        self.detector.load()

    def computed(self, texts: Sequence[str]) -> list[bool]:
        """Which texts get real vectors (those not confidently in a skipped language)."""
        out = []
        for text in texts:
            language = self.detector.detect(text)
            out.append(not (language.code in self.skip_languages and language.confidence >= self.min_confidence))
        return out

    def encode(self, texts: Sequence[str], *, batch_size: int = 64, show_progress: bool = False) -> Matrix:
        keep = self.computed(texts)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        rows = [i for i, flag in enumerate(keep) if flag]
        if rows:
            out[rows] = self.inner.encode([texts[i] for i in rows], batch_size=batch_size,
                                          show_progress=show_progress)
        return out
