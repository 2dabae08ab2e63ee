"""Tickets with several issues: split a ticket into its issues, and answer each further issue in the draft.

"I was charged twice, the Jira sync is broken, and can you add dark mode?" holds three issues. The ticket as a
whole is routed to one topic (its main issue); the others would be ignored, or worse, answered with a story made
up from the main topic's sources. Here:

1. `split_segments(text)` cuts the ticket into sentences and clauses (sentence ends, line breaks, and clause
   joiners such as ", and", "; also", ", und", ", y además", ", et aussi": en/de/es/fr); a piece shorter than
   `MIN_SEGMENT_WORDS` words is merged into its neighbour (a greeting or "Thanks!" is not an issue).
2. The caller routes every segment with the routing heads (the service does it in the ticket's own encode call)
   and gives each a `SegmentLabel`.
3. `find_issues(...)` merges adjacent segments of the same topic; a group is a further issue only when its topic
   differs from the main topic, it is not out of scope / abstained, and its confidence reaches `min_confidence`.
   One issue per topic (a topic met twice keeps its first span).
4. `issue_paragraph(...)` answers a further issue from ITS sources (retrieved for the issue's text, of its topic):
   an intro phrase and up to `MAX_GUIDANCE` guidance sentences of the first source that has any (never an action,
   a first-person sentence, a case fact, a pleasantry or a request for a secret), or, with none, the phrase book's
   hand-off line ("Regarding the integration, a colleague will follow up with you separately.").
   `with_issue_paragraphs(...)` puts those paragraphs into any drafter's draft, before its sign-off, keeping every
   index consistent.

`issue_candidates` keeps out what holds no issue: the subject, an agent's turns of a transcript, the closing
(sign-off, signature, footer, email disclaimer: `signature_start`) and small talk (greetings, thanks, "PS: have a
nice weekend": `substantive_words`).

Pure functions: nothing is loaded at import; no model here (the routing runs in the caller).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from itertools import pairwise
from typing import Literal

from models.drafting.composer import split_sentences
from models.drafting.handoff import NAME as HANDOFF
from models.drafting.phrasebook import PhraseBook
from models.drafting.roles import asks_for_secret, sentence_role
from models.drafting.safety import first_person_action
from models.drafting.types import (
    AgentAction,
    Draft,
    Sentence,
    Source,
    SourceKind,
    citations_for,
    find_unfilled,
)
from models.salutations import alternation, greetings, sign_offs

MIN_SEGMENT_WORDS = 3
FURTHER_IN_HANDOFF = "further issues of the ticket are not answered separately: the draft is a hand-off"
MAX_SEGMENTS = 12  # a longer text (a call transcript) is cut into at most this many segments (the rest joins the last)
# Tuned on the dev part of `bench/multi_issue.py --embedder served` (ONNX MiniLM + USE features, as served; see
# docs/drafting.md; 2026-12-05, 4,800-ticket demo set): a further issue needs a topic confidence of
# MIN_ISSUE_CONFIDENCE for its segment (or for a window of it and a neighbour, `with_windows`) and the whole ticket's
# probability MIN_TICKET_SCORE for its topic. Segments of MIN_SEGMENT_WORDS words, the small-talk filter (at least
# MIN_SEGMENT_WORDS substantive words; it tied "off" on dev) and windows were the best of the segmentings tried there.
MIN_ISSUE_CONFIDENCE = 0.95
MIN_TICKET_SCORE = 0.1
# With a segment head (models/segment_head.py) in the routing model, a further issue also needs the head's
# probability MIN_SEGMENT_SUPPORT for its topic on its segment (`with_support`), and the other thresholds were tuned
# again with it (same bench, same dev part, 2026-12-05, with the service's segmentation: segment confidence 0.9, no
# whole-ticket floor, no windows, support 0.4, reinstated at 0.8): SEGMENT_HEAD_RULE. A model without a segment head
# keeps LEGACY_ISSUE_RULE (the constants above).
MIN_SEGMENT_SUPPORT = 0.4
REINSTATE_SUPPORT = 0.8  # ... and a segment the abstain rule set aside counts again at this support (dev)
MAX_GUIDANCE = 2
OUT_OF_SCOPE = "oos"
IssueAnswer = Literal["main", "paragraph", "handoff"]  # how a draft answers an issue

_SENTENCE = re.compile(r"(?<=[.!?…])\s+(?=\S)|\s*\n+\s*")
# Clause joiners that usually start another request: after a comma or semicolon, or a joiner that says "also".
_CLAUSE = re.compile(
    r"\s*;\s*"
    r"|\s*,\s*(?=(?:and|plus|also|und|außerdem|zudem|y|además|et|aussi|également|de plus|par ailleurs)\b)"
    r"|\s+(?=(?:and also|and another thing|und außerdem|und auch|y además|y también|et aussi|et également)\b)",
    re.IGNORECASE)
_WORD = re.compile(r"\w+")
# A speaker label of a call or chat transcript ("Agent: ...", "Customer: ..."): an agent's turns are no issue.
_SPEAKER = re.compile(r"(?:^|(?<=[\s.!?]))(?P<who>[A-Za-zÀ-ÿ]{2,12})\s*:\s", re.MULTILINE)
AGENT_SPEAKERS = frozenset({"agent", "support", "rep", "operator", "agentin", "mitarbeiter", "agente", "conseiller",
                            "conseillère", "operador", "operadora"})
# Small talk is no issue: a whole line that greets or signs off (the words: models/salutations.py), and thanks /
# pleasantries anywhere (en/de/es/fr).
_GREETING_LINE = re.compile(rf"^\W*(?:{alternation(greetings())})\b[^\n.!?]{{0,40}}[,.!:]?\W*$", re.IGNORECASE)
_SIGN_OFF_LINE = re.compile(rf"^\W*(?:{alternation(sign_offs())})\W*$", re.IGNORECASE)
_FOOTER_LINE = re.compile(r"^(?:-{2,}|_{2,}|(?:sent from|get outlook|von meinem|enviado desde|envoyé de)\b.*)$",
                          re.IGNORECASE)
# An email disclaimer: it and everything after it is no issue, wherever it starts.
_DISCLAIMER = re.compile(
    r"^\W*(?:confidentiality notice|disclaimer|this (?:e-?mail|message) and any attachments|vertraulichkeitshinweis"
    r"|diese e-mail (?:und|enthält)|aviso de confidencialidad|este (?:correo|mensaje) (?:y|es|contiene)"
    r"|avis de confidentialité|ce (?:message|courriel) (?:et|est|contient))\b", re.IGNORECASE)
_SMALL_TALK = re.compile(
    r"\b(?:(?:many |kind )?thanks?(?: you)?(?: so much| very much| a lot)?(?: again| in advance)?"
    r"(?: for\b[^.!?\n,]{0,40})?"
    r"|(?:much )?appreciated?(?: it)?|looking forward to (?:your|hearing)[^.!?\n]*"
    r"|have a (?:nice|great|good|lovely) (?:day|weekend|week|evening)|keep up the (?:good|great) work"
    r"|(?:vielen |herzlichen )?dank(?:e)?(?: schön| sehr)?(?: im voraus)?(?: für\b[^.!?\n,]{0,40})?|schönes wochenende"
    r"|(?:muchas )?gracias(?: de antemano)?(?: por\b[^.!?\n,]{0,40})?|buen fin de semana"
    r"|merci(?: beaucoup)?(?: d'avance| par avance)?(?: pour\b[^.!?\n,]{0,40})?|bon week-end|bonne journée)\b[.!]*",
    re.IGNORECASE)
_PS = re.compile(r"^\W*(?:p\.?\s?s\.?|pd)\s*:\s*", re.IGNORECASE)
MAX_SIGNATURE_LINES = 4  # name, role, company, phone under a sign-off line
MAX_SIGNATURE_WORDS = 8


@dataclass(frozen=True, slots=True)
class Segment:
    """A sentence or clause of the ticket text: `text == ticket_text[start:end]`."""

    text: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class SegmentLabel:
    """What the routing heads said about one segment."""

    topic: str
    confidence: float
    abstained: bool = False


@dataclass(frozen=True, slots=True)
class Issue:
    """One issue of a ticket: its span of the ticket text, topic and confidence, and the segments it joins."""

    text: str
    start: int
    end: int
    topic: str
    confidence: float
    segments: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class IssueRule:
    """When a group of segments is a further issue: its routing confidence (`min_confidence`), the whole ticket's
    probability for its topic (`min_ticket_score`), windows of two segments (`with_windows`) and, with a segment head,
    the head's support for its topic (`min_support`; None: not used) and the support at which a segment the abstain
    rule set aside counts again (`reinstate`; None: never)."""

    min_confidence: float
    min_ticket_score: float
    windows: bool
    min_support: float | None = None
    reinstate: float | None = None


LEGACY_ISSUE_RULE = IssueRule(MIN_ISSUE_CONFIDENCE, MIN_TICKET_SCORE, windows=True)
SEGMENT_HEAD_RULE = IssueRule(0.9, 0.0, windows=False, min_support=MIN_SEGMENT_SUPPORT, reinstate=REINSTATE_SUPPORT)


def issue_rule_for(segment_head: object | None) -> IssueRule:
    """The rule that finds further issues with a routing model whose segment head is `segment_head` (None: it has
    none, a model from before segment heads or trained without one)."""
    return SEGMENT_HEAD_RULE if segment_head is not None else LEGACY_ISSUE_RULE


def _pieces(text: str, pattern: re.Pattern[str], offset: int) -> list[Segment]:
    out: list[Segment] = []
    position = 0
    for match in [*pattern.finditer(text), None]:
        end = match.start() if match is not None else len(text)
        piece = text[position:end]
        stripped = piece.strip()
        if stripped:
            start = offset + position + (len(piece) - len(piece.lstrip()))
            out.append(Segment(stripped, start, start + len(stripped)))
        if match is not None:
            position = match.end()
    return out


def _join(text: str, first: Segment, last: Segment) -> Segment:
    return Segment(text[first.start:last.end], first.start, last.end)


def split_segments(text: str, *, min_words: int = MIN_SEGMENT_WORDS, max_segments: int = MAX_SEGMENTS) -> list[Segment]:
    """The ticket's sentences and clauses, in order, each of at least `min_words` words (shorter pieces join the
    previous one, or the next one at the start); at most `max_segments` (the rest joins the last)."""
    pieces = [clause for sentence in _pieces(text, _SENTENCE, 0)
              for clause in _pieces(sentence.text, _CLAUSE, sentence.start)]
    merged: list[Segment] = []
    pending: Segment | None = None  # short pieces at the start wait for the next one
    for piece in pieces:
        if pending is not None:
            piece, pending = _join(text, pending, piece), None
        if len(_WORD.findall(piece.text)) >= min_words:
            merged.append(piece)
        elif merged:
            merged[-1] = _join(text, merged[-1], piece)
        else:
            pending = piece
    if pending is not None:
        merged.append(pending)
    if len(merged) > max_segments:
        merged = [*merged[:max_segments - 1], _join(text, merged[max_segments - 1], merged[-1])]
    return merged


def _lines(segments: Sequence[Segment]) -> list[tuple[int, str]]:
    """The segments' lines with their offsets into the ticket text."""
    out: list[tuple[int, str]] = []
    for segment in segments:
        position = 0
        for line in segment.text.split("\n"):
            if line.strip():
                out.append((segment.start + position + len(line) - len(line.lstrip()), line.strip()))
            position += len(line) + 1
    return out


