"""`deskmate desks list|check`: configured desks, a read-only call each, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from scripts.cli import app
from scripts.desks import check_desks, list_desks
from service.desks.clients import CheckResult
from service.desks.config import DeskConfig
from service.desks.types import DeskKind, WriteBack
from tests.service.desks.helpers import ZENDESK_SECRET, desk_dir


class FakeCheck:
    def __init__(self, desk: DeskConfig, ok: bool) -> None:
        self.desk, self.ok, self.closed = desk, ok, False

    @property
    def kind(self) -> DeskKind:
        return self.desk.kind

    def write_back(self, desk_ticket_id: str | int, wb: WriteBack, *,
                   idempotency_key: str | None = None) -> dict[str, object]:
        raise AssertionError("check never writes")

    def check(self) -> CheckResult:
        return CheckResult(desk=self.desk.name, ok=self.ok, status_code=200 if self.ok else 401,
                           message="GET /me answered 200" if self.ok else "answered 401", identity="bot")

    def close(self) -> None:
        self.closed = True


def test_list_describes_each_desk_without_secrets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = list_desks(config_dir=desk_dir(tmp_path, monkeypatch))
    assert [r["desk"] for r in rows] == ["freshdesk", "zammad", "zendesk"]
    assert rows[2]["webhook"] == "POST /v1/desks/zendesk/events" and rows[2]["webhook_auth"] == "zendesk_signature"
    assert ZENDESK_SECRET not in json.dumps(rows)


def test_check_calls_each_desk_and_closes_its_client(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[FakeCheck] = []

    def clients(desk: DeskConfig) -> FakeCheck:
        made.append(FakeCheck(desk, ok=desk.kind != "zammad"))
        return made[-1]

    results = check_desks(config_dir=desk_dir(tmp_path, monkeypatch), clients=clients)
    assert {r["desk"]: r["ok"] for r in results} == {"freshdesk": True, "zammad": False, "zendesk": True}
    assert all(c.closed for c in made)
    only = check_desks(config_dir=desk_dir(tmp_path, monkeypatch), only="zendesk", clients=clients)
    assert [r["desk"] for r in only] == ["zendesk"]
    with pytest.raises(KeyError, match="no desk 'nope'"):
        check_desks(config_dir=desk_dir(tmp_path, monkeypatch), only="nope", clients=clients)


def test_cli_exit_codes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    runner = CliRunner()
    directory = desk_dir(tmp_path, monkeypatch)
    listed = runner.invoke(app, ["desks", "list", "--config-dir", str(directory)])
    assert listed.exit_code == 0 and len(listed.stdout.strip().splitlines()) == 3
    (directory / "broken.yaml").write_text("kind: zendesk\n", encoding="utf-8")
    broken = runner.invoke(app, ["desks", "check", "--config-dir", str(directory)])
    assert broken.exit_code == 2 and "broken.yaml" in broken.output
    empty = runner.invoke(app, ["desks", "check", "--config-dir", str(tmp_path / "none")])
    assert empty.exit_code == 1 and "no desks configured" in empty.output
