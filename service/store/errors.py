"""Store errors; the HTTP layer maps each to its status (service/errors.py)."""

from __future__ import annotations

from models.errors import DeskmateError


class StoreError(DeskmateError):
    code = "store_error"
    status = 500


class StoreUnavailable(StoreError):
    """The database cannot be reached or its schema is not the code's."""

    code = "store_unavailable"
    status = 503


class NotFound(StoreError):
    code = "not_found"
    status = 404


class IdempotencyConflict(StoreError):
    """An Idempotency-Key was reused with a different request."""

    code = "idempotency_conflict"
    status = 409


class InvalidFeedback(StoreError):
    code = "invalid_input"
    status = 422
