from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from models.atomic import (
    atomic_path,
    atomic_write_json,
    atomic_write_jsonl,
    atomic_write_text,
    fsync_dir,
    replace_dir,
)


class FsyncCounter:
    """Stands in for `os.fsync`: counts calls per kind of descriptor and still syncs."""

    def __init__(self) -> None:
        self.files = 0
        self.dirs = 0
        self._real = os.fsync

    def __call__(self, fd: int) -> None:
        if stat.S_ISDIR(os.fstat(fd).st_mode):
            self.dirs += 1
        else:
            self.files += 1
        self._real(fd)


@pytest.fixture()
def fsyncs(monkeypatch: pytest.MonkeyPatch) -> FsyncCounter:
    counter = FsyncCounter()
    monkeypatch.setattr(os, "fsync", counter)
    return counter


def leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(".tmp") or ".old-" in p.name)


def test_content_is_replaced_whole(tmp_path: Path) -> None:
    target = tmp_path / "state.json"
    target.write_text("old content that is longer than the new one\n")
    atomic_write_text(target, "new\n")
    assert target.read_text() == "new\n"
    atomic_write_json(target, {"b": 1, "a": "é"}, indent=2, sort_keys=True)
    assert target.read_text(encoding="utf-8") == '{\n  "a": "\\u00e9",\n  "b": 1\n}\n'
    atomic_write_jsonl(target, [{"x": "é"}, None])
    assert target.read_text(encoding="utf-8") == '{"x": "é"}\nnull\n'
    assert leftovers(tmp_path) == []


def test_creates_missing_parent_and_gives_plain_file_permissions(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "out.txt"
    atomic_write_text(target, "x")
    plain = tmp_path / "plain.txt"
    plain.write_text("x")
    assert target.read_text() == "x"
    assert target.stat().st_mode & 0o777 == plain.stat().st_mode & 0o777


def test_failure_leaves_the_old_file_and_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    target.write_text("old")
    with pytest.raises(RuntimeError, match="half way"), atomic_path(target) as tmp:
        tmp.write_text("new, half writ")
        raise RuntimeError("half way")
    assert target.read_text() == "old"
    assert leftovers(tmp_path) == []

    with pytest.raises(TypeError), atomic_path(target) as tmp, tmp.open("w") as handle:
        handle.write(json.dumps({"ok": object()}))  # not serializable: raised mid-write
    assert target.read_text() == "old"
    assert leftovers(tmp_path) == []


def test_failed_replace_leaves_the_old_file_and_no_temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "active.json"
    target.write_text("old")

    def fail(*args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError, match="disk full"):
        atomic_write_text(target, "new")
    assert target.read_text() == "old"
    assert leftovers(tmp_path) == []


def test_file_and_directory_are_fsynced(tmp_path: Path, fsyncs: FsyncCounter) -> None:
    atomic_write_text(tmp_path / "x.txt", "x")
    assert (fsyncs.files, fsyncs.dirs) == (1, 1)  # the data before the rename, the directory after it


def test_nothing_is_fsynced_or_replaced_on_failure(tmp_path: Path, fsyncs: FsyncCounter) -> None:
    with pytest.raises(RuntimeError), atomic_path(tmp_path / "x.txt") as tmp:
        tmp.write_text("x")
        raise RuntimeError("stop")
    assert (fsyncs.files, fsyncs.dirs) == (0, 0)
    assert not (tmp_path / "x.txt").exists()


def test_fsync_dir_tolerates_a_missing_directory(tmp_path: Path) -> None:
    fsync_dir(tmp_path / "missing")  # no error: durability is best effort where a directory cannot be opened


def test_replace_dir_swaps_in_the_new_tree_and_syncs_it(tmp_path: Path, fsyncs: FsyncCounter) -> None:
    target = tmp_path / "model"
    target.mkdir()
    (target / "old.txt").write_text("old")
    staged = tmp_path / ".model.staged"
    (staged / "sub").mkdir(parents=True)
    (staged / "a.txt").write_text("a")
    (staged / "sub" / "b.txt").write_text("b")
    replace_dir(staged, target)
    assert sorted(p.relative_to(target).as_posix() for p in target.rglob("*")) == ["a.txt", "sub", "sub/b.txt"]
    assert not staged.exists() and leftovers(tmp_path) == []
    assert fsyncs.files == 2 and fsyncs.dirs >= 3  # both files; staged, staged/sub and the parent

    fresh = tmp_path / ".fresh.staged"
    fresh.mkdir()
    replace_dir(fresh, tmp_path / "new")
    assert (tmp_path / "new").is_dir() and not fresh.exists()


def test_replace_dir_failure_keeps_the_old_tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "index"
    target.mkdir()
    (target / "manifest.json").write_text("old")
    staged = tmp_path / ".index.staged"
    staged.mkdir()
    (staged / "manifest.json").write_text("new")
    real_replace = os.replace

    def fail_on_staged(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        if Path(src) == staged:
            raise OSError("rename failed")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", fail_on_staged)
    with pytest.raises(OSError, match="rename failed"):
        replace_dir(staged, target)
    assert (target / "manifest.json").read_text() == "old"
    assert leftovers(tmp_path) == []
