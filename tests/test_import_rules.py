"""The shape of the house: `lint-imports` contracts (pyproject.toml) hold, and scripts/ and bench/ use only the
public names of other packages."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
THIN_PACKAGES = ("scripts", "bench")


def is_private(name: str) -> bool:
    """`_x` is private; dunders (`__version__`, `__future__`) are not."""
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def absolute(node: ast.ImportFrom, importer: str, is_package: bool) -> str:
    if not node.level:
        return node.module or ""
    base = importer.split(".")
    base = base if is_package else base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, *([node.module] if node.module else [])])


def private_imports(path: Path, root: Path = REPO) -> Iterator[str]:
    """`module:line: what` for each private name the file imports from a package other than its own."""
    importer = module_name(path, root)
    own = importer.split(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] != own and any(is_private(p) for p in parts):
                    yield f"{importer}:{node.lineno}: import {alias.name}"
        elif isinstance(node, ast.ImportFrom):
            source = absolute(node, importer, path.name == "__init__.py")
            parts = source.split(".")
            if parts[0] == own:
                continue
            names = [alias.name for alias in node.names if is_private(alias.name)]
            if any(is_private(p) for p in parts) or names:
                yield f"{importer}:{node.lineno}: from {source} import {', '.join(a.name for a in node.names)}"


def test_the_scan_finds_private_imports(tmp_path: Path) -> None:
    fake = tmp_path / "scripts" / "tool.py"
    fake.parent.mkdir()
    fake.write_text("from __future__ import annotations\nfrom models.x import public, _private\n"
                    "import index._internal\nfrom scripts.cli import _helper\nfrom . import _sibling\n"
                    "from models import __version__\n")
    assert [line.split(": ", 1)[1] for line in private_imports(fake, tmp_path)] == [
        "from models.x import public, _private", "import index._internal"]


@pytest.mark.parametrize("package", THIN_PACKAGES)
def test_thin_packages_import_only_public_names(package: str) -> None:
    found = [hit for path in sorted((REPO / package).rglob("*.py")) for hit in private_imports(path)]
    assert not found, f"{package}/ imports private names of other packages:\n" + "\n".join(found)


def lint_imports() -> str | None:
    beside = Path(sys.executable).with_name("lint-imports")
    return str(beside) if beside.is_file() else shutil.which("lint-imports")


def test_import_contracts_are_kept() -> None:
    command = lint_imports()
    if command is None:
        pytest.skip("lint-imports is not installed (pip install -e '.[dev]' brings import-linter)")
    done = subprocess.run([command, "--no-logo", "--no-cache"], cwd=REPO, capture_output=True, text=True,
                          timeout=300, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
