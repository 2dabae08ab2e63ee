"""OpenTelemetry itself: the tracer provider, the request's server span, the steps' spans.

Imported only by `Tracing.start`, so while tracing is off none of OpenTelemetry's SDK loads. The provider is the
app's own, never the global one: FastAPI (0.165+) traces requests by itself whenever a global provider is set, with
the raw path and query string in its attributes, which may hold personal data (service/app.py turns that off).
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from opentelemetry import context, trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter, SimpleSpanProcessor, SpanExporter
from opentelemetry.sdk.trace.sampling import ParentBased, TraceIdRatioBased
from opentelemetry.trace import Span, SpanKind, StatusCode
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.pipeline import Step
from service.settings import TracingSettings
from service.tracing.attributes import Attributes

METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"})
PROPAGATED = (b"traceparent", b"tracestate")  # W3C Trace Context; baggage is not read
DEFAULT_SERVICE_NAME = "deskmate"


def build(settings: TracingSettings, *, exporter: SpanExporter | None = None) -> OtelTracing:
    """The provider with its sampler, resource and exporter; `exporter` replaces the configured one (tests)."""
    provider = TracerProvider(resource=resource(settings), shutdown_on_exit=False,
                              sampler=ParentBased(TraceIdRatioBased(settings.sample_ratio)))
    provider.add_span_processor(processor(settings, exporter))
    return OtelTracing(provider)


def resource(settings: TracingSettings) -> Resource:
    """`service.name`: the setting, else OTEL_SERVICE_NAME / OTEL_RESOURCE_ATTRIBUTES (read by the SDK), else
    deskmate."""
    found = Resource.create({"service.name": settings.service_name} if settings.service_name else {})
    if not os.environ.get("OTEL_SERVICE_NAME") and str(found.attributes.get("service.name", "")).startswith(
            "unknown_service"):
        found = found.merge(Resource({"service.name": DEFAULT_SERVICE_NAME}))
    return found


def processor(settings: TracingSettings, exporter: SpanExporter | None) -> SpanProcessor:
    if exporter is not None:  # given: each span handed over as it ends
        return SimpleSpanProcessor(exporter)
    if settings.exporter == "console":
        return BatchSpanProcessor(ConsoleSpanExporter())
    # Only the otlp exporter needs this package (and protobuf); without an endpoint it reads the OTEL_ variables.
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

    return BatchSpanProcessor(OTLPSpanExporter(endpoint=settings.endpoint))


class OtelTracing:
    """A started provider and its tracer: the request middleware's server span, the steps' spans."""

    def __init__(self, provider: TracerProvider) -> None:
        self.provider = provider
        self.tracer = provider.get_tracer("deskmate")
        self.propagator = TraceContextTextMapPropagator()

    def shutdown(self) -> None:
        self.provider.shutdown()

    @staticmethod
    def recording() -> bool:
        """Whether the current span (the request's) is recorded: unsampled traces make no step spans."""
        return trace.get_current_span().is_recording()

    def record(self, spans: Sequence[tuple[Step, Attributes]]) -> None:
        """A span per measured step, under the current span, with the step's own start and end."""
        for step, attributes in spans:
            span = self.tracer.start_span(f"deskmate.{step.name}", start_time=step.start_ns, attributes=attributes,
                                          record_exception=False, set_status_on_exception=False)
            span.end(end_time=step.end_ns)

    async def serve(self, app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> None:
        """One HTTP request in a server span, current while the app answers (a stream: until its last byte). It
        continues the caller's trace when the request has a W3C `traceparent`. Attributes: method, route template
        (never the raw path or the query string), status, and error.type (an exception's class, never its message)."""
        carrier = {name.decode("latin-1"): value.decode("latin-1") for name, value in scope.get("headers", ())
                   if name in PROPAGATED}
        parent = self.propagator.extract(carrier)
        method = scope["method"] if scope["method"] in METHODS else "_OTHER"
        name = "HTTP" if method == "_OTHER" else method
        span = self.tracer.start_span(name, context=parent, kind=SpanKind.SERVER, record_exception=False,
                                      set_status_on_exception=False,
                                      attributes={"http.request.method": method,
                                                  "url.scheme": scope.get("scheme", "http")})
        status: int | None = None

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        error: str | None = None
        token = context.attach(trace.set_span_in_context(span, parent))
        try:
            await app(scope, receive, send_status)
        except BaseException as exc:
            error = type(exc).__qualname__
            raise
        finally:
            context.detach(token)
            finish(span, name, scope, status, error)


def finish(span: Span, name: str, scope: Scope, status: int | None, error: str | None) -> None:
    route = getattr(scope.get("route"), "path", None)  # the matched route's template (/v1/cases/{case_id})
    if isinstance(route, str):
        span.set_attribute("http.route", route)
        span.update_name(f"{name} {route}")
    if status is not None:
        span.set_attribute("http.response.status_code", status)
    if error is not None or status is None or status >= 500:
        span.set_attribute("error.type", error or (str(status) if status is not None else "incomplete_response"))
        span.set_status(StatusCode.ERROR)
    span.end()
