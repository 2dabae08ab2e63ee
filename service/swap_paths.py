"""Which directories an admin index swap may name, checked before anything is loaded.

A swap may only name a directory inside the index root: the folder that holds the configured index directory
(default `<data_dir>/index/`, where `deskmate build-index --out var/index/<name>` puts rebuilds), or
`<data_dir>/index/` itself. Relative paths start at the index root; `~` is expanded; symlinks are resolved
before the check. The live index saves into the directory it serves, so it must be writable. Every refusal
is a 422 whose message names no resolved path (neither the root nor the home directory `~` stands for).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from service.errors import ApiError
from service.settings import Settings


@dataclass(frozen=True, slots=True)
class SwapTarget:
    path: Path  # resolved, to load
    shown: str  # relative to the index root, safe to echo


def index_roots(settings: Settings) -> list[Path]:
    """The folders whose subdirectories a swap may name (resolved)."""
    roots = [settings.resolved_index_dir.parent, settings.data_dir / "index"]
    return list(dict.fromkeys(root.resolve() for root in roots))


def _refuse(message: str) -> ApiError:
    return ApiError(422, "invalid_input", message)


def swap_target(raw: str, settings: Settings) -> SwapTarget:
    """The checked directory of an index swap, or a 422 ApiError that does not reveal filesystem paths."""
    if "\x00" in raw or len(raw) > 1024:
        raise _refuse("path must be at most 1,024 characters without control characters")
    roots = index_roots(settings)
    try:
        given = Path(raw).expanduser()
    except RuntimeError:  # ~user that does not exist, or no home directory
        raise _refuse("path starts with '~' but that user's home directory is unknown") from None
    try:
        path = (roots[0] / given).resolve()
        root = next((r for r in roots if path.is_relative_to(r)), None)
        if root is None:
            raise _refuse("path must be inside the index root (the folder of the configured index directory)")
        if not path.is_dir():
            raise _refuse("path is not an existing directory")
        if not (path / "manifest.json").is_file():
            raise _refuse("path is not an index directory (no manifest.json)")
    except (OSError, ValueError):
        raise _refuse("path cannot be resolved (too long, a symlink loop or unreadable)") from None
    if not os.access(path, os.R_OK | os.W_OK | os.X_OK):
        raise _refuse("index directory is not readable and writable by the service (it saves into it)")
    return SwapTarget(path=path, shown=path.relative_to(root).as_posix())


def hide_path(message: str, target: SwapTarget) -> str:
    """`message` with the resolved directory replaced by the path as shown to the caller."""
    return message.replace(str(target.path), target.shown)
