"""The honest reply when routing abstains: no case-based draft, a short hand-off or clarifying question.

A ticket the routing model calls out of scope, or cannot place with enough confidence, has no routed topic, so
no resolved case answers it: restating another customer's resolution would answer a different question. The
draft is then the phrase book's greeting, one hand-off or clarifying sentence (`handoff.<kind>`), and the plain
sign-off (never a tier sign-off that asserts facts such as an account manager in copy). Every sentence is a
phrase-book key; the draft carries a warning that it is a hand-off.

The same hand-off answers a ticket no draft can be composed for in its own language (`language_handoff`): a
language the phrase book has hand-off phrases for only (Italian, Portuguese), or one whose retrieved sources are
all in a third language. It is written in the customer's language where the phrase book has it, else in the
desk's language with a warning: never in the language of some source (Spanish to an Italian).
"""

from __future__ import annotations

from collections.abc import Iterator

from models.drafting.language_check import language_warnings
from models.drafting.names import greeting, parse_name
from models.drafting.phrasebook import PhraseBook
from models.drafting.types import Draft, DraftRequest, Sentence, find_unfilled

NAME = "handoff"
# Channel styles: email-like channels get a greeting, paragraphs and a sign-off; chat-like ones are short;
# social replies are public: no account details, and the conversation moves to a private channel.
STYLE_BY_CHANNEL = {"email": "email", "phone": "email", "web": "email", "other": "email", "chat": "chat",
                    "app": "chat", "social": "social"}
LANGUAGE_KEY = "handoff.language"
# The routing model's abstain reasons and the phrase-book sentence each one gets.
KEY_BY_REASON = {"out_of_scope": "handoff.out_of_scope", "low_confidence": "handoff.clarify",
                 "small_margin": "handoff.clarify"}
DEFAULT_KEY = "handoff.clarify"


def handoff_warning(reason: str | None) -> str:
    return (f"routing abstained ({reason or 'no topic'}): no case-based draft; this is a hand-off / clarifying "
            "reply from the phrase book")


def first_name(customer_name: str | None) -> str | None:
    """The customer's first name when the whole name is plausible (`safety.plausible_name`, the composer's check:
    markup, digits or an e-mail get the anonymous greeting) and does not open with a title ("Frau Schneider" has
    no first name: `names.parse_name`), else None."""
    return parse_name(customer_name).first


def handoff_language(book: PhraseBook, language: str) -> str:
    """The language a hand-off to a customer writing in `language` is written in: theirs where the phrase book has
    the hand-off in it, else the desk's (`default_language`)."""
    code = (language or "").strip().lower()
    return code if book.hands_off_in(code) else book.default_language


class HandoffDrafter:
    """Phrase-book-only drafts for abstained tickets. Cheap to build; deterministic."""

    def __init__(self, book: PhraseBook, *, agent_name: str | None = None) -> None:
        self.book = book
        self.agent_name = agent_name

    @property
    def name(self) -> str:
        return NAME

    def draft(self, request: DraftRequest, reason: str | None = None) -> Draft:
        """The hand-off draft for `request` whose routing abstained for `reason` (an abstain reason code)."""
        key = KEY_BY_REASON.get(reason or "", DEFAULT_KEY)
        checks = language_warnings(request.text, request.language) if self.book.supports(request.language) else []
        return self.compose(request, key, [handoff_warning(reason), *checks])

    def language_handoff(self, request: DraftRequest, why: str) -> Draft:
        """The honest hand-off for a ticket no draft can be composed for in its language (`why`: the warning)."""
        return self.compose(request, LANGUAGE_KEY, [why])

    def compose(self, request: DraftRequest, key: str, warnings: list[str]) -> Draft:
        """Greeting, the `key` sentence (or `handoff.language` where the language lacks it) and the plain
        sign-off, in the customer's language where the phrase book has a hand-off in it."""
        book = self.book
        lang = handoff_language(book, request.language)
        if lang != (request.language or "").strip().lower():
            warnings.append(f"no phrases in the customer's language ({request.language}); drafted in {lang}")
        style = STYLE_BY_CHANNEL.get(request.channel, "email")
        if not book.has(lang, key):
            key = LANGUAGE_KEY
        agent = self.agent_name or book.placeholder(lang, "agent")
        hello, fields = greeting(book, lang, style, parse_name(request.customer_name, request.customer_title))
        if not book.has(lang, hello):  # a hand-off-only language may lack the chat or social greeting
            hello = hello.replace(f"greeting.{style}", "greeting.email").replace(f"salutation.{style}",
                                                                                  "salutation.email")
        sign_off = book.first(lang, f"sign_off.{style}.default", "sign_off.email.default")
        keys = [(hello, fields), (key, {}), (sign_off, {"agent": agent})]
        sentences = [Sentence(text=book.render(lang, k, **f), phrase=k) for k, f in keys]
        separator = " " if style == "chat" else "\n\n"
        text = separator.join(s.text for s in sentences)
        return Draft(text=text, sentences=sentences, citations=[], language=lang, tone="neutral", drafter=NAME,
                     confidence=1.0, warnings=warnings, unfilled=find_unfilled(text, book.placeholder_kinds(lang)))

    def stream(self, request: DraftRequest, reason: str | None = None) -> Iterator[str | Draft]:
        draft = self.draft(request, reason)
        for i, paragraph in enumerate(draft.text.split("\n\n")):
            yield paragraph if i == 0 else "\n\n" + paragraph
        yield draft
