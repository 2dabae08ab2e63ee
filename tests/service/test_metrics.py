"""GET /metrics: what a scrape shows after real requests, the `metrics` scope, switching metrics off."""

from __future__ import annotations

import socket
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from service.app import create_app
from service.jobs.base import STATES
from service.metrics.collectors import ABSTAINED, UNMATCHED
from service.metrics.lifecycle import metrics_of
from service.settings import AuthSettings, ChangeLogSettings, MetricsSettings
from service.state import state_of
from service.store.keys import create_key
from tests.service.test_api import assert_error_shape
from tests.service.test_retrieval_api import index_dir, make_settings  # noqa: F401

TICKET = {"id": "ZD-7", "subject": "Charged twice", "body": "my credit card invoice was charged twice this month"}
OOS = {"subject": "weather", "body": "what is the weather in paris tell me a joke about cats recipe for banana bread"}

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def scrape(client: TestClient, **headers: str) -> Samples:
    response = client.get("/metrics", headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    return {(s.name, frozenset(s.labels.items())): s.value
            for family in text_string_to_metric_families(response.text) for s in family.samples}


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def total(samples: Samples, name: str, **labels: str) -> float:
    """Sum over the samples of `name` whose labels include `labels`."""
    wanted = set(labels.items())
    return sum(v for (n, ls), v in samples.items() if n == name and wanted <= ls)


@pytest.fixture()
def client(trained_model_dir: Path, index_dir: Path, tmp_path: Path) -> Iterator[TestClient]:  # noqa: F811
    with TestClient(create_app(make_settings(trained_model_dir, index_dir, tmp_path / "var"))) as c:
        yield c


def test_requests_are_counted_and_timed_per_route_template(client: TestClient) -> None:
    for _ in range(2):
        assert client.post("/v1/route", json=TICKET).status_code == 200
    assert client.post("/v1/route", json={"subject": 3}).status_code == 422
    assert client.delete("/v1/cases/c2").status_code == 200
    assert client.delete("/v1/cases/no-such-case").status_code == 404
    assert client.get("/v1/nowhere/42").status_code == 404
    samples = scrape(client)
    requests = "deskmate_http_requests_total"
    assert value(samples, requests, method="POST", route="/v1/route", status="200") == 2
    assert value(samples, requests, method="POST", route="/v1/route", status="422") == 1
    # the template, never the raw path: ids cannot multiply the series
    assert value(samples, requests, method="DELETE", route="/v1/cases/{case_id}", status="200") == 1
    assert value(samples, requests, method="DELETE", route="/v1/cases/{case_id}", status="404") == 1
    assert value(samples, requests, method="GET", route=UNMATCHED, status="404") == 1
    assert not any("c2" in dict(labels).get("route", "") for _, labels in samples)
    seconds = "deskmate_http_request_duration_seconds"
    assert value(samples, f"{seconds}_count", method="POST", route="/v1/route") == 3
    assert value(samples, f"{seconds}_bucket", method="POST", route="/v1/route", le="+Inf") == 3
    assert value(samples, f"{seconds}_sum", method="POST", route="/v1/route") > 0
    # the scrape itself is counted by the next one
    again = scrape(client)
    assert value(again, requests, method="GET", route="/metrics", status="200") == 1


def test_pipeline_batches_and_routing_decisions(client: TestClient) -> None:
    assert client.post("/v1/route", json=TICKET).status_code == 200
    assert client.post("/v1/route", json=OOS).status_code == 200
    assert client.post("/v1/route/batch", json={"tickets": [TICKET, TICKET]}).status_code == 200
    assert client.post("/v1/suggest", json=TICKET).status_code == 200
    assert client.post("/v1/similar", json=TICKET).status_code == 200
    with client.stream("POST", "/v1/suggest/stream", json=TICKET) as stream:  # drafted while it is sent
        assert stream.status_code == 200
        assert b"event: done" in b"".join(stream.iter_bytes())
    samples = scrape(client)
    routed = total(samples, "deskmate_routed_total")
    assert routed == 6  # two routes, a batch of two, two suggests (the similar query is not routed)
    assert total(samples, "deskmate_abstentions_total") >= 1  # the out-of-scope ticket
    assert value(samples, "deskmate_route_top_confidence_count") == routed
    assert 0 < value(samples, "deskmate_route_top_confidence_sum") <= routed
    assert total(samples, "deskmate_routed_total", topic="billing") >= 3
    assert total(samples, "deskmate_routed_total", urgency="normal") >= 1
    # every abstention has a reason, and is the (abstained) topic
    assert total(samples, "deskmate_abstentions_total") == total(samples, "deskmate_routed_total", topic=ABSTAINED)
    for (name, labels), _ in samples.items():
        if name == "deskmate_abstentions_total":
            assert dict(labels)["reason"] in {"out_of_scope", "low_confidence", "small_margin"}
    steps = "deskmate_pipeline_step_seconds_count"
    assert value(samples, steps, step="embed") == routed + 1  # the similar query is embedded too
    assert value(samples, steps, step="classify") == routed
    assert value(samples, steps, step="retrieve") == 3  # the suggests and the similar query
    assert value(samples, steps, step="draft") == 2
    assert total(samples, "deskmate_drafts_total") == 2
    # the batcher saw the five single jobs (route/batch bypasses it); each job's queue wait is observed
    assert value(samples, "deskmate_batch_size_sum") == 5
    assert value(samples, "deskmate_batch_queue_wait_seconds_count") == 5
    assert value(samples, "deskmate_batch_size_count") >= 1


def test_gauges_show_the_index_versions_and_job_queue(client: TestClient) -> None:
    state = state_of(client.app)
    assert state.engine is not None
    samples = scrape(client)
    stats = state.index.stats()
    assert value(samples, "deskmate_index_cases") == stats["cases"] > 0
    assert value(samples, "deskmate_index_articles") == stats["articles"] > 0
    assert value(samples, "deskmate_index_change_lag_seconds") == 0
    assert value(samples, "deskmate_index_info", index_version=str(stats["version"])) == 1
    assert value(samples, "deskmate_model_info", model_version=state.engine.model.version,
                 embedder=state.engine.embedder.model_id) == 1
    assert {dict(labels)["state"] for name, labels in samples if name == "deskmate_jobs"} \
        == set(STATES)
    # a change of the index version replaces the info series (one series with 1, not two)
    assert client.delete("/v1/cases/c1").status_code == 200
    after = scrape(client)
    versions = [dict(labels)["index_version"] for name, labels in after if name == "deskmate_index_info"]
    assert versions == [str(state.index.version)] != [str(stats["version"])]
    assert value(after, "deskmate_index_cases") == stats["cases"] - 1
    assert "process_resident_memory_bytes" in {name for name, _ in after}


def test_metrics_switched_off(trained_model_dir: Path, index_dir: Path, tmp_path: Path) -> None:  # noqa: F811
    settings = make_settings(trained_model_dir, index_dir, tmp_path / "var", metrics=MetricsSettings(enabled=False))
    with TestClient(create_app(settings)) as c:
        assert metrics_of(c.app) is None
        assert c.post("/v1/route", json=TICKET).status_code == 200
        assert_error_shape(c.get("/metrics"), 404, "not_found")


@pytest.mark.keys_on
def test_metrics_need_a_key_with_the_metrics_scope(trained_model_dir: Path, index_dir: Path,  # noqa: F811
                                                   tmp_path: Path) -> None:
    settings = make_settings(trained_model_dir, index_dir, tmp_path / "var", auth=AuthSettings(cache_seconds=0))
    with TestClient(create_app(settings)) as c:
        store = state_of(c.app).require_store()
        _, router_key = create_key(store, name="desk-plugin", scopes=["route"])
        _, prometheus_key = create_key(store, name="prometheus", scopes=["metrics"])
        assert_error_shape(c.get("/metrics"), 401, "unauthorized")
        assert_error_shape(c.get("/metrics", headers={"authorization": "Bearer dm_nope"}), 401, "unauthorized")
        assert_error_shape(c.get("/metrics", headers={"authorization": f"Bearer {router_key}"}), 403, "forbidden")
        samples = scrape(c, authorization=f"Bearer {prometheus_key}")
        # the refused scrapes were counted too, by their status
        assert value(samples, "deskmate_http_requests_total", method="GET", route="/metrics", status="401") == 2
        assert value(samples, "deskmate_http_requests_total", method="GET", route="/metrics", status="403") == 1


@pytest.mark.keys_on
def test_metrics_on_a_private_listen_address_need_no_key(trained_model_dir: Path, index_dir: Path,  # noqa: F811
                                                         tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings = make_settings(trained_model_dir, index_dir, tmp_path / "var",
                             metrics=MetricsSettings(listen=f"127.0.0.1:{port}"))
    with TestClient(create_app(settings)) as c:
        assert_error_shape(c.post("/v1/route", json=TICKET), 401, "unauthorized")
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as response:
            text = response.read().decode()
        assert 'deskmate_http_requests_total{method="POST",route="/v1/route",status="401"} 1.0' in text
        assert "deskmate_index_cases" in text
    with pytest.raises(OSError):  # closed with the service
        urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=2)


def test_metrics_listen_address_is_validated() -> None:
    assert MetricsSettings(listen="127.0.0.1:9108").listen == "127.0.0.1:9108"
    assert MetricsSettings(listen="[::1]:9108").listen == "[::1]:9108"
    for bad in ("9108", "127.0.0.1", "http://127.0.0.1:9108", "host:port"):
        with pytest.raises(ValueError, match="pattern"):
            MetricsSettings(listen=bad)


def test_with_the_change_log_the_applied_sequence_and_lag_are_shown(
        trained_model_dir: Path, index_dir: Path, tmp_path: Path) -> None:  # noqa: F811
    settings = make_settings(trained_model_dir, index_dir, tmp_path / "var", changes=ChangeLogSettings(enabled=True))
    with TestClient(create_app(settings)) as c:
        before = scrape(c)
        case = {"id": "c-new", "subject": "Export", "body": "csv export fails", "resolution": "Retry after 4.2.",
                "topic": "billing"}
        assert c.post("/v1/cases", json={"cases": [case]}).status_code == 200
        after = scrape(c)
    assert value(after, "deskmate_index_change_seq") > value(before, "deskmate_index_change_seq")
    assert value(after, "deskmate_index_cases") == value(before, "deskmate_index_cases") + 1
    assert 0 <= value(after, "deskmate_index_change_lag_seconds") < 5
