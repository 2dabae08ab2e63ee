"""Request and response bodies of the HTTP API (pydantic). Unknown request fields are ignored."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, JsonValue

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


MAX_METADATA_DEPTH = 8


def _shallow(value: dict[str, Any]) -> dict[str, Any]:
    """Refuse metadata nested deeper than MAX_METADATA_DEPTH objects/arrays (it is stored and indexed as JSON)."""
    level: list[Any] = [value]
    for _ in range(MAX_METADATA_DEPTH):
        level = [child for item in level
                 for child in (item.values() if isinstance(item, dict) else item if isinstance(item, list) else ())
                 if isinstance(child, dict | list)]
        if not level:
            return value
    raise ValueError(f"metadata is nested deeper than {MAX_METADATA_DEPTH} levels")


# Free-form JSON object from the desk, kept with the ticket or case; at most MAX_METADATA_DEPTH levels deep.
Metadata = Annotated[dict[str, Any], AfterValidator(_shallow)]


def some_text(*fields: str) -> list[JsonValue]:
    """JSON Schema `anyOf`: at least one of these string fields holds a non-blank character. (Text that is only
    HTML markup is refused too, with 422 empty_text, which a schema cannot state.)"""
    return [{"required": [name], "properties": {name: {"type": "string", "pattern": r"\S"}}} for name in fields]


class RequestModel(BaseModel):
    # strict: a value is taken only as the type the schema states (no "5" for 5, no 0 for false), so what the
    # OpenAPI document promises and what the service accepts are the same.
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True, strict=True)


class Customer(RequestModel):
    id: str | None = Field(default=None, max_length=200)
    name: str | None = Field(default=None, max_length=200)
    tier: str | None = Field(default=None, max_length=50, description="e.g. free, pro, business, enterprise")


class TicketIn(RequestModel):
    """A ticket as a help desk sends it. At least one of subject/body must hold text."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True,
                              json_schema_extra={"examples": [_EXAMPLE_TICKET], "anyOf": some_text("subject", "body")})

    id: str | None = Field(default=None, max_length=200, description="The desk's ticket id, echoed back.")
    subject: str = Field(default="", description="Subject line (plain text or HTML).")
    body: str = Field(default="", description=(
        "Body (plain text or HTML; HTML is stripped: tags, comments, scripts and styles give no text). Subject+body "
        "may hold up to DESKMATE_API__MAX_RAW_CHARS characters as sent (413 above); text past "
        "DESKMATE_API__MAX_TEXT_CHARS after stripping is cut for routing and retrieval, with a warning."))
    channel: Channel = "email"
    language: str | None = Field(default=None, pattern=r"^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})?$",
                                 description="ISO 639 code if the desk knows it; detected otherwise.")
    customer: Customer = Field(default_factory=Customer)
    tags: list[str] = Field(default_factory=list, max_length=100)
    metadata: Metadata = Field(default_factory=dict, description="Free-form JSON object, at most 8 levels deep.")
    desk: str | None = Field(default=None, max_length=50,
                             description="Priority vocabulary to answer in: generic, zendesk, freshdesk, zammad.")


class RouteBatchIn(RequestModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True, json_schema_extra={"examples": [{
        "desk": "freshdesk",
        "tickets": [{"subject": "App down", "body": "Nobody on our team can log in, 503 everywhere", "channel": "chat"},
                    {"subject": "Idee", "body": "Könntet ihr einen Dunkelmodus einbauen?", "channel": "app"}]}]})

    tickets: list[TicketIn] = Field(min_length=1, description="More than DESKMATE_API__MAX_BATCH (64): 413.")
    desk: str | None = Field(default=None, max_length=50, description="Default desk of the tickets that name none.")


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
    warnings: list[str] = Field(default_factory=list, description=(
        "Things to know about this answer, e.g. the text was cut to DESKMATE_API__MAX_TEXT_CHARS for routing."))


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
    index_ready: bool = False
    index_version: str | None = None
    index_reason: str | None = None
    store_ready: bool = False
    store_backend: str | None = None
    store_reason: str | None = None
    drafter_reason: str | None = Field(default=None, description="Why no drafter is loaded (drafts are then null).")


# -- retrieval ------------------------------------------------------------------------------------------
SearchMode = Literal["dense", "lexical", "hybrid"]


class SearchFiltersIn(RequestModel):
    """Restrict hits; each filter takes one value or a list meaning "any of". Articles with no language or
    tenant are shared and match any language/tenant filter; topic and channel filter cases only."""

    language: str | list[str] | None = None
    topic: str | list[str] | None = None
    channel: str | list[str] | None = None
    tenant: str | list[str] | None = None


