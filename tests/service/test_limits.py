"""Bounded cost per request: limits on text (not markup), text budgets, the body timeout, hostile bodies."""

from __future__ import annotations

import select
import socket
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi.testclient import TestClient

from service.app import create_app
from service.settings import ApiSettings, AuthSettings, EmbedderSettings, RetrievalSettings, Settings
from tests.service.test_api import assert_error_shape
from tests.service.test_retrieval_api import CASES, make_index

LIMITS = ApiSettings(max_text_chars=500, max_raw_chars=5_000, max_batch_text_chars=1_000,
                     max_cases_text_chars=1_000, body_timeout_seconds=0.5)
LOG = " ".join(f"2026-03-01T10:00:{i % 60:02d} ERROR worker-{i} export failed: timeout after 30s" for i in range(40))
# A rich HTML email: thousands of characters of markup around one sentence of text.
RICH_EMAIL = ("<html><head><style>" + "td.c{color:#333;font-family:Arial}" * 60 + "</style></head><body>"
              "<!-- " + "tracking " * 200 + "--><table><tr><td class='c'><p>My card was charged twice, please "
              "refund one charge.</p></td></tr></table><script>var t='" + "x" * 500 + "';</script></body></html>")


def make_settings(model_dir: Path, data_dir: Path, index_dir: Path | None = None,
                  api: ApiSettings = LIMITS) -> Settings:
    return Settings(data_dir=data_dir, model_dir=model_dir, embedder=EmbedderSettings(backend="hashing", model="256"),
                    retrieval=RetrievalSettings(index_dir=index_dir), api=api, auth=AuthSettings(disabled=True))


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("limits")


@pytest.fixture(scope="module")
def client(trained_model_dir: Path, data_dir: Path) -> Iterator[TestClient]:
    index_dir = make_index(data_dir, "index", CASES)
    with TestClient(create_app(make_settings(trained_model_dir, data_dir / "var", index_dir))) as c:
        yield c


def ticket(**overrides: Any) -> dict[str, Any]:
    return {"subject": "Export fails", "body": "the nightly export fails", **overrides}


# -- limits on text, not markup ---------------------------------------------------------------------------------
def test_markup_does_not_count_against_the_text_limit(client: TestClient) -> None:
    assert len(RICH_EMAIL) > 4 * LIMITS.max_text_chars
    out = client.post("/v1/route", json=ticket(subject="Refund", body=RICH_EMAIL))
    assert out.status_code == 200, out.text
    assert out.json()["warnings"] == []
    assert out.json()["topic"]["label"] == "billing"


def test_a_long_pasted_log_is_cut_with_a_warning_on_every_endpoint(client: TestClient) -> None:
    body = ticket(body=f"<p>The export fails every night, log below:</p><pre>{LOG}</pre>")
    route = client.post("/v1/route", json=body)
    assert route.status_code == 200, route.text
    (warning,) = route.json()["warnings"]
    assert "cut to its first" in warning and "limit is 500" in warning
    batch = client.post("/v1/route/batch", json={"tickets": [ticket(), body]}).json()
    assert batch["results"][0]["warnings"] == []
    assert batch["results"][1]["warnings"][0].startswith("tickets[1]: text cut")
    similar = client.post("/v1/similar", json=body)
    assert similar.status_code == 200, similar.text
    assert similar.json()["warnings"] == [warning]
    suggest = client.post("/v1/suggest", json=body).json()
    assert warning in suggest["warnings"] and suggest["route"]["warnings"] == [warning]


def test_the_stored_ticket_holds_the_cut_plain_text(client: TestClient, data_dir: Path) -> None:
    response = client.post("/v1/suggest", json=ticket(id="LOG-1", body=f"<p>Export fails.</p><pre>{LOG}</pre>"))
    assert response.status_code == 200, response.text
    with sqlite3.connect(data_dir / "var" / "deskmate.db") as db:
        rows = db.execute("SELECT subject, body FROM tickets").fetchall()
    (subject, stored), = [(s, b) for s, b in rows if b.startswith("Export fails.")]
    assert subject == "Export fails" and "<p>" not in stored
    assert len(subject) + 1 + len(stored) <= LIMITS.max_text_chars
    first, log = stored.split("\n\n", 1)
    assert first == "Export fails." and LOG.startswith(log) and len(log) < len(LOG) and not log.endswith(" ")


