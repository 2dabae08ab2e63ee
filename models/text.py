"""Ticket text clean-up: HTML to plain text, whitespace, and the text the models see."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from lxml import etree

from models.errors import InvalidInputError

_BLOCK_TAGS = frozenset(
    {"p", "div", "li", "ul", "ol", "tr", "table", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote",
     "pre", "hr", "section", "article", "header", "footer", "dd", "dt"}
)
_CELL_TAGS = frozenset({"td", "th"})  # cells of a row are separated by a space
# Elements whose content is never shown as text. `head` is not one: an email whose <head> is never closed would
# lose its whole body; what a head holds (title, style, script) is skipped element by element.
_SKIP_TAGS = frozenset({"script", "style", "title", "noscript", "template"})
# Something a browser would parse as markup: a tag, a comment, CDATA, a doctype or a processing instruction.
# Linear: every attempt stops at the next "<" or ">".
_TAG_HINT = re.compile(r"<(?:\s*/?\s*[a-z][a-z0-9]*(\s[^<>]*)?/?>|!--|!\[CDATA\[|!doctype|\?[a-z])", re.IGNORECASE)
# C0 controls other than whitespace, DEL, and lone surrogates (valid in a JSON string, not in UTF-8): they carry
# no text and some stores refuse them (PostgreSQL text cannot hold NUL).
_UNPRINTABLE = re.compile("[\x00-\x08\x0e-\x1f\x7f\ud800-\udfff]")
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")
_BLANK_RUNS = re.compile(r"\n(?:[ \t\r\f\v\u00a0]*\n)+")


def looks_like_html(text: str) -> bool:
    """True when the text contains markup: at least one tag, comment, CDATA section, doctype or PI."""
    return bool(_TAG_HINT.search(text))


def _html_parser() -> etree.HTMLParser:
    # A parser per call: lxml parsers must not be shared between threads. huge_tree lifts libxml2's size limits
    # (a 2 MB text node is fine); nesting deeper than 2,048 elements still stops the parser (see strip_html).
    return etree.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True, no_network=True,
                            huge_tree=True, default_doctype=False)


def strip_html(text: str) -> str:
    """Plain text of an HTML fragment (tags dropped, block tags become line breaks, entities decoded).

    Parsed by libxml2 (through lxml), whose HTML5 tokenizer runs in linear time: comments, CDATA sections,
    processing instructions and the contents of script/style/title/noscript/template give no text, so a body
    that is only markup strips to "". Plain text passes through unchanged apart from entity decoding and
    whitespace normalization. Control characters (but tab and line breaks) and lone surrogates are dropped.
    Raises `InvalidInputError` for HTML nested more than 2,048 elements deep (the
    parser's limit; the text past it would be silently lost).
    """
    text = _UNPRINTABLE.sub("", text)
    if looks_like_html(text):
        parser = _html_parser()
        # Bytes, so a declared charset (<?xml encoding=...?>, <meta charset>) cannot override the real one.
        root = etree.fromstring(text.encode("utf-8"), parser)
        if any(entry.type_name == "ERR_RESOURCE_LIMIT" for entry in parser.error_log):
            raise InvalidInputError("HTML is nested too deeply (more than 2048 elements)")
        text = "" if root is None else _element_text(root)
    else:
        text = html.unescape(text)
    return normalize_whitespace(text)


def _element_text(root: etree._Element) -> str:
    """Text of a parsed tree, skipping non-text elements, with line breaks around blocks; lxml does the walking
    (in C, without recursion whatever the nesting), Python touches only block, line-break and cell elements."""
    etree.strip_elements(root, *_SKIP_TAGS, with_tail=False)
    for element in root.iter(*_BLOCK_TAGS, "br", *_CELL_TAGS):
        if element.tag in _BLOCK_TAGS:
            element.text = "\n" + (element.text or "")
            element.tail = "\n" + (element.tail or "")
        else:
            element.tail = ("\n" if element.tag == "br" else " ") + (element.tail or "")
    return str(etree.tostring(root, method="text", encoding="unicode", with_tail=False))


def normalize_whitespace(text: str) -> str:
    """Collapse runs of spaces, keep single blank lines between paragraphs, trim."""
    # Runs of blank lines first collapse in one regex pass (the per-line work below is the slow part).
    text = _BLANK_RUNS.sub("\n\n", text.replace("\r\n", "\n"))
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def ticket_text(subject: str | None, body: str | None) -> str:
    """The single text the embedder sees: subject and body, HTML stripped, blank parts dropped."""
    return join_parts(strip_html(subject) if subject else "", strip_html(body) if body else "")


def join_parts(subject: str, body: str) -> str:
    """Plain subject and body as one text (as `ticket_text` joins them)."""
    return "\n".join(part for part in (subject, body) if part)


@dataclass(frozen=True, slots=True)
class PlainTicket:
    """A ticket's subject and body as plain text, cut to a length limit (see `plain_ticket`)."""

    subject: str
    body: str
    chars: int  # length of the joined text before cutting

    @property
    def text(self) -> str:
        return join_parts(self.subject, self.body)

    @property
    def truncated(self) -> bool:
        return len(self.text) < self.chars


def plain_ticket(subject: str | None, body: str | None, *, max_chars: int) -> PlainTicket:
    """Subject and body with HTML stripped, cut so their joined text holds at most `max_chars` characters.

    The subject is kept whole when it fits and the body is cut (a pasted log at its end goes first); the cut
    falls on the last whitespace of the final 200 characters when there is one, so no word is split.
    """
    plain_subject = strip_html(subject) if subject else ""
    plain_body = strip_html(body) if body else ""
    chars = len(join_parts(plain_subject, plain_body))
    if chars <= max_chars:
        return PlainTicket(plain_subject, plain_body, chars)
    if len(plain_subject) >= max_chars:
        return PlainTicket(_cut(plain_subject, max_chars), "", chars)
    room = max_chars - len(plain_subject) - (1 if plain_subject else 0)
    return PlainTicket(plain_subject, _cut(plain_body, room), chars)


def _cut(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    head = text[:limit]
    space = max(head.rfind(" ", limit - 200), head.rfind("\n", limit - 200))
    return (head[:space] if space > 0 else head).rstrip()


_SPEAKER = re.compile(r"(?:^|(?<=[\s.!?]))(?P<who>[A-Za-zÀ-ÿ]{2,12})\s*:\s", re.MULTILINE)
_CUSTOMER_SPEAKERS = {"customer", "caller", "client", "user", "kunde", "kundin", "anrufer", "anruferin", "cliente",
                      "usuario", "usuaria"}
_AGENT_SPEAKERS = {"agent", "support", "rep", "operator", "agentin", "mitarbeiter", "agente", "conseiller",
                   "conseillère", "operador", "operadora"}


def customer_turns(text: str) -> str:
    """In a transcript with speaker labels ("Agent: … Customer: …"), only what the customer said; other text
    is returned as it is. Used for sentiment, so the agent's polite lines do not soften an angry caller."""
    marks = [(m.start(), m.end(), m.group("who").lower()) for m in _SPEAKER.finditer(text)]
    speakers = {who for _, _, who in marks}
    if not (speakers & _CUSTOMER_SPEAKERS and speakers & _AGENT_SPEAKERS):
        return text
    turns = []
    for i, (_, end, who) in enumerate(marks):
        stop = marks[i + 1][0] if i + 1 < len(marks) else len(text)
        if who in _CUSTOMER_SPEAKERS:
            turns.append(text[end:stop].strip())
    return " ".join(t for t in turns if t) or text
