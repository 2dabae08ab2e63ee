"""API keys with scopes on every endpoint but health and readiness, on SQLite and on the real PostgreSQL."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from scripts.cli import app as cli
from service.app import create_app
from service.settings import AuthSettings, StoreSettings
from service.state import state_of
from service.store.keys import create_key, revoke_key
from service.store.tables import ApiKeyRow
from tests.service.test_api import assert_error_shape
from tests.service.test_retrieval_api import index_dir, make_settings  # noqa: F401

pytestmark = pytest.mark.keys_on

TICKET = {"id": "ZD-7", "subject": "Charged twice", "body": "my credit card invoice was charged twice this month"}
CASE = {"id": "c-new", "subject": "Export", "body": "csv export fails", "resolution": "Retry after 4.2."}
# (method, path, body, the scope it needs)
ENDPOINTS: list[tuple[str, str, dict[str, Any] | None, str]] = [
    ("POST", "/v1/route", TICKET, "route"),
    ("POST", "/v1/route/batch", {"tickets": [TICKET]}, "route"),
    ("POST", "/v1/similar", TICKET, "route"),
    ("POST", "/v1/suggest", TICKET, "route"),
    ("POST", "/v1/suggest/stream", TICKET, "route"),
    ("POST", "/v1/suggestions/sug_x/feedback", {"action": "accepted", "agent_id": "a"}, "agent"),
    ("POST", "/v1/tickets/ZD-7/resolution", {"topic": "billing", "reply": "Refunded."}, "agent"),
    ("GET", "/v1/metrics/quality", None, "metrics"),
    ("POST", "/v1/cases", {"cases": [CASE]}, "ingest"),
    ("DELETE", "/v1/cases/c1", None, "ingest"),
    ("POST", "/v1/admin/index/swap", {"path": "/nowhere"}, "admin"),
    ("POST", "/v1/admin/model/reload", None, "admin"),
]


@pytest.fixture()
def client(trained_model_dir: Path, index_dir: Path, tmp_path: Path,  # noqa: F811
           store_url: str) -> Iterator[TestClient]:
    settings = make_settings(trained_model_dir, index_dir, tmp_path / "var", store=StoreSettings(url=store_url),
                             auth=AuthSettings(cache_seconds=0), admin_token="adm-bootstrap-token")
    with TestClient(create_app(settings)) as c:
        yield c


def key(client: TestClient, *scopes: str, name: str = "desk-plugin") -> str:
    _, secret = create_key(state_of(client.app).require_store(), name=name, scopes=list(scopes))
    return secret


def call(client: TestClient, method: str, path: str, body: dict[str, Any] | None,
         secret: str | None = None, **params: str) -> Any:
    headers = {"authorization": f"Bearer {secret}"} if secret else {}
    return client.request(method, path, json=body, headers=headers, params=params or None)


def test_health_and_readiness_need_no_key(client: TestClient) -> None:
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 200


def test_every_other_endpoint_refuses_a_missing_or_unknown_key(client: TestClient) -> None:
    forged = "dm_0123456789ab_" + "x" * 43
    for method, path, body, _ in ENDPOINTS:
        assert_error_shape(call(client, method, path, body), 401, "unauthorized")
        assert_error_shape(call(client, method, path, body, forged), 401, "unauthorized")
        assert_error_shape(call(client, method, path, body, "not-a-key"), 401, "unauthorized")


def test_a_key_opens_only_the_endpoints_of_its_scopes(client: TestClient) -> None:
    secrets = {scope: key(client, scope, name=f"{scope}-key") for scope in ("route", "agent", "ingest", "metrics")}
    secrets["admin"] = "adm-bootstrap-token"  # the settings' bootstrap key holds the admin scope only
    for method, path, body, needed in ENDPOINTS:
        for scope, secret in secrets.items():
            response = call(client, method, path, body, secret)
            if scope == needed:
                assert response.status_code not in (401, 403), (path, scope, response.text)
            else:
                payload = assert_error_shape(response, 403, "forbidden")
                assert needed in payload["error"]["message"]


def test_a_revoked_key_is_refused(client: TestClient) -> None:
    store = state_of(client.app).require_store()
    api_key, secret = create_key(store, name="old-plugin", scopes=["route"])
    assert call(client, "POST", "/v1/route", TICKET, secret).status_code == 200
    revoke_key(store, api_key.key_id)
    assert_error_shape(call(client, "POST", "/v1/route", TICKET, secret), 401, "unauthorized")


def test_a_key_in_the_url_is_refused_even_with_a_good_header(client: TestClient) -> None:
    secret = key(client, "route")
    for name in ("api_key", "token", "key"):
        assert_error_shape(call(client, "POST", "/v1/route", TICKET, secret, **{name: secret}), 401, "unauthorized")


def test_only_a_digest_is_stored_and_the_log_names_the_key_not_the_secret(
        client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    secret = key(client, "route", name="zendesk-sidebar")
    with caplog.at_level(logging.INFO, logger="deskmate"):
        assert call(client, "POST", "/v1/route", TICKET, secret).status_code == 200
    lines = [r for r in caplog.records if r.getMessage() == "request" and getattr(r, "path", "") == "/v1/route"]
    assert lines and lines[-1].key == "zendesk-sidebar"  # type: ignore[attr-defined]
    assert all(secret not in r.getMessage() and secret not in str(r.__dict__) for r in caplog.records)
    store = state_of(client.app).require_store()
    with store.session() as session:
        rows = session.scalars(select(ApiKeyRow)).all()
    assert rows and all(secret.split("_")[-1] not in (r.secret_sha256, r.name, r.key_id) for r in rows)
    assert all(len(r.secret_sha256) == 64 for r in rows)


def test_without_a_store_keys_cannot_be_checked_so_requests_fail_closed(trained_model_dir: Path, index_dir: Path,  # noqa: F811
                                                                       tmp_path: Path) -> None:
    settings = make_settings(trained_model_dir, index_dir, tmp_path / "var",
                             store=StoreSettings(url="postgresql+psycopg://x@127.0.0.1:1/none?connect_timeout=2"))
    with TestClient(create_app(settings)) as c:
        response = call(c, "POST", "/v1/route", TICKET, "dm_0123456789ab_" + "y" * 43)
        assert_error_shape(response, 503, "not_ready")


def test_openapi_declares_the_bearer_scheme_and_the_401_and_403(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    assert schema["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
    route = schema["paths"]["/v1/route"]["post"]
    assert route["security"] == [{"HTTPBearer": []}] and {"401", "403"} <= set(route["responses"])
    assert "security" not in schema["paths"]["/healthz"]["get"]


def test_keys_cli_creates_lists_and_revokes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DESKMATE_DATA_DIR", str(tmp_path))
    runner = CliRunner()
    created = runner.invoke(cli, ["keys", "create", "--name", "zammad", "--scope", "route", "--scope", "agent"])
    assert created.exit_code == 0, created.output
    secret = created.stdout.strip().splitlines()[-1]
    assert secret.startswith("dm_")
    listed = runner.invoke(cli, ["keys", "list"])
    assert "zammad" in listed.stdout and secret not in listed.stdout and '"agent", "route"' in listed.stdout
    key_id = secret.split("_")[1]
    revoked = runner.invoke(cli, ["keys", "revoke", key_id])
    assert revoked.exit_code == 0 and '"revoked_at": null' not in revoked.stdout
    bad = runner.invoke(cli, ["keys", "create", "--name", "x", "--scope", "everything"])
    assert bad.exit_code == 2 and "scopes must be some of" in bad.output
