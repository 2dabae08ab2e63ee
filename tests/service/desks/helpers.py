"""Desk test helpers: YAML configs in a temporary directory, filled payload templates, signed webhook headers."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from service.desks.signatures import zammad_signature, zendesk_signature

TEMPLATES = Path(__file__).resolve().parents[3] / "config" / "desks" / "templates"
ZENDESK_SECRET = "zd-signing-secret-0123456789"
FRESHDESK_SECRET = "fd-shared-secret-0123456789"
ZAMMAD_TOKEN = "zm-hmac-token-0123456789"

DESK_YAML = {
    "zendesk": """kind: zendesk
base_url: https://acme.zendesk.example
credentials: {email: bot@acme.example, token: {env: TEST_ZD_TOKEN}}
webhook: {secret: {env: TEST_ZD_SECRET}}
mapping: {tier: {tags: {tier_enterprise: enterprise}}}
groups: {billing: 111, technical-support: 222}
""",
    "freshdesk": """kind: freshdesk
base_url: https://acme.freshdesk.example
credentials: {token: {env: TEST_FD_KEY}}
webhook: {scheme: header, header: X-Deskmate-Secret, secret: {env: TEST_FD_SECRET}}
groups: {billing: 8001}
""",
    "zammad": """kind: zammad
base_url: https://zammad.acme.example
credentials: {token: {env: TEST_ZM_TOKEN}}
webhook: {secret: {env: TEST_ZM_SECRET}}
mapping: {solved_statuses: [closed]}
groups: {billing: 3}
""",
}


def set_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {"TEST_ZD_TOKEN": "zd-api", "TEST_ZD_SECRET": ZENDESK_SECRET, "TEST_FD_KEY": "fd-api",
                        "TEST_FD_SECRET": FRESHDESK_SECRET, "TEST_ZM_TOKEN": "zm-api",
                        "TEST_ZM_SECRET": ZAMMAD_TOKEN}.items():
        monkeypatch.setenv(name, value)


def desk_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, **extra: str) -> Path:
    """A config directory with the three test desks (named zendesk, freshdesk, zammad) and their secrets set."""
    set_secrets(monkeypatch)
    directory = tmp_path / "desks"
    directory.mkdir(exist_ok=True)
    for name, text in DESK_YAML.items():
        (directory / f"{name}.yaml").write_text(text + extra.get(name, ""), encoding="utf-8")
    return directory


VALUES: dict[str, dict[str, str]] = {
    "zendesk": {"{{ticket.id}}": "4711", "{{ticket.title}}": "Charged twice",
                "{{ticket.description}}": "My credit card invoice was charged twice this month, please refund one.",
                "{{ticket.latest_comment}}": "Still waiting for the refund, any news?",
                "{{ticket.latest_public_comment}}": "I refunded the duplicate charge; it shows in 5 days.",
                "{{ticket.requester.name}}": "Ana Souza", "{{ticket.via}}": "Mail",
                "{{ticket.tags}}": "invoice tier_enterprise", "{{ticket.priority}}": "normal",
                "{{ticket.status}}": "open"},
    "freshdesk": {"{{ticket.id}}": "88", "{{ticket.subject}}": "Cannot log in",
                  "{{ticket.description}}": "<div>I <b>cannot</b> log in since the password reset.</div>",
                  "{{ticket.latest_public_comment}}": "Reset your password from the login page link.",
                  "{{ticket.requester.name}}": "Bo Li", "{{ticket.source}}": "Portal",
                  "{{ticket.tags}}": "login,urgent", "{{ticket.priority}}": "Medium", "{{ticket.status}}": "Open"},
    "zammad": {"#{ticket.id}": "81", "#{ticket.title}": "App is slow",
               "#{ticket.customer.fullname}": "Emily Adams", "#{ticket.state.name}": "open",
               "#{article.body}": "The dashboard takes a minute to load.<br>Since Monday.",
               "#{article.type.name}": "email", "#{article.sender.name}": "Customer"},
}


def filled(kind: str, event: str, **overrides: str) -> dict[str, Any]:
    """The shipped template of a desk and event with its placeholders filled, as the desk would send it."""
    text = (TEMPLATES / f"{kind}-{event}.json").read_text(encoding="utf-8")
    for placeholder, value in {**VALUES[kind], **overrides}.items():
        text = text.replace(placeholder, json.dumps(value)[1:-1])
    data: dict[str, Any] = json.loads(text)
    return data


def signed(kind: str, body: bytes, *, delivery: str = "d-1", when: datetime | None = None,
           secret: str | None = None) -> dict[str, str]:
    """The headers the desk would send with `body`."""
    if kind == "zendesk":
        stamp = (when or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
        return {"X-Zendesk-Webhook-Signature": zendesk_signature(secret or ZENDESK_SECRET, stamp, body),
                "X-Zendesk-Webhook-Signature-Timestamp": stamp, "X-Zendesk-Webhook-Invocation-Id": delivery,
                "Content-Type": "application/json"}
    if kind == "freshdesk":
        return {"X-Deskmate-Secret": secret or FRESHDESK_SECRET, "Content-Type": "application/json"}
    return {"X-Hub-Signature": zammad_signature(secret or ZAMMAD_TOKEN, body), "X-Zammad-Delivery": delivery,
            "Content-Type": "application/json"}


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def body_of(data: dict[str, Any]) -> bytes:
    return json.dumps(data).encode()
