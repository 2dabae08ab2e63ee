"""`Tracing`: the app's OpenTelemetry tracer while `tracing.enabled` is true (docs/tracing.md).

Cheap to make (the app factory does, with its request middleware); `start` (the lifespan's first step) imports
OpenTelemetry's SDK and builds the tracer provider, `shutdown` (its last) flushes and closes it. The request paths
hand it their pipeline outcomes (`record`): each step's span is made afterwards, from the step's measured start and
duration (service/pipeline.py `Step`), as a child of the request's span, so a micro-batch that served several
requests shows in each one's trace, with the batch size.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING

from service.pipeline import STEPS, Outcome
from service.settings import TracingSettings
from service.tracing.attributes import step_spans

if TYPE_CHECKING:
    from opentelemetry.sdk.trace.export import SpanExporter

    from service.tracing.otel import OtelTracing

EXTRA = "pip install 'deskmate[tracing]'"


class TracingUnavailable(RuntimeError):
    """Tracing is on, but OpenTelemetry's SDK (or the OTLP exporter) is not installed."""


class Tracing:
    """OpenTelemetry for one app: `live` is None until `start` and after `shutdown` (spans are then not made)."""

    def __init__(self, settings: TracingSettings, *, exporter: SpanExporter | None = None) -> None:
        self.settings = settings
        self.exporter = exporter  # instead of the configured exporter (tests: an in-memory one)
        self.live: OtelTracing | None = None

    def start(self) -> None:
        """Build the tracer provider (idempotent). Raises `TracingUnavailable` naming the extra to install."""
        if self.live is not None:
            return
        try:
            from service.tracing.otel import build  # the SDK loads here, only with tracing on

            self.live = build(self.settings, exporter=self.exporter)
        except ImportError as exc:
            raise TracingUnavailable(
                f"tracing is on (DESKMATE_TRACING__ENABLED=true) but OpenTelemetry is not installed ({exc}); install "
                f"the `tracing` extra: {EXTRA}, or turn tracing off") from exc

    def shutdown(self) -> None:
        """Export what is left and close the provider (blocks up to the exporter's timeout: a worker thread)."""
        live, self.live = self.live, None
        if live is not None:
            live.shutdown()

    def record(self, outcomes: Sequence[Outcome], steps: Collection[str] = STEPS) -> None:
        """Spans for the named `steps` of one request's `outcomes`, under the current span (the request's); nothing
        when tracing has not started or the request's trace is not sampled."""
        live = self.live
        if live is not None and live.recording():
            live.record(step_spans(outcomes, steps))
