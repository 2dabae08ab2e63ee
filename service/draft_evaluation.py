"""Offline evaluation of a drafter against the replies really sent, beside the verbatim nearest-reply baseline.

Two corpora: Bitext (instruction, intent, response) and the demo tickets (subject/body, topic, resolution).
Rows are GROUPED so no query has a near-duplicate among the indexed cases: Bitext by intent and instruction
template (the entity value masked, then case, punctuation and digits normalized); demo tickets by the reply
template their resolution was written from (topic, variant, reply number, read from data/demo/templates), so the
same reply wording is never both a query's reference and an indexed case. Whole groups go to one side, seeded.

Per query the evaluation runs the pipeline's own path: embed, route (a logistic regression over the indexed cases'
embeddings, or a score-weighted topic vote of the nearest cases: the service's trained heads saw every ticket),
retrieve cases of the routed topic (plus its alternatives when confidence is low) and the routed articles, draft.
Metrics, for the draft and for the baseline
"return the nearest case's reply verbatim": MiniLM cosine and ROUGE-L F1 to the reference reply, the share with an
unsupported action (a sentence whose role is `action` asserted in the text and not listed in
`needs_confirmation`), other-customer identifiers (emails, domains, order/invoice numbers, amounts, customer names
found in the retrieved cases, absent from the ticket, and rare across the indexed replies), topic agreement of the
cited cases with the routing, the share ready to send, and duplicate greetings or sign-offs.

`split="validation"` never touches the held-out queries: it carves validation queries out of the indexed groups
(seeded, grouped the same way), so drafter knobs are tuned there and `split="test"` is reported once.
"""

from __future__ import annotations

import csv
import json
import random
import re
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from index.documents import Article, Case, load_articles, load_cases
from index.search_index import SearchIndex
from models.drafting.composer import ComposerDrafter, pick_case, split_sentences
from models.drafting.issues import (
    IssueRule,
    SegmentLabel,
    find_issues,
    issue_candidates,
    issue_rule_for,
    split_segments,
    with_windows,
)
from models.drafting.roles import sentence_role
from models.drafting.types import Draft, DraftRequest, Source, find_unfilled
from models.embedding.base import Embedder, normalize
from models.errors import InvalidInputError
from models.salutations import alternation, closings, greetings
from models.segment_head import SegmentHead
from models.training import fit_segment_head
from service.pipeline import (
    LOW_TOPIC_CONFIDENCE,
    MAX_ALTERNATIVE_TOPICS,
    SearchQuery,
    article_sources,
    case_sources,
    routed_articles,
    search_snapshot,
    supported_labels,
)

_NON_WORD = re.compile(r"[^a-z0-9{} ]+")
_SLOT = re.compile(r"\{[^{}]+\}")
_TOKEN = re.compile(r"\w+", re.UNICODE)
SPLITS = ("test", "validation")
# Identifiers that belong to one customer's case (kind, pattern).
_IDENTIFIERS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("email", re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")),
    ("domain", re.compile(r"(?<![@\w.-])(?:[a-z0-9-]+\.)+(?:example|com|net|org|io|de|fr|es|co)\b", re.IGNORECASE)),
    ("number", re.compile(r"(?:#\s?\d{3,}|\b[A-Z]{2,6}-\d{3,}\b|\b\d{5,}\b)")),
    ("amount", re.compile(r"(?:[$€£]\s?\d[\d.,]*\d|\b\d[\d.,]*\s?(?:€|EUR\b|USD\b|GBP\b|euros?\b|dollars?\b))",
                          re.IGNORECASE)),
)
# An identifier found in more than this share of the indexed replies (and more than SHARED_MIN_CASES of them) is
# the company's own (help-centre domain, plan price), not another customer's; so is one printed in a knowledge
# article (public text, such as a partner's domain or the support address).
SHARED_IDENTIFIER_SHARE = 0.01
SHARED_MIN_CASES = 5
# A line or sentence that opens with a greeting, or one that is a closing (models/salutations.py; thanks are not: "Thank
# you for your patience." is no sign-off). Closings that also open ordinary sentences ("Best practice is …", "Take
# care not to …") count only with punctuation or nothing after them.
_GREETING_LINE = re.compile(rf"^(?:{alternation(greetings())})\b[^.!?]{{0,40}}[,:!]", re.IGNORECASE)
_LOOSE_CLOSINGS = ("best", "yours", "take care")
_SIGN_OFF_LINE = re.compile(rf"^(?:{alternation(c for c in closings() if c not in _LOOSE_CLOSINGS)})\b"
                            rf"|^(?:{alternation(_LOOSE_CLOSINGS)})\s*(?:[,!.]|$)", re.IGNORECASE)


