"""Local fakes of the three desks, over real HTTP on loopback: their REST APIs and their webhook senders.

`FakeZendesk`, `FakeFreshdesk`, `FakeZammad` serve the endpoints the write-back clients call (service/desks/clients/)
with the documented request and response shapes, check the auth header, record every request, and fail on demand
(`fail(...)`: a status such as 429 with Retry-After, 500 or 401; a delay longer than the client's timeout, before or
after the write is applied). Each runs `http.server` in a daemon thread: `with FakeZendesk() as desk: desk.url`.

The senders build a desk's webhook request the way the desk does, signed with its real algorithm: Zendesk
base64(HMAC-SHA256(secret, timestamp + body)), Zammad `sha1=` hex HMAC-SHA1(token, body), Freshdesk a shared
secret header (it signs nothing). Bodies come from the payload templates in config/desks/templates/ when given.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import re
import socket
import sys
import threading
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlsplit

Answer = tuple[int, Any]


@dataclass(frozen=True)
class Recorded:
    """One request as the fake desk received it."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-case names
    body: Any  # parsed JSON, or None
    at: float  # time.monotonic() when it arrived


@dataclass
class Fault:
    """An injected failure for the next `times` matching requests. `status`: answer it instead of handling the
    request (with `retry_after` as the Retry-After header); `delay_s`: sleep first (a timeout for the client);
    `after_apply`: handle the request (the write happens) and only then sleep, so the client times out on a write
    that was made."""

    status: int | None = None
    retry_after: str | None = None
    delay_s: float = 0.0
    after_apply: bool = False
    method: str | None = None
    path: str | None = None  # a regular expression searched in the path
    times: int = 1

    def matches(self, method: str, path: str) -> bool:
        return (self.method is None or self.method == method) and (self.path is None or
                                                                   re.search(self.path, path) is not None)


@dataclass
class Ticket:
    id: int
    subject: str = "Charged twice"
    priority: Any = None
    group_id: Any = None
    group: str | None = None
    tags: list[str] = field(default_factory=list)
    notes: list[dict[str, Any]] = field(default_factory=list)  # comments / conversations / articles, in order


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _serve(self) -> None:
        split = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None
        headers = {k.lower(): v for k, v in self.headers.items()}
        status, payload, extra = self.server.desk.receive(self.command, split.path, parse_qs(split.query), headers,
                                                          body, raw)
        data = b"" if payload is None else json.dumps(payload).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            for name, value in extra.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (timed out) first
            self.close_connection = True

    do_GET = do_PUT = do_POST = do_DELETE = _serve


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, desk: FakeDesk) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.desk = desk

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that went away (timed out, or its process was killed) is expected here: no traceback."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class FakeDesk:
    """A desk's REST API on loopback. Subclasses route requests (`handle`) and say what auth they expect."""

    kind: ClassVar[str]

    def __init__(self, *, authorization: str) -> None:
        self.authorization = authorization
        self.tickets: dict[int, Ticket] = {}
        self.requests: list[Recorded] = []
        self.faults: list[Fault] = []
        self._lock = threading.RLock()
        self._ids = itertools.count(1000)
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- life cycle ----------------------------------------------------------------------------------------------

    def start(self) -> str:
        self._server = _Server(self)
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name=f"fake-{self.kind}", daemon=True)
        self._thread.start()
        return self.url

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeDesk:
        self.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    @property
    def url(self) -> str:
        assert self._server is not None, "start() the fake first"
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    # -- set-up and inspection -----------------------------------------------------------------------------------

    def add_ticket(self, ticket_id: int, **fields: Any) -> Ticket:
        with self._lock:
            ticket = Ticket(id=ticket_id, **fields)
            self.tickets[ticket_id] = ticket
            return ticket

    def fail(self, status: int | None = None, *, retry_after: str | None = None, delay_s: float = 0.0,
             after_apply: bool = False, method: str | None = None, path: str | None = None, times: int = 1) -> None:
        with self._lock:
            self.faults.append(Fault(status=status, retry_after=retry_after, delay_s=delay_s,
                                     after_apply=after_apply, method=method, path=path, times=times))

    def writes(self) -> list[Recorded]:
        """Every request that is not a GET, in order."""
        with self._lock:
            return [r for r in self.requests if r.method != "GET"]

    def notes(self, ticket_id: int) -> list[dict[str, Any]]:
        with self._lock:
            return list(self.tickets[ticket_id].notes)

    # -- the request path ----------------------------------------------------------------------------------------

    def _take_fault(self, method: str, path: str) -> Fault | None:
        with self._lock:
            for fault in self.faults:
                if fault.times > 0 and fault.matches(method, path):
                    fault.times -= 1
                    return fault
        return None

    def receive(self, method: str, path: str, query: dict[str, list[str]], headers: dict[str, str], body: Any,
                raw: bytes) -> tuple[int, Any, dict[str, str]]:
        with self._lock:
            self.requests.append(Recorded(method, path, query, headers, body, time.monotonic()))
        fault = self._take_fault(method, path)
        if fault is not None and not fault.after_apply:
            time.sleep(fault.delay_s)
            if fault.status is not None:
                extra = {"Retry-After": fault.retry_after} if fault.retry_after is not None else {}
                return fault.status, self.error_body(fault.status), extra
        if headers.get("authorization") != self.authorization:
            return 401, self.error_body(401), {}
        with self._lock:
            status, payload = self.handle(method, path, query, body)
        if fault is not None and fault.after_apply:
            time.sleep(fault.delay_s)
        return status, payload, {}

    def ticket(self, raw_id: str) -> Ticket | None:
        return self.tickets.get(int(raw_id)) if raw_id.isdigit() else None

    def next_id(self) -> int:
        return next(self._ids)

    def error_body(self, status: int) -> Any:
        raise NotImplementedError

    def handle(self, method: str, path: str, query: dict[str, list[str]], body: Any) -> Answer:
        raise NotImplementedError


