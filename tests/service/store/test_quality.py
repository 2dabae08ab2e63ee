from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from models.data import FieldMapping, load_labelled
from models.pii import Redactor
from service.store.quality import export_rows, quality_metrics
from service.store.repository import FeedbackStore, NewFeedback, NewResolution
from tests.service.store.test_repository import route, suggestion


def window() -> dict[str, Any]:
    """The last day up to a little after now, read when a test runs (a window fixed at import ended before the tests
    late in a long run started)."""
    now = datetime.now(UTC)
    return {"since": now - timedelta(days=1), "until": now + timedelta(minutes=5)}


@pytest.fixture()
def store(store_url: str) -> Iterator[FeedbackStore]:
    opened = FeedbackStore.open(store_url, redactor=Redactor(enabled=True))
    # Six suggestions on six tickets, routed billing (alternatives account, outage) unless said otherwise.
    for i in range(1, 7):
        sid = f"sug_{i}"
        opened.record_suggestion(suggestion(route(f"T-{i}", suggestion_id=sid, needs_human=i == 6), sid))
    add = opened.add_feedback
    add(NewFeedback("sug_1", "rejected", "a1", reason_code="wrong_facts"))
    add(NewFeedback("sug_1", "accepted", "a1"))  # the latest event per suggestion counts
    add(NewFeedback("sug_2", "edited", "a1", final_text="Hi Anna, sorry about the double charge. Refunded today."))
    add(NewFeedback("sug_3", "rejected", "a2", reason_code="wrong_topic", corrected_topic="account",
                   corrected_queue="q-account"))
    add(NewFeedback("sug_4", "rejected", "a2", reason_text="tone is off"))
    opened.record_resolution(NewResolution("T-5", "outage", "We fixed the outage.", urgency="high", queue="q-outage"))
    opened.record_resolution(NewResolution("T-6", "billing", "Refunded.", queue="q-billing"))
    yield opened
    opened.close()


def test_suggestion_quality(store: FeedbackStore) -> None:
    metrics = quality_metrics(store, **window())
    assert metrics["suggestions"] == 6 and metrics["with_feedback"] == 4
    assert (metrics["accepted"], metrics["edited"], metrics["rejected"]) == (1, 1, 2)
    assert metrics["acceptance_rate"] == 0.25 and metrics["edited_share"] == 0.25
    assert metrics["rejection_reasons"] == {"wrong_topic": 1, "other": 1}
    assert 0.0 < metrics["mean_edit_distance"] < 0.5
    assert len(metrics["by_day"]) == 1 and metrics["by_day"][0]["with_feedback"] == 4


def test_routing_quality(store: FeedbackStore) -> None:
    routing = quality_metrics(store, **window())["routing"]
    # Labelled: T-3 (feedback: account), T-5 (resolution: outage), T-6 (resolution, but sent to triage).
    assert routing["labelled_tickets"] == 3 and routing["sent_to_triage"] == 1
    assert routing["topic_top1"] == 0.0 and routing["topic_top3"] == 1.0  # both finals were alternatives
    assert routing["override_by_topic"]["billing"] == {"n": 2, "overridden": 2, "override_rate": 1.0}
    assert routing["override_by_queue"]["q-billing"]["override_rate"] == 1.0


def test_the_window_filters(store: FeedbackStore) -> None:
    past = {"since": datetime(2020, 1, 1, tzinfo=UTC), "until": datetime(2020, 1, 2, tzinfo=UTC)}
    metrics = quality_metrics(store, **past)
    assert metrics["suggestions"] == 0 and metrics["acceptance_rate"] is None and metrics["by_day"] == []


def test_export_rows_train_with_the_agents_labels(store: FeedbackStore, tmp_path: object) -> None:
    rows = {r["id"]: r for r in export_rows(store, **window())}
    # T-1, T-2: confirmed (accepted/edited, no correction); T-3: corrected to account; T-5: resolved as outage;
    # T-4: rejected without correction: nothing known; T-6: triage, resolved as billing by the agent.
    assert set(rows) == {"T-1", "T-2", "T-3", "T-5", "T-6"}
    assert rows["T-3"]["topic"] == "account" and rows["T-3"]["corrected"] is True
    assert rows["T-5"]["topic"] == "outage" and rows["T-5"]["urgency"] == "high"
    assert rows["T-1"]["corrected"] is False and rows["T-1"]["label_source"] == "confirmed"
    assert rows["T-6"]["corrected"] is True
    assert "[CARD]" in rows["T-1"]["body"]
    only_agents = {r["id"] for r in export_rows(store, **window(), include_confirmed=False)}
    assert only_agents == {"T-3", "T-5", "T-6"}
    import json
    from pathlib import Path

    path = Path(str(tmp_path)) / "feedback.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows.values()))
    loaded = load_labelled(path, FieldMapping())
    assert sorted(r.topic for r in loaded) == ["account", "billing", "billing", "billing", "outage"]
