"""Bad input for drafts (issue 12, "Bad input"): each gives a clear draft state or warning, never a 500."""

import json
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from models.drafting.llm_server import ChatServer
from service.app import create_app
from service.settings import DraftingSettings
from tests.models.test_drafting_llm import Canned
from tests.service.test_api import assert_error_shape
from tests.service.test_retrieval_api import index_dir, make_settings  # noqa: F401
from tests.service.test_suggest_api import TICKET, client, suggest  # noqa: F401

BODY = "my credit card invoice was charged twice this month"
RESOLVED_BODY = "the invoice was charged twice to my credit card"  # not a near-duplicate of c1 (which stays)


def resolve(client: TestClient, ticket_id: str, reply: str, **extra: Any) -> Any:  # noqa: F811
    return client.post(f"/v1/tickets/{ticket_id}/resolution", json={
        "topic": "billing", "reply": reply, "subject": "Charged twice", "body": RESOLVED_BODY, "language": "en",
        "channel": "email", **extra})


def test_an_empty_resolution_is_refused_in_the_one_error_shape(client: TestClient) -> None:  # noqa: F811
    for reply in ("", "   \n\t ", "\u00a0"):
        assert_error_shape(resolve(client, "ZD-500", reply), 422, "validation_error")
    for reply in ("<p> </p>", "<script>alert(1)</script><style>p {}</style>", "<!-- nothing -->&nbsp;"):
        payload = assert_error_shape(resolve(client, "ZD-500", reply), 422, "empty_text")
        assert "reply" in payload["error"]["message"]
    assert resolve(client, "ZD-500", "Open Billing and request a refund of the duplicate charge.").status_code == 200


def test_a_greeting_only_resolution_is_stored_but_never_a_draft_source(client: TestClient) -> None:  # noqa: F811
    out = resolve(client, "ZD-501", "Hi Ana,\n\nBest regards,\nSam")
    assert out.status_code == 200 and out.json()["stored"] is True
    assert client.delete("/v1/cases/c1").json()["deleted"] is True  # the greeting-only case ranks first now
    result = suggest(client, body=BODY)
    assert "ZD-501" in [c["id"] for c in result["cases"]]  # still shown to the agent as a similar case...
    draft = result["draft"]
    assert draft is not None and result["draft_error"] is None  # ...but never drafted from
    assert all(c["source_id"] != "ZD-501" for c in draft["citations"])
    assert "Sam" not in draft["text"]
    assert any("ZD-501" in w and "greeting" in w for w in result["warnings"])


def test_html_in_a_resolution_is_stripped(client: TestClient) -> None:  # noqa: F811
    reply = ("<html><head><style>p { color: red }</style><script>alert('x')</script></head><body>"
             "<p>Open <b>Billing</b>, pick the invoice and request a refund of the duplicate charge.</p>"
             "<p>Refunds reach your card within 5 to 10 days.</p></body></html>")
    assert resolve(client, "ZD-502", reply).json()["indexed"] is True
    assert client.delete("/v1/cases/c1").json()["deleted"] is True
    result = suggest(client, body=BODY)
    draft = result["draft"]
    assert any(c["source_id"] == "ZD-502" for c in draft["citations"])
    assert "Open Billing, pick the invoice" in draft["text"]
    for markup in ("<", ">", "alert", "color: red", "&nbsp;"):
        assert markup not in draft["text"]


def test_a_ticket_in_a_language_with_no_sources_is_drafted_in_the_desk_language(client: TestClient) -> None:  # noqa: F811
    # French: no French case or article; the German case c3 ranks first once c1 is gone, yet the draft is never
    # German (a third language): it is written in the desk's language from its English sources, and says so.
    assert client.delete("/v1/cases/c1").json()["deleted"] is True
    result = suggest(client, subject="Double prélèvement", body="facture prélevée deux fois, invoice charged twice "
                     "on my credit card", language="fr")
    draft = result["draft"]
    assert draft is not None and draft["language"] == "en"
    assert "no source in the customer's language (fr); drafted in en" in result["warnings"]
    assert all(c["source_id"] != "c3" for c in draft["citations"])
    assert "Ich" not in draft["text"] and "Abbuchung" not in draft["text"]


