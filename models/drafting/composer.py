"""The default drafter: offline, deterministic and fast.

It adapts the resolved reply the retrieved cases agree on (of the topic most top cases share, the one whose
wording the other top cases support most, weighted by retrieval score: what worked most often beats the single
nearest case), with its greeting, pleasantries and sign-off removed and facts specific to another customer
replaced by placeholders; adds the best article's link and steps; and wraps them in phrase-book sentences chosen
by channel, sentiment, urgency and tier (no phrase-book acknowledgement where the adapted reply already opens
with one and the ticket needs no extra empathy). Every sentence it writes is either
adapted from a cited source (`Sentence.sources`, with the source's words kept) or a phrase-book key
(`Sentence.phrase`), so a reviewer can trace each one.

Draft shape (issue 12): every sentence adapted from a source gets its role (`roles.sentence_role`). *Guidance* is
used as is. An *action* (what the source's agent did or will do for their own customer) is never stated as done: it
becomes an `AgentAction` and appears only as a marked sentence ("[confirm before sending] I've refunded ...") listed
in `needs_confirmation`, or not at all where it would still carry that case's facts or the reply is public. A *case
fact* is kept only when its facts were all replaced by placeholders (the sentence is no longer that case's fact);
otherwise it is dropped.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Literal, Protocol

from models.drafting.handoff import STYLE_BY_CHANNEL, HandoffDrafter
from models.drafting.language_check import language_warnings
from models.drafting.names import greeting, parse_name
from models.drafting.phrasebook import (
    CONFIRM_KEY,
    LANGUAGE_NOTE_KEY,
    LANGUAGE_NOTE_KIND,
    REDACTED_NAME,
    PhraseBook,
    StripRules,
)
from models.drafting.placeholders import normalise_placeholders, sub_whole_words
from models.drafting.roles import RoleReader, SentenceRole, is_action, is_case_fact, sentence_role
from models.drafting.safety import (
    asks_for_secret,
    first_person_action,
    plausible_name,
    safe_reference,
    ticket_order_numbers,
)
from models.drafting.types import (
    AgentAction,
    Draft,
    DraftingError,
    DraftRequest,
    Sentence,
    Source,
    SourceKind,
    citations_for,
    find_unfilled,
)

NAME = "composer"
LOW_CONFIDENCE_WARNING = "low retrieval confidence: review carefully"
NAME_WARNING = "customer name not used: it is not a plausible name (letters, spaces, hyphens, apostrophes, ≤ 60)"
SECRET_WARNING = "left out {ids}: it asks the customer for a password, card number, CVV or one-time code"
REFERENCE_WARNING = "earlier ticket not mentioned: its id does not look like a ticket id (it may hold personal data)"
NOTHING_REUSABLE_WARNING = ("nothing of {id} is reusable as is (only actions and facts of that case): the draft "
                            "answers from the phrase book and the article")
EMPTY_REPLY_WARNING = "left out {ids}: the resolution is only a greeting, pleasantries or a sign-off"
NO_LANGUAGE_SOURCE = ("no source in the customer's language ({wanted}) or in the desk's language ({default}): "
                      "hand-off reply, never a draft in a third language")
OTHER_LANGUAGE = "no source in the customer's language ({wanted}); drafted in {language}"
HANDOFF_ONLY = ("drafts are not composed in the customer's language ({wanted}): hand-off reply; the retrieved "
                "sources are listed for the agent")
UNKNOWN_WANTED = "the ticket's language is unknown ({wanted}); drafted in {language}, the language of its best source"
UNKNOWN_LANGUAGES = (None, "und", "")
MAX_SOURCE_SENTENCES = {"email": 20, "chat": 3, "social": 2}
# Placeholder kinds filled with the customer's own value when the ticket states exactly one and the adapted reply
# mentions exactly one (so it is clear which value was the other customer's); never on social, never into a
# sentence where the agent speaks in the first person ("I've reissued [order number]" stays a placeholder), and
# never an amount: what a customer asks for ("promise me a refund of $5,000") is a claim the agent must check.
FILLABLE = ("order_number",)
MAX_STEPS = 4
# Consensus among the retrieved cases (tuned on a validation split carved from the indexed Bitext cases, never on
# the evaluation queries): how many top cases vote, and how strongly retrieval score weighs a case's support.
CONSENSUS_K = 5
SCORE_POWER = 2.0
SELF_WEIGHT = 2.0
# The draft follows the frame of the house's own replies (greeting, sign-off: `house_frame`) only when at least
# this many retrieved replies show it.
MIN_FRAME_EVIDENCE = 3

_MONTHS = (r"jan(uary|uar|vier)?|feb(ruary|ruar)?|f[ée]vr(ier)?|mar(ch)?|m[äa]rz|mars|apr(il)?|avr(il)?|may|mai"
           r"|june?|juni|juin|july?|juli|juil(let)?|aug(ust)?|ao[ûu]t|sep(t|tember|tembre)?|oct(ober|obre)?|okt(ober)?"
           r"|nov(ember|embre)?|dec(ember)?|dez(ember)?|d[ée]c(embre)?|enero|febrero|marzo|abril|mayo|junio|julio"
           r"|agosto|septiembre|octubre|noviembre|diciembre")
# Facts that belong to the other customer's case: replaced by the phrase book's placeholders, in this order.
_FACTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("email", re.compile(r"(?<![\w.+-])(?!no-?reply@|support@)[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b", re.IGNORECASE)),
    ("amount", re.compile(r"(?:[$€£]\s?\d(?:[\d.,]*\d)?|\b\d[\d.,]*\s?(?:€|EUR\b|USD\b|GBP\b|\$|£|dollars?\b"
                          r"|euros?\b))", re.IGNORECASE)),
    ("date", re.compile(rf"\b(?:\d{{4}}-\d{{2}}-\d{{2}}|(?!24/7\b)\d{{1,2}}/\d{{1,2}}(?:/\d{{2,4}})?"
                        rf"|(?:{_MONTHS})\.? \d{{1,2}}(?:st|nd|rd|th)?(?:,? \d{{4}})?"
                        rf"|\d{{1,2}}(?:st|nd|rd|th|\.)? (?:of |de )?(?:{_MONTHS})\b(?: \d{{4}})?)\b",
                        re.IGNORECASE)),
    # an id glued to letters ("X12345", "n.º12345") is found too: `replace_facts` replaces the whole word
    ("order_number", re.compile(r"(?:#\s?\d{3,}|\b[A-Z]{2,6}(?:-[A-Z]{2,6})*-\d{3,}\b|(?<!\d)\d{5,}(?!\d))")),
    ("phone", re.compile(r"\+\d[\d\s().-]{7,}\d")),
)
_BRACED_PLACEHOLDER = re.compile(r"\{\{\s*(\[[^\[\]\n]{1,60}\])\s*\}\}")
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=\S)")
# A German date's ordinal dot ("am 4. Oktober", "bis 22. Dez.") ends no sentence.
_ORDINAL_END = re.compile(r"(?<![\d.])\d{1,2}\.$")
_MONTH_START = re.compile(r"(?:Januar|Jänner|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|November"
                          r"|Dezember|Jan|Feb|Mär|Apr|Aug|Sep|Sept|Okt|Nov|Dez)\b")
_ABBREVIATED_DATE_END = re.compile(r"\b\d{1,2}\. (?:Jan|Feb|Mär|Apr|Aug|Sep|Sept|Okt|Nov|Dez)\.$")
_GOES_ON = re.compile(r"[a-zäöüß\d]")  # a sentence does not start in lower case or with a year
# What models/pii.py puts in place of a name: in a redacted case it stands for that case's customer.
_REDACTED_NAME = REDACTED_NAME
_STEP = re.compile(r"^\s*(?:\d+[.)]|[-*•])\s+(.+)$")
_LIST_MARKER = re.compile(r"^(?:\d+[.)]|[-*•])\s+")
_WORD = re.compile(r"\w+")
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
_PLACEHOLDER_OR_ID = re.compile(r"\[[^\]]+\]|\{\{[^}]+\}\}|@|\d{4,}")
# A sentence saying what will happen or has happened ("will be refunded", "wurde erstattet"): never in the
# customer's own amount, even where it opens like an acknowledgement ("Sure, your refund of $45 will ...").
_PROMISE = re.compile(r"\b(?:will|shall|going to|has been|have been|was|were|is being|wird|werden|wurde|wurden"
                      r"|será|serán|fue|fueron|sera|seront|a été|ont été|(?:i|we) (?:have|had))\b|'(?:ll|ve|d)\b",
                      re.IGNORECASE)
_SIGN_OFF_LINE = re.compile(r"^[^.!?:]{1,40}[,]?$|.*\|.*")


class SentimentScore(Protocol):
    def compound(self, text: str, language: str | None = None) -> float: ...


@dataclass(frozen=True, slots=True)
class Adapted:
    text: str
    quote: str  # the source's own words before placeholders
    replaced: bool  # whether facts were replaced by placeholders
    paragraph: int = 0  # the source paragraph (blank-line separated) it comes from, for the layout
    role: SentenceRole = "guidance"  # of the source's own words (`quote`), by `roles.sentence_role`
    # the source's words with its customer's name as "[NAME]" and its facts as placeholders, before anything of
    # this customer is filled in: what `sentence_use` checks for facts of that case left over
    slots: str | None = None
    learned: bool = False  # the role came from the learned role model (the rules read the sentence as guidance)


@dataclass(frozen=True, slots=True)
class Frame:
    """What the house's own replies to similar tickets wrap their answer in: the draft follows them."""

    greeting: bool = True
    sign_off: bool = True


