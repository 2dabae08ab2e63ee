"""Desk YAML files: loaded by name, validated with errors that name the file and the field, secrets by reference."""

from __future__ import annotations

from pathlib import Path

import pytest

from service.desks.config import DeskConfigError, load_desks
from tests.service.desks.helpers import DESK_YAML, FRESHDESK_SECRET, ZENDESK_SECRET, desk_dir

REPO = Path(__file__).resolve().parents[3]


def test_loads_each_desk_by_file_name_with_its_secrets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    desks = load_desks(desk_dir(tmp_path, monkeypatch))
    assert sorted(desks) == ["freshdesk", "zammad", "zendesk"]
    zendesk = desks["zendesk"]
    assert zendesk.kind == "zendesk" and zendesk.scheme == "zendesk_signature"
    assert zendesk.webhook.secret.get() == ZENDESK_SECRET and zendesk.groups["billing"] == 111
    assert desks["freshdesk"].scheme == "header" and desks["freshdesk"].webhook.secret.get() == FRESHDESK_SECRET
    assert ZENDESK_SECRET not in repr(zendesk)  # the secret never shows in a repr or a log line


def test_examples_are_skipped_and_a_missing_directory_means_no_desks(tmp_path: Path) -> None:
    assert load_desks(REPO / "config" / "desks") == {}  # only *.example.yaml there
    assert load_desks(tmp_path / "nowhere") == {}


def test_the_shipped_examples_are_valid(tmp_path: Path) -> None:
    for example in sorted((REPO / "config" / "desks").glob("*.example.yaml")):
        target = tmp_path / example.name.replace(".example", "")
        target.write_text(example.read_text(encoding="utf-8"), encoding="utf-8")
    desks = load_desks(tmp_path, secrets=False)
    assert sorted(desks) == ["freshdesk", "zammad", "zendesk"] and all(d.write_back.dry_run for d in desks.values())


@pytest.mark.parametrize(("text", "problem"), [
    ("kind: helpscout\nbase_url: https://x.example\ncredentials: {token: {env: T}}\nwebhook: {secret: {env: S}}\n",
     "kind: Input should be 'zendesk', 'freshdesk' or 'zammad'"),
    ("kind: zammad\nbase_url: ftp://x\ncredentials: {token: {env: T}}\nwebhook: {secret: {env: S}}\n", "base_url:"),
    ("kind: zammad\nbase_url: https://x.example\ncredentials: {token: {env: T, file: /x}}\n"
     "webhook: {secret: {env: S}}\n",
     "credentials.token: Value error, give exactly one of `env`"),
    ("kind: zammad\nbase_url: https://x.example\ncredentials: {token: 'abc'}\nwebhook: {secret: {env: S}}\n",
     "credentials.token:"),
    ("kind: zammad\nbase_url: https://x.example\ncredentials: {token: {env: T}}\nwebhook: {secret: {env: S}}\n"
     "replay_window_seconds: 1\n", "replay_window_seconds: Input should be greater than or equal to 10"),
    ("kind: zammad\nbase_url: https://x.example\ncredentials: {token: {env: T}}\nwebhook: {secret: {env: S}}\n"
     "colour: blue\n", "colour: Extra inputs are not permitted"),
    ("kind: freshdesk\nbase_url: https://x.example\ncredentials: {token: {env: T}}\n"
     "webhook: {scheme: basic, secret: {env: S}}\n", "webhook.username is needed"),
    ("kind: zammad\nbase_url: https://x.example\ncredentials: {token: {env: T}}\n"
     "webhook: {scheme: header, secret: {env: S}}\n", "webhook.scheme 'header' is not one of zammad's"),
    ("kind: zendesk\nbase_url: https://x.example\ncredentials: {token: {env: T}}\nwebhook: {secret: {env: S}}\n",
     "credentials.email is needed for Zendesk"),
    ("- just\n- a list\n", "expected a mapping"),
    ("kind: [unclosed\n", "cannot read it as YAML"),
])
def test_invalid_files_name_the_file_and_field(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str,
                                               problem: str) -> None:
    monkeypatch.setenv("T", "t")
    monkeypatch.setenv("S", "s")
    (tmp_path / "acme.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(DeskConfigError, match=r"acme\.yaml") as info:
        load_desks(tmp_path)
    assert problem in str(info.value)


def test_a_missing_secret_stops_loading_and_says_where_it_was_looked_for(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    directory = desk_dir(tmp_path, monkeypatch)
    monkeypatch.delenv("TEST_ZD_SECRET")
    with pytest.raises(DeskConfigError, match=r"zendesk.yaml: webhook.secret: .*environment variable TEST_ZD_SECRET"):
        load_desks(directory)
    assert sorted(load_desks(directory, secrets=False)) == ["freshdesk", "zammad", "zendesk"]


def test_a_secret_can_come_from_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEST_ZM_TOKEN", "x")
    secret = tmp_path / "zm.secret"
    secret.write_text("file-secret\n", encoding="utf-8")
    directory = tmp_path / "desks"
    directory.mkdir()
    (directory / "zm.yaml").write_text(DESK_YAML["zammad"].replace("{env: TEST_ZM_SECRET}", f"{{file: {secret}}}"),
                                       encoding="utf-8")
    assert load_desks(directory)["zm"].webhook.secret.get() == "file-secret"
    secret.unlink()
    with pytest.raises(DeskConfigError, match=r"zm\.yaml: webhook\.secret: cannot read the secret file"):
        load_desks(directory)


def test_two_files_naming_the_same_desk_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    directory = desk_dir(tmp_path, monkeypatch)
    (directory / "other.yaml").write_text("name: zammad\n" + DESK_YAML["zammad"], encoding="utf-8")
    with pytest.raises(DeskConfigError, match=r"zammad\.yaml: name: desk 'zammad' is configured twice"):
        load_desks(directory)
