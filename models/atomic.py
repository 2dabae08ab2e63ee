"""Atomic, durable writes: a file or directory is replaced whole or not at all, and survives a crash once done.

A file is written to a temporary sibling, flushed to disk (`fsync`), renamed onto the target (`os.replace`, atomic
on POSIX within a file system) and the rename made durable by syncing the parent directory. A reader sees the
old content or the new one, never half of either; after a power loss the target holds one of them, not an empty
file. Directories are staged as a sibling and swapped in by `replace_dir`.

Everything Deskmate persists goes through here (index files and manifest, the model registry's pointer, routing
model directories, reports, exports), so this is the lowest layer: it imports nothing from the project.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

_TEMP_ATTEMPTS = 100


def fsync(path: Path) -> None:
    """Flush one file's data (or a directory's entries) to disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_dir(directory: Path) -> None:
    """Make creations, renames and removals inside `directory` durable; a no-op where directories cannot be
    opened or synced (some platforms and file systems)."""
    with contextlib.suppress(OSError):
        fsync(directory)


def fsync_tree(root: Path) -> None:
    """fsync every file and directory under `root` (itself included), e.g. a staged directory before its swap."""
    for directory, _, files in os.walk(root):
        for name in files:
            path = Path(directory) / name
            if path.is_file() and not path.is_symlink():
                fsync(path)
        fsync_dir(Path(directory))


def _new_temp(target: Path) -> Path:
    """Create an empty, unique hidden sibling of `target` with the permissions a plain `open(..., "w")` gives."""
    for _ in range(_TEMP_ATTEMPTS):
        candidate = target.with_name(f".{target.name}.{secrets.token_hex(6)}.tmp")
        try:
            os.close(os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
        except FileExistsError:
            continue
        return candidate
    raise FileExistsError(f"could not create a temporary file beside {target}")


@contextlib.contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside `target` to write; on success replace `target` with it, durably.

    On leaving the block without an error the temporary file is fsynced, `os.replace`d onto `target` and the
    directory fsynced. On an error the temporary file is removed and `target` is left as it was. Close every
    handle on the temporary path before the block ends (`with atomic_path(p) as tmp, tmp.open("w") as f:` does).
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = _new_temp(target)
    try:
        yield tmp
        fsync(tmp)
        os.replace(tmp, target)
        fsync_dir(target.parent)
    finally:
        tmp.unlink(missing_ok=True)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Replace `path` with `data`, atomically and durably."""
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)


def atomic_write_text(path: Path, text: str, *, encoding: str = "utf-8") -> None:
    """Replace `path` with `text`, atomically and durably."""
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding=encoding)


def atomic_write_json(path: Path, obj: Any, **json_kwargs: Any) -> None:
    """Replace `path` with `obj` as JSON (`json.dumps(obj, **json_kwargs)` and a final newline)."""
    atomic_write_text(path, json.dumps(obj, **json_kwargs) + "\n")


def atomic_write_jsonl(path: Path, rows: Iterable[Any]) -> None:
    """Replace `path` with one JSON document per line (non-ASCII kept as is), atomically and durably."""
    with atomic_path(path) as tmp, tmp.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False))
            handle.write("\n")


def replace_dir(staged: Path, target: Path) -> None:
    """Swap the fully written directory `staged` in as `target` (a sibling of it), durably.

    `staged` is fsynced first. An existing `target` is renamed aside, `staged` renamed into place, the parent
    fsynced and the old tree removed, so `target` is always either the old directory or the new one whole
    (between the two renames it is briefly absent). `staged` must be on the same file system as `target`.
    """
    fsync_tree(staged)
    parent = target.parent
    if not target.exists():
        os.replace(staged, target)
        fsync_dir(parent)
        return
    retired = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=parent))
    try:
        os.replace(target, retired / target.name)
        try:
            os.replace(staged, target)
        except BaseException:
            os.replace(retired / target.name, target)  # put the old directory back
            raise
        fsync_dir(parent)
    finally:
        shutil.rmtree(retired, ignore_errors=True)
