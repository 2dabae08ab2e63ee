"""The daily quality series: exact numbers per day from a store seeded with known feedback on known days."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import update

from models.pii import Redactor
from service.store.quality_series import MAX_SPAN_DAYS, SeriesRangeError, daily_series
from service.store.repository import FeedbackStore, NewFeedback, NewResolution
from service.store.tables import FeedbackEventRow, ResolutionRow, RoutingDecisionRow, SuggestionRow
from tests.service.store.test_repository import route, suggestion

D1, D2 = date(2026, 11, 2), date(2026, 11, 3)


def at(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def seed(store: FeedbackStore) -> None:
    """Day 1: sug_1 accepted, sug_2 edited, sug_3 rejected (wrong facts) with topic and queue corrected.
    Day 2: sug_4 rejected without a code (other), sug_5 accepted, ticket T-5 resolved as routed (billing)."""
    days = {"sug_1": D1, "sug_2": D1, "sug_3": D1, "sug_4": D2, "sug_5": D2}
    for i, sid in enumerate(days, start=1):
        store.record_suggestion(suggestion(route(f"T-{i}", suggestion_id=sid), sid))
    store.add_feedback(NewFeedback("sug_1", "accepted", "a1"))
    store.add_feedback(NewFeedback("sug_2", "edited", "a1", final_text="Hi Anna, we refunded the double charge."))
    store.add_feedback(NewFeedback("sug_3", "rejected", "a2", reason_code="wrong_facts", corrected_topic="account",
                                   corrected_queue="q-account"))
    store.add_feedback(NewFeedback("sug_4", "rejected", "a2", reason_text="too long"))
    store.add_feedback(NewFeedback("sug_5", "accepted", "a1"))
    store.record_resolution(NewResolution("T-5", "billing", "Refunded.", queue="q-billing", suggestion_id="sug_5"))
    with store.session() as session:  # move everything onto its day
        for sid, day in days.items():
            session.execute(update(SuggestionRow).where(SuggestionRow.suggestion_id == sid).values(
                created_at=at(day, 8)))
            session.execute(update(RoutingDecisionRow).where(RoutingDecisionRow.suggestion_id == sid).values(
                created_at=at(day, 8)))
            session.execute(update(FeedbackEventRow).where(FeedbackEventRow.suggestion_id == sid).values(
                created_at=at(day, 10)))
        session.execute(update(ResolutionRow).where(ResolutionRow.ticket_id == "T-5").values(resolved_at=at(D2, 12)))


@pytest.fixture()
def store(store_url: str) -> Iterator[FeedbackStore]:
    opened = FeedbackStore.open(store_url, redactor=Redactor(enabled=True))
    seed(opened)
    yield opened
    opened.close()


def test_every_day_of_the_range_with_exact_numbers(store: FeedbackStore) -> None:
    series = daily_series(store, start=D1, end=date(2026, 11, 5))
    days = {d["day"]: d for d in series["days"]}
    assert list(days) == ["2026-11-02", "2026-11-03", "2026-11-04", "2026-11-05"]
    one, two, empty = days["2026-11-02"], days["2026-11-03"], days["2026-11-04"]
    assert (one["suggestions"], one["reviewed"], one["accepted"], one["edited"], one["rejected"]) == (3, 3, 1, 1, 1)
    assert one["acceptance_rate"] == 0.3333 and one["edited_share"] == 0.3333
    with store.session() as session:
        distance = session.query(FeedbackEventRow.edit_distance).filter_by(suggestion_id="sug_2").scalar()
    assert distance is not None and 0 < distance < 1 and one["mean_edit_distance"] == round(distance, 4)
    assert one["rejection_reasons"] == {"wrong_facts": 1}
    # T-3: corrected to account (an alternative): top-1 miss, top-3 hit, billing overridden.
    assert (one["labelled_tickets"], one["topic_top1"], one["topic_top3"]) == (1, 0.0, 1.0)
    assert one["override_by_topic"] == {"billing": {"n": 1, "overridden": 1, "override_rate": 1.0}}
    assert one["override_by_queue"] == {"q-billing": {"n": 1, "overridden": 1, "override_rate": 1.0}}
    assert (two["suggestions"], two["reviewed"], two["accepted"], two["rejected"]) == (2, 2, 1, 1)
    assert two["acceptance_rate"] == 0.5 and two["edited_share"] == 0.0 and two["mean_edit_distance"] is None
    assert two["rejection_reasons"] == {"other": 1}
    assert (two["labelled_tickets"], two["topic_top1"], two["topic_top3"]) == (1, 1.0, 1.0)
    assert two["override_by_topic"]["billing"] == {"n": 1, "overridden": 0, "override_rate": 0.0}
    assert (empty["suggestions"], empty["reviewed"]) == (0, 0)
    assert empty["acceptance_rate"] is None and empty["topic_top1"] is None
    totals = series["totals"]
    assert (totals["suggestions"], totals["with_feedback"], totals["acceptance_rate"]) == (5, 5, 0.4)
    assert totals["routing"]["topic_top1"] == 0.5 and totals["routing"]["topic_override_rate"] == 0.5
    assert (series["topics"], series["queues"], series["reasons"]) == (["billing"], ["q-billing"],
                                                                        ["other", "wrong_facts"])


def test_a_day_outside_the_range_is_not_counted(store: FeedbackStore) -> None:
    series = daily_series(store, start=D2, end=D2)
    assert [d["day"] for d in series["days"]] == ["2026-11-03"]
    assert series["totals"]["suggestions"] == 2 and series["totals"]["rejection_reasons"] == {"other": 1}


def test_bad_ranges_are_refused(store: FeedbackStore) -> None:
    with pytest.raises(SeriesRangeError, match="must not be after"):
        daily_series(store, start=D2, end=D1)
    with pytest.raises(SeriesRangeError, match=f"at most {MAX_SPAN_DAYS}"):
        daily_series(store, start=date(2025, 1, 1), end=date(2026, 1, 2))
    assert len(daily_series(store, start=date(2025, 11, 4), end=date(2026, 11, 4))["days"]) == MAX_SPAN_DAYS
