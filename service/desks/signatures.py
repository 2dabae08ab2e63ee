"""Webhook verification, one scheme per desk kind; each answers the delivery id to deduplicate on.

- Zendesk: `X-Zendesk-Webhook-Signature` = base64(HMAC-SHA256(signing secret, timestamp + raw body)), with
  `X-Zendesk-Webhook-Signature-Timestamp` (ISO-8601) within the desk's replay window; delivery id:
  `X-Zendesk-Webhook-Invocation-Id`.
- Freshdesk (no signature of its own): a shared secret in a configured header, or basic auth; delivery id: the
  SHA-256 of the raw body (Freshdesk's retries resend the same body).
- Zammad: `X-Hub-Signature: sha1=<hex HMAC-SHA1(token, raw body)>`; delivery id: `X-Zammad-Delivery`.

Every comparison is constant-time. Any failure raises `WebhookRefused` (401) with a reason that never echoes a
secret.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from collections.abc import Mapping
from datetime import UTC, datetime

from service.desks.config import DeskConfig

ZENDESK_SIGNATURE = "x-zendesk-webhook-signature"
ZENDESK_TIMESTAMP = "x-zendesk-webhook-signature-timestamp"
ZENDESK_INVOCATION = "x-zendesk-webhook-invocation-id"
ZAMMAD_SIGNATURE = "x-hub-signature"
ZAMMAD_DELIVERY = "x-zammad-delivery"


class WebhookRefused(Exception):
    """The webhook request did not prove it comes from the desk (missing/bad secret or signature, stale)."""


def _same(presented: str | bytes, expected: str | bytes) -> bool:
    a = presented.encode() if isinstance(presented, str) else presented
    b = expected.encode() if isinstance(expected, str) else expected
    return hmac.compare_digest(a, b)


def zendesk_signature(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def zammad_signature(token: str, body: bytes) -> str:
    return "sha1=" + hmac.new(token.encode(), body, hashlib.sha1).hexdigest()


def parse_timestamp(value: str) -> datetime:
    """An ISO-8601 timestamp as Zendesk sends it (`2026-12-04T05:00:00Z`); naive means UTC."""
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise WebhookRefused(f"{ZENDESK_TIMESTAMP} is not an ISO-8601 timestamp") from None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed


def verify_zendesk(desk: DeskConfig, headers: Mapping[str, str], body: bytes, now: datetime) -> str:
    signature, timestamp = headers.get(ZENDESK_SIGNATURE), headers.get(ZENDESK_TIMESTAMP)
    if not signature or not timestamp:
        raise WebhookRefused(f"missing {ZENDESK_SIGNATURE} or {ZENDESK_TIMESTAMP} header")
    age = abs((now - parse_timestamp(timestamp)).total_seconds())
    if age > desk.replay_window_seconds:
        raise WebhookRefused(f"stale webhook: its timestamp is {age:.0f} s from now; the window is "
                             f"{desk.replay_window_seconds} s")
    if not _same(signature.strip(), zendesk_signature(desk.webhook.secret.get(), timestamp, body)):
        raise WebhookRefused(f"bad {ZENDESK_SIGNATURE}: not the HMAC-SHA256 of timestamp + body under the desk's "
                             "signing secret")
    invocation = headers.get(ZENDESK_INVOCATION)
    # Without an invocation id (an old or hand-made request) the signature itself identifies the delivery.
    return invocation.strip() if invocation else "sig:" + signature.strip()


def _basic_credentials(header: str | None) -> tuple[str, str] | None:
    if not header or not header.lower().startswith("basic "):
        return None
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    user, sep, password = decoded.partition(":")
    return (user, password) if sep else None


def verify_freshdesk(desk: DeskConfig, headers: Mapping[str, str], body: bytes) -> str:
    secret = desk.webhook.secret.get()
    if desk.scheme == "basic":
        credentials = _basic_credentials(headers.get("authorization"))
        if credentials is None:
            raise WebhookRefused("missing basic auth (Authorization: Basic ...)")
        user_ok = _same(credentials[0], desk.webhook.username or "")
        if not (_same(credentials[1], secret) and user_ok):
            raise WebhookRefused("bad basic-auth user or password")
    else:
        presented = headers.get(desk.webhook.header.lower())
        if not presented:
            raise WebhookRefused(f"missing {desk.webhook.header} header")
        if not _same(presented.strip(), secret):
            raise WebhookRefused(f"bad {desk.webhook.header} header")
    return "sha256:" + hashlib.sha256(body).hexdigest()


def verify_zammad(desk: DeskConfig, headers: Mapping[str, str], body: bytes) -> str:
    presented = headers.get(ZAMMAD_SIGNATURE)
    if not presented:
        raise WebhookRefused("missing X-Hub-Signature header")
    if not _same(presented.strip(), zammad_signature(desk.webhook.secret.get(), body)):
        raise WebhookRefused("bad X-Hub-Signature: not sha1=<HMAC-SHA1 of the body under the trigger's token>")
    delivery = headers.get(ZAMMAD_DELIVERY)
    return delivery.strip() if delivery else "sha256:" + hashlib.sha256(body).hexdigest()


def verify(desk: DeskConfig, headers: Mapping[str, str], body: bytes, *, now: datetime | None = None) -> str:
    """Check the request against the desk's scheme; the delivery id to deduplicate on. Header names are looked up
    lower-cased (pass Starlette's `Headers`, or a dict with lower-case keys)."""
    if desk.kind == "zendesk":
        return verify_zendesk(desk, headers, body, now or datetime.now(UTC))
    if desk.kind == "freshdesk":
        return verify_freshdesk(desk, headers, body)
    return verify_zammad(desk, headers, body)