def test_an_abstained_ticket_gets_a_handoff(client: TestClient) -> None:  # noqa: F811
    result = suggest(client, subject="recipe for banana bread", body="tell me a joke about cats")
    assert result["route"]["needs_human_triage"] is True
    draft = result["draft"]
    assert draft["drafter"] == "handoff" and draft["citations"] == [] and result["draft_error"] is None
    assert any(w.startswith("routing abstained") for w in result["warnings"])
    with client.stream("POST", "/v1/suggest/stream", json={**TICKET, "subject": "recipe for banana bread",
                                                          "body": "tell me a joke about cats"}) as response:
        raw = "".join(response.iter_text())
    events = [block.split("\n", 1) for block in raw.strip().split("\n\n") if block.startswith("event:")]
    payloads = [(name.removeprefix("event: "), json.loads(data.removeprefix("data: "))) for name, data in events]
    deltas = "".join(p["text"] for n, p in payloads if n == "delta")
    final = next(p for n, p in payloads if n == "draft")
    assert final["draft"]["drafter"] == "handoff" and deltas == final["draft"]["text"]


def test_the_llm_stream_sends_only_the_reviewed_draft(trained_model_dir: Path, index_dir: Path,  # noqa: F811
                                                      tmp_path: Path) -> None:
    raw = ("Open Billing and request a refund of the duplicate charge [2]. I've refunded the charge of $49 [1]. "
           "We will also credit you $500 for the trouble [7].")
    with ChatServer(Canned(raw)) as server:
        settings = make_settings(trained_model_dir, index_dir, tmp_path / "var", drafting=DraftingSettings(
            backend="llm", llm_url=server.url, llm_model="canned", llm_timeout=5.0))
        with TestClient(create_app(settings)) as c, c.stream("POST", "/v1/suggest/stream", json=TICKET) as response:
            raw_events = "".join(response.iter_text())
    payloads = [(name.removeprefix("event: "), json.loads(data.removeprefix("data: ")))
                for name, data in (block.split("\n", 1) for block in raw_events.strip().split("\n\n"))]
    deltas = [p["text"] for n, p in payloads if n == "delta"]
    draft = next(p for n, p in payloads if n == "draft")["draft"]
    assert draft["drafter"] == "llm:canned" and "".join(deltas) == draft["text"] and len(deltas) >= 2
    streamed = "".join(deltas)
    assert "$500" not in streamed and "[7]" not in streamed and "$49" not in streamed
    assert all(d.startswith("[confirm before sending]") for d in deltas if "I've refunded" in d)
    assert draft["ready_to_send"] is False


def test_languages_names_and_short_tickets_through_the_api(client: TestClient) -> None:  # noqa: F811
    # issue 13: an Italian ticket with Spanish cases gets no Spanish draft; a title is never a first name; a very
    # short ticket and a language field contradicting the text get a draft with their reason, never a 500
    spanish = {"id": "c-es", "subject": "Cobro duplicado", "body": "me cobraron dos veces la factura en la tarjeta",
               "resolution": "Hola, Lucía:\n\nAbre Facturación y solicita el reembolso del cargo duplicado.\n\n"
                             "Un saludo,\nMarta", "topic": "billing", "language": "es"}
    assert client.post("/v1/cases", json={"cases": [spanish]}).status_code == 200
    italian = suggest(client, subject="Doppio addebito", body="Buongiorno, mi avete addebitato due volte la fattura "
                      "sulla carta di credito. Grazie", language="it", customer={"name": "Marco Rossi"})
    draft = italian["draft"]
    assert draft["language"] == "it" and draft["drafter"] == "handoff" and draft["citations"] == []
    assert draft["text"].startswith("Gentile Marco,") and "Hola" not in draft["text"]
    assert "Facturación" not in draft["text"] and "reembolso" not in draft["text"]
    german = suggest(client, subject="Doppelte Abbuchung", body="Rechnung wurde doppelt von der Kreditkarte "
                     "abgebucht", language="de", customer={"name": "Frau Schneider"})
    assert german["draft"]["text"].startswith("Guten Tag Frau Schneider,")
    short = suggest(client, subject="", body="hilfe!!", language="de")
    assert short["draft"] is not None or short["draft_error"]
    assert any("too short to confirm its language" in w for w in short["warnings"])
    contradicting = suggest(client, body="my credit card invoice was charged twice this month, please help me",
                            language="de")
    assert contradicting["draft"] is not None
    assert any("reads as en, not de" in w for w in contradicting["warnings"])
