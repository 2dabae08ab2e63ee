"""The review API (GET /v1/suggestions, /v1/suggestions/{id}) and the concurrent-review guard of feedback."""

from __future__ import annotations

import base64
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from service.app import create_app
from service.desks.records import DeskRecords
from service.records import RouteRecord, TicketSeen
from service.routers.suggestions import SOURCE_CHARS, _passage
from service.settings import AuthSettings, StoreSettings
from service.state import state_of
from service.store.keys import create_key
from service.store.repository import AlreadyReviewed, NewFeedback
from service.store.tables import RoutingDecisionRow
from tests.service.test_api import assert_error_shape
from tests.service.test_feedback_api import feedback
from tests.service.test_retrieval_api import index_dir, make_settings  # noqa: F401

CHARGED = {"subject": "Charged twice", "channel": "email", "language": "en", "customer": {"name": "Ana Souza"},
           "body": "my credit card invoice was charged twice, mail ana@example.com"}
LOGIN = {"subject": "Cannot log in", "channel": "chat", "language": "en",
         "body": "the password reset link expired and I cannot log in to my account"}


@pytest.fixture()
def client(trained_model_dir: Path, index_dir: Path, tmp_path: Path,  # noqa: F811
           store_url: str) -> Iterator[TestClient]:
    """The app on SQLite and on PostgreSQL."""
    settings = make_settings(trained_model_dir, index_dir, tmp_path / "var", store=StoreSettings(url=store_url))
    with TestClient(create_app(settings)) as c:
        yield c


def suggest(client: TestClient, ticket_id: str, ticket: dict[str, Any], **extra: Any) -> str:
    response = client.post("/v1/suggest", json={"id": ticket_id, **ticket, **extra})
    assert response.status_code == 200, response.text
    sid: str = response.json()["suggestion_id"]
    return sid


def inbox(client: TestClient, **params: Any) -> dict[str, Any]:
    response = client.get("/v1/suggestions", params=params)
    assert response.status_code == 200, response.text
    out: dict[str, Any] = response.json()
    return out


def test_inbox_lists_newest_and_most_urgent_first_with_sla_and_review_state(client: TestClient) -> None:
    first = suggest(client, "ZD-1", CHARGED)
    second = suggest(client, "ZD-2", CHARGED)
    urgent = suggest(client, "ZD-3", CHARGED, body="URGENT: production is down, all users locked out, asap!",
                     customer={"name": "Bo", "tier": "enterprise"})
    items = inbox(client)["items"]
    by_id = {item["suggestion_id"]: item for item in items}
    assert set(by_id) == {first, second, urgent}
    levels = ["low", "normal", "high", "urgent"]
    ranks = [levels.index(item["decision"]["urgency"]) for item in items]
    assert ranks == sorted(ranks, reverse=True)  # most urgent first
    assert ranks[0] > ranks[-1] and items[0]["suggestion_id"] == urgent
    level = by_id[first]["decision"]["urgency"]
    same = [item["suggestion_id"] for item in items if item["decision"]["urgency"] == level]
    assert same.index(second) < same.index(first)  # newest first within an urgency
    item = by_id[first]
    assert item["subject"] == "Charged twice" and item["review"] is None and item["reviews"] == 0
    minutes = item["decision"]["sla_minutes"]
    assert 0 < minutes * 60 - item["decision"]["sla_seconds_left"] < 120
    assert item["has_draft"] is True and item["ready_to_send"] is False

    assert feedback(client, first, action="accepted", agent_id="agent-1").status_code == 201
    reviewed = {i["suggestion_id"]: i for i in inbox(client)["items"]}[first]
    assert reviewed["review"]["action"] == "accepted" and reviewed["review"]["agent_id"] == "agent-1"
    assert first not in {i["suggestion_id"] for i in inbox(client, unreviewed="true")["items"]}


