"""Placeholders of other conventions in a source reply, rewritten to the phrase book's.

Imported replies mark the slots they leave open in their own ways: `{{Order Number}}` (Bitext), `<name>`,
`[Your Name]`, `{{Customer Name}}`. A draft uses one form, the phrase book's (`[order number]`, `[agent name]` in
English, localized elsewhere), so an agent and a plugin recognise every open slot. The customer's name becomes
`[NAME]`, the form models/pii.py leaves in a redacted case, which the composer fills with this customer's first
name (or drops the sentence without one). Slots of no known kind keep their words as `[lowercase words]`.

A placeholder never lands inside a word (`sub_whole_words`): a fact glued to letters ("no-reply@…" where only
"-reply@…" looked like an address, "US$5", "abc#1234") is replaced with the letters it is glued to, and a slot
written against a word ("Hola{{Name}}") gets a space, so no draft reads "permita no[correo electrónico]".
"""

from __future__ import annotations

import re
from collections.abc import Callable

from models.drafting.phrasebook import NAME_KIND, REDACTED_NAME, PhraseBook

CUSTOMER_NAME = REDACTED_NAME
# Normalised slot words -> kind: a phrase-book placeholder kind, "agent", or NAME_KIND (the customer's name).
KIND_BY_WORDS = {
    "order number": "order_number", "order id": "order_number", "order": "order_number",
    "invoice number": "order_number", "tracking number": "order_number", "reference number": "order_number",
    "amount": "amount", "refund amount": "amount", "price": "amount",
    "email": "email", "email address": "email", "customer email": "email",
    "phone": "phone", "phone number": "phone",  # the customer's; "Customer Support Phone Number" is the company's
    "date": "date",
    "name": NAME_KIND, "customer name": NAME_KIND, "client name": NAME_KIND, "first name": NAME_KIND,
    "customer": NAME_KIND, "username": NAME_KIND,
    "your name": "agent", "agent name": "agent", "agent": "agent", "my name": "agent", "signature": "agent",
}
# {{Any Words}}; <known words> and [Known Words] only for the slot names above (angle brackets and square
# brackets also mark HTML, markdown links and our own placeholders).
_CURLY = re.compile(r"\{\{\s*([A-Za-z][\w .'-]{0,40}?)\s*\}\}")
_MARKED = re.compile(r"<\s*([A-Za-z][\w ]{0,30}?)\s*>|\[\s*([A-Za-z][\w ]{0,30}?)\s*\](?!\()")


def _glued(char: str) -> bool:
    return char.isalnum() or char == "_"


def whole_word_span(text: str, start: int, end: int) -> tuple[int, int]:
    """`text[start:end]` widened over the letters and digits glued to it on either side (none: unchanged)."""
    while start > 0 and _glued(text[start - 1]):
        start -= 1
    while end < len(text) and _glued(text[end]):
        end += 1
    return start, end


def sub_whole_words(pattern: re.Pattern[str], repl: str | Callable[[str], str], text: str) -> tuple[str, int]:
    """`pattern.subn(repl, text)`, except that a match glued to a word is widened to the whole word first, so the
    replacement never splices into a word; `repl` is the replacement, or a function of the (widened) value."""
    out: list[str] = []
    last = count = 0
    for m in pattern.finditer(text):
        start, end = whole_word_span(text, m.start(), m.end())
        if start < last:  # widened into what the previous replacement took
            continue
        out.append(text[last:start])
        out.append(repl if isinstance(repl, str) else repl(text[start:end]))
        last = end
        count += 1
    out.append(text[last:])
    return "".join(out), count


def _words(slot: str) -> str:
    return " ".join(slot.replace("_", " ").lower().split())


def normalise_placeholders(text: str, book: PhraseBook, language: str) -> str:
    """`text` with other conventions' placeholders in the phrase book's form for `language`."""

    def form(words: str) -> str | None:
        kind = KIND_BY_WORDS.get(words)
        if kind is None:
            return None
        if kind == NAME_KIND:
            return CUSTOMER_NAME
        return book.placeholder(language, kind)

    def curly(match: re.Match[str]) -> str:
        words = _words(match.group(1))
        return form(words) or f"[{words}]"

    def marked(match: re.Match[str]) -> str:
        slot = match.group(1) or match.group(2)
        if match.group(2) is not None and slot == CUSTOMER_NAME[1:-1]:
            return match.group(0)  # already ours
        return form(_words(slot)) or match.group(0)

    text = _MARKED.sub(marked, _CURLY.sub(curly, text))
    return _GLUED_SLOT.sub(_unglue, text)


# a placeholder written against a word on either side ("Hola[NAME]", "[order number]abc"); not a Markdown link
_GLUED_SLOT = re.compile(r"(\w?)(\[[^\[\]\n]{1,60}\])(?!\()(\w?)")


def _unglue(match: re.Match[str]) -> str:
    before, slot, after = match.groups()
    return (f"{before} " if before else "") + slot + (f" {after}" if after else "")
