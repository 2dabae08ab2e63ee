"""Quality of suggestions and routing as agents judged them, and feedback as training rows.

Definitions (README "Feedback loop"):
- Suggestion measures use each suggestion's latest feedback event in the window: acceptance rate = accepted /
  suggestions with feedback; edited share likewise; mean normalized edit distance over edited drafts;
  rejection reasons counted by code (free-text-only rejections count as "other").
- Routing measures use tickets whose final labels an agent gave in the window: a resolution (final topic and
  queue) or, failing that, a feedback correction. They are compared with the latest routing decision made for
  the ticket before that. Override rate = final differs from predicted, per predicted topic and per predicted
  queue; tickets the model sent to triage (needs a human) are counted apart, not as overrides. Top-1 / top-3
  = the final topic is the predicted topic / among the three best (Salesforce's measure for case
  classification).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from service.store.repository import FeedbackStore, as_utc
from service.store.tables import FeedbackEventRow, ResolutionRow, RoutingDecisionRow, SuggestionRow, TicketRow


@dataclass(slots=True)
class _Final:
    ticket_id: str
    at: datetime
    topic: str | None
    urgency: str | None
    queue: str | None
    source: str  # "resolution" | "feedback"
    suggestion_id: str | None


def _latest_feedback(session: Session, since: datetime, until: datetime) -> dict[str, FeedbackEventRow]:
    events = session.scalars(select(FeedbackEventRow).where(
        and_(FeedbackEventRow.created_at >= since, FeedbackEventRow.created_at < until)).order_by(
        FeedbackEventRow.created_at, FeedbackEventRow.id)).all()
    latest: dict[str, FeedbackEventRow] = {}
    for event in events:
        latest[event.suggestion_id] = event
    return latest


def _finals(session: Session, since: datetime, until: datetime,
            latest: dict[str, FeedbackEventRow]) -> dict[str, _Final]:
    """Per ticket, the agent's final labels: a resolution wins over feedback corrections."""
    finals: dict[str, _Final] = {}
    suggestion_ids = [sid for sid, e in latest.items()
                      if e.corrected_topic or e.corrected_queue or e.corrected_urgency]
    tickets = dict(session.execute(select(SuggestionRow.suggestion_id, SuggestionRow.ticket_id).where(
        SuggestionRow.suggestion_id.in_(suggestion_ids))).tuples().all()) if suggestion_ids else {}
    for sid in suggestion_ids:
        event = latest[sid]
        finals[tickets[sid]] = _Final(tickets[sid], as_utc(event.created_at), event.corrected_topic,
                                      event.corrected_urgency, event.corrected_queue, "feedback", sid)
    for res in session.scalars(select(ResolutionRow).where(
            and_(ResolutionRow.resolved_at >= since, ResolutionRow.resolved_at < until))).all():
        finals[res.ticket_id] = _Final(res.ticket_id, as_utc(res.resolved_at), res.topic, res.urgency, res.queue,
                                       "resolution", res.suggestion_id)
    return finals


def _decisions(session: Session, ticket_ids: list[str]) -> dict[str, list[RoutingDecisionRow]]:
    out: dict[str, list[RoutingDecisionRow]] = defaultdict(list)
    for start in range(0, len(ticket_ids), 500):
        chunk = ticket_ids[start:start + 500]
        query = select(RoutingDecisionRow).where(RoutingDecisionRow.ticket_id.in_(chunk)).order_by(
            RoutingDecisionRow.created_at, RoutingDecisionRow.id)
        for decision in session.scalars(query).all():
            out[decision.ticket_id].append(decision)
    return out


def _decision_before(decisions: dict[str, list[RoutingDecisionRow]], final: _Final) -> RoutingDecisionRow | None:
    """The latest routing decision made for the ticket before the agent's final labels."""
    before = [d for d in decisions.get(final.ticket_id, []) if as_utc(d.created_at) <= final.at]
    return before[-1] if before else None


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


class _Routing:
    def __init__(self) -> None:
        self.labelled = self.triaged = self.top1 = self.top3 = self.topic_known = 0
        self.by_topic: dict[str, Counter[str]] = defaultdict(Counter)
        self.by_queue: dict[str, Counter[str]] = defaultdict(Counter)

    def add(self, final: _Final, decision: RoutingDecisionRow) -> None:
        self.labelled += 1
        if decision.needs_human:
            self.triaged += 1
            return
        if final.topic is not None:
            self.topic_known += 1
            ranked = [decision.topic, *decision.alternatives]
            self.top1 += final.topic == ranked[0]
            self.top3 += final.topic in ranked[:3]
            counts = self.by_topic[decision.topic]
            counts["n"] += 1
            counts["overridden"] += final.topic != decision.topic
        if final.queue is not None:
            counts = self.by_queue[decision.queue]
            counts["n"] += 1
            counts["overridden"] += final.queue != decision.queue

    def to_dict(self) -> dict[str, Any]:
        def table(groups: dict[str, Counter[str]]) -> dict[str, Any]:
            return {key: {"n": c["n"], "overridden": c["overridden"], "override_rate": _rate(c["overridden"], c["n"])}
                    for key, c in sorted(groups.items())}

        overridden = sum(c["overridden"] for c in self.by_topic.values())
        return {"labelled_tickets": self.labelled, "sent_to_triage": self.triaged,
                "topic_top1": _rate(self.top1, self.topic_known), "topic_top3": _rate(self.top3, self.topic_known),
                "topic_override_rate": _rate(overridden, self.topic_known),
                "override_by_topic": table(self.by_topic), "override_by_queue": table(self.by_queue)}


