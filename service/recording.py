"""Turn routing results into store records (the store redacts them before writing)."""

from __future__ import annotations

from service.pipeline import RouteResult, TicketInput
from service.store.repository import RouteRecord, TicketSeen


def route_record(result: RouteResult, ticket: TicketInput, *, ticket_id: str, suggestion_id: str | None = None,
                 customer_name: str | None = None) -> RouteRecord:
    return RouteRecord(
        ticket=TicketSeen(ticket_id=ticket_id, subject=ticket.subject, body=ticket.body, channel=ticket.channel,
                          language=result.language.code, customer_name=customer_name),
        topic=result.topic.label, topic_confidence=float(result.topic.confidence),
        alternatives=tuple(a.label for a in result.topic.alternatives), urgency=result.decision.urgency,
        queue=result.decision.queue, priority=str(result.decision.priority),
        sla_minutes=int(result.decision.sla_minutes),
        needs_human=result.needs_human_triage, reason=result.reason, model_version=result.model_version,
        suggestion_id=suggestion_id)
