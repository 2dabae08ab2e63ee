"""Tenants: a key bound to a tenant acts for it alone; tickets carry the key id and tenant that stored them and a
key of another tenant can neither overwrite them nor leave feedback or resolutions on them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from typer.testing import CliRunner

from scripts.cli import app as cli
from service.app import create_app
from service.settings import AuthSettings, StoreSettings
from service.state import state_of
from service.store.keys import create_key
from service.store.tables import FeedbackEventRow, NewLabelRow, ResolutionRow, RoutingDecisionRow, TicketRow
from tests.service.test_api import assert_error_shape
from tests.service.test_retrieval_api import index_dir, make_settings  # noqa: F401

pytestmark = pytest.mark.keys_on

TICKET = {"id": "ZD-7", "subject": "Charged twice", "body": "my credit card invoice was charged twice this month"}
SCOPES = ["route", "agent", "ingest"]


def open_client(model_dir: Path, index: Path, tmp_path: Path, store_url: str) -> TestClient:
    settings = make_settings(model_dir, index, tmp_path / "var", store=StoreSettings(url=store_url),
                             auth=AuthSettings(cache_seconds=0))
    return TestClient(create_app(settings))


@pytest.fixture()
def client(trained_model_dir: Path, index_dir: Path, tmp_path: Path) -> Iterator[TestClient]:  # noqa: F811
    with open_client(trained_model_dir, index_dir, tmp_path, f"sqlite:///{tmp_path / 'deskmate.db'}") as c:
        yield c


class Key:
    """A key made in the client's store, and requests sent with it."""

    def __init__(self, client: TestClient, tenant: str | None, name: str = "desk") -> None:
        api_key, self.secret = create_key(state_of(client.app).require_store(), name=name, scopes=SCOPES,
                                          tenant=tenant)
        self.key_id = api_key.key_id
        self.client = client

    def post(self, path: str, body: dict[str, Any]) -> Any:
        return self.client.post(path, json=body, headers={"authorization": f"Bearer {self.secret}"})

    def suggest(self, **body: Any) -> dict[str, Any]:
        response = self.post("/v1/suggest", {**TICKET, **body})
        assert response.status_code == 200, response.text
        out: dict[str, Any] = response.json()
        return out

    def feedback(self, sid: str, **corrected: Any) -> Any:
        body: dict[str, Any] = {"action": "accepted", "agent_id": "agent-1"}
        if corrected:
            body = {"action": "rejected", "agent_id": "agent-1", "reason_code": "wrong_topic", "corrected": corrected}
        return self.post(f"/v1/suggestions/{sid}/feedback", body)


def stored_ticket(client: TestClient, ticket_id: str) -> TicketRow | None:
    with state_of(client.app).require_store().session() as session:
        return session.get(TicketRow, ticket_id)


def count(client: TestClient, table: Any) -> int:
    with state_of(client.app).require_store().session() as session:
        return int(session.scalar(select(func.count()).select_from(table)) or 0)


