"""Each desk's webhook proof: good, bad, missing and (Zendesk) stale requests; the delivery id to deduplicate on."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from service.desks.config import DeskConfig, load_desks
from service.desks.signatures import WebhookRefused, verify, zammad_signature, zendesk_signature
from tests.service.desks.helpers import FRESHDESK_SECRET, basic, desk_dir, signed

BODY = b'{"event": "created", "ticket": {"id": "1"}}'


@pytest.fixture()
def desks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, DeskConfig]:
    return load_desks(desk_dir(tmp_path, monkeypatch, freshdesk=""))


def lower(headers: dict[str, str]) -> dict[str, str]:
    return {k.lower(): v for k, v in headers.items()}


def test_signatures_match_the_documented_algorithms() -> None:
    # base64(HMAC-SHA256(secret, timestamp + body)) and sha1=<hex HMAC-SHA1(token, body)>, computed independently
    import base64
    import hmac
    expected = base64.b64encode(hmac.new(b"k", b"2026-01-01T00:00:00Z" + BODY, hashlib.sha256).digest()).decode()
    assert zendesk_signature("k", "2026-01-01T00:00:00Z", BODY) == expected
    assert zammad_signature("k", BODY) == "sha1=" + hmac.new(b"k", BODY, hashlib.sha1).hexdigest()


def test_zendesk_good_bad_missing_stale(desks: dict[str, DeskConfig]) -> None:
    desk = desks["zendesk"]
    good = lower(signed("zendesk", BODY, delivery="inv-1"))
    assert verify(desk, good, BODY) == "inv-1"
    with pytest.raises(WebhookRefused, match="bad x-zendesk-webhook-signature"):
        verify(desk, good, BODY + b" ")  # the body changed after signing
    with pytest.raises(WebhookRefused, match="bad"):
        verify(desk, lower(signed("zendesk", BODY, secret="another-secret")), BODY)
    with pytest.raises(WebhookRefused, match="missing"):
        verify(desk, {k: v for k, v in good.items() if k != "x-zendesk-webhook-signature"}, BODY)
    with pytest.raises(WebhookRefused, match="missing"):
        verify(desk, {k: v for k, v in good.items() if k != "x-zendesk-webhook-signature-timestamp"}, BODY)
    old = datetime.now(UTC) - timedelta(seconds=desk.replay_window_seconds + 60)
    with pytest.raises(WebhookRefused, match="stale webhook"):
        verify(desk, lower(signed("zendesk", BODY, when=old)), BODY)
    future = datetime.now(UTC) + timedelta(hours=1)
    with pytest.raises(WebhookRefused, match="stale webhook"):
        verify(desk, lower(signed("zendesk", BODY, when=future)), BODY)
    with pytest.raises(WebhookRefused, match="not an ISO-8601"):
        verify(desk, {**good, "x-zendesk-webhook-signature-timestamp": "yesterday"}, BODY)


def test_zendesk_timestamp_is_part_of_the_signature(desks: dict[str, DeskConfig]) -> None:
    headers = lower(signed("zendesk", BODY))
    moved = (datetime.now(UTC) - timedelta(seconds=5)).strftime("%Y-%m-%dT%H:%M:%SZ")
    with pytest.raises(WebhookRefused, match="bad"):  # a replayed signature under a fresh timestamp
        verify(desks["zendesk"], {**headers, "x-zendesk-webhook-signature-timestamp": moved}, BODY)


def test_freshdesk_shared_secret_header(desks: dict[str, DeskConfig]) -> None:
    desk = desks["freshdesk"]
    delivery = verify(desk, lower(signed("freshdesk", BODY)), BODY)
    assert delivery == "sha256:" + hashlib.sha256(BODY).hexdigest()  # a retry resends the same body: same id
    with pytest.raises(WebhookRefused, match="bad X-Deskmate-Secret"):
        verify(desk, {"x-deskmate-secret": FRESHDESK_SECRET + "x"}, BODY)
    with pytest.raises(WebhookRefused, match="missing X-Deskmate-Secret"):
        verify(desk, {}, BODY)


def test_freshdesk_basic_auth(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    directory = desk_dir(tmp_path, monkeypatch)
    (directory / "freshdesk.yaml").write_text(
        "kind: freshdesk\nbase_url: https://x.example\ncredentials: {token: {env: TEST_FD_KEY}}\n"
        "webhook: {scheme: basic, username: hook, secret: {env: TEST_FD_SECRET}}\n", encoding="utf-8")
    desk = load_desks(directory)["freshdesk"]
    assert verify(desk, {"authorization": basic("hook", FRESHDESK_SECRET)}, BODY).startswith("sha256:")
    for header in (basic("hook", "wrong"), basic("other", FRESHDESK_SECRET), "Basic !!!", "Bearer abc"):
        with pytest.raises(WebhookRefused):
            verify(desk, {"authorization": header}, BODY)
    with pytest.raises(WebhookRefused, match="missing basic auth"):
        verify(desk, {}, BODY)


def test_zammad_hub_signature(desks: dict[str, DeskConfig]) -> None:
    desk = desks["zammad"]
    assert verify(desk, lower(signed("zammad", BODY, delivery="z-9")), BODY) == "z-9"
    with pytest.raises(WebhookRefused, match="bad X-Hub-Signature"):
        verify(desk, lower(signed("zammad", BODY, secret="nope")), BODY)
    with pytest.raises(WebhookRefused, match="bad X-Hub-Signature"):
        verify(desk, {"x-hub-signature": "sha1=" + "0" * 40}, BODY)
    with pytest.raises(WebhookRefused, match="missing X-Hub-Signature"):
        verify(desk, {"x-zammad-delivery": "z-9"}, BODY)
