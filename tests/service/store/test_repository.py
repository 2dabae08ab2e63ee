from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import func, select, text

from models.pii import Redactor
from service.records import RouteRecord, SuggestionRecord, SuggestionSources, TicketSeen
from service.store import db
from service.store.errors import IdempotencyConflict, InvalidFeedback, NotFound, StoreUnavailable
from service.store.recorder import RouteRecorder
from service.store.repository import (
    FeedbackStore,
    NewFeedback,
    NewResolution,
    edit_distance,
)
from service.store.tables import FeedbackEventRow, RoutingDecisionRow, SuggestionRow, TicketRow

BODY = ("Hi, I was charged twice for invoice INV-2024-0042. Card 4111 1111 1111 1111, call me on +49 30 1234567 "
        "or write to anna.schmidt@example.com. IBAN DE89 3704 0044 0532 0130 00.")


@pytest.fixture()
def store(store_url: str) -> Iterator[FeedbackStore]:
    opened = FeedbackStore.open(store_url, redactor=Redactor(enabled=True))
    yield opened
    opened.close()


def route(ticket_id: str = "ZD-1", *, topic: str = "billing", suggestion_id: str | None = None,
          needs_human: bool = False, alternatives: tuple[str, ...] = ("account", "outage")) -> RouteRecord:
    return RouteRecord(ticket=TicketSeen(ticket_id, "Charged twice", BODY, "email", "en"), topic=topic,
                       topic_confidence=0.91, alternatives=alternatives, urgency="normal", queue=f"q-{topic}",
                       priority="normal", sla_minutes=480, needs_human=needs_human,
                       reason="low_confidence" if needs_human else None, model_version="m1",
                       suggestion_id=suggestion_id)


def suggestion(route: RouteRecord, sid: str,
               text_: str = "Hi Anna, sorry about the double charge. We refunded it.") -> SuggestionRecord:
    return SuggestionRecord(suggestion_id=sid, route=route, index_version="i1",
                            draft={"text": text_, "drafter": "composer"},
                            sources=SuggestionSources(case_ids=("c1",)), draft_error=None, latency_ms=12.5)


def test_migrations_create_the_schema_and_are_idempotent(store: FeedbackStore) -> None:
    assert db.current_revision(store.engine) == db.head_revision()
    db.upgrade(store.engine)  # a second run changes nothing
    db.check_schema(store.engine)
    with store.session() as session:
        assert session.scalar(select(func.count()).select_from(TicketRow)) == 0


def test_unreachable_database_fails_loudly() -> None:
    with pytest.raises(StoreUnavailable, match="cannot reach the store"):
        db.open_engine("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2")
    with pytest.raises(StoreUnavailable, match="invalid store URL"):
        db.open_engine("not a url")


def test_schema_check_refuses_an_unmigrated_database(tmp_path: Any) -> None:
    with pytest.raises(StoreUnavailable, match="deskmate db-upgrade"):
        FeedbackStore.open(f"sqlite:///{tmp_path / 'empty.db'}", redactor=Redactor(), migrate=False)


def test_everything_stored_is_redacted(store: FeedbackStore) -> None:
    store.record_suggestion(suggestion(route(suggestion_id="sug_1"), "sug_1", "Call +49 30 1234567 for Anna"))
    with store.session() as session:
        ticket = session.get(TicketRow, "ZD-1")
        stored = session.get(SuggestionRow, "sug_1")
        assert ticket is not None and stored is not None
        for value in (ticket.body, stored.draft_text):
            assert value is not None
            assert "4111" not in value and "anna.schmidt@" not in value and "1234567" not in value
            assert "DE89" not in ticket.body
        assert "[CARD]" in ticket.body and "[EMAIL]" in ticket.body and "[IBAN]" in ticket.body
        assert "INV-2024-0042" in ticket.body  # an invoice number is not PII
        assert stored.draft is not None and "[PHONE]" in stored.draft["text"]
        decision = session.scalars(select(RoutingDecisionRow)).one()
        assert decision.suggestion_id == "sug_1" and decision.alternatives == ["account", "outage"]


