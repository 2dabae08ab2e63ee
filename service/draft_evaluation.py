"""Offline evaluation of a drafter on a labelled customer-service corpus (Bitext format).

Near-identical utterances are grouped (normalized text) and groups are split with a seed, so no query has a
twin among the indexed cases. One part is indexed as resolved cases (utterance -> agent response, intent as
topic); the rest are queries. Metrics: the share of drafts whose top cited case has the query's intent, and
the embedding cosine between the draft and the query's reference response, against the baseline "return the
nearest case's response verbatim" (and, for a fair comparison with the drafter's consensus choice, "return the
consensus case's response verbatim").

`split="validation"` never touches the held-out queries: it carves validation queries out of the indexed
groups (seeded, grouped the same way) and indexes the rest, so drafter knobs are tuned there and the final
number is reported once on the untouched queries (`split="test"`).
"""

from __future__ import annotations

import csv
import random
import re
import time
from pathlib import Path
from typing import Any

import numpy as np

from index.documents import Case
from index.search_index import SearchIndex
from models.drafting.composer import ComposerDrafter, pick_case
from models.drafting.types import DraftRequest
from models.embedding.base import Embedder
from models.errors import InvalidInputError
from service.pipeline import SearchQuery, case_sources, search_snapshot

_NON_WORD = re.compile(r"[^a-z0-9{} ]+")


def group_key(text: str) -> str:
    """Utterances differing only in case, punctuation, digits or spacing share a key."""
    return " ".join(_NON_WORD.sub(" ", re.sub(r"\d+", "0", text.lower())).split())


def read_bitext(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        rows = [{"text": r["instruction"], "intent": r["intent"], "response": r["response"]}
                for r in csv.DictReader(handle) if r.get("instruction") and r.get("response")]
    if not rows:
        raise InvalidInputError(f"{path} has no rows with instruction and response")
    return rows


SPLITS = ("test", "validation")


def split_rows(rows: list[dict[str, str]], *, seed: int, query_share: float, split: str = "test",
               validation_share: float = 0.2) -> tuple[list[dict[str, str]], list[dict[str, str]], int]:
    """(case rows, query rows, number of groups): whole groups go to one side, seeded.

    "test": the first `query_share` of the shuffled groups are the queries, the rest are the cases.
    "validation": the test groups are left out entirely; `validation_share` of the case groups (shuffled again
    with the same seed) are the queries and the other case groups the cases.
    """
    if split not in SPLITS:
        raise InvalidInputError(f"split must be one of {SPLITS}, not {split!r}")
    for name, share in (("query_share", query_share), ("validation_share", validation_share)):
        if not 0.0 < share < 1.0:
            raise InvalidInputError(f"{name} must be within (0, 1)")
    groups: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        groups.setdefault(group_key(row["text"]), []).append(row)
    keys = sorted(groups)
    rng = random.Random(seed)
    rng.shuffle(keys)
    n_query_groups = int(len(keys) * query_share)
    query_keys, case_keys = keys[:n_query_groups], keys[n_query_groups:]
    if split == "validation":
        case_keys = sorted(case_keys)
        random.Random(seed + 1).shuffle(case_keys)
        n_validation = int(len(case_keys) * validation_share)
        query_keys, case_keys = case_keys[:n_validation], case_keys[n_validation:]
    query_rows = [r for k in query_keys for r in groups[k]]
    case_rows = [r for k in case_keys for r in groups[k]]
    rng.shuffle(query_rows)
    rng.shuffle(case_rows)
    return case_rows, query_rows, len(keys)


def evaluate_suggest(*, data: Path, embedder: Embedder, drafter: ComposerDrafter, seed: int = 13,
                     query_share: float = 0.2, max_cases: int = 6000, max_queries: int = 400, k_cases: int = 5,
                     channel: str = "email", split: str = "test", validation_share: float = 0.2,
                     show_progress: bool = False) -> dict[str, Any]:
    """Metrics of `drafter` (build it with `service.components.build_composer`) on one split; see the module
    docstring. Retrieval and sources go through the service pipeline's own functions."""
    rows = read_bitext(data)
    case_rows, query_rows, n_groups = split_rows(rows, seed=seed, query_share=query_share, split=split,
                                                 validation_share=validation_share)
    case_rows, query_rows = case_rows[:max_cases], query_rows[:max_queries]
    if not case_rows or not query_rows:
        raise InvalidInputError(f"{data}: the {split} split has no cases or no queries")

    embedder.load()
    cases = [Case(id=f"bitext-{i}", text=r["text"], resolution=r["response"], topic=r["intent"], language="en")
             for i, r in enumerate(case_rows)]
    index = SearchIndex.build(cases=cases, articles=[], embedder=embedder, dedup_threshold=None,
                              show_progress=show_progress)
    topic_of = {c.id: c.topic for c in cases}
    query_vectors = embedder.encode([r["text"] for r in query_rows])
    drafts, baselines, consensus_baselines = [], [], []
    right, baseline_right, consensus_right, draft_seconds = 0, 0, 0, []
    for row, vector in zip(query_rows, query_vectors, strict=True):
        results = search_snapshot(index, row["text"], vector[None, :], SearchQuery(k_cases=k_cases, k_articles=0))
        sources = tuple(case_sources(results, index))
        started = time.perf_counter()
        draft = drafter.draft(DraftRequest(text=row["text"], language="en", channel=channel, cases=sources))
        draft_seconds.append(time.perf_counter() - started)
        cited = next((c.source_id for c in draft.citations if c.kind == "case"), None)
        right += int(cited is not None and topic_of[cited] == row["intent"])
        baseline_right += int(bool(results.cases) and results.cases[0].topic == row["intent"])
        drafts.append(draft.text)
        baselines.append(sources[0].text if sources else "")
        consensus = pick_case(list(sources), None, k=drafter.consensus_k) if sources else None
        consensus_right += int(consensus is not None and consensus.topic == row["intent"])
        consensus_baselines.append(consensus.text if consensus is not None else "")
    n = len(query_rows)
    references = embedder.encode([r["response"] for r in query_rows])
    draft_sim = np.sum(embedder.encode(drafts) * references, axis=1)
    base_sim = np.sum(embedder.encode(baselines) * references, axis=1)
    consensus_sim = np.sum(embedder.encode(consensus_baselines) * references, axis=1)
    return {
        "data": str(data), "split": split, "seed": seed, "groups": n_groups, "cases": len(cases), "queries": n,
        "channel": channel, "embedder": embedder.model_id,
        "cited_right_intent": right / n, "baseline_right_intent": baseline_right / n,
        "draft_similarity": float(draft_sim.mean()), "baseline_similarity": float(base_sim.mean()),
        "consensus_baseline_right_intent": consensus_right / n,
        "consensus_baseline_similarity": float(consensus_sim.mean()),
        "draft_ms_p50": float(np.percentile(draft_seconds, 50) * 1000),
    }
