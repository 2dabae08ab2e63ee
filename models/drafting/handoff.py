"""The honest reply when routing abstains: no case-based draft, a short hand-off or clarifying question.

A ticket the routing model calls out of scope, or cannot place with enough confidence, has no routed topic, so
no resolved case answers it: restating another customer's resolution would answer a different question. The
draft is then the phrase book's greeting, one hand-off or clarifying sentence (`handoff.<kind>`), and the plain
sign-off (never a tier sign-off that asserts facts such as an account manager in copy). Every sentence is a
phrase-book key; the draft carries a warning that it is a hand-off.
"""

from __future__ import annotations

from collections.abc import Iterator

from models.drafting.composer import STYLE_BY_CHANNEL
from models.drafting.phrasebook import PhraseBook
from models.drafting.safety import plausible_name
from models.drafting.types import Draft, DraftRequest, Sentence, find_unfilled

NAME = "handoff"
# The routing model's abstain reasons and the phrase-book sentence each one gets.
KEY_BY_REASON = {"out_of_scope": "handoff.out_of_scope", "low_confidence": "handoff.clarify",
                 "small_margin": "handoff.clarify"}
DEFAULT_KEY = "handoff.clarify"


def handoff_warning(reason: str | None) -> str:
    return (f"routing abstained ({reason or 'no topic'}): no case-based draft; this is a hand-off / clarifying "
            "reply from the phrase book")


def first_name(customer_name: str | None) -> str | None:
    """The customer's first name when the whole name is plausible (`safety.plausible_name`, the composer's check:
    markup, digits or an e-mail get the anonymous greeting), else None."""
    name = plausible_name(customer_name)
    return name.split()[0] if name else None


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
        book = self.book
        warnings = [handoff_warning(reason)]
        lang = request.language if book.supports(request.language) else book.default_language
        if lang != request.language:
            warnings.append(f"no phrases in the customer's language ({request.language}); drafted in {lang}")
        style = STYLE_BY_CHANNEL.get(request.channel, "email")
        name = first_name(request.customer_name)
        key = KEY_BY_REASON.get(reason or "", DEFAULT_KEY)
        agent = self.agent_name or book.placeholder(lang, "agent")
        keys = [(f"greeting.{style}" if name else f"greeting.{style}_anonymous", {"name": name or ""}),
                (key, {}), (f"sign_off.{style}.default", {"agent": agent})]
        sentences = [Sentence(text=book.render(lang, k, **fields), phrase=k) for k, fields in keys]
        separator = " " if style == "chat" else "\n\n"
        text = separator.join(s.text for s in sentences)
        return Draft(text=text, sentences=sentences, citations=[], language=lang, tone="neutral", drafter=NAME,
                     confidence=1.0, warnings=warnings, unfilled=find_unfilled(text, book.placeholder_kinds(lang)))

    def stream(self, request: DraftRequest, reason: str | None = None) -> Iterator[str | Draft]:
        draft = self.draft(request, reason)
        for i, paragraph in enumerate(draft.text.split("\n\n")):
            yield paragraph if i == 0 else "\n\n" + paragraph
        yield draft
