"""Zammad write-back: `PUT /api/v1/tickets/{id}` (priority_id, group_id or group by name), an internal note with
`POST /api/v1/ticket_articles` `{ticket_id, body, type: "note", internal: true}` (never a public reply), and each
new tag with `POST /api/v1/tags/add` (adding merges; the ticket's tags are read first to skip those it has).

Auth: `Authorization: Token token=<access token>`. A retried job looks for the note's marker in the ticket's
articles (`GET /api/v1/ticket_articles/by_ticket/{id}`) before posting it.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

import httpx

from service.desks.clients.base import DEFAULT_TIMEOUT_S, HttpDeskClient, WriteRecord, note_with_marker
from service.desks.types import DeskKind, WriteBack
from service.jobs.base import PermanentFailure

# Zammad's shipped priorities: 1 low, 2 normal, 3 high (names "1 low", "2 normal", "3 high").
PRIORITIES = {"low": 1, "normal": 2, "medium": 2, "high": 3, "urgent": 3}


def zammad_priority(value: str | int) -> int:
    if isinstance(value, int):
        return value
    found = re.match(r"^\s*(\d+)", value)
    if found:
        return int(found.group(1))
    number = PRIORITIES.get(value.strip().lower())
    if number is None:
        raise PermanentFailure(f"priority {value!r} is not a Zammad priority id or one of {', '.join(PRIORITIES)}")
    return number


class ZammadClient(HttpDeskClient):
    kind: ClassVar[DeskKind] = "zammad"
    check_path: ClassVar[str] = "/api/v1/users/me"

    def __init__(self, *, name: str, base_url: str, token: str, timeout_s: float = DEFAULT_TIMEOUT_S,
                 http: httpx.Client | None = None) -> None:
        super().__init__(name=name, base_url=base_url, authorization=f"Token token={token}", timeout_s=timeout_s,
                         http=http)

    def _identity(self, body: Any) -> str | None:
        if not isinstance(body, dict):
            return None
        return str(body.get("email") or body.get("login") or "") or None

    def _write(self, ticket_id: str, wb: WriteBack, marker: str | None, record: WriteRecord) -> None:
        update: dict[str, Any] = {}
        if wb.priority is not None:
            update["priority_id"] = zammad_priority(wb.priority)
            record.priority = update["priority_id"]
        if wb.group_id is not None:
            group = wb.group_id
            if isinstance(group, int) or group.strip().isdigit():
                update["group_id"] = int(group)
            else:
                update["group"] = group  # Zammad takes a group by name too
            record.group_id = group
        if update:
            self._call("PUT", f"/api/v1/tickets/{ticket_id}", record, json=update)
        if wb.tags_add:
            body = self._call("GET", "/api/v1/tags", record, params={"object": "Ticket", "o_id": ticket_id}).json()
            current = {str(t) for t in (body.get("tags") or [])} if isinstance(body, dict) else set()
            for tag in dict.fromkeys(wb.tags_add):
                if tag in current:
                    continue
                self._call("POST", "/api/v1/tags/add", record,
                           json={"item": tag, "object": "Ticket", "o_id": int(ticket_id) if ticket_id.isdigit()
                                 else ticket_id})
                record.tags_added.append(tag)
        if wb.note_text and marker is not None:
            articles = self._call("GET", f"/api/v1/ticket_articles/by_ticket/{ticket_id}", record).json()
            if isinstance(articles, list) and any(marker in str(a.get("body") or "") for a in articles):
                record.note_already_present = True
                return
            self._call("POST", "/api/v1/ticket_articles", record,
                       json={"ticket_id": int(ticket_id) if ticket_id.isdigit() else ticket_id,
                             "body": note_with_marker(wb.note_text, marker), "type": "note", "internal": True,
                             "content_type": "text/plain"})
            record.note_posted = True
