import json
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import pytest
from onnx import TensorProto, helper
from tokenizers import Tokenizer
from tokenizers.models import WordLevel
from tokenizers.pre_tokenizers import Whitespace

from models.embedder import DEFAULT_MODEL, SentenceTransformerEmbedder, make_embedder
from models.errors import ArtifactError
from models.onnx_embedder import ONNX_FORMAT, OnnxEmbedder, OnnxSessionConfig, export_onnx, token_budget_passes

WORDS = ["[PAD]", "[UNK]", "invoice", "charged", "twice", "site", "down", "please", "add", "dark", "mode"]


def _tiny_export(out: Path, *, max_seq_length: int = 8) -> np.ndarray:
    """An export directory whose "transformer" looks each token's row up in a table (so pooling is checkable)."""
    out.mkdir(parents=True, exist_ok=True)
    table = np.random.default_rng(0).normal(size=(len(WORDS), 4)).astype(np.float32)
    axes = ["batch", "tokens"]
    graph = helper.make_graph(
        [helper.make_node("Gather", ["table", "input_ids"], ["hidden"], axis=0)], "tiny",
        [helper.make_tensor_value_info(name, TensorProto.INT64, axes)
         for name in ("input_ids", "attention_mask", "token_type_ids")],
        [helper.make_tensor_value_info("hidden", TensorProto.FLOAT, [*axes, 4])],
        initializer=[helper.make_tensor("table", TensorProto.FLOAT, table.shape, table.ravel().tolist())],
    )
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), str(out / "model.onnx"))
    tokenizer = Tokenizer(WordLevel({w: i for i, w in enumerate(WORDS)}, unk_token="[UNK]"))
    tokenizer.pre_tokenizer = Whitespace()
    tokenizer.save(str(out / "tokenizer.json"))
    (out / "manifest.json").write_text(json.dumps({"format": ONNX_FORMAT, "format_version": 1, "dim": 4,
                                                   "model_id": "test/tiny+onnx", "max_seq_length": max_seq_length}))
    return table


def _expected(table: np.ndarray, text: str, limit: int) -> np.ndarray:
    ids = [WORDS.index(w) if w in WORDS else 1 for w in text.split()][:limit]
    mean = table[ids].mean(axis=0)
    return np.asarray(mean / np.linalg.norm(mean), dtype=np.float32)


def test_session_options_are_applied(tmp_path: Path) -> None:
    _tiny_export(tmp_path)
    config = OnnxSessionConfig(intra_op_threads=2, inter_op_threads=3, graph_optimization="basic",
                               allow_spinning=False)
    embedder = OnnxEmbedder(tmp_path, session=config)
    embedder.load()
    options = embedder._session.get_session_options()
    assert options.intra_op_num_threads == 2 and options.inter_op_num_threads == 3
    assert options.execution_mode == ort.ExecutionMode.ORT_PARALLEL
    assert options.graph_optimization_level == ort.GraphOptimizationLevel.ORT_ENABLE_BASIC
    assert options.get_session_config_entry("session.intra_op.allow_spinning") == "0"

    default = make_embedder("onnx", str(tmp_path), num_threads=3)
    assert isinstance(default, OnnxEmbedder) and default.session_config == OnnxSessionConfig(intra_op_threads=3)
    default.load()
    options = default._session.get_session_options()
    assert options.intra_op_num_threads == 3 and options.execution_mode == ort.ExecutionMode.ORT_SEQUENTIAL
    assert options.graph_optimization_level == ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    with pytest.raises(ValueError, match="graph optimization"):
        OnnxSessionConfig(graph_optimization="fastest")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=">= 1"):
        OnnxSessionConfig(intra_op_threads=0)


def test_batches_sorted_by_length_come_back_in_input_order(tmp_path: Path) -> None:
    table = _tiny_export(tmp_path)
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
    table = _tiny_export(tmp_path)
    texts = ["dark mode", "invoice charged twice please add dark mode", "site down", "please add",
             "invoice", "site down site down please"]
    bucketed = OnnxEmbedder(tmp_path, max_batch_tokens=6)
    calls: list[tuple[int, ...]] = []
    bucketed.load()
    session = bucketed._session

    class Recording:
        def run(self, outputs: object, feed: dict[str, np.ndarray]) -> object:
            calls.append(feed["input_ids"].shape)
            return session.run(outputs, feed)

    bucketed._session = Recording()
    vectors = bucketed.encode(texts, batch_size=32)
    assert np.allclose(vectors, np.stack([_expected(table, t, 8) for t in texts]), atol=1e-6)
    assert calls == [(1, 7), (1, 5), (3, 2), (1, 1)]  # padded tokens per pass stay within 6 where they can
    with pytest.raises(ValueError, match="max_batch_tokens"):
        OnnxEmbedder(tmp_path, max_batch_tokens=0)


def test_max_seq_length_setting_only_shortens(tmp_path: Path) -> None:
    table = _tiny_export(tmp_path, max_seq_length=8)
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


@pytest.mark.slow
def test_int8_export_matches_torch_and_has_its_own_id(tmp_path: Path) -> None:
    manifest = export_onnx(out_dir=tmp_path / "onnx", quantize=True)
    assert manifest["model_id"] == f"{DEFAULT_MODEL}+onnx-int8-per-channel" and manifest["dim"] == 384
    onnx = make_embedder("onnx", str(tmp_path / "onnx"))
    texts = ["I was charged twice for my subscription", "the mobile app crashes when I open a project",
             "double payment on my card this month"]
    fast, reference = onnx.encode(texts, batch_size=2), SentenceTransformerEmbedder().encode(texts)
    assert fast.shape == (3, 384) and np.allclose(np.linalg.norm(fast, axis=1), 1.0, atol=1e-4)
    assert (fast * reference).sum(axis=1).min() > 0.9
    assert float(fast[0] @ fast[2]) > float(fast[0] @ fast[1]) + 0.2
    assert onnx.model_id != SentenceTransformerEmbedder().model_id


def test_settings_map_to_session_options() -> None:
    from service.settings import EmbedderSettings

    assert EmbedderSettings().onnx_session() == OnnxSessionConfig(intra_op_threads=1, graph_optimization="all",
                                                                  allow_spinning=False)
    custom = EmbedderSettings(num_threads=2, onnx_graph_optimization="basic", onnx_spinning=True).onnx_session()
    assert custom == OnnxSessionConfig(intra_op_threads=2, graph_optimization="basic", allow_spinning=True)
