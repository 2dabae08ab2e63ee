"""One error shape for every 4xx/5xx, and the single place where domain errors become HTTP.

    {"error": {"code": "validation_error", "message": "...", "details": [...]}, "request_id": "..."}
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from models.errors import ArtifactError, DeskmateError, InvalidInputError
from service.store.errors import StoreError

logger = logging.getLogger(__name__)


class ErrorBody(BaseModel):
    code: str = Field(description="Stable machine-readable code, e.g. validation_error, payload_too_large.")
    message: str = Field(description="Human-readable explanation.")
    details: list[dict[str, Any]] | None = Field(default=None, description="Per-field problems, if any.")


class ErrorResponse(BaseModel):
    error: ErrorBody
    request_id: str | None = None


class ApiError(Exception):
    """An error raised in the HTTP layer with its status and code."""

    def __init__(self, status_code: int, code: str, message: str, details: list[dict[str, Any]] | None = None,
                 headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status_code = status_code
        self.code = code
        self.message = message
        self.details = details
        self.headers = headers  # extra response headers, e.g. Retry-After on a 429


class PayloadTooLarge(ApiError):
    def __init__(self, message: str) -> None:
        super().__init__(413, "payload_too_large", message)


class NotReady(ApiError):
    def __init__(self, message: str) -> None:
        super().__init__(503, "not_ready", message)


_STATUS_CODES = {400: "bad_request", 404: "not_found", 405: "method_not_allowed", 409: "conflict",
                 413: "payload_too_large",
                 415: "unsupported_media_type", 422: "validation_error", 429: "too_many_requests",
                 503: "not_ready"}

# -- OpenAPI: the error answers an operation declares (`responses=error_responses(...)` on its decorator) ----------
# status -> (code in the body, when it happens, an example message)
_ERRORS: dict[int, tuple[str, str, str]] = {
    401: ("unauthorized", "No key, an unknown, malformed or revoked key, or a key in the URL.",
          "missing API key: send `Authorization: Bearer <key>`"),
    403: ("forbidden", "The key lacks this operation's scope.",
          "this key (name 'desk-plugin') lacks the 'route' scope"),
    404: ("not_found", "Nothing with this id.", "no case 'ZD-48213' in the index"),
    408: ("request_timeout", "The body did not arrive within DESKMATE_API__BODY_TIMEOUT_SECONDS; the connection is "
                             "closed.", "the request body did not arrive within 30 s"),
    409: ("conflict", "The request conflicts with the current state.", "Idempotency-Key reused with another request"),
    413: ("payload_too_large", "The body is over DESKMATE_API__MAX_REQUEST_BYTES, or its text or batch is over a "
                               "limit.", "request body is 2500000 bytes; the limit is 2000000"),
    415: ("unsupported_media_type", "A body that is not sent as `Content-Type: application/json`.",
          "send the body as JSON with `Content-Type: application/json` (got text/plain)"),
    422: ("validation_error", "The body, path or query breaks the schema's rules (codes validation_error, "
                              "malformed_json, invalid_input, empty_text).", "request failed validation"),
    429: ("rate_limited", "This key's bucket for the scope is empty; retry after `Retry-After` seconds.",
          "rate limit of the 'route' scope reached for this key; retry in 1 s"),
    503: ("not_ready", "Models, index or store not loaded (see /readyz); keys cannot be checked without the store.",
          "service is not ready: starting"),
}
_RETRY_AFTER = {"Retry-After": {"description": "Seconds until a request can succeed (rounded up).",
                                "schema": {"type": "integer", "minimum": 1}}}

# Every operation behind a key: 401/403 from the key check, 429 from its rate limit, 503 while the store that
# checks keys (or the models the operation needs) is not ready.
KEYED = (401, 403, 429, 503)
# Every operation with a JSON body: too slow, too large, not JSON, against the schema's rules.
JSON_BODY = (408, 413, 415, 422)


def error_responses(*statuses: int, notes: dict[int, str] | None = None) -> dict[int | str, dict[str, Any]]:
    """`responses=` for these error statuses: the one error shape, when each happens (`notes` overrides the
    generic sentence for this operation) and an example body."""
    responses: dict[int | str, dict[str, Any]] = {}
    for status in statuses:
        code, when, message = _ERRORS[status]
        example = {"error": {"code": code, "message": message, "details": None}, "request_id": "5f0c6b2e9d4a4f1b"}
        entry: dict[str, Any] = {"model": ErrorResponse, "description": (notes or {}).get(status, when),
                                 "content": {"application/json": {"example": example}}}
        if status == 429:
            entry["headers"] = _RETRY_AFTER
        responses[status] = entry
    return responses


# A keyed operation with a JSON body (most of the API).
ERROR_RESPONSES = error_responses(*KEYED, *JSON_BODY)


def error_response(
    request: Request, status: int, code: str, message: str, details: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body = ErrorResponse(
        error=ErrorBody(code=code, message=message, details=details),
        request_id=getattr(request.state, "request_id", None),
    )
    return JSONResponse(status_code=status, content=body.model_dump(mode="json"), headers=headers)


def _clean_validation_errors(errors: Any) -> list[dict[str, Any]]:
    cleaned = []
    for err in errors:
        cleaned.append({
            "loc": [str(part) for part in err.get("loc", ())],
            "type": str(err.get("type", "")),
            "msg": str(err.get("msg", "")),
        })
    return cleaned


# Validation error types of a body that is not a JSON object at all (FastAPI hands a non-JSON body over as bytes).
_NOT_AN_OBJECT = frozenset({"model_attributes_type", "dict_type", "model_type"})


def _non_json_media_type(request: Request) -> str | None:
    """The request's media type when it is not JSON (`application/json` or `application/*+json`), else None."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type == "application/json" or (media_type.startswith("application/") and media_type.endswith("+json")):
        return None
    return media_type or "no Content-Type"


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        details = _clean_validation_errors(exc.errors())
        media_type = _non_json_media_type(request)
        if media_type is not None and any(d["loc"] == ["body"] and d["type"] in _NOT_AN_OBJECT for d in details):
            # FastAPI parses only JSON media types; any other body reaches the model as bytes and fails as a type
            return error_response(request, 415, "unsupported_media_type",
                                  f"send the body as JSON with `Content-Type: application/json` (got {media_type})")
        malformed = any(d["type"] == "json_invalid" for d in details)
        message = "request body is not valid JSON" if malformed else "request failed validation"
        return error_response(request, 422, "malformed_json" if malformed else "validation_error", message, details)

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> JSONResponse:
        return error_response(request, exc.status_code, exc.code, exc.message, exc.details, exc.headers)

    @app.exception_handler(InvalidInputError)
    async def _invalid(request: Request, exc: InvalidInputError) -> JSONResponse:
        return error_response(request, 422, exc.code, str(exc))

    @app.exception_handler(ArtifactError)
    async def _artifact(request: Request, exc: ArtifactError) -> JSONResponse:
        logger.error("artifact error", extra={"error": str(exc)})
        return error_response(request, 503, exc.code, str(exc))

    @app.exception_handler(StoreError)
    async def _store(request: Request, exc: StoreError) -> JSONResponse:
        if exc.status >= 500:
            logger.error("store error", extra={"error": str(exc)})
        return error_response(request, exc.status, exc.code, str(exc))

    @app.exception_handler(DeskmateError)
    async def _domain(request: Request, exc: DeskmateError) -> JSONResponse:
        return error_response(request, 400, exc.code, str(exc))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 400 and isinstance(exc.__cause__, UnicodeDecodeError):
            # FastAPI's answer to a JSON body that is not UTF-8; a body that is not JSON is a 422 everywhere else
            return error_response(request, 422, "malformed_json", "request body is not valid JSON (not UTF-8)",
                                  [{"loc": ["body"], "type": "json_invalid", "msg": str(exc.__cause__)}])
        if exc.status_code == 400 and isinstance(exc.__cause__, RecursionError):
            # json.loads gives up on arrays/objects nested about 1,000 deep (e.g. 100,000 "[")
            return error_response(request, 422, "malformed_json", "request body is JSON nested too deeply",
                                  [{"loc": ["body"], "type": "json_invalid", "msg": str(exc.__cause__)}])
        code = _STATUS_CODES.get(exc.status_code, "http_error")
        return error_response(request, exc.status_code, code, str(exc.detail))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        logger.exception("unhandled error", extra={"path": request.url.path})
        return error_response(request, 500, "internal_error", "internal error; see the service log")
