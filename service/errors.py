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

    def __init__(self, status_code: int, code: str, message: str, details: list[dict[str, Any]] | None = None):
        super().__init__(message)
        self.status_code = status_code
        self.code = code
        self.message = message
        self.details = details


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

ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorResponse, "description": name.replace("_", " ")}
    for code, name in {401: "unauthorized", 403: "forbidden", 413: "payload_too_large", 422: "validation_error",
                       503: "not_ready"}.items()
}


def error_response(
    request: Request, status: int, code: str, message: str, details: list[dict[str, Any]] | None = None
) -> JSONResponse:
    body = ErrorResponse(
        error=ErrorBody(code=code, message=message, details=details),
        request_id=getattr(request.state, "request_id", None),
    )
    return JSONResponse(status_code=status, content=body.model_dump(mode="json"))


def _clean_validation_errors(errors: Any) -> list[dict[str, Any]]:
    cleaned = []
    for err in errors:
        cleaned.append({
            "loc": [str(part) for part in err.get("loc", ())],
            "type": str(err.get("type", "")),
            "msg": str(err.get("msg", "")),
        })
    return cleaned


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        details = _clean_validation_errors(exc.errors())
        malformed = any(d["type"] == "json_invalid" for d in details)
        message = "request body is not valid JSON" if malformed else "request failed validation"
        return error_response(request, 422, "malformed_json" if malformed else "validation_error", message, details)

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> JSONResponse:
        return error_response(request, exc.status_code, exc.code, exc.message, exc.details)

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
        code = _STATUS_CODES.get(exc.status_code, "http_error")
        return error_response(request, exc.status_code, code, str(exc.detail))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        logger.exception("unhandled error", extra={"path": request.url.path})
        return error_response(request, 500, "internal_error", "internal error; see the service log")
