"""Draft shape on the demo data: how many default drafts assert another case's action (or fact) as done.

A seeded split of data/demo/tickets.jsonl (as `bench.routed_sources`): the rest is indexed with the demo articles
(hashing embedder: offline, about 20 s); each held-out ticket (with its customer's name and tier) is searched among
the cases of its own topic (oracle routing: the pipeline's routed-topic filter without a routing model's errors), in
its language when it has any, and drafted by the current composer and, in the same run, by a baseline composer
loaded from a file (default: `git show HEAD:models/drafting/composer.py`, the committed one). Every sentence of a
draft adapted from a source (not a phrase-book sentence) is classified with `models.drafting.roles.sentence_role`:

- an *asserted action*: role `action` and not listed in `needs_confirmation` (target: 0 drafts);
- an *asserted case fact*: role `case_fact`, not in `needs_confirmation` (placeholders are slots, not facts).

    python -m bench.draft_shape [--held-out 300] [--seed 5] [--baseline FILE] [--out FILE]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import random
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

from bench.common import REPO_ROOT, emit_json

DEMO = REPO_ROOT / "data" / "demo"
COMPOSER = "models/drafting/composer.py"


def load_composer(path: Path) -> Any:
    """A composer module from a file (e.g. an older version), under its own module name."""
    spec = importlib.util.spec_from_file_location("bench_baseline_composer", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


def run(*, held_out: int = 300, seed: int = 5, baseline: Path | None = None) -> dict[str, Any]:
    from index.build import build_index
    from index.results import SearchFilters
    from index.search_index import SearchIndex
    from models.drafting import composer
    from models.drafting.phrasebook import PhraseBook
    from models.drafting.types import DraftingError, DraftRequest, Source
    from models.embedding.hashing import HashingEmbedder
    from models.sentiment import SentimentScorer

    rows = [json.loads(line) for line in (DEMO / "tickets.jsonl").read_text(encoding="utf-8").splitlines() if line]
    random.Random(seed).shuffle(rows)
    test, train = rows[:held_out], rows[held_out:]
    embedder = HashingEmbedder(256)
    book = PhraseBook.load(REPO_ROOT / "config" / "phrasebook.yaml")
    stats: dict[str, Counter[str]] = {"baseline": Counter(), "current": Counter()}
    examples: dict[str, list[str]] = {"baseline": [], "current": []}
    baseline_arg = baseline
    with tempfile.TemporaryDirectory() as tmp_dir:
        tmp = Path(tmp_dir)
        if baseline is None:
            baseline = tmp / "composer_head.py"
            baseline.write_text(subprocess.run(["git", "show", f"HEAD:{COMPOSER}"], cwd=REPO_ROOT, check=True,
                                               capture_output=True, text=True).stdout, encoding="utf-8")
        drafters = {"baseline": load_composer(baseline).ComposerDrafter(book, sentiment=SentimentScorer()),
                    "current": composer.ComposerDrafter(book, sentiment=SentimentScorer())}
        (tmp / "cases.jsonl").write_text("".join(json.dumps(c) + "\n" for c in train), encoding="utf-8")
        build_index(cases_path=tmp / "cases.jsonl", articles_path=DEMO / "articles.jsonl", out_dir=tmp / "index",
                    embedder=embedder, show_progress=False)
        index = SearchIndex.load(tmp / "index", embedder=embedder)
        for row in test:
            text = f"{row['subject']}\n{row['body']}"
            language = row.get("language") or "en"
            results = index.search(text, k_cases=5, k_articles=3, filters=SearchFilters(topic=row["topic"]))
            local = index.search(text, k_cases=5, k_articles=0,
                                 filters=SearchFilters(topic=row["topic"], language=language)).cases
            cases = []
            for hit in local or results.cases:
                case = index.case(hit.id)
                customer = (case.metadata.get("customer") if case is not None else None) or {}
                cases.append(Source(id=hit.id, kind="case", text=case.resolution if case else hit.resolution_excerpt,
                                    score=hit.dense_score or 0.0, language=hit.language, topic=hit.topic,
                                    customer_name=customer.get("name")))
            articles = [Source(id=a.id, kind="article", text=a.passage, score=min(1.0, a.score), language=a.language,
                               topic=a.topic, title=a.title, url=a.url) for a in results.articles]
            customer = row.get("customer") or {}
            request = DraftRequest(text=text, language=language, channel=row["channel"],
                                   customer_name=customer.get("name"), tier=customer.get("tier"),
                                   urgency=row.get("urgency", "normal"), topic=row["topic"], cases=tuple(cases),
                                   articles=tuple(articles))
            for name, drafter in drafters.items():
                stats[name]["tickets"] += 1
                try:
                    draft = drafter.draft(request)
                except DraftingError:
                    continue
                count(stats[name], draft, examples[name])
    return {"held_out": held_out, "seed": seed, "baseline_composer": str(baseline_arg or f"HEAD:{COMPOSER}"),
            **{name: dict(counter) for name, counter in stats.items()},
            "examples": {name: found[:6] for name, found in examples.items()}}


def count(stats: Counter[str], draft: Any, examples: list[str]) -> None:
    from models.drafting.roles import sentence_role

    stats["drafts"] += 1
    confirm = set(getattr(draft, "needs_confirmation", []))
    action = fact = False
    for i, sentence in enumerate(draft.sentences):
        if sentence.phrase is not None or not sentence.sources or i in confirm:
            continue
        role = sentence_role(sentence.text, draft.language)
        if role == "action":
            action = True
            examples.append(sentence.text)
        if role == "case_fact" and not fact:
            examples.append(f"(case fact) {sentence.text}")
        fact = fact or role == "case_fact"
    stats["drafts_asserting_action"] += int(action)
    stats["drafts_asserting_case_fact"] += int(fact)
    stats["drafts_with_agent_actions"] += int(bool(getattr(draft, "agent_actions", [])))
    stats["drafts_needing_confirmation"] += int(bool(confirm))
    stats["drafts_ready_to_send"] += int(draft.ready_to_send)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--held-out", type=int, default=300)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--baseline", type=Path, default=None, help="a composer.py to compare with (default: HEAD's)")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    emit_json(run(held_out=args.held_out, seed=args.seed, baseline=args.baseline), args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
