"""What the spans of a request's pipeline steps say: labels, versions and counts, never text.

Spans leave the service (to an OTLP collector, or stdout), so their attributes carry no ticket text, no customer
name or email, no draft text and no id a desk or a client chose: only the model's and the routing policy's labels
(topic, urgency, queue, abstain reason), the model and index versions, Deskmate's own suggestion id, counts and the
steps' times. `step_spans` is the one place that picks them; tests/service/test_tracing.py checks that none holds
any of a ticket's text.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from service.pipeline import STEPS, Outcome, RouteResult, SimilarResult, Step, Suggestion

AttributeValue = str | bool | int | float | tuple[str, ...]
Attributes = dict[str, AttributeValue]
SHARED = frozenset({"embed", "classify"})  # steps that run once for a whole micro-batch


def step_spans(outcomes: Sequence[Outcome], names: Collection[str] = STEPS) -> list[tuple[Step, Attributes]]:
    """The steps named `names` of one request's `outcomes` (a ticket, or the tickets of one /v1/route/batch call,
    which share their embed and classify steps: one span each), with their attributes, in the order they ran."""
    spans: dict[int, tuple[Step, Attributes]] = {}
    routed: dict[int, list[RouteResult]] = {}

    def add(step: Step, attributes: Attributes | None = None) -> None:
        if step.name in names:
            spans.setdefault(id(step), (step, base_attributes(step)))[1].update(attributes or {})

    for outcome in outcomes:
        route = outcome.route if isinstance(outcome, Suggestion) else outcome if isinstance(outcome, RouteResult) \
            else None
        if route is not None:
            for step in route.steps:
                add(step)
                routed.setdefault(id(step), []).append(route)
        if isinstance(outcome, Suggestion):
            for step in outcome.steps:
                add(step, suggestion_attributes(outcome, step))
        elif isinstance(outcome, SimilarResult):
            for step in outcome.steps:
                add(step, similar_attributes(outcome) if step.name == "retrieve" else None)
    for key, routes in routed.items():
        if key in spans and spans[key][0].name == "classify":
            spans[key][1].update(route_attributes(routes))
    return sorted(spans.values(), key=lambda span: span[0].start_ns)


def base_attributes(step: Step) -> Attributes:
    attributes: Attributes = {"deskmate.step": step.name}
    if step.name in SHARED:
        attributes["deskmate.batch.size"] = step.shared
    attributes.update({f"deskmate.{step.name}.{name}": count for name, count in step.counts})
    return attributes


def route_attributes(routes: Sequence[RouteResult]) -> Attributes:
    """The routing decision of one ticket; for several (one batch call), how many and which topics."""
    attributes: Attributes = {"deskmate.model.version": routes[0].model_version}
    if len(routes) > 1:
        attributes["deskmate.route.tickets"] = len(routes)
        attributes["deskmate.route.abstentions"] = sum(r.needs_human_triage for r in routes)
        attributes["deskmate.route.topics"] = tuple(sorted({r.topic.label for r in routes if not r.needs_human_triage}))
        return attributes
    route = routes[0]
    attributes.update({
        "deskmate.route.needs_human": route.needs_human_triage,
        "deskmate.route.confidence": round(float(route.topic.confidence), 4),
        "deskmate.route.urgency": route.decision.urgency,
        "deskmate.route.queue": route.decision.queue,
        "deskmate.route.priority": str(route.decision.priority),
        "deskmate.route.language": route.language.code,
        "deskmate.route.signals": len(route.urgency.signals),
    })
    if route.needs_human_triage:
        attributes["deskmate.route.abstain_reason"] = route.reason or "unknown"
    else:
        attributes["deskmate.route.topic"] = route.topic.label
    return attributes


def suggestion_attributes(suggestion: Suggestion, step: Step) -> Attributes:
    attributes: Attributes = {"deskmate.suggestion_id": suggestion.suggestion_id}
    request = suggestion.request
    if step.name == "retrieve":
        search = suggestion.search
        attributes["deskmate.index.loaded"] = search is not None
        if search is not None:
            attributes["deskmate.index.version"] = search.index_version
            attributes["deskmate.retrieve.mode"] = search.mode
        attributes["deskmate.retrieve.cases"] = len(request.cases)
        attributes["deskmate.retrieve.articles"] = len(request.articles)
        attributes["deskmate.suggest.issues"] = len(suggestion.issues)
    elif step.name == "draft":
        draft = suggestion.draft
        attributes["deskmate.draft.outcome"] = "drafted" if draft is not None else "failed"
        attributes["deskmate.draft.sources"] = len(request.cases) + len(request.articles) + len(request.history)
        if draft is not None:
            attributes.update({"deskmate.draft.drafter": draft.drafter,
                               "deskmate.draft.citations": len(draft.citations),
                               "deskmate.draft.confidence": round(float(draft.confidence), 4),
                               "deskmate.draft.ready_to_send": draft.ready_to_send,
                               "deskmate.draft.warnings": len(draft.warnings)})
    return attributes


def similar_attributes(result: SimilarResult) -> Attributes:
    return {"deskmate.index.loaded": True, "deskmate.index.version": result.search.index_version,
            "deskmate.retrieve.mode": result.search.mode, "deskmate.retrieve.cases": len(result.search.cases),
            "deskmate.retrieve.articles": len(result.search.articles)}
