"""A tiny ONNX embedder export for tests: its "transformer" looks each token's row up in a random table."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt
import onnx
from onnx import TensorProto, helper
from tokenizers import Tokenizer
from tokenizers.models import WordLevel
from tokenizers.pre_tokenizers import Whitespace

from models.embedding.base import ONNX_FORMAT

WORDS = ["[PAD]", "[UNK]", "invoice", "charged", "twice", "site", "down", "please", "add", "dark", "mode"]


def write_tiny_export(out: Path, *, words: Sequence[str] = WORDS, dim: int = 4, max_seq_length: int = 8,
                      model_id: str = "test/tiny+onnx", source_model: str | None = None) -> npt.NDArray[np.float32]:
    """Write model.onnx (a Gather over a seeded table), tokenizer.json (word level) and manifest.json into `out`.

    Returns the table, so that tests can compute the expected mean-pooled vectors."""
    out.mkdir(parents=True, exist_ok=True)
    table = np.random.default_rng(0).normal(size=(len(words), dim)).astype(np.float32)
    axes = ["batch", "tokens"]
    graph = helper.make_graph(
        [helper.make_node("Gather", ["table", "input_ids"], ["hidden"], axis=0)], "tiny",
        [helper.make_tensor_value_info(name, TensorProto.INT64, axes)
         for name in ("input_ids", "attention_mask", "token_type_ids")],
        [helper.make_tensor_value_info("hidden", TensorProto.FLOAT, [*axes, dim])],
        initializer=[helper.make_tensor("table", TensorProto.FLOAT, table.shape, table.ravel().tolist())],
    )
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), str(out / "model.onnx"))
    tokenizer = Tokenizer(WordLevel({w: i for i, w in enumerate(words)}, unk_token="[UNK]"))
    tokenizer.pre_tokenizer = Whitespace()
    tokenizer.save(str(out / "tokenizer.json"))
    manifest = {"format": ONNX_FORMAT, "format_version": 1, "dim": dim, "model_id": model_id,
                "max_seq_length": max_seq_length}
    if source_model is not None:
        manifest["source_model"] = source_model
    (out / "manifest.json").write_text(json.dumps(manifest))
    return table
