"""`OnnxEmbedder`: serves a directory written by `models.embedding.export` with ONNX Runtime on CPU.

Serving only: this module never exports and never imports torch. A directory without an export is an
`ArtifactError` that names the command building it (`deskmate export-onnx`). Mean pooling and L2 normalization
follow the source model; the quantized variant is a different embedder (its id says so), so models and indexes
built with the torch model are not silently reused with it.
"""

from __future__ import annotations

import json
import shlex
import threading
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
from tqdm.auto import tqdm

from models.embedding.base import ONNX_FORMAT, Matrix, empty, normalize, resolve_model_id
from models.errors import ArtifactError

GraphOptimization = Literal["disable", "basic", "extended", "all"]


@dataclass(frozen=True, slots=True)
class OnnxSessionConfig:
    """ONNX Runtime session options (see README, Encoding speed, for what measured best here)."""

    intra_op_threads: int = 1  # threads inside one operator (a matmul); 1 avoids spinning on a busy small machine
    inter_op_threads: int = 1  # threads running independent operators at once (only with parallel execution)
    graph_optimization: GraphOptimization = "all"  # constant folding, node fusions (attention, GELU, layer norm)
    allow_spinning: bool = True  # intra-op worker threads busy-wait between operators instead of sleeping

    def __post_init__(self) -> None:
        if self.intra_op_threads < 1 or self.inter_op_threads < 1:
            raise ValueError("ONNX Runtime thread counts must be >= 1")
        if self.graph_optimization not in ("disable", "basic", "extended", "all"):
            raise ValueError(f"unknown graph optimization level {self.graph_optimization!r}")

    def session_options(self) -> Any:
        """An `onnxruntime.SessionOptions` with these settings."""
        import onnxruntime as ort

        levels = {"disable": ort.GraphOptimizationLevel.ORT_DISABLE_ALL,
                  "basic": ort.GraphOptimizationLevel.ORT_ENABLE_BASIC,
                  "extended": ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED,
                  "all": ort.GraphOptimizationLevel.ORT_ENABLE_ALL}
        options = ort.SessionOptions()
        options.intra_op_num_threads = self.intra_op_threads
        options.inter_op_num_threads = self.inter_op_threads
        options.execution_mode = (ort.ExecutionMode.ORT_PARALLEL if self.inter_op_threads > 1
                                  else ort.ExecutionMode.ORT_SEQUENTIAL)
        options.graph_optimization_level = levels[self.graph_optimization]
        options.add_session_config_entry("session.intra_op.allow_spinning", "1" if self.allow_spinning else "0")
        return options


