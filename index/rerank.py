"""Topic-aware re-ranking of retrieved cases with the routing model's topic probabilities, and a tenant (brand)
inferred from the ticket's text.

`topic_rerank` scores each retrieved case by `(1 - weight) * (rank_k + 1) / (rank_k + rank) + weight * p(topic)`:
the retrieval order, softened, plus the probability the router gives the case's topic. A case of the likely
topic moves above an off-topic one that was only slightly closer; with weight 0 the order is unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Protocol, TypeVar

from models.errors import InvalidInputError

DEFAULT_WEIGHT = 0.5
DEFAULT_RANK_K = 5.0


class HasTopic(Protocol):
    @property
    def topic(self) -> str | None: ...


T = TypeVar("T", bound=HasTopic)


def topic_rerank(cases: Sequence[T], probabilities: Mapping[str, float], *, weight: float = DEFAULT_WEIGHT,
                 rank_k: float = DEFAULT_RANK_K) -> list[T]:
    """`cases` (best first) re-ordered by retrieval rank and topic probability; stable for ties."""
    if not 0.0 <= weight <= 1.0:
        raise InvalidInputError("the re-ranking weight must be within [0, 1]")
    if rank_k <= 0:
        raise InvalidInputError("rank_k must be positive")
    if not probabilities or weight == 0.0:
        return list(cases)

    def score(item: tuple[int, T]) -> float:
        rank, case = item
        prior = probabilities.get(case.topic, 0.0) if case.topic else 0.0
        return (1.0 - weight) * (rank_k + 1.0) / (rank_k + rank + 1.0) + weight * float(prior)

    ranked = sorted(enumerate(cases), key=lambda item: (-score(item), item[0]))
    return [case for _, case in ranked]


def route_probabilities(label: str, confidence: float, alternatives: Iterable[tuple[str, float]]) -> dict[str, float]:
    """{topic: probability} from a routing prediction's label, confidence and (label, probability) alternatives."""
    probs = {label: float(confidence)}
    for alt, p in alternatives:
        probs.setdefault(alt, float(p))
    return probs


def infer_tenant(text: str, tenants: Iterable[str]) -> str | None:
    """The one known tenant / brand named in `text` (whole word, any case), or None when none or several are."""
    found = {t for t in tenants if t and re.search(rf"(?<!\w){re.escape(t)}(?!\w)", text, flags=re.IGNORECASE)}
    return found.pop() if len(found) == 1 else None
