"""API keys with scopes, kept in the feedback store: created and revoked with `deskmate keys`, checked per request.

A key reads `dm_<key id>_<secret>`. The store keeps the key id, a name, the scopes and the SHA-256 of the secret;
the whole key is shown once, when it is created. A check looks the key id up and compares the secret's digest
in constant time (`hmac.compare_digest`). Verified keys are cached for `cache_seconds`, so a revocation takes
effect within that time on every process that shares the store.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from models.errors import InvalidInputError
from service.store.errors import NotFound
from service.store.repository import FeedbackStore, utcnow
from service.store.tables import ApiKeyRow

SCOPES = ("route", "agent", "ingest", "admin", "metrics")
"""route: route, similar, suggest; agent: feedback and resolutions; ingest: add and delete cases;
admin: index swap, model reload; metrics: quality metrics."""

_KEY = re.compile(r"^dm_(?P<key_id>[a-z0-9]{12})_(?P<secret>[A-Za-z0-9_-]{20,100})$")
_NAME = re.compile(r"^[\w .@:/-]{1,200}$")
_TENANT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,199}$")


@dataclass(frozen=True, slots=True)
class ApiKey:
    """A key as listed (never with its secret)."""

    key_id: str
    name: str
    scopes: tuple[str, ...]
    created_at: datetime
    revoked_at: datetime | None = None
    tenant: str | None = None  # the tenant this key acts for; None = any


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _as_key(row: ApiKeyRow) -> ApiKey:
    return ApiKey(key_id=row.key_id, name=row.name, scopes=tuple(str(s) for s in row.scopes),
                  created_at=row.created_at, revoked_at=row.revoked_at, tenant=row.tenant)


def create_key(store: FeedbackStore, *, name: str, scopes: list[str] | tuple[str, ...],
               tenant: str | None = None) -> tuple[ApiKey, str]:
    """A new key and its full text (`dm_<id>_<secret>`, to show once). With a `tenant`, the key acts for that
    tenant only (service/tenancy.py); without one, for any tenant."""
    if not _NAME.match(name):
        raise InvalidInputError("a key name is 1-200 letters, digits, spaces or . @ : / - _")
    if tenant is not None and not _TENANT.match(tenant):
        raise InvalidInputError("a tenant is 1-200 letters, digits or . @ : - _, starting with a letter or digit")
    unknown = sorted(set(scopes) - set(SCOPES))
    if not scopes or unknown:
        raise InvalidInputError(f"scopes must be some of {list(SCOPES)}; got {list(scopes)}")
    key_id = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    row = ApiKeyRow(key_id=key_id, name=name, scopes=sorted(set(scopes)), secret_sha256=_digest(secret),
                    created_at=utcnow(), revoked_at=None, tenant=tenant)
    with store.session() as session:
        session.add(row)
    return _as_key(row), f"dm_{key_id}_{secret}"


def list_keys(store: FeedbackStore) -> list[ApiKey]:
    with store.session() as session:
        return [_as_key(row) for row in session.scalars(select(ApiKeyRow).order_by(ApiKeyRow.created_at))]


def revoke_key(store: FeedbackStore, key_id: str) -> ApiKey:
    with store.session() as session:
        row = session.get(ApiKeyRow, key_id)
        if row is None:
            raise NotFound(f"no API key {key_id!r}")
        if row.revoked_at is None:
            row.revoked_at = utcnow()
        return _as_key(row)


class KeyChecker:
    """Resolves a presented key to its `ApiKey`, or None (unknown, malformed or revoked)."""

    def __init__(self, store: FeedbackStore, *, cache_seconds: float = 5.0) -> None:
        self.store = store
        self.cache_seconds = cache_seconds
        self._cache: dict[str, tuple[float, ApiKey | None]] = {}
        self._lock = threading.Lock()

    def cached(self, presented: str) -> tuple[bool, ApiKey | None]:
        """(True, the answer) when it can be given without the store: a malformed key, or one checked less than
        `cache_seconds` ago; (False, None) when `check` must ask the store. Cheap enough for the event loop."""
        match = _KEY.match(presented)
        if match is None:
            return True, None
        with self._lock:
            cached = self._cache.get(_digest(match["secret"]))
        if cached is not None and time.monotonic() - cached[0] < self.cache_seconds:
            return True, cached[1]
        return False, None

    def check(self, presented: str) -> ApiKey | None:
        hit, key = self.cached(presented)
        if hit:
            return key
        match = _KEY.match(presented)
        assert match is not None  # `cached` answered every malformed key
        digest = _digest(match["secret"])
        now = time.monotonic()
        with self.store.session() as session:
            row = session.get(ApiKeyRow, match["key_id"])
            found = None
            if row is not None and hmac.compare_digest(row.secret_sha256, digest) and row.revoked_at is None:
                found = _as_key(row)
        with self._lock:
            if len(self._cache) > 10_000:  # bounded: guessing keys must not grow memory
                self._cache.clear()
            self._cache[digest] = (now, found)
        return found