def token_budget_passes(sorted_lengths: npt.NDArray[np.int64], *, batch_size: int,
                        max_tokens: int | None) -> list[int]:
    """Sizes of consecutive forward passes over texts sorted longest first.

    A pass holds at most `batch_size` texts and, when `max_tokens` is set, at most `max_tokens` padded tokens
    (texts x the pass's longest, i.e. first, length); a text longer than the budget gets a pass of its own.
    """
    passes: list[int] = []
    start, n = 0, len(sorted_lengths)
    while start < n:
        size = batch_size
        if max_tokens is not None:
            size = min(size, max(1, max_tokens // max(1, int(sorted_lengths[start]))))
        size = min(size, n - start)
        passes.append(size)
        start += size
    return passes


def export_command(model_dir: Path, source: str | None = None) -> str:
    """The `deskmate export-onnx` command line that writes an export into `model_dir`."""
    words = ["deskmate", "export-onnx", "--out", str(model_dir)]
    if source is not None:
        words += ["--source", source]
    return shlex.join(words)


class OnnxEmbedder:
    """Serves an exported directory (model.onnx, tokenizer.json, manifest.json) with ONNX Runtime on CPU.

    Texts are encoded longest first, so each batch is padded only to the length of its own texts (as
    sentence-transformers does), and returned in input order.
    """

    def __init__(self, model_dir: Path | str, *, threads: int = 1, session: OnnxSessionConfig | None = None,
                 max_seq_length: int | None = None, source: str | None = None,
                 max_batch_tokens: int | None = None) -> None:
        """`max_batch_tokens`: most padded tokens in one forward pass (None: only `batch_size` bounds a pass).

        `source`: the sentence-transformers model the export must come from (an export of another model is
        refused); None accepts any export."""
        self._dir = Path(model_dir)
        self._source = source
        self._session_config = session or OnnxSessionConfig(intra_op_threads=threads)
        self._max_seq_length = max_seq_length
        if max_batch_tokens is not None and max_batch_tokens < 1:
            raise ValueError("max_batch_tokens must be >= 1")
        self._max_batch_tokens = max_batch_tokens
        self._manifest: dict[str, Any] | None = None
        self._session: Any = None
        self._tokenizer: Any = None
        self._lock = threading.Lock()

    @property
    def model_dir(self) -> Path:
        return self._dir

    def with_threads(self, threads: int) -> OnnxEmbedder:
        """The same export with `threads` intra-op threads (its own session, not loaded yet): for a lone ticket on an
        otherwise idle machine. ONNX Runtime splits each operator's rows between the threads, so the vectors are the
        same as this embedder's (bit-identical on the demo tickets, tests/models/embedding/test_onnx.py)."""
        return OnnxEmbedder(self._dir, session=replace(self._session_config, intra_op_threads=threads),
                            max_seq_length=self._max_seq_length, source=self._source,
                            max_batch_tokens=self._max_batch_tokens)

    def _read_manifest(self) -> dict[str, Any]:
        if self._manifest is None:
            path = self._dir / "manifest.json"
            if not path.is_file():
                raise ArtifactError(f"no ONNX embedder export at {self._dir} (manifest.json missing); build it "
                                    f"with `{export_command(self._dir, self._source)}` (needs the torch extra: "
                                    "pip install 'deskmate[export]')")
            manifest: dict[str, Any] = json.loads(path.read_text())
            if manifest.get("format") != ONNX_FORMAT:
                raise ArtifactError(f"{self._dir} is not a Deskmate ONNX embedder")
            if self._source is not None and manifest.get("source_model") != resolve_model_id(self._source):
                raise ArtifactError(f"{self._dir} holds an export of {manifest.get('source_model')!r}, not of "
                                    f"{self._source!r}: point the ONNX directory elsewhere or delete it")
            self._manifest = manifest
        return self._manifest

    @property
    def model_id(self) -> str:
        return str(self._read_manifest()["model_id"])

    @property
    def dim(self) -> int:
        return int(self._read_manifest()["dim"])

    def load(self) -> None:
        with self._lock:
            if self._session is not None:
                return
            self._read_manifest()  # refuses a missing or foreign directory before importing onnxruntime
            try:
                import onnxruntime as ort
                from tokenizers import Tokenizer
            except ImportError as exc:
                raise ArtifactError("the onnx embedder needs the 'onnxruntime' and 'tokenizers' packages") from exc
            self._session = ort.InferenceSession(str(self._dir / "model.onnx"),
                                                 self._session_config.session_options(),
                                                 providers=["CPUExecutionProvider"])
            tokenizer = Tokenizer.from_file(str(self._dir / "tokenizer.json"))
            tokenizer.enable_truncation(max_length=self.max_seq_length)
            tokenizer.no_padding()
            self._tokenizer = tokenizer

    @property
    def max_seq_length(self) -> int:
        """Tokens kept per text: the export's limit, or the configured one when that is shorter."""
        exported = int(self._read_manifest().get("max_seq_length", 256))
        return min(exported, self._max_seq_length) if self._max_seq_length else exported

    @property
    def session_config(self) -> OnnxSessionConfig:
        return self._session_config

    @property
    def session(self) -> Any:
        """The ONNX Runtime `InferenceSession` (loaded on first use); anything with its `run` may replace it,
        e.g. to count forward passes."""
        if self._session is None:
            self.load()
        return self._session

    @session.setter
    def session(self, runner: Any) -> None:
        self._session = runner

    def encode(self, texts: Sequence[str], *, batch_size: int = 64, show_progress: bool = False) -> Matrix:
        if self._session is None:
            self.load()
        if not texts:
            return empty(self.dim)
        if batch_size < 1:
            raise ValueError("batch_size must be >= 1")
        encoded = self._tokenizer.encode_batch(list(texts))  # unpadded; padded per pass below
        lengths = np.array([len(e.ids) for e in encoded], dtype=np.int64)
        # Longest first, so that each pass pads to similar lengths; passes are bounded by `batch_size` texts and,
        # with `max_batch_tokens`, by padded tokens, so that short texts go many to a pass and long ones few.
        order = np.argsort(-lengths, kind="stable")
        passes = token_budget_passes(lengths[order], batch_size=batch_size, max_tokens=self._max_batch_tokens)
        pooled = np.empty((len(texts), self.dim), dtype=np.float32)
        start = 0
        progress = show_progress and len(passes) > 1  # a tqdm object costs about 0.1 ms even when disabled
        for size in tqdm(passes, desc="embedding") if progress else passes:
            rows = order[start:start + size]
            start += size
            width = int(lengths[rows[0]])
            ids = np.zeros((size, width), dtype=np.int64)
            mask = np.zeros((size, width), dtype=np.int64)
            types = np.zeros((size, width), dtype=np.int64)
            for j, row in enumerate(rows):
                item = encoded[row]
                n = len(item.ids)
                ids[j, :n], mask[j, :n], types[j, :n] = item.ids, item.attention_mask, item.type_ids
            hidden = self._session.run(None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": types})[0]
            weights = mask[..., None].astype(np.float32)
            pooled[rows] = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        return normalize(pooled)
