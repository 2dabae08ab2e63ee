"""The shared base of the desk REST clients: one HTTP call with the desk's auth, errors mapped to job outcomes, the
idempotency marker of a note, dry runs, and the read-only `check()`.

A client writes one ticket's `WriteBack` (priority, group, tags merged, a private note) and returns what it wrote,
for the record. It never writes a public reply. Errors become what the job queue understands:
429 -> `RetryLater(after_seconds=Retry-After)`; 5xx, timeouts, connection errors -> `RetryLater`;
401/403/404 and other 4xx -> `PermanentFailure` with a clear reason (retrying cannot fix them).

Idempotency: delivery is at-least-once, so the note carries a marker line (`deskmate-suggestion: <key>`) and a
retried job that finds the marker on the ticket does not post the note again. Priority, group and tags are
idempotent writes by themselves (tags are merged, never replaced).
"""

from __future__ import annotations

import email.utils
import hashlib
import logging
import re
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, ClassVar, Protocol

import httpx

from service.desks.types import DeskKind, WriteBack
from service.jobs.base import PermanentFailure, RetryLater

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT_S = 10.0
DEFAULT_RETRY_AFTER_S = 30.0  # a 429 without a usable Retry-After
MARKER_PREFIX = "deskmate-suggestion:"
_MARKER = re.compile(re.escape(MARKER_PREFIX) + r"\s*([A-Za-z0-9_.:-]{1,100})")
_ERROR_EXCERPT = 300


@dataclass(frozen=True, slots=True)
class CheckResult:
    """What `deskmate desks check` says about one desk: did a read-only call with its credentials work."""

    desk: str
    ok: bool
    status_code: int | None
    message: str
    identity: str | None = None  # who the credentials act as (an agent's email or name), when the desk says

    def to_dict(self) -> dict[str, Any]:
        return {"desk": self.desk, "ok": self.ok, "status_code": self.status_code, "message": self.message,
                "identity": self.identity}


class DeskClient(Protocol):
    """A desk's REST API as a job sees it."""

    @property
    def kind(self) -> DeskKind: ...

    def write_back(self, desk_ticket_id: str | int, wb: WriteBack, *,
                   idempotency_key: str | None = None) -> dict[str, Any]: ...

    def check(self) -> CheckResult: ...

    def close(self) -> None: ...


@dataclass
class WriteRecord:
    """What one write-back did (or would do, in a dry run): returned to the job and stored with the suggestion."""

    desk: str
    ticket_id: str
    dry_run: bool
    priority: str | int | None = None
    group_id: str | int | None = None
    tags_added: list[str] = field(default_factory=list)
    note_marker: str | None = None
    note_posted: bool = False
    note_already_present: bool = False
    note_body: str | None = None  # only in a dry run: the note as it would be written
    requests: list[str] = field(default_factory=list)  # "PUT /api/v2/tickets/1.json" ..., in order

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"desk": self.desk, "ticket_id": self.ticket_id, "dry_run": self.dry_run,
                               "priority": self.priority, "group_id": self.group_id, "tags_added": self.tags_added,
                               "note_marker": self.note_marker, "note_posted": self.note_posted,
                               "note_already_present": self.note_already_present, "requests": self.requests}
        if self.dry_run:
            out["note_body"] = self.note_body
        return out


def note_marker(note_text: str, idempotency_key: str | None) -> str:
    """The marker line of a note: the key given, else the one already in the text, else a hash of the text."""
    if idempotency_key is None:
        found = _MARKER.search(note_text)
        idempotency_key = found.group(1) if found else hashlib.sha256(note_text.encode("utf-8")).hexdigest()[:20]
    key = re.sub(r"[^A-Za-z0-9_.:-]", "-", idempotency_key)[:100]
    return f"{MARKER_PREFIX} {key}"


def note_with_marker(note_text: str, marker: str) -> str:
    """The note as posted: its text, then the marker on a line of its own (unless the text carries it already)."""
    return note_text if marker in note_text else f"{note_text.rstrip()}\n\n{marker}"


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date); None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    current = datetime.now(UTC).timestamp() if now is None else now
    return max(0.0, when.timestamp() - current)


