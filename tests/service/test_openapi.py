"""The OpenAPI document states the real rules, and /docs and /redoc work offline (no CDN, no key)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from service.app import create_app
from service.errors import ErrorResponse
from service.settings import ApiSettings, AuthSettings, Settings
from tests.service.test_api import assert_error_shape, make_settings, ticket

PUBLIC = {("get", "/healthz"), ("get", "/readyz")}  # the only operations without a key
METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    # No lifespan: the document needs no models (read from the app: /openapi.json is off by default).
    document: dict[str, Any] = create_app(Settings(auth=AuthSettings(disabled=False))).openapi()
    return document


def operations(spec: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield method, path, operation


def error_statuses(operation: dict[str, Any]) -> set[int]:
    return {int(s) for s in operation["responses"] if s.isdigit() and int(s) >= 400}


def test_every_operation_but_health_and_readiness_needs_the_bearer_key(spec: dict[str, Any]) -> None:
    assert spec["components"]["securitySchemes"]["HTTPBearer"] == {
        "type": "http", "scheme": "bearer", "description": "An API key (`deskmate keys create`), e.g. `dm_…`."}
    keyed = [(m, p) for m, p, op in operations(spec) if op.get("security") == [{"HTTPBearer": []}]]
    public = {(m, p) for m, p, op in operations(spec) if "security" not in op}
    assert public == PUBLIC and len(keyed) == len(list(operations(spec))) - len(PUBLIC) >= 13
    for method, path, operation in operations(spec):
        if (method, path) in PUBLIC:
            continue
        assert {401, 403, 429, 503} <= error_statuses(operation), (method, path)
        assert "Retry-After" in operation["responses"]["429"]["headers"], (method, path)


def test_ids_in_paths_are_constrained_and_can_be_missing(spec: dict[str, Any]) -> None:
    with_ids = 0
    for method, path, operation in operations(spec):
        path_params = [p for p in operation.get("parameters", []) if p["in"] == "path"]
        if not path_params:
            continue
        with_ids += 1
        assert 404 in error_statuses(operation), (method, path)
        assert 422 in error_statuses(operation) or all(p["schema"].get("type") == "string" for p in path_params)
    assert with_ids >= 3  # case delete, feedback, resolution


def test_bodies_declare_their_limits_media_type_and_validation(spec: dict[str, Any]) -> None:
    for method, path, operation in operations(spec):
        if "requestBody" not in operation:
            continue
        assert {408, 413, 415, 422} <= error_statuses(operation), (method, path)
        body_schema = operation["requestBody"]["content"]["application/json"]["schema"]
        model = spec["components"]["schemas"][body_schema["$ref"].rsplit("/", 1)[-1]]
        required = model.get("required", [])  # or, for a one-field body, examples of its fields
        field_examples = bool(required) and all("examples" in model["properties"][name] for name in required)
        assert model.get("examples") or field_examples, f"{method} {path}: no request example"


def test_every_error_answer_is_the_one_shape_with_an_example(spec: dict[str, Any]) -> None:
    for method, path, operation in operations(spec):
        for status in error_statuses(operation):
            if (method, path, status) == ("get", "/readyz", 503):  # readiness answers with its own body
                continue
            content = operation["responses"][str(status)]["content"]["application/json"]
            assert content["schema"] == {"$ref": "#/components/schemas/ErrorResponse"}, (method, path, status)
            example = ErrorResponse.model_validate(content["example"])
            assert example.error.code and example.error.message


def test_the_schema_states_constraints(spec: dict[str, Any]) -> None:
    schemas = spec["components"]["schemas"]
    feedback = next(op for m, p, op in operations(spec) if p.endswith("/feedback"))
    suggestion_id = next(p for p in feedback["parameters"] if p["name"] == "suggestion_id")
    assert suggestion_id["schema"]["pattern"] and suggestion_id["required"]
    assert schemas["TicketIn"]["properties"]["channel"]["enum"]
    assert {alt["required"][0] for alt in schemas["TicketIn"]["anyOf"]} == {"subject", "body"}
    assert schemas["CasesIn"]["properties"]["cases"]["maxItems"] == 1000
    assert len(schemas["FeedbackIn"]["oneOf"]) == 3  # what goes with accepted, edited, rejected
    stream = spec["paths"]["/v1/suggest/stream"]["post"]["responses"]["200"]["content"]
    assert list(stream) == ["text/event-stream"]


def asset_urls(html: str) -> list[str]:
    return re.findall(r'(?:src|href)\s*=\s*["\']([^"\']+)["\']', html) + re.findall(r"url:\s*'([^']+)'", html)


@pytest.mark.keys_on
def test_docs_and_redoc_load_only_local_assets_and_need_no_key() -> None:
    client = TestClient(create_app(Settings(auth=AuthSettings(disabled=False))))
    kinds = {".js": "javascript", ".css": "text/css", ".png": "image/png", ".json": "application/json"}
    for page in ("/docs", "/redoc"):
        response = client.get(page)
        assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
        html = response.text
        assert "://" not in html.replace("http://www.w3.org", ""), f"{page} names an outside URL"
        urls = asset_urls(html) + re.findall(r'spec-url="([^"]+)"', html)
        assert any(u.endswith(".js") for u in urls) and any(u.endswith(".png") for u in urls), urls
        for url in urls:  # each one is served here, without a key, with its media type
            assert url.startswith("/") and not url.startswith("//"), url
            asset = client.get(url)
            assert asset.status_code == 200, url
            assert kinds[Path(url).suffix] in asset.headers["content-type"], url
    assert '"validatorUrl": null' in client.get("/docs").text  # no call to the online validator either


def test_docs_are_off_by_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DESKMATE_API__DOCS", raising=False)
    client = TestClient(create_app(Settings(data_dir=tmp_path)))
    for path in ("/docs", "/redoc", "/openapi.json", "/docs-assets/favicon.png"):
        assert_error_shape(client.get(path), 404, "not_found")


def test_docs_can_be_switched_off(tmp_path: Path) -> None:
    client = TestClient(create_app(Settings(data_dir=tmp_path, api=ApiSettings(docs=False))))
    for path in ("/docs", "/redoc", "/openapi.json", "/docs-assets/favicon.png"):
        assert_error_shape(client.get(path), 404, "not_found")


def test_the_error_statuses_the_schema_promises_for_bodies(trained_model_dir: Path, tmp_path: Path) -> None:
    with TestClient(create_app(make_settings(trained_model_dir, tmp_path))) as client:
        for content_type in ("text/plain", "application/x-www-form-urlencoded", None):
            headers = {"content-type": content_type} if content_type else {}
            response = client.post("/v1/route", content=b'{"subject": "x"}', headers=headers)
            payload = assert_error_shape(response, 415, "unsupported_media_type")
            assert "application/json" in payload["error"]["message"]
        not_utf8 = client.post("/v1/route", content=b'{"subject": "caf\xe9"}',
                               headers={"content-type": "application/json"})
        assert_error_shape(not_utf8, 422, "malformed_json")
        assert_error_shape(client.post("/v1/route", json=[1, 2]), 422, "validation_error")  # JSON, not an object
        assert_error_shape(client.post("/v1/route", json=ticket(tags="billing")), 422, "validation_error")
        # strict types: what the schema says, not what pydantic could coerce
        resolution = {"topic": "billing", "reply": "Refunded.", "subject": "Charged twice", "new_label": 0}
        assert_error_shape(client.post("/v1/tickets/T-1/resolution", json=resolution), 422, "validation_error")
        assert client.post("/v1/tickets/T-1/resolution", json={**resolution, "new_label": False}).status_code == 200
        assert_error_shape(client.get("/v1/metrics/quality", params={"until": "0.5"}), 422, "validation_error")
        assert client.get("/v1/metrics/quality", params={"until": "2026-11-01"}).status_code in (200, 503)