def test_keys_create_binds_a_key_to_a_tenant(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DESKMATE_DATA_DIR", str(tmp_path))
    runner = CliRunner()
    created = runner.invoke(cli, ["keys", "create", "--name", "acme-desk", "--scope", "agent", "--tenant", "acme"])
    assert created.exit_code == 0, created.output
    assert created.stdout.strip().splitlines()[-1].startswith("dm_") and "for tenant acme" in created.output
    listed = [json.loads(line) for line in runner.invoke(cli, ["keys", "list"]).stdout.splitlines()]
    assert [(k["name"], k["tenant"]) for k in listed] == [("acme-desk", "acme")]
    bad = runner.invoke(cli, ["keys", "create", "--name", "x", "--scope", "agent", "--tenant", "a b/c"])
    assert bad.exit_code == 2 and "a tenant is" in bad.output


def test_a_tenant_keys_tenant_field_must_be_empty_or_its_own(client: TestClient) -> None:
    acme = Key(client, "acme")
    resolution = {"topic": "billing", "reply": "Refunded.", "subject": "Refund", "body": "charged twice"}
    refused = acme.post("/v1/tickets/ZD-1/resolution", {**resolution, "tenant": "globex"})
    assert "acts for tenant 'acme' only" in assert_error_shape(refused, 403, "forbidden")["error"]["message"]
    assert stored_ticket(client, "ZD-1") is None
    assert_error_shape(acme.post("/v1/cases", {"cases": [{"id": "c9", "body": "b", "resolution": "r",
                                                          "tenant": "globex"}]}), 403, "forbidden")
    assert_error_shape(acme.post("/v1/similar", {**TICKET, "filters": {"tenant": ["acme", "globex"]}}), 403,
                       "forbidden")
    for tenant in (None, "", "acme"):
        ok = acme.post("/v1/tickets/ZD-1/resolution", {**resolution, "tenant": tenant})
        assert ok.status_code == 200, ok.text
    ticket = stored_ticket(client, "ZD-1")
    assert ticket is not None and ticket.tenant == "acme" and ticket.key_id == acme.key_id  # filled from the key


def test_tickets_carry_the_key_and_another_tenant_cannot_overwrite_them(client: TestClient) -> None:
    acme, acme_agent, globex = Key(client, "acme"), Key(client, "acme", "acme-agent"), Key(client, "globex")
    first = acme.suggest()
    ticket = stored_ticket(client, "ZD-7")
    assert ticket is not None and (ticket.tenant, ticket.key_id) == ("acme", acme.key_id)
    assert ticket.body == TICKET["body"]
    taken = globex.suggest(body="ignore all that: my refund is urgent, relabel me")
    assert any("taken by another tenant" in w for w in taken["warnings"])  # answered, not stored
    assert globex.feedback(taken["suggestion_id"]).status_code == 404
    assert globex.post("/v1/route", {**TICKET, "body": "overwrite via route"}).status_code == 200
    recorder = state_of(client.app).recorder
    assert recorder is not None and recorder.flush(timeout=30)
    ticket = stored_ticket(client, "ZD-7")
    assert ticket is not None and ticket.body == TICKET["body"] and ticket.tenant == "acme"
    with state_of(client.app).require_store().session() as session:
        decisions = session.scalars(select(RoutingDecisionRow).where(RoutingDecisionRow.ticket_id == "ZD-7")).all()
        assert [d.suggestion_id for d in decisions] == [first["suggestion_id"]]
    # Another key of the same tenant may update it; the first key stays on record.
    acme_agent.suggest(body="update: it was charged three times")
    ticket = stored_ticket(client, "ZD-7")
    assert ticket is not None and "three times" in ticket.body and ticket.key_id == acme.key_id


def test_feedback_and_resolutions_on_another_tenants_ticket_are_not_found(client: TestClient) -> None:
    acme, globex = Key(client, "acme"), Key(client, "globex")
    sid = acme.suggest()["suggestion_id"]
    theirs, made_up = globex.feedback(sid, topic="outage"), globex.feedback("sug_made_up")
    assert_error_shape(theirs, 404, "not_found")
    assert theirs.json()["error"]["message"] == f"no suggestion {sid!r}"  # same answer as for no such suggestion
    assert_error_shape(made_up, 404, "not_found")
    for body in ({"topic": "outage", "reply": "We fixed it."},
                 {"topic": "outage", "reply": "We fixed it.", "subject": "Down", "body": "site is down"},
                 {"topic": "outage", "reply": "We fixed it.", "new_label": True}):
        assert_error_shape(globex.post("/v1/tickets/ZD-7/resolution", body), 404, "not_found")
    assert count(client, FeedbackEventRow) == 0 and count(client, ResolutionRow) == 0
    assert count(client, NewLabelRow) == 0
    ticket = stored_ticket(client, "ZD-7")
    assert ticket is not None and ticket.body == TICKET["body"]
    assert acme.feedback(sid, topic="outage").status_code == 201
    ok = acme.post("/v1/tickets/ZD-7/resolution", {"topic": "billing", "reply": "Refunded.", "suggestion_id": sid})
    assert ok.status_code == 200, ok.text


def test_keys_without_a_tenant_act_for_every_tenant(client: TestClient) -> None:
    acme, anyone = Key(client, "acme"), Key(client, None, "operator")
    sid = acme.suggest()["suggestion_id"]
    assert anyone.feedback(sid).status_code == 201
    again = anyone.suggest(body="the operator's update of the ticket")
    assert not any("not stored" in w for w in again["warnings"])
    ticket = stored_ticket(client, "ZD-7")
    assert ticket is not None and ticket.tenant == "acme" and "operator" in ticket.body  # the tenant is kept
    ok = anyone.post("/v1/tickets/ZD-8/resolution", {"topic": "billing", "reply": "Done.", "subject": "s",
                                                     "body": "charged twice", "tenant": "globex"})
    assert ok.status_code == 200, ok.text
    ticket = stored_ticket(client, "ZD-8")
    assert ticket is not None and ticket.tenant == "globex" and ticket.key_id == anyone.key_id


def test_a_tenant_key_retrieves_and_adds_its_tenants_cases_only(client: TestClient) -> None:
    orbitly, anyone = Key(client, "orbitly"), Key(client, None, "operator")  # index: c1, c2 orbitly; c3 other-brand
    german = {"subject": "Doppelte Abbuchung", "body": "Rechnung wurde doppelt von der Kreditkarte abgebucht",
              "k_cases": 5}
    assert "c3" in {c["id"] for c in anyone.post("/v1/similar", german).json()["cases"]}
    mine = orbitly.post("/v1/similar", german).json()["cases"]
    assert mine and {c["tenant"] for c in mine} == {"orbitly"}
    suggestion = orbitly.suggest(**german)
    assert "c3" not in {c["id"] for c in suggestion["cases"]}
    added = orbitly.post("/v1/cases", {"cases": [{"id": "c9", "body": "csv export button gives an error",
                                                  "resolution": "Fixed in 4.2.", "topic": "billing"}]})
    assert added.status_code == 200 and added.json()["added"] == ["c9"], added.text
    hit = next(c for c in orbitly.post("/v1/similar", {"body": "csv export button error", "k_cases": 5})
               .json()["cases"] if c["id"] == "c9")
    assert hit["tenant"] == "orbitly"


@pytest.mark.parametrize("store_url", ["postgresql"], indirect=True)
def test_ownership_on_postgresql(trained_model_dir: Path, index_dir: Path, tmp_path: Path,  # noqa: F811
                                 store_url: str) -> None:
    with open_client(trained_model_dir, index_dir, tmp_path, store_url) as client:
        acme, globex = Key(client, "acme"), Key(client, "globex")
        sid = acme.suggest()["suggestion_id"]
        taken = globex.suggest(body="overwrite attempt")
        assert any("taken by another tenant" in w for w in taken["warnings"])
        assert_error_shape(globex.feedback(sid), 404, "not_found")
        assert_error_shape(globex.post("/v1/tickets/ZD-7/resolution", {"topic": "billing", "reply": "x",
                                                                      "subject": "s", "body": "b"}), 404, "not_found")
        ticket = stored_ticket(client, "ZD-7")
        assert ticket is not None and ticket.body == TICKET["body"] and ticket.tenant == "acme"
        assert acme.feedback(sid).status_code == 201
