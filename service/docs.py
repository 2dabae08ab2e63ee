"""The API's documentation pages, offline: Swagger UI at /docs and ReDoc at /redoc.

Their JavaScript, CSS and favicon come from the installed `fastapi-offline` package (its `static/` folder, served
at /docs-assets), never from a CDN, so the pages work on a machine without internet. The pages and
/openapi.json need no key, like /healthz: a browser cannot send `Authorization` when it opens a page, and the
document describes the API's shapes, never data. Every operation they list still needs its key ("Authorize" in
Swagger UI takes one for "Try it out"). `DESKMATE_API__DOCS=false` hides all three.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS_PATH = "/docs-assets"
ASSETS_PACKAGE = ("fastapi_offline", "static")  # swagger-ui-bundle.js, swagger-ui.css, redoc.standalone.js, favicon.png

# Swagger UI: no online validator badge (it would call validator.swagger.io), keys are not kept in the browser.
SWAGGER_UI_PARAMETERS: dict[str, Any] = {"validatorUrl": None, "persistAuthorization": False,
                                         "displayRequestDuration": True}

TAGS: list[dict[str, str]] = [
    {"name": "route", "description": "Topic, urgency, queue, priority and SLA for tickets (scope `route`)."},
    {"name": "suggest", "description": "Route, retrieve and draft a reply in one call (scope `route`)."},
    {"name": "retrieval", "description": "Similar resolved cases and articles (`route`); live case updates "
                                         "(`ingest`); index swap (`admin`)."},
    {"name": "feedback", "description": "Agents' verdicts and resolutions (`agent`); quality metrics (`metrics`)."},
    {"name": "admin", "description": "Operations on the served models and data (scope `admin`)."},
    {"name": "health", "description": "Liveness and readiness; no key needed."},
]


def install_docs(app: FastAPI) -> None:
    """Mount the packaged assets and add /docs and /redoc (not in the schema). The app is made with
    `docs_url=None, redoc_url=None` so FastAPI's own CDN-loading pages are not there."""
    if app.openapi_url is None:  # the schema is switched off, and so are the pages that read it
        return
    openapi_url = app.openapi_url
    app.mount(ASSETS_PATH, StaticFiles(packages=[ASSETS_PACKAGE]), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    async def swagger_ui(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return get_swagger_ui_html(
            openapi_url=f"{root}{openapi_url}", title=f"{app.title} - Swagger UI", oauth2_redirect_url=None,
            swagger_js_url=f"{root}{ASSETS_PATH}/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{ASSETS_PATH}/swagger-ui.css",
            swagger_favicon_url=f"{root}{ASSETS_PATH}/favicon.png", swagger_ui_parameters=SWAGGER_UI_PARAMETERS)

    @app.get("/redoc", include_in_schema=False)
    async def redoc(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return get_redoc_html(
            openapi_url=f"{root}{openapi_url}", title=f"{app.title} - ReDoc",
            redoc_js_url=f"{root}{ASSETS_PATH}/redoc.standalone.js",
            redoc_favicon_url=f"{root}{ASSETS_PATH}/favicon.png", with_google_fonts=False)