# -- data ------------------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Item:
    """One resolved ticket: the case it becomes when indexed, its group and the reply really sent."""

    case: Case
    group: str
    customer_name: str | None = None
    tier: str | None = None
    channel: str = "email"
    second_topic: str | None = None  # a second issue's topic, when the reply answers two (demo tickets)


def group_key(text: str) -> str:
    """Utterances differing only in case, punctuation, digits or spacing share a key."""
    return " ".join(_NON_WORD.sub(" ", re.sub(r"\d+", "0", text.lower())).split())


def read_bitext(path: Path) -> list[dict[str, str]]:
    """Rows with text, intent, response and group (intent + instruction with its entity value masked)."""
    with path.open(newline="", encoding="utf-8") as handle:
        rows = []
        for r in csv.DictReader(handle):
            if not (r.get("instruction") and r.get("response")):
                continue
            template = r["instruction"]
            if r.get("entity_value") and r.get("entity_type"):
                template = template.replace(r["entity_value"], "{" + r["entity_type"] + "}")
            rows.append({"text": r["instruction"], "intent": r["intent"], "response": r["response"],
                         "group": f"{r['intent']}|{group_key(template)}"})
    if not rows:
        raise InvalidInputError(f"{path} has no rows with instruction and response")
    return rows


def bitext_items(rows: Sequence[dict[str, str]]) -> list[Item]:
    return [Item(case=Case(id=f"bitext-{i}", text=r["text"], resolution=r["response"], topic=r["intent"],
                           language="en"), group=r.get("group") or group_key(r["text"])) for i, r in enumerate(rows)]


def reply_templates(templates_dir: Path) -> list[tuple[str, str]]:
    """(group, longest literal piece) of every reply template of the demo generator, longest pieces first."""
    out: list[tuple[str, str]] = []
    for path in sorted(templates_dir.glob("*.json")):
        variants = json.loads(path.read_text(encoding="utf-8")).get("variants")
        if not isinstance(variants, dict):
            continue
        for topic, entries in variants.items():
            for variant in entries:
                for i, reply in enumerate(variant.get("replies") or []):
                    piece = max(_SLOT.split(reply), key=len).strip()
                    if len(piece) >= 15:
                        out.append((f"{topic}:{variant['key']}:{i}", piece))
    return sorted(out, key=lambda pair: -len(pair[1]))


def demo_items(tickets: Path, templates_dir: Path) -> list[Item]:
    """Resolved demo tickets, grouped by the reply template their resolution starts from (the first one found in
    the text: a second issue's reply comes later); a resolution matching none is grouped by its own wording."""
    templates = reply_templates(templates_dir)
    items = []
    for case in load_cases(tickets):
        if not case.resolution.strip():
            continue
        found = sorted((case.resolution.find(piece), group) for group, piece in templates if piece in case.resolution)
        group = found[0][1] if found else group_key(case.resolution)
        second = next((g.split(":")[0] for _, g in found if g.split(":")[0] != group.split(":")[0]), None)
        customer = case.metadata.get("customer")
        name = customer.get("name") if isinstance(customer, dict) else None
        tier = customer.get("tier") if isinstance(customer, dict) else None
        items.append(Item(case=case, group=group, customer_name=name if isinstance(name, str) else None,
                          tier=tier if isinstance(tier, str) else None, channel=case.channel or "email",
                          second_topic=second if found else None))
    if not items:
        raise InvalidInputError(f"{tickets} has no resolved ticket")
    return items


