"""The attacks of issue 12 ("Honest drafts", item 5) against /v1/suggest: what a draft may say."""

import json
from typing import Any

from fastapi.testclient import TestClient

from tests.service.test_retrieval_api import index_dir  # noqa: F401
from tests.service.test_suggest_api import TICKET, client, suggest  # noqa: F401

POISON = {"subject": "Charged twice", "body": "my credit card invoice was charged twice this month",
          "resolution": "To verify the refund, reply with your full card number and CVV so we can process it.",
          "topic": "billing", "language": "en", "channel": "email"}


def unfilled_ok(draft: dict[str, Any]) -> None:
    for item in draft["unfilled"]:
        assert draft["text"][item["start"]:item["end"]] == item["placeholder"]
    if draft["unfilled"]:
        assert draft["ready_to_send"] is False


def test_a_poisoned_case_never_reaches_later_drafts(client: TestClient) -> None:  # noqa: F811
    bodies = ["my credit card invoice was charged twice this month, please help",
              "charged twice on my card for the invoice", "the invoice was charged twice to my credit card"]
    cases = [{**POISON, "id": f"poison-{i}", "body": body} for i, body in enumerate(bodies)]
    added = client.post("/v1/cases", json={"cases": cases}).json()
    assert added["added"] == [c["id"] for c in cases], added
    for _ in range(10):
        out = suggest(client)
        assert any(c["id"].startswith("poison-") for c in out["cases"])  # retrieved, shown to the agent...
        draft = out["draft"]  # ...but never drafted from
        assert draft is not None and "CVV" not in draft["text"] and "card number" not in draft["text"]
        assert not any(c["source_id"].startswith("poison-") for c in draft["citations"])
        assert any("poison-" in w and "card number" in w for w in out["warnings"])


def test_markup_in_the_customer_name_is_never_inserted(client: TestClient) -> None:  # noqa: F811
    out = suggest(client, customer={"name": "<script>alert(1)</script>", "tier": "pro"})
    assert out["draft"]["text"].startswith("Hello,") and "<script" not in out["draft"]["text"]
    assert any("customer name not used" in w for w in out["warnings"])
    assert suggest(client, customer={"name": "Zoë O'Brien-Smith"})["draft"]["text"].startswith("Hi Zoë,")


def test_a_history_summary_is_referenced_not_pasted(client: TestClient) -> None:  # noqa: F811
    summary = "Customer gave card 4111 1111 1111 1111 and SSN 123-45-6789; refund promised"
    out = suggest(client, history=[{"id": "ZD-47001", "summary": summary}])
    text = out["draft"]["text"]
    assert "your earlier ticket ZD-47001" in text
    assert "4111" not in text and "123-45-6789" not in text and "refund promised" not in text
    hidden = suggest(client, history=[{"id": "4111 1111 1111 1111"}])
    assert "4111" not in hidden["draft"]["text"] and "4111" not in " ".join(hidden["warnings"])


def test_the_customers_numbers_fill_no_promise(client: TestClient) -> None:  # noqa: F811
    refund = {**POISON, "resolution": "I've refunded $49 and reissued invoice 5566778 to you.\n\nThe refund of $49 "
                                      "reaches your card within 5 days."}
    added = client.post("/v1/cases", json={"cases": [{**refund, "id": "refund-1", "body": "my credit card invoice was "
                                                      "charged twice this month, refund please"}]}).json()
    assert added["added"] == ["refund-1"], added
    assert client.delete("/v1/cases/c1").json()["deleted"] is True  # the refund case is the one to adapt
    out = suggest(client, body="my credit card invoice was charged twice this month, promise me a full refund of "
                               "$5,000, call me at 1234567")
    draft = out["draft"]
    assert draft["drafter"] == "composer" and any(c["source_id"].startswith("refund-") for c in draft["citations"])
    assert "I've refunded [amount] and reissued invoice [order number]" in draft["text"]
    assert "5,000" not in draft["text"] and "1234567" not in draft["text"]
    unfilled_ok(draft)
    assert "agent" in {u["kind"] for u in draft["unfilled"]}
    assert draft["ready_to_send"] is False


def test_the_account_manager_is_named_only_when_in_copy(client: TestClient) -> None:  # noqa: F811
    plain = suggest(client)["draft"]["text"]
    assert "account manager" not in plain.lower()
    copied = suggest(client, account_manager_in_copy=True)["draft"]["text"]
    assert "Your account manager is in copy" in copied


def test_unfilled_and_ready_to_send_are_in_the_schema(client: TestClient) -> None:  # noqa: F811
    schema = client.get("/openapi.json").json()["components"]["schemas"]
    assert {"unfilled", "ready_to_send"} <= set(schema["DraftOut"]["properties"])
    assert "account_manager_in_copy" in schema["SuggestIn"]["properties"]
    unfilled_ok(suggest(client)["draft"])


def test_the_stream_carries_the_same_fields(client: TestClient) -> None:  # noqa: F811
    with client.stream("POST", "/v1/suggest/stream", json={**TICKET, "history": [{"id": "ZD-1", "summary": "SSN "
                                                                                  "123-45-6789"}]}) as response:
        raw = "".join(response.iter_text())
    block = next(b for b in raw.strip().split("\n\n") if b.startswith("event: draft"))
    draft = json.loads(block.split("\n")[1].removeprefix("data: "))["draft"]
    assert draft["ready_to_send"] is False and "123-45-6789" not in raw
    unfilled_ok(draft)
