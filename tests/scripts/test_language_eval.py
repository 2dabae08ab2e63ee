"""`deskmate evaluate-languages` end to end on a tiny file (hashing embedder, no USE block, no drafts)."""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from scripts.cli import app
from tests.conftest import synthetic_rows
from tests.scripts.test_cli import hashing_env  # noqa: F401  (the fixture: hashing embedder, data dir in tmp)

runner = CliRunner()


@pytest.mark.usefixtures("hashing_env")
def test_evaluate_languages_writes_the_table_and_json(tmp_path: Path) -> None:
    data = tmp_path / "tickets.jsonl"
    rows = synthetic_rows(20, seed=8, n_oos=12)
    data.write_text("".join(json.dumps({"subject": "", "body": r.text, "topic": r.topic, "urgency": r.urgency,
                                        "language": "de" if i % 4 == 0 else "en"}) + "\n"
                            for i, r in enumerate(rows)))
    out = tmp_path / "eval"
    result = runner.invoke(app, ["evaluate-languages", "--data", str(data), "--out", str(out), "--aux-embedder",
                                 "none", "--no-drafts", "--val-size", "0.3", "--min-language-rows", "5"])
    assert result.exit_code == 0, result.output
    written = json.loads((out / "languages.json").read_text())
    assert list(written["per_language"]) == ["en", "de", "all"]
    assert written["per_language"]["de"]["draft_language_correct"] is None  # --no-drafts
    assert (out / "languages.md").read_text().startswith("| metric | en | de | all |")
    assert "evaluate-languages" in (out / "command.txt").read_text()


@pytest.mark.usefixtures("hashing_env")
def test_evaluate_languages_refuses_a_file_without_languages(tmp_path: Path) -> None:
    data = tmp_path / "tickets.jsonl"
    data.write_text(json.dumps({"subject": "", "body": "invoice", "topic": "billing"}) + "\n")
    result = runner.invoke(app, ["evaluate-languages", "--data", str(data), "--out", str(tmp_path / "o"),
                                 "--aux-embedder", "none", "--no-drafts"])
    assert result.exit_code == 2
    assert "tickets with a topic and a language field" in " ".join(result.output.split())
