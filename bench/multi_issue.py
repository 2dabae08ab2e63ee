"""Multi-issue tickets: issue detection precision/recall, and single-issue tickets wrongly split.

A seeded split of data/demo/tickets.jsonl into train (routing model), dev and test tickets. From the dev and the
test tickets separately, multi-issue tickets are composed: the bodies of 2 or 3 short tickets (email, chat or app;
no call transcripts; not out of scope) of DIFFERENT topics and the same language, one after the other; their gold
issues are the component topics. The single-issue set is every dev / test ticket as it is (transcripts, social
posts and out-of-scope ones included); those whose body carries one of the demo generator's own second-question
intros ("PS:", "One more thing:", "Außerdem:", "Otra cosa:": data/demo/templates) may hold a genuine second issue
whose topic the data does not record, so "wrongly split" is reported for the others ("clean") and for all. Each
ticket goes through the service's own path (one encode call for the ticket and its segments,
`Engine.route_segments`, `ticket_issues`).

Predicted issues: the routed topic plus the further issues (all listed issues when routing abstained); the baseline
in the same run is no splitting (the routed topic alone). Tuned on dev (the highest recall with at most
`--max-split` of clean single-issue dev tickets split): segment confidence, whole-ticket score, the segments' least
words (`split_segments(min_words=...)`), the small-talk filter (`issue_candidates(min_words=...)`, 0 = off), windows
of two adjacent segments (`route_windows`: a segment unsure on its own takes a confident window's topic), the
segment head's least support for the topic (`with_support`, models/segment_head.py; 0 = off) and, with it, the
support that reinstates a segment the abstain rule set aside (0 = never); reported once on test. Also on test, in
the same run: the best setting without the segment head (`test_without_segment_head`), the best with neither windows
nor the head (`test_without_windows`), the service's rule for this model (`test_shipped`: `SEGMENT_HEAD_RULE`, the
model has a segment head) and for a model without a head (`test_legacy_rule`). `--embedder served` uses the
service's embedder (Settings: ONNX MiniLM; DESKMATE_DATA_DIR locates its export) and trains as `deskmate train` does
(its defaults, multilingual USE features included; `--no-aux` drops them); `hashing` is offline and fast. The dev
part also measures routing an abstained mixed ticket to its first listed issue instead of the hand-off
(`abstained_on_dev`).

    python -m bench.multi_issue [--embedder served] [--seed 7] [--composed 200] [--max-split 0.02] [--out FILE]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from bench.common import REPO_ROOT, emit_json
from models.drafting.issues import LEGACY_ISSUE_RULE, MIN_SEGMENT_WORDS, SEGMENT_HEAD_RULE, IssueRule

DEMO = REPO_ROOT / "data" / "demo"
THRESHOLDS = (0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.98)
TICKET_SCORES = (0.0, 0.005, 0.02, 0.05, 0.1)
SEGMENT_WORDS = (3, 5)  # split_segments(min_words=...)
CANDIDATE_WORDS = (0, 3)  # issue_candidates(min_words=...): 0 = no small-talk filter
WINDOWS = (0, 1)  # 1: adjacent segments also routed as windows of two (`route_windows`, `with_windows`)
SUPPORTS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5)  # the segment head's least support for the topic (`with_support`; 0 = off)
REINSTATES = (0.0, 0.8)  # with the head: support that reinstates a segment the abstain rule set aside (0 = never)
# (min_confidence, min_ticket_score, segment words, candidate words, windows, min_support, reinstate)
Setting = tuple[float, float, int, int, int, float, float]
SETTINGS: tuple[Setting, ...] = tuple((c, s, w, m, win, sup, back) for w in SEGMENT_WORDS for m in CANDIDATE_WORDS
                                      for s in TICKET_SCORES for c in THRESHOLDS for win in WINDOWS
                                      for sup in SUPPORTS for back in REINSTATES if sup or not back)


def rule_setting(rule: IssueRule) -> Setting:
    """A service rule as a bench setting (3-word segments, the small-talk filter on)."""
    return (rule.min_confidence, rule.min_ticket_score, MIN_SEGMENT_WORDS, MIN_SEGMENT_WORDS, int(rule.windows),
            rule.min_support or 0.0, rule.reinstate or 0.0)
_TRANSCRIPT = re.compile(r"^\s*(?:agent|customer|caller)\s*:", re.IGNORECASE | re.MULTILINE)


def second_question_intros() -> tuple[str, ...]:
    """The demo generator's intros of a ticket's second question, in every language."""
    intros: set[str] = set()
    for path in sorted((DEMO / "templates").glob("*.json")):
        phrases = json.loads(path.read_text(encoding="utf-8")).get("phrases", {})
        intros.update(phrases.get("second_intro", []))
    return tuple(sorted(intros))


def has_second_question(body: str, intros: Sequence[str]) -> bool:
    return any(re.search(r"(?:^|[\s.!?])" + re.escape(intro) + r"(?=\s)", body) for intro in intros)


@dataclass(frozen=True, slots=True)
class Probe:
    subject: str
    text: str
    language: str | None
    channel: str | None
    gold: frozenset[str]  # the issues' topics (one for a single-issue ticket; "oos" for none)
    second: bool = False  # a single-issue ticket with a second-question intro (its second topic is not recorded)


def component(row: dict[str, Any]) -> bool:
    words = len(row["body"].split())
    return (row["topic"] != "oos" and row["channel"] in ("email", "chat", "app") and 4 <= words <= 80
            and not _TRANSCRIPT.search(row["body"]))


def compose(rows: Sequence[dict[str, Any]], n: int, rng: random.Random) -> list[Probe]:
    """`n` tickets of 2 or 3 components of different topics and one language."""
    by_language: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        if component(row):
            by_language.setdefault(row["language"], []).append(row)
    languages = sorted(lang for lang, group in by_language.items() if len({r["topic"] for r in group}) >= 3)
    probes: list[Probe] = []
    while len(probes) < n:
        group = by_language[rng.choice(languages)]
        k = rng.choice((2, 2, 3))
        picked: list[dict[str, Any]] = []
        for row in rng.sample(group, len(group)):
            if row["topic"] not in {p["topic"] for p in picked}:
                picked.append(row)
            if len(picked) == k:
                break
        text = "\n\n".join(p["body"].strip() for p in picked)
        gold = frozenset(p["topic"] for p in picked)
        probes.append(Probe("", text, picked[0]["language"], picked[0]["channel"], gold))
    return probes


def singles(rows: Sequence[dict[str, Any]]) -> list[Probe]:
    intros = second_question_intros()
    return [Probe(r["subject"], r["body"], r.get("language"), r.get("channel"), frozenset({r["topic"]}),
                  has_second_question(r["body"], intros)) for r in rows]


@dataclass(frozen=True, slots=True)
class Routed:
    main: str | None  # None: routing abstained
    issues: dict[Setting, tuple[str, ...]]  # per setting: the topics of the listed further issues


def route_all(engine: Any, probes: Sequence[Probe], desk: str) -> list[Routed]:
    from models.drafting.issues import split_segments
    from service.pipeline import TicketInput, clean_text, route_windows, ticket_issues

    out = []
    for probe in probes:
        ticket = TicketInput(subject=probe.subject, body=probe.text, language=probe.language, channel=probe.channel)
        issues: dict[Setting, tuple[str, ...]] = {}
        main: str | None = None
        for words in SEGMENT_WORDS:  # as `ticket_segments`, with the segments' least words varied
            segments = split_segments(clean_text(ticket), min_words=words)
            segments = segments if len(segments) > 1 else []
            (route,), vectors = engine.embed_and_route([ticket], [desk], [s.text for s in segments])
            routed = engine.route_segments(ticket, desk, segments, vectors) if segments else []
            windows = route_windows(engine, ticket, desk, route.text, segments, vectors)
            main = None if route.needs_human_triage else route.topic.label
            for setting in SETTINGS:
                if setting[2] == words:
                    found = ticket_issues(route, segments, routed, vectors, min_confidence=setting[0],
                                          min_ticket_score=setting[1], ticket=ticket, min_words=setting[3],
                                          windows=windows if setting[4] else None,
                                          segment_head=engine.model.segment_head, min_support=setting[5] or None,
                                          reinstate=setting[6] or None)
                    issues[setting] = tuple(i.topic for i in found if not i.main)
        out.append(Routed(main, issues))
    return out


def scores(probes: Sequence[Probe], routed: Sequence[Routed], threshold: Setting | None) -> dict[str, float]:
    """Issue-level micro precision / recall over predicted topics (None: no splitting, the baseline)."""
    hits = predicted = gold = 0
    split = 0
    for probe, r in zip(probes, routed, strict=True):
        topics = {r.main} if r.main else set()
        if threshold is not None:
            topics |= set(r.issues[threshold])
            split += int(bool(r.issues[threshold]))
        hits += len(topics & probe.gold)
        predicted += len(topics)
        gold += len(probe.gold - {"oos"})
    precision = hits / predicted if predicted else 0.0
    recall = hits / gold if gold else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4),
            "f1": round(2 * precision * recall / (precision + recall), 4) if precision + recall else 0.0,
            "split_share": round(split / len(probes), 4)}


def split_share(probes: Sequence[Probe], routed: Sequence[Routed], setting: Setting) -> dict[str, float]:
    """Single-issue tickets split: all, and the clean ones (no second-question intro)."""
    clean = [(p, r) for p, r in zip(probes, routed, strict=True) if not p.second]
    return {"all": scores(probes, routed, setting)["split_share"],
            "clean": scores([p for p, _ in clean], [r for _, r in clean], setting)["split_share"]}


def abstained(multi: Sequence[Probe], multi_routed: Sequence[Routed], single: Sequence[Probe],
              single_routed: Sequence[Routed], setting: Setting) -> dict[str, float]:
    """What routing an abstained ticket to its first listed issue (instead of the hand-off) would do: on mixed
    tickets, how often that issue is one of theirs; on single-issue tickets, how many (and how many out of scope)
    would be routed instead of triaged."""
    listed = [(p, r.issues[setting]) for p, r in zip(multi, multi_routed, strict=True) if r.main is None]
    with_issues = [(p, topics) for p, topics in listed if topics]
    lone = [(p, r.issues[setting]) for p, r in zip(single, single_routed, strict=True) if r.main is None]
    routed_lone = [p for p, topics in lone if topics]
    return {"multi_abstained_share": round(len(listed) / len(multi), 4),
            "multi_abstained_with_issues_share": round(len(with_issues) / len(multi), 4),
            "first_issue_correct": round(sum(t[0] in p.gold for p, t in with_issues) / len(with_issues), 4)
            if with_issues else 0.0,
            "single_abstained": len(lone), "single_abstained_would_be_routed": len(routed_lone),
            "of_them_out_of_scope": sum("oos" in p.gold for p in routed_lone)}


def build_engine(embedder_name: str, aux: bool, train: Sequence[dict[str, Any]], tmp_dir: Path) -> tuple[Any, str]:
    """An engine serving a routing model trained on `train` (as `deskmate train` does for the served embedder)."""
    from models.data import LabelledText
    from models.embedding.hashing import HashingEmbedder
    from models.routing_policy import RoutingPolicy
    from models.training import TrainOptions, train_routing_model
    from service.components import build_embedder
    from service.pipeline import Engine
    from service.settings import Settings

    settings = Settings()
    if embedder_name == "hashing":
        embedder: Any = HashingEmbedder(256)
        options = TrainOptions(val_size=0.2, seed=3, aux_embedders=())
    else:
        embedder = build_embedder(settings)
        embedder.load()
        options = TrainOptions(oos_label=settings.oos_label, batch_size=settings.embedder.batch_size)
        options = options if aux else replace(options, aux_embedders=())
    model, metrics = train_routing_model(
        rows=[LabelledText(text=f"{r['subject']} {r['body']}", topic=r["topic"], urgency=r["urgency"])
              for r in train], embedder=embedder, options=options)
    model_dir = tmp_dir / "model"
    model.save(model_dir, extra_manifest={"metrics": metrics, "oos_label": "oos"})
    policy = RoutingPolicy.from_yaml(settings.routing_rules)
    engine = Engine.load(embedder=embedder, model_dir=model_dir, policy=policy)
    return engine, embedder.model_id if hasattr(embedder, "model_id") else type(embedder).__name__


def run(*, seed: int = 7, composed: int = 200, part: int = 300, max_split: float = 0.02,
        embedder: str = "hashing", aux: bool = True) -> dict[str, Any]:
    rows = [json.loads(line) for line in (DEMO / "tickets.jsonl").read_text(encoding="utf-8").splitlines() if line]
    rng = random.Random(seed)
    rng.shuffle(rows)
    dev_rows, test_rows, train = rows[:part], rows[part:2 * part], rows[2 * part:]
    with tempfile.TemporaryDirectory() as tmp_dir:
        engine, embedder_id = build_engine(embedder, aux, train, Path(tmp_dir))
    desk = next(iter(engine.policy.spec.desks))
    sets = {"dev": (compose(dev_rows, composed, random.Random(seed + 1)), singles(dev_rows)),
            "test": (compose(test_rows, composed, random.Random(seed + 2)), singles(test_rows))}
    routed = {name: (route_all(engine, multi, desk), route_all(engine, single, desk))
              for name, (multi, single) in sets.items()}
    dev_multi, dev_single = sets["dev"]
    tuning: dict[str, dict[str, Any]] = {str(s): {**scores(dev_multi, routed["dev"][0], s),
                       "single_split_share": split_share(dev_single, routed["dev"][1], s)} for s in SETTINGS}
    allowed = [s for s in SETTINGS if tuning[str(s)]["single_split_share"]["clean"] <= max_split]
    if not allowed:  # none fits: the least splitting setting
        allowed = [min(SETTINGS, key=lambda s: tuning[str(s)]["single_split_share"]["clean"])]
    def pick(candidates: list[Setting]) -> Setting:  # on a tie, the small-talk filter on
        return max(candidates, key=lambda s: (tuning[str(s)]["recall"], tuning[str(s)]["precision"], s[3]))

    best = pick(allowed)
    plain = pick([s for s in allowed if not s[4] and not s[5]] or allowed)  # neither windows nor the segment head
    unsupported = pick([s for s in allowed if not s[5]] or allowed)  # the best without the segment head
    shipped = rule_setting(SEGMENT_HEAD_RULE)
    legacy = rule_setting(LEGACY_ISSUE_RULE)
    test_multi, test_single = sets["test"]
    report = {
        "embedder": embedder_id, "aux_features": aux and embedder != "hashing", "seed": seed,
        "composed_per_part": composed, "single_per_part": part, "max_split": max_split, "dev_tuning": tuning,
        "min_confidence": best[0], "min_ticket_score": best[1], "segment_words": best[2], "candidate_words": best[3],
        "windows": best[4], "min_support": best[5], "reinstate": best[6],
        "segment_head": None if engine.model.segment_head is None else {
            "segments": engine.model.segment_head.segments, "c": engine.model.segment_head.c},
        "abstained_on_dev": abstained(dev_multi, routed["dev"][0], dev_single, routed["dev"][1], best),
        "dev_baseline_no_split": scores(dev_multi, routed["dev"][0], None),
        "test": {
            "multi_issue_tickets": len(test_multi),
            "issues_gold": sum(len(p.gold) for p in test_multi),
            "split": scores(test_multi, routed["test"][0], best),
            "baseline_no_split": scores(test_multi, routed["test"][0], None),
            "multi_abstained_share": round(sum(r.main is None for r in routed["test"][0]) / len(test_multi), 4),
            "single_issue_tickets": len(test_single),
            "single_with_second_question_intro": sum(p.second for p in test_single),
            "single_wrongly_split_share": split_share(test_single, routed["test"][1], best),
        },
        "test_shipped": {  # what the service uses with this model (SEGMENT_HEAD_RULE: it has a segment head)
            "setting": list(shipped), "split": scores(test_multi, routed["test"][0], shipped),
            "single_wrongly_split_share": split_share(test_single, routed["test"][1], shipped),
        },
        "test_legacy_rule": {  # the rule of a model without a segment head (and of the service before it)
            "setting": list(legacy), "split": scores(test_multi, routed["test"][0], legacy),
            "single_wrongly_split_share": split_share(test_single, routed["test"][1], legacy),
        },
        "test_without_segment_head": {
            "setting": list(unsupported), "split": scores(test_multi, routed["test"][0], unsupported),
            "single_wrongly_split_share": split_share(test_single, routed["test"][1], unsupported),
        },
        "test_without_windows": {
            "setting": list(plain), "split": scores(test_multi, routed["test"][0], plain),
            "single_wrongly_split_share": split_share(test_single, routed["test"][1], plain),
        },
    }
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--composed", type=int, default=200, help="multi-issue tickets composed per part")
    parser.add_argument("--part", type=int, default=300, help="demo tickets held out per part (dev, test)")
    parser.add_argument("--max-split", type=float, default=0.02, help="single-issue dev tickets split at most")
    parser.add_argument("--embedder", choices=("hashing", "served"), default="hashing",
                        help="served: the service's embedder (Settings), trained as `deskmate train` does")
    parser.add_argument("--no-aux", action="store_true", help="served: without the auxiliary USE features")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    emit_json(run(seed=args.seed, composed=args.composed, part=args.part, max_split=args.max_split,
                  embedder=args.embedder, aux=not args.no_aux), args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
