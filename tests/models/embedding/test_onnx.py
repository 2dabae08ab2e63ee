import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import onnxruntime as ort
import pytest

from models.embedding.factory import make_embedder
from models.embedding.onnx import OnnxEmbedder, OnnxSessionConfig, token_budget_passes
from models.errors import ArtifactError
from tests.models.embedding.tiny_onnx import WORDS, write_tiny_export

REPO_ROOT = Path(__file__).resolve().parents[3]

def _expected(table: np.ndarray, text: str, limit: int) -> np.ndarray:
    ids = [WORDS.index(w) if w in WORDS else 1 for w in text.split()][:limit]
    mean = table[ids].mean(axis=0)
    return np.asarray(mean / np.linalg.norm(mean), dtype=np.float32)


def test_session_options_are_applied(tmp_path: Path) -> None:
    write_tiny_export(tmp_path)
    config = OnnxSessionConfig(intra_op_threads=2, inter_op_threads=3, graph_optimization="basic",
                               allow_spinning=False)
    embedder = OnnxEmbedder(tmp_path, session=config)
    embedder.load()
    options = embedder.session.get_session_options()
    assert options.intra_op_num_threads == 2 and options.inter_op_num_threads == 3
    assert options.execution_mode == ort.ExecutionMode.ORT_PARALLEL
    assert options.graph_optimization_level == ort.GraphOptimizationLevel.ORT_ENABLE_BASIC
    assert options.get_session_config_entry("session.intra_op.allow_spinning") == "0"

    default = make_embedder("onnx", str(tmp_path), num_threads=3)
    assert isinstance(default, OnnxEmbedder) and default.session_config == OnnxSessionConfig(intra_op_threads=3)
    default.load()
    options = default.session.get_session_options()
    assert options.intra_op_num_threads == 3 and options.execution_mode == ort.ExecutionMode.ORT_SEQUENTIAL
    assert options.graph_optimization_level == ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    with pytest.raises(ValueError, match="graph optimization"):
        OnnxSessionConfig(graph_optimization="fastest")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=">= 1"):
        OnnxSessionConfig(intra_op_threads=0)


def test_with_threads_is_the_same_export_on_more_threads(tmp_path: Path) -> None:
    table = write_tiny_export(tmp_path, max_seq_length=8)
    config = OnnxSessionConfig(graph_optimization="basic", allow_spinning=False)
    narrow = OnnxEmbedder(tmp_path, session=config, max_seq_length=5, max_batch_tokens=6)
    wide = narrow.with_threads(2)
    assert wide.session_config == OnnxSessionConfig(intra_op_threads=2, graph_optimization="basic",
                                                    allow_spinning=False)
    assert wide.max_seq_length == 5 and wide.model_id == narrow.model_id and wide.model_dir == narrow.model_dir
    assert wide.session.get_session_options().intra_op_num_threads == 2
    assert narrow.session.get_session_options().intra_op_num_threads == 1
    texts = ["invoice charged twice please add dark mode", "site down"]
    assert np.array_equal(wide.encode(texts), narrow.encode(texts))
    assert np.allclose(wide.encode(texts[:1])[0], _expected(table, texts[0], 5), atol=1e-6)


def test_batches_sorted_by_length_come_back_in_input_order(tmp_path: Path) -> None:
    table = write_tiny_export(tmp_path)
    texts = ["dark mode", "invoice charged twice please add dark mode", "site down", "please add",
             "invoice", "site down site down please"]
    vectors = OnnxEmbedder(tmp_path).encode(texts, batch_size=2)
    expected = np.stack([_expected(table, t, 8) for t in texts])
    assert vectors.shape == (6, 4) and vectors.dtype == np.float32
    assert np.allclose(vectors, expected, atol=1e-6)
    assert np.allclose(OnnxEmbedder(tmp_path).encode(texts[1:2], batch_size=1), expected[1:2], atol=1e-6)


def test_token_budget_passes_pack_short_texts_many_and_long_texts_few() -> None:
    lengths = np.array([40, 30, 12, 10, 10, 9, 8, 3, 3], dtype=np.int64)  # sorted longest first
    assert token_budget_passes(lengths, batch_size=32, max_tokens=None) == [9]
    assert token_budget_passes(lengths, batch_size=4, max_tokens=None) == [4, 4, 1]
    # a pass pads to its first (longest) text: 64 // 40 = 1, 64 // 30 = 2 (30, 12), 64 // 10 = 6 (10 ... 3)
    assert token_budget_passes(lengths, batch_size=32, max_tokens=64) == [1, 2, 6]
    assert token_budget_passes(lengths, batch_size=3, max_tokens=64) == [1, 2, 3, 3]
    assert token_budget_passes(np.array([500, 2], dtype=np.int64), batch_size=8, max_tokens=64) == [1, 1]
    assert token_budget_passes(np.array([], dtype=np.int64), batch_size=8, max_tokens=64) == []


