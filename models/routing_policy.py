"""Routing policy from YAML: topic -> queue, urgency -> priority and SLA, overrides, desk vocabularies."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from models.errors import ArtifactError, InvalidInputError

PriorityValue = str | int


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class WordingSignalSpec(_Strict):
    name: str
    patterns: list[str] = Field(min_length=1)
    at_least: str | None = None
    bump: int = Field(default=0, ge=0, le=3)


class SentimentSignalSpec(_Strict):
    name: str = "negative_sentiment"
    threshold: float = Field(default=-0.6, ge=-1.0, le=0.0)
    at_least: str | None = None
    bump: int = Field(default=1, ge=0, le=3)


class UrgencySignalsSpec(_Strict):
    wording: list[WordingSignalSpec] = Field(default_factory=list)
    sentiment: SentimentSignalSpec | None = None
    channel: dict[str, str] = Field(default_factory=dict)
    tier: dict[str, str] = Field(default_factory=dict)


class QueuesSpec(_Strict):
    default: str
    out_of_scope: str
    topics: dict[str, str] = Field(default_factory=dict)


class OverrideSet(_Strict):
    queue: str | None = None
    min_urgency: str | None = None
    sla_factor: float | None = Field(default=None, gt=0.0, le=10.0)


class OverrideRule(_Strict):
    name: str
    when: dict[str, list[str]]
    set: OverrideSet

    @model_validator(mode="after")
    def _known_keys(self) -> OverrideRule:
        unknown = set(self.when) - {"topic", "urgency", "tier", "channel", "language"}
        if unknown:
            raise ValueError(f"override {self.name!r}: unknown 'when' keys {sorted(unknown)}")
        return self


class VocabularySpec(_Strict):
    """Desk labels mapped onto the policy's own at training time (``urgency: {medium: normal}``)."""

    urgency: dict[str, str] = Field(default_factory=dict)


class RoutingPolicySpec(_Strict):
    version: int = 1
    urgency_levels: list[str] = Field(min_length=2)
    default_urgency: str = "normal"
    queues: QueuesSpec
    sla_minutes: dict[str, int]
    desks: dict[str, dict[str, PriorityValue]]
    urgency_signals: UrgencySignalsSpec = Field(default_factory=UrgencySignalsSpec)
    overrides: list[OverrideRule] = Field(default_factory=list)
    vocabulary: VocabularySpec = Field(default_factory=VocabularySpec)

    @model_validator(mode="after")
    def _levels_consistent(self) -> RoutingPolicySpec:
        levels = set(self.urgency_levels)
        if len(levels) != len(self.urgency_levels):
            raise ValueError("urgency_levels has duplicates")
        if self.default_urgency not in levels:
            raise ValueError(f"default_urgency {self.default_urgency!r} is not one of {self.urgency_levels}")
        if set(self.sla_minutes) != levels:
            raise ValueError("sla_minutes must give exactly one value per urgency level")
        if any(v <= 0 for v in self.sla_minutes.values()):
            raise ValueError("sla_minutes must be positive")
        for desk, vocab in self.desks.items():
            if set(vocab) != levels:
                raise ValueError(f"desk {desk!r} must map exactly the urgency levels {self.urgency_levels}")
        floors: list[str | None] = [s.at_least for s in self.urgency_signals.wording]
        floors += list(self.urgency_signals.channel.values()) + list(self.urgency_signals.tier.values())
        floors += [rule.set.min_urgency for rule in self.overrides]
        floors += list(self.vocabulary.urgency.values())
        if self.urgency_signals.sentiment is not None:
            floors.append(self.urgency_signals.sentiment.at_least)
        bad = sorted({f for f in floors if f is not None and f not in levels})
        if bad:
            raise ValueError(f"unknown urgency level(s) {bad}; expected one of {self.urgency_levels}")
        return self


@dataclass(frozen=True, slots=True)
class RoutingDecision:
    queue: str
    urgency: str
    priority: PriorityValue
    sla_minutes: int
    desk: str
    applied_rules: list[str] = field(default_factory=list)


