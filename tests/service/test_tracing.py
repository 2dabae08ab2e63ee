"""OpenTelemetry tracing (service/tracing/): a server span per request with a child span per pipeline step, no
ticket text in any attribute or export, W3C traceparent continued, and nothing of the SDK loaded while it is off."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode
from pydantic import ValidationError

from bench.common import otlp_collector
from service.app import create_app
from service.settings import Settings, TracingSettings
from service.state import state_of
from service.tracing.lifecycle import TracingMiddleware, tracing_of
from tests.service.test_retrieval_api import index_dir, make_settings  # noqa: F401

REPO = Path(__file__).resolve().parents[2]
EMAIL = "ana.souza@example.com"
TICKET: dict[str, Any] = {"id": "ZD-4711", "subject": "Charged twice",
          "body": f"my credit card invoice was charged twice this month, write to {EMAIL} or call +33 6 12 34 56 78",
          "channel": "email", "customer": {"name": "Ana Souza", "tier": "enterprise"}, "language": "en"}
# Everything of the ticket that must never show in a span: each field, and each longer word of the text.
SECRETS: set[str] = {EMAIL, "Ana", "Souza", "ZD-4711", "+33 6 12", TICKET["subject"], TICKET["body"],
           *(w.strip(",.") for w in f"{TICKET['subject']} {TICKET['body']}".split() if len(w.strip(",.")) >= 5)}
TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
PARENT_ID = "00f067aa0ba902b7"


@pytest.fixture()
def exporter() -> InMemorySpanExporter:
    return InMemorySpanExporter()


def traced_settings(model_dir: Path, index: Path, tmp_path: Path, **tracing: Any) -> Settings:
    return make_settings(model_dir, index, tmp_path / "var",
                         tracing=TracingSettings(enabled=True, exporter="console", **tracing))


@pytest.fixture()
def client(trained_model_dir: Path, index_dir: Path, tmp_path: Path,  # noqa: F811
           exporter: InMemorySpanExporter) -> Iterator[TestClient]:
    app = create_app(traced_settings(trained_model_dir, index_dir, tmp_path), span_exporter=exporter)
    with TestClient(app) as c:
        exporter.clear()  # the lifespan's own work (warm-up) is not a request
        yield c


def spans_of(exporter: InMemorySpanExporter, route: str) -> tuple[ReadableSpan, dict[str, ReadableSpan]]:
    """The server span of the one request to `route` and its children by name (each name once)."""
    spans = exporter.get_finished_spans()
    servers = [s for s in spans if s.kind == SpanKind.SERVER and (s.attributes or {}).get("http.route") == route]
    assert len(servers) == 1, [s.name for s in spans]
    server = servers[0]
    assert server.context is not None
    children = [s for s in spans if s.parent is not None and s.parent.span_id == server.context.span_id]
    names = [s.name for s in children]
    assert len(names) == len(set(names)), names
    for child in children:
        assert child.context is not None and child.context.trace_id == server.context.trace_id
        assert child.kind == SpanKind.INTERNAL
        assert child.start_time is not None and child.end_time is not None and server.start_time is not None
        assert server.start_time <= child.start_time <= child.end_time
    return server, {s.name: s for s in children}


def attrs(span: ReadableSpan) -> dict[str, Any]:
    return dict(span.attributes or {})


def test_route_request_is_a_server_span_with_embed_and_classify(client: TestClient,
                                                                exporter: InMemorySpanExporter) -> None:
    out = client.post("/v1/route", json=TICKET).json()
    server, steps = spans_of(exporter, "/v1/route")
    assert server.name == "POST /v1/route" and server.parent is None
    assert attrs(server) == {"http.request.method": "POST", "url.scheme": "http", "http.route": "/v1/route",
                             "http.response.status_code": 200}
    assert server.status.status_code == StatusCode.UNSET
    assert list(steps) == ["deskmate.embed", "deskmate.classify"]  # in the order they ran
    embed, classify = attrs(steps["deskmate.embed"]), attrs(steps["deskmate.classify"])
    assert embed["deskmate.step"] == "embed" and embed["deskmate.batch.size"] == 1
    assert embed["deskmate.embed.texts"] >= 1
    assert classify["deskmate.model.version"] == out["model_version"]
    assert classify["deskmate.route.urgency"] == out["urgency"]["label"]
    assert classify["deskmate.route.queue"] == out["queue"]
    assert classify["deskmate.route.needs_human"] is out["needs_human_triage"]
    if out["needs_human_triage"]:
        assert classify["deskmate.route.abstain_reason"] == out["reason"]
    else:
        assert classify["deskmate.route.topic"] == out["topic"]["label"]
    # the span lasts as long as the step the API reports
    duration_ns = (steps["deskmate.classify"].end_time or 0) - (steps["deskmate.classify"].start_time or 0)
    assert duration_ns / 1e6 == pytest.approx(out["timings"]["classify_ms"], abs=0.01)


def test_suggest_spans_embed_classify_retrieve_draft(client: TestClient, exporter: InMemorySpanExporter) -> None:
    out = client.post("/v1/suggest", json=TICKET).json()
    _, steps = spans_of(exporter, "/v1/suggest")
    assert list(steps) == ["deskmate.embed", "deskmate.classify", "deskmate.retrieve", "deskmate.draft"]
    retrieve, draft = attrs(steps["deskmate.retrieve"]), attrs(steps["deskmate.draft"])
    assert retrieve["deskmate.index.loaded"] is True and retrieve["deskmate.index.version"]
    assert retrieve["deskmate.retrieve.cases"] == len(out["cases"]) >= 1
    assert retrieve["deskmate.retrieve.articles"] == len(out["articles"])
    assert retrieve["deskmate.retrieve.k_cases"] == 5 and retrieve["deskmate.retrieve.k_articles"] == 3
    assert retrieve["deskmate.suggestion_id"] == draft["deskmate.suggestion_id"] == out["suggestion_id"]
    assert draft["deskmate.draft.outcome"] == "drafted" and draft["deskmate.draft.drafter"] == "composer"
    assert draft["deskmate.draft.citations"] == len(out["draft"]["citations"])


def test_stream_traces_each_step_once(client: TestClient, exporter: InMemorySpanExporter) -> None:
    with client.stream("POST", "/v1/suggest/stream", json=TICKET) as response:
        assert response.status_code == 200
        "".join(response.iter_text())
    server, steps = spans_of(exporter, "/v1/suggest/stream")
    assert list(steps) == ["deskmate.embed", "deskmate.classify", "deskmate.retrieve", "deskmate.draft"]
    assert (steps["deskmate.draft"].end_time or 0) <= (server.end_time or 0)  # drafted while the stream ran


def test_route_batch_shares_one_span_per_step(client: TestClient, exporter: InMemorySpanExporter) -> None:
    other = {"subject": "Locked out", "body": "password reset link expired, cannot log in"}
    assert client.post("/v1/route/batch", json={"tickets": [TICKET, other]}).status_code == 200
    _, steps = spans_of(exporter, "/v1/route/batch")
    assert list(steps) == ["deskmate.embed", "deskmate.classify"]
    classify = attrs(steps["deskmate.classify"])
    assert classify["deskmate.batch.size"] == classify["deskmate.route.tickets"] == 2
    assert isinstance(classify["deskmate.route.topics"], tuple)


def test_similar_and_errors(client: TestClient, exporter: InMemorySpanExporter) -> None:
    assert client.post("/v1/similar", json={"subject": TICKET["subject"], "body": TICKET["body"]}).status_code == 200
    _, steps = spans_of(exporter, "/v1/similar")
    assert list(steps) == ["deskmate.embed", "deskmate.retrieve"]
    assert attrs(steps["deskmate.retrieve"])["deskmate.retrieve.cases"] >= 1
    exporter.clear()
    assert client.post("/v1/route", json={"subject": 3}).status_code == 422
    server, steps = spans_of(exporter, "/v1/route")
    assert attrs(server)["http.response.status_code"] == 422 and steps == {}
    assert client.get("/v1/nowhere/42").status_code == 404  # no route: the span has no template, nor the path
    unmatched = [s for s in exporter.get_finished_spans() if "http.route" not in attrs(s)]
    assert [s.name for s in unmatched] == ["GET"] and "/v1/nowhere/42" not in json.dumps(attrs(unmatched[0]))


def test_no_span_holds_ticket_text_or_personal_data(client: TestClient, exporter: InMemorySpanExporter) -> None:
    drafted = client.post("/v1/suggest", json=TICKET).json()["draft"]["text"]
    with client.stream("POST", "/v1/suggest/stream", json=TICKET) as response:
        "".join(response.iter_text())
    assert client.post("/v1/route", json=TICKET).status_code == 200
    assert client.post("/v1/route/batch", json={"tickets": [TICKET, TICKET]}).status_code == 200
    assert client.post("/v1/similar", json=TICKET).status_code == 200
    assert client.post("/v1/route", json={**TICKET, "subject": 3}).status_code == 422
    spans = exporter.get_finished_spans()
    assert len(spans) == 6 + 4 + 4 + 2 + 2 + 2  # six server spans and their steps
    exported = "\n".join(span.to_json() for span in spans)  # names, attributes, events, status, resource
    leaked = sorted(s for s in (*SECRETS, drafted[:40], drafted[-40:]) if s.lower() in exported.lower())
    assert leaked == []


def test_incoming_traceparent_is_continued(client: TestClient, exporter: InMemorySpanExporter) -> None:
    sampled = f"00-{TRACE_ID}-{PARENT_ID}-01"
    assert client.post("/v1/route", json=TICKET, headers={"traceparent": sampled}).status_code == 200
    server, steps = spans_of(exporter, "/v1/route")
    assert server.context is not None and server.parent is not None
    assert format(server.context.trace_id, "032x") == TRACE_ID and format(server.parent.span_id, "016x") == PARENT_ID
    assert server.parent.is_remote and len(steps) == 2
    exporter.clear()
    # the caller chose not to sample: this service records nothing of that trace either
    assert client.post("/v1/route", json=TICKET, headers={"traceparent": sampled[:-2] + "00"}).status_code == 200
    assert exporter.get_finished_spans() == ()
    # a malformed header starts a new trace
    assert client.post("/v1/route", json=TICKET, headers={"traceparent": "00-zz-yy-01"}).status_code == 200
    server, _ = spans_of(exporter, "/v1/route")
    assert server.parent is None


def test_sample_ratio_zero_records_no_new_trace(trained_model_dir: Path, index_dir: Path,  # noqa: F811
                                                tmp_path: Path, exporter: InMemorySpanExporter) -> None:
    app = create_app(traced_settings(trained_model_dir, index_dir, tmp_path, sample_ratio=0.0), span_exporter=exporter)
    with TestClient(app) as c:
        assert c.post("/v1/route", json=TICKET).status_code == 200
    assert exporter.get_finished_spans() == ()


def test_tracing_off_adds_nothing(trained_model_dir: Path, index_dir: Path, tmp_path: Path) -> None:  # noqa: F811
    app = create_app(make_settings(trained_model_dir, index_dir, tmp_path / "var"))
    assert tracing_of(app) is None and state_of(app).on_trace is None
    assert TracingMiddleware not in [getattr(m, "cls", None) for m in app.user_middleware]


def test_lifespan_starts_and_shuts_down_the_provider(trained_model_dir: Path, index_dir: Path,  # noqa: F811
                                                     tmp_path: Path, exporter: InMemorySpanExporter) -> None:
    app = create_app(traced_settings(trained_model_dir, index_dir, tmp_path), span_exporter=exporter)
    tracing = tracing_of(app)
    assert tracing is not None and tracing.live is None
    with TestClient(app):
        assert tracing.live is not None
        assert tracing.live.provider.resource.attributes["service.name"] == "deskmate"
    assert tracing.live is None


def test_settings_refuse_unsafe_values() -> None:
    assert TracingSettings().enabled is False and Settings().tracing.sample_ratio == 1.0
    with pytest.raises(ValidationError, match="endpoint"):
        TracingSettings(endpoint="collector:4318")
    with pytest.raises(ValidationError, match="sample_ratio"):
        TracingSettings(sample_ratio=1.5)
    with pytest.raises(ValidationError, match="exporter"):
        TracingSettings(exporter="jaeger")


# -- the OTLP export itself, to a local collector stand-in -------------------------------------------------------
@pytest.fixture()
def collector() -> Iterator[tuple[str, list[tuple[str, bytes]]]]:
    """A local HTTP server that takes OTLP posts: (its URL, the (path, body) of each post)."""
    with otlp_collector() as running:
        yield running


def test_otlp_export_reads_the_standard_endpoint_and_holds_no_ticket_text(
        trained_model_dir: Path, index_dir: Path, tmp_path: Path,  # noqa: F811
        collector: tuple[str, list[tuple[str, bytes]]], monkeypatch: pytest.MonkeyPatch) -> None:
    base, received = collector
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", base)
    monkeypatch.setenv("OTEL_SERVICE_NAME", "deskmate-eu-1")
    settings = make_settings(trained_model_dir, index_dir, tmp_path / "var", tracing=TracingSettings(enabled=True))
    with TestClient(create_app(settings)) as c:
        assert c.post("/v1/suggest", json=TICKET).status_code == 200
    # the batch processor flushed at shutdown, to OTEL_EXPORTER_OTLP_ENDPOINT + /v1/traces
    assert [path for path, _ in received] == ["/v1/traces"]
    body = received[0][1]
    for name in (b"POST /v1/suggest", b"deskmate.embed", b"deskmate.classify", b"deskmate.retrieve",
                 b"deskmate.draft", b"deskmate-eu-1"):
        assert name in body
    assert [s for s in SECRETS if s.encode() in body] == []


# -- off: nothing of OpenTelemetry's SDK is loaded; on without it: a clear start-up error -----------------------
def run_python(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code, *args], cwd=REPO, capture_output=True, text=True,
                          timeout=120, check=False)


APP = """
import sys
from pathlib import Path
{before}
import fastapi
{fastapi_modules}
from fastapi.testclient import TestClient
from service.app import create_app
from service.settings import EmbedderSettings, RetrievalSettings, Settings, TracingSettings
settings = Settings(data_dir=Path(sys.argv[3]), model_dir=Path(sys.argv[1]),
                    embedder=EmbedderSettings(backend="hashing", model="256"),
                    retrieval=RetrievalSettings(index_dir=Path(sys.argv[2])),
                    tracing=TracingSettings(enabled={enabled}, exporter="{exporter}"))
{body}
"""

FASTAPI_MODULES = "fastapi_modules = {m for m in sys.modules if m.startswith('opentelemetry')}"
OFF = APP.format(before="", fastapi_modules=FASTAPI_MODULES, enabled=False, exporter="otlp", body="""
with TestClient(create_app(settings)) as client:
    assert client.post("/v1/suggest", json={"subject": "charged twice", "body": "my invoice"}).status_code == 200
