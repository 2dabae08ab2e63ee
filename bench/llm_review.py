"""The LLM drafter's review (models/drafting/llm_review.py) on real text, without a model: simulated answers.

- copying model (demo data): for held-out tickets, the model's answer is another resolved ticket's reply of the
  same topic (what retrieval returns), every sentence citing it. This is the worst honest-looking LLM output: it
  restates another customer's actions and details. Measured before the review (citations checked, as the LLM
  drafter did until issue 12) and after it: drafts asserting an action as done (an unmarked sentence whose role is
  `action`), drafts holding another customer's identifier (a token of the source reply with an `@`, a domain, a
  currency sign or four digits or more, or its customer's name, that neither the ticket nor this customer's
  name contains), and the share of the source's lines kept verbatim.
- faithful model (Bitext): the model's answer is the reply really written for that instruction; sentences the
  review removes or marks there are the price of the review on good answers.

Samples drawn with a seed; the review's rules were written before this bench first ran (the numbers below the
first run are development numbers where a rule changed after it: docs/drafting.md says which).

    python -m bench.llm_review [--tickets 400] [--bitext 400] [--seed 12] [--out reports/llm_review.json]
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import random
import re
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench.common import REPO_ROOT, emit_json
from models.drafting.llm import LLMDrafter, LLMError, check_citations
from models.drafting.prompts import build_prompt
from models.drafting.roles import sentence_role
from models.drafting.types import Draft, DraftRequest, Source, SourceKind, citations_for

DEMO = REPO_ROOT / "data" / "demo" / "tickets.jsonl"
BITEXT = REPO_ROOT.parent / "shared" / "data" / "bitext" / "bitext_cs_4514.csv"
_TOKEN = re.compile(r"\S+")
_STRIP = ".,;:!?()\"'“”"


class _Answer:
    """A chat backend answering a fixed text (the simulated model)."""

    def __init__(self) -> None:
        self.text = ""

    @property
    def name(self) -> str:
        return "llm:simulated"

    def complete(self, messages: list[dict[str, str]], *, max_tokens: int) -> str:
        return self.text

    def stream(self, messages: list[dict[str, str]], *, max_tokens: int) -> Iterator[str]:
        yield self.text


class _NoFallback:
    def draft(self, request: DraftRequest) -> Draft:
        raise LLMError("nothing usable")


def _index(key: str, n: int) -> int:
    """A deterministic choice among n (the same source before and after the review)."""
    return int(hashlib.sha256(key.encode()).hexdigest()[:8], 16) % n


def _cited(text: str) -> str:
    return "\n".join(f"{line.rstrip()} [1]" for line in text.splitlines() if line.strip())


def _identifiers(source: dict[str, Any], ticket: str, name: str) -> set[str]:
    words = {w.strip(_STRIP) for w in _TOKEN.findall(source["resolution"])}
    ids = {w for w in words if ("@" in w or ".example" in w or any(c in w for c in "$€£")
                                or sum(c.isdigit() for c in w) >= 4)
           and "orbitly.example" not in w and not w.startswith("http")}
    ids |= {n for n in source["customer"]["name"].split() if len(n) >= 3}
    return {i for i in ids if i.lower() not in ticket.lower() and i.lower() not in name.lower().split()}


def _asserted_actions(draft: Draft, language: str) -> int:
    marked = set(draft.needs_confirmation)
    return sum(sentence_role(s.text, language) == "action" for i, s in enumerate(draft.sentences) if i not in marked)


def _run(drafter: LLMDrafter, answer: _Answer, text: str, request: DraftRequest, *, review: bool) -> Draft | None:
    """The LLM drafter's draft of `text` (review: True), or the draft as it was before the review: citations and
    unsupported promises checked only."""
    answer.text = text
    if review:
        try:
            return drafter.draft(request)
        except LLMError:
            return None
    sentences, warnings = check_citations(text, build_prompt(request).sources)
    if not sentences:
        return None
    kinds: dict[str, SourceKind] = {s.id: s.kind for s in (*request.cases, *request.articles)}
    return Draft(text=" ".join(s.text for s in sentences), sentences=sentences,
                 citations=citations_for(sentences, kinds), language=request.language, tone="neutral",
                 drafter=drafter.name, confidence=0.0, warnings=warnings)


def copying_model(tickets: int, seed: int) -> dict[str, Any]:
    rows = [json.loads(line) for line in DEMO.read_text().splitlines() if line.strip()]
    rows = [r for r in rows if r.get("resolution") and r["channel"] != "social"]
    by_topic: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        by_topic[r["topic"]].append(r)
    rng = random.Random(seed)
    sample = rng.sample(rows, min(tickets, len(rows)))
    answer = _Answer()
    drafter = LLMDrafter(answer, fallback=_NoFallback())
    out: dict[str, dict[str, float]] = {}
    for review in (False, True):
        leaks = actions = drafts = kept = guidance = 0
        for ticket in sample:
            pool = [r for r in by_topic[ticket["topic"]] if r["id"] != ticket["id"]
                    and r["customer"]["id"] != ticket["customer"]["id"]]
            source = pool[_index(f"{seed}:{ticket['id']}", len(pool))]
            case = Source(id=source["id"], kind="case", text=source["resolution"], score=0.8,
                          language=source["language"], customer_name=source["customer"]["name"])
            request = DraftRequest(text=f"{ticket['subject']}\n{ticket['body']}", language=ticket["language"],
                                   customer_name=ticket["customer"]["name"], cases=(case,))
            draft = _run(drafter, answer, _cited(source["resolution"]), request, review=review)
            if draft is None:
                continue
            drafts += 1
            ids = _identifiers(source, request.text, ticket["customer"]["name"])
            leaks += any(i in draft.text for i in ids)
            actions += _asserted_actions(draft, ticket["language"]) > 0
            source_guidance = [s for s in source["resolution"].split("\n") if s.strip()]
            guidance += len(source_guidance)
            kept += sum(line.strip() in draft.text for line in source_guidance)
        out["after review" if review else "before (citations only)"] = {
            "drafts": drafts, "with another customer's identifier": leaks, "asserting an action as done": actions,
            "source lines kept verbatim": round(kept / max(guidance, 1), 3)}
    return {"tickets": len(sample), "seed": seed, "results": out}


def faithful_model(limit: int, seed: int) -> dict[str, Any]:
    with BITEXT.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    sample = random.Random(seed).sample(rows, min(limit, len(rows)))
    answer = _Answer()
    drafter = LLMDrafter(answer, fallback=_NoFallback())
    sentences = removed = marked = placeholders = empty = 0
    for row in sample:
        case = Source(id="b1", kind="case", text=row["response"], score=0.8, language="en")
        request = DraftRequest(text=row["instruction"], language="en", cases=(case,))
        plain = _run(drafter, answer, _cited(row["response"]), request, review=False)
        reviewed = _run(drafter, answer, _cited(row["response"]), request, review=True)
        if plain is None or reviewed is None:
            empty += 1
            continue
        sentences += len(plain.sentences)
        marked += len(reviewed.needs_confirmation)
        removed += len(plain.sentences) - len(reviewed.sentences)
        placeholders += len(reviewed.unfilled) - len(plain.unfilled) - len(reviewed.needs_confirmation)
    return {"rows": len(sample), "sentences": sentences, "removed": removed, "marked as actions": marked,
            "placeholders added": placeholders, "no draft": empty}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tickets", type=int, default=400)
    parser.add_argument("--bitext", type=int, default=400)
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    emit_json({"copying model (demo)": copying_model(args.tickets, args.seed),
               "faithful model (bitext)": faithful_model(args.bitext, args.seed)}, args.out)


if __name__ == "__main__":
    main()
