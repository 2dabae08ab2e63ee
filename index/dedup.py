"""Collapse near-duplicate cases at build time, keeping the newest of each group."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from index.dense import Rows
from index.documents import Case
from models.embedding.base import Matrix

logger = logging.getLogger(__name__)

_BLOCK = 1024


def recency_order(cases: Sequence[Case]) -> list[int]:
    """Indices newest first: by `resolved_at` (missing = oldest), later input rows first on ties."""
    return sorted(range(len(cases)), key=lambda i: (cases[i].resolved_at or "", i), reverse=True)


@dataclass(slots=True)
class DedupResult:
    keep: Rows  # indices into the input, in input order
    dropped: dict[str, str] = field(default_factory=dict)  # dropped case id -> id of the case kept for it


def collapse_near_duplicates(
    cases: Sequence[Case], vectors: Matrix, *, threshold: float | None
) -> DedupResult:
    """Drop every case whose cosine similarity to a newer kept case is >= `threshold`; repeated ids keep
    the newest row. `threshold=None` only removes repeated ids.

    Greedy, newest first, in blocks: each block is compared with the kept set (inner product) and with
    itself. O(n * kept) — fine up to a few hundred thousand cases.
    """
    order = recency_order(cases)
    seen_ids: dict[str, str] = {}
    dropped: dict[str, str] = {}
    candidates: list[int] = []
    for i in order:
        if cases[i].id in seen_ids:
            dropped.setdefault(f"{cases[i].id}#row{i}", cases[i].id)
            continue
        seen_ids[cases[i].id] = cases[i].id
        candidates.append(i)
    if threshold is None or len(candidates) < 2:
        return DedupResult(np.sort(np.asarray(candidates, dtype=np.int64)), dropped)

    kept: list[int] = []
    kept_vectors = np.zeros((0, vectors.shape[1]), dtype=np.float32)
    for start in range(0, len(candidates), _BLOCK):
        block = candidates[start : start + _BLOCK]
        block_vectors = vectors[block]
        best_kept = np.full(len(block), -1, dtype=np.int64)
        if len(kept):
            sims = block_vectors @ kept_vectors.T
            best = sims.argmax(axis=1)
            hit = sims[np.arange(len(block)), best] >= threshold
            best_kept[hit] = best[hit]
        inner = block_vectors @ block_vectors.T
        kept_in_block = np.zeros(len(block), dtype=bool)
        for j, index in enumerate(block):
            if best_kept[j] >= 0:
                dropped[cases[index].id] = cases[kept[int(best_kept[j])]].id
                continue
            twins = np.flatnonzero((inner[j, :j] >= threshold) & kept_in_block[:j])
            if len(twins):
                dropped[cases[index].id] = cases[block[int(twins[0])]].id
                continue
            kept_in_block[j] = True
        block_kept = np.flatnonzero(kept_in_block).tolist()
        kept.extend(block[j] for j in block_kept)
        kept_vectors = np.concatenate([kept_vectors, block_vectors[block_kept]])
    logger.info("collapsed near-duplicate cases", extra={"kept": len(kept), "dropped": len(dropped)})
    return DedupResult(np.sort(np.asarray(kept, dtype=np.int64)), dropped)
