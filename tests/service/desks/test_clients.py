"""The desk write-back clients against the fake desks over real HTTP on loopback (tests/service/desks/fakes.py)."""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from service.desks.clients import client_for
from service.desks.clients.base import HttpDeskClient, parse_retry_after
from service.desks.clients.freshdesk import FreshdeskClient
from service.desks.clients.zammad import ZammadClient
from service.desks.clients.zendesk import ZendeskClient
from service.desks.config import parse_desk
from service.desks.types import WriteBack
from service.jobs.base import PermanentFailure, RetryLater
from tests.service.desks.fakes import FakeDesk, FakeFreshdesk, FakeZammad, FakeZendesk, free_port, public_replies

TICKET = 4821
NOTE = "Suggested reply:\nHi Ana, <b>I have refunded</b> the second charge.\nSources: KB-008"
WB = WriteBack(priority="high", group_id=2, tags_add=("deskmate", "deskmate-billing"), note_text=NOTE)
Factory = Callable[[FakeDesk, str], HttpDeskClient]


def _zendesk(desk: FakeDesk, token: str) -> HttpDeskClient:
    return ZendeskClient(name="zd", base_url=desk.url, email="bot@example.com", api_token=token, timeout_s=1.0)


def _freshdesk(desk: FakeDesk, token: str) -> HttpDeskClient:
    return FreshdeskClient(name="fd", base_url=desk.url, api_key=token, timeout_s=1.0)


def _zammad(desk: FakeDesk, token: str) -> HttpDeskClient:
    return ZammadClient(name="zm", base_url=desk.url, token=token, timeout_s=1.0)


DESKS: dict[str, tuple[Callable[[], FakeDesk], Factory, str]] = {
    "zendesk": (FakeZendesk, _zendesk, "zd-token"),
    "freshdesk": (FakeFreshdesk, _freshdesk, "fd-key"),
    "zammad": (FakeZammad, _zammad, "zm-token"),
}


@pytest.fixture(params=sorted(DESKS))
def desk(request: pytest.FixtureRequest) -> Iterator[tuple[FakeDesk, HttpDeskClient]]:
    make_fake, make_client, token = DESKS[request.param]
    with make_fake() as fake:
        fake.add_ticket(TICKET, tags=["vip", "billing"])
        client = make_client(fake, token)
        yield fake, client
        client.close()


def test_write_back_merges_tags_sets_fields_and_writes_one_private_note(desk: tuple[FakeDesk, HttpDeskClient]) -> None:
    fake, client = desk
    record = client.write_back(TICKET, WB, idempotency_key="sug_01ABC")
    ticket = fake.tickets[TICKET]
    assert ticket.tags == ["vip", "billing", "deskmate", "deskmate-billing"]  # merged, the desk's own kept
    assert ticket.group_id == 2
    assert ticket.priority == {"zendesk": "high", "freshdesk": 3, "zammad": 3}[fake.kind]
    notes = fake.notes(TICKET)
    assert len(notes) == 1
    note = notes[0]
    assert "deskmate-suggestion: sug_01ABC" in str(note["body"])
    assert {"zendesk": note.get("public") is False, "freshdesk": note.get("private") is True,
            "zammad": note.get("internal") is True and note.get("type") == "note"}[fake.kind]
    assert public_replies(fake) == []
    assert record["note_posted"] is True and record["note_marker"] == "deskmate-suggestion: sug_01ABC"
    assert record["tags_added"] == ["deskmate", "deskmate-billing"]
    assert record["requests"] and not record["dry_run"]
    assert all(r.headers["authorization"] == fake.authorization for r in fake.requests)


