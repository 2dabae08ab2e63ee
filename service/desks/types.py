"""Small types shared by the desk connectors: the desks we speak, event kinds, and what a write-back carries."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

DeskKind = Literal["zendesk", "freshdesk", "zammad"]
EventKind = Literal["created", "replied", "solved"]
EVENT_KINDS: tuple[EventKind, ...] = ("created", "replied", "solved")


@dataclass(frozen=True, slots=True)
class WriteBack:
    """What one job writes to a desk ticket through its REST API (service/desks/clients/). Never a public reply.

    priority: in the desk's own vocabulary (None: leave it); group_id: the desk's group (None: leave it);
    tags_add: merged into the ticket's tags, never replacing them; note_text: a private/internal note (plain
    text); dry_run: log and return what would be written, write nothing."""

    priority: str | int | None = None
    group_id: str | int | None = None
    tags_add: tuple[str, ...] = ()
    note_text: str | None = None
    dry_run: bool = False
    warnings: tuple[str, ...] = field(default=())  # recorded with the job result; not sent to the desk

    def to_dict(self) -> dict[str, Any]:
        return {"priority": self.priority, "group_id": self.group_id, "tags_add": list(self.tags_add),
                "note_text": self.note_text, "dry_run": self.dry_run, "warnings": list(self.warnings)}
