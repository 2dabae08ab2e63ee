"""Desk configuration: one YAML file per help desk in `desks.config_dir` (default `config/desks/*.yaml`).

Validated when the service starts: an error names the file and the field. Secrets are never in the YAML: each is
a reference (`env: NAME` or `file: /run/secrets/name`) read at load time. Files named `*.example.yaml` are
examples and are skipped. See docs/desks.md for every field.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, SecretStr, ValidationError, model_validator

from models.errors import InvalidInputError
from service.desks.types import EVENT_KINDS, DeskKind, EventKind

Channel = Literal["email", "chat", "phone", "social", "app", "web", "other"]
NAME_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,49}$"


class DeskConfigError(InvalidInputError):
    """A desk YAML file is missing, unreadable or invalid; the message names the file and the field."""


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SecretRef(Strict):
    """Where a secret is read from: an environment variable or a file (its content, stripped). Never the value."""

    env: str | None = Field(default=None, pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    file: Path | None = None
    _value: SecretStr | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _one(self) -> SecretRef:
        if (self.env is None) == (self.file is None):
            raise ValueError("give exactly one of `env` (an environment variable's name) or `file` (a path)")
        return self

    def where(self) -> str:
        return f"environment variable {self.env}" if self.env is not None else f"file {self.file}"

    def load(self) -> None:
        """Read the secret now (at startup); raises ValueError saying where it was looked for."""
        if self.env is not None:
            value = os.environ.get(self.env, "").strip()
        else:
            assert self.file is not None
            try:
                value = self.file.expanduser().read_text(encoding="utf-8").strip()
            except OSError as exc:
                raise ValueError(f"cannot read the secret {self.where()}: {exc.strerror or exc}") from exc
        if not value:
            raise ValueError(f"the secret {self.where()} is missing or empty")
        self._value = SecretStr(value)

    def get(self) -> str:
        if self._value is None:
            self.load()
        assert self._value is not None
        return self._value.get_secret_value()


class ApiCredentials(Strict):
    """The desk's REST API credentials (write-back, `deskmate desks check`). Zendesk: `email` and an API token
    (basic auth `{email}/token:{token}`); Freshdesk: the API key (basic auth `{key}:X`); Zammad: an access token
    (`Authorization: Token token=...`)."""

    email: str | None = Field(default=None, max_length=200)
    token: SecretRef


WebhookScheme = Literal["zendesk_signature", "header", "basic", "hub_signature"]
DEFAULT_SCHEMES: dict[str, WebhookScheme] = {"zendesk": "zendesk_signature", "freshdesk": "header",
                                             "zammad": "hub_signature"}
ALLOWED_SCHEMES: dict[str, tuple[WebhookScheme, ...]] = {"zendesk": ("zendesk_signature",),
                                                         "freshdesk": ("header", "basic"),
                                                         "zammad": ("hub_signature",)}


class WebhookAuth(Strict):
    """How the desk's webhook proves itself. Zendesk: its signing secret (`zendesk_signature`); Freshdesk: a shared
    secret in a header of your choosing (`header`) or basic auth (`basic`, with `username`); Zammad: the trigger's
    HMAC token (`hub_signature`). `secret` is that secret, the basic-auth password for `basic`."""

    scheme: WebhookScheme | None = None  # default: the desk kind's own
    secret: SecretRef
    header: str = Field(default="X-Deskmate-Secret", pattern=r"^[A-Za-z0-9-]{1,64}$")
    username: str | None = Field(default=None, min_length=1, max_length=200)


class TierMapping(Strict):
    """The customer's tier: from a payload field (its value looked up in `map`, else taken as is), else from the
    ticket's tags (`tags`: desk tag -> tier, the first match)."""

    field: str | None = Field(default=None, max_length=200, description="Dot path in the payload, e.g. ticket.tier.")
    map: dict[str, str] = Field(default_factory=dict)
    tags: dict[str, str] = Field(default_factory=dict)


class ChannelMapping(Strict):
    """The desk's via/source/article type (lower-cased) -> our channel; `default` when nothing matches. Entries here
    are added to the desk kind's built-in map (service/desks/mapping.py) and win over it."""

    map: dict[str, Channel] = Field(default_factory=dict)
    default: Channel = "other"


class FieldPaths(Strict):
    """Dot paths into the webhook's JSON body; null: the desk kind's default (the shipped templates' keys)."""

    event: str | None = None
    id: str | None = None
    subject: str | None = None
    body: str | None = None
    comment: str | None = None  # the latest (customer) comment: the text of a "replied" event
    reply: str | None = None  # the latest public comment: the agent's reply of a "solved" event
    customer_name: str | None = None
    channel: str | None = None
    tags: str | None = None
    language: str | None = None
    status: str | None = None