def split_sentences(text: str) -> list[str]:
    """Lines first (list items, paragraphs), then sentence ends; URLs stay whole, a list item's marker ("1.", "-")
    stays with the item's first sentence, and a German date ("am 4. Oktober") stays in its sentence."""
    out: list[str] = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        marker = _LIST_MARKER.match(line)
        head = marker.group(0) if marker else ""
        parts: list[str] = []
        for part in (p.strip() for p in _SENTENCE_END.split(line[len(head):])):
            if parts and part and ((_ORDINAL_END.search(parts[-1]) and _MONTH_START.match(part))
                                   or (_ABBREVIATED_DATE_END.search(parts[-1]) and _GOES_ON.match(part))):
                parts[-1] = f"{parts[-1]} {part}"
            elif part:
                parts.append(part)
        if parts:
            parts[0] = head + parts[0]
        out.extend(parts or [line])
    return out


def _signature_sized(line: str) -> bool:
    """Short enough for a sign-off or signature line: at most 6 words, or 8 in a line of `|`-separated parts
    ("Javier | Atención al cliente de Orbitly"); separators are not words."""
    words = sum(1 for w in line.split() if any(c.isalnum() for c in w))
    return words <= (8 if "|" in line else 6)


def _drop_sign_off(text: str) -> str:
    lines = text.strip().splitlines()
    while lines and (not lines[-1].strip() or (_signature_sized(lines[-1]) and _SIGN_OFF_LINE.fullmatch(
            lines[-1].strip()) and "http" not in lines[-1])):
        lines.pop()
    return "\n".join(lines)


