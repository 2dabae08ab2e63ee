"""The agent review page: GET /app (the HTML shell) and /app/static/{name} (its script and styles).

The files are packaged with the service (service/web/app/) and need no key: they are the same
static code for everyone and hold no data (a browser cannot send a bearer key when it opens a page). The
page asks for an `agent` API key, keeps it in the tab's sessionStorage and sends it with every API call. A strict
Content-Security-Policy allows only the page's own script and styles, so injected markup could not run even if
some text were ever rendered as HTML (the script builds the DOM with textContent only).
"""

from __future__ import annotations

from importlib import resources

from fastapi import APIRouter
from fastapi.responses import Response

from service.errors import ApiError

router = APIRouter(include_in_schema=False)

PACKAGE = "service.web"
FOLDER = "app"
# The files /app/static serves and their media types: nothing else (no path from the request reaches the disk).
STATIC = {"app.js": "text/javascript; charset=utf-8", "app.css": "text/css; charset=utf-8"}
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
       "base-uri 'none'; form-action 'none'; frame-ancestors 'self'")
HEADERS = {"content-security-policy": CSP, "x-content-type-options": "nosniff", "referrer-policy": "no-referrer",
           "cache-control": "no-cache"}


def read_asset(name: str) -> bytes:
    return resources.files(PACKAGE).joinpath(FOLDER, name).read_bytes()


@router.get("/app")
async def app_page() -> Response:
    return Response(read_asset("index.html"), media_type="text/html; charset=utf-8", headers=HEADERS)


@router.get("/app/static/{name}")
async def app_static(name: str) -> Response:
    media_type = STATIC.get(name)
    if media_type is None:
        raise ApiError(404, "not_found", f"no file {name[:100]!r} under /app/static")
    return Response(read_asset(name), media_type=media_type, headers=HEADERS)