class RoutingPolicy:
    """Validated routing policy; `decide` is pure and cheap."""

    def __init__(self, spec: RoutingPolicySpec) -> None:
        self.spec = spec
        self._rank = {level: i for i, level in enumerate(spec.urgency_levels)}

    @classmethod
    def from_yaml(cls, path: Path) -> RoutingPolicy:
        try:
            raw: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise ArtifactError(f"cannot read routing rules {path}: {exc}") from exc
        except yaml.YAMLError as exc:
            raise ArtifactError(f"routing rules {path} are not valid YAML: {exc}") from exc
        try:
            return cls(RoutingPolicySpec.model_validate(raw))
        except ValidationError as exc:
            raise ArtifactError(f"routing rules {path} are invalid: {exc}") from exc

    @property
    def urgency_levels(self) -> list[str]:
        return list(self.spec.urgency_levels)

    def urgency_label_map(self, labels: Iterable[str], *, where: str = "the training data") -> dict[str, str]:
        """Each distinct urgency label -> the policy level it trains as (itself, or through ``vocabulary``).

        Raises InvalidInputError naming the unknown labels and the two fixes: a model trained on labels the
        policy does not know would be refused when the service loads it.
        """
        mapping: dict[str, str] = {}
        unknown: list[str] = []
        for label in sorted(set(labels)):
            target = label if label in self._rank else self.spec.vocabulary.urgency.get(label)
            if target is None:
                unknown.append(label)
            else:
                mapping[label] = target
        if unknown:
            example = ", ".join(f"{label}: {self.spec.default_urgency}" for label in unknown)
            raise InvalidInputError(
                f"urgency labels {unknown} in {where} are not levels of the routing policy "
                f"{self.urgency_levels}; map them in the policy file (vocabulary: {{urgency: {{{example}}}}}), "
                "add them to urgency_levels (with sla_minutes and desk priorities), or train without urgency "
                "(--urgency-field '')")
        return mapping

    def rank(self, urgency: str) -> int:
        try:
            return self._rank[urgency]
        except KeyError:
            raise InvalidInputError(f"unknown urgency {urgency!r}") from None

    def max_urgency(self, *levels: str) -> str:
        return max(levels, key=self.rank)

    def bump(self, urgency: str, steps: int) -> str:
        top = len(self.spec.urgency_levels) - 1
        return self.spec.urgency_levels[min(top, self.rank(urgency) + steps)]

    def queue_for(self, topic: str | None) -> str:
        if topic is None:
            return self.spec.queues.out_of_scope
        return self.spec.queues.topics.get(topic, self.spec.queues.default)

    def decide(
        self,
        *,
        topic: str | None,
        urgency: str,
        desk: str,
        tier: str | None = None,
        channel: str | None = None,
        language: str | None = None,
    ) -> RoutingDecision:
        """Queue, final urgency, desk priority and SLA. `topic=None` means the classifier abstained."""
        if desk not in self.spec.desks:
            raise InvalidInputError(f"unknown desk {desk!r}; expected one of {sorted(self.spec.desks)}")
        queue = self.queue_for(topic)
        self.rank(urgency)
        sla_factor = 1.0
        applied: list[str] = []
        for rule in self.spec.overrides:
            facts = {"topic": topic, "urgency": urgency, "tier": tier, "channel": channel, "language": language}
            if not all(facts[key] in allowed for key, allowed in rule.when.items()):
                continue
            applied.append(rule.name)
            if rule.set.min_urgency is not None:
                urgency = self.max_urgency(urgency, rule.set.min_urgency)
            if rule.set.queue is not None:
                queue = rule.set.queue
            if rule.set.sla_factor is not None:
                sla_factor *= rule.set.sla_factor
        sla = max(1, int(round(self.spec.sla_minutes[urgency] * sla_factor)))
        return RoutingDecision(
            queue=queue,
            urgency=urgency,
            priority=self.spec.desks[desk][urgency],
            sla_minutes=sla,
            desk=desk,
            applied_rules=applied,
        )