def replace_facts(text: str, book: PhraseBook, language: str) -> tuple[str, bool]:
    replaced = False
    for kind, pattern in _FACTS:  # a fact glued to a word ("no-reply@", "US$5") is replaced whole, never spliced
        text, n = sub_whole_words(pattern, book.placeholder(language, kind), text)
        replaced = replaced or n > 0
    if replaced:  # a hashed id in an imported slot ("{{7C23D0…}}") is now our placeholder: without its braces
        text = _BRACED_PLACEHOLDER.sub(r"\1", text)
    return text, replaced


def stated_amount(text: str) -> str | None:
    """The one amount the customer's ticket states ("my refund of $1200"), if exactly one."""
    values = {m.group(0) for m in dict(_FACTS)["amount"].finditer(text)}
    return values.pop() if len(values) == 1 else None


def ticket_facts(text: str) -> dict[str, str]:
    """Facts the customer stated once in the ticket (e.g. their one order number), by placeholder kind."""
    found: dict[str, str] = {}
    values = ticket_order_numbers(text)  # a typed id or digits after "order"/"Rechnung"/..., never a phone number
    if len(values) == 1:
        found["order_number"] = values.pop()
    return found


def adapt_reply(source: Source, *, book: PhraseBook, language: str, customer_name: str | None,
                facts: dict[str, str] | None = None, amount: str | None = None,
                frame: Frame = Frame(), roles: RoleReader | None = None) -> list[Adapted]:
    """A resolved reply without its greeting, pleasantries and sign-off; the other customer's facts become
    placeholders, or the value this customer stated in the ticket (`facts`), never an invented one.

    The customer's stated `amount` fills only a sentence that restates their request (an acknowledgement by the
    phrase book's patterns: "I understand that you're expecting a refund of [amount]"), never a promise. Where the
    draft carries no greeting (or no sign-off) of its own (`frame`), the reply's opening (or closing) pleasantries
    stay: they are the house's own frame ("Thank you for your patience.").

    Roles are the rules' (`roles.sentence_role`), or, with `roles` (the learned role model), the rules' with a
    second opinion on the sentences they read as guidance (`Adapted.learned`)."""
    rules = book.strip_rules(language)
    text = normalise_placeholders(source.text, book, language)  # `{{Order Number}}`, `<name>`: our form
    body = _drop_sign_off(text).lstrip()
    for _ in range(2):  # "Hi there! Dear customer, ...": a reply may open with two greetings; ours replaces both
        body = rules.greeting.sub("", body, count=1).lstrip()
    patterns = dict(_FACTS)
    facts = {kind: value for kind, value in (facts or {}).items()
             if len({m.group(0) for m in patterns[kind].finditer(body)}) == 1}
    old_name = (source.customer_name or "").split()[0] if source.customer_name else None
    if old_name is None and _REDACTED_NAME in body:
        old_name = _REDACTED_NAME  # a redacted case: its customer's name is the placeholder
    sentences = [(i, sentence) for i, paragraph in enumerate(_PARAGRAPH_BREAK.split(body))
                 for sentence in split_sentences(paragraph)]
    # pleasantries only where they open or close the reply (the phrase book provides ours)
    while frame.greeting and sentences and any(p.search(sentences[0][1]) for p in rules.sentences):
        sentences.pop(0)
    while frame.sign_off and sentences and any(p.search(sentences[-1][1]) for p in rules.sentences):
        sentences.pop()
    if amount is not None and len({m.group(0) for m in patterns["amount"].finditer(body)}) != 1:
        amount = None  # several amounts in the reply: which one was the other customer's is unclear
    source_language = source.language or language
    learned = dict(zip((s for _, s in sentences), roles.roles([s for _, s in sentences], source_language),
                       strict=True)) if roles is not None and sentences else {}
    out: list[Adapted] = []
    for paragraph, sentence in sentences:
        quote = sentence
        slots = sentence
        if old_name and re.search(rf"(?<!\w){re.escape(old_name)}(?!\w)", sentence):
            if not customer_name:
                continue
            slots = re.sub(rf"(?<!\w){re.escape(old_name)}(?!\w)", _REDACTED_NAME, sentence)
            sentence = re.sub(rf"(?<!\w){re.escape(old_name)}(?!\w)", customer_name, sentence)
        role, by_model = learned.get(quote) or (sentence_role(quote, source_language), False)
        text, replaced = replace_facts(sentence, book, language)
        slots = replace_facts(slots, book, language)[0]
        # the customer's value never turns an action (done or promised, by anyone) into a promise in their numbers;
        # a sentence restating the request ("I understand that you want to cancel order [order number]") takes them
        restating = any(p.search(quote) for p in rules.acknowledgements) and not _PROMISE.search(text)
        if (restating or not first_person_action(text)) and not is_action(text, language):
            for kind, value in (*facts.items(), *((("amount", amount),) if restating and amount else ())):
                text = text.replace(book.placeholder(language, kind), value)
        if text[:1].islower() and not text.startswith(("http://", "https://")):
            text = text[0].upper() + text[1:]
        out.append(Adapted(text=text, quote=quote, replaced=replaced, paragraph=paragraph, role=role, slots=slots,
                           learned=by_model))
    return out