def split_groups(groups: Sequence[str], *, seed: int, query_share: float, split: str = "test",
                 validation_share: float = 0.2) -> tuple[set[str], set[str], int]:
    """(case groups, query groups, number of groups), seeded.

    "test": the first `query_share` of the shuffled groups are the queries, the rest are the cases.
    "validation": the test groups are left out entirely; `validation_share` of the case groups (shuffled again
    with the same seed) are the queries and the other case groups the cases.
    """
    if split not in SPLITS:
        raise InvalidInputError(f"split must be one of {SPLITS}, not {split!r}")
    for name, share in (("query_share", query_share), ("validation_share", validation_share)):
        if not 0.0 < share < 1.0:
            raise InvalidInputError(f"{name} must be within (0, 1)")
    keys = sorted(set(groups))
    random.Random(seed).shuffle(keys)
    n_query_groups = int(len(keys) * query_share)
    query_keys, case_keys = keys[:n_query_groups], keys[n_query_groups:]
    if split == "validation":
        case_keys = sorted(case_keys)
        random.Random(seed + 1).shuffle(case_keys)
        n_validation = int(len(case_keys) * validation_share)
        query_keys, case_keys = case_keys[:n_validation], case_keys[n_validation:]
    return set(case_keys), set(query_keys), len(keys)


def split_rows(rows: list[dict[str, str]], *, seed: int, query_share: float, split: str = "test",
               validation_share: float = 0.2) -> tuple[list[dict[str, str]], list[dict[str, str]], int]:
    """(case rows, query rows, number of groups) of Bitext-style rows; a row's group is its "group" field, or
    its normalized text."""
    keys = [r.get("group") or group_key(r["text"]) for r in rows]
    case_keys, query_keys, n_groups = split_groups(keys, seed=seed, query_share=query_share, split=split,
                                                   validation_share=validation_share)
    rng = random.Random(seed)
    query_rows = [r for r, k in zip(rows, keys, strict=True) if k in query_keys]
    case_rows = [r for r, k in zip(rows, keys, strict=True) if k in case_keys]
    rng.shuffle(query_rows)
    rng.shuffle(case_rows)
    return case_rows, query_rows, n_groups


# -- metrics -------------------------------------------------------------------------------------------------------
# Placeholder conventions ("{{Order Number}}", "[order number]", "<name>") differ between a corpus and the drafts;
# scoring reads every placeholder as its words, so the convention alone never moves a similarity.
_PLACEHOLDERS = re.compile(r"\{\{([^{}\n]{1,60})\}\}|\[([^\[\]\n]{1,60})\](?!\()|<([A-Za-z][A-Za-z _-]{0,30})>")


def scoring_text(text: str) -> str:
    """`text` with each placeholder replaced by its lower-cased words."""
    return _PLACEHOLDERS.sub(lambda m: next(g for g in m.groups() if g is not None).lower(), text)


def rouge_l(candidate: str, reference: str) -> float:
    """ROUGE-L F1 over lower-cased word tokens (longest common subsequence)."""
    a, b = _TOKEN.findall(candidate.lower()), _TOKEN.findall(reference.lower())
    if not a or not b:
        return 0.0
    previous = [0] * (len(b) + 1)
    for token in a:
        current = [0]
        for j, other in enumerate(b):
            current.append(previous[j] + 1 if token == other else max(previous[j + 1], current[j]))
        previous = current
    lcs = previous[-1]
    if lcs == 0:
        return 0.0
    precision, recall = lcs / len(a), lcs / len(b)
    return 2 * precision * recall / (precision + recall)


def identifiers(text: str) -> set[tuple[str, str]]:
    return {(kind, m.group(0).lower().strip()) for kind, pattern in _IDENTIFIERS for m in pattern.finditer(text)}


def company_identifiers(replies: Sequence[str], articles: Sequence[Article]) -> set[tuple[str, str]]:
    """Identifiers that are nobody's own: common in the indexed replies (help-centre domain, plan price) or printed
    in a knowledge article (public text)."""
    counts: Counter[tuple[str, str]] = Counter(x for reply in replies for x in identifiers(reply))
    common = {x for x, n in counts.items() if n > max(SHARED_MIN_CASES, SHARED_IDENTIFIER_SHARE * len(replies))}
    return common | {x for a in articles for x in identifiers(f"{a.title}\n{a.body}")}


def leaked_identifiers(text: str, *, ticket: str, sources: Sequence[Source], names: Sequence[str],
                       shared: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """Identifiers of other customers in `text`: found in a retrieved case (or a case customer's first name),
    not in this ticket, not among the company's own (`shared`)."""
    ticket_lower = ticket.lower()
    from_sources = set().union(*(identifiers(s.text) for s in sources)) if sources else set()
    own = {".".join(value.split(".")[-2:]) for kind, value in shared if kind == "domain"}  # the company's domains
    found = {i for i in identifiers(text) & from_sources if i not in shared and i[1] not in ticket_lower
             and not (i[0] == "domain" and ".".join(i[1].split(".")[-2:]) in own)}
    for name in names:
        if name.lower() not in ticket_lower and re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text):
            found.add(("name", name.lower()))
    return found


