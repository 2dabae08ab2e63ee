"""Freshdesk write-back: `PUT /api/v2/tickets/{id}` (priority 1-4, group_id, tags), and a private note with
`POST /api/v2/tickets/{id}/notes` `{"body": <html>, "private": true}` (never a public reply).

Auth: basic `{api_key}:X`. A ticket update's `tags` replace the ticket's tags, so the client reads them first
(`GET /api/v2/tickets/{id}`) and writes the union. A retried job looks for the note's marker in the ticket's
conversations (`GET /api/v2/tickets/{id}/conversations`) before posting it.
"""

from __future__ import annotations

import base64
import html
from typing import Any, ClassVar

import httpx

from service.desks.clients.base import DEFAULT_TIMEOUT_S, HttpDeskClient, WriteRecord, as_int, note_with_marker
from service.desks.types import DeskKind, WriteBack
from service.jobs.base import PermanentFailure

PRIORITIES = {"low": 1, "medium": 2, "normal": 2, "high": 3, "urgent": 4}
_PER_PAGE = 100
_CONVERSATION_PAGES = 10


def note_html(text: str) -> str:
    """Plain note text as Freshdesk HTML: escaped (ticket text is data, never markup), newlines as <br>."""
    return html.escape(text, quote=True).replace("\r\n", "\n").replace("\n", "<br>\n")


def freshdesk_priority(value: str | int) -> int:
    if isinstance(value, int) or str(value).strip().isdigit():
        number = int(value)
    else:
        number = PRIORITIES.get(str(value).strip().lower(), 0)
    if number not in (1, 2, 3, 4):
        raise PermanentFailure(f"priority {value!r} is not Freshdesk's 1-4 (low, medium, high, urgent)")
    return number


class FreshdeskClient(HttpDeskClient):
    kind: ClassVar[DeskKind] = "freshdesk"
    check_path: ClassVar[str] = "/api/v2/agents/me"

    def __init__(self, *, name: str, base_url: str, api_key: str, timeout_s: float = DEFAULT_TIMEOUT_S,
                 http: httpx.Client | None = None) -> None:
        basic = base64.b64encode(f"{api_key}:X".encode()).decode("ascii")
        super().__init__(name=name, base_url=base_url, authorization=f"Basic {basic}", timeout_s=timeout_s, http=http)

    def _identity(self, body: Any) -> str | None:
        contact = body.get("contact") if isinstance(body, dict) else None
        if isinstance(contact, dict):
            return str(contact.get("email") or contact.get("name"))
        return None

    def _has_marker(self, ticket_id: str, marker: str, record: WriteRecord) -> bool:
        path = f"/api/v2/tickets/{ticket_id}/conversations"
        for page in range(1, _CONVERSATION_PAGES + 1):
            items = self._call("GET", path, record, params={"page": page, "per_page": _PER_PAGE}).json()
            if not isinstance(items, list):
                return False
            if any(marker in str(c.get("body_text") or "") or marker in str(c.get("body") or "") for c in items):
                return True
            if len(items) < _PER_PAGE:
                return False
        return False

    def _write(self, ticket_id: str, wb: WriteBack, marker: str | None, record: WriteRecord) -> None:
        update: dict[str, Any] = {}
        if wb.priority is not None:
            update["priority"] = freshdesk_priority(wb.priority)
            record.priority = update["priority"]
        if wb.group_id is not None:
            update["group_id"] = as_int(wb.group_id, f"{self.name}: group_id")
            record.group_id = update["group_id"]
        if wb.tags_add:
            ticket = self._call("GET", f"/api/v2/tickets/{ticket_id}", record).json()
            current = [str(t) for t in (ticket.get("tags") or [])] if isinstance(ticket, dict) else []
            new = [t for t in dict.fromkeys(wb.tags_add) if t not in current]
            if new:
                update["tags"] = current + new
            record.tags_added = new
        if update:
            self._call("PUT", f"/api/v2/tickets/{ticket_id}", record, json=update)
        if wb.note_text and marker is not None:
            if self._has_marker(ticket_id, marker, record):
                record.note_already_present = True
                return
            self._call("POST", f"/api/v2/tickets/{ticket_id}/notes", record,
                       json={"body": note_html(note_with_marker(wb.note_text, marker)), "private": True})
            record.note_posted = True