def test_inbox_filters_and_pages_with_a_cursor(client: TestClient) -> None:
    ids = [suggest(client, f"ZD-{n}", CHARGED if n % 2 else LOGIN) for n in range(5)]
    queues = {i["decision"]["queue"] for i in inbox(client)["items"]}
    for queue in queues:
        got = inbox(client, queue=queue)["items"]
        assert got and all(i["decision"]["queue"] == queue for i in got)
    assert inbox(client, language="de")["items"] == []
    assert len(inbox(client, language="en")["items"]) == 5
    human = inbox(client, needs_human="true")["items"]
    assert all(i["decision"]["needs_human"] for i in human)
    assert len(human) + len(inbox(client, needs_human="false")["items"]) == 5
    seen: list[str] = []
    page = inbox(client, limit=2)
    while True:
        seen += [i["suggestion_id"] for i in page["items"]]
        if page["next_cursor"] is None:
            break
        page = inbox(client, limit=2, cursor=page["next_cursor"])
    assert sorted(seen) == sorted(ids) and len(seen) == 5
    assert [i["suggestion_id"] for i in inbox(client)["items"]] == seen  # pages join up in the same order
    assert_error_shape(client.get("/v1/suggestions", params={"cursor": "not-a-cursor"}), 422, "invalid_input")
    assert_error_shape(client.get("/v1/suggestions", params={"limit": 0}), 422, "validation_error")
    assert_error_shape(client.get("/v1/suggestions", params={"queue": "bil\x00ling"}), 422, "validation_error")
    huge = base64.urlsafe_b64encode(b'[1e999, "2026-01-01T00:00:00", "x"]').decode()
    assert_error_shape(client.get("/v1/suggestions", params={"cursor": huge}), 422, "invalid_input")


def test_one_suggestion_for_review(client: TestClient) -> None:
    sid = suggest(client, "ZD-9", CHARGED)
    response = client.get(f"/v1/suggestions/{sid}")
    assert response.status_code == 200, response.text
    out = response.json()
    assert out["ticket"]["subject"] == "Charged twice" and "[EMAIL]" in out["ticket"]["body"]  # redacted as stored
    assert "ana@example.com" not in response.text and "Ana" not in out["draft"]["text"]
    decision = out["decision"]
    assert decision["topic"] == "billing" and 0 <= decision["confidence"] <= 1 and decision["alternatives"]
    assert decision["sla_due_at"] and decision["needs_human"] in (True, False)
    draft = out["draft"]
    text = draft["text"]
    for hole in draft["unfilled"]:  # positions hold in the stored (redacted) text
        assert text[hole["start"]:hole["end"]] == hole["placeholder"]
    assert {"placeholder": "[NAME]", "kind": "name"}.items() <= next(
        u for u in draft["unfilled"] if u["placeholder"] == "[NAME]").items()
    assert draft["ready_to_send"] is False and draft["needs_confirmation"] and draft["agent_actions"]
    sources = {s["source_id"]: s for s in out["sources"]}
    assert {c["source_id"] for c in draft["citations"]} == set(sources)
    case = next(s for s in out["sources"] if s["kind"] == "case")
    assert case["status"] == "available" and case["text"] and case["quotes"]
    assert out["reviews"] == []
    assert_error_shape(client.get("/v1/suggestions/sug_nope"), 404, "not_found")
    assert_error_shape(client.get("/v1/suggestions/bad id!"), 422, "validation_error")


def test_an_erased_source_is_shown_as_erased(client: TestClient) -> None:
    sid = suggest(client, "ZD-10", CHARGED)
    case_id = next(s["source_id"] for s in client.get(f"/v1/suggestions/{sid}").json()["sources"]
                   if s["kind"] == "case")
    state_of(client.app).require_index().delete_cases([case_id], persist=False)
    response = client.get(f"/v1/suggestions/{sid}")
    assert response.status_code == 200
    source = next(s for s in response.json()["sources"] if s["source_id"] == case_id)
    assert source == {"source_id": case_id, "kind": "case", "status": "erased", "text": None, "title": None,
                      "quotes": []}


def test_a_second_reviewer_is_told_it_was_already_reviewed(client: TestClient) -> None:
    sid = suggest(client, "ZD-11", CHARGED)
    first = feedback(client, sid, "review-1", action="accepted", agent_id="agent-1", if_unreviewed=True)
    assert first.status_code == 201, first.text
    second = feedback(client, sid, "review-2", action="rejected", agent_id="agent-2", reason_code="tone",
                      if_unreviewed=True)
    body = assert_error_shape(second, 409, "already_reviewed")
    assert "agent-1" in body["error"]["message"]
    assert body["error"]["details"][0]["agent_id"] == "agent-1"
    assert body["error"]["details"][0]["action"] == "accepted" and body["error"]["details"][0]["reviewed_at"]
    # The first reviewer's retry (network loss) is replayed, not refused and not stored twice.
    retry = feedback(client, sid, "review-1", action="accepted", agent_id="agent-1", if_unreviewed=True)
    assert retry.status_code == 200 and retry.json()["replayed"] is True
    assert retry.json()["feedback_id"] == first.json()["feedback_id"]
    # Without the guard, a later review is recorded as before (metrics use the latest).
    assert feedback(client, sid, action="edited", agent_id="agent-2", final_text="Hi, done.").status_code == 201
    assert state_of(client.app).require_store().count_feedback() == 2
    reviews = client.get(f"/v1/suggestions/{sid}").json()["reviews"]
    assert [r["agent_id"] for r in reviews] == ["agent-1", "agent-2"]


