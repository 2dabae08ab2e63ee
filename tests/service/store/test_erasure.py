"""Erasure in the store and the index (service/store/erasure.py), on SQLite and on the real PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from index.documents import Case
from index.holder import IndexHolder
from models.embedding.hashing import HashingEmbedder
from models.errors import InvalidInputError
from models.pii import Redactor
from service.records import NewLabel, RouteRecord, SuggestionRecord, SuggestionSources, TicketSeen
from service.store.customers import CustomerRefs, metadata_customer_id
from service.store.erasure import Eraser, ServiceLock
from service.store.repository import FeedbackStore, NewFeedback, NewResolution
from service.store.tables import (
    ErasureRow,
    FeedbackEventRow,
    NewLabelRow,
    ResolutionRow,
    RoutingDecisionRow,
    SuggestionRow,
    TicketRow,
)
from tests.service.test_retrieval_api import CASES, make_index

REFS = CustomerRefs(b"k" * 32)


@pytest.fixture()
def store(store_url: str) -> Iterator[FeedbackStore]:
    opened = FeedbackStore.open(store_url, redactor=Redactor(enabled=True), customer_refs=REFS)
    yield opened
    opened.close()


@pytest.fixture()
def holder(tmp_path: Path) -> IndexHolder:
    return IndexHolder.open(make_index(tmp_path, "index", CASES), embedder=HashingEmbedder(256))


def record_ticket(store: FeedbackStore, ticket_id: str, customer: str | None, *, tenant: str | None = None,
                  text: str = "charged twice", new_label: bool = False) -> None:
    """A ticket with a suggestion, a feedback event and a resolution, as the service records them."""
    seen = TicketSeen(ticket_id, f"{text} subject", f"{text} body", "email", "en", tenant=tenant, customer_id=customer)
    route = RouteRecord(ticket=seen, topic="billing", topic_confidence=0.9, alternatives=("outage",),
                        urgency="normal", queue="q", priority="normal", sla_minutes=60, needs_human=False,
                        reason=None, model_version="m1", suggestion_id=f"sug_{ticket_id}")
    store.record_suggestion(SuggestionRecord(suggestion_id=f"sug_{ticket_id}", route=route, index_version="i1",
                                             draft={"text": f"draft about {text}", "drafter": "composer"},
                                             sources=SuggestionSources(), draft_error=None))
    labels = (NewLabel("queue", "vip-desk"),) if new_label else ()
    store.add_feedback(NewFeedback(suggestion_id=f"sug_{ticket_id}", action="edited", agent_id="agent-1",
                                   final_text=f"final about {text}", new_labels=labels))
    store.record_resolution(NewResolution(ticket_id=ticket_id, topic="billing", reply=f"reply about {text}",
                                          new_labels=labels))


def counts(store: FeedbackStore) -> dict[str, int]:
    with store.session() as session:
        return {table.__tablename__: int(session.scalar(select(func.count()).select_from(table)) or 0)
                for table in (TicketRow, RoutingDecisionRow, SuggestionRow, FeedbackEventRow, ResolutionRow)}


def test_customer_refs_are_keyed_tenant_aware_and_stable() -> None:
    ref = REFS.ref("C-1", "acme")
    assert len(ref) == 64 and "C-1" not in ref
    assert ref == CustomerRefs(b"k" * 32).ref(" C-1 ", "acme")
    assert ref != REFS.ref("C-1", "other") != REFS.ref("C-1")
    assert ref != CustomerRefs(b"x" * 32).ref("C-1", "acme")
    assert REFS.ref_optional(None) is None and REFS.ref_optional("  ") is None
    with pytest.raises(ValueError, match="16 bytes"):
        CustomerRefs(b"short")
    assert metadata_customer_id({"customer": {"id": "C-9", "name": "Ana"}}) == "C-9"
    assert metadata_customer_id({"customer_id": 42}) == "42"
    assert metadata_customer_id({"customer": "C-9"}) is None


def test_tickets_keep_their_customer_ref(store: FeedbackStore) -> None:
    record_ticket(store, "T-1", "C-1", tenant="acme")
    # Seen again without a customer id (e.g. plain routing): the reference stays.
    store.record_routes([RouteRecord(ticket=TicketSeen("T-1", "s", "b", tenant="acme"), topic="billing",
                                     topic_confidence=0.9, alternatives=(), urgency="normal", queue="q",
                                     priority="normal", sla_minutes=60, needs_human=False, reason=None,
                                     model_version="m1")])
    with store.session() as session:
        assert session.get(TicketRow, "T-1").customer_ref == REFS.ref("C-1", "acme")  # type: ignore[union-attr]


def test_erase_customer_removes_every_row_and_case_and_keeps_others(store: FeedbackStore,
                                                                    holder: IndexHolder) -> None:
    for ticket_id, customer in (("T-1", "C-1"), ("T-2", "C-1"), ("T-3", "C-2")):
        record_ticket(store, ticket_id, customer, new_label=ticket_id != "T-1")
    holder.add_cases([  # a resolution-made case (id = ticket id), a case sent with customer_id, one built raw
        Case(id="T-1", text="charged twice subject", resolution="refund sent", metadata={}),
        Case(id="direct-1", text="locked out of the account", resolution="reset link",
             metadata={"customer_ref": REFS.ref("C-1")}),
        Case(id="built-1", text="dark mode please", resolution="noted", metadata={"customer": {"id": "C-1"}}),
        Case(id="other-1", text="site is down", resolution="fixed", metadata={"customer_ref": REFS.ref("C-2")}),
    ], persist=True)
    before = {c.id for c in holder.cases_where(lambda c: True)}

    report = Eraser(store, holder, REFS).erase_customer("C-1", key_name="ops")

    assert report.kind == "customer"
    assert report.counts == {"tickets": 2, "routing_decisions": 2, "suggestions": 2, "feedback_events": 2,
                             "resolutions": 2, "new_labels": 2, "index_cases": 3}
    assert counts(store) == {"tickets": 1, "routing_decisions": 1, "suggestions": 1, "feedback_events": 1,
                             "resolutions": 1}
    with store.session() as session:  # T-3's new-label records (feedback and resolution) stay
        assert len(session.scalars(select(NewLabelRow)).all()) == 2
    assert {c.id for c in holder.cases_where(lambda c: True)} == before - {"T-1", "direct-1", "built-1"}
    assert report.scrub is not None and report.scrub.complete
    with store.session() as session:
        audit = session.scalars(select(ErasureRow)).one()
        assert (audit.kind, audit.key_name, audit.counts) == ("customer", "ops", report.counts)
    # Saved: a reload of the directory does not bring them back.
    assert holder.index.path is not None
    reloaded = IndexHolder.open(holder.index.path, embedder=HashingEmbedder(256))
    assert reloaded.cases_where(lambda c: c.id in {"T-1", "direct-1", "built-1"}) == []


def test_erase_customer_with_nothing_stored_is_audited_with_zero_counts(store: FeedbackStore,
                                                                         holder: IndexHolder) -> None:
    version = holder.version
    report = Eraser(store, holder, REFS).erase_customer("nobody", tenant="acme")
    assert sum(report.counts.values()) == 0 and holder.version == version
    with store.session() as session:
        assert session.scalar(select(func.count()).select_from(ErasureRow)) == 1
    with pytest.raises(InvalidInputError, match="empty"):
        Eraser(store, holder, REFS).erase_customer("  ")


def test_erase_customer_is_tenant_aware(store: FeedbackStore) -> None:
    record_ticket(store, "A-1", "C-1", tenant="acme")
    record_ticket(store, "B-1", "C-1", tenant="beta")
    record_ticket(store, "N-1", "C-1")
    eraser = Eraser(store, None, REFS)
    assert eraser.erase_customer("C-1", tenant="acme").counts["tickets"] == 1
    with store.session() as session:
        assert set(session.scalars(select(TicketRow.ticket_id))) == {"B-1", "N-1"}
    # No tenant: the customer id in every tenant the store knows, and without one.
    assert eraser.erase_customer("C-1").counts["tickets"] == 2
    assert counts(store)["tickets"] == 0


def test_erase_ticket_and_unknown_ids(store: FeedbackStore, holder: IndexHolder) -> None:
    record_ticket(store, "c1", None, tenant="orbitly")  # c1 is also a case of the index
    record_ticket(store, "T-9", None)
    eraser = Eraser(store, holder, REFS)
    version = holder.version
    assert eraser.erase_ticket("never-seen") is None
    assert holder.version == version  # nothing changed, not even the index revision
    # A key bound to another tenant sees neither the ticket nor the case.
    assert eraser.erase_ticket("c1", tenant="other-brand") is None
    report = eraser.erase_ticket("c1", tenant="orbitly", kind="case", key_name="ingest-key")
    assert report is not None and report.kind == "case"
    assert report.counts["tickets"] == 1 and report.counts["index_cases"] == 1
    assert holder.index.case("c1") is None and counts(store)["tickets"] == 1
    # Index only (c2 was never in the store), then store only (T-9 is not in the index).
    assert eraser.erase_ticket("c2").counts["index_cases"] == 1  # type: ignore[union-attr]
    assert eraser.erase_ticket("T-9").counts == {  # type: ignore[union-attr]
        "feedback_events": 1, "suggestions": 1, "routing_decisions": 1, "resolutions": 1, "new_labels": 0,
        "tickets": 1, "index_cases": 0}
    with store.session() as session:
        audits: list[Any] = list(session.scalars(select(ErasureRow.kind)))
    assert sorted(audits) == ["case", "ticket", "ticket"]


def test_service_lock_keeps_the_offline_command_out(tmp_path: Path) -> None:
    service, other_worker, command = ServiceLock(tmp_path), ServiceLock(tmp_path), ServiceLock(tmp_path)
    assert service.acquire(exclusive=False) and other_worker.acquire(exclusive=False)
    assert not command.acquire(exclusive=True)
    service.release()
    other_worker.release()
    assert command.acquire(exclusive=True)
    assert not service.acquire(exclusive=False)
    command.release()
