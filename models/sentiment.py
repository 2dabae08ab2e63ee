"""Sentiment of a ticket: VADER's compound score of the customer's own words."""

from __future__ import annotations

import threading
from typing import Any

from models.text import customer_turns


class SentimentScorer:
    """VADER compound score in [-1, 1] (English lexicon; other languages score near 0)."""

    def __init__(self) -> None:
        self._analyzer: Any = None
        self._lock = threading.Lock()

    def load(self) -> None:
        with self._lock:
            if self._analyzer is None:
                from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

                self._analyzer = SentimentIntensityAnalyzer()

    def compound(self, text: str) -> float:
        """Of the customer's words only, when the text is a transcript with speaker labels."""
        if self._analyzer is None:
            self.load()
        return float(self._analyzer.polarity_scores(customer_turns(text)[:5000])["compound"])