def _signature_like(line: str) -> bool:
    """A line of a signature: a name, a role, a company, a phone number (short, words capitalised or not words);
    not a chat message that follows a "thanks!" line ("my invoice is wrong")."""
    words = _WORD.findall(line)
    lowercase = sum(1 for word in words if word[0].islower())
    return len(words) <= MAX_SIGNATURE_WORDS and lowercase <= 1 and not line.endswith("?")


def signature_start(segments: Sequence[Segment]) -> int | None:
    """Where the ticket's closing starts (offset into the text), or None: the last sign-off line ("Kind regards,",
    "Viele Grüße") followed only by a short signature (at most `MAX_SIGNATURE_LINES` lines of at most
    `MAX_SIGNATURE_WORDS` words, at most one of them lowercase) and footers ("---", "Sent from my iPhone", an app
    version under "---")."""
    lines = _lines(segments)
    end = len(lines)
    for i, (_, line) in enumerate(lines):
        if _DISCLAIMER.match(line) or (_FOOTER_LINE.match(line) and len(lines) - i <= 3):
            end = i  # a footer and what follows it (an app's device line)
            break
    for i in range(end - 1, max(-1, end - 2 - MAX_SIGNATURE_LINES), -1):
        if i > 0 and _SIGN_OFF_LINE.match(lines[i][1]) and all(_signature_like(line) for _, line in lines[i + 1:end]):
            return lines[i][0]
    return lines[end][0] if end < len(lines) else None


