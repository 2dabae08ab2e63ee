"""A sentence-transformers model exported to ONNX (optionally int8-quantized) and run with ONNX Runtime.

`export_onnx` writes a directory (model.onnx, tokenizer.json, manifest.json); `OnnxEmbedder` serves it with
mean pooling and L2 normalization, as the source model does. The quantized variant is a different embedder
(its id says so), so models and indexes built with the torch model are not silently reused with it.
"""

from __future__ import annotations

import fcntl
import json
import logging
import shutil
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
from tqdm.auto import tqdm

from models.embedder import DEFAULT_MODEL, Matrix, SentenceTransformerEmbedder, _normalize
from models.errors import ArtifactError

logger = logging.getLogger(__name__)

ONNX_FORMAT = "deskmate-onnx-embedder"


def export_onnx(*, out_dir: Path, source: str = DEFAULT_MODEL, quantize: bool = True,
                max_seq_length: int = 256, per_channel: bool = True) -> dict[str, Any]:
    """Export the transformer of a sentence-transformers model to ONNX (dynamic int8 when `quantize`).

    `per_channel` quantizes each weight column with its own scale: on demo tickets its embeddings agree with
    torch's at cosine 0.992 mean / 0.98 min, against 0.953 / 0.85 for one scale per tensor, at the same speed.
    """
    import torch

    embedder = SentenceTransformerEmbedder(source, max_seq_length=max_seq_length)
    embedder.load()
    model: Any = embedder._model
    transformer = model[0].auto_model.eval()
    tokenizer = model.tokenizer
    out_dir.mkdir(parents=True, exist_ok=True)

    class _Wrapper(torch.nn.Module):
        def __init__(self, inner: torch.nn.Module) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor,
                    token_type_ids: torch.Tensor) -> torch.Tensor:
            out: torch.Tensor = self.inner(input_ids=input_ids, attention_mask=attention_mask,
                                           token_type_ids=token_type_ids).last_hidden_state
            return out

    sample = tokenizer(["hello world"], return_tensors="pt")
    axes = {0: "batch", 1: "tokens"}
    fp32 = out_dir / "model.fp32.onnx"
    torch.onnx.export(
        _Wrapper(transformer), (sample["input_ids"], sample["attention_mask"], sample["token_type_ids"]), str(fp32),
        input_names=["input_ids", "attention_mask", "token_type_ids"], output_names=["hidden"],
        dynamic_axes={"input_ids": axes, "attention_mask": axes, "token_type_ids": axes, "hidden": axes},
        opset_version=17, dynamo=False,
    )
    target = out_dir / "model.onnx"
    if quantize:
        from onnxruntime.quantization import QuantType, quantize_dynamic

        quantize_dynamic(str(fp32), str(target), weight_type=QuantType.QInt8, per_channel=per_channel)
        fp32.unlink()
    else:
        fp32.replace(target)
    tokenizer.save_pretrained(str(out_dir))
    # A different quantization gives different vectors, so it is a different embedder id (artifacts of one are
    # refused with the other); "+onnx-int8" ids are exports from before per-channel scales.
    variant = ("int8-per-channel" if per_channel else "int8") if quantize else "fp32"
    manifest = {
        "format": ONNX_FORMAT, "format_version": 1,
        "model_id": f"{embedder.model_id}+onnx-{variant}", "source_model": embedder.model_id,
        "dim": embedder.dim, "quantization": variant, "pooling": "mean", "normalize": True,
        "max_seq_length": max_seq_length, "created_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "package_versions": {name: metadata.version(name) for name in ("torch", "onnx", "onnxruntime")},
    }
    (out_dir / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest


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


class OnnxEmbedder:
    """Serves an `export_onnx` directory with ONNX Runtime on CPU.

    Texts are encoded longest first, so each batch is padded only to the length of its own texts (as
    sentence-transformers does), and returned in input order.
    """

    def __init__(self, model_dir: Path | str, *, threads: int = 1, session: OnnxSessionConfig | None = None,
                 max_seq_length: int | None = None, source: str | None = None,
                 max_batch_tokens: int | None = None) -> None:
        """`max_batch_tokens`: most padded tokens in one forward pass (None: only `batch_size` bounds a pass).

        `source`: a sentence-transformers model to export into `model_dir` (int8, per channel) the first time
        the embedder is used when `model_dir` holds no export yet; without it a missing export is an error."""
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

    def _export_once(self) -> None:
        """Export `source` into the directory, once across threads and processes (a file lock beside it)."""
        assert self._source is not None
        self._dir.parent.mkdir(parents=True, exist_ok=True)
        with (self._dir.parent / f".{self._dir.name}.lock").open("w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                if not (self._dir / "manifest.json").is_file():
                    logger.info("exporting %s to ONNX int8 in %s (first use only)", self._source, self._dir)
                    tmp = Path(tempfile.mkdtemp(prefix=f".{self._dir.name}.", dir=self._dir.parent))
                    try:
                        export_onnx(out_dir=tmp, source=self._source, max_seq_length=self._max_seq_length or 256)
                        if self._dir.exists():
                            shutil.rmtree(self._dir)
                        tmp.rename(self._dir)
                    finally:
                        shutil.rmtree(tmp, ignore_errors=True)
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _read_manifest(self) -> dict[str, Any]:
        if self._manifest is None:
            path = self._dir / "manifest.json"
            if not path.is_file() and self._source is not None:
                self._export_once()
            if not path.is_file():
                raise ArtifactError(f"no ONNX embedder at {self._dir} (manifest.json missing); run `deskmate "
                                    "export-onnx`")
            manifest: dict[str, Any] = json.loads(path.read_text())
            if manifest.get("format") != ONNX_FORMAT:
                raise ArtifactError(f"{self._dir} is not a Deskmate ONNX embedder")
            if self._source is not None and manifest.get("source_model") != self._source:
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
                raise ArtifactError("the onnx embedder needs the 'onnxruntime' package (extra: onnx)") from exc
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

    def encode(self, texts: Sequence[str], *, batch_size: int = 64, show_progress: bool = False) -> Matrix:
        if self._session is None:
            self.load()
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
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
        for size in tqdm(passes, desc="embedding", disable=not show_progress or len(passes) < 2):
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
        return _normalize(pooled)
