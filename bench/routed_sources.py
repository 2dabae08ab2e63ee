"""Which sources `/v1/suggest` drafts from on the demo data: routing agreement, hand-offs, cases without language.

A seeded split of data/demo/tickets.jsonl: the rest trains a routing model and is indexed (with the demo
articles); the held-out tickets go through the real app in-process. The hashing embedder keeps it offline and
fast (about 30 s), so the routing is weaker than the served MiniLM model's; run it on the tree before a change and
after (same seed) for a side-by-side. `--no-language` indexes the cases without their `language` field.

    python -m bench.routed_sources [--held-out 150] [--seed 5] [--no-language] [--out FILE]

Counts: tickets, abstained (routing needs a human), handoff drafts, case citations of routed tickets and how many
have the routed topic, cited cases on abstained tickets (target 0), article links in drafts and how many of them
are of the routed topic.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

from bench.common import REPO_ROOT, emit_json

DEMO = REPO_ROOT / "data" / "demo"


def run(*, held_out: int = 150, seed: int = 5, keep_language: bool = True) -> dict[str, Any]:
    os.environ.setdefault("DESKMATE_AUTH__DISABLED", "true")  # in-process, no keys
    from fastapi.testclient import TestClient

    from index.build import build_index
    from models.data import LabelledText
    from models.embedding.hashing import HashingEmbedder
    from models.training import TrainOptions, train_routing_model
    from service.app import create_app
    from service.settings import EmbedderSettings, RetrievalSettings, Settings

    rows = [json.loads(line) for line in (DEMO / "tickets.jsonl").read_text(encoding="utf-8").splitlines() if line]
    random.Random(seed).shuffle(rows)
    test, train = rows[:held_out], rows[held_out:]
    articles = [json.loads(line) for line in (DEMO / "articles.jsonl").read_text(encoding="utf-8").splitlines()
                if line]
    embedder = HashingEmbedder(256)
    stats: Counter[str] = Counter()
    with tempfile.TemporaryDirectory() as tmp_dir:
        tmp = Path(tmp_dir)
        model, metrics = train_routing_model(
            rows=[LabelledText(text=f"{r['subject']} {r['body']}", topic=r["topic"], urgency=r["urgency"])
                  for r in train],
            embedder=embedder, options=TrainOptions(val_size=0.2, seed=3, aux_embedders=()))
        model.save(tmp / "model", extra_manifest={"metrics": metrics, "oos_label": "oos"})
        cases = [{k: v for k, v in r.items() if keep_language or k != "language"} for r in train]
        (tmp / "cases.jsonl").write_text("".join(json.dumps(c) + "\n" for c in cases), encoding="utf-8")
        build_index(cases_path=tmp / "cases.jsonl", articles_path=DEMO / "articles.jsonl", out_dir=tmp / "index",
                    embedder=embedder, show_progress=False)
        settings = Settings(data_dir=tmp / "var", model_dir=tmp / "model",
                            embedder=EmbedderSettings(backend="hashing", model="256"),
                            retrieval=RetrievalSettings(index_dir=tmp / "index"))
        with TestClient(create_app(settings)) as client:
            for row in test:
                out = client.post("/v1/suggest", json={"subject": row["subject"], "body": row["body"],
                                                       "channel": row["channel"],
                                                       "language": row.get("language")}).json()
                count(stats, out, articles)
    return {"held_out": held_out, "seed": seed, "case_language": keep_language, **stats}


def count(stats: Counter[str], out: dict[str, Any], articles: list[dict[str, Any]]) -> None:
    routed, abstained = out["route"]["topic"]["label"], out["route"]["needs_human_triage"]
    stats["tickets"] += 1
    stats["abstained"] += int(abstained)
    draft = out.get("draft")
    if draft is None:
        return
    stats["handoff_drafts"] += int(draft["drafter"] == "handoff")
    topic_of = {hit["id"]: hit["topic"] for hit in out["cases"]}
    for citation in draft["citations"]:
        if citation["kind"] != "case":
            continue
        if abstained:
            stats["cases_cited_when_abstained"] += 1
        else:
            stats["cases_cited"] += 1
            stats["cases_of_routed_topic"] += int(topic_of.get(citation["source_id"]) == routed)
    for article in articles:
        if article["url"] in draft["text"]:
            stats["articles_linked"] += 1
            stats["articles_of_routed_topic"] += int(article["topic"] == routed)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--held-out", type=int, default=150)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--no-language", action="store_true", help="index the cases without their language")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    result = run(held_out=args.held_out, seed=args.seed, keep_language=not args.no_language)
    emit_json(result, args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
