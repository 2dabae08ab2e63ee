"""Request and response bodies of the HTTP API (pydantic). Unknown request fields are ignored."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Channel = Literal["email", "chat", "phone", "social", "app", "web", "other"]

_EXAMPLE_TICKET: dict[str, Any] = {
    "id": "ZD-48213",
    "subject": "Charged twice this month",
    "body": "<p>Hi, my card was charged twice for the Pro plan on Nov 3. Please refund one.</p><p>Thanks, Ana</p>",
    "channel": "email",
    "customer": {"id": "C-0912", "name": "Ana Souza", "tier": "pro"},
    "tags": ["invoice"],
    "metadata": {"brand": "orbitly"},
}


class RequestModel(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)


class Customer(RequestModel):
    id: str | None = Field(default=None, max_length=200)
    name: str | None = Field(default=None, max_length=200)
    tier: str | None = Field(default=None, max_length=50, description="e.g. free, pro, business, enterprise")


class TicketIn(RequestModel):
    """A ticket as a help desk sends it. At least one of subject/body must hold text."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True,
                              json_schema_extra={"examples": [_EXAMPLE_TICKET]})

    id: str | None = Field(default=None, max_length=200, description="The desk's ticket id, echoed back.")
    subject: str = Field(default="", description="Subject line (plain text or HTML).")
    body: str = Field(default="", description="Body (plain text or HTML; HTML is stripped).")
    channel: Channel = "email"
    language: str | None = Field(default=None, pattern=r"^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})?$",
                                 description="ISO 639 code if the desk knows it; detected otherwise.")
    customer: Customer = Field(default_factory=Customer)
    tags: list[str] = Field(default_factory=list, max_length=100)
    metadata: dict[str, Any] = Field(default_factory=dict)
    desk: str | None = Field(default=None, max_length=50,
                             description="Priority vocabulary to answer in: generic, zendesk, freshdesk, zammad.")


class RouteBatchIn(RequestModel):
    tickets: list[TicketIn] = Field(min_length=1)
    desk: str | None = Field(default=None, max_length=50)


class LabelScoreOut(BaseModel):
    label: str
    confidence: float


class TopicOut(BaseModel):
    label: str = Field(description="Best topic (also when needs_human_triage is true).")
    confidence: float = Field(description="Calibrated probability of the label.")
    alternatives: list[LabelScoreOut] = Field(description="Next most likely topics, best first.")


class SignalOut(BaseModel):
    name: str
    kind: str = Field(description="wording | sentiment | channel | tier")
    evidence: str
    raised_to: str


class UrgencyOut(BaseModel):
    label: str = Field(description="Final urgency after signals and overrides.")
    model_label: str = Field(description="What the urgency model predicted on its own.")
    confidence: float = Field(description="Calibrated probability of model_label.")
    signals: list[SignalOut]


class LanguageOut(BaseModel):
    code: str
    confidence: float
    source: Literal["request", "detected"]


class TimingsOut(BaseModel):
    embed_ms: float
    classify_ms: float
    total_ms: float


class RouteOut(BaseModel):
    id: str | None
    topic: TopicOut
    urgency: UrgencyOut
    queue: str
    priority: str | int = Field(description="Priority in the desk's own vocabulary.")
    desk: str
    sla_minutes: int = Field(description="First-response SLA in minutes.")
    needs_human_triage: bool
    reason: str | None = Field(description="Why a human should triage: low_confidence, small_margin, out_of_scope.")
    applied_rules: list[str]
    language: LanguageOut
    model_version: str
    timings: TimingsOut


class RouteBatchOut(BaseModel):
    results: list[RouteOut]
    model_version: str


class HealthOut(BaseModel):
    status: Literal["ok"]


class ReadyOut(BaseModel):
    ready: bool
    reason: str | None = None
    model_version: str | None = None
    embedder: str | None = None
    embedder_dim: int | None = None
    topics: list[str] = Field(default_factory=list)
