"""A desk's webhook JSON -> one `DeskEvent` (the service's ticket fields plus the event kind), by configurable paths.

Each desk kind has default paths: the keys of the templates shipped in config/desks/templates/ for Zendesk and
Freshdesk, Zammad's default trigger payload (`{"ticket": {...}, "article": {...}}`) for Zammad. A desk's YAML can
override any path (`mapping.fields`), the channel map and the tier rule. HTML (Freshdesk's description, Zammad's
article body) is stripped with the project's `strip_html`. What is missing comes back as a list, for a 422.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

from models.errors import InvalidInputError
from models.text import strip_html
from service.desks.config import Channel, DeskConfig, FieldPaths
from service.desks.types import EVENT_KINDS, EventKind

DEFAULT_PATHS: dict[str, dict[str, str]] = {
    "zendesk": {"event": "event", "id": "ticket.id", "subject": "ticket.subject", "body": "ticket.description",
                "comment": "ticket.latest_comment", "reply": "ticket.latest_public_comment",
                "customer_name": "ticket.requester_name", "channel": "ticket.via", "tags": "ticket.tags",
                "language": "ticket.language", "status": "ticket.status"},
    "freshdesk": {"event": "event", "id": "ticket.id", "subject": "ticket.subject", "body": "ticket.description",
                  "comment": "ticket.latest_public_comment", "reply": "ticket.latest_public_comment",
                  "customer_name": "ticket.requester_name", "channel": "ticket.source", "tags": "ticket.tags",
                  "language": "ticket.language", "status": "ticket.status"},
    "zammad": {"event": "event", "id": "ticket.id", "subject": "ticket.title", "body": "article.body",
               "comment": "article.body", "reply": "article.body", "customer_name": "ticket.customer",
               "channel": "article.type", "tags": "ticket.tags", "language": "ticket.language",
               "status": "ticket.state"},
}

# The desk's via / source / article type (lower case) -> our channel; a desk's `mapping.channel.map` adds to these.
DEFAULT_CHANNELS: dict[str, dict[str, Channel]] = {
    "zendesk": {"mail": "email", "email": "email", "web form": "web", "web_form": "web", "web widget": "web",
                "help center": "web", "chat": "chat", "messaging": "chat", "native messaging": "chat",
                "voice": "phone", "phone": "phone", "phone call (incoming)": "phone", "mobile": "app",
                "mobile sdk": "app", "sms": "phone", "twitter": "social", "facebook": "social",
                "instagram": "social", "whatsapp": "chat", "api": "other", "web service": "other"},
    "freshdesk": {"email": "email", "outbound email": "email", "portal": "web", "feedback widget": "web",
                  "phone": "phone", "chat": "chat", "mobihelp": "app", "forum": "social", "twitter": "social",
                  "facebook": "social", "whatsapp": "chat", "1": "email", "2": "web", "3": "phone", "7": "chat",
                  "9": "web", "10": "email"},
    "zammad": {"email": "email", "phone": "phone", "web": "web", "chat": "chat", "sms": "phone",
               "twitter status": "social", "twitter direct-message": "social", "facebook feed post": "social",
               "facebook feed comment": "social", "telegram personal-message": "chat", "whatsapp message": "chat",
               "note": "other"},
}

MAX_TAGS = 100


class PayloadError(InvalidInputError):
    """The webhook's JSON lacks what an event needs; `missing` names the fields (dot paths)."""

    def __init__(self, message: str, missing: list[str]) -> None:
        super().__init__(message)
        self.missing = missing


@dataclass(frozen=True, slots=True)
class DeskEvent:
    """One desk event in the service's terms; text fields are plain text (HTML stripped)."""

    desk: str
    event: EventKind
    ticket_id: str  # the desk's own id
    subject: str = ""
    body: str = ""
    comment: str = ""  # the customer's latest comment (replied)
    reply: str = ""  # the agent's public reply (solved)
    channel: Channel = "other"
    customer_name: str | None = None
    tier: str | None = None
    language: str | None = None
    tags: tuple[str, ...] = ()

    def to_payload(self) -> dict[str, Any]:
        payload = asdict(self)
        payload["tags"] = list(self.tags)
        return payload

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> DeskEvent:
        known = {name: payload[name] for name in cls.__dataclass_fields__ if name in payload}
        known["tags"] = tuple(known.get("tags") or ())
        return cls(**known)


def lookup(data: Any, path: str) -> Any:
    """The value at a dot path (`ticket.requester.name`, list items by index), or None."""
    value = data
    for part in path.split("."):
        if isinstance(value, dict):
            value = value.get(part)
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return None
    return value