def test_feedback_is_idempotent_per_key(store: FeedbackStore) -> None:
    store.record_suggestion(suggestion(route(suggestion_id="sug_1"), "sug_1"))
    feedback = NewFeedback("sug_1", "edited", "agent-7", final_text="Hi Anna, we refunded the double charge.",
                          idempotency_key="k-1")
    first = store.add_feedback(feedback)
    again = store.add_feedback(feedback)
    assert not first.replayed and again.replayed and again.id == first.id
    assert first.edit_distance is not None and 0.0 < first.edit_distance < 1.0
    with pytest.raises(IdempotencyConflict):
        store.add_feedback(NewFeedback("sug_1", "accepted", "agent-7", idempotency_key="k-1"))
    store.add_feedback(NewFeedback("sug_1", "accepted", "agent-7"))  # no key: a new event each time
    assert store.count_feedback() == 2


def test_concurrent_repeats_of_one_key_store_one_event(store: FeedbackStore) -> None:
    store.record_suggestion(suggestion(route(suggestion_id="sug_1"), "sug_1"))
    results: list[Any] = []

    def send() -> None:
        results.append(store.add_feedback(NewFeedback("sug_1", "accepted", "a", idempotency_key="same")))

    threads = [threading.Thread(target=send) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 8 and len({r.id for r in results}) == 1
    assert sum(not r.replayed for r in results) == 1
    assert store.count_feedback() == 1


def test_feedback_on_unknown_suggestion_and_bad_action(store: FeedbackStore) -> None:
    with pytest.raises(NotFound):
        store.add_feedback(NewFeedback("sug_missing", "accepted", "a"))
    with pytest.raises(InvalidFeedback):
        store.add_feedback(NewFeedback("sug_missing", "maybe", "a"))


def test_resolution_uses_the_seen_ticket_and_replaces_earlier_ones(store: FeedbackStore) -> None:
    with pytest.raises(InvalidFeedback, match="never seen"):
        store.record_resolution(NewResolution("ZD-9", "billing", "Refunded."))
    store.record_routes([route("ZD-9")])
    first = store.record_resolution(NewResolution("ZD-9", "billing", "Refunded, write to me at a.b@example.org"))
    assert not first.replaced and first.body.startswith("Hi, I was charged twice") and "[EMAIL]" in first.reply
    second = store.record_resolution(NewResolution("ZD-9", "account", "Moved to account team.", subject="New",
                                                  body="Other text"))
    assert second.replaced and second.subject == "New" and second.topic == "account"


def test_recorder_writes_in_the_background_and_flushes(store: FeedbackStore) -> None:
    recorder = RouteRecorder(store, max_batch=7)
    recorder.submit([route(f"T-{i}") for i in range(50)])
    assert recorder.flush(timeout=30)
    recorder.close()
    assert recorder.written == 50 and recorder.dropped == 0
    with store.session() as session:
        assert session.scalar(select(func.count()).select_from(RoutingDecisionRow)) == 50
        assert session.scalar(select(func.count()).select_from(TicketRow)) == 50


def test_deleting_a_suggestion_cascades(store: FeedbackStore) -> None:
    store.record_suggestion(suggestion(route(suggestion_id="sug_1"), "sug_1"))
    store.add_feedback(NewFeedback("sug_1", "accepted", "a"))
    with store.session() as session:
        session.execute(text("DELETE FROM tickets WHERE ticket_id = 'ZD-1'"))
    with store.session() as session:
        assert session.scalar(select(func.count()).select_from(FeedbackEventRow)) == 0


def test_edit_distance_is_normalized() -> None:
    assert edit_distance("abc", "abc") == 0.0
    assert edit_distance("abcd", "wxyz") == 1.0
    assert edit_distance("hello world", "hello there world") == pytest.approx(6 / 17, abs=1e-6)
    assert edit_distance(None, "x") is None
