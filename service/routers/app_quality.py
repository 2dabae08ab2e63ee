"""The quality dashboard for team leads (`/app/quality`), its JSON series, the model history, and the compact
draft view used by the desk apps (`/app/compact`, the Zendesk sidebar's script and styles).

The HTML pages are static shells that hold no data: every number comes from the JSON endpoints, which need a
key with the `metrics` scope (the compact view: `agent` and `route`, as the review page). Ticket text never
reaches the HTML: the scripts put it in the page with `textContent`.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from importlib import resources
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import BaseModel, BeforeValidator, Field

from models.registry import ModelRegistry, RegistryError
from service.deps import MetricsScope, StateDep, StoreDep
from service.errors import KEYED, ApiError, error_responses
from service.store import quality_series

JS, CSS = "text/javascript; charset=utf-8", "text/css; charset=utf-8"
QUALITY_FILES = {"quality.js": JS, "charts.js": JS, "login.js": JS, "compact.js": JS, "quality.css": CSS}
SIDEBAR_FILES = {"sidebar.js": JS, "sidebar.css": CSS}
# The pages load only their own scripts and styles and talk only to this server. The dashboard may be framed by
# this origin only; the compact view is meant to sit in a desk's iframe (Freshdesk, Zammad), so by any.
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "base-uri 'none'; form-action 'none'; frame-ancestors {frames}")

_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _iso_day(value: Any) -> Any:
    """Refuse what pydantic would otherwise read as a date (a Unix timestamp such as `0`): the schema says ISO."""
    if isinstance(value, str) and not _ISO_DAY.match(value):
        raise ValueError("expected an ISO 8601 date, e.g. 2026-11-01")
    return value


IsoDay = Annotated[date, BeforeValidator(_iso_day)]

api = APIRouter(prefix="/v1", tags=["feedback"], dependencies=[MetricsScope])
pages = APIRouter(prefix="/app", include_in_schema=False)


# -- series ---------------------------------------------------------------------------------------------------
class OverrideOut(BaseModel):
    n: int = Field(description="Labelled tickets the model routed to this topic or queue (not sent to triage).")
    overridden: int = Field(description="Of those, the ones whose final label differs.")
    override_rate: float | None


class QualityDayOut(BaseModel):
    day: date
    suggestions: int = Field(description="Suggestions made that day.")
    reviewed: int = Field(description="Suggestions whose latest feedback in the range was given that day.")
    accepted: int
    edited: int
    rejected: int
    acceptance_rate: float | None = Field(description="accepted / reviewed; null when nothing was reviewed.")
    edited_share: float | None
    mean_edit_distance: float | None = Field(description="Mean normalized edit distance of edited drafts (0..1).")
    rejection_reasons: dict[str, int]
    labelled_tickets: int = Field(description="Tickets an agent gave final labels that day (resolution, correction).")
    sent_to_triage: int
    topic_top1: float | None = Field(description="Share whose final topic is the predicted one.")
    topic_top3: float | None = Field(description="Share whose final topic is among the three best.")
    topic_override_rate: float | None
    override_by_topic: dict[str, OverrideOut] = Field(description="By predicted topic.")
    override_by_queue: dict[str, OverrideOut] = Field(description="By predicted queue.")


class QualitySeriesOut(BaseModel):
    first_day: date = Field(description="`from`: the first day, UTC.")
    last_day: date = Field(description="`to`: the last day, included.")
    days: list[QualityDayOut] = Field(description="Every day of the range, oldest first, days without data too.")
    totals: dict[str, Any] = Field(description="The whole range, as GET /v1/metrics/quality counts it.")
    topics: list[str] = Field(description="Predicted topics seen in the range's override counts.")
    queues: list[str]
    reasons: list[str] = Field(description="Rejection reason codes seen in the range.")


@api.get("/metrics/quality/daily", response_model=QualitySeriesOut, responses=error_responses(*KEYED, 422, notes={
    422: f"`from` after `to`, a range over {quality_series.MAX_SPAN_DAYS} days, or a date that is not ISO."}),
    summary="Quality by day for charts: acceptance, edits, rejection reasons, overrides, top-1/top-3 (metrics)")
def get_quality_daily(
    store: StoreDep,
    start: Annotated[IsoDay | None, Query(alias="from", description="First day (ISO date, UTC); default: 29 days "
                                                                  "before `to`.")] = None,
    end: Annotated[IsoDay | None, Query(alias="to", description="Last day, included; default: today (UTC).")] = None,
) -> QualitySeriesOut:
    last = end or datetime.now(UTC).date()
    try:
        earliest = quality_series.EARLIEST
        first = start or (last - timedelta(days=29) if last > earliest + timedelta(days=29) else earliest)
        series = quality_series.daily_series(store, start=first, end=last)
    except quality_series.SeriesRangeError as exc:
        raise ApiError(422, "invalid_input", str(exc)) from None
    series["first_day"], series["last_day"] = series.pop("from"), series.pop("to")
    return QualitySeriesOut.model_validate(series)


# -- model and index versions ---------------------------------------------------------------------------------
class ModelVersionOut(BaseModel):
    version: str
    created_at: str | None
    registered_at: str | None
    active: bool = Field(description="The registry's promoted version.")
    rollback_target: bool = Field(description="The version `deskmate rollback` would return to.")
    data_rows: int | None
    metrics: dict[str, float] = Field(description="Headline validation metrics from the version's manifest.")


class RegistryEventOut(BaseModel):
    at: str
    action: str = Field(description="adopt, promote or rollback.")
    version: str
    previous: str | None = None
    reason: str | None = None


class ModelHistoryOut(BaseModel):
    served_model_version: str | None = Field(description="The routing model this process serves now.")
    index_version: str | None = Field(description="The retrieval index this process serves now.")
    registry_dir: str
    registry_active: str | None = Field(description="The promoted version (null: never promoted).")
    model_dir_pinned: bool = Field(description="DESKMATE_MODEL_DIR is set: promotions do not change what is served.")
    versions: list[ModelVersionOut] = Field(description="Registered versions, newest first.")
    events: list[RegistryEventOut] = Field(description="Promotions and rollbacks, newest first (the registry "
                                                       "keeps the last 200).")


@api.get("/models/history", response_model=ModelHistoryOut, responses=error_responses(*KEYED, 409, notes={
    409: "The registry's pointer file cannot be read (code registry_error)."}),
    summary="Model and index versions in use, registered versions, promotions and rollbacks (metrics)")
def get_model_history(state: StateDep) -> ModelHistoryOut:
    settings = state.settings
    registry = ModelRegistry(settings.model_registry_dir)
    try:
        pointer = registry.read_pointer() or {}
        versions = registry.versions()
    except RegistryError as exc:
        raise ApiError(409, exc.code, str(exc)) from None
    events = [RegistryEventOut(at=str(e.get("at")), action=str(e.get("action")), version=str(e.get("version")),
                               previous=e.get("previous"), reason=e.get("reason"))
              for e in reversed(pointer.get("events") or []) if isinstance(e, dict)]
    engine = state.engine
    return ModelHistoryOut(
        served_model_version=engine.model.version if engine is not None else None,
        index_version=state.index.version, registry_dir=str(registry.root),
        registry_active=pointer.get("active") or None, model_dir_pinned=settings.model_dir is not None,
        versions=[ModelVersionOut(version=v.version, created_at=v.created_at, registered_at=v.registered_at,
                                  active=v.active, rollback_target=v.rollback_target, data_rows=v.data_rows,
                                  metrics=v.metrics) for v in versions],
        events=events)


# -- pages ----------------------------------------------------------------------------------------------------
def _read(folder: str, name: str) -> bytes:
    return resources.files("service.web").joinpath(folder, name).read_bytes()


def _page(folder: str, name: str, *, frames: str) -> Response:
    return Response(_read(folder, name), media_type="text/html; charset=utf-8", headers={
        "content-security-policy": CSP.format(frames=frames), "cache-control": "no-cache",
        "x-content-type-options": "nosniff", "referrer-policy": "no-referrer"})


def _asset(folder: str, files: dict[str, str], name: str) -> Response:
    media_type = files.get(name)  # only the listed files: no path from the request reaches the disk
    if media_type is None:
        raise ApiError(404, "not_found", f"no file {name[:100]!r} here")
    return Response(_read(folder, name), media_type=media_type,
                    headers={"cache-control": "no-cache", "x-content-type-options": "nosniff"})


@pages.get("/quality")
async def quality_page() -> Response:
    return _page("quality", "index.html", frames="'self'")


@pages.get("/quality/static/{name}")
async def quality_asset(name: str) -> Response:
    return _asset("quality", QUALITY_FILES, name)


@pages.get("/compact")
async def compact_page() -> Response:
    """One suggestion's draft in a narrow view (`?suggestion=<id>`), for a desk's link or iframe."""
    return _page("quality", "compact.html", frames="*")


@pages.get("/zendesk/{name}")
async def zendesk_asset(name: str) -> Response:
    """The Zendesk sidebar's script and styles, which the compact view shares."""
    return _asset("zendesk/assets", SIDEBAR_FILES, name)