def substantive_words(text: str) -> int:
    """Words of `text` left once greeting lines, quoted lines ("> ...") and small talk ("Thanks in advance!",
    "PS: have a nice weekend", "Vielen Dank") are removed: what may carry an issue."""
    kept = [line for line in (_PS.sub("", raw.strip()) for raw in text.split("\n"))
            if line and not line.startswith(">") and not _GREETING_LINE.match(line)
            and not _SIGN_OFF_LINE.match(line) and not _FOOTER_LINE.match(line)]
    return len(_WORD.findall(_SMALL_TALK.sub(" ", "\n".join(kept))))


def issue_candidates(segments: Sequence[Segment], *, subject_end: int = 0,
                     min_words: int = MIN_SEGMENT_WORDS) -> list[bool]:
    """Which segments may hold an issue: not the subject (text before `subject_end`: it names the main issue), not
    an agent's turn of a transcript (a turn runs from its speaker label to the next one), not the closing (sign-off,
    signature, footer: `signature_start`), and not small talk (fewer than `min_words` `substantive_words`)."""
    out: list[bool] = []
    speaker: str | None = None
    closing = signature_start(segments)
    for segment in segments:
        labels = [m.group("who").lower() for m in _SPEAKER.finditer(segment.text)]
        opening = _SPEAKER.match(segment.text)
        who = opening.group("who").lower() if opening else speaker
        body = segment.text[max(0, subject_end - segment.start):]
        if closing is not None:
            body = body[:max(0, closing - max(segment.start, subject_end))]
        out.append(segment.end > subject_end and who not in AGENT_SPEAKERS
                   and substantive_words(_SPEAKER.sub(" ", body)) >= min_words)
        speaker = labels[-1] if labels else speaker
    return out