loaded = {m for m in sys.modules if m.startswith("opentelemetry")}
print(sorted(loaded - fastapi_modules))
print(sorted(m for m in loaded if m.startswith(("opentelemetry.sdk", "opentelemetry.exporter"))))
""")


def test_tracing_off_loads_nothing_of_opentelemetry(trained_model_dir: Path, index_dir: Path,  # noqa: F811
                                                    tmp_path: Path) -> None:
    done = run_python(OFF, str(trained_model_dir), str(index_dir), str(tmp_path / "var"))
    assert done.returncode == 0, done.stderr[-3000:]
    # FastAPI itself imports the API package (0.165+); Deskmate adds no module of it, and none of the SDK
    assert done.stdout.splitlines() == ["[]", "[]"]


# Imports of these packages fail, as if the `tracing` extra were not installed.
BLOCK = """
import importlib.abc
class Missing(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.startswith({blocked!r}):
            raise ModuleNotFoundError(f"No module named {{name!r}}")
        return None
sys.meta_path.insert(0, Missing())
"""

ABSENT = """
from service.tracing.tracer import TracingUnavailable
try:
    with TestClient(create_app(settings)):
        pass
except TracingUnavailable as exc:
    print("refused:", exc)
"""


@pytest.mark.parametrize(("blocked", "exporter"), [(("opentelemetry.sdk",), "console"),
                                                   (("opentelemetry.exporter",), "otlp")])
def test_tracing_on_without_the_extra_stops_start_up(trained_model_dir: Path, index_dir: Path,  # noqa: F811
                                                     tmp_path: Path, blocked: Sequence[str], exporter: str) -> None:
    code = APP.format(before=BLOCK.format(blocked=tuple(blocked)), fastapi_modules="", enabled=True,
                      exporter=exporter, body=ABSENT)
    done = run_python(code, str(trained_model_dir), str(index_dir), str(tmp_path / "var"))
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.startswith("refused: tracing is on (DESKMATE_TRACING__ENABLED=true) but OpenTelemetry is not "
                                  "installed (No module named 'opentelemetry.")
    assert "pip install 'deskmate[tracing]'" in done.stdout
