"""The `desk.event` handler with a fake desk client: suggest and write back, staleness, retries, resolutions."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from service.desks.clients import CheckResult
from service.desks.config import DeskConfig
from service.desks.handlers import DeskEventHandler
from service.desks.types import DeskKind, WriteBack
from service.jobs.base import Job, PermanentFailure, RetryLater
from service.jobs.queue import JobQueue
from service.jobs.registry import build_handlers
from service.routers.desks import desks_of
from service.settings import DeskSettings
from service.state import ServiceState, state_of
from service.store.tables import DeskSuggestionRow, ResolutionRow, SuggestionRow
from tests.service.desks.helpers import body_of, filled, signed


@dataclass
class FakeClient:
    """Records each write-back; `fail` raises these, one per call, before succeeding."""

    kind: DeskKind = "zendesk"
    calls: list[tuple[str, WriteBack, str | None]] = field(default_factory=list)
    fail: list[Exception] = field(default_factory=list)

    def write_back(self, desk_ticket_id: str | int, wb: WriteBack, *,
                   idempotency_key: str | None = None) -> dict[str, Any]:
        if self.fail:
            raise self.fail.pop(0)
        self.calls.append((str(desk_ticket_id), wb, idempotency_key))
        return {"ticket_id": str(desk_ticket_id), "dry_run": wb.dry_run, "note_posted": not wb.dry_run}

    def check(self) -> CheckResult:
        return CheckResult(desk="fake", ok=True, status_code=200, message="ok")

    def close(self) -> None:
        pass


def deliver(client: TestClient, kind: str, event: str, delivery: str, **overrides: str) -> Job:
    """Send a signed webhook and hand back its job as a worker would claim it."""
    body = body_of(filled(kind, event, **overrides))
    response = client.post(f"/v1/desks/{kind}/events", content=body, headers=signed(kind, body, delivery=delivery))
    assert response.status_code == 202, response.text
    info = JobQueue(state_of(client.app).require_store().engine).get(response.json()["job_id"])
    assert info is not None
    return Job(id=info.id, kind=info.kind, payload=info.payload, attempts=1, dedup_key=info.dedup_key,
               created_at=info.created_at)


def handler_for(client: TestClient, fake: FakeClient, desks: dict[str, DeskConfig] | None = None) -> DeskEventHandler:
    return DeskEventHandler(state_of(client.app), desks or desks_of(client.app), clients=lambda desk: fake)


def rows(state: ServiceState, table: Any) -> list[Any]:
    with state.require_store().session() as session:
        return list(session.scalars(select(table)))


def test_created_routes_suggests_and_writes_back(desk_client: TestClient) -> None:
    fake = FakeClient()
    job = deliver(desk_client, "zendesk", "created", "inv-1")
    result = handler_for(desk_client, fake)(job)
    assert result is not None and result["event"] == "created" and result["warnings"] == []
    (ticket_id, wb, key), = fake.calls
    assert ticket_id == "4711" and key == f"zendesk-job-{job.id}"  # the note's idempotency marker
    assert wb.priority in {"low", "normal", "high", "urgent"}  # Zendesk's vocabulary, from the routing policy
    assert wb.group_id == 111 and "deskmate" in wb.tags_add and "deskmate-billing" in wb.tags_add
    assert wb.note_text is not None and result["suggestion_id"] in wb.note_text
    assert "Routing: topic billing" in wb.note_text
    state = state_of(desk_client.app)
    suggestion, = rows(state, SuggestionRow)
    assert suggestion.suggestion_id == result["suggestion_id"] and suggestion.ticket_id == "zendesk:4711"
    record, = rows(state, DeskSuggestionRow)  # what was written is recorded with the suggestion
    assert record.write_back["planned"]["group_id"] == 111 and record.write_back["written"]["ticket_id"] == "4711"
    assert record.stale_at is None and record.event == "created"


def test_an_unmapped_queue_leaves_the_group_and_says_so(desk_client: TestClient) -> None:
    fake = FakeClient(kind="freshdesk")
    result = handler_for(desk_client, fake)(deliver(desk_client, "freshdesk", "created", "fd-1"))
    assert result is not None
    (_, wb, _), = fake.calls
    assert wb.group_id is None and wb.note_text is not None
    assert any("has no group" in w for w in result["warnings"]) and "Warning: queue" in wb.note_text


def test_a_customer_reply_resuggests_and_the_old_suggestion_goes_stale(any_store_client: TestClient) -> None:
    desk_client = any_store_client
    fake = FakeClient()
    handler = handler_for(desk_client, fake)
    first = handler(deliver(desk_client, "zendesk", "created", "inv-1"))
    second = handler(deliver(desk_client, "zendesk", "replied", "inv-2"))
    assert first is not None and second is not None and second["stale"] == [first["suggestion_id"]]
    state = state_of(desk_client.app)
    by_id = {r.suggestion_id: r for r in rows(state, DeskSuggestionRow)}
    assert by_id[first["suggestion_id"]].stale_at is not None
    assert by_id[first["suggestion_id"]].superseded_by == second["suggestion_id"]
    assert by_id[second["suggestion_id"]].stale_at is None
    note = fake.calls[1][1].note_text
    assert note is not None and f"Replaces the earlier suggestion(s) {first['suggestion_id']}" in note


def test_a_retried_job_reuses_its_plan_and_writes_once(desk_client: TestClient) -> None:
    fake = FakeClient(fail=[RetryLater("429", after_seconds=3)])
    handler = handler_for(desk_client, fake)
    job = deliver(desk_client, "zendesk", "created", "inv-1")
    with pytest.raises(RetryLater):
        handler(job)
    result = handler(replace(job, attempts=2))
    assert result is not None and len(fake.calls) == 1
    state = state_of(desk_client.app)
    assert [s.suggestion_id for s in rows(state, SuggestionRow)] == [result["suggestion_id"]]  # drafted once


def test_a_permanent_desk_failure_propagates(desk_client: TestClient) -> None:
    fake = FakeClient(fail=[PermanentFailure("zendesk answered 401")])
    with pytest.raises(PermanentFailure, match="401"):
        handler_for(desk_client, fake)(deliver(desk_client, "zendesk", "created", "inv-1"))


def test_dry_run_is_passed_to_the_client(desk_client: TestClient) -> None:
    fake = FakeClient()
    desks = dict(desks_of(desk_client.app))
    zendesk = desks["zendesk"]
    dry = zendesk.write_back.model_copy(update={"dry_run": True})
    desks["zendesk"] = zendesk.model_copy(update={"write_back": dry})
    result = handler_for(desk_client, fake, desks)(deliver(desk_client, "zendesk", "created", "inv-1"))
    assert result is not None and result["dry_run"] is True and fake.calls[0][1].dry_run is True


def test_solved_makes_the_public_reply_the_resolution(desk_client: TestClient) -> None:
    fake = FakeClient()
    handler = handler_for(desk_client, fake)
    created = handler(deliver(desk_client, "zendesk", "created", "inv-1"))
    solved = handler(deliver(desk_client, "zendesk", "solved", "inv-2"))
    assert created is not None and solved is not None
    assert solved["stored"] is True and solved["indexed"] is True and solved["topic"] == "billing"
    assert solved["suggestion_id"] == created["suggestion_id"] and len(fake.calls) == 1  # nothing written back
    resolution, = rows(state_of(desk_client.app), ResolutionRow)
    assert resolution.ticket_id == "zendesk:4711" and resolution.reply.startswith("I refunded the duplicate charge")
    # the closed loop: the resolved case is now found by retrieval
    found = desk_client.post("/v1/similar", json={"subject": "Charged twice",
                                                  "body": "my credit card invoice was charged twice this month"}).json()
    assert "zendesk:4711" in {c["id"] for c in found["cases"]}


def test_solved_for_a_ticket_never_seen_routes_it_now(desk_client: TestClient) -> None:
    result = handler_for(desk_client, FakeClient())(deliver(desk_client, "zendesk", "solved", "inv-9"))
    assert result is not None and result["suggestion_id"] is None and result["stored"] is True


def test_a_job_of_a_desk_no_longer_configured_fails_permanently(desk_client: TestClient) -> None:
    job = deliver(desk_client, "zammad", "created", "z-1")
    with pytest.raises(PermanentFailure, match="no longer configured"):
        handler_for(desk_client, FakeClient(), {"zendesk": desks_of(desk_client.app)["zendesk"]})(job)


def test_the_worker_registry_builds_the_desk_handler(desk_client: TestClient) -> None:
    state = state_of(desk_client.app)
    handlers = build_handlers(state.settings, state)
    assert isinstance(handlers.get("desk.event"), DeskEventHandler)
    empty = state.settings.model_copy(update={"desks": DeskSettings(config_dir=Path("/nonexistent"))})
    assert "desk.event" not in build_handlers(empty, state)  # no desks: the kind is not claimed


def test_a_ticket_over_the_size_limit_fails_permanently_not_in_a_retry_loop(desk_client: TestClient) -> None:
    job = deliver(desk_client, "zendesk", "created", "inv-big", **{"{{ticket.description}}": "word " * 50_000})
    with pytest.raises(PermanentFailure, match="DESKMATE_API__MAX_RAW_CHARS"):
        handler_for(desk_client, FakeClient())(job)


def test_erasing_the_ticket_removes_its_desk_records(desk_client: TestClient) -> None:
    handler_for(desk_client, FakeClient())(deliver(desk_client, "zendesk", "created", "inv-1"))
    state = state_of(desk_client.app)
    assert len(rows(state, DeskSuggestionRow)) == 1
    assert desk_client.delete("/v1/cases/zendesk:4711").status_code == 200
    assert rows(state, DeskSuggestionRow) == [] and rows(state, SuggestionRow) == []