def test_length_bucketed_passes_give_the_same_vectors_in_input_order(tmp_path: Path) -> None:
    table = write_tiny_export(tmp_path)
    texts = ["dark mode", "invoice charged twice please add dark mode", "site down", "please add",
             "invoice", "site down site down please"]
    bucketed = OnnxEmbedder(tmp_path, max_batch_tokens=6)
    calls: list[tuple[int, ...]] = []
    bucketed.load()
    session = bucketed.session

    class Recording:
        def run(self, outputs: object, feed: dict[str, np.ndarray]) -> object:
            calls.append(feed["input_ids"].shape)
            return session.run(outputs, feed)

    bucketed.session = Recording()
    vectors = bucketed.encode(texts, batch_size=32)
    assert np.allclose(vectors, np.stack([_expected(table, t, 8) for t in texts]), atol=1e-6)
    assert calls == [(1, 7), (1, 5), (3, 2), (1, 1)]  # padded tokens per pass stay within 6 where they can
    with pytest.raises(ValueError, match="max_batch_tokens"):
        OnnxEmbedder(tmp_path, max_batch_tokens=0)


def test_max_seq_length_setting_only_shortens(tmp_path: Path) -> None:
    table = write_tiny_export(tmp_path, max_seq_length=8)
    text = "invoice charged twice please add dark mode"
    short = make_embedder("onnx", str(tmp_path), max_seq_length=3)
    assert isinstance(short, OnnxEmbedder) and short.max_seq_length == 3
    assert np.allclose(short.encode([text])[0], _expected(table, text, 3), atol=1e-6)
    assert OnnxEmbedder(tmp_path, max_seq_length=512).max_seq_length == 8


def test_missing_or_foreign_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ArtifactError, match="export-onnx"):
        OnnxEmbedder(tmp_path).load()
    (tmp_path / "manifest.json").write_text(json.dumps({"format": "other"}))
    with pytest.raises(ArtifactError, match="not a Deskmate ONNX embedder"):
        _ = OnnxEmbedder(tmp_path).dim


def test_missing_export_names_the_command_that_builds_it(tmp_path: Path) -> None:
    missing = tmp_path / "onnx" / "minilm-int8"
    embedder = make_embedder("onnx", "sentence-transformers/all-MiniLM-L6-v2", onnx_dir=missing)
    command = f"deskmate export-onnx --out {missing} --source sentence-transformers/all-MiniLM-L6-v2"
    with pytest.raises(ArtifactError, match=f"no ONNX embedder export at .*`{command}`"):
        embedder.load()
    assert not missing.exists()  # serving never exports


def test_export_of_another_source_model_is_refused(tmp_path: Path) -> None:
    write_tiny_export(tmp_path, source_model="sentence-transformers/all-MiniLM-L6-v2")
    assert make_embedder("onnx", "all-MiniLM-L6-v2", onnx_dir=tmp_path).dim == 4  # the packaged alias matches
    with pytest.raises(ArtifactError, match="holds an export of"):
        make_embedder("onnx", "someone/other-model", onnx_dir=tmp_path).load()


def test_serving_and_missing_exports_never_import_torch(tmp_path: Path) -> None:
    write_tiny_export(tmp_path / "export")
    script = f"""
import sys
from pathlib import Path
from models.embedding.factory import make_embedder
from models.errors import ArtifactError
vectors = make_embedder("onnx", {str(tmp_path / "export")!r}).encode(["invoice charged twice"])
assert vectors.shape == (1, 4), vectors.shape
try:
    make_embedder("onnx", "sentence-transformers/all-MiniLM-L6-v2", onnx_dir=Path({str(tmp_path / "none")!r})).load()
except ArtifactError as exc:
    assert "deskmate export-onnx" in str(exc)
else:
    raise AssertionError("a missing export must be an ArtifactError")
heavy = sorted(m for m in ("torch", "transformers", "sentence_transformers") if m in sys.modules)
assert not heavy, heavy
"""
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                            cwd=REPO_ROOT)
    assert result.returncode == 0, result.stderr


def test_settings_map_to_session_options() -> None:
    from service.settings import EmbedderSettings

    assert EmbedderSettings().onnx_session() == OnnxSessionConfig(intra_op_threads=1, graph_optimization="all",
                                                                  allow_spinning=False)
    custom = EmbedderSettings(num_threads=2, onnx_graph_optimization="basic", onnx_spinning=True).onnx_session()
    assert custom == OnnxSessionConfig(intra_op_threads=2, graph_optimization="basic", allow_spinning=True)