def unsupported_actions(draft: Draft) -> int:
    """Source sentences of `draft` asserting an action as done (role `action`, not marked for confirmation)."""
    marked = set(draft.needs_confirmation)
    return sum(1 for i, s in enumerate(draft.sentences)
               if s.phrase is None and i not in marked and sentence_role(s.text, draft.language) == "action")


def verbatim_actions(text: str, language: str | None) -> int:
    return sum(1 for s in split_sentences(text) if sentence_role(s, language) == "action")


def duplicate_frame(text: str) -> bool:
    """More than one greeting line/sentence opening, or more than one sign-off, in a draft."""
    lines = [line.strip() for line in re.split(r"\n+|(?<=[.!?])\s+", text) if line.strip()]
    return sum(bool(_GREETING_LINE.match(x)) for x in lines) > 1 \
        or sum(bool(_SIGN_OFF_LINE.match(x)) for x in lines) > 1


# -- evaluation ----------------------------------------------------------------------------------------------------
@dataclass(slots=True)
class _Tally:
    texts: list[str] = field(default_factory=list)
    rouge: list[float] = field(default_factory=list)
    with_action: int = 0
    with_leak: int = 0
    leaks: Counter[str] = field(default_factory=Counter)
    leak_examples: list[str] = field(default_factory=list)
    duplicate_examples: list[str] = field(default_factory=list)
    ready: int = 0
    duplicate_frame: int = 0

    def add(self, text: str, reference: str, *, actions: int, leaks: set[tuple[str, str]], ready: bool) -> None:
        self.texts.append(text)
        self.rouge.append(rouge_l(scoring_text(text), scoring_text(reference)))
        self.with_action += int(actions > 0)
        self.with_leak += int(bool(leaks))
        self.leaks.update(kind for kind, _ in leaks)
        self.leak_examples += [f"{kind}: {value}" for kind, value in sorted(leaks)][:5 - len(self.leak_examples)]
        self.ready += int(ready)
        if duplicate_frame(text):
            self.duplicate_frame += 1
            self.duplicate_examples += [text[:300]][:3 - len(self.duplicate_examples)]

    def metrics(self, similarity: np.ndarray, raw: np.ndarray, n: int) -> dict[str, Any]:
        return {"similarity": float(similarity.mean()), "similarity_raw": float(raw.mean()),
                "rouge_l": float(np.mean(self.rouge)),
                "unsupported_action_rate": self.with_action / n, "other_customer_id_rate": self.with_leak / n,
                "other_customer_ids": dict(self.leaks), "other_customer_id_examples": self.leak_examples,
                "ready_to_send": self.ready / n,
                "duplicate_greeting_or_sign_off": self.duplicate_frame / n,
                "duplicate_examples": self.duplicate_examples}


def route_by_neighbours(sources: Sequence[Source]) -> tuple[str | None, float, list[str]]:
    """(topic, confidence, alternatives) from a score-weighted vote of the nearest cases."""
    votes: dict[str, float] = {}
    for s in sources:
        if s.topic is not None:
            votes[s.topic] = votes.get(s.topic, 0.0) + max(s.score, 0.0)
    total = sum(votes.values())
    if not votes or total <= 0:
        return None, 0.0, []
    ranked = sorted(votes, key=lambda t: -votes[t])
    return ranked[0], votes[ranked[0]] / total, ranked[1:]


class LinearRouter:
    """Routing for an evaluation: a logistic regression over the embeddings of the indexed cases (their topics as
    labels); `route` gives (topic, confidence, alternatives best first)."""

    def __init__(self, vectors: np.ndarray, topics: Sequence[str | None], *, seed: int) -> None:
        from sklearn.linear_model import LogisticRegression

        keep = [i for i, t in enumerate(topics) if t is not None]
        labels = [str(topics[i]) for i in keep]
        self.single = labels[0] if len(set(labels)) == 1 else None
        self.model = LogisticRegression(C=10.0, max_iter=2000, random_state=seed)
        if self.single is None:
            self.model.fit(vectors[keep], labels)

    def scores(self, vectors: np.ndarray) -> list[dict[str, float]]:
        """Each row's topic probabilities."""
        if self.single is not None:
            return [{self.single: 1.0} for _ in range(len(vectors))]
        return [{str(c): float(p) for c, p in zip(self.model.classes_, row, strict=True)}
                for row in self.model.predict_proba(vectors)]

    def route(self, vector: np.ndarray) -> tuple[str, float, list[str]]:
        scores = self.scores(vector[None, :])[0]
        labels = sorted(scores, key=lambda t: -scores[t])
        return labels[0], scores[labels[0]], labels[1:]


