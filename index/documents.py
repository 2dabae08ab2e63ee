"""Documents the index holds: resolved cases and knowledge articles (split into passages), and readers
that turn CSV / JSONL rows into them through a field mapping."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from models.data import iter_records as read_records
from models.errors import EmptyTextError, InvalidInputError
from models.language import DetectedLanguage
from models.text import normalize_whitespace, strip_html, ticket_text

logger = logging.getLogger(__name__)

JsonDict = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Case:
    """A resolved ticket: what the customer wrote (`text`) and what the agent answered (`resolution`)."""

    id: str
    text: str
    resolution: str = ""
    topic: str | None = None
    urgency: str | None = None
    language: str | None = None
    channel: str | None = None
    tenant: str | None = None  # tenant / brand key used by filters
    resolved_at: str | None = None  # ISO 8601, UTC; the newest of near-duplicates is kept
    metadata: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_ticket(cls, *, id: str, subject: str | None, body: str | None, resolution: str | None = None,
                    topic: str | None = None, urgency: str | None = None, language: str | None = None,
                    channel: str | None = None, tenant: str | None = None, resolved_at: str | None = None,
                    metadata: Mapping[str, Any] | None = None) -> Case:
        """A case from a resolved ticket's subject, body (plain text or HTML) and reply; refuses one with no text."""
        text = ticket_text(subject or "", body or "")
        if not text:
            raise EmptyTextError(f"case {id!r}: subject and body are empty after removing HTML")
        return cls(id=id, text=text, resolution=normalize_whitespace(strip_html(resolution)) if resolution else "",
                   topic=topic, urgency=urgency, language=language, channel=channel, tenant=tenant,
                   resolved_at=resolved_at, metadata=dict(metadata or {}))

    def to_dict(self) -> JsonDict:
        return {
            "id": self.id,
            "text": self.text,
            "resolution": self.resolution,
            "topic": self.topic,
            "urgency": self.urgency,
            "language": self.language,
            "channel": self.channel,
            "tenant": self.tenant,
            "resolved_at": self.resolved_at,
            "metadata": dict(self.metadata),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Case:
        return cls(
            id=str(data["id"]),
            text=str(data["text"]),
            resolution=str(data.get("resolution") or ""),
            topic=data.get("topic"),
            urgency=data.get("urgency"),
            language=data.get("language"),
            channel=data.get("channel"),
            tenant=data.get("tenant"),
            resolved_at=data.get("resolved_at"),
            metadata=dict(data.get("metadata") or {}),
        )


@dataclass(frozen=True, slots=True)
class Article:
    """A knowledge-base article; `body` may be plain text, Markdown or HTML."""

    id: str
    title: str
    body: str
    url: str | None = None
    language: str | None = None
    tags: tuple[str, ...] = ()
    tenant: str | None = None  # None = shared by every tenant / brand
    metadata: Mapping[str, Any] = field(default_factory=dict)
    topic: str | None = None  # None = general, fits any ticket topic

    def to_dict(self) -> JsonDict:
        return {
            "id": self.id,
            "topic": self.topic,
            "title": self.title,
            "body": self.body,
            "url": self.url,
            "language": self.language,
            "tags": list(self.tags),
            "tenant": self.tenant,
            "metadata": dict(self.metadata),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Article:
        return cls(
            id=str(data["id"]),
            title=str(data.get("title") or ""),
            body=str(data.get("body") or ""),
            url=data.get("url"),
            language=data.get("language"),
            tags=tuple(data.get("tags") or ()),
            tenant=data.get("tenant"),
            metadata=dict(data.get("metadata") or {}),
            topic=data.get("topic"),
        )


@dataclass(frozen=True, slots=True)
class Passage:
    """A bounded slice of an article's cleaned text; `start`/`end` are character offsets in it."""

    article_id: str
    position: int  # 0-based passage number within the article
    start: int
    end: int
    heading: str | None
    text: str

    def to_dict(self) -> JsonDict:
        return {
            "article_id": self.article_id,
            "position": self.position,
            "start": self.start,
            "end": self.end,
            "heading": self.heading,
            "text": self.text,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Passage:
        return cls(
            article_id=str(data["article_id"]),
            position=int(data["position"]),
            start=int(data["start"]),
            end=int(data["end"]),
            heading=data.get("heading"),
            text=str(data["text"]),
        )


# --------------------------------------------------------------------------------------------- passages

_HTML_HEADING = re.compile(r"(<h[1-6][^>]*>)", re.IGNORECASE)
_MD_HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def clean_article_body(body: str) -> str:
    """Plain text of an article body; HTML headings become Markdown `# ` lines so splitting sees them."""
    if "<" in body:
        body = _HTML_HEADING.sub(r"\1# ", body)
    return strip_html(body)


def _units(text: str, start: int, end: int, max_chars: int) -> Iterator[tuple[int, int]]:
    """Split text[start:end] into spans no longer than max_chars: sentences, then words."""
    if end - start <= max_chars:
        yield start, end
        return
    pieces: list[tuple[int, int]] = []
    cursor = start
    for match in _SENTENCE_END.finditer(text, start, end):
        pieces.append((cursor, match.start()))
        cursor = match.end()
    pieces.append((cursor, end))
    for p_start, p_end in pieces:
        while p_end - p_start > max_chars:
            cut = text.rfind(" ", p_start + 1, p_start + max_chars)
            cut = cut if cut > p_start else p_start + max_chars
            yield p_start, cut
            p_start = cut + 1 if text[cut : cut + 1] == " " else cut
        if p_end > p_start:
            yield p_start, p_end


def _overlap_start(text: str, start: int, end: int, overlap_chars: int) -> int:
    """Start of the trailing `overlap_chars` of text[start:end], moved forward to a word boundary."""
    if overlap_chars <= 0 or end - start <= overlap_chars:
        return end
    cut = end - overlap_chars
    space = text.find(" ", cut, end)
    return space + 1 if space != -1 else end


def split_passages(
    text: str, *, max_chars: int = 800, overlap_chars: int = 120, article_id: str = ""
) -> list[Passage]:
    """Split cleaned article text into passages.

    Headings (`# ...` lines) start a new section and are attached to its passages; paragraphs are packed
    into passages of at most `max_chars` (long paragraphs split at sentences, then words); consecutive
    passages of a section share about `overlap_chars` characters. Offsets index into `text`.
    """
    if max_chars < 50:
        raise InvalidInputError("max_chars must be at least 50")
    if not 0 <= overlap_chars < max_chars // 2:
        raise InvalidInputError("overlap_chars must be >= 0 and below max_chars / 2")
    sections: list[tuple[str | None, list[tuple[int, int]]]] = [(None, [])]
    offset = 0
    para_start: int | None = None
    para_end = 0
    for line in text.split("\n"):
        line_start, line_end = offset, offset + len(line)
        offset = line_end + 1
        heading_match = _MD_HEADING.match(line)
        if heading_match or not line.strip():
            if para_start is not None:
                sections[-1][1].append((para_start, para_end))
                para_start = None
            if heading_match:
                sections.append((heading_match.group(1).strip(), []))
            continue
        if para_start is None:
            para_start = line_start
        para_end = line_end
    if para_start is not None:
        sections[-1][1].append((para_start, para_end))

    passages: list[Passage] = []
    for heading, paragraphs in sections:
        units = [u for p_start, p_end in paragraphs for u in _units(text, p_start, p_end, max_chars)]
        current: tuple[int, int] | None = None
        for u_start, u_end in units:
            if current is not None and u_end - current[0] <= max_chars:
                current = (current[0], u_end)
                continue
            if current is not None:
                passages.append(_passage(text, article_id, len(passages), current, heading))
                carry = _overlap_start(text, current[0], current[1], overlap_chars)
                current = (carry, u_end) if u_end - carry <= max_chars else (u_start, u_end)
            else:
                current = (u_start, u_end)
        if current is not None:
            passages.append(_passage(text, article_id, len(passages), current, heading))
    return passages


def _passage(
    text: str, article_id: str, position: int, span: tuple[int, int], heading: str | None
) -> Passage:
    return Passage(
        article_id=article_id,
        position=position,
        start=span[0],
        end=span[1],
        heading=heading,
        text=text[span[0] : span[1]],
    )


def passage_embedding_text(article: Article, passage: Passage) -> str:
    """What the embedder and the lexical ranker see for a passage: title, heading, passage text."""
    return "\n".join(part for part in (article.title, passage.heading, passage.text) if part)


# --------------------------------------------------------------------------------------------- reading


@dataclass(frozen=True, slots=True)
class CaseFields:
    """Which input column holds each case attribute; columns not named here go to `metadata`.

    `text_field`, when set, is used as the case text as is; otherwise subject and body are joined.
    """

    id_field: str = "id"
    text_field: str | None = None
    subject_field: str = "subject"
    body_field: str = "body"
    resolution_field: str = "resolution"
    topic_field: str = "topic"
    urgency_field: str = "urgency"
    language_field: str = "language"
    channel_field: str = "channel"
    tenant_field: str = "tenant"
    resolved_at_field: str = "resolved_at"
    metadata_field: str = "metadata"


@dataclass(frozen=True, slots=True)
class ArticleFields:
    """Which input column holds each article attribute; `tags` may be a list or a `,`/`;` separated string."""

    id_field: str = "id"
    title_field: str = "title"
    body_field: str = "body"
    url_field: str = "url"
    language_field: str = "language"
    tags_field: str = "tags"
    tenant_field: str = "tenant"
    topic_field: str = "topic"


def _opt_str(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def parse_timestamp(value: Any) -> str | None:
    """ISO 8601 (UTC) from an ISO string, a date, or a Unix timestamp; None for empty values."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        if isinstance(value, int | float) or (isinstance(value, str) and re.fullmatch(r"\d+(\.\d+)?", value)):
            moment = datetime.fromtimestamp(float(value), tz=UTC)
        else:
            moment = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
    except (ValueError, OverflowError, OSError) as exc:
        raise InvalidInputError(f"unreadable timestamp {value!r}") from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat()


def case_from_record(record: Mapping[str, Any], fields: CaseFields, *, fallback_id: str) -> Case:
    """One case from one input row; raises InvalidInputError for a row without any text."""
    if fields.text_field:
        text = ticket_text(None, _opt_str(record.get(fields.text_field)))
    else:
        text = ticket_text(
            _opt_str(record.get(fields.subject_field)), _opt_str(record.get(fields.body_field))
        )
    case_id = _opt_str(record.get(fields.id_field)) or fallback_id
    if not text:
        raise InvalidInputError(f"case {case_id!r} has no text")
    used = {
        fields.id_field,
        fields.text_field,
        fields.subject_field,
        fields.body_field,
        fields.resolution_field,
        fields.topic_field,
        fields.urgency_field,
        fields.language_field,
        fields.channel_field,
        fields.tenant_field,
        fields.resolved_at_field,
        fields.metadata_field,
    }
    metadata: JsonDict = {k: v for k, v in record.items() if k not in used and v not in (None, "")}
    extra = record.get(fields.metadata_field)
    if isinstance(extra, str) and extra.strip().startswith("{"):
        extra = json.loads(extra)
    if isinstance(extra, Mapping):
        metadata.update(extra)
    resolution = _opt_str(record.get(fields.resolution_field))
    try:
        resolved_at = parse_timestamp(record.get(fields.resolved_at_field))
    except InvalidInputError as exc:
        raise InvalidInputError(f"case {case_id!r}: {exc}") from exc
    return Case(
        id=case_id,
        text=text,
        resolution=normalize_whitespace(strip_html(resolution)) if resolution else "",
        topic=_opt_str(record.get(fields.topic_field)),
        urgency=_opt_str(record.get(fields.urgency_field)),
        language=_opt_str(record.get(fields.language_field)),
        channel=_opt_str(record.get(fields.channel_field)),
        tenant=_opt_str(record.get(fields.tenant_field)),
        resolved_at=resolved_at,
        metadata=metadata,
    )


def article_from_record(record: Mapping[str, Any], fields: ArticleFields, *, fallback_id: str) -> Article:
    """One article from one input row."""
    raw_tags = record.get(fields.tags_field)
    if isinstance(raw_tags, str):
        tags = tuple(t.strip() for t in re.split(r"[,;]", raw_tags) if t.strip())
    elif isinstance(raw_tags, Sequence):
        tags = tuple(str(t) for t in raw_tags)
    else:
        tags = ()
    article_id = _opt_str(record.get(fields.id_field)) or fallback_id
    body = str(record.get(fields.body_field) or "")
    title = _opt_str(record.get(fields.title_field)) or ""
    if not body.strip() and not title:
        raise InvalidInputError(f"article {article_id!r} has neither title nor body")
    return Article(
        id=article_id,
        title=title,
        body=body,
        url=_opt_str(record.get(fields.url_field)),
        language=_opt_str(record.get(fields.language_field)),
        tags=tags,
        tenant=_opt_str(record.get(fields.tenant_field)),
        topic=_opt_str(record.get(fields.topic_field)),
    )


def _progress(rows: Iterable[JsonDict], *, desc: str, show: bool) -> Iterable[JsonDict]:
    if not show:
        return rows
    from rich.progress import track

    return track(rows, description=desc)


def load_cases(path: Path, fields: CaseFields | None = None, *, show_progress: bool = False) -> list[Case]:
    """Every case in a CSV / JSONL / JSON file; rows without an id get `<file stem>-<row number>`."""
    fields = fields or CaseFields()
    rows = _progress(read_records(path), desc="reading cases", show=show_progress)
    cases = [case_from_record(row, fields, fallback_id=f"{path.stem}-{n}") for n, row in enumerate(rows, start=1)]
    logger.info("read cases", extra={"path": str(path), "count": len(cases)})
    return cases


def load_articles(path: Path, fields: ArticleFields | None = None, *, show_progress: bool = False) -> list[Article]:
    """Every article in a CSV / JSONL / JSON file."""
    fields = fields or ArticleFields()
    rows = _progress(read_records(path), desc="reading articles", show=show_progress)
    articles = [article_from_record(row, fields, fallback_id=f"{path.stem}-{n}")
                for n, row in enumerate(rows, start=1)]
    logger.info("read articles", extra={"path": str(path), "count": len(articles)})
    return articles


# -- languages at index time -------------------------------------------------------------------------------------
class LanguageDetecting(Protocol):
    def detect(self, text: str) -> DetectedLanguage: ...


# Below this fastText score a case keeps no language (unknown): drafting still uses it, without a language claim.
MIN_LANGUAGE_CONFIDENCE = 0.5


def with_detected_languages(cases: Sequence[Case], detector: LanguageDetecting, *,
                            min_confidence: float = MIN_LANGUAGE_CONFIDENCE) -> list[Case]:
    """Cases without a language get the one detected from their reply (the text a draft adapts), or from the
    customer's text when there is no reply; a detection under `min_confidence` leaves it unknown (None)."""
    out: list[Case] = []
    for case in cases:
        if case.language:
            out.append(case)
            continue
        found = detector.detect(case.resolution if case.resolution.strip() else case.text)
        known = found.code != "und" and found.confidence >= min_confidence
        out.append(replace(case, language=found.code) if known else case)
    return out