Use = Literal["as_is", "confirm", "action_only", "drop"]


def sentence_use(part: Adapted, language: str) -> Use:
    """How a draft may use an adapted source sentence, by its role:

    - guidance: `as_is`;
    - case fact: `as_is` (with its placeholders, or this customer's own values) when, placeholders aside, the
      source's words with that case's facts and customer name replaced (`Adapted.slots`) state no fact of it any
      more ("The refund for order #5521 reaches your card in 5 days" -> "... [order number] ..."); `drop` when they
      still do ("Your invoice [order number] was paid twice": a diagnosis of that case, "there was an outage");
    - action: `confirm` (a marked sentence listed in `needs_confirmation`), or `action_only` (left to the agent in
      `agent_actions`, not in the text) when the adapted text still states a fact of that case ("I merged 18,500
      duplicate tasks").

    A role from the learned model (`Adapted.learned`: the rules read guidance) has no fact the patterns can turn into
    a placeholder: its case fact is dropped, its action confirmed.
    """
    if part.role == "guidance":
        return "as_is"
    if part.learned:
        return "drop" if part.role == "case_fact" else "confirm"
    still_fact = is_case_fact(part.slots if part.slots is not None else part.text, language)
    if part.role == "action":
        return "action_only" if still_fact else "confirm"
    return "drop" if still_fact else "as_is"


def _paragraphs(adapted: list[tuple[int, Sentence]]) -> list[list[Sentence]]:
    """Adapted sentences grouped into the source reply's paragraphs (consecutive sentences of one paragraph)."""
    blocks: list[list[Sentence]] = []
    previous: int | None = None
    for paragraph, sentence in adapted:
        if not blocks or paragraph != previous:
            blocks.append([])
        blocks[-1].append(sentence)
        previous = paragraph
    return blocks


def house_frame(cases: list[Source], book: PhraseBook, language: str) -> Frame:
    """Whether at least half of `cases` (the retrieved replies that vote for the consensus) open with a greeting
    and end with a sign-off. A help desk whose sent replies carry neither (a chat assistant, a tool that adds the
    agent's signature itself) gets drafts without them; with fewer than `MIN_FRAME_EVIDENCE` cases (too few to
    show a convention), the phrase book's full frame."""
    if len(cases) < MIN_FRAME_EVIDENCE:
        return Frame()
    rules = book.strip_rules(language)
    texts = [normalise_placeholders(c.text, book, language).strip() for c in cases]
    greeted = sum(rules.greeting.match(t) is not None for t in texts)
    signed = sum(len(_drop_sign_off(t).splitlines()) < len(t.splitlines()) for t in texts)
    return Frame(greeting=2 * greeted >= len(texts), sign_off=2 * signed >= len(texts))


