"""The quality dashboard's page and JSON: the daily series over HTTP, the model history, keys and scopes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from models.registry import ModelRegistry
from service.app import create_app
from service.settings import AuthSettings, StoreSettings
from service.state import state_of
from service.store.keys import create_key
from tests.service.test_api import assert_error_shape
from tests.service.test_quality_series import seed
from tests.service.test_retrieval_api import index_dir, make_settings  # noqa: F401

pytestmark = pytest.mark.keys_on
DAILY = "/v1/metrics/quality/daily"


@pytest.fixture()
def client(trained_model_dir: Path, index_dir: Path, tmp_path: Path) -> Iterator[TestClient]:  # noqa: F811
    settings = make_settings(trained_model_dir, index_dir, tmp_path / "var",
                             store=StoreSettings(url=f"sqlite:///{tmp_path / 'deskmate.db'}"),
                             auth=AuthSettings(cache_seconds=0))
    with TestClient(create_app(settings)) as c:
        yield c


def bearer(client: TestClient, *scopes: str) -> dict[str, str]:
    _, secret = create_key(state_of(client.app).require_store(), name="-".join(scopes), scopes=list(scopes))
    return {"authorization": f"Bearer {secret}"}


def test_the_series_over_http(client: TestClient) -> None:
    seed(state_of(client.app).require_store())
    metrics = bearer(client, "metrics")
    out = client.get(DAILY, params={"from": "2026-11-02", "to": "2026-11-04"}, headers=metrics)
    assert out.status_code == 200, out.text
    body = out.json()
    assert (body["first_day"], body["last_day"]) == ("2026-11-02", "2026-11-04")
    assert [d["acceptance_rate"] for d in body["days"]] == [0.3333, 0.5, None]
    assert [d["reviewed"] for d in body["days"]] == [3, 2, 0]
    assert body["days"][0]["override_by_topic"]["billing"]["override_rate"] == 1.0
    assert body["totals"]["acceptance_rate"] == 0.4 and body["reasons"] == ["other", "wrong_facts"]
    default = client.get(DAILY, headers=metrics).json()
    assert len(default["days"]) == 30 and default["totals"]["suggestions"] == 0  # the seeded days are long past


def test_bad_ranges_get_422(client: TestClient) -> None:
    metrics = bearer(client, "metrics")
    later = client.get(DAILY, params={"from": "2026-11-05", "to": "2026-11-01"}, headers=metrics)
    assert "must not be after" in assert_error_shape(later, 422, "invalid_input")["error"]["message"]
    long = client.get(DAILY, params={"from": "2024-01-01", "to": "2026-01-01"}, headers=metrics)
    assert "at most 366" in assert_error_shape(long, 422, "invalid_input")["error"]["message"]
    assert_error_shape(client.get(DAILY, params={"from": "yesterday"}, headers=metrics), 422, "validation_error")
    for edge in ({"to": "0001-01-05"}, {"from": "9999-12-30", "to": "9999-12-31"}):  # no overflow: a clear 422
        assert "must lie between" in assert_error_shape(client.get(DAILY, params=edge, headers=metrics), 422,
                                                        "invalid_input")["error"]["message"]


def test_data_needs_the_metrics_scope_and_pages_need_no_key(client: TestClient) -> None:
    agent = bearer(client, "agent", "route")
    for path in (DAILY, "/v1/models/history"):
        assert_error_shape(client.get(path), 401, "unauthorized")
        assert_error_shape(client.get(path, headers=agent), 403, "forbidden")
    page = client.get("/app/quality")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "frame-ancestors 'self'" in page.headers["content-security-policy"]
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert '<script src="/app/quality/static/quality.js"' in page.text and "cdn" not in page.text.lower()
    for name, media in (("quality.js", "text/javascript"), ("charts.js", "text/javascript"),
                        ("login.js", "text/javascript"), ("quality.css", "text/css")):
        asset = client.get(f"/app/quality/static/{name}")
        assert asset.status_code == 200 and asset.headers["content-type"].startswith(media), name
    assert_error_shape(client.get("/app/quality/static/secrets.env"), 404, "not_found")
    assert_error_shape(client.get("/app/quality/static/..%2Findex.html"), 404, "not_found")
    compact = client.get("/app/compact", params={"suggestion": "sug_1"})
    assert compact.status_code == 200 and "frame-ancestors *" in compact.headers["content-security-policy"]
    assert client.get("/app/zendesk/sidebar.js").status_code == 200
    assert_error_shape(client.get("/app/zendesk/manifest.json"), 404, "not_found")
    paths = client.get("/openapi.json", headers=agent).json()["paths"]
    assert DAILY in paths and "/v1/models/history" in paths and "/app/quality" not in paths


def test_model_history_lists_versions_promotions_and_rollbacks(client: TestClient,
                                                               trained_model_dir: Path) -> None:
    state = state_of(client.app)
    registry = ModelRegistry(state.settings.model_registry_dir)
    first = registry.register(trained_model_dir, version="v1")
    second = registry.register(trained_model_dir, version="v2")
    registry.promote(first, reason="first model")
    registry.promote(second, reason="better macro F1")
    registry.rollback(reason="agents complained")
    out = client.get("/v1/models/history", headers=bearer(client, "metrics"))
    assert out.status_code == 200, out.text
    body = out.json()
    assert [(e["action"], e["version"], e["reason"]) for e in body["events"]] == [
        ("rollback", "v1", "agents complained"), ("promote", "v2", "better macro F1"), ("promote", "v1", "first model")]
    assert body["events"][0]["previous"] == "v2"
    assert body["registry_active"] == "v1" and body["model_dir_pinned"] is True
    assert {v["version"]: (v["active"], v["rollback_target"]) for v in body["versions"]} == {
        "v1": (True, False), "v2": (False, False)}
    assert body["served_model_version"] == state.require_engine().model.version
    assert body["index_version"] == state.index.version and body["index_version"]


def test_model_history_without_a_registry(client: TestClient) -> None:
    body = client.get("/v1/models/history", headers=bearer(client, "metrics")).json()
    assert body["versions"] == [] and body["events"] == [] and body["registry_active"] is None
