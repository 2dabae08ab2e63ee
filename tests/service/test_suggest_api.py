import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from service.app import create_app
from service.ids import new_id
from service.settings import DraftingSettings
from service.state import state_of
from service.store.tables import SuggestionRow
from tests.service.test_retrieval_api import ARTICLES, CASES, index_dir, make_index, make_settings  # noqa: F401

TICKET = {"id": "ZD-1", "subject": "Charged twice", "body": "my credit card invoice was charged twice this month",
          "channel": "email", "customer": {"name": "Ana Souza", "tier": "enterprise"}, "language": "en"}


@pytest.fixture()
def client(trained_model_dir: Path, index_dir: Path, tmp_path: Path) -> Iterator[TestClient]:  # noqa: F811
    with TestClient(create_app(make_settings(trained_model_dir, index_dir, tmp_path / "var"))) as c:
        yield c


def suggest(client: TestClient, **body: Any) -> dict[str, Any]:
    response = client.post("/v1/suggest", json={**TICKET, **body})
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def test_suggest_routes_retrieves_drafts_and_stores(client: TestClient, tmp_path: Path) -> None:
    out = suggest(client, history=[{"id": "ZD-0", "summary": "refund for the March invoice"}])
    assert out["suggestion_id"].startswith("sug_") and out["id"] == "ZD-1"
    assert out["route"]["topic"]["label"] and out["cases"][0]["id"] == "c1"
    draft = out["draft"]
    assert draft["text"].startswith("Hi Ana,") and draft["drafter"] == "composer" and draft["language"] == "en"
    assert {c["source_id"] for c in draft["citations"]} >= {"c1", "ZD-0"}
    assert all(s["phrase"] or s["sources"] for s in draft["sentences"])
    assert out["draft_error"] is None and out["timings"]["draft_ms"] >= 0
    second = suggest(client)
    store = state_of(client.app).require_store()
    with store.session() as session:
        stored = {s.suggestion_id: s for s in session.query(SuggestionRow).all()}
    assert set(stored) == {out["suggestion_id"], second["suggestion_id"]}
    first = stored[out["suggestion_id"]]
    assert first.draft_text == draft["text"].replace("Ana", "[NAME]")  # the customer's name is not kept
    assert first.sources["history_ids"] == ["ZD-0"]
    assert first.ticket_id == "ZD-1" and first.model_version == out["route"]["model_version"]


def test_german_ticket_is_answered_from_the_german_case(client: TestClient) -> None:
    # the synthetic test model knows English words only (a ticket it cannot route gets a hand-off, not a case)
    out = suggest(client, subject="Doppelte Abbuchung", body="Rechnung doppelt von der Kreditkarte abgebucht, "
                  "invoice charged twice on my credit card", language="de")
    assert out["draft"]["language"] == "de" and out["draft"]["citations"][0]["source_id"] == "c3"
    out = suggest(client, subject="Double prélèvement", body="facture prélevée deux fois, invoice charged twice "
                  "on my credit card", language="fr")
    assert any("no source in the customer's language (fr)" in w for w in out["warnings"])


def test_drafting_failure_degrades(trained_model_dir: Path, index_dir: Path, tmp_path: Path) -> None:  # noqa: F811
    settings = make_settings(trained_model_dir, index_dir, tmp_path / "var",
                             drafting=DraftingSettings(phrasebook=tmp_path / "missing.yaml"))
    with TestClient(create_app(settings)) as c:
        out = c.post("/v1/suggest", json=TICKET).json()
    assert out["draft"] is None and "phrase book" in out["draft_error"]
    assert out["route"]["queue"] and out["cases"]


def test_stream_sends_server_sent_events(client: TestClient) -> None:
    with client.stream("POST", "/v1/suggest/stream", json=TICKET) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        raw = "".join(response.iter_text())
    events = [block.split("\n") for block in raw.strip().split("\n\n")]
    names = [lines[0].removeprefix("event: ") for lines in events]
    assert all(lines[1].startswith("data: ") for lines in events)
    assert names[0] == "suggestion" and names[-2:] == ["draft", "done"] and "delta" in names
    payloads = [json.loads(lines[1].removeprefix("data: ")) for lines in events]
    deltas = "".join(p["text"] for n, p in zip(names, payloads, strict=True) if n == "delta")
    assert deltas == payloads[-2]["draft"]["text"]
    assert payloads[-1]["suggestion_id"] == payloads[0]["suggestion_id"]


def test_validation_errors_use_the_one_shape(client: TestClient) -> None:
    response = client.post("/v1/suggest", json={"subject": "", "body": ""})
    assert response.status_code == 422 and response.json()["error"]["code"] == "empty_text"
    response = client.post("/v1/suggest/stream", json={"body": "x", "channel": "pigeon"})
    assert response.status_code == 422 and response.json()["error"]["code"] == "validation_error"


def test_suggestion_ids_are_unique_and_time_ordered() -> None:
    ids = [new_id("sug_") for _ in range(2000)]
    assert len(set(ids)) == 2000 and all(len(i) == 30 for i in ids)
    assert [i[:14] for i in ids] == sorted(i[:14] for i in ids)


def test_suggest_and_similar_describe_the_same_article_the_same_way(trained_model_dir: Path, tmp_path: Path) -> None:
    """/v1/suggest used to drop the article `topic` that /v1/similar returns (two mappings of one hit)."""
    articles = [{**a, "topic": "billing" if a["id"] == "KB-1" else "login_access"} for a in ARTICLES]
    index = make_index(tmp_path, "topical", CASES, articles)
    with TestClient(create_app(make_settings(trained_model_dir, index, tmp_path / "var"))) as c:
        similar = c.post("/v1/similar", json=TICKET).json()
        suggested = c.post("/v1/suggest", json=TICKET).json()
    assert similar["articles"] and similar["articles"][0]["topic"] == "billing"
    assert suggested["articles"] == similar["articles"]  # cases may differ: suggest prefers the ticket's language
