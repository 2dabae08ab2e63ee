"""Offline evaluation of the default drafter on a labelled customer-service corpus (Bitext format).

Near-identical utterances are grouped (normalized text) and groups are split with a seed, so no query has a
twin among the indexed cases. One part is indexed as resolved cases (utterance -> agent response, intent as
topic); the rest are queries. Metrics: the share of drafts whose top cited case has the query's intent, and
the embedding cosine between the draft and the query's reference response, against the baseline "return the
nearest case's response verbatim".
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
from models.drafting.composer import ComposerDrafter
from models.drafting.phrasebook import PhraseBook
from models.drafting.types import DraftRequest, Source
from models.embedder import Embedder
from models.errors import InvalidInputError
from models.urgency import SentimentScorer

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


def evaluate_suggest(*, data: Path, embedder: Embedder, phrasebook: Path, seed: int = 13, query_share: float = 0.2,
                     max_cases: int = 6000, max_queries: int = 400, k_cases: int = 5, channel: str = "email",
                     show_progress: bool = False) -> dict[str, Any]:
    rows = read_bitext(data)
    groups: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        groups.setdefault(group_key(row["text"]), []).append(row)
    keys = sorted(groups)
    rng = random.Random(seed)
    rng.shuffle(keys)
    n_query_groups = int(len(keys) * query_share)
    query_rows = [r for k in keys[:n_query_groups] for r in groups[k]]
    case_rows = [r for k in keys[n_query_groups:] for r in groups[k]]
    rng.shuffle(query_rows)
    rng.shuffle(case_rows)
    case_rows, query_rows = case_rows[:max_cases], query_rows[:max_queries]

    embedder.load()
    cases = [Case(id=f"bitext-{i}", text=r["text"], resolution=r["response"], topic=r["intent"], language="en")
             for i, r in enumerate(case_rows)]
    index = SearchIndex.build(cases=cases, articles=[], embedder=embedder, dedup_threshold=None,
                              show_progress=show_progress)
    topic_of = {c.id: c.topic for c in cases}
    sentiment = SentimentScorer()
    sentiment.load()
    drafter = ComposerDrafter(PhraseBook.load(phrasebook), sentiment=sentiment)
    query_vectors = embedder.encode([r["text"] for r in query_rows])
    drafts, baselines = [], []
    right, baseline_right, draft_seconds = 0, 0, []
    for row, vector in zip(query_rows, query_vectors, strict=True):
        results = index.search(row["text"], k_cases=k_cases, k_articles=0, query_vector=vector[None, :])
        sources = tuple(Source(id=h.id, kind="case", text=index.case(h.id).resolution,  # type: ignore[union-attr]
                               score=h.dense_score or 0.0, language=h.language, topic=h.topic)
                        for h in results.cases)
        started = time.perf_counter()
        draft = drafter.draft(DraftRequest(text=row["text"], language="en", channel=channel, cases=sources))
        draft_seconds.append(time.perf_counter() - started)
        cited = next((c.source_id for c in draft.citations if c.kind == "case"), None)
        right += int(cited is not None and topic_of[cited] == row["intent"])
        baseline_right += int(bool(results.cases) and results.cases[0].topic == row["intent"])
        drafts.append(draft.text)
        baselines.append(sources[0].text if sources else "")
    n = len(query_rows)
    references = embedder.encode([r["response"] for r in query_rows])
    draft_sim = np.sum(embedder.encode(drafts) * references, axis=1)
    base_sim = np.sum(embedder.encode(baselines) * references, axis=1)
    return {
        "data": str(data), "seed": seed, "groups": len(keys), "cases": len(cases), "queries": n,
        "channel": channel, "embedder": embedder.model_id,
        "cited_right_intent": right / n, "baseline_right_intent": baseline_right / n,
        "draft_similarity": float(draft_sim.mean()), "baseline_similarity": float(base_sim.mean()),
        "draft_ms_p50": float(np.percentile(draft_seconds, 50) * 1000),
    }
