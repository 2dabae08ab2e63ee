"""OpenTelemetry tracing (docs/tracing.md), off by default: `lifecycle` wires it into the app, `tracer` holds it,
`attributes` chooses what the spans say (never text), `otel` is OpenTelemetry itself, imported only when it is on."""