def leading_acknowledgements(body: list[Sentence], rules: StripRules) -> int:
    """How many sentences at the start of an adapted reply acknowledge the request (phrase-book patterns)."""
    n = 0
    while n < len(body) and any(p.search(body[n].quote or body[n].text) for p in rules.acknowledgements):
        n += 1
    return n


def article_steps(passage: str) -> list[str]:
    return [m.group(1).strip() for line in passage.splitlines() if (m := _STEP.match(line))][:MAX_STEPS]


def pick_article(articles: list[Source], language: str, topic: str | None = None,
                 topics: tuple[str, ...] = ()) -> Source | None:
    """The most relevant article; one in the draft's language instead when it ranks nearly as well.

    With a known ticket topic, only articles of that topic, of the request's other fitting `topics`, or general
    ones (no topic) qualify: a link to an article about something else misleads the customer more than no link.
    """
    if topic is not None:
        articles = [a for a in articles if a.topic in (None, topic, *topics)]
    if not articles:
        return None
    top = articles[0]
    local = next((a for a in articles if a.language == language), None)
    return local if local is not None and local.score >= 0.9 * top.score else top


def sentiment_bucket(score: float) -> str:
    return "negative" if score <= -0.35 else "positive" if score >= 0.5 else "neutral"


def _content_words(text: str) -> Counter[str]:
    """Word counts without the short function words of most languages (a cheap, language-agnostic bag)."""
    return Counter(w for w in _WORD.findall(text.lower()) if len(w) > 3)


def _cosine(a: Counter[str], b: Counter[str]) -> float:
    if len(a) > len(b):
        a, b = b, a
    dot = sum(n * b[w] for w, n in a.items() if w in b)
    norm = math.sqrt(sum(n * n for n in a.values()) * sum(n * n for n in b.values()))
    return dot / norm if norm else 0.0


def pick_case(cases: list[Source], topic: str | None, *, k: int = CONSENSUS_K, score_power: float = SCORE_POWER,
              self_weight: float = SELF_WEIGHT) -> Source:
    """The consensus case: the topic most of the top `k` cases agree on (rank-weighted, the routing topic as a
    vote), then, among that topic's top cases, the one whose reply the others support most.

    A case's support is its own retrieval weight (`self_weight` x score^`score_power`) plus every other
    candidate's weight times the lexical cosine of their replies, so a reply worded like the other good matches
    wins over an outlier that happens to rank first. With one candidate this is the nearest case of the topic.
    """
    if not cases:
        raise DraftingError("no case to pick from")
    top = cases[:max(1, k)]
    votes: dict[str | None, float] = {}
    for rank, case in enumerate(top):
        votes[case.topic] = votes.get(case.topic, 0.0) + 1.0 / (rank + 1)
    if topic is not None and topic in votes:
        votes[topic] += 0.5
    winner = max(votes, key=lambda t: votes[t])
    candidates = [c for c in top if c.topic == winner]
    if len(candidates) == 1:
        return candidates[0]
    weights = [max(c.score, 1e-3) ** score_power for c in candidates]
    bags = [_content_words(c.text) for c in candidates]
    support = [self_weight * weights[i] + sum(weights[j] * _cosine(bags[i], bags[j])
                                              for j in range(len(candidates)) if j != i)
               for i in range(len(candidates))]
    return candidates[max(range(len(candidates)), key=lambda i: (support[i], -i))]


@dataclass(frozen=True, slots=True)
class LanguagePlan:
    """The draft's language and the sources it may use; `note`: the customer's language when the draft is not in
    it (the agent's line goes first); `handoff`: why no draft is composed (the hand-off is written instead)."""

    language: str
    cases: list[Source]
    articles: list[Source]
    note: str | None = None
    handoff: str | None = None


