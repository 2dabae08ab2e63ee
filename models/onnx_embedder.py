"""A sentence-transformers model exported to ONNX (optionally int8-quantized) and run with ONNX Runtime.

`export_onnx` writes a directory (model.onnx, tokenizer.json, manifest.json); `OnnxEmbedder` serves it with
mean pooling and L2 normalization, as the source model does. The quantized variant is a different embedder
(its id says so), so models and indexes built with the torch model are not silently reused with it.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from models.embedder import DEFAULT_MODEL, Matrix, SentenceTransformerEmbedder, _normalize
from models.errors import ArtifactError

logger = logging.getLogger(__name__)

ONNX_FORMAT = "deskmate-onnx-embedder"


def export_onnx(*, out_dir: Path, source: str = DEFAULT_MODEL, quantize: bool = True,
                max_seq_length: int = 256) -> dict[str, Any]:
    """Export the transformer of a sentence-transformers model to ONNX (dynamic int8 when `quantize`)."""
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

        quantize_dynamic(str(fp32), str(target), weight_type=QuantType.QInt8)
        fp32.unlink()
    else:
        fp32.replace(target)
    tokenizer.save_pretrained(str(out_dir))
    variant = "int8" if quantize else "fp32"
    manifest = {
        "format": ONNX_FORMAT, "format_version": 1,
        "model_id": f"{embedder.model_id}+onnx-{variant}", "source_model": embedder.model_id,
        "dim": embedder.dim, "quantization": variant, "pooling": "mean", "normalize": True,
        "max_seq_length": max_seq_length, "created_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "package_versions": {name: metadata.version(name) for name in ("torch", "onnx", "onnxruntime")},
    }
    (out_dir / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest


class OnnxEmbedder:
    """Serves an `export_onnx` directory with ONNX Runtime on CPU."""

    def __init__(self, model_dir: Path | str, *, threads: int = 1) -> None:
        self._dir = Path(model_dir)
        self._threads = threads
        self._manifest: dict[str, Any] | None = None
        self._session: Any = None
        self._tokenizer: Any = None
        self._lock = threading.Lock()

    def _read_manifest(self) -> dict[str, Any]:
        if self._manifest is None:
            path = self._dir / "manifest.json"
            if not path.is_file():
                raise ArtifactError(f"no ONNX embedder at {self._dir} (manifest.json missing); run `deskmate "
                                    "export-onnx`")
            manifest: dict[str, Any] = json.loads(path.read_text())
            if manifest.get("format") != ONNX_FORMAT:
                raise ArtifactError(f"{self._dir} is not a Deskmate ONNX embedder")
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
            manifest = self._read_manifest()
            try:
                import onnxruntime as ort
                from tokenizers import Tokenizer
            except ImportError as exc:
                raise ArtifactError("the onnx embedder needs the 'onnxruntime' package (extra: onnx)") from exc
            options = ort.SessionOptions()
            options.intra_op_num_threads = self._threads
            options.inter_op_num_threads = 1
            self._session = ort.InferenceSession(str(self._dir / "model.onnx"), options,
                                                 providers=["CPUExecutionProvider"])
            tokenizer = Tokenizer.from_file(str(self._dir / "tokenizer.json"))
            tokenizer.enable_truncation(max_length=int(manifest.get("max_seq_length", 256)))
            tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
            self._tokenizer = tokenizer

    def encode(self, texts: Sequence[str], *, batch_size: int = 64, show_progress: bool = False) -> Matrix:
        if self._session is None:
            self.load()
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        chunks = []
        for start in range(0, len(texts), batch_size):
            encoded = self._tokenizer.encode_batch(list(texts[start:start + batch_size]))
            ids = np.array([e.ids for e in encoded], dtype=np.int64)
            mask = np.array([e.attention_mask for e in encoded], dtype=np.int64)
            types = np.array([e.type_ids for e in encoded], dtype=np.int64)
            hidden = self._session.run(None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": types})[0]
            weights = mask[..., None].astype(np.float32)
            chunks.append((hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9))
        return _normalize(np.vstack(chunks))
