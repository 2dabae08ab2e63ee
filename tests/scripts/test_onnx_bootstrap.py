"""First run of `deskmate serve`/`demo` with backend=onnx: export before the app starts, or exit with the reason."""

import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from scripts.cli import app
from tests.models.embedding.no_torch import HIDE_TORCH
from tests.models.embedding.tiny_onnx import write_tiny_export

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_serve_without_torch_and_without_an_export_exits_with_what_to_do(tmp_path: Path) -> None:
    script = HIDE_TORCH + """
from typer.testing import CliRunner
from scripts.cli import app
result = CliRunner().invoke(app, [sys.argv[1]])
print(result.exit_code)
print(result.output)
"""
    env = {**os.environ, "DESKMATE_DATA_DIR": str(tmp_path), "DESKMATE_EMBEDDER__BACKEND": "onnx",
           "DESKMATE_LOG_JSON": "false"}
    for command in ("serve", "demo"):
        result = subprocess.run([sys.executable, "-c", script, command], capture_output=True, text=True, timeout=120,
                                cwd=REPO_ROOT, env=env)
        assert result.returncode == 0, result.stderr
        code, _, output = result.stdout.partition("\n")
        assert code == "2", result.stdout
        assert "needs torch" in output and "deskmate[export]" in output and "export-onnx" in output, output
    assert not (tmp_path / "onnx").exists() or not any((tmp_path / "onnx").glob("*/manifest.json"))


def test_export_if_missing_keeps_an_existing_export(tmp_path: Path) -> None:
    write_tiny_export(tmp_path / "onnx")
    before = (tmp_path / "onnx" / "manifest.json").read_text()
    result = CliRunner().invoke(app, ["export-onnx", "--out", str(tmp_path / "onnx"), "--if-missing"])
    assert result.exit_code == 0, result.output
    assert "keeping the ONNX embedder export" in result.output
    assert (tmp_path / "onnx" / "manifest.json").read_text() == before