def further_issues(text: str, topic: str, router: LinearRouter, embedder: Embedder, *,
                   segment_head: SegmentHead | None = None, rule: IssueRule | None = None) -> set[str]:
    """The topics of a ticket's further issues, found as the service finds them (segments routed one by one, with
    the rule's windows each two adjacent ones routed as one window on the mean of their vectors, vetoed by the
    `segment_head` where it gives a topic less than the rule's `min_support`; merged by
    `models.drafting.issues.find_issues`), with `router` in place of the routing heads. `rule`: by default the
    service's rule for a model with (or without) a segment head."""
    rule = rule or issue_rule_for(segment_head)
    segments = split_segments(text)
    if len(segments) < 2:
        return set()
    allowed = issue_candidates(segments)
    vectors = embedder.encode([s.text for s in segments])
    labels = supported_labels([_label(sc, False) for sc in router.scores(vectors)], vectors, segment_head,
                              rule.min_support, rule.reinstate)
    labels = [label if ok else replace(label, abstained=True) for label, ok in zip(labels, allowed, strict=True)]
    if rule.windows:
        means = normalize(vectors[:-1] + vectors[1:])  # the direction of each two adjacent segments' mean
        windows = supported_labels([_label(sc, False) for sc in router.scores(means)], means, segment_head,
                                   rule.min_support)
        labels = with_windows(labels, windows, allowed, min_confidence=rule.min_confidence)
    ticket_scores = router.scores(embedder.encode([text]))[0]
    return {i.topic for i in find_issues(text, segments, labels, main_topic=topic, ticket_scores=ticket_scores,
                                         min_confidence=rule.min_confidence, min_ticket_score=rule.min_ticket_score)}


def _label(scores: dict[str, float], abstained: bool) -> SegmentLabel:
    best = max(scores, key=lambda t: scores[t])
    return SegmentLabel(best, scores[best], abstained)


ROUTERS = ("linear", "neighbours")