def test_each_desk_gets_its_documented_request_shapes() -> None:
    with FakeZendesk() as zd, FakeFreshdesk() as fd, FakeZammad() as zm:
        for fake in (zd, fd, zm):
            fake.add_ticket(TICKET, tags=["vip"])
        _zendesk(zd, "zd-token").write_back(TICKET, WB, idempotency_key="k1")
        _freshdesk(fd, "fd-key").write_back(TICKET, WB, idempotency_key="k1")
        _zammad(zm, "zm-token").write_back(TICKET, WB, idempotency_key="k1")

    assert zd.requests[0].headers["authorization"] == "Basic " + base64.b64encode(
        b"bot@example.com/token:zd-token").decode()
    tags, update = [r for r in zd.writes()]
    assert (tags.method, tags.path, tags.query) == ("PUT", "/api/v2/tickets/update_many.json", {"ids": [str(TICKET)]})
    assert tags.body == {"ticket": {"additional_tags": ["deskmate", "deskmate-billing"]}}
    assert (update.method, update.path) == ("PUT", f"/api/v2/tickets/{TICKET}.json")
    assert set(update.body["ticket"]) == {"priority", "group_id", "comment"}  # never `tags`: they would replace
    assert update.body["ticket"]["comment"]["public"] is False

    assert fd.requests[0].headers["authorization"] == "Basic " + base64.b64encode(b"fd-key:X").decode()
    put, note = fd.writes()
    assert (put.method, put.path) == ("PUT", f"/api/v2/tickets/{TICKET}")
    assert put.body == {"priority": 3, "group_id": 2, "tags": ["vip", "deskmate", "deskmate-billing"]}
    assert (note.method, note.path, note.body["private"]) == ("POST", f"/api/v2/tickets/{TICKET}/notes", True)
    assert "&lt;b&gt;I have refunded&lt;/b&gt;" in note.body["body"] and "<br>" in note.body["body"]  # escaped

    assert zm.requests[0].headers["authorization"] == "Token token=zm-token"
    put, tag1, tag2, article = zm.writes()
    assert (put.path, put.body) == (f"/api/v1/tickets/{TICKET}", {"priority_id": 3, "group_id": 2})
    assert [t.body for t in (tag1, tag2)] == [{"item": "deskmate", "object": "Ticket", "o_id": TICKET},
                                             {"item": "deskmate-billing", "object": "Ticket", "o_id": TICKET}]
    assert article.path == "/api/v1/ticket_articles"
    assert {k: article.body[k] for k in ("ticket_id", "type", "internal", "content_type")} == {
        "ticket_id": TICKET, "type": "note", "internal": True, "content_type": "text/plain"}


def test_a_retried_write_back_posts_the_note_once(desk: tuple[FakeDesk, HttpDeskClient]) -> None:
    fake, client = desk
    first = client.write_back(TICKET, WB, idempotency_key="sug_1")
    again = client.write_back(TICKET, WB, idempotency_key="sug_1")
    assert first["note_posted"] and not again["note_posted"] and again["note_already_present"]
    assert len(fake.notes(TICKET)) == 1
    assert fake.tickets[TICKET].tags.count("deskmate") == 1
    client.write_back(TICKET, WB, idempotency_key="sug_2")  # another suggestion: a second note
    assert len(fake.notes(TICKET)) == 2


def test_a_note_written_before_a_timeout_is_not_written_again(desk: tuple[FakeDesk, HttpDeskClient]) -> None:
    fake, client = desk
    note_path = {"zendesk": r"/tickets/\d+\.json$", "freshdesk": "/notes$", "zammad": "^/api/v1/ticket_articles$"}
    fake.fail(delay_s=2.5, after_apply=True, path=note_path[fake.kind], method="PUT" if fake.kind == "zendesk"
              else "POST")
    with pytest.raises(RetryLater, match="timed out"):
        client.write_back(TICKET, WB, idempotency_key="sug_t")
    record = client.write_back(TICKET, WB, idempotency_key="sug_t")
    assert record["note_already_present"] is True
    assert len(fake.notes(TICKET)) == 1


def test_without_a_key_the_marker_is_stable_for_the_same_note(desk: tuple[FakeDesk, HttpDeskClient]) -> None:
    fake, client = desk
    client.write_back(TICKET, WB)
    client.write_back(TICKET, WB)
    assert len(fake.notes(TICKET)) == 1


def test_429_is_retry_later_with_the_desks_retry_after(desk: tuple[FakeDesk, HttpDeskClient]) -> None:
    fake, client = desk
    fake.fail(429, retry_after="7")
    with pytest.raises(RetryLater, match="429") as caught:
        client.write_back(TICKET, WB)
    assert caught.value.after_seconds == 7.0
    assert fake.notes(TICKET) == []


@pytest.mark.parametrize("status", [500, 502, 503])
def test_5xx_is_retry_later(desk: tuple[FakeDesk, HttpDeskClient], status: int) -> None:
    fake, client = desk
    fake.fail(status)
    with pytest.raises(RetryLater, match=str(status)):
        client.write_back(TICKET, WB)
    client.write_back(TICKET, WB)  # the next try goes through
    assert len(fake.notes(TICKET)) == 1


