"""The review every LLM draft goes through before anyone sees it: the checks the default drafter applies to the
sources it adapts (docs/drafting.md, "LLM drafts"), applied to what the model wrote.

`review(draft, request)` takes a draft whose citations were already checked (`llm.check_citations`) and returns
a new one where, sentence by sentence (roles from `roles.sentence_role`, in the draft's language, with the learned
role model's second opinion on the rules' guidance when one is given):

- a sentence asking the customer for a secret, echoing the system prompt, or obeying an injected instruction is
  removed (flagged);
- an *action* (something the agent did or will do: "I've refunded...", "Ich habe ... storniert") and a
  *commitment* (a refund, credit or amount promised: "you will receive a full refund of $5,000") is never
  asserted: it becomes an `AgentAction` (from the source it cites, or `MODEL_SOURCE`), and the draft keeps it
  only as a sentence marked like the composer's ("[confirm before sending] I've refunded ...") listed in
  `needs_confirmation`; its amounts, ids, dates and e-mails become
  placeholders whatever the ticket says (the customer's own numbers never turn into a promise);
- details the ticket does not state (e-mail addresses, domains, links, amounts, order and invoice numbers,
  dates and times, another case's customer name, a greeting's or sign-off's name) become placeholders; links and
  domains of the help articles given to the model are kept;
- a *case fact* that remains (an incident, a diagnosis, "confirmed") stays only when the ticket states it (most
  of its content words are the customer's); otherwise it is removed (flagged).

`unfilled`, `needs_confirmation`, `agent_actions` and the citations are rebuilt, so `ready_to_send` follows.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace

from models.drafting.names import parse_name
from models.drafting.phrasebook import CONFIRM_KIND
from models.drafting.placeholders import sub_whole_words
from models.drafting.prompts import SYSTEM_PROMPT
from models.drafting.roles import RoleReader, is_action, sentence_role
from models.drafting.safety import asks_for_secret, plausible_name
from models.drafting.types import AgentAction, Draft, DraftRequest, Sentence, SourceKind, citations_for, find_unfilled
from models.salutations import BARE_TITLES, alternation, greetings, sign_offs

MODEL_SOURCE = "model"  # AgentAction.source_id of an action the model wrote without citing a source
# The marker before a sentence carrying an action (listed in `needs_confirmation`, and in `unfilled` as kind
# "confirm"), as the composer marks its own: the phrase book's `confirm_action` of the draft's language.
CONFIRM_MARK = "[confirm before sending]"
ONE_LINE_CHANNELS = ("chat", "app")  # the composer's chat style: one line, marked sentences included
SUPPORT_SHARE = 0.6  # share of a case fact's content words the ticket must contain for it to stay
DEFAULT_PLACEHOLDERS: dict[str, str] = {CONFIRM_KIND: CONFIRM_MARK, "agent": "[agent name]", "email": "[email address]",
                                        "order_number": "[order number]", "date": "[date]", "amount": "[amount]",
                                        "phone": "[phone number]"}
# Kinds the phrase book may not have ("name": the redacted-name form the composer also uses).
EXTRA_PLACEHOLDERS: dict[str, str] = {"link": "[link]", "domain": "[domain]", "count": "[number]", "name": "[NAME]"}

_F = re.IGNORECASE | re.UNICODE
# Commitments a draft may only make when a source makes them too (English, German, Spanish, French stems).
PROMISE = re.compile(r"\b(refund\w*|reimburs\w*|compensat\w*|credit\w*|discount\w*|free of charge|money back"
                     r"|erstatt\w*|rückerstatt\w*|gutschrift\w*|entschädig\w*|reembols\w*|devolu\w*|compens\w*"
                     r"|rembours\w*|dédommag\w*|avoir)\b", _F)
# A promise word with one of these is a commitment to this customer, not policy ("refunds take 5 days").
_COMMIT = re.compile(r"\b(?:will|shall|going to|eligible|entitled|guarantee\w*|approved|owe|owed|wird|werden|"
                     r"erhalten sie|bekommen sie|recibirá\w*|recibirás|va a|vas a|tendrá\w*|recevrez|recevra|allez|"
                     r"aurez|sera|serez|obtiendr\w*)\b|'ll\b|’ll\b", _F)
_INJECTED = re.compile(r"\b(?:ignor\w* (?:all |any |the )?(?:previous|prior|above|earlier) (?:instructions|rules)|"
                       r"system prompt|my (?:instructions|rules) (?:are|say)|as an ai\b|language model|"
                       r"(?:refund|support) bot|developer mode|jailbr\w*)", _F)
_PROMPT_NGRAM = 6  # a sentence sharing this many consecutive words with the system prompt echoes it
# The prompt's own data tags (models/drafting/prompts.py): a sentence carrying one copies the prompt, not an answer.
_PROMPT_TAG = re.compile(r"</?\s*(?:ticket|source)\b[^>]*>", _F)

_URL = re.compile(r"https?://[^\s<>()\[\]]+[^\s<>()\[\].,;:!?]")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_NUMBER = r"\d+(?:[.,]\d+)*"
_AMOUNT = re.compile(rf"(?:[$€£]\s?{_NUMBER}|\b{_NUMBER}\s?(?:€|eur\b|usd\b|gbp\b|dollars?\b|euros?\b))", _F)
_MONTHS = (r"january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr"
           r"|jun|jul|aug|sep|sept|oct|nov|dec|januar|februar|märz|juni|juli|oktober|dezember|janvier|février|mars"
           r"|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre|enero|febrero|marzo|abril|mayo|junio"
           r"|julio|agosto|septiembre|octubre|noviembre|diciembre")
_DATE = re.compile(rf"\b(?:{_MONTHS})\.? \d{{1,2}}(?:st|nd|rd|th)?(?:,? \d{{4}})?\b|\b\d{{1,2}}(?:st|nd|rd|th|\.)? "
                   rf"(?:of |de )?(?:{_MONTHS})(?: \d{{4}})?\b"
                   r"|\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}/\d{1,2}/\d{2,4}\b"
                   r"|\b\d{1,2}[:.h]\d{2}\s?(?:am|pm|uhr)?|\b\d{1,2}\s?(?:am|pm)\b", _F)
_ORDER = re.compile(r"#\s?\d{3,}\b|\b[A-Z]{2,6}-\d{3,}\b|\b(?:inv|ord|order|case|ticket|po)-?\s?#?\d{3,}\b"
                    r"|\b\d{6,}\b")
_ORDER_WORD = re.compile(r"[a-z]+\s+(?=#?\d)", _F)
_PHONE = re.compile(r"\+\d[\d ()-]{6,}\d")
_DOMAIN = re.compile(r"(?<![/\w.-])@?(?:[a-z0-9-]+\.)+(?:example|com|org|net|io|de|fr|es|co|app)\b(?![/\w@-])", _F)
_COUNT = re.compile(r"\b\d{1,3}(?:[,.]\d{3})+\b")  # "merged 12,000 duplicate tasks": another case's count
# Order matters: a link holds a domain, an amount holds digits.
_DETAILS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("link", _URL), ("email", _EMAIL), ("phone", _PHONE), ("amount", _AMOUNT), ("date", _DATE),
    ("order_number", _ORDER), ("domain", _DOMAIN), ("count", _COUNT))
_PLACEHOLDER = re.compile(r"\[[^\[\]\n]{1,60}\]")

_NAME = r"(?-i:[A-ZÀ-ÖØ-Þ][\w'’-]*(?: [A-ZÀ-ÖØ-Þ][\w'’-]*)?)"
# A greeting or sign-off (models/salutations.py) followed by a name: "Hi Marek," / "Best, Marek"; a bare title is
# no name ("Madame, Monsieur,", "Bonjour Monsieur,").
_GREETING = re.compile(rf"^(?P<word>{alternation(greetings())})"
                       rf"(?P<sep>,?\s+)(?!(?:{alternation(BARE_TITLES)})(?:\s*[,!.:]|\s*$))"
                       r"(?P<name>(?:(?:herr|frau|mr\.?|mrs\.?|ms\.?|m\.|mme|sr\.?|sra\.?) )?"
                       rf"{_NAME})(?P<rest>\s*[,!.:]|\s*$)", _F)
_SIGN_OFF = re.compile(rf"^(?P<word>{alternation(sign_offs())})(?P<sep>[,!]?\s+)(?P<name>{_NAME})(?P<rest>\W*)$", _F)
_CONTENT = re.compile(r"[^\W\d_]{4,}", _F)
_STOP = frozenset([
    "that", "this", "with", "have", "from", "your", "about", "been", "were", "they", "them", "their", "there",
    "what", "when", "which", "would", "could", "should", "will", "into", "only", "also", "just", "very", "really",
    "please", "thanks", "thank", "hello", "dear", "here", "these", "those", "than", "then", "dass", "diese",
    "dieser", "ihre", "ihren", "haben", "wurde", "wurden", "sind", "nicht", "noch", "eine", "einen", "einem",
    "bitte", "para", "como", "esta", "este", "estos", "pero", "porque", "usted", "hemos", "sido", "gracias", "hola",
    "pour", "avec", "votre", "vous", "nous", "dans", "sont", "cette", "être", "merci", "bonjour",
]) | {p for p in (*greetings(), *sign_offs()) if " " not in p}  # one-word greetings and sign-offs ("Hallo Marek,")


@dataclass(frozen=True, slots=True)
class _Checked:
    sentence: Sentence | None  # None: removed
    action: AgentAction | None = None
    warning: str | None = None


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


def _stem(word: str) -> str:
    return word.lower()[:5]


def _echoes_system_prompt(text: str) -> bool:
    words = re.findall(r"\w+", text.lower())
    prompt = " " + " ".join(re.findall(r"\w+", SYSTEM_PROMPT.lower())) + " "
    return any(f" {' '.join(words[i:i + _PROMPT_NGRAM])} " in prompt for i in range(len(words) - _PROMPT_NGRAM + 1))


class _Reviewer:
    def __init__(self, draft: Draft, request: DraftRequest, placeholders: Mapping[str, str],
                 roles: RoleReader | None = None) -> None:
        self.draft, self.request = draft, request
        self.roles = roles
        self.language = draft.language or request.language
        self.placeholders = {**DEFAULT_PLACEHOLDERS, **EXTRA_PLACEHOLDERS, **placeholders}
        name = plausible_name(request.customer_name)
        self.name_words = {w.lower() for w in (name or "").split()}
        self.first_name = parse_name(request.customer_name).first  # a title is never a first name
        self.ticket = _norm(request.text)
        self.ticket_stems = {_stem(w) for w in _CONTENT.findall(request.text)} | {_stem(w) for w in self.name_words}
        # what the help articles given to the model say may be repeated (their links, domains, amounts)
        self.articles = _norm(" ".join(f"{a.text} {a.url or ''}" for a in request.articles))
        self.other_names = {w for case in (*request.cases, *request.history) if case.customer_name
                            for w in case.customer_name.split() if len(w) >= 3} - {w.title() for w in self.name_words}

    def placeholder(self, kind: str) -> str:
        return self.placeholders.get(kind, f"[{kind.replace('_', ' ')}]")

    def _supported(self, value: str, kind: str) -> bool:
        value = _norm(value)
        return value in self.ticket or (kind in ("link", "domain", "amount") and value in self.articles)

    def redact(self, text: str, *, commitment: bool) -> tuple[str, int]:
        """Details the ticket does not state become placeholders (all of them in a commitment)."""
        count = 0
        for kind, pattern in _DETAILS:
            def swap(value: str, kind: str = kind) -> str:
                nonlocal count
                prefix = ""
                word = _ORDER_WORD.match(value) if kind == "order_number" else None
                if word:  # "order 113542617735902": the number is the value, the word stays
                    prefix, value = value[:word.end()], value[word.end():]
                keep = kind in ("link", "domain") and value.lower() in self.articles
                if keep or (not commitment and self._supported(value, kind)):
                    return prefix + value
                count += 1
                return prefix + self.placeholder(kind)
            text = sub_whole_words(pattern, swap, text)[0]  # a detail glued to a word is replaced whole
        for pattern, kind in ((_GREETING, "name"), (_SIGN_OFF, "agent")):
            m = pattern.match(text)
            if m is None or m.group("name").split()[-1].lower() in self.name_words:
                continue
            # "Hi Marek," -> "Hi,"; "Best, Marek" -> "Best, [agent name]"
            middle = "" if kind == "name" else m.group("sep") + self.placeholder(kind)
            text = m.group("word") + middle + m.group("rest") + text[m.end():]
            count += 1
        for other in self.other_names:
            text, n = re.subn(rf"(?<!\w){re.escape(other)}(?!\w)", self.placeholder("name"), text)
            count += n
        return text, count

    def stated_by_customer(self, text: str) -> bool:
        words = [w for w in _CONTENT.findall(_PLACEHOLDER.sub(" ", text)) if w.lower() not in _STOP]
        if not words:
            return True
        return sum(_stem(w) in self.ticket_stems for w in words) / len(words) >= SUPPORT_SHARE

    def check(self, sentence: Sentence) -> _Checked:
        text = sentence.text
        if asks_for_secret(text):
            return _Checked(None, warning=f"removed a request for a secret: {text[:80]!r}")
        if _INJECTED.search(text) or _echoes_system_prompt(text) or _PROMPT_TAG.search(text):
            return _Checked(None, warning=f"removed a sentence obeying or revealing instructions: {text[:80]!r}")
        # the model may switch language: an action in any of the four languages counts
        role = "action" if is_action(text, None) else sentence_role(text, self.language)
        learned = False  # a case fact or action only the learned role model finds (the rules read guidance)
        if role == "guidance" and self.roles is not None:
            role, learned = self.roles.roles([text], self.language)[0]
        commitment = role == "action" or (PROMISE.search(text) is not None and (
            _COMMIT.search(text) is not None or _AMOUNT.search(text) is not None))
        redacted, count = self.redact(text, commitment=commitment)
        quote = sentence.quote or (text if redacted != text else None)
        if commitment:
            source = sentence.sources[0] if sentence.sources else MODEL_SOURCE
            marked = Sentence(text=f"{self.placeholder(CONFIRM_KIND)} {redacted}", sources=sentence.sources,
                              quote=text)
            return _Checked(marked, action=AgentAction(text=redacted, source_id=source))
        warning = f"replaced {count} detail(s) the ticket does not state with placeholders" if count else None
        # what is left of a case fact once the details the customer stated are set aside ("I understand you want
        # to cancel order 113542617735902", the number from the ticket, is not another case's fact)
        masked = redacted
        for _, pattern in _DETAILS:
            masked = pattern.sub("[x]", masked)
        fact = (learned and role == "case_fact") or sentence_role(masked, self.language) == "case_fact"
        if fact and not self.stated_by_customer(redacted):
            return _Checked(None, warning=f"removed a case fact the ticket does not state: {text[:80]!r}")
        return _Checked(replace(sentence, text=redacted, quote=quote), warning=warning)


def _layout(sentences: list[Sentence], marked: set[int], *, one_line: bool) -> str:
    """Sentences joined by spaces; outside chat, a marked sentence stands on a line of its own (as the composer
    lays them out), so what the agent must confirm is never mixed with the sentences around it."""
    text = ""
    for i, sentence in enumerate(sentences):
        if i:
            text += "\n" if not one_line and (i in marked or i - 1 in marked) else " "
        text += sentence.text
    return text


def review(draft: Draft, request: DraftRequest, *, placeholders: Mapping[str, str] | None = None,
           roles: RoleReader | None = None) -> Draft:
    """The draft with actions turned into `agent_actions` (kept only as marked sentences), unstated details
    replaced by placeholders and unsupported case facts removed. `placeholders` maps a kind ("amount",
    "order_number", ...) to the draft language's placeholder (the phrase book's; English ones by default);
    `roles`: the learned role model, a second opinion on the sentences the rules read as guidance (as the
    composer uses it)."""
    reviewer = _Reviewer(draft, request, placeholders or {}, roles)
    kinds: dict[str, SourceKind] = {s.id: s.kind for s in (*request.cases, *request.articles, *request.history)}
    kinds.update((c.source_id, c.kind) for c in draft.citations)
    sentences: list[Sentence] = []
    actions: list[AgentAction] = []
    confirm: list[int] = []
    warnings = list(draft.warnings)
    for sentence in draft.sentences:
        checked = reviewer.check(sentence)
        if checked.warning and checked.warning not in warnings:
            warnings.append(checked.warning)
        if checked.sentence is None:
            continue
        if checked.action is not None:
            confirm.append(len(sentences))
            actions.append(replace(checked.action, sentence=len(sentences)))
        sentences.append(checked.sentence)
    if actions:
        warnings.append(f"{len(actions)} action(s) for the agent to decide on: see agent_actions")
    text = _layout(sentences, set(confirm), one_line=request.channel in ONE_LINE_CHANNELS)
    placeholder_kinds = {text_: kind for kind, text_ in reviewer.placeholders.items()}
    return replace(draft, text=text, sentences=sentences, citations=citations_for(sentences, kinds),
                   warnings=warnings, unfilled=find_unfilled(text, placeholder_kinds), needs_confirmation=confirm,
                   agent_actions=[*draft.agent_actions, *actions])