def test_raw_size_over_the_raw_limit_is_413(client: TestClient) -> None:
    huge = "<div>" + "y " * 3_000 + "</div>"
    payload = assert_error_shape(client.post("/v1/route", json=ticket(body=huge)), 413, "payload_too_large")
    assert "MAX_RAW_CHARS" in payload["error"]["message"]
    payload = assert_error_shape(client.post("/v1/route/batch", json={"tickets": [ticket(), ticket(body=huge)]}),
                                 413, "payload_too_large")
    assert payload["error"]["message"].startswith("tickets[1]: ")


@pytest.mark.parametrize("body", [
    "<!-- refund my card charged twice -->",
    "<script>refund('card charged twice')</script><style>p { color: red }</style>",
    "<![CDATA[card charged twice]]>",
    "<html><head><title>Refund</title></head><body><p> </p><br/></body></html>",
    "<p>&nbsp;</p>\u0000\u0007",
])
def test_markup_only_bodies_are_422_empty_text(client: TestClient, body: str) -> None:
    for path in ("/v1/route", "/v1/similar", "/v1/suggest"):
        assert_error_shape(client.post(path, json={"subject": "", "body": body}), 422, "empty_text")


# -- per-request text budgets --------------------------------------------------------------------------------------
def test_batch_over_the_text_budget_is_413(client: TestClient) -> None:
    tickets = [ticket(body="<b>" + "word " * 80 + "</b>") for _ in range(3)]  # 3 x ~420 characters of text
    assert client.post("/v1/route/batch", json={"tickets": tickets[:2]}).status_code == 200
    payload = assert_error_shape(client.post("/v1/route/batch", json={"tickets": tickets}), 413, "payload_too_large")
    assert "MAX_BATCH_TEXT_CHARS" in payload["error"]["message"]


def test_case_upload_over_the_text_budget_is_413_and_adds_nothing(client: TestClient) -> None:
    cases = [{"id": f"budget-{i}", "subject": "Export fails", "body": "<p>" + "export " * 40 + "</p>",
              "resolution": "I re-ran the export " + "again " * 20, "topic": "billing"} for i in range(3)]
    payload = assert_error_shape(client.post("/v1/cases", json={"cases": cases}), 413, "payload_too_large")
    assert "MAX_CASES_TEXT_CHARS" in payload["error"]["message"]
    hits = client.post("/v1/similar", json=ticket(body="export export export", k_cases=10)).json()["cases"]
    assert not any(hit["id"].startswith("budget-") for hit in hits)
    big = {**cases[0], "body": "<i>" + "z" * 6_000 + "</i>"}
    payload = assert_error_shape(client.post("/v1/cases", json={"cases": [big]}), 413, "payload_too_large")
    assert payload["error"]["message"].startswith("cases[0]: ")


# -- hostile bodies: each a 4xx in the one error shape, and the service stays healthy -------------------------------
def test_deeply_nested_json_is_a_4xx(client: TestClient) -> None:
    nested = b'{"subject": "x", "body": "y", "metadata": {"a": ' + b"[" * 100_000 + b"]" * 100_000 + b"}}"
    response = client.post("/v1/route", content=nested, headers={"content-type": "application/json"})
    assert_error_shape(response, 422, "malformed_json")
    deep = {"a": [[[[[[[[[["too deep"]]]]]]]]]]}
    payload = assert_error_shape(client.post("/v1/route", json=ticket(metadata=deep)), 422, "validation_error")
    assert payload["error"]["details"][0]["loc"] == ["body", "metadata"]
    assert client.get("/healthz").status_code == 200
    assert client.post("/v1/route", json=ticket()).status_code == 200


def test_invalid_utf8_and_non_json_bodies(client: TestClient) -> None:
    bad = b'{"subject": "caf\xe9", "body": "\xff\xfe"}'
    assert_error_shape(client.post("/v1/route", content=bad, headers={"content-type": "application/json"}),
                       422, "malformed_json")
    assert_error_shape(client.post("/v1/route", content=b"subject=x&body=y",
                                   headers={"content-type": "application/x-www-form-urlencoded"}),
                       415, "unsupported_media_type")
    assert_error_shape(client.post("/v1/route", content=b"<p>hi</p>", headers={"content-type": "text/html"}),
                       415, "unsupported_media_type")
    lone = b'{"subject": "x", "body": "refund \\ud800 my card"}'  # valid JSON, not a valid string
    payload = assert_error_shape(client.post("/v1/route", content=lone, headers={"content-type": "application/json"}),
                                 422, "validation_error")
    assert payload["error"]["details"][0]["loc"] == ["body", "body"]
    assert client.get("/healthz").status_code == 200