def test_a_timeout_and_a_refused_connection_are_retry_later(desk: tuple[FakeDesk, HttpDeskClient]) -> None:
    fake, client = desk
    fake.fail(delay_s=2.5)
    with pytest.raises(RetryLater, match="timed out"):
        client.write_back(TICKET, WB)
    nowhere = type(client)  # the same client kind, pointed at a port nobody listens on
    _, make, token = DESKS[fake.kind]
    dead = make(fake, token)
    dead.base_url = f"http://127.0.0.1:{free_port()}"
    assert isinstance(dead, nowhere)
    with pytest.raises(RetryLater, match="ConnectError"):
        dead.write_back(TICKET, WB)


@pytest.mark.parametrize("status", [401, 403])
def test_refused_credentials_are_a_permanent_failure_after_one_call(desk: tuple[FakeDesk, HttpDeskClient],
                                                                     status: int) -> None:
    fake, client = desk
    fake.fail(status)
    with pytest.raises(PermanentFailure, match=f"answered {status}.*credentials") as caught:
        client.write_back(TICKET, WB)
    assert "token" not in caught.value.reason.lower().replace("token:", "")  # names no secret
    assert len(fake.requests) == 1  # no retry storm inside the client


def test_wrong_token_is_refused_by_the_fake_and_permanent(desk: tuple[FakeDesk, HttpDeskClient]) -> None:
    fake, _ = desk
    _, make, _ = DESKS[fake.kind]
    with pytest.raises(PermanentFailure, match="401"):
        make(fake, "wrong").write_back(TICKET, WB)
    assert fake.notes(TICKET) == []


def test_a_missing_ticket_is_a_permanent_failure(desk: tuple[FakeDesk, HttpDeskClient]) -> None:
    _, client = desk
    with pytest.raises(PermanentFailure, match="404"):
        client.write_back(999999, WB)


def test_dry_run_makes_no_http_call(desk: tuple[FakeDesk, HttpDeskClient]) -> None:
    fake, client = desk
    record = client.write_back(TICKET, WriteBack(priority="high", group_id=2, tags_add=("deskmate",),
                                                 note_text="draft", dry_run=True), idempotency_key="s9")
    assert fake.requests == []
    assert record["dry_run"] is True and record["requests"] == []
    assert record["note_body"] == "draft\n\ndeskmate-suggestion: s9" and record["tags_added"] == ["deskmate"]


def test_check_is_read_only_and_says_who_we_are(desk: tuple[FakeDesk, HttpDeskClient]) -> None:
    fake, client = desk
    result = client.check()
    assert result.ok and result.status_code == 200 and result.identity == "bot@example.com"
    assert [r.method for r in fake.requests] == ["GET"]
    _, make, _ = DESKS[fake.kind]
    refused = make(fake, "wrong").check()
    assert not refused.ok and refused.status_code == 401 and "credentials" in refused.message


def test_bad_vocabulary_is_a_permanent_failure_before_any_write() -> None:
    with FakeZendesk() as zd:
        zd.add_ticket(TICKET)
        with pytest.raises(PermanentFailure, match="priority"):
            _zendesk(zd, "zd-token").write_back(TICKET, WriteBack(priority="p1"))
        with pytest.raises(PermanentFailure, match="bad desk ticket id"):
            _zendesk(zd, "zd-token").write_back("../admin", WriteBack(note_text="x"))
        assert zd.writes() == []


def test_zammad_group_by_name() -> None:
    with FakeZammad() as zm:
        zm.add_ticket(TICKET)
        _zammad(zm, "zm-token").write_back(TICKET, WriteBack(group_id="Billing", priority="low"))
        assert zm.writes()[0].body == {"priority_id": 1, "group": "Billing"}
        assert zm.tickets[TICKET].group_id == 2


def test_client_for_builds_each_kind_from_its_yaml_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FD_KEY", "fd-key")
    monkeypatch.setenv("FD_HOOK", "hook-secret")
    with FakeFreshdesk() as fd:
        fd.add_ticket(TICKET)
        config = parse_desk(tmp_path / "support.yaml", {
            "kind": "freshdesk", "base_url": fd.url + "/", "credentials": {"token": {"env": "FD_KEY"}},
            "webhook": {"secret": {"env": "FD_HOOK"}}})
        with httpx.Client(timeout=2) as http:
            client = client_for(config, http=http)
            assert isinstance(client, FreshdeskClient) and client.kind == "freshdesk"
            assert client.check().ok
            client.write_back(TICKET, WriteBack(note_text="hello"))
            client.close()  # a shared client is not closed by the desk client
            assert not http.is_closed
    assert len(fd.notes(TICKET)) == 1


def test_retry_after_reads_seconds_and_http_dates() -> None:
    assert parse_retry_after("12") == 12.0
    assert parse_retry_after("Fri, 04 Dec 2026 05:00:30 GMT", now=1796360400.0) == 30.0
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None