def as_text(value: Any) -> str:
    """A scalar as stripped text; a Zammad user object as "firstname lastname"; anything else ""."""
    if isinstance(value, dict):
        names = [value.get("firstname"), value.get("lastname")]
        return " ".join(str(n).strip() for n in names if isinstance(n, str) and n.strip()) or as_text(
            value.get("name"))
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, int | float | str):
        return str(value).strip()
    return ""


def as_tags(value: Any) -> tuple[str, ...]:
    """Tags as a list, or one string separated by spaces or commas (Zendesk: spaces; Freshdesk: commas)."""
    items = value if isinstance(value, list) else re.split(r"[,\s]+", value) if isinstance(value, str) else []
    tags = [as_text(item) for item in items]
    return tuple(dict.fromkeys(t for t in tags if t))[:MAX_TAGS]


def plain(value: Any) -> str:
    return strip_html(as_text(value))


def _paths(desk: DeskConfig) -> dict[str, str]:
    overrides: FieldPaths = desk.mapping.fields
    return {**DEFAULT_PATHS[desk.kind], **{k: v for k, v in overrides.model_dump().items() if v}}


def channel_of(desk: DeskConfig, value: str) -> Channel:
    table = {**DEFAULT_CHANNELS[desk.kind], **{k.lower(): v for k, v in desk.mapping.channel.map.items()}}
    key = value.strip().lower()
    if key in table:
        return table[key]
    for name, channel in table.items():  # "Web Form" vs "web_form", "Mail (inbound)" ...
        if len(name) > 2 and name in key:
            return channel
    return desk.mapping.channel.default


def tier_of(desk: DeskConfig, data: Any, tags: tuple[str, ...]) -> str | None:
    rule = desk.mapping.tier
    if rule.field:
        value = as_text(lookup(data, rule.field))
        if value:
            return rule.map.get(value, rule.map.get(value.lower(), value))[:50]
    for tag in tags:
        if tag in rule.tags:
            return rule.tags[tag]
    return None


def event_of(desk: DeskConfig, data: Any, paths: dict[str, str]) -> EventKind:
    """The event field of our templates; else (Zammad's default payload) the ticket's state and the article's
    sender: a solved status -> solved; a customer's article on a ticket with earlier ones -> replied; else created."""
    named = as_text(lookup(data, paths["event"])).lower()
    if named:
        for kind in EVENT_KINDS:
            if named == kind:
                return kind
        raise PayloadError(f"`{paths['event']}` is {named!r}; expected one of {', '.join(EVENT_KINDS)}",
                           [paths["event"]])
    status = as_text(lookup(data, paths["status"])).lower()
    if status and status in {s.lower() for s in desk.mapping.solved_statuses}:
        return "solved"
    sender = as_text(lookup(data, "article.sender")).lower()
    count = lookup(data, "ticket.article_count")
    if sender == "customer" and isinstance(count, int) and count > 1:
        return "replied"
    return "created"


def map_event(desk: DeskConfig, data: Any) -> DeskEvent:
    """The event of one webhook body. Raises `PayloadError` listing what is missing: the ticket id always; for
    created, subject or body; for replied, the comment (or body); for solved, the public reply."""
    if not isinstance(data, dict):
        raise PayloadError("the webhook body must be a JSON object", ["(body)"])
    paths = _paths(desk)
    event = event_of(desk, data, paths)
    if event not in desk.events:
        raise PayloadError(f"desk {desk.name!r} does not take {event!r} events (its `events` setting)",
                           [paths["event"]])
    ticket_id = as_text(lookup(data, paths["id"]))
    subject, body = plain(lookup(data, paths["subject"])), plain(lookup(data, paths["body"]))
    comment, reply = plain(lookup(data, paths["comment"])), plain(lookup(data, paths["reply"]))
    missing = [] if re.fullmatch(r"[A-Za-z0-9_.:\-]{1,150}", ticket_id) else [paths["id"]]
    if event == "created" and not (subject or body):
        missing.append(f"{paths['subject']} or {paths['body']}")
    if event == "replied" and not (comment or body):
        missing.append(f"{paths['comment']} or {paths['body']}")
    if event == "solved" and not reply:
        missing.append(paths["reply"])
    if missing:
        raise PayloadError(f"the {desk.kind} {event} payload lacks {', '.join(missing)} (empty after removing HTML, "
                           "or a ticket id with other characters than letters, digits and _.:-)", missing)
    tags = as_tags(lookup(data, paths["tags"]))
    language = as_text(lookup(data, paths["language"])).replace("_", "-")
    return DeskEvent(
        desk=desk.name, event=event, ticket_id=ticket_id, subject=subject, body=body, comment=comment, reply=reply,
        channel=channel_of(desk, as_text(lookup(data, paths["channel"]))),
        customer_name=as_text(lookup(data, paths["customer_name"]))[:200] or None,
        tier=tier_of(desk, data, tags), tags=tags,
        language=language if re.fullmatch(r"[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})?", language) else None)
