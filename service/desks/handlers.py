"""The worker's handler of `desk.event` jobs (registered with service/jobs/registry.py on import).

    created  route + suggest through the service pipeline (as /v1/suggest does), then write back: priority in the
             desk's vocabulary, the group of the routed queue, tags merged, a private note with the draft
    replied  the same with the customer's latest comment; the ticket's earlier suggestions become stale
    solved   the agent's public reply becomes the ticket's resolution (as POST /v1/tickets/{id}/resolution does):
             stored, then added to the live index as a resolved case; nothing is written back

Idempotent under at-least-once delivery: the first attempt records its suggestion and the planned write-back in
`desk_suggestions` before calling the desk; a retried job (429, 5xx, a killed worker) reuses that plan instead of
drafting again, and the note's marker (`deskmate-suggestion: <desk>-job-<id>`) keeps the desk from getting it twice.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from pydantic import ValidationError

from models.errors import DeskmateError
from service.desks.clients import DeskClient, client_for
from service.desks.config import DeskConfig, load_desks
from service.desks.mapping import DeskEvent
from service.desks.notes import note_text
from service.desks.records import DeskRecords
from service.desks.types import WriteBack
from service.errors import ApiError, NotReady
from service.jobs.base import Handler, Job, PermanentFailure, RetryLater
from service.jobs.registry import register
from service.mapping import case_from_resolution, to_suggest_input, with_customer_ref
from service.pipeline import Engine, Suggestion
from service.schemas_suggest import SuggestIn
from service.settings import Settings
from service.state import ServiceState
from service.store.errors import InvalidFeedback, NotFound
from service.store.repository import NewResolution

logger = logging.getLogger(__name__)

JOB_KIND = "desk.event"
NOT_READY_RETRY_S = 15.0
ClientFactory = Callable[[DeskConfig], DeskClient]


def service_ticket_id(desk: DeskConfig, desk_ticket_id: str) -> str:
    """The service's id of a desk ticket: `<desk name>:<desk's id>` (two desks may both have a ticket 123)."""
    return f"{desk.name}:{desk_ticket_id}"


def tag_of(label: str) -> str:
    return re.sub(r"[^a-z0-9_-]+", "-", label.lower()).strip("-")[:50]


def plan_write_back(desk: DeskConfig, suggestion: Suggestion, stale: list[str], *,
                    review_url: str | None = None) -> WriteBack:
    """What to write for a suggestion, by the desk's `write_back`, `groups` and `priorities` settings. A queue with
    no group: the group is left unchanged and the note and the job result say so."""
    options, decision = desk.write_back, suggestion.route.decision
    warnings: list[str] = []
    priority: str | int | None = None
    if options.priority:
        priority = desk.priorities.get(decision.urgency, decision.priority)
    group_id: str | int | None = None
    if options.group:
        group_id = desk.groups.get(decision.queue)
        if group_id is None:
            warnings.append(f"queue {decision.queue!r} has no group in this desk's `groups` setting; the ticket's "
                            "group was left unchanged")
    tags = list(options.tags)
    if options.topic_tag:
        tags.append(f"deskmate-{tag_of(suggestion.route.topic.label)}")
    note = (note_text(suggestion, priority=priority, warnings=warnings, stale=stale, review_url=review_url)
            if options.note else None)
    return WriteBack(priority=priority, group_id=group_id, tags_add=tuple(dict.fromkeys(t for t in tags if t)),
                     note_text=note, dry_run=options.dry_run, warnings=tuple(warnings))


def write_back_from(planned: dict[str, Any]) -> WriteBack:
    return WriteBack(priority=planned.get("priority"), group_id=planned.get("group_id"),
                     tags_add=tuple(planned.get("tags_add") or ()), note_text=planned.get("note_text"),
                     dry_run=bool(planned.get("dry_run")), warnings=tuple(planned.get("warnings") or ()))


class DeskEventHandler:
    """Runs `desk.event` jobs with the running service's components (engine, pipeline, store, index)."""

    def __init__(self, state: ServiceState, desks: dict[str, DeskConfig], *,
                 clients: ClientFactory = client_for) -> None:
        self.state = state
        self.desks = desks
        self._make_client = clients
        self._clients: dict[str, DeskClient] = {}
        self._lock = threading.Lock()

    def client(self, desk: DeskConfig) -> DeskClient:
        with self._lock:
            if desk.name not in self._clients:
                self._clients[desk.name] = self._make_client(desk)
            return self._clients[desk.name]

    def close(self) -> None:
        with self._lock:
            for client in self._clients.values():
                client.close()
            self._clients.clear()

    def __call__(self, job: Job) -> dict[str, Any] | None:
        name = str(job.payload.get("desk", ""))
        desk = self.desks.get(name)
        if desk is None:
            raise PermanentFailure(f"desk {name!r} is no longer configured (its YAML was removed or renamed)")
        try:
            event = DeskEvent.from_payload(dict(job.payload.get("event") or {}))
        except TypeError as exc:
            raise PermanentFailure(f"the job's event is malformed: {exc}") from None
        try:
            if event.event == "solved":
                return self.resolve(desk, event)
            return self.suggest(desk, event, job)
        except NotReady as exc:  # the service is still loading its models or store
            raise RetryLater(exc.message, after_seconds=NOT_READY_RETRY_S) from None

    # -- created / replied --------------------------------------------------------------------------------------
    def suggest_input_for(self, desk: DeskConfig, event: DeskEvent, engine: Engine) -> SuggestIn:
        body = event.body
        if event.event == "replied" and event.comment:
            body = event.comment if not body or event.comment in body else f"{event.comment}\n\n---\n{body}"
        vocabulary = desk.kind if desk.kind in engine.policy.spec.desks else None
        return SuggestIn.model_validate({
            "id": service_ticket_id(desk, event.ticket_id), "subject": event.subject, "body": body,
            "channel": event.channel, "language": event.language, "tags": list(event.tags),
            "customer": {"name": event.customer_name, "tier": event.tier}, "desk": vocabulary,
            "filters": {"tenant": desk.tenant} if desk.tenant else {}})

    def run_pipeline(self, desk: DeskConfig, event: DeskEvent) -> Suggestion:
        engine, pipeline = self.state.require_engine(), self.state.require_pipeline()
        try:
            inp = to_suggest_input(self.suggest_input_for(desk, event, engine), engine, self.state.settings)
        except (DeskmateError, ApiError, ValidationError) as exc:  # no text left, over a limit: retrying cannot help
            raise PermanentFailure(f"the ticket cannot be suggested for: {exc}") from None
        if desk.tenant:
            inp = replace(inp, ticket=replace(inp.ticket, tenant=desk.tenant))
        return pipeline.suggest(engine, inp)

    def suggest(self, desk: DeskConfig, event: DeskEvent, job: Job) -> dict[str, Any]:
        records = DeskRecords(self.state.require_store())
        earlier = records.for_job(job.id)
        stale: list[str] = []
        warnings: list[str] = []
        if earlier is not None and earlier.write_back and earlier.write_back.get("planned"):
            suggestion_id, planned = earlier.suggestion_id, earlier.write_back["planned"]  # a retry: same plan
            plan = write_back_from(planned)
        else:
            suggestion = self.run_pipeline(desk, event)
            suggestion_id = suggestion.suggestion_id
            stored = records.store.get_suggestion(suggestion_id) is not None
            if not stored:
                warnings.append("the suggestion was not stored; its write-back is not recorded")
            ticket_id = service_ticket_id(desk, event.ticket_id)
            stale = records.active(ticket_id) if stored else []
            plan = plan_write_back(desk, suggestion, stale, review_url=self.state.settings.desks.review_url)
            if stored:
                records.add(suggestion_id=suggestion_id, ticket_id=ticket_id, desk=desk.name, event=event.event,
                            job_id=job.id, planned=plan.to_dict(), stale=stale)
        written = self.client(desk).write_back(event.ticket_id, plan, idempotency_key=f"{desk.name}-job-{job.id}")
        records.written(suggestion_id, written)  # no row (the suggestion was not stored): nothing to record
        return {"desk": desk.name, "event": event.event, "ticket_id": event.ticket_id, "suggestion_id": suggestion_id,
                "stale": stale, "dry_run": plan.dry_run, "write_back": written,
                "warnings": [*plan.warnings, *warnings]}

    # -- solved ---------------------------------------------------------------------------------------------------
    def resolve(self, desk: DeskConfig, event: DeskEvent) -> dict[str, Any]:
        """The public reply as the ticket's resolution, labelled with its latest suggestion's topic and queue (or
        routed now when the service never suggested for it), then indexed as a resolved case."""
        store = self.state.require_store()
        ticket_id = service_ticket_id(desk, event.ticket_id)
        latest = DeskRecords(store).latest_suggestion(ticket_id)
        if latest is not None:
            topic, queue, urgency, suggestion_id = latest.topic, latest.queue, None, latest.suggestion_id
        else:
            engine = self.state.require_engine()
            try:
                inp = to_suggest_input(self.suggest_input_for(desk, replace(event, event="created"), engine), engine,
                                       self.state.settings)
            except (DeskmateError, ApiError, ValidationError) as exc:
                raise PermanentFailure(f"the solved ticket cannot be routed: {exc}") from None
            route = engine.route([inp.ticket], desk=inp.desk)[0]
            topic, queue, urgency, suggestion_id = (route.topic.label, route.decision.queue, route.decision.urgency,
                                                    None)
        try:
            stored = store.record_resolution(NewResolution(
                ticket_id=ticket_id, topic=topic, reply=event.reply, urgency=urgency, queue=queue,
                subject=event.subject or None, body=event.body or None, channel=event.channel,
                language=event.language, tenant=desk.tenant, suggestion_id=suggestion_id,
                key_tenant=desk.tenant, key_name=f"desk:{desk.name}"))
        except (InvalidFeedback, NotFound) as exc:
            raise PermanentFailure(f"the resolution of ticket {ticket_id!r} was not stored: {exc}") from None
        result: dict[str, Any] = {"desk": desk.name, "event": "solved", "ticket_id": event.ticket_id,
                                  "suggestion_id": suggestion_id, "topic": topic, "stored": True, "indexed": False,
                                  "warnings": []}
        index = self.state.index
        if not index.ready:
            result["warnings"].append(f"stored, but not indexed: the retrieval index is not loaded ({index.reason})")
            return result
        case = with_customer_ref(self.state.require_privacy()(case_from_resolution(stored)), stored.customer_ref)
        report = index.add_cases([case], persist=True)
        if report.added or case.id in report.replaced.values():
            store.mark_indexed(ticket_id, report.version)
            result.update(indexed=True, index_version=report.version)
        else:
            result["warnings"].append("stored, not indexed: a near-duplicate case is indexed, or the case was erased")
        return result


def desk_handler(settings: Settings, state: ServiceState) -> Handler | None:
    """The `desk.event` handler when desks are configured (`desks.config_dir`); None otherwise."""
    desks = load_desks(settings.desks.config_dir)
    return DeskEventHandler(state, desks) if desks else None


register(JOB_KIND, desk_handler)
