"""Active learning: which unlabelled tickets to label first (uncertainty of the current model + diversity).

`select_batch` takes the `pool_factor * k` tickets the model is least sure of (smallest margin between its top two
topics; entropy breaks ties), clusters them with seeded k-means over their embeddings into k groups and picks the
least certain ticket of each group, so one batch does not spend its labels on k paraphrases of one confusion.
`rank_tickets` does this for a routing model and a list of tickets and says why each ticket was picked.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from sklearn.cluster import KMeans

from models.embedding.base import Embedder, normalize
from models.errors import InvalidInputError
from models.routing_heads import RoutingModel

FloatArray = npt.NDArray[np.float64]
STRATEGIES = ("uncertainty+diversity", "uncertainty", "random")


def uncertainty(probabilities: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    """(margin between the top two probabilities, entropy in nats) of each row."""
    probs = np.asarray(probabilities, dtype=np.float64)
    if probs.ndim != 2 or probs.shape[1] == 0:
        raise InvalidInputError("probabilities must be a (rows, labels) matrix")
    top2 = np.sort(probs, axis=1)[:, -2:] if probs.shape[1] > 1 else np.hstack([np.zeros_like(probs), probs])
    margin = top2[:, 1] - top2[:, 0]
    entropy = -(probs * np.log(np.clip(probs, 1e-12, 1.0))).sum(axis=1)
    return margin, entropy


@dataclass(frozen=True, slots=True)
class Pick:
    index: int  # row in the input
    margin: float
    entropy: float
    cluster: int  # k-means group among the candidates (-1 without diversity)
    cluster_size: int  # candidates in that group


def select_batch(*, probabilities: npt.ArrayLike, embeddings: npt.ArrayLike, k: int,
                 strategy: str = "uncertainty+diversity", pool_factor: int = 5, seed: int = 13) -> list[Pick]:
    """At most `k` rows to label next, most uncertain first (see the module docstring)."""
    if strategy not in STRATEGIES:
        raise InvalidInputError(f"unknown strategy {strategy!r} (expected {', '.join(STRATEGIES)})")
    margin, entropy = uncertainty(probabilities)
    vectors = np.asarray(embeddings, dtype=np.float32)
    n = margin.shape[0]
    if vectors.shape[0] != n:
        raise InvalidInputError(f"{n} probability rows but {vectors.shape[0]} embedding rows")
    k = min(k, n)
    if k <= 0:
        return []
    if strategy == "random":
        chosen = np.random.default_rng(seed).choice(n, size=k, replace=False)
        return [Pick(int(i), float(margin[i]), float(entropy[i]), -1, 1) for i in chosen]
    order = np.lexsort((-entropy, margin))  # smallest margin first, then highest entropy
    if strategy == "uncertainty" or k == 1:
        return [Pick(int(i), float(margin[i]), float(entropy[i]), -1, 1) for i in order[:k]]
    candidates = order[:min(n, k * pool_factor)]
    groups = KMeans(n_clusters=k, n_init=1, random_state=seed).fit_predict(normalize(vectors[candidates]))
    sizes = np.bincount(groups, minlength=k)
    picks: list[Pick] = []
    seen: set[int] = set()
    for position, row in enumerate(candidates):  # candidates are ordered: the first of each group is its best
        group = int(groups[position])
        if group not in seen:
            seen.add(group)
            picks.append(Pick(int(row), float(margin[row]), float(entropy[row]), group, int(sizes[group])))
    return picks[:k]


@dataclass(frozen=True, slots=True)
class QueueTicket:
    id: str
    text: str


@dataclass(frozen=True, slots=True)
class QueueRow:
    rank: int
    id: str
    predicted: str
    confidence: float
    runner_up: str | None
    margin: float
    entropy: float
    needs_human: str | None  # the model's abstain reason, if it would hand the ticket to a human
    cluster: int
    reason: str


def rank_tickets(*, model: RoutingModel, embedder: Embedder, tickets: Sequence[QueueTicket], limit: int,
                 strategy: str = "uncertainty+diversity", seed: int = 13, batch_size: int = 64) -> list[QueueRow]:
    """The tickets whose labels would teach `model` most, best first, each with the reason it was picked."""
    if limit < 1:
        raise InvalidInputError("limit must be at least 1")
    if not tickets:
        return []
    texts = [t.text for t in tickets]
    primary = embedder.encode(texts, batch_size=batch_size)
    dense = model.dense_features(texts, primary)
    topic_out, _ = model.predict_outputs(texts, dense)
    reasons = model.abstain_reasons(topic_out, dense)
    probs = topic_out.probabilities
    labels = model.topic.labels
    picks = select_batch(probabilities=probs, embeddings=primary, k=limit, strategy=strategy, seed=seed)
    rows: list[QueueRow] = []
    for rank, pick in enumerate(picks, start=1):
        order = np.argsort(-probs[pick.index])
        first = labels[order[0]]
        second = labels[order[1]] if len(order) > 1 else None
        why = [f"unsure between {first} ({probs[pick.index, order[0]]:.0%})"
               + (f" and {second} ({probs[pick.index, order[1]]:.0%})" if second else "")]
        if reasons[pick.index]:
            why.append(f"the model hands it to a human ({reasons[pick.index]})")
        if pick.cluster >= 0:
            why.append(f"represents group {pick.cluster + 1} of {len(picks)} ({pick.cluster_size} of the most "
                       "uncertain tickets)")
        rows.append(QueueRow(rank=rank, id=tickets[pick.index].id, predicted=first,
                             confidence=float(probs[pick.index, order[0]]), runner_up=second, margin=pick.margin,
                             entropy=pick.entropy, needs_human=reasons[pick.index], cluster=pick.cluster,
                             reason="; ".join(why)))
    return rows