def test_pathological_html_answers_quickly(client: TestClient) -> None:
    # Python's html.parser needed ~17 s for 100 KB of "<a b='"; the whole body limit of it must stay fast.
    started = time.perf_counter()
    response = client.post("/v1/route", json=ticket(subject="Export", body="<p>x</p>" + "<a b='" * 800))
    assert response.status_code == 200, response.text
    assert time.perf_counter() - started < 5


# -- the body timeout, on a real server ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def server(trained_model_dir: Path, data_dir: Path) -> Iterator[tuple[str, int]]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    app = create_app(make_settings(trained_model_dir, data_dir / "served"))
    server = uvicorn.Server(uvicorn.Config(app, log_config=None, access_log=False, lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "server did not start"
        time.sleep(0.05)
    yield sock.getsockname()
    server.should_exit = True
    thread.join(10)


def read_response(conn: socket.socket, timeout: float) -> bytes:
    """Everything the server sends until it closes the connection (fails if it does not within `timeout`)."""
    conn.settimeout(timeout)
    data = b""
    while chunk := conn.recv(65536):
        data += chunk
    return data


def test_a_stalled_body_gets_408_and_the_connection_is_closed(server: tuple[str, int]) -> None:
    body = b'{"subject": "Export fails", "body": "the nightly export fails"}'
    with socket.create_connection(server) as conn:
        conn.sendall(b"POST /v1/route HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n"
                     b"content-length: %d\r\n\r\n" % len(body) + body[:10])
        started = time.perf_counter()
        answer = read_response(conn, timeout=5)  # recv returns b"" once the server closed: the connection is freed
    assert 0.3 < time.perf_counter() - started < 4
    head, _, payload = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 408") and b"connection: close" in head.lower()
    assert b'"code":"request_timeout"' in payload and b"within 0.5 s" in payload


def test_a_trickled_body_gets_408_but_a_prompt_one_is_served(server: tuple[str, int]) -> None:
    body = b'{"subject": "Export fails", "body": "the nightly export fails"}'
    head = b"POST /v1/route HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: %d\r\n\r\n"
    with socket.create_connection(server) as conn:
        conn.sendall(head % len(body))
        started, sent = time.perf_counter(), 0
        # A byte every 0.1 s (each read is quick, the whole body is not) until the server answers
        while not select.select([conn], [], [], 0.1)[0] and sent < len(body) - 1:
            conn.sendall(body[sent:sent + 1])
            sent += 1
        assert read_response(conn, timeout=5).startswith(b"HTTP/1.1 408")
    assert 3 <= sent < len(body) - 1 and time.perf_counter() - started < 4
    with socket.create_connection(server) as conn:
        conn.sendall(head % len(body) + body)
        conn.settimeout(5)
        answer = conn.recv(65536)
    assert answer.startswith(b"HTTP/1.1 200"), answer[:300]


def test_large_tickets_are_stripped_off_the_event_loop_with_the_same_result(trained_model_dir: Path,
                                                                            tmp_path: Path) -> None:
    import anyio

    from service.mapping import STRIP_OFF_LOOP_CHARS, ticket_input, ticket_inputs, to_ticket
    from service.schemas import TicketIn

    settings = make_settings(trained_model_dir, tmp_path, api=ApiSettings())
    small, large = TicketIn(subject="Refund", body=RICH_EMAIL), TicketIn(subject="Log", body="<p>x" * 49_000)
    assert len(RICH_EMAIL) < STRIP_OFF_LOOP_CHARS < len(large.body)
    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        while True:
            await anyio.sleep(0.001)
            ticks += 1

    async def main() -> None:
        async with anyio.create_task_group() as tasks:
            tasks.start_soon(tick)
            await anyio.sleep(0.01)
            before = ticks
            assert await ticket_input(large, settings) == to_ticket(large, settings)
            assert ticks > before  # the loop kept running while the large ticket was stripped
            assert await ticket_input(small, settings) == to_ticket(small, settings)
            assert await ticket_inputs([small, large], settings) == [to_ticket(small, settings, 0),
                                                                     to_ticket(large, settings, 1)]
            tasks.cancel_scope.cancel()

    anyio.run(main)
    assert to_ticket(large, settings).warnings  # cut to 20,000 characters of text