class MappingConfig(Strict):
    fields: FieldPaths = Field(default_factory=FieldPaths)
    tier: TierMapping = Field(default_factory=TierMapping)
    channel: ChannelMapping = Field(default_factory=ChannelMapping)
    # Status values meaning "solved" when the payload has no event field (Zammad's default payload).
    solved_statuses: tuple[str, ...] = ("solved", "closed", "resolved")


class WriteBackConfig(Strict):
    """What a job writes back. Never a public reply. `dry_run`: log and record what would be written, write nothing."""

    priority: bool = True
    group: bool = True
    tags: tuple[str, ...] = ("deskmate",)  # added to the ticket's tags (merged, never replacing)
    topic_tag: bool = True  # also add `deskmate-<topic>`
    note: bool = True  # a private note with the draft, its sources and warnings
    dry_run: bool = False


class DeskConfig(Strict):
    """One help desk: who it is, how its webhooks prove themselves, how payloads map, and what is written back."""

    name: str = Field(pattern=NAME_PATTERN, description="The {desk} of POST /v1/desks/{desk}/events.")
    kind: DeskKind
    base_url: str = Field(pattern=r"^https?://[^\s/]+(/[^\s]*)?$", max_length=500)
    credentials: ApiCredentials
    webhook: WebhookAuth
    replay_window_seconds: int = Field(default=300, ge=10, le=86_400)
    mapping: MappingConfig = Field(default_factory=MappingConfig)
    # Our queue -> the desk's group id; a queue not listed: the note says so and the group is left unchanged.
    groups: dict[str, int | str] = Field(default_factory=dict)
    # Our urgency level -> the desk's priority; empty: the routing policy's vocabulary for this desk kind.
    priorities: dict[str, int | str] = Field(default_factory=dict)
    write_back: WriteBackConfig = Field(default_factory=WriteBackConfig)
    tenant: str | None = Field(default=None, min_length=1, max_length=200)
    # Which events this desk's webhooks may send (others: 422).
    events: tuple[EventKind, ...] = EVENT_KINDS

    @model_validator(mode="after")
    def _consistent(self) -> DeskConfig:
        scheme = self.webhook.scheme or DEFAULT_SCHEMES[self.kind]
        if scheme not in ALLOWED_SCHEMES[self.kind]:
            raise ValueError(f"webhook.scheme {scheme!r} is not one of {self.kind}'s: "
                             f"{', '.join(ALLOWED_SCHEMES[self.kind])}")
        if scheme == "basic" and not self.webhook.username:
            raise ValueError("webhook.username is needed for scheme 'basic'")
        if self.kind == "zendesk" and not self.credentials.email:
            raise ValueError("credentials.email is needed for Zendesk (API token auth is `{email}/token`)")
        return self

    @property
    def scheme(self) -> WebhookScheme:
        return self.webhook.scheme or DEFAULT_SCHEMES[self.kind]

    @property
    def api_url(self) -> str:
        return self.base_url.rstrip("/")

    def load_secrets(self) -> None:
        self.webhook.secret.load()
        self.credentials.token.load()


def _where(error: dict[str, Any]) -> str:
    return ".".join(str(part) for part in error["loc"]) or "(top level)"


def parse_desk(path: Path, data: Any, *, secrets: bool = True) -> DeskConfig:
    """One desk from a parsed YAML document; errors name the file and the field."""
    if not isinstance(data, dict):
        raise DeskConfigError(f"{path}: expected a mapping of desk settings, got {type(data).__name__}")
    data = {"name": path.name.removesuffix(".yaml").removesuffix(".yml"), **data}
    try:
        desk = DeskConfig.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(f"{_where(dict(e))}: {e['msg']}" for e in exc.errors())
        raise DeskConfigError(f"{path}: {problems}") from None
    if secrets:
        for field, ref in (("webhook.secret", desk.webhook.secret), ("credentials.token", desk.credentials.token)):
            try:
                ref.load()
            except ValueError as exc:
                raise DeskConfigError(f"{path}: {field}: {exc}") from None
    return desk


def desk_files(directory: Path) -> list[Path]:
    """The desk YAML files of a directory, sorted; `*.example.yaml` are skipped."""
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.iterdir()
                  if p.is_file() and re.search(r"\.ya?ml$", p.name) and not re.search(r"\.example\.ya?ml$", p.name))


def load_desks(directory: Path, *, secrets: bool = True) -> dict[str, DeskConfig]:
    """Every desk configured in `directory` by name (missing directory: none). `secrets=False` skips reading the
    secrets (a syntax check). Raises `DeskConfigError` naming the file and field of the first problem."""
    desks: dict[str, DeskConfig] = {}
    for path in desk_files(directory):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            raise DeskConfigError(f"{path}: cannot read it as YAML: {exc}") from None
        desk = parse_desk(path, data, secrets=secrets)
        if desk.name in desks:
            raise DeskConfigError(f"{path}: name: desk {desk.name!r} is configured twice")
        desks[desk.name] = desk
    return desks
