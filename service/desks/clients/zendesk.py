"""Zendesk write-back: `PUT /api/v2/tickets/{id}.json` (priority, group_id and a private comment), tags merged with
`PUT /api/v2/tickets/update_many.json?ids={id}` `additional_tags` (a ticket update's `tags` would replace them).

Auth: basic `{email}/token:{api_token}`. The note is a comment with `public: false` (never a public reply); a
retried job looks for its marker in the ticket's comments first (`GET /api/v2/tickets/{id}/comments.json`).
"""

from __future__ import annotations

import base64
from typing import Any, ClassVar

import httpx

from service.desks.clients.base import DEFAULT_TIMEOUT_S, HttpDeskClient, WriteRecord, as_int, note_with_marker
from service.desks.types import DeskKind, WriteBack
from service.jobs.base import PermanentFailure

PRIORITIES = ("low", "normal", "high", "urgent")
_COMMENT_PAGES = 5  # newest first, 100 a page: a marker further back than 500 comments is not looked for


class ZendeskClient(HttpDeskClient):
    kind: ClassVar[DeskKind] = "zendesk"
    check_path: ClassVar[str] = "/api/v2/users/me.json"

    def __init__(self, *, name: str, base_url: str, email: str, api_token: str,
                 timeout_s: float = DEFAULT_TIMEOUT_S, http: httpx.Client | None = None) -> None:
        basic = base64.b64encode(f"{email}/token:{api_token}".encode()).decode("ascii")
        super().__init__(name=name, base_url=base_url, authorization=f"Basic {basic}", timeout_s=timeout_s, http=http)

    def _identity(self, body: Any) -> str | None:
        user = body.get("user") if isinstance(body, dict) else None
        return str(user.get("email") or user.get("name")) if isinstance(user, dict) else None

    def _has_marker(self, ticket_id: str, marker: str, record: WriteRecord) -> bool:
        path = f"/api/v2/tickets/{ticket_id}/comments.json"
        params: dict[str, Any] = {"sort_order": "desc", "per_page": 100}
        for page in range(1, _COMMENT_PAGES + 1):
            body = self._call("GET", path, record, params={**params, "page": page}).json()
            comments = body.get("comments") or []
            if any(marker in str(c.get("body") or c.get("plain_body") or "") for c in comments):
                return True
            if not body.get("next_page") or not comments:
                return False
        return False

    def _write(self, ticket_id: str, wb: WriteBack, marker: str | None, record: WriteRecord) -> None:
        if wb.tags_add:
            tags = list(dict.fromkeys(wb.tags_add))
            self._call("PUT", "/api/v2/tickets/update_many.json", record, params={"ids": ticket_id},
                       json={"ticket": {"additional_tags": tags}})
            record.tags_added = tags
        ticket: dict[str, Any] = {}
        if wb.priority is not None:
            priority = str(wb.priority).strip().lower()
            if priority not in PRIORITIES:
                raise PermanentFailure(f"{self.name}: priority {wb.priority!r} is not one of Zendesk's "
                                       f"{', '.join(PRIORITIES)}")
            ticket["priority"] = priority
            record.priority = priority
        if wb.group_id is not None:
            ticket["group_id"] = as_int(wb.group_id, f"{self.name}: group_id")
            record.group_id = ticket["group_id"]
        if wb.note_text and marker is not None:
            if self._has_marker(ticket_id, marker, record):
                record.note_already_present = True
            else:
                ticket["comment"] = {"body": note_with_marker(wb.note_text, marker), "public": False}
        if ticket:
            self._call("PUT", f"/api/v2/tickets/{ticket_id}.json", record, json={"ticket": ticket})
            record.note_posted = "comment" in ticket