def issue_segments(text: str, *, min_words: int = MIN_SEGMENT_WORDS) -> list[Segment]:
    """The segments of `text` that may hold an issue (`split_segments`, then `issue_candidates` for a text of several
    segments): what a segment head (models/segment_head.py) is fitted on."""
    segments = split_segments(text, min_words=min_words)
    if len(segments) < 2:
        return segments
    return [s for s, ok in zip(segments, issue_candidates(segments, min_words=min_words), strict=True) if ok]


def with_support(labels: Sequence[SegmentLabel], support: Sequence[Mapping[str, float]], *, min_support: float,
                 reinstate: float | None = None, out_of_scope: str = OUT_OF_SCOPE) -> list[SegmentLabel]:
    """The routing heads' segment labels checked by the segment head (`support[i]`: its probability per topic on
    segment i). A label whose topic the head gives less than `min_support` is marked abstained: the routing heads,
    fitted on whole tickets, are often sure of a lone greeting, courtesy or signature line; the segment head, fitted
    on segments of every topic, is not. With `reinstate`, a label the abstain rule set aside counts again where the
    head gives its (in-scope) topic at least that much: the abstain rule is tuned on whole tickets, and a short clause
    ("Also, it would be great to have a dark mode.") is far from every training ticket. Give the labels before
    non-candidates are marked (`issue_candidates`): a reinstated label must still be a candidate."""
    if len(support) != len(labels):
        raise ValueError(f"{len(support)} supports for {len(labels)} labels")
    out: list[SegmentLabel] = []
    for label, scores in zip(labels, support, strict=True):
        given = scores.get(label.topic, 0.0)
        if label.abstained:
            back = reinstate is not None and given >= reinstate and label.topic != out_of_scope
            out.append(replace(label, abstained=False) if back else label)
        else:
            out.append(label if given >= min_support else replace(label, abstained=True))
    return out


