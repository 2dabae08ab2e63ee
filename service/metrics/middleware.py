"""The request middleware: count and time every HTTP request by method, route template and status."""

from __future__ import annotations

import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.metrics.collectors import UNMATCHED, ServiceMetrics


class HttpMetricsMiddleware:
    """Plain ASGI (no extra task per request, unlike BaseHTTPMiddleware). The route label is the matched route's
    template (`/v1/cases/{case_id}`, from `scope["route"]`), never the raw path, so ids cannot blow up the number
    of series; a request no route matched is `(unmatched)`. An exception that escapes the app counts as 500."""

    def __init__(self, app: ASGIApp, *, metrics: ServiceMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        finally:
            route = scope.get("route")
            template = getattr(route, "path", None)
            self.metrics.observe_http(scope["method"], template if isinstance(template, str) else UNMATCHED,
                                      status, time.perf_counter() - started)