class _Suggestions:
    def __init__(self) -> None:
        self.actions: Counter[str] = Counter()
        self.distances: list[float] = []
        self.reasons: Counter[str] = Counter()

    def add(self, event: FeedbackEventRow) -> None:
        self.actions[event.action] += 1
        if event.action == "edited" and event.edit_distance is not None:
            self.distances.append(event.edit_distance)
        if event.action == "rejected":
            self.reasons[event.reason_code or "other"] += 1

    def to_dict(self) -> dict[str, Any]:
        n = sum(self.actions.values())
        return {"with_feedback": n, "accepted": self.actions["accepted"], "edited": self.actions["edited"],
                "rejected": self.actions["rejected"], "acceptance_rate": _rate(self.actions["accepted"], n),
                "edited_share": _rate(self.actions["edited"], n), "rejected_share": _rate(self.actions["rejected"], n),
                "mean_edit_distance": round(sum(self.distances) / len(self.distances), 4) if self.distances else None,
                "rejection_reasons": dict(self.reasons.most_common())}


def quality_metrics(store: FeedbackStore, *, since: datetime, until: datetime) -> dict[str, Any]:
    """The window's suggestion and routing quality, overall and by day (UTC)."""
    with store.session() as session:
        created = session.execute(select(SuggestionRow.created_at).where(
            and_(SuggestionRow.created_at >= since, SuggestionRow.created_at < until))).scalars().all()
        latest = _latest_feedback(session, since, until)
        finals = _finals(session, since, until, latest)
        decisions = _decisions(session, list(finals))
        overall_s, overall_r = _Suggestions(), _Routing()
        days_s: dict[str, _Suggestions] = defaultdict(_Suggestions)
        days_r: dict[str, _Routing] = defaultdict(_Routing)
        days_n: Counter[str] = Counter(as_utc(c).date().isoformat() for c in created)
        for event in latest.values():
            day = as_utc(event.created_at).date().isoformat()
            overall_s.add(event)
            days_s[day].add(event)
        for final in finals.values():
            decision = _decision_before(decisions, final)
            if decision is None:
                continue
            overall_r.add(final, decision)
            days_r[final.at.date().isoformat()].add(final, decision)
    by_day = [{"day": day, "suggestions": days_n[day], **days_s[day].to_dict(), "routing": days_r[day].to_dict()}
              for day in sorted(set(days_n) | set(days_s) | set(days_r))]
    return {"since": since.isoformat(), "until": until.isoformat(), "suggestions": len(created),
            **overall_s.to_dict(), "routing": overall_r.to_dict(), "by_day": by_day}


def export_rows(store: FeedbackStore, *, since: datetime, until: datetime,
                include_confirmed: bool = True) -> Iterator[dict[str, Any]]:
    """Training rows (`deskmate train` format: subject, body, topic, urgency) from what agents decided.

    The agent's label wins over the model's: a resolution's labels, else the feedback's corrections (the
    model's label fills a field the agent left alone). With `include_confirmed`, suggestions accepted or
    edited without a routing correction add the model's own labels as confirmed rows (`corrected: false`);
    tickets the model sent to triage are only exported once an agent labelled them.
    """
    with store.session() as session:
        latest = _latest_feedback(session, since, until)
        finals = _finals(session, since, until, latest)
        decisions = _decisions(session, list(finals))
        rows: dict[str, dict[str, Any]] = {}
        if include_confirmed:
            confirmed = [sid for sid, e in latest.items() if e.action in ("accepted", "edited")]
            for sugg, decision in session.execute(select(SuggestionRow, RoutingDecisionRow).join(
                    RoutingDecisionRow, RoutingDecisionRow.suggestion_id == SuggestionRow.suggestion_id).where(
                    SuggestionRow.suggestion_id.in_(confirmed))).tuples().all() if confirmed else []:
                if decision.needs_human or sugg.ticket_id in finals:
                    continue
                rows[sugg.ticket_id] = {"topic": decision.topic, "urgency": decision.urgency,
                                        "queue": decision.queue, "suggestion_id": sugg.suggestion_id,
                                        "corrected": False, "label_source": "confirmed"}
        for ticket_id, final in finals.items():
            model = _decision_before(decisions, final)
            topic = final.topic or (model.topic if model and not model.needs_human else None)
            if topic is None:
                continue
            urgency = final.urgency or (model.urgency if model else None)
            queue = final.queue or (model.queue if model else None)
            corrected = model is None or model.needs_human or topic != model.topic or urgency != model.urgency
            rows[ticket_id] = {"topic": topic, "urgency": urgency, "queue": queue,
                               "suggestion_id": final.suggestion_id, "corrected": corrected,
                               "label_source": final.source}
        tickets = {t.ticket_id: t for t in session.scalars(select(TicketRow).where(
            TicketRow.ticket_id.in_(list(rows))))} if rows else {}
    for ticket_id in sorted(rows):
        ticket = tickets.get(ticket_id)
        if ticket is None or not (ticket.subject or ticket.body).strip():
            continue
        yield {"id": ticket_id, "subject": ticket.subject, "body": ticket.body, "channel": ticket.channel,
               "language": ticket.language, "source": "feedback", **rows[ticket_id]}