@pytest.mark.keys_on
def test_tenant_keys_see_only_their_tenant(trained_model_dir: Path, index_dir: Path,  # noqa: F811
                                           tmp_path: Path) -> None:
    settings = make_settings(trained_model_dir, index_dir, tmp_path / "var", auth=AuthSettings(cache_seconds=0),
                             store=StoreSettings(url=f"sqlite:///{tmp_path / 'deskmate.db'}"))
    with TestClient(create_app(settings)) as client:
        store = state_of(client.app).require_store()
        keys = {tenant: create_key(store, name=f"desk-{tenant}", scopes=["route", "agent"], tenant=tenant)[1]
                for tenant in ("orbitly", "other-brand")}
        route_only = create_key(store, name="router", scopes=["route"])[1]

        def auth(secret: str) -> dict[str, str]:
            return {"authorization": f"Bearer {secret}"}

        sids = {}
        for tenant, secret in keys.items():
            response = client.post("/v1/suggest", json={"id": f"T-{tenant}", **CHARGED}, headers=auth(secret))
            sids[tenant] = response.json()["suggestion_id"]
        mine = client.get("/v1/suggestions", headers=auth(keys["orbitly"])).json()["items"]
        assert [i["suggestion_id"] for i in mine] == [sids["orbitly"]]
        other = client.get(f"/v1/suggestions/{sids['other-brand']}", headers=auth(keys["orbitly"]))
        assert_error_shape(other, 404, "not_found")
        assert client.get(f"/v1/suggestions/{sids['orbitly']}", headers=auth(keys["orbitly"])).status_code == 200
        assert_error_shape(client.get("/v1/suggestions", headers=auth(route_only)), 403, "forbidden")
        assert_error_shape(client.get("/v1/suggestions"), 401, "unauthorized")


def test_two_guarded_reviews_at_once_store_one(client: TestClient) -> None:
    """Two agents press accept at the same moment: one review is stored, the other is told who was first."""
    sid = suggest(client, "ZD-12", CHARGED)
    store = state_of(client.app).require_store()
    barrier = threading.Barrier(2)

    def review(agent: str) -> str:
        barrier.wait()
        try:
            store.add_feedback(NewFeedback(suggestion_id=sid, action="accepted", agent_id=agent,
                                           idempotency_key=f"k-{agent}", if_unreviewed=True))
        except AlreadyReviewed:
            return "refused"
        return "stored"

    with ThreadPoolExecutor(2) as pool:
        outcomes = sorted(pool.map(review, ["agent-1", "agent-2"]))
    assert outcomes == ["refused", "stored"]
    assert store.count_feedback() == 1


URGENT_ENTERPRISE = {"body": "URGENT: production is down for Ana Souza, all users locked out, asap!",
                     "customer": {"name": "Ana Souza", "tier": "enterprise"}}


def test_signals_and_rules_that_fired_are_stored_with_the_suggestion(client: TestClient) -> None:
    urgent = suggest(client, "ZD-30", CHARGED, **URGENT_ENTERPRISE)
    calm = suggest(client, "ZD-31", CHARGED)
    decision = client.get(f"/v1/suggestions/{urgent}").json()["decision"]
    signals = {s["name"]: s for s in decision["signals"]}
    assert signals["outage"] == {"name": "outage", "kind": "wording", "evidence": "is down", "raised_to": "urgent"}
    assert signals["tier:enterprise"]["kind"] == "tier" and signals["tier:enterprise"]["evidence"] == "enterprise"
    assert decision["applied_rules"] == ["enterprise-faster-sla", "enterprise-urgent-to-escalations"]
    assert decision["queue"] == "vip-escalations"  # what the rule did, next to its name
    calm_decision = client.get(f"/v1/suggestions/{calm}").json()["decision"]
    assert calm_decision["signals"] == [] and calm_decision["applied_rules"] == []  # stored: none fired
    listed = {i["suggestion_id"]: i for i in inbox(client)["items"]}
    assert listed[urgent]["decision"]["applied_rules"] == decision["applied_rules"]
    assert [s["name"] for s in listed[urgent]["decision"]["signals"]] == [s["name"] for s in decision["signals"]]


