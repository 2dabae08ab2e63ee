"""Checked labels: the topics, urgencies and queues that feedback corrections, resolutions and cases may write.

Known labels come from what is live now: the routing model's topic labels plus the topics the routing policy
routes (`queues.topics`), the policy's urgency levels, and its queues (default, out of scope, per topic and the
overrides'). Anything else is refused with 422 `unknown_label` listing the allowed values, unless the request
says `new_label: true`: an unknown topic or queue is then accepted and recorded in `new_labels` (reported by
`deskmate models`). Urgency levels are never new: the policy defines them and a model trained on a level it
lacks is refused at load, so an unknown urgency is always 422. A new label must also look like a label
(letters, digits, `_ . -`, at most 100), so free text and addresses do not become labels.

No routing model loaded (the service is not ready): labels cannot be checked, so a request that writes one
gets 503 `not_ready`; requests without labels (e.g. feedback without a correction) are served as usual.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from models.routing_policy import RoutingPolicy
from service.errors import ApiError, NotReady
from service.pipeline import Engine
from service.records import LabelKind, NewLabel

NEW_LABEL = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,99}$")


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """The labels the live model and routing policy know, sorted."""

    topic: tuple[str, ...]
    urgency: tuple[str, ...]
    queue: tuple[str, ...]

    @classmethod
    def of(cls, engine: Engine) -> Vocabulary:
        return cls.from_parts(engine.model.topic.labels, engine.policy)

    @classmethod
    def from_parts(cls, topic_labels: Iterable[str], policy: RoutingPolicy) -> Vocabulary:
        """From a model's topic labels and a routing policy (for tools that load no engine)."""
        spec = policy.spec
        topics = set(topic_labels) | set(spec.queues.topics)
        queues = {spec.queues.default, spec.queues.out_of_scope, *spec.queues.topics.values(),
                  *(rule.set.queue for rule in spec.overrides if rule.set.queue is not None)}
        return cls(topic=tuple(sorted(topics)), urgency=tuple(spec.urgency_levels), queue=tuple(sorted(queues)))

    def allowed(self, kind: LabelKind | str) -> tuple[str, ...]:
        """The known labels of `kind` (none for a kind that is not a label kind)."""
        return {"topic": self.topic, "urgency": self.urgency, "queue": self.queue}.get(kind, ())


@dataclass(frozen=True, slots=True)
class LabelUse:
    """One label a request writes: where (`corrected.topic`, `cases[2].urgency`), of which kind, and the value."""

    field: str
    kind: LabelKind
    value: str | None


def check_labels(engine: Engine | None, uses: Sequence[LabelUse], *, new_label: bool) -> list[NewLabel]:
    """The labels of `uses` that are new (to record), once every one is known or allowed as new.

    Raises 422 `unknown_label` (details: field, value, allowed values) or 503 without a routing model.
    """
    given = [use for use in uses if use.value is not None]
    if not given:
        return []
    if engine is None:
        fields = ", ".join(use.field for use in given)
        raise NotReady(f"labels ({fields}) cannot be checked: no routing model is loaded; retry when /readyz "
                       "says ready")
    vocabulary = Vocabulary.of(engine)
    problems: list[dict[str, Any]] = []
    new: list[NewLabel] = []
    for use in given:
        assert use.value is not None
        allowed = vocabulary.allowed(use.kind)
        if use.value in allowed:
            continue
        problem: dict[str, Any] = {"field": use.field, "value": use.value, "allowed": list(allowed)}
        if not new_label:
            problem["hint"] = f"set new_label: true to add a new {use.kind}" if use.kind != "urgency" else \
                "urgency levels come from the routing policy"
            problems.append(problem)
        elif use.kind == "urgency":
            problem["hint"] = "urgency levels come from the routing policy; new_label does not apply to them"
            problems.append(problem)
        elif not NEW_LABEL.match(use.value):
            problem["hint"] = "a new label is 1-100 letters, digits, '_', '.' or '-', starting with a letter or digit"
            problems.append(problem)
        elif NewLabel(use.kind, use.value) not in new:
            new.append(NewLabel(use.kind, use.value))
    if problems:
        summary = "; ".join(f"{p['field']}={p['value']!r}" for p in problems)
        raise ApiError(422, "unknown_label", f"unknown label(s): {summary}; see details for the allowed values",
                       details=problems)
    return new