def segment_pairs(text: str, segments: Sequence[Segment]) -> list[Segment]:
    """Each two adjacent segments as one window (`len(segments) - 1` of them): an issue told in two sentences ("The
    Jira sync stopped yesterday. Nothing shows up any more.") may be clear only in both."""
    return [_join(text, first, second) for first, second in pairwise(segments)]


def with_windows(labels: Sequence[SegmentLabel], windows: Sequence[SegmentLabel], allowed: Sequence[bool], *,
                 min_confidence: float, out_of_scope: str = OUT_OF_SCOPE) -> list[SegmentLabel]:
    """Segment labels with the evidence of their windows (`windows[i]` covers segments i and i + 1, as
    `segment_pairs`): a candidate segment that is not confident on its own (below `min_confidence`, out of scope or
    abstained) takes the label of its most confident window of two candidates that reaches `min_confidence` in scope.
    A segment confident on its own keeps its label."""
    if len(windows) != max(0, len(labels) - 1) or len(allowed) != len(labels):
        raise ValueError(f"{len(windows)} windows and {len(allowed)} candidates for {len(labels)} segments")
    out = list(labels)
    for i, label in enumerate(labels):
        if not allowed[i] or (not label.abstained and label.topic != out_of_scope
                              and label.confidence >= min_confidence):
            continue
        around = [windows[j] for j in (i - 1, i) if 0 <= j < len(windows) and allowed[j] and allowed[j + 1]]
        confident = [w for w in around
                     if not w.abstained and w.topic != out_of_scope and w.confidence >= min_confidence]
        if confident:
            out[i] = max(confident, key=lambda w: w.confidence)
    return out


def find_issues(text: str, segments: Sequence[Segment], labels: Sequence[SegmentLabel], *, main_topic: str,
                min_confidence: float = MIN_ISSUE_CONFIDENCE, out_of_scope: str = OUT_OF_SCOPE,
                ticket_scores: Mapping[str, float] | None = None, min_ticket_score: float = 0.0) -> list[Issue]:
    """The further issues of a ticket whose main topic is `main_topic`: adjacent segments of one topic merged; a
    group counts when its topic is another one, it is in scope, and its confidence reaches `min_confidence`; with
    `ticket_scores` (the whole ticket's top topic probabilities), also only when the whole ticket gives its topic
    at least `min_ticket_score` (a stray sentence of a single-issue ticket gets next to nothing)."""
    if len(segments) != len(labels):
        raise ValueError(f"{len(segments)} segments but {len(labels)} labels")
    groups: list[tuple[str | None, list[int]]] = []
    for i, label in enumerate(labels):
        topic = None if label.abstained or label.topic == out_of_scope else label.topic
        if groups and groups[-1][0] == topic:
            groups[-1][1].append(i)
        else:
            groups.append((topic, [i]))
    issues: dict[str, Issue] = {}
    for topic, members in groups:
        if topic is None or topic == main_topic or topic in issues:
            continue
        confidence = max(labels[i].confidence for i in members)
        supported = ticket_scores is None or ticket_scores.get(topic, 0.0) >= min_ticket_score
        if confidence < min_confidence or not supported:
            continue
        span = _join(text, segments[members[0]], segments[members[-1]])
        issues[topic] = Issue(span.text, span.start, span.end, topic, round(float(confidence), 4), tuple(members))
    return list(issues.values())


def main_span(text: str, segments: Sequence[Segment], labels: Sequence[SegmentLabel], main_topic: str) -> Segment:
    """The span of the main issue: its first run of segments of the main topic (the whole text when none)."""
    members = [i for i, label in enumerate(labels) if label.topic == main_topic and not label.abstained]
    if not members:
        return Segment(text, 0, len(text))
    last = members[0]
    while last + 1 < len(labels) and last + 1 in members:
        last += 1
    return _join(text, segments[members[0]], segments[last])


# -- the draft -------------------------------------------------------------------------------------------------
def topic_name(book: PhraseBook, language: str, topic: str) -> str:
    """How the phrase book names a topic in a sentence ("the integration"); the label in words when it has none."""
    key = f"issues.topics.{topic}"
    return book.render(language, key) if book.has(language, key) or book.has(book.default_language, key) \
        else topic.replace("_", " ")