def test_signal_evidence_is_redacted_and_old_decisions_say_not_stored(client: TestClient) -> None:
    sid = suggest(client, "ZD-32", CHARGED, **URGENT_ENTERPRISE)
    store = state_of(client.app).require_store()
    # what the repository writes: evidence goes through the redactor like every text column
    record = RouteRecord(ticket=TicketSeen(ticket_id="ZD-33", subject="s", body="b"), topic="billing",
                         topic_confidence=0.9, alternatives=(), urgency="high", queue="billing", priority="high",
                         sla_minutes=60, needs_human=False, reason=None, model_version="m",
                         signals=({"name": "mail", "kind": "wording", "evidence": "mail ana@example.com",
                                   "raised_to": "high"},), applied_rules=("r1",))
    store.record_routes([record])
    with store.session() as session:
        stored = session.scalars(select(RoutingDecisionRow).where(RoutingDecisionRow.model_version == "m")).one()
        assert stored.signals == [{"name": "mail", "kind": "wording", "evidence": "mail [EMAIL]",
                                   "raised_to": "high"}]
        assert stored.applied_rules == ["r1"]
        row = session.scalars(select(RoutingDecisionRow).where(RoutingDecisionRow.suggestion_id == sid)).one()
        row.signals = row.applied_rules = None  # a decision stored before revision 0008
    decision = client.get(f"/v1/suggestions/{sid}").json()["decision"]
    assert decision["signals"] is None and decision["applied_rules"] is None


def mark_stale(client: TestClient, ticket_id: str, older: str, newer: str) -> None:
    records = DeskRecords(state_of(client.app).require_store())
    records.add(suggestion_id=older, ticket_id=ticket_id, desk="zendesk", event="created", job_id=None, planned={},
                stale=[])
    records.add(suggestion_id=newer, ticket_id=ticket_id, desk="zendesk", event="replied", job_id=None, planned={},
                stale=records.active(ticket_id))


def test_a_stale_suggestion_is_marked_hidden_from_unreviewed_and_refused_with_if_current(client: TestClient) -> None:
    older = suggest(client, "ZD-40", CHARGED)
    newer = suggest(client, "ZD-40", CHARGED, body="still charged twice, any news?")
    mark_stale(client, "ZD-40", older, newer)
    unreviewed = [i["suggestion_id"] for i in inbox(client, unreviewed="true")["items"]]
    assert newer in unreviewed and older not in unreviewed
    with_stale = {i["suggestion_id"]: i for i in inbox(client, unreviewed="true", include_stale="true")["items"]}
    assert with_stale[older]["stale"]["superseded_by"] == newer and with_stale[newer]["stale"] is None
    everything = {i["suggestion_id"]: i for i in inbox(client)["items"]}
    assert everything[older]["stale"]["superseded_by"] == newer and everything[older]["stale"]["stale_at"]
    detail = client.get(f"/v1/suggestions/{older}").json()
    assert detail["stale"]["superseded_by"] == newer
    assert client.get(f"/v1/suggestions/{newer}").json()["stale"] is None

    refused = feedback(client, older, "stale-1", action="accepted", agent_id="agent-1", if_current=True)
    body = assert_error_shape(refused, 409, "stale_suggestion")
    assert newer in body["error"]["message"] and body["error"]["details"][0]["superseded_by"] == newer
    assert state_of(client.app).require_store().count_feedback() == 0
    assert feedback(client, newer, "fresh-1", action="accepted", agent_id="agent-1",
                    if_current=True).status_code == 201
    # Without the guard (an API client that knows better), a stale suggestion can still be reviewed.
    assert feedback(client, older, action="rejected", agent_id="agent-1", reason_code="outdated").status_code == 201


def test_an_article_source_carries_its_passage(client: TestClient) -> None:
    sid = suggest(client, "ZD-50", CHARGED)
    sources = client.get(f"/v1/suggestions/{sid}").json()["sources"]
    article = next(s for s in sources if s["kind"] == "article")
    assert article["source_id"] == "KB-1" and article["status"] == "available"
    assert article["title"] == "Refunds for duplicate charges" and "request a refund" in article["text"]
    index = state_of(client.app).require_index()
    assert index.snapshot() is not None and index.snapshot().article("KB-1") is not None  # type: ignore[union-attr]
    assert index.snapshot().article("KB-nope") is None  # type: ignore[union-attr]


def test_an_article_passage_is_the_quoted_part_without_heading_marks() -> None:
    body = ("## Intro\n\n" + "filler words here. " * 200
            + "\n\n## Refunds\n\nRequest a   refund of the duplicate charge.")
    text = _passage(body, ["Request a refund of the duplicate charge."])
    assert "Request a refund of the duplicate charge." in text and text.startswith("…")
    assert "##" not in text and len(text) <= SOURCE_CHARS + 2
    start = _passage("<h2>Timing</h2><p>Refunds take 5 days.</p>", ["not in the article"])
    assert start.splitlines() == ["Timing", "Refunds take 5 days."]
