"""The demo data generator: the JSON templates in data/demo/templates reproduce the shipped files exactly,
the output depends only on the seed, and broken templates fail early with a message naming file and key."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from scripts.generate_demo_data import DEFAULT_OUT_DIR, DEFAULT_TEMPLATES, TemplateError, generate, main

FILES = ("tickets.jsonl", "articles.jsonl")


def test_default_run_reproduces_the_committed_demo_data(tmp_path: Path) -> None:
    counts = generate(out_dir=tmp_path, n_tickets=4800, seed=7)
    assert counts == {"tickets": 4800, "articles": 59, "customers": 560, "resolved": 3607, "open": 1193,
                      "multi_issue": 397}
    for name in FILES:
        assert (tmp_path / name).read_bytes() == (DEFAULT_OUT_DIR / name).read_bytes(), name


def test_same_seed_same_bytes_other_seed_other_tickets(tmp_path: Path) -> None:
    outputs: dict[str, dict[str, bytes]] = {}
    for run, seed in (("a", 3), ("b", 3), ("c", 4)):
        generate(out_dir=tmp_path / run, n_tickets=120, seed=seed, templates=DEFAULT_TEMPLATES)
        outputs[run] = {name: (tmp_path / run / name).read_bytes() for name in FILES}
    assert outputs["a"] == outputs["b"]
    assert outputs["a"]["tickets.jsonl"] != outputs["c"]["tickets.jsonl"]
    assert outputs["a"]["articles.jsonl"] == outputs["c"]["articles.jsonl"]  # articles don't depend on the seed
    rows = [json.loads(line) for line in outputs["a"]["tickets.jsonl"].decode("utf-8").splitlines()]
    assert len(rows) == 120
    assert [row["id"] for row in rows] == [f"T-{i:06d}" for i in range(1, 121)]
    assert all("{" not in row["subject"] + row["body"] + (row["resolution"] or "") for row in rows)


def test_command_line_and_cli_entry_points(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--seed", "5", "--n-tickets", "40", "--out-dir", str(tmp_path / "m"),
                 "--templates", str(DEFAULT_TEMPLATES)]) == 0
    out = capsys.readouterr().out
    assert "tickets.jsonl: sha256 " in out and '"tickets": 40' in out

    from scripts.cli import app

    result = CliRunner().invoke(app, ["generate-demo-data", "--out", str(tmp_path / "c"), "--tickets", "40",
                                      "--seed", "5"])
    assert result.exit_code == 0, result.output
    for name in FILES:
        assert (tmp_path / "c" / name).read_bytes() == (tmp_path / "m" / name).read_bytes()


def _copy_templates(tmp_path: Path) -> Path:
    target = tmp_path / "templates"
    shutil.copytree(DEFAULT_TEMPLATES, target)
    return target


def _edit(directory: Path, name: str, change: Callable[[dict[str, Any]], object]) -> None:
    path = directory / name
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")


BREAKAGES: dict[str, tuple[Callable[[Path], object], str]] = {
    "missing file": (lambda d: (d / "fr.json").unlink(), r"missing template file .*fr\.json"),
    "invalid json": (lambda d: (d / "common.json").write_text('{"help_base": ', encoding="utf-8"),
                     r"common\.json: not valid UTF-8 JSON"),
    "missing key": (lambda d: _edit(d, "de.json", lambda x: x["variants"]["billing"][0].pop("bodies")),
                    r"de\.json: variants\.billing\[0\]: missing key\(s\) bodies"),
    "misspelt key": (lambda d: _edit(d, "es.json", lambda x: x["variants"]["refunds"][1].update(subjetcs=[])),
                     r"es\.json: variants\.refunds\[1\]: unknown key\(s\) subjetcs"),
    "topic without variants": (lambda d: _edit(d, "fr.json", lambda x: x["variants"].pop("oos")),
                               r"fr\.json: variants: missing key\(s\) oos"),
    "missing phrase": (lambda d: _edit(d, "de.json", lambda x: x["phrases"].pop("reply_sign")),
                       r"de\.json: phrases: missing key\(s\) reply_sign"),
    "unknown slot": (lambda d: _edit(d, "en.json", lambda x: x["variants"]["billing"][0]["replies"].append(
        "Refunded {invocie}.")), r"en\.json: variant billing/double_charge uses unknown slot \{invocie\}"),
    "unknown article": (lambda d: _edit(d, "de.json", lambda x: x["variants"]["billing"][0].update(kb="nope")),
                        r"links unknown article nope"),
    "wrong number type": (lambda d: _edit(d, "params.json", lambda x: x["urgency"].update(cuts=[0.5, "1", 2])),
                          r"params\.json: urgency\.cuts\[1\]: expected a number"),
}


@pytest.mark.parametrize("breakage", sorted(BREAKAGES))
def test_broken_templates_fail_with_a_clear_error(tmp_path: Path, breakage: str) -> None:
    templates = _copy_templates(tmp_path)
    damage, message = BREAKAGES[breakage]
    damage(templates)
    out = tmp_path / "out"
    with pytest.raises(TemplateError, match=message):
        generate(out_dir=out, n_tickets=20, seed=1, templates=templates)
    assert not out.exists()  # nothing is written from broken templates


def test_missing_templates_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(TemplateError, match=r"templates directory .* does not exist"):
        generate(out_dir=tmp_path / "out", n_tickets=20, templates=tmp_path / "nowhere")
    assert main(["--out-dir", str(tmp_path / "out"), "--templates", str(tmp_path / "nowhere")]) == 2
    assert "error: templates directory" in capsys.readouterr().err