class SimilarIn(TicketIn):
    k_cases: int | None = Field(default=None, ge=0, le=50, description="Similar resolved cases to return.")
    k_articles: int | None = Field(default=None, ge=0, le=20, description="Knowledge articles to return.")
    filters: SearchFiltersIn = Field(default_factory=SearchFiltersIn)
    mode: SearchMode | None = Field(default=None, description="dense, lexical or hybrid (default: the index's).")


class CaseHitOut(BaseModel):
    id: str
    score: float
    snippet: str
    resolution_excerpt: str
    topic: str | None
    urgency: str | None
    language: str | None
    channel: str | None
    tenant: str | None
    resolved_at: str | None
    dense_score: float | None = Field(description="Cosine similarity to the ticket, when the dense ranker found it.")


class ArticleHitOut(BaseModel):
    id: str
    title: str
    url: str | None
    passage: str
    position: int = Field(description="Index of the best passage within the article.")
    heading: str | None
    score: float
    language: str | None
    topic: str | None = Field(default=None, description="The article's topic; null = general.")


class SimilarOut(BaseModel):
    id: str | None
    cases: list[CaseHitOut]
    articles: list[ArticleHitOut]
    mode: str
    index_version: str
    timings: dict[str, float]
    warnings: list[str] = Field(default_factory=list, description=(
        "Things to know about this answer, e.g. the text was cut to DESKMATE_API__MAX_TEXT_CHARS for the search."))


class CaseIn(RequestModel):
    """A resolved case to add to the live index (e.g. from the desk's "ticket solved" webhook). At least one of
    subject/body must hold text."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True,
                              json_schema_extra={"anyOf": some_text("subject", "body")})

    id: str = Field(min_length=1, max_length=200)
    subject: str = ""
    body: str = ""
    resolution: str = Field(min_length=1, description="The reply that resolved the ticket.")
    topic: str | None = Field(default=None, max_length=100)
    urgency: str | None = Field(default=None, max_length=50)
    language: str | None = Field(default=None, max_length=20)
    channel: str | None = Field(default=None, max_length=50)
    tenant: str | None = Field(default=None, max_length=200,
                               description="Empty or the key's own tenant for a key bound to one (filled from it).")
    resolved_at: str | None = Field(default=None, max_length=40)
    metadata: Metadata = Field(default_factory=dict, description="Free-form JSON object, at most 8 levels deep.")
    new_label: bool = Field(default=False, description="True: a topic the live model and routing policy do not "
                                                       "know is meant (accepted and recorded as new); else 422.")
    customer_name: str | None = Field(default=None, max_length=200, description=(
        "The customer's name: redacted wherever it (or a part of it) appears in the case; never stored."))
    customer_id: str | None = Field(default=None, max_length=200, description=(
        "The desk's customer id (default: `metadata.customer.id`): kept only as a keyed hash, so that "
        "`POST /v1/admin/erasures` can find the case."))


class CasesIn(RequestModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True, json_schema_extra={"examples": [{"cases": [{
        "id": "ZD-47002", "subject": "Charged twice", "body": "My card was charged twice for the Pro plan.",
        "resolution": "I refunded the duplicate charge; it reaches your card within 5 to 10 days.",
        "topic": "billing", "urgency": "normal", "language": "en", "channel": "email",
        "resolved_at": "2026-11-03T10:00:00Z", "customer_id": "C-0912"}]}]})

    cases: list[CaseIn] = Field(min_length=1, max_length=1000)


class CasesAddedOut(BaseModel):
    added: list[str]
    replaced: dict[str, str] = Field(description="Older near-duplicate case id -> the new case that replaced it.")
    skipped_duplicates: dict[str, str] = Field(description="New case id -> the newer existing near-duplicate.")
    refused_deleted: list[str]
    index_version: str


class CaseDeletedOut(BaseModel):
    id: str
    deleted: bool
    index_version: str | None = Field(description="The live index's version after the erasure; null: none loaded.")
    erasure_id: int | None = Field(default=None, description="The audit row of the erasure (no personal data).")
    erased: dict[str, int] = Field(default_factory=dict, description=(
        "Rows deleted per store table and cases deleted from the index (index_cases)."))
    warnings: list[str] = Field(default_factory=list)


class IndexSwapIn(RequestModel):
    path: str = Field(min_length=1, max_length=1024, pattern=r"^[^\x00-\x1f\x7f]+$",
                      examples=["2025-06-rebuild", "/srv/deskmate/var/index/2025-06-rebuild"],
                      description="Directory of a rebuilt index (built by `deskmate build-index`), inside the "
                                  "index root: the folder that holds the configured index directory (default "
                                  "`<data_dir>/index/`). Relative paths start there; `~` is expanded. No control "
                                  "characters; at most 1,024 characters.")


class IndexSwapOut(BaseModel):
    previous_version: str | None
    index_version: str
    path: str