def evaluate_items(items: Sequence[Item], *, articles: Sequence[Article], embedder: Embedder,
                   drafter: ComposerDrafter, name: str, seed: int = 13, query_share: float = 0.2,
                   max_cases: int = 6000, max_queries: int = 400, k_cases: int = 5, k_route: int = 10,
                   k_articles: int = 3, split: str = "test", validation_share: float = 0.2,
                   channel: str | None = None, router: str = "linear", show_progress: bool = False) -> dict[str, Any]:
    """Draft vs verbatim-baseline metrics on one grouped split of `items`; see the module docstring."""
    if router not in ROUTERS:
        raise InvalidInputError(f"router must be one of {ROUTERS}, not {router!r}")
    case_keys, query_keys, n_groups = split_groups([i.group for i in items], seed=seed, query_share=query_share,
                                                   split=split, validation_share=validation_share)
    rng = random.Random(seed)
    cases_in = [i for i in items if i.group in case_keys]
    queries = [i for i in items if i.group in query_keys]
    rng.shuffle(cases_in)
    rng.shuffle(queries)
    cases_in, queries = cases_in[:max_cases], queries[:max_queries]
    if not cases_in or not queries:
        raise InvalidInputError(f"{name}: the {split} split has no cases or no queries")
    embedder.load()
    case_vectors = embedder.encode([i.case.text for i in cases_in])
    index = SearchIndex.build(cases=[i.case for i in cases_in], articles=list(articles), embedder=embedder,
                              dedup_threshold=None, case_vectors=case_vectors, show_progress=show_progress)
    linear = LinearRouter(case_vectors, [i.case.topic for i in cases_in], seed=seed) if router == "linear" else None
    segment_head = None  # as `deskmate train` fits one: on the segments of the indexed cases, each with its topic
    if linear is not None and any(i.second_topic for i in queries):
        labelled = [(n, i) for n, i in enumerate(cases_in) if i.case.topic is not None]
        segment_head, _ = fit_segment_head(embedder, [i.case.text for _, i in labelled],
                                           [str(i.case.topic) for _, i in labelled],
                                           case_vectors[[n for n, _ in labelled]])
    shared = company_identifiers([i.case.resolution for i in cases_in], articles)
    first_names = {i.case.id: i.customer_name.split()[0] for i in cases_in if i.customer_name}
    signer = str(getattr(drafter, "agent_name", None) or "").lower()
    vectors = embedder.encode([q.case.text for q in queries])
    draft, base, consensus = _Tally(), _Tally(), _Tally()
    routed_right = agree = with_cases = drafted = 0
    multi = multi_found = single = single_extra = 0
    failures: Counter[str] = Counter()
    seconds: list[float] = []
    for item, vector in zip(queries, vectors, strict=True):
        q, language = item.case, item.case.language or "en"
        wide = search_snapshot(index, q.text, vector[None, :], SearchQuery(k_cases=k_route, k_articles=k_articles),
                               language)
        neighbours = case_sources(wide, index)
        topic, confidence, alternatives = linear.route(vector) if linear is not None \
            else route_by_neighbours(neighbours)
        routed_right += int(topic == q.topic)
        topics: tuple[str, ...] = () if topic is None else (
            (topic, *alternatives[:MAX_ALTERNATIVE_TOPICS]) if confidence < LOW_TOPIC_CONFIDENCE else (topic,))
        query = SearchQuery(k_cases=k_cases, k_articles=k_articles)
        if topics:
            query = replace(query, filters=replace(query.filters, topic=topics))
        results = search_snapshot(index, q.text, vector[None, :], query, language)
        sources = case_sources(results, index)
        routed, article_topics = routed_articles(article_sources(results), sources, topics)
        request = DraftRequest(text=q.text, language=language, channel=channel or item.channel,
                               customer_name=item.customer_name, tier=item.tier, topic=topic, cases=tuple(sources),
                               articles=tuple(routed), topics=article_topics)
        pool = list({s.id: s for s in (*neighbours, *sources)}.values())
        # The signing agent's own name is not another customer's, even where a case customer shares it ("Sam").
        names = [first_names[s.id] for s in pool if s.id in first_names
                 and (not item.customer_name or first_names[s.id] != item.customer_name.split()[0])
                 and first_names[s.id].lower() != signer]
        reference = q.resolution
        started = time.perf_counter()
        try:
            result = drafter.draft(request)
        except Exception as exc:  # a failed draft is an empty one, counted by its reason
            failures[type(exc).__name__ + ": " + str(exc)[:80]] += 1
            result = Draft(text="", sentences=[], citations=[], language=language, tone="neutral",
                           drafter=drafter.name, confidence=0.0)
        seconds.append(time.perf_counter() - started)
        drafted += int(bool(result.text))
        if linear is not None and topic is not None and any(i.second_topic for i in queries):
            extra = further_issues(q.text, topic, linear, embedder, segment_head=segment_head)
            if item.second_topic and item.second_topic != topic:
                multi += 1
                multi_found += int(item.second_topic in extra)
            elif not item.second_topic:
                single += 1
                single_extra += int(bool(extra))
        cited = {c.source_id for c in result.citations if c.kind == "case"}
        if cited:
            with_cases += 1
            topic_of = {s.id: s.topic for s in sources}
            agree += int(all(topic_of.get(c) in topics for c in cited))  # routed topic or flagged alternatives
        draft.add(result.text, reference, actions=unsupported_actions(result),
                  leaks=leaked_identifiers(result.text, ticket=q.text, sources=pool, names=names,
                                           shared=shared),
                  ready=bool(result.text) and result.ready_to_send)
        nearest = neighbours[0] if neighbours else None
        for tally, chosen in ((base, nearest),
                              (consensus, pick_case(sources, topic, k=drafter.consensus_k) if sources else None)):
            text = chosen.text if chosen is not None else ""
            actions = verbatim_actions(text, language)
            tally.add(text, reference, actions=actions,
                      leaks=leaked_identifiers(text, ticket=q.text, sources=pool, names=names, shared=shared),
                      ready=bool(text) and not actions and not find_unfilled(text))
    n = len(queries)
    references = embedder.encode([scoring_text(q.case.resolution) for q in queries])
    raw_references = embedder.encode([q.case.resolution for q in queries])

    def scored(tally: _Tally) -> dict[str, Any]:
        normalized = embedder.encode([scoring_text(t) or " " for t in tally.texts])
        raw = embedder.encode([t or " " for t in tally.texts])
        return tally.metrics(np.sum(normalized * references, axis=1), np.sum(raw * raw_references, axis=1), n)

    return {
        "data": name, "split": split, "seed": seed, "groups": n_groups, "cases": len(cases_in), "queries": n,
        "embedder": embedder.model_id, "router": router, "routing_accuracy": routed_right / n,
        "drafted": drafted / n, "draft_failures": dict(failures),
        "topic_agreement": agree / with_cases if with_cases else 0.0,
        "multi_issue_coverage": multi_found / multi if multi else "n/a", "multi_issue_tickets": multi,
        "false_issue_rate": single_extra / single if multi else "n/a",
        "draft": scored(draft), "baseline_nearest": scored(base), "baseline_consensus": scored(consensus),
        "draft_ms_p50": float(np.percentile(seconds, 50) * 1000),
    }


