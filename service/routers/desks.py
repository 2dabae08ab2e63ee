"""POST /v1/desks/{desk}/events: a help desk's webhook in. The one door with its own auth scheme.

Desks cannot send our API keys, so this route checks the desk's own proof instead (service/desks/signatures.py:
Zendesk's signature, a Freshdesk shared secret or basic auth, Zammad's X-Hub-Signature). It verifies, maps the
payload, redacts its text, stores it as one durable job (kind `desk.event`, deduplicated on the desk's delivery
id) and answers 202 at once: routing, drafting and write-back run in the worker (service/desks/handlers.py).
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Annotated, Any

import anyio.to_thread
from fastapi import APIRouter, Path, Request, Response
from pydantic import BaseModel, Field

from service.deps import StateDep
from service.desks.config import DeskConfig
from service.desks.mapping import DeskEvent, PayloadError, map_event
from service.desks.signatures import WebhookRefused, verify
from service.errors import ApiError
from service.jobs.queue import JobQueue
from service.store.repository import FeedbackStore

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/v1/desks", tags=["desks"])

JOB_KIND = "desk.event"
MAX_DELIVERY_CHARS = 200


class DeskEventOut(BaseModel):
    accepted: bool = Field(description="True: the event is stored as a job (or was, for a duplicate).")
    duplicate: bool = Field(description="True: this delivery was seen before; no new job was made.")
    job_id: int
    desk: str
    event: str = Field(description="created, replied or solved.")
    ticket_id: str = Field(description="The desk's ticket id.")


def desks_of(app: object) -> dict[str, DeskConfig]:
    """The desks loaded at startup (`create_app` puts them on `app.state.desks`)."""
    desks = getattr(getattr(app, "state", None), "desks", None)
    return desks if isinstance(desks, dict) else {}


def redacted_event(event: DeskEvent, store: FeedbackStore) -> dict[str, Any]:
    """The event as a job payload: its texts redacted (the customer's name wherever it appears, and everything the
    redactor finds); the name itself is not kept."""
    known = (event.customer_name,) if event.customer_name else ()
    payload = event.to_payload()
    for name in ("subject", "body", "comment", "reply"):
        if payload[name]:
            payload[name] = store.redactor.redact(payload[name], known_names=known)
    payload["customer_name"] = None
    return payload


def enqueue_event(store: FeedbackStore, desk: DeskConfig, event: DeskEvent, delivery_id: str) -> tuple[int, bool]:
    payload = {"desk": desk.name, "delivery_id": delivery_id, "event": redacted_event(event, store),
               "received_at": datetime.now(UTC).isoformat(timespec="seconds")}
    return JobQueue(store.engine).enqueue(JOB_KIND, payload, dedup_key=f"desk:{desk.name}:{delivery_id}")


@router.post("/{desk}/events", status_code=202, response_model=DeskEventOut, include_in_schema=False,
             summary="A help desk's webhook: verified by the desk's own scheme, stored as a job, answered at once")
async def desk_event(request: Request, response: Response, state: StateDep,
                     desk: Annotated[str, Path(max_length=50)]) -> DeskEventOut:
    """401: missing, bad or stale proof; 404: no desk of this name; 422: not JSON, or the ticket id or text is
    missing (`details` lists the fields); 200 with `duplicate: true`: a redelivery (no new job); 503: no store."""
    config = desks_of(request.app).get(desk)
    if config is None:
        raise ApiError(404, "not_found", f"no desk {desk!r} is configured (see docs/desks.md)")
    raw = await request.body()
    try:
        delivery_id = verify(config, request.headers, raw)[:MAX_DELIVERY_CHARS]
    except WebhookRefused as exc:
        logger.warning("desk webhook refused", extra={"desk": desk, "reason": str(exc)})
        raise ApiError(401, "unauthorized", f"desk {desk!r}: {exc}") from None
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ApiError(422, "malformed_json", f"the webhook body is not JSON: {exc}") from None
    try:
        event = map_event(config, data)
    except PayloadError as exc:
        raise ApiError(422, "invalid_input", str(exc), details=[
            {"loc": ["body", path], "msg": "missing or empty", "type": "missing"} for path in exc.missing]) from None
    store = state.require_store()
    job_id, created = await anyio.to_thread.run_sync(enqueue_event, store, config, event, delivery_id)
    if not created:
        response.status_code = 200
    logger.info("desk event", extra={"desk": desk, "event": event.event, "job_id": job_id, "duplicate": not created})
    return DeskEventOut(accepted=True, duplicate=not created, job_id=job_id, desk=desk, event=event.event,
                        ticket_id=event.ticket_id)
