"""Explicit urgency signals (wording, sentiment, channel, tier) that can raise the model's urgency."""

from __future__ import annotations

import re
from dataclasses import dataclass

from models.routing_policy import RoutingPolicy
from models.sentiment import LexiconScore, SentimentScorer


@dataclass(frozen=True, slots=True)
class Signal:
    """One signal that fired: what it was, the evidence, and the urgency it asked for."""

    name: str
    kind: str  # wording | sentiment | channel | tier
    evidence: str
    raised_to: str


@dataclass(frozen=True, slots=True)
class UrgencyResult:
    label: str
    model_label: str
    signals: list[Signal]
    sentiment: float


@dataclass(frozen=True, slots=True)
class TextCues:
    """What the signals read in a ticket's text, before the model's urgency is known: for each wording signal
    the first match (or None), and the sentiment (None when the policy has no sentiment signal)."""

    wording: tuple[str | None, ...]
    sentiment: LexiconScore | None


class UrgencySignals:
    """Applies the policy's urgency signals to a model prediction."""

    def __init__(self, policy: RoutingPolicy, sentiment: SentimentScorer | None = None) -> None:
        self.policy = policy
        self.sentiment = sentiment or SentimentScorer()
        spec = policy.spec.urgency_signals
        self._wording = [
            (signal, [re.compile(p, re.IGNORECASE | re.UNICODE) for p in signal.patterns])
            for signal in spec.wording
        ]

    def load(self) -> None:
        self.sentiment.load()

    def _raise(self, current: str, at_least: str | None, bump: int) -> str:
        target = current
        if at_least is not None:
            target = self.policy.max_urgency(target, at_least)
        if bump:
            target = self.policy.max_urgency(target, self.policy.bump(current, bump))
        return target

    def cues(self, text: str, language: str | None = None) -> TextCues:
        """The text's wording matches and sentiment (`language` as in `apply`); `apply(..., cues=)` uses them, so
        they can be read beside other work (service/pipeline.py does for a lone ticket)."""
        spec = self.policy.spec.urgency_signals
        wording = []
        for _, patterns in self._wording:
            found = None
            for pattern in patterns:
                match = pattern.search(text)
                if match:
                    found = match.group(0)
                    break
            wording.append(found)
        read = self.sentiment.score(text, language) if spec.sentiment is not None else None
        return TextCues(tuple(wording), read)

    def apply(
        self, text: str, *, model_label: str, channel: str | None = None, tier: str | None = None,
        language: str | None = None, cues: TextCues | None = None,
    ) -> UrgencyResult:
        """`language`: the ticket's (given or detected) language, for the anger lexicon; None reads English.
        `cues`: `self.cues(text, language)`, already read."""
        spec = self.policy.spec.urgency_signals
        self.policy.rank(model_label)
        if cues is None:
            cues = self.cues(text, language)
        fired: list[Signal] = []
        final = model_label
        for (signal, _), evidence in zip(self._wording, cues.wording, strict=True):
            if evidence is not None:
                wanted = self._raise(model_label, signal.at_least, signal.bump)
                fired.append(Signal(signal.name, "wording", evidence, wanted))
                final = self.policy.max_urgency(final, wanted)
        score = 0.0
        if spec.sentiment is not None and cues.sentiment is not None:
            read = cues.sentiment
            score = read.compound
            if score <= spec.sentiment.threshold:
                wanted = self._raise(model_label, spec.sentiment.at_least, spec.sentiment.bump)
                words = ", ".join(dict.fromkeys(read.evidence))
                fired.append(Signal(spec.sentiment.name, "sentiment", f"compound={score:.2f} ({words})", wanted))
                final = self.policy.max_urgency(final, wanted)
        if channel is not None and channel in spec.channel:
            wanted = self.policy.max_urgency(model_label, spec.channel[channel])
            fired.append(Signal(f"channel:{channel}", "channel", channel, wanted))
            final = self.policy.max_urgency(final, wanted)
        if tier is not None and tier in spec.tier:
            wanted = self.policy.max_urgency(model_label, spec.tier[tier])
            fired.append(Signal(f"tier:{tier}", "tier", tier, wanted))
            final = self.policy.max_urgency(final, wanted)
        return UrgencyResult(label=final, model_label=model_label, signals=fired, sentiment=score)
