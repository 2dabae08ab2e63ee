"""docs/grafana/deskmate.json: a loadable dashboard whose every query reads metrics Deskmate exports."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from prometheus_client import CollectorRegistry

from service.metrics.collectors import ServiceMetrics

DASHBOARD = Path(__file__).resolve().parents[2] / "docs" / "grafana" / "deskmate.json"
SUFFIXES = {"counter": ("_total",), "histogram": ("_bucket", "_sum", "_count"), "gauge": ("",)}


def exported() -> set[str]:
    """Every sample name a scrape can show (counters end in _total, histograms in _bucket/_sum/_count)."""
    metrics = ServiceMetrics(registry=CollectorRegistry())
    return {family.name + suffix for family in metrics.registry.collect() for suffix in SUFFIXES[family.type]}


def panels(dashboard: dict[str, Any]) -> list[dict[str, Any]]:
    return [p for p in dashboard["panels"] if p["type"] != "row"]


def test_the_dashboard_loads_and_every_query_names_an_exported_metric() -> None:
    dashboard = json.loads(DASHBOARD.read_text())
    assert dashboard["title"] == "Deskmate" and dashboard["uid"]
    assert [v["name"] for v in dashboard["templating"]["list"]] == ["datasource"]
    names = exported()
    ids = [p["id"] for p in dashboard["panels"]]
    assert len(ids) == len(set(ids))
    used: set[str] = set()
    for panel in panels(dashboard):
        assert panel["title"] and panel["targets"], panel
        assert panel["datasource"] == {"type": "prometheus", "uid": "${datasource}"}
        assert {"h", "w", "x", "y"} <= set(panel["gridPos"]) and panel["gridPos"]["x"] + panel["gridPos"]["w"] <= 24
        for target in panel["targets"]:
            found = set(re.findall(r"\bdeskmate_[a-z_]+", target["expr"]))
            assert found, target
            assert found <= names, (panel["title"], found - names)
            assert target["expr"].count("(") == target["expr"].count(")"), target["expr"]
            used |= found
    # what the issue asks a dashboard to show
    for wanted in ("deskmate_http_requests_total", "deskmate_http_request_duration_seconds_bucket",
                   "deskmate_batch_size_bucket", "deskmate_batch_queue_wait_seconds_bucket",
                   "deskmate_pipeline_step_seconds_sum", "deskmate_abstentions_total", "deskmate_routed_total",
                   "deskmate_route_top_confidence_sum", "deskmate_index_cases", "deskmate_index_change_lag_seconds",
                   "deskmate_model_info", "deskmate_index_info", "deskmate_jobs"):
        assert wanted in used, wanted
