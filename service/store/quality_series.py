"""Quality by day for charts: every day of a date range, with the definitions of `service.store.quality`.

`quality_metrics` counts a day only when something happened on it; a chart needs every day (a gap is a day
with nothing, drawn as such), flat numbers per day and the full set of topics, queues and rejection reasons
seen in the range (one line or bar per key). The measures are those of `quality_metrics` over the range
``[start, end + 1 day)`` UTC: a suggestion's latest feedback in the range counts on the day it was given.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from service.store.quality import quality_metrics
from service.store.repository import FeedbackStore

MAX_SPAN_DAYS = 366  # the longest range one request may ask for (as GET /v1/metrics/quality)
EARLIEST, LATEST = date(1970, 1, 1), date(9998, 12, 31)  # far from date.min/max: no overflow computing windows


class SeriesRangeError(ValueError):
    """A date range the series refuses: `start` after `end`, or longer than MAX_SPAN_DAYS."""


def check_range(start: date, end: date) -> None:
    if min(start, end) < EARLIEST or max(start, end) > LATEST:
        raise SeriesRangeError(f"days must lie between {EARLIEST.isoformat()} and {LATEST.isoformat()}")
    if start > end:
        raise SeriesRangeError(f"from ({start.isoformat()}) must not be after to ({end.isoformat()})")
    days = (end - start).days + 1
    if days > MAX_SPAN_DAYS:
        raise SeriesRangeError(f"the range holds {days} days; at most {MAX_SPAN_DAYS} are allowed")


def _empty_routing() -> dict[str, Any]:
    return {"labelled_tickets": 0, "sent_to_triage": 0, "topic_top1": None, "topic_top3": None,
            "topic_override_rate": None, "override_by_topic": {}, "override_by_queue": {}}


def _day(day: str, found: dict[str, Any] | None) -> dict[str, Any]:
    """One day's flat row; a day without any activity has zero counts and null rates."""
    found = found or {}
    routing = found.get("routing") or _empty_routing()
    return {
        "day": day,
        "suggestions": found.get("suggestions", 0),
        "reviewed": found.get("with_feedback", 0),
        "accepted": found.get("accepted", 0),
        "edited": found.get("edited", 0),
        "rejected": found.get("rejected", 0),
        "acceptance_rate": found.get("acceptance_rate"),
        "edited_share": found.get("edited_share"),
        "mean_edit_distance": found.get("mean_edit_distance"),
        "rejection_reasons": found.get("rejection_reasons", {}),
        "labelled_tickets": routing["labelled_tickets"],
        "sent_to_triage": routing["sent_to_triage"],
        "topic_top1": routing["topic_top1"],
        "topic_top3": routing["topic_top3"],
        "topic_override_rate": routing["topic_override_rate"],
        "override_by_topic": routing["override_by_topic"],
        "override_by_queue": routing["override_by_queue"],
    }


def daily_series(store: FeedbackStore, *, start: date, end: date) -> dict[str, Any]:
    """Every day from `start` to `end` (both included, UTC) with its measures, the range's totals and the keys
    (topics, queues, rejection reasons) seen, sorted. Raises `SeriesRangeError` for a bad range."""
    check_range(start, end)
    since = datetime.combine(start, time.min, tzinfo=UTC)
    until = datetime.combine(end + timedelta(days=1), time.min, tzinfo=UTC)
    metrics = quality_metrics(store, since=since, until=until)
    found = {row["day"]: row for row in metrics["by_day"]}
    days = [_day((start + timedelta(days=i)).isoformat(), found.get((start + timedelta(days=i)).isoformat()))
            for i in range((end - start).days + 1)]
    totals = {key: value for key, value in metrics.items() if key not in {"by_day", "since", "until"}}
    return {
        "from": start.isoformat(), "to": end.isoformat(), "days": days, "totals": totals,
        "topics": sorted({t for d in days for t in d["override_by_topic"]}),
        "queues": sorted({q for d in days for q in d["override_by_queue"]}),
        "reasons": sorted({r for d in days for r in d["rejection_reasons"]}),
    }