class ComposerDrafter:
    """The default drafter. Cheap to build; `draft` runs in well under a millisecond per source (a few more with
    the learned role model, for sentences it has not scored before)."""

    def __init__(self, book: PhraseBook, *, sentiment: SentimentScore, agent_name: str | None = None,
                 min_confidence: float = 0.5, consensus_k: int = CONSENSUS_K,
                 roles: RoleReader | None = None) -> None:
        if consensus_k < 1:
            raise ValueError("consensus_k must be at least 1")
        self.book = book
        self.sentiment = sentiment
        self.agent_name = agent_name
        self.min_confidence = min_confidence
        self.consensus_k = consensus_k  # 1: always the nearest case of the agreed topic
        self.roles = roles  # the learned role model (a second opinion on the rules' guidance), if any
        self.handoff = HandoffDrafter(book, agent_name=agent_name)  # tickets no draft is composed for in their language

    @property
    def name(self) -> str:
        return NAME

    def _language(self, request: DraftRequest, warnings: list[str]) -> LanguagePlan:
        """Which language the draft is composed in, from which sources (docs/drafting.md, "Draft language"):

        - the customer's, from the sources in it (or of unknown language), when the phrase book composes in it and
          any exists (or no source says its language);
        - otherwise the desk's (`default_language`), from its sources, with a warning and the phrase book's line
          for the agent (`language_note`: translate before sending), when the customer's language is composed
          but has no source, or has no phrases at all (Japanese);
        - a hand-off in the customer's language (`HandoffDrafter.language_handoff`) when the phrase book has only
          hand-off phrases for it (Italian, Portuguese), or neither the customer's nor the desk's language has a
          source: never a draft in a third language (Spanish to an Italian).

        An unknown customer language ("und", empty) takes the best source's language where it is composed."""
        cases = [c for c in request.cases if c.text.strip()]
        articles = list(request.articles)
        sources = (*cases, *articles)
        book = self.book
        wanted = (request.language or "").strip().lower()
        known = [s for s in sources if s.language not in UNKNOWN_LANGUAGES]
        note: str | None = None
        if wanted in UNKNOWN_LANGUAGES:
            best = next((s.language for s in known if book.supports(s.language or "")), book.default_language)
            language = best or book.default_language
            warnings.append(UNKNOWN_WANTED.format(wanted=wanted or "none", language=language))
        elif book.supports(wanted) and (not known or any(s.language == wanted for s in known)):
            language = wanted
        elif book.hands_off_in(wanted) and not book.supports(wanted):
            return LanguagePlan(book.default_language, [], [], handoff=HANDOFF_ONLY.format(wanted=wanted))
        else:  # the desk's language, never a third one (a German case's language for a French customer)
            language = book.default_language
            if not any(s.language in (language, *UNKNOWN_LANGUAGES) for s in sources):
                return LanguagePlan(language, [], [],
                                    handoff=NO_LANGUAGE_SOURCE.format(wanted=wanted, default=language))
            warnings.append(OTHER_LANGUAGE.format(wanted=wanted, language=language))
            note = wanted
        # a case whose language is unknown (indexed without one and too short to detect) is not dropped
        same_cases = [c for c in cases if c.language == language or c.language in UNKNOWN_LANGUAGES]
        if note is None:
            warnings.extend(language_warnings(request.text, language))
        return LanguagePlan(language, same_cases, articles, note=note)

    def _with_content(self, cases: list[Source], language: str, warnings: list[str]) -> list[Source]:
        """Cases whose reply says something beyond a greeting, pleasantries and a sign-off ("Hi Ana, Best
        regards, Sam" is stored and retrieved, but is never the case a draft adapts)."""
        kept = [c for c in cases if adapt_reply(c, book=self.book, language=language, customer_name=REDACTED_NAME)]
        if len(kept) < len(cases):
            empty = ", ".join(c.id for c in cases if c not in kept)
            warnings.append(EMPTY_REPLY_WARNING.format(ids=empty))
        return kept

    def draft(self, request: DraftRequest) -> Draft:
        warnings: list[str] = []
        request = self._without_secret_requests(request, warnings)
        plan = self._language(request, warnings)
        if plan.handoff is not None:
            handoff = self.handoff.language_handoff(request, plan.handoff)
            handoff.warnings[:0] = warnings
            return handoff
        language, cases, articles = plan.language, plan.cases, plan.articles
        cases = self._with_content(cases, language, warnings)
        if not cases and not articles:
            raise DraftingError("no similar resolved case or article to draft from")
        style = STYLE_BY_CHANNEL.get(request.channel, "email")
        book, lang = self.book, language
        mood = sentiment_bucket(self.sentiment.compound(request.text, language))
        # never markup or instructions in a greeting; a title is never a first name ("Frau Schneider")
        parsed = parse_name(request.customer_name, request.customer_title)
        if request.customer_name and request.customer_name.strip() and plausible_name(request.customer_name) is None:
            warnings.append(NAME_WARNING)
        first_name = parsed.first
        agent = self.agent_name or book.placeholder(lang, "agent")
        kinds: dict[str, SourceKind] = {s.id: s.kind for s in (*cases, *articles, *request.history)}
        blocks: list[list[Sentence]] = []

        def phrase(key: str, *sources: str, **fields: str) -> Sentence:
            return Sentence(text=book.render(lang, key, **fields), sources=sources, phrase=key)

        adapted: list[tuple[int, Sentence]] = []  # (source paragraph, sentence): the layout keeps the paragraphs
        # actions of the sources, each with its marked sentence (found by identity once the layout is final)
        actions: list[tuple[AgentAction, Sentence | None]] = []
        marker = book.render(lang, CONFIRM_KEY)
        best: Source | None = None
        frame = house_frame(cases[:self.consensus_k], book, lang)
        if cases:
            best = pick_case(cases, request.topic, k=self.consensus_k)
            facts = ticket_facts(request.text) if style != "social" else {}
            amount = stated_amount(request.text) if style != "social" else None
            for part in adapt_reply(best, book=book, language=lang, customer_name=first_name, facts=facts,
                                    amount=amount, frame=frame, roles=self.roles):
                sentence = self._shaped(part, best.id, lang, style, marker, actions)
                if sentence is not None:
                    adapted.append((part.paragraph, sentence))
            if not adapted:
                warnings.append(NOTHING_REUSABLE_WARNING.format(id=best.id))
        # One acknowledgement. Where the adapted reply opens with its own ("I understand that you'd like to ...",
        # "I'm sorry to hear that ..."), an email keeps it and adds none, unless the ticket is urgent, or negative
        # while the reply's opening shows no empathy: then the phrase book's acknowledgement (fit for this ticket's
        # sentiment and urgency) leads, and the reply's opening stays only where it restates the request without
        # apologising. Chat and social replies are short: the phrase book's short acknowledgement replaces it.
        rules = book.strip_rules(lang)
        acknowledging = leading_acknowledgements([s for _, s in adapted], rules)
        empathetic = [rules.empathy is not None and rules.empathy.search(s.text) is not None
                      for _, s in adapted[:acknowledging]]
        # without a greeting (the house's replies carry none), the reply's own acknowledgement is the house's way
        keep_source_ack = acknowledging > 0 and style == "email" and request.urgency not in ("high", "urgent") \
            and (mood != "negative" or any(empathetic) or not frame.greeting)
        if acknowledging and not keep_source_ack and acknowledging < len(adapted):
            drop = {i for i in range(acknowledging) if style != "email" or empathetic[i]}
            adapted = [pair for i, pair in enumerate(adapted) if i not in drop]
        adapted = adapted[:MAX_SOURCE_SENTENCES[style]]
        body = [s for _, s in adapted]

        if plan.note is not None and book.has(lang, LANGUAGE_NOTE_KEY):  # for the agent: not the customer's language
            blocks.append([phrase(LANGUAGE_NOTE_KEY, code=plan.note)])
        if frame.greeting:
            hello, fields = greeting(book, lang, style, parsed)
            blocks.append([phrase(hello, **fields)])
        opening: list[Sentence] = []
        # without a greeting, a phrase-book acknowledgement only where it says something: empathy or urgency
        plain = not frame.greeting and mood != "negative" and request.urgency not in ("high", "urgent")
        if not keep_source_ack and not plain:
            if style == "email":
                ack = book.first(lang, f"acknowledgement.{mood}.{request.urgency}",
                                 f"acknowledgement.{mood}.default")
            else:
                ack = f"acknowledgement_short.{mood}"
            opening.append(phrase(ack))
        if request.history and style != "social":
            past = request.history[0]  # referenced by its id; its summary is never pasted into the draft
            if safe_reference(past.id):
                opening.append(phrase("history", past.id, ref=past.id))
            else:
                warnings.append(REFERENCE_WARNING)
        blocks.append(opening)

        article = pick_article(articles, lang, request.topic, request.topics)
        if article is not None and not body:
            for line in split_sentences(article.text):
                if not _STEP.match(line) and not line.startswith("#"):
                    part = Adapted(text=line, quote=line, replaced=False, role=sentence_role(line, article.language))
                    shaped = self._shaped(part, article.id, lang, style, marker, actions)
                    if shaped is not None:
                        body.append(shaped)
                if len(body) >= 2:
                    break
        blocks.extend(_paragraphs(adapted) if adapted else [body])

        extra: list[Sentence] = []
        if article is not None and article.url and not any(article.url in s.text for s in body):
            extra.append(phrase("article_link", article.id, title=article.title or article.id, url=article.url))
            if style == "email" and article.language in (lang, None):
                steps = [step for step in article_steps(article.text)
                         if sentence_role(step, article.language) == "guidance"]
                if steps:
                    extra.append(phrase("steps_intro"))
                    extra += [Sentence(text=f"{i}. {step}", sources=(article.id,), quote=step)
                              for i, step in enumerate(steps, start=1)]
        if style == "social":
            extra.append(phrase("social_private"))
        blocks.append(extra)
        # Phrase-book sentences naming the account manager (in copy, on a call) only when the request says so.
        manager = ("account_manager",) if request.account_manager_in_copy else ()
        if request.tier and style != "social" and (mood == "negative" or request.urgency in ("high", "urgent")):
            escalation = book.first(lang, *(f"escalation.{k}" for k in (*manager, request.tier)))
            if book.has(lang, escalation):
                blocks.append([phrase(escalation)])
        sign_off = book.first(lang, *(f"sign_off.{style}.{k}" for k in (*manager, request.tier) if k),
                              f"sign_off.{style}.default")
        if frame.sign_off or sign_off != f"sign_off.{style}.default":  # a sign-off stating a fact is kept
            blocks.append([phrase(sign_off, agent=agent)])

        blocks = [b for b in blocks if b]
        sentences = [s for b in blocks for s in b]
        text = self._layout(blocks, style, marker)
        index = {id(s): i for i, s in enumerate(sentences)}
        agent_actions = [replace(action, sentence=index.get(id(marked)) if marked is not None else None)
                         for action, marked in actions]
        needs_confirmation = sorted(a.sentence for a in agent_actions if a.sentence is not None)
        top = best or article
        score = top.score if top is not None else 0.0
        confidence = max(0.0, min(1.0, score)) * (0.8 if warnings else 1.0) * (1.0 if best else 0.6)
        if confidence < self.min_confidence:
            warnings.append(LOW_CONFIDENCE_WARNING)
        tone = "empathetic" if mood == "negative" else "urgent" if request.urgency in ("high", "urgent") \
            else "friendly" if mood == "positive" else "neutral"
        return Draft(text=text, sentences=sentences, citations=citations_for(sentences, kinds), language=lang,
                     tone=tone, drafter=self.name, confidence=round(confidence, 4), warnings=warnings,
                     unfilled=find_unfilled(text, kinds=self._kinds(lang, plan.note)),
                     needs_confirmation=needs_confirmation, agent_actions=agent_actions)

    def _kinds(self, language: str, note: str | None) -> dict[str, str]:
        """Placeholder kinds of `language`, with the agent's language line (kind "language") when there is one."""
        kinds = self.book.placeholder_kinds(language)
        if note is not None and self.book.has(language, LANGUAGE_NOTE_KEY):
            kinds[self.book.render(language, LANGUAGE_NOTE_KEY, code=note)] = LANGUAGE_NOTE_KIND
        return kinds

    @staticmethod
    def _shaped(part: Adapted, source_id: str, language: str, style: str, marker: str,
                actions: list[tuple[AgentAction, Sentence | None]]) -> Sentence | None:
        """The sentence the draft may carry for an adapted source sentence (None: left out); an action is recorded
        in `actions` with its marked sentence (none on social: a public reply carries no account-specific line)."""
        use = sentence_use(part, language)
        if use == "drop":
            return None
        if use == "as_is":
            if style == "social" and (part.replaced or _PLACEHOLDER_OR_ID.search(part.text)):
                return None  # public reply: nothing account-specific
            return Sentence(text=part.text, sources=(source_id,), quote=part.quote)
        action = AgentAction(text=part.text, source_id=source_id)
        marked = None
        if use == "confirm" and style != "social":
            item = _LIST_MARKER.match(part.text)  # a list item keeps its number first: "2. [confirm ...] I'll ..."
            head = item.group(0) if item else ""
            marked = Sentence(text=f"{head}{marker} {part.text[len(head):]}", sources=(source_id,), quote=part.quote)
        actions.append((action, marked))
        return marked

    @staticmethod
    def _without_secret_requests(request: DraftRequest, warnings: list[str]) -> DraftRequest:
        """The request without sources that ask the customer for a secret (a poisoned case or article is not
        trusted for anything else either); the draft is flagged with their ids."""
        bad = {s.id for s in (*request.cases, *request.articles)
               if any(asks_for_secret(sentence) for sentence in split_sentences(s.text))}
        if not bad:
            return request
        warnings.append(SECRET_WARNING.format(ids=", ".join(sorted(bad))))
        return replace(request, cases=tuple(c for c in request.cases if c.id not in bad),
                       articles=tuple(a for a in request.articles if a.id not in bad))

    @staticmethod
    def _layout(blocks: list[list[Sentence]], style: str, marker: str) -> str:
        """Chat: one line. Otherwise paragraphs; list items and a marked sentence (its marker first) on a line of
        their own, so what the agent must confirm is never mixed with the sentences around it."""
        if style == "chat":
            return " ".join(s.text for b in blocks for s in b)
        paragraphs = []
        for block in blocks:
            lines: list[str] = []
            for sentence in block:
                if _LIST_MARKER.match(sentence.text) or not lines or lines[-1].endswith(":") \
                        or sentence.text.startswith(marker) or lines[-1].startswith(marker):
                    lines.append(sentence.text)
                else:
                    lines[-1] += " " + sentence.text
            paragraphs.append("\n".join(lines))
        return "\n\n".join(paragraphs)

    def stream(self, request: DraftRequest) -> Iterator[str | Draft]:
        draft = self.draft(request)
        for i, paragraph in enumerate(draft.text.split("\n\n")):
            yield paragraph if i == 0 else "\n\n" + paragraph
        yield draft