def free_port() -> int:
    """A loopback port nobody listens on (for a refused connection, or to start a server on)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode("ascii")


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _page(query: dict[str, list[str]], name: str, default: int) -> int:
    values = query.get(name)
    return int(values[0]) if values and values[0].isdigit() else default


class FakeZendesk(FakeDesk):
    """Zendesk Support API v2: users/me, tickets/{id} (PUT), tickets/update_many (PUT, additional_tags),
    tickets/{id}/comments (GET). Basic auth `{email}/token:{token}`."""

    kind = "zendesk"
    PRIORITIES = ("low", "normal", "high", "urgent")

    def __init__(self, *, email: str = "bot@example.com", token: str = "zd-token") -> None:
        super().__init__(authorization=_basic(f"{email}/token", token))
        self.email = email

    def error_body(self, status: int) -> Any:
        if status == 401:
            return {"error": "Couldn't authenticate you"}
        if status == 404:
            return {"error": "RecordNotFound", "description": "Not found"}
        if status == 429:
            return {"error": "TooManyRequests", "description": "Rate limit exceeded"}
        return {"error": "InternalError", "description": "Something went wrong"}

    def ticket_json(self, ticket: Ticket) -> dict[str, Any]:
        return {"id": ticket.id, "url": f"{self.url}/api/v2/tickets/{ticket.id}.json", "subject": ticket.subject,
                "priority": ticket.priority, "group_id": ticket.group_id, "tags": list(ticket.tags),
                "status": "open", "updated_at": _now()}

    def handle(self, method: str, path: str, query: dict[str, list[str]], body: Any) -> Answer:
        if method == "GET" and path == "/api/v2/users/me.json":
            return 200, {"user": {"id": 7, "name": "Deskmate", "email": self.email, "role": "agent"}}
        if method == "PUT" and path == "/api/v2/tickets/update_many.json":
            ids = [i for i in (query.get("ids") or [""])[0].split(",") if i]
            if not ids or not isinstance(body, dict) or not isinstance(body.get("ticket"), dict):
                return 400, {"error": "InvalidEndpoint", "description": "ids and a ticket object are required"}
            for raw in ids:
                ticket = self.ticket(raw)
                if ticket is None:
                    continue
                for tag in body["ticket"].get("additional_tags") or []:
                    if tag not in ticket.tags:
                        ticket.tags.append(tag)
            job = str(uuid.uuid4().hex)
            return 200, {"job_status": {"id": job, "url": f"{self.url}/api/v2/job_statuses/{job}.json",
                                        "total": len(ids), "progress": None, "status": "queued", "message": None,
                                        "results": None}}
        found = re.fullmatch(r"/api/v2/tickets/(\w+)(/comments)?\.json", path)
        if found is None:
            return 404, {"error": "InvalidEndpoint", "description": "Not found"}
        ticket = self.ticket(found.group(1))
        if ticket is None:
            return 404, self.error_body(404)
        if method == "GET" and found.group(2):
            comments = list(reversed(ticket.notes)) if (query.get("sort_order") or [""])[0] == "desc" else ticket.notes
            per_page, page = _page(query, "per_page", 100), _page(query, "page", 1)
            chunk = comments[(page - 1) * per_page: page * per_page]
            more = len(comments) > page * per_page
            return 200, {"comments": chunk, "count": len(comments), "previous_page": None,
                         "next_page": f"{self.url}{path}?page={page + 1}" if more else None}
        if method == "PUT" and not found.group(2):
            data = body.get("ticket") if isinstance(body, dict) else None
            if not isinstance(data, dict):
                return 400, {"error": "InvalidEndpoint", "description": "a ticket object is required"}
            if "priority" in data and data["priority"] not in self.PRIORITIES:
                return 422, {"error": "RecordInvalid", "description": "Record validation errors",
                             "details": {"priority": [{"description": "Priority is invalid"}]}}
            ticket.priority = data.get("priority", ticket.priority)
            ticket.group_id = data.get("group_id", ticket.group_id)
            if "tags" in data:  # a ticket update's tags REPLACE the ticket's (why the client never sends them)
                ticket.tags = list(data["tags"])
            comment = data.get("comment")
            if isinstance(comment, dict):
                text = str(comment.get("body") or comment.get("html_body") or "")
                ticket.notes.append({"id": self.next_id(), "type": "Comment", "author_id": 7, "body": text,
                                     "html_body": f"<p>{text}</p>", "plain_body": text,
                                     "public": bool(comment.get("public", True)), "created_at": _now()})
            return 200, {"ticket": self.ticket_json(ticket), "audit": {"id": self.next_id(), "events": []}}
        return 404, {"error": "InvalidEndpoint", "description": "Not found"}


class FakeFreshdesk(FakeDesk):
    """Freshdesk API v2: agents/me, tickets/{id} (GET, PUT), tickets/{id}/notes (POST), tickets/{id}/conversations
    (GET). Basic auth `{api_key}:X`."""

    kind = "freshdesk"

    def __init__(self, *, api_key: str = "fd-key") -> None:
        super().__init__(authorization=_basic(api_key, "X"))

    def error_body(self, status: int) -> Any:
        if status == 401:
            return {"code": "invalid_credentials", "message": "You have to be logged in to perform this action."}
        if status == 404:
            return None  # Freshdesk answers a missing ticket with an empty 404
        if status == 429:
            return {"message": "You have exceeded the limit of requests per minute"}
        return {"code": "internal_error", "message": "We're sorry, but something went wrong."}

    def ticket_json(self, ticket: Ticket) -> dict[str, Any]:
        return {"id": ticket.id, "subject": ticket.subject, "priority": ticket.priority or 1,
                "group_id": ticket.group_id, "tags": list(ticket.tags), "status": 2, "updated_at": _now()}

    def handle(self, method: str, path: str, query: dict[str, list[str]], body: Any) -> Answer:
        if method == "GET" and path == "/api/v2/agents/me":
            return 200, {"id": 77, "available": True, "occasional": False,
                         "contact": {"name": "Deskmate", "email": "bot@example.com", "active": True}}
        found = re.fullmatch(r"/api/v2/tickets/(\w+)(/notes|/conversations)?", path)
        if found is None:
            return 404, None
        ticket = self.ticket(found.group(1))
        if ticket is None:
            return 404, None
        sub = found.group(2)
        if method == "GET" and sub is None:
            return 200, self.ticket_json(ticket)
        if method == "PUT" and sub is None:
            if not isinstance(body, dict):
                return 400, {"description": "Validation failed", "errors": [{"field": "", "code": "invalid_json"}]}
            if "priority" in body and body["priority"] not in (1, 2, 3, 4):
                return 400, {"description": "Validation failed", "errors": [
                    {"field": "priority", "message": "It should be one of these values: '1,2,3,4'",
                     "code": "invalid_value"}]}
            ticket.priority = body.get("priority", ticket.priority)
            ticket.group_id = body.get("group_id", ticket.group_id)
            if "tags" in body:  # Freshdesk replaces the tags with the list sent
                ticket.tags = list(body["tags"])
            return 200, self.ticket_json(ticket)
        if method == "POST" and sub == "/notes":
            if not isinstance(body, dict) or not body.get("body"):
                return 400, {"description": "Validation failed", "errors": [
                    {"field": "body", "message": "It should not be blank", "code": "missing_field"}]}
            html_body = str(body["body"])
            note = {"id": self.next_id(), "ticket_id": ticket.id, "user_id": 77, "incoming": False,
                    "private": bool(body.get("private", True)), "body": html_body,
                    "body_text": re.sub(r"<[^>]+>", "", html_body), "source": 2, "created_at": _now()}
            ticket.notes.append(note)
            return 201, note
        if method == "GET" and sub == "/conversations":
            per_page, page = _page(query, "per_page", 30), _page(query, "page", 1)
            return 200, ticket.notes[(page - 1) * per_page: page * per_page]
        return 404, None


class FakeZammad(FakeDesk):
    """Zammad REST API v1: users/me, tickets/{id} (PUT), ticket_articles (POST), ticket_articles/by_ticket/{id},
    tags (GET), tags/add (POST). `Authorization: Token token=...`."""

    kind = "zammad"
    GROUPS: ClassVar[dict[str, int]] = {"Users": 1, "Billing": 2, "Tech": 3}

    def __init__(self, *, token: str = "zm-token") -> None:
        super().__init__(authorization=f"Token token={token}")

    def error_body(self, status: int) -> Any:
        if status == 401:
            return {"error": "Invalid token!", "error_human": "Invalid token!"}
        if status == 404:
            return {"error": "Couldn't find Ticket", "error_human": "Couldn't find Ticket"}
        return {"error": "Internal Server Error"}

    def ticket_json(self, ticket: Ticket) -> dict[str, Any]:
        return {"id": ticket.id, "title": ticket.subject, "priority_id": ticket.priority or 2,
                "group_id": ticket.group_id or 1, "state_id": 2, "updated_at": _now()}

    def handle(self, method: str, path: str, query: dict[str, list[str]], body: Any) -> Answer:
        if method == "GET" and path == "/api/v1/users/me":
            return 200, {"id": 3, "login": "deskmate", "email": "bot@example.com", "firstname": "Desk",
                         "lastname": "Mate", "active": True}
        if path in ("/api/v1/tags", "/api/v1/tags/add"):
            raw_id = str((query.get("o_id") or [""])[0] if method == "GET" else (body or {}).get("o_id", ""))
            ticket = self.ticket(raw_id)
            if ticket is None:
                return 404, self.error_body(404)
            if method == "GET":
                return 200, {"tags": list(ticket.tags)}
            if not isinstance(body, dict) or body.get("object") != "Ticket" or not body.get("item"):
                return 422, {"error": "Need object, o_id and item"}
            if body["item"] not in ticket.tags:
                ticket.tags.append(str(body["item"]))
            return 201, True
        if method == "POST" and path == "/api/v1/ticket_articles":
            if not isinstance(body, dict) or not body.get("body"):
                return 422, {"error": "Need body"}
            ticket = self.ticket(str(body.get("ticket_id", "")))
            if ticket is None:
                return 404, self.error_body(404)
            article = {"id": self.next_id(), "ticket_id": ticket.id, "type": body.get("type", "note"),
                       "sender": "Agent", "internal": bool(body.get("internal", False)), "body": str(body["body"]),
                       "content_type": body.get("content_type", "text/plain"), "created_at": _now()}
            ticket.notes.append(article)
            return 201, article
        found = re.fullmatch(r"/api/v1/(tickets|ticket_articles/by_ticket)/(\w+)", path)
        if found is None:
            return 404, {"error": "No route matches"}
        ticket = self.ticket(found.group(2))
        if ticket is None:
            return 404, self.error_body(404)
        if method == "GET" and found.group(1) == "ticket_articles/by_ticket":
            return 200, list(ticket.notes)
        if method == "PUT" and found.group(1) == "tickets":
            if not isinstance(body, dict):
                return 422, {"error": "Need a ticket"}
            if "priority_id" in body and body["priority_id"] not in (1, 2, 3):
                return 422, {"error": "Couldn't find Ticket::Priority"}
            if "group" in body and body["group"] not in self.GROUPS:
                return 422, {"error": "Couldn't find Group"}
            ticket.priority = body.get("priority_id", ticket.priority)
            ticket.group_id = self.GROUPS[body["group"]] if "group" in body else body.get("group_id", ticket.group_id)
            return 200, self.ticket_json(ticket)
        return 404, {"error": "No route matches"}


def public_replies(fake: FakeDesk) -> list[object]:
    """Every write that could be a public reply: a Zendesk comment not explicitly private, a Freshdesk reply or a
    non-private note, a Zammad article that is not an internal note."""
    bad: list[object] = []
    for r in fake.writes():
        body = r.body if isinstance(r.body, dict) else {}
        comment = (body.get("ticket") or {}).get("comment") if fake.kind == "zendesk" else None
        if comment is not None and comment.get("public") is not False:
            bad.append(r)
        if fake.kind == "freshdesk" and (r.path.endswith("/reply") or (r.path.endswith("/notes")
                                                                       and body.get("private") is not True)):
            bad.append(r)
        if fake.kind == "zammad" and r.path == "/api/v1/ticket_articles" and (
                body.get("internal") is not True or body.get("type") != "note"):
            bad.append(r)
    return bad


# -- webhook senders -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Webhook:
    """A webhook request as the desk would send it: the raw body and its headers."""

    body: bytes
    headers: dict[str, str]


def render_template(template: str, values: Mapping[str, Any]) -> bytes:
    """A desk's JSON body template with its placeholders replaced as the desk does: `{{ticket.id}}` (Zendesk,
    Freshdesk) and `#{ticket.id}` (Zammad). Strings are JSON-escaped so the body stays valid JSON; unknown
    placeholders become empty."""

    def value(match: re.Match[str]) -> str:
        raw = values.get((match.group(1) or match.group(2)).strip(), "")
        return str(raw) if isinstance(raw, int | float) else json.dumps(str(raw))[1:-1]

    return re.sub(r"\{\{\s*([^}]+?)\s*\}\}|#\{([^}]+)\}", value, template).encode("utf-8")


def load_template(path: Path, values: Mapping[str, Any]) -> bytes:
    return render_template(path.read_text(encoding="utf-8"), values)


def zendesk_webhook(secret: str, body: bytes, *, timestamp: str | None = None,
                    invocation_id: str | None = None) -> Webhook:
    """Signed like Zendesk: base64(HMAC-SHA256(secret, timestamp + body)), timestamp ISO-8601."""
    timestamp = timestamp or _now()
    signature = base64.b64encode(hmac.new(secret.encode(), timestamp.encode() + body, hashlib.sha256).digest())
    return Webhook(body, {"Content-Type": "application/json", "X-Zendesk-Account-Id": "123",
                          "X-Zendesk-Webhook-Id": "01HWEBHOOK",
                          "X-Zendesk-Webhook-Invocation-Id": invocation_id or str(uuid.uuid4().int)[:19],
                          "X-Zendesk-Webhook-Signature": signature.decode("ascii"),
                          "X-Zendesk-Webhook-Signature-Timestamp": timestamp})


def zammad_webhook(token: str, body: bytes, *, delivery_id: str | None = None) -> Webhook:
    """Signed like Zammad (lib/user_agent.rb): `X-Hub-Signature: sha1=<hex HMAC-SHA1(token, body)>`."""
    signature = "sha1=" + hmac.new(token.encode(), body, hashlib.sha1).hexdigest()
    return Webhook(body, {"Content-Type": "application/json", "X-Zammad-Trigger": "deskmate",
                          "X-Zammad-Delivery": delivery_id or str(uuid.uuid4()), "X-Hub-Signature": signature})


def freshdesk_webhook(secret: str, body: bytes, *, header: str = "X-Deskmate-Secret") -> Webhook:
    """Freshdesk signs nothing: the automation rule sends the shared secret in a custom header."""
    return Webhook(body, {"Content-Type": "application/json", header: secret})


def zammad_payload(ticket_id: int, *, title: str, body: str, customer: str = "Ana Souza",
                   state: str = "new", tags: list[str] | None = None, article_type: str = "email") -> bytes:
    """Zammad's default webhook payload (no template): `{"ticket": {...}, "article": {...}}`, abridged."""
    first, _, last = customer.partition(" ")
    data = {"ticket": {"id": ticket_id, "number": str(31000 + ticket_id), "title": title, "state": state,
                       "priority": "2 normal", "group": "Users", "tags": tags or [],
                       "customer": {"firstname": first, "lastname": last, "email": "ana@example.com"},
                       "created_at": _now(), "updated_at": _now()},
            "article": {"id": ticket_id * 10, "ticket_id": ticket_id, "type": article_type, "sender": "Customer",
                        "internal": False, "subject": title, "body": body, "content_type": "text/plain",
                        "from": f"{customer} <ana@example.com>", "created_at": _now()}}
    return json.dumps(data).encode("utf-8")


