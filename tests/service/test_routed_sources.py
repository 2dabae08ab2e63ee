"""Draft sources follow routing: the routed topic's cases and articles, a hand-off when routing abstains, cases
without a language (detected at index time) used."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient

from index.documents import Case, with_detected_languages
from models.classifier import LabelScore
from models.drafting.types import Source
from models.language import DetectedLanguage
from models.routing_heads import HeadPrediction
from models.routing_policy import RoutingDecision
from service.app import create_app
from service.pipeline import RouteResult, UrgencyDecision, routed_articles, source_topics
from tests.service.test_retrieval_api import make_index, make_settings

CASES = [
    {"id": "b1", "subject": "Charged twice", "body": "my credit card invoice was charged twice this month",
     "resolution": "Hi Yan,\n\nThe second charge is an authorization hold and drops off within a few days. "
                   "Background: https://help.example/duplicate-charges\n\nBest,\nSam", "topic": "billing",
     "language": "en"},
    {"id": "l1", "subject": "Charged twice login", "body": "charged twice credit card invoice cannot log in",
     "resolution": "Use Forgot password on the login page.", "topic": "login_access", "language": "en"},
    # no language field: detected when the index is built
    {"id": "d1", "subject": "Doppelte Abbuchung", "body": "Rechnung wurde doppelt von der Kreditkarte abgebucht",
     "resolution": "Die zweite Belastung ist eine Vormerkung Ihrer Bank und verschwindet in wenigen Tagen von "
                   "selbst. Sie müssen nichts weiter tun.", "topic": "billing"},
]
ARTICLES = [
    {"id": "KB-8", "title": "Duplicate or unexpected charges", "url": "https://help.example/duplicate-charges",
     "body": "## Charged twice\n\nA credit card invoice charged twice is usually an authorization hold.\n\n"
             "1. Check Billing > Invoices.\n2. Contact us if two invoices match.", "language": "en",
     "topic": "refunds"},
    {"id": "KB-1", "title": "Update your payment method", "url": "https://help.example/payment-method",
     "body": "## Change the card\n\nOpen Billing and update the credit card.", "language": "en", "topic": "billing"},
    {"id": "KB-3", "title": "Reset your password", "url": "https://help.example/password",
     "body": "## Reset\n\nUse Forgot password; charged twice credit card invoice.", "language": "en",
     "topic": "login_access"},
]
TICKET = {"subject": "Charged twice", "body": "my credit card invoice was charged twice this month",
          "channel": "email", "customer": {"name": "Ana Souza", "tier": "enterprise"}, "language": "en"}


@pytest.fixture()
def client(trained_model_dir: Path, tmp_path: Path) -> Iterator[TestClient]:
    index_dir = make_index(tmp_path, "routed", CASES, ARTICLES)
    with TestClient(create_app(make_settings(trained_model_dir, index_dir, tmp_path / "var"))) as c:
        yield c


def suggest(client: TestClient, **body: Any) -> dict[str, Any]:
    response = client.post("/v1/suggest", json={**TICKET, **body})
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def test_sources_come_from_the_routed_topic_and_its_best_article(client: TestClient) -> None:
    out = suggest(client)
    assert out["route"]["topic"]["label"] == "billing"
    assert out["cases"] and {c["topic"] for c in out["cases"]} == {"billing"}  # l1 matches as well, other topic
    cited = {c["source_id"] for c in out["draft"]["citations"]}
    # KB-8 (topic refunds) ranks first and the routed topic's own case links it: it is the article used (here
    # through the case's own link); the routed topic's lower-ranked KB-1 is not added beside it
    assert out["articles"][0]["id"] == "KB-8" and "https://help.example/duplicate-charges" in out["draft"]["text"]
    assert "help.example/payment-method" not in out["draft"]["text"]
    assert cited.isdisjoint({"KB-1", "KB-3", "l1"})


def test_abstained_ticket_gets_a_handoff_not_a_case_based_draft(client: TestClient) -> None:
    out = suggest(client, subject="", body="tell me a joke about cats recipe for banana bread")
    assert out["route"]["needs_human_triage"] is True
    draft = out["draft"]
    assert draft["drafter"] == "handoff" and draft["citations"] == []
    assert all(s["phrase"] and s["phrase"].split(".")[0] in ("greeting", "handoff", "sign_off")
               for s in draft["sentences"])
    assert "account manager" not in draft["text"]
    assert any("routing abstained" in w for w in out["warnings"])
    german = suggest(client, subject="", body="tell me a joke about cats recipe for banana bread", language="de")
    assert german["draft"]["language"] == "de" and german["draft"]["drafter"] == "handoff"


def test_case_without_language_is_detected_at_index_time_and_used(client: TestClient) -> None:
    found = client.post("/v1/similar", json={"body": "Rechnung doppelt abgebucht Kreditkarte", "k_cases": 3}).json()
    assert {c["id"]: c["language"] for c in found["cases"]}["d1"] == "de"
    # the synthetic test model knows English words only: the German ticket carries some so that it routes
    out = suggest(client, subject="Doppelte Abbuchung", body="Rechnung invoice charged twice, Kreditkarte credit "
                  "card doppelt abgebucht", language="de")
    assert out["draft"]["language"] == "de" and out["draft"]["citations"][0]["source_id"] == "d1"


def test_posted_case_without_language_gets_the_detected_one(client: TestClient) -> None:
    case = {"id": "f1", "subject": "Double prélèvement", "body": "facture prélevée deux fois sur ma carte",
            "resolution": "Le deuxième prélèvement est une autorisation de votre banque ; il disparaît en quelques "
                          "jours sans action de votre part.", "topic": "billing"}
    assert client.post("/v1/cases", json={"cases": [case]}).json()["added"] == ["f1"]
    found = client.post("/v1/similar", json={"body": "facture prélevée deux fois carte", "k_cases": 4}).json()
    assert {c["id"]: c["language"] for c in found["cases"]}["f1"] == "fr"


class FixedDetector:
    def __init__(self, code: str, confidence: float) -> None:
        self.result = DetectedLanguage(code, confidence)
        self.seen: list[str] = []

    def detect(self, text: str) -> DetectedLanguage:
        self.seen.append(text)
        return self.result


def test_detection_keeps_given_languages_and_leaves_unsure_ones_unknown() -> None:
    cases = [Case(id="a", text="t", resolution="reply", language="es"), Case(id="b", text="t", resolution="reply"),
             Case(id="c", text="question", resolution="")]
    sure = FixedDetector("de", 0.9)
    assert [c.language for c in with_detected_languages(cases, sure)] == ["es", "de", "de"]
    assert sure.seen == ["reply", "question"]  # the reply when there is one
    assert [c.language for c in with_detected_languages(cases, FixedDetector("de", 0.2))] == ["es", None, None]
    assert [c.language for c in with_detected_languages(cases, FixedDetector("und", 0.9))] == ["es", None, None]


def route(confidence: float, *, abstained: bool = False) -> RouteResult:
    topic = HeadPrediction("billing", confidence, [LabelScore("billing", confidence), LabelScore("refunds", 0.3),
                                                   LabelScore("outage", 0.1), LabelScore("general", 0.05)])
    return RouteResult(id=None, text="t", topic=topic, urgency=UrgencyDecision("normal", "normal", 1.0, []),
                       decision=RoutingDecision.__new__(RoutingDecision), needs_human_triage=abstained,
                       reason="out_of_scope" if abstained else None, language=DetectedLanguage("en", 1.0),
                       language_source="request", model_version="v", vector=np.zeros((1, 4), dtype=np.float32))


def test_low_topic_confidence_widens_to_alternatives_with_a_warning() -> None:
    assert source_topics(route(0.95)) == (("billing",), None)
    topics, warning = source_topics(route(0.4))
    assert topics == ("billing", "refunds", "outage") and warning is not None and "0.40" in warning
    assert source_topics(route(0.95, abstained=True)) == ((), None)


def test_routed_articles_keep_topic_general_and_linked_ones_in_rank_order() -> None:
    case = Source(id="c", kind="case", text="see https://help.example/dup", topic="billing")
    articles = [Source(id="dup", kind="article", text="", topic="refunds", url="https://help.example/dup"),
                Source(id="pw", kind="article", text="", topic="login_access", url="https://help.example/pw"),
                Source(id="gen", kind="article", text="", topic=None),
                Source(id="pay", kind="article", text="", topic="billing")]
    kept, topics = routed_articles(articles, [case], ("billing",))
    assert [a.id for a in kept] == ["dup", "gen", "pay"] and topics == ("billing", "refunds")
    assert routed_articles(articles, [case], ()) == (articles, ())