def _reusable(sentence: str, book: PhraseBook, language: str) -> bool:
    rules = book.strip_rules(language)
    if (sentence.startswith("#") or rules.greeting.match(sentence) or any(p.search(sentence) for p in rules.sentences)
            or any(p.search(sentence) for p in rules.acknowledgements)):
        return False
    if len(_WORD.findall(sentence)) < 4 or sentence.endswith((",", ":")):
        return False  # a sign-off line, a name, a list intro without its list
    if find_unfilled(sentence):
        return False  # a slot of the source's case ("[order number]") or its redacted signature ("[NAME] | Support")
    # impersonal guidance only: a first-person sentence ("I've reconnected...") is about the source's own case,
    # even where the role rules miss its verb
    return not first_person_action(sentence) and sentence_role(sentence, language) == "guidance"


def issue_paragraph(issue: Issue, sources: Sequence[Source], *, book: PhraseBook, language: str,
                    max_guidance: int = MAX_GUIDANCE) -> list[Sentence]:
    """The paragraph answering a further issue: an intro and guidance sentences of the first source (in the given
    order) that has any in `language`, or the hand-off line when none has."""
    name = topic_name(book, language, issue.topic)
    for source in sources:
        if source.language not in (language, None, "und") or source.topic not in (issue.topic, None):
            continue
        sentences = split_sentences(source.text)
        if any(asks_for_secret(s, language) for s in sentences):
            continue  # a poisoned source is not trusted for anything (as in the composer)
        kept = [s for s in sentences if _reusable(s, book, language)][:max_guidance]
        if kept:
            intro = Sentence(text=book.render(language, "issues.intro", topic=name), phrase="issues.intro")
            return [intro, *(Sentence(text=s, sources=(source.id,), quote=s) for s in kept)]
    return [Sentence(text=book.render(language, "issues.handoff", topic=name), phrase="issues.handoff")]


def with_issue_paragraphs(draft: Draft, paragraphs: Sequence[Sequence[Sentence]], *, book: PhraseBook,
                          source_kinds: Mapping[str, SourceKind]) -> Draft:
    """`draft` with `paragraphs` before its sign-off (or at the end when it has none): sentences, citations,
    `needs_confirmation`, `agent_actions` and `unfilled` stay consistent with the new text."""
    paragraphs = [list(p) for p in paragraphs if p]
    if not paragraphs:
        return draft
    if draft.drafter == HANDOFF:  # the hand-off already passes the whole ticket on, in the customer's language
        return replace(draft, warnings=[*draft.warnings, FURTHER_IN_HANDOFF])
    chat = "\n\n" not in draft.text and len(draft.sentences) > 1
    separator = " " if chat else "\n\n"
    block = separator.join(" ".join(s.text for s in p) for p in paragraphs)
    last = draft.sentences[-1] if draft.sentences else None
    at = draft.text.rfind(last.text) if last is not None and (last.phrase or "").startswith("sign_off.") else -1
    if at > 0:
        position = len(draft.sentences) - 1
        head = draft.text[:at].rstrip()
        text = f"{head}{separator}{block}{separator}{draft.text[at:]}"
    else:
        position = len(draft.sentences)
        text = f"{draft.text.rstrip()}{separator}{block}" if draft.text.strip() else block
    added = [s for p in paragraphs for s in p]
    sentences = [*draft.sentences[:position], *added, *draft.sentences[position:]]

    def moved(i: int) -> int:
        return i + len(added) if i >= position else i

    kinds: dict[str, SourceKind] = {c.source_id: c.kind for c in draft.citations}
    kinds.update({s: source_kinds[s] for sentence in added for s in sentence.sources})
    actions = [AgentAction(a.text, a.source_id, None if a.sentence is None else moved(a.sentence))
               for a in draft.agent_actions]
    return replace(draft, text=text, sentences=sentences, citations=citations_for(sentences, kinds),
                   needs_confirmation=[moved(i) for i in draft.needs_confirmation], agent_actions=actions,
                   unfilled=find_unfilled(text, book.placeholder_kinds(draft.language)))