TEMPLATES = Path(__file__).resolve().parents[3] / "config" / "desks" / "templates"


def placeholder_values(kind: str, *, ticket_id: int, subject: str, body: str, comment: str = "", reply: str = "",
                       customer: str = "Ana Souza", tags: str = "vip", status: str = "open") -> dict[str, Any]:
    """What the desk substitutes for the placeholders of its template (config/desks/templates/<kind>-*.json)."""
    if kind == "zendesk":
        return {"ticket.id": ticket_id, "ticket.title": subject, "ticket.description": body,
                "ticket.latest_comment": comment or body, "ticket.latest_public_comment": reply,
                "ticket.requester.name": customer, "ticket.via": "Mail", "ticket.tags": tags,
                "ticket.priority": "Normal", "ticket.status": status.title()}
    if kind == "freshdesk":
        return {"ticket.id": ticket_id, "ticket.subject": subject, "ticket.description": f"<div>{body}</div>",
                "ticket.latest_public_comment": reply or comment, "ticket.requester.name": customer,
                "ticket.source": "Email", "ticket.tags": tags.replace(" ", ","), "ticket.priority": "Low",
                "ticket.status": status.title()}
    return {"ticket.id": ticket_id, "ticket.title": subject, "ticket.customer.fullname": customer,
            "ticket.state.name": status, "article.body": reply or comment or body, "article.type.name": "email",
            "article.sender.name": "Agent" if reply else "Customer"}


def desk_webhook(kind: str, event: str, secret: str, *, ticket_id: int, subject: str = "Charged twice",
                 body: str = "My card was charged twice for the Pro plan, please refund one invoice.",
                 delivery_id: str | None = None, **values: Any) -> Webhook:
    """A `created`/`replied`/`solved` webhook of a desk as it would send it: the shipped template rendered with
    `placeholder_values`, signed with the desk's real scheme (Freshdesk: the shared secret header)."""
    raw = load_template(TEMPLATES / f"{kind}-{event}.json",
                        placeholder_values(kind, ticket_id=ticket_id, subject=subject, body=body, **values))
    if kind == "zendesk":
        return zendesk_webhook(secret, raw, invocation_id=delivery_id)
    if kind == "zammad":
        return zammad_webhook(secret, raw, delivery_id=delivery_id)
    return freshdesk_webhook(secret, raw)