def evaluate_suggest(*, data: Path, embedder: Embedder, drafter: ComposerDrafter, seed: int = 13,
                     query_share: float = 0.2, max_cases: int = 6000, max_queries: int = 400, k_cases: int = 5,
                     channel: str = "email", split: str = "test", validation_share: float = 0.2,
                     router: str = "linear", show_progress: bool = False) -> dict[str, Any]:
    """`evaluate_items` on a Bitext-style CSV (build `drafter` with `service.components.build_composer`)."""
    return evaluate_items(bitext_items(read_bitext(data)), articles=[], embedder=embedder, drafter=drafter,
                          name=str(data), seed=seed, query_share=query_share, max_cases=max_cases,
                          max_queries=max_queries, k_cases=k_cases, split=split, validation_share=validation_share,
                          channel=channel, router=router, show_progress=show_progress)


def evaluate_demo(*, tickets: Path, articles: Path | None, templates: Path, embedder: Embedder,
                  drafter: ComposerDrafter, seed: int = 13, query_share: float = 0.2, max_queries: int = 400,
                  split: str = "test", router: str = "linear", show_progress: bool = False) -> dict[str, Any]:
    """`evaluate_items` on the demo tickets (each drafted in its own channel) with the demo articles."""
    return evaluate_items(demo_items(tickets, templates), articles=load_articles(articles) if articles else [],
                          embedder=embedder, drafter=drafter, name=str(tickets), seed=seed, query_share=query_share,
                          max_queries=max_queries, split=split, router=router, show_progress=show_progress)


_SIDES = ("draft", "baseline_nearest", "baseline_consensus")
_ROWS = (("similarity", "MiniLM cosine to the reply sent"),
         ("similarity_raw", "  same, placeholders as written"), ("rouge_l", "ROUGE-L F1 to the reply sent"),
         ("unsupported_action_rate", "with an action asserted as done"),
         ("other_customer_id_rate", "with another customer's identifier"), ("ready_to_send", "ready to send"),
         ("duplicate_greeting_or_sign_off", "duplicate greeting / sign-off"))


def _value(value: Any) -> str:
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def comparison_rows(metrics: dict[str, Any]) -> list[tuple[str, ...]]:
    """(metric, draft, verbatim nearest, verbatim consensus) rows of one `evaluate_items` result, for a table."""
    rows: list[tuple[str, ...]] = [(label, *(f"{metrics[side][key]:.3f}" for side in _SIDES)) for key, label in _ROWS]
    rows.append(("other-customer ids by kind", *(", ".join(f"{k} {n}" for k, n in sorted(
        metrics[side]["other_customer_ids"].items())) or "-" for side in _SIDES)))
    rows += [(label, value, "", "") for label, value in (
        (f"routing accuracy ({metrics['router']})", f"{metrics['routing_accuracy']:.3f}"),
        ("topic agreement, cited cases vs routing", f"{metrics['topic_agreement']:.3f}"),
        ("drafted", f"{metrics['drafted']:.3f}"),
        ("multi-issue: second issue found", _value(metrics["multi_issue_coverage"])),
        ("single-issue: an issue invented", _value(metrics["false_issue_rate"])))]
    return rows