class HttpDeskClient:
    """The base every desk client extends: subclasses set `kind`, `check_path`, pass their `Authorization` header
    value, and implement `_identity` and `_write` (the desk's own calls, through `_call`)."""

    kind: ClassVar[DeskKind]
    check_path: ClassVar[str]

    def __init__(self, *, name: str, base_url: str, authorization: str, timeout_s: float = DEFAULT_TIMEOUT_S,
                 http: httpx.Client | None = None) -> None:
        self.name = name
        self._authorization = authorization
        self.base_url = base_url.rstrip("/")
        self._owns_http = http is None
        self._http = http if http is not None else httpx.Client(timeout=httpx.Timeout(timeout_s),
                                                                follow_redirects=False)

    # -- for subclasses ------------------------------------------------------------------------------------------

    def _identity(self, body: Any) -> str | None:
        raise NotImplementedError

    def _write(self, ticket_id: str, wb: WriteBack, marker: str | None, record: WriteRecord) -> None:
        raise NotImplementedError

    def _call(self, method: str, path: str, record: WriteRecord | None = None, *,
              json: Any = None, params: dict[str, Any] | None = None) -> httpx.Response:
        """One request with the desk's auth; a non-2xx answer or a transport error raises RetryLater or
        PermanentFailure (see the module docstring)."""
        if record is not None:
            record.requests.append(f"{method} {path}")
        url = f"{self.base_url}{path}"
        headers = {"Accept": "application/json", "Authorization": self._authorization}
        started = time.perf_counter()
        try:
            response = self._http.request(method, url, json=json, params=params, headers=headers)
        except httpx.TimeoutException as exc:
            raise RetryLater(f"{self.name}: {method} {path} timed out ({exc.__class__.__name__})") from exc
        except httpx.TransportError as exc:
            raise RetryLater(f"{self.name}: {method} {path} failed: {exc.__class__.__name__}: {exc}") from exc
        logger.info("desk call", extra={"desk": self.name, "method": method, "path": path,
                                        "status": response.status_code,
                                        "ms": round((time.perf_counter() - started) * 1000, 1)})
        if response.is_success:
            return response
        raise self._failure(method, path, response)

    def _failure(self, method: str, path: str, response: httpx.Response) -> RetryLater | PermanentFailure:
        status = response.status_code
        what = f"{self.name} ({self.kind}) answered {status} to {method} {path}"
        excerpt = response.text[:_ERROR_EXCERPT].strip()
        if status == 429:
            after = parse_retry_after(response.headers.get("Retry-After"))
            return RetryLater(f"{what}: rate limited", after_seconds=after if after is not None
                              else DEFAULT_RETRY_AFTER_S)
        if status >= 500:
            return RetryLater(f"{what}: {excerpt}" if excerpt else what,
                              after_seconds=parse_retry_after(response.headers.get("Retry-After")))
        if status in (401, 403):
            return PermanentFailure(f"{what}: the desk refused our API credentials (check credentials in the desk's "
                                    "YAML and that the API user may edit tickets); not retried")
        if status == 404:
            return PermanentFailure(f"{what}: not found (a deleted ticket, or a wrong base_url)")
        return PermanentFailure(f"{what}: {excerpt}" if excerpt else what)

    # -- the public API --------------------------------------------------------------------------------------------

    def write_back(self, desk_ticket_id: str | int, wb: WriteBack, *,
                   idempotency_key: str | None = None) -> dict[str, Any]:
        """Write `wb` to the ticket; returns what was written (or, with `wb.dry_run`, what would be, with no HTTP
        call). `idempotency_key` names the note's marker (default: one found in the note, else a hash of it)."""
        ticket_id = str(desk_ticket_id).strip()
        if not ticket_id or not re.fullmatch(r"[A-Za-z0-9_-]{1,64}", ticket_id):
            raise PermanentFailure(f"{self.name}: bad desk ticket id {str(desk_ticket_id)[:80]!r}")
        marker = note_marker(wb.note_text, idempotency_key) if wb.note_text else None
        record = WriteRecord(desk=self.name, ticket_id=ticket_id, dry_run=wb.dry_run, priority=wb.priority,
                             group_id=wb.group_id, note_marker=marker)
        if wb.dry_run:
            record.tags_added = list(dict.fromkeys(wb.tags_add))
            record.note_body = note_with_marker(wb.note_text, marker) if wb.note_text and marker else None
            logger.info("desk write-back (dry run, nothing written)",
                        extra={"desk": self.name, "ticket_id": ticket_id, "priority": wb.priority,
                               "group_id": wb.group_id, "tags_add": record.tags_added, "note": record.note_body})
            return record.to_dict()
        self._write(ticket_id, wb, marker, record)
        logger.info("desk write-back", extra={"desk": self.name, "ticket_id": ticket_id,
                                               "note_posted": record.note_posted, "requests": len(record.requests)})
        return record.to_dict()

    def check(self) -> CheckResult:
        """A read-only call with the configured credentials (who am I); never raises."""
        try:
            response = self._call("GET", self.check_path)
        except (RetryLater, PermanentFailure) as exc:
            status = None
            found = re.search(r"answered (\d{3})", exc.reason)
            if found:
                status = int(found.group(1))
            return CheckResult(desk=self.name, ok=False, status_code=status, message=exc.reason)
        try:
            identity = self._identity(response.json())
        except ValueError:
            identity = None
        return CheckResult(desk=self.name, ok=True, status_code=response.status_code,
                           message=f"GET {self.check_path} answered {response.status_code}", identity=identity)

    def close(self) -> None:
        if self._owns_http:
            self._http.close()


def as_int(value: str | int, what: str) -> int:
    """A desk id given as an int or a string of digits; anything else is a PermanentFailure (a config error)."""
    if isinstance(value, int):
        return value
    if value.strip().isdigit():
        return int(value.strip())
    raise PermanentFailure(f"{what} {value!r} is not a number")
