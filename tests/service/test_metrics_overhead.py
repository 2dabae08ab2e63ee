"""What the metrics cost a request: /v1/route p50 with metrics on and off on the tiny engine (in-process), and the
middleware's bookkeeping alone. Prints the numbers (docs/metrics.md quotes them); run with `-m slow -s`."""

from __future__ import annotations

import statistics
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from prometheus_client import CollectorRegistry

from service.app import create_app
from service.metrics.collectors import ServiceMetrics
from service.pipeline import Answer, TicketInput
from service.settings import MetricsSettings
from service.state import state_of
from tests.service.test_retrieval_api import index_dir, make_settings  # noqa: F401

TICKET = {"id": "ZD-7", "subject": "Charged twice", "body": "my credit card invoice was charged twice this month"}
REQUESTS = 1000


@pytest.mark.slow
def test_metrics_add_little_to_a_route(trained_model_dir: Path, index_dir: Path, tmp_path: Path) -> None:  # noqa: F811
    times: dict[bool, list[float]] = {True: [], False: []}
    clients = {on: TestClient(create_app(make_settings(trained_model_dir, index_dir, tmp_path / f"var-{on}",
                                                       metrics=MetricsSettings(enabled=on)))) for on in (True, False)}
    try:
        for client in clients.values():
            client.__enter__()
            for _ in range(30):  # warm-up
                client.post("/v1/route", json=TICKET)
        for _ in range(REQUESTS):  # alternated, so drift of the machine's load hits both alike
            for on, client in clients.items():
                started = time.perf_counter()
                assert client.post("/v1/route", json=TICKET).status_code == 200
                times[on].append(time.perf_counter() - started)
        engine = state_of(clients[True].app).require_engine()
        routed = engine.route([TicketInput(subject=TICKET["subject"], body=TICKET["body"])],
                              desk=next(iter(engine.policy.spec.desks)))
    finally:
        for client in clients.values():
            client.__exit__(None, None, None)
    p50 = {on: statistics.median(values) * 1e6 for on, values in times.items()}
    print(f"\n/v1/route p50 over {REQUESTS} requests each: metrics on {p50[True]:.0f} us, "
          f"off {p50[False]:.0f} us, difference {p50[True] - p50[False]:+.0f} us per request")

    metrics = ServiceMetrics(registry=CollectorRegistry())
    n = 100_000
    started = time.perf_counter()
    for _ in range(n):
        metrics.observe_http("POST", "/v1/route", 200, 0.004)
    per_call = (time.perf_counter() - started) / n * 1e6
    print(f"middleware bookkeeping alone (observe_http): {per_call:.2f} us per request")
    answers: list[Answer] = [(0, routed[0])]
    started = time.perf_counter()
    for _ in range(n):
        metrics.observe_answers(answers)
        metrics.observe_batch([0.001])
    per_ticket = (time.perf_counter() - started) / n * 1e6
    print(f"pipeline and batcher hooks (observe_answers + observe_batch): {per_ticket:.2f} us per routed ticket")
    assert per_ticket < 100
    assert per_call < 50
    assert p50[True] - p50[False] < 1000  # loose: a loaded 2-core machine; the printed numbers are what counts
