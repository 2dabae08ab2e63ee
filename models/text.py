"""Ticket text clean-up: HTML to plain text, whitespace, and the text the models see."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

_BLOCK_TAGS = frozenset(
    {"p", "div", "br", "li", "ul", "ol", "tr", "table", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote",
     "pre", "hr", "section", "article", "header", "footer"}
)
_SKIP_TAGS = frozenset({"script", "style", "head", "title", "noscript", "template"})
_TAG_HINT = re.compile(r"<\s*/?\s*[a-zA-Z][a-zA-Z0-9]*(\s[^<>]*)?/?>")
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self._skip_depth += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self._skip_depth = max(0, self._skip_depth - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip_depth:
            self.parts.append(data)


def looks_like_html(text: str) -> bool:
    """True when the text contains at least one HTML tag."""
    return bool(_TAG_HINT.search(text))


def strip_html(text: str) -> str:
    """Plain text of an HTML fragment (tags dropped, block tags become line breaks, entities decoded).

    Plain text passes through unchanged apart from entity decoding and whitespace normalization.
    """
    if looks_like_html(text):
        parser = _TextExtractor()
        parser.feed(text)
        parser.close()
        text = "".join(parser.parts)
    else:
        text = html.unescape(text)
    return normalize_whitespace(text)


def normalize_whitespace(text: str) -> str:
    """Collapse runs of spaces, keep single blank lines between paragraphs, trim."""
    lines = [_SPACES.sub(" ", line).strip() for line in text.replace("\r\n", "\n").split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def ticket_text(subject: str | None, body: str | None) -> str:
    """The single text the embedder sees: subject and body, HTML stripped, blank parts dropped."""
    parts = [strip_html(part) for part in (subject, body) if part]
    return "\n".join(part for part in parts if part)


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
