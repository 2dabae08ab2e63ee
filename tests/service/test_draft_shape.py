"""Issue 12, item 2 through /v1/suggest: actions never asserted as done, case facts never restated; the new fields
`agent_actions` and `needs_confirmation` in the response and in the stream's draft event."""

import json
import re
from typing import Any

from fastapi.testclient import TestClient

from models.drafting.roles import sentence_role
from tests.service.test_retrieval_api import index_dir  # noqa: F401
from tests.service.test_suggest_api import TICKET, client, suggest  # noqa: F401

MARKER = "[confirm before sending]"
# another customer's resolution: an incident, its times, counts, a domain, and actions done for that customer
INCIDENT = ("Confirmed - there was a partial outage affecting the EU region from 3:29pm for roughly 90 minutes. "
            "Engineering has mitigated it. Deletion has been completed in our primary systems today. I've signed "
            "out all active sessions on your account and temporarily blocked logins from that IP. I merged 18,500 "
            "duplicate tasks.\n\nAllow anyone with an @hexa-design.example email to join.\n\n"
            "You can follow updates on our status page at any time.")


def shape_ok(draft: dict[str, Any]) -> None:
    """The fields agree with each other and the text; no sentence from a source asserts an action unmarked."""
    confirm = draft["needs_confirmation"]
    assert confirm == sorted(a["sentence"] for a in draft["agent_actions"] if a["sentence"] is not None)
    for i, sentence in enumerate(draft["sentences"]):
        if i in confirm:
            assert re.match(rf"(?:\d+[.)] )?{re.escape(MARKER)} ", sentence["text"]) and sentence["sources"]
            assert sentence["text"] in draft["text"]
        elif sentence["phrase"] is None:
            assert sentence_role(sentence["text"], draft["language"]) != "action", sentence
            assert MARKER not in sentence["text"]
    markers = [u for u in draft["unfilled"] if u["kind"] == "confirm"]
    assert len(markers) == len(confirm) and all(draft["text"][u["start"]:u["end"]] == MARKER for u in markers)
    if confirm or draft["unfilled"]:
        assert draft["ready_to_send"] is False


def test_an_action_becomes_an_agent_action_and_a_marked_sentence(client: TestClient) -> None:  # noqa: F811
    draft = suggest(client)["draft"]  # c1: "I refunded the duplicate charge on invoice INV-1."
    assert draft["agent_actions"] == [{"text": "I refunded the duplicate charge on invoice INV-1.",
                                       "source_id": "c1", "sentence": draft["needs_confirmation"][0]}]
    marked = draft["sentences"][draft["needs_confirmation"][0]]
    assert marked["text"] == f"{MARKER} I refunded the duplicate charge on invoice INV-1."
    assert draft["text"].count("I refunded") == 1 and draft["ready_to_send"] is False
    shape_ok(draft)


def test_another_customers_incident_is_never_asserted(client: TestClient) -> None:  # noqa: F811
    case = {"id": "incident-1", "subject": "Charged twice", "body": f"{TICKET['body']}, what happened?",
            "resolution": INCIDENT, "topic": "billing", "language": "en", "channel": "email"}
    added = client.post("/v1/cases", json={"cases": [case]}).json()
    assert added["added"] == ["incident-1"], added
    assert client.delete("/v1/cases/c1").json()["deleted"] is True
    out = suggest(client)
    draft = out["draft"]
    assert any(c["source_id"] == "incident-1" for c in draft["citations"])
    text = draft["text"]
    for leaked in ("partial outage", "3:29", "90 minutes", "18,500", "hexa-design", "EU region"):
        assert leaked not in text, leaked
    assert "You can follow updates on our status page at any time." in text  # guidance stays
    actions = {a["text"]: a["sentence"] for a in draft["agent_actions"]}
    assert "Engineering has mitigated it." in actions and "I merged 18,500 duplicate tasks." in actions
    assert actions["I merged 18,500 duplicate tasks."] is None  # still that case's count: the agent's list only
    for done in ("Engineering has mitigated it.", "Deletion has been completed in our primary systems today."):
        assert f"{MARKER} {done}" in text
        assert text.count(done) == 1
    shape_ok(draft)


def test_the_stream_draft_event_carries_the_same_fields(client: TestClient) -> None:  # noqa: F811
    with client.stream("POST", "/v1/suggest/stream", json=TICKET) as response:
        raw = "".join(response.iter_text())
    events = {block.split("\n")[0].removeprefix("event: "): json.loads(block.split("\n")[1].removeprefix("data: "))
              for block in raw.strip().split("\n\n")}
    streamed = events["draft"]["draft"]
    plain = suggest(client)["draft"]
    assert streamed["agent_actions"] == plain["agent_actions"] and streamed["agent_actions"]
    assert streamed["needs_confirmation"] == plain["needs_confirmation"] and streamed["ready_to_send"] is False
    shape_ok(streamed)


def test_the_new_fields_are_in_the_schema(client: TestClient) -> None:  # noqa: F811
    schema = client.get("/openapi.json").json()["components"]["schemas"]
    draft = schema["DraftOut"]["properties"]
    assert {"agent_actions", "needs_confirmation", "ready_to_send", "unfilled"} <= set(draft)
    assert set(schema["AgentActionOut"]["properties"]) == {"text", "source_id", "sentence"}
