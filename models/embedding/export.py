"""Build step: export a sentence-transformers model to ONNX (dynamic int8 by default) for the `onnx` backend.

torch, sentence-transformers and onnx (the `export` extra) are imported inside `export_onnx` only; serving an
export needs none of them. `ensure_onnx_export` is the first-run bootstrap of `deskmate serve` / `deskmate demo`.
"""

from __future__ import annotations

import fcntl
import importlib.util
import json
import logging
import shutil
import tempfile
import time
from importlib import metadata
from pathlib import Path
from typing import Any

from models.embedding.base import DEFAULT_MAX_SEQ_LENGTH, DEFAULT_MODEL, ONNX_FORMAT
from models.embedding.sentence_transformer import SentenceTransformerEmbedder
from models.errors import ArtifactError

logger = logging.getLogger(__name__)

EXPORT_PACKAGES = ("torch", "sentence_transformers", "onnx")
EXPORT_HINT = "pip install 'deskmate[export]'"


def _installed(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):  # a finder refusing the name, or a module without a spec
        return False


def missing_export_packages() -> list[str]:
    """Import names of the export extra that are not installed (empty when exporting can run)."""
    return [name for name in EXPORT_PACKAGES if not _installed(name)]


def require_export_packages(*, out_dir: Path, source: str) -> None:
    """Raise `ArtifactError` saying what to install (or where to point) when exporting `source` cannot run here."""
    missing = missing_export_packages()
    if missing:
        raise ArtifactError(f"no ONNX embedder export at {out_dir}, and exporting {source!r} needs "
                            f"{', '.join(missing)} (the export extra): {EXPORT_HINT}, or point "
                            "DESKMATE_EMBEDDER__ONNX_DIR at an existing `deskmate export-onnx` directory")


def has_export(model_dir: Path) -> bool:
    """Whether `model_dir` holds an export (its manifest.json); contents are checked when it is served."""
    return (model_dir / "manifest.json").is_file()


def export_onnx(*, out_dir: Path, source: str = DEFAULT_MODEL, quantize: bool = True,
                max_seq_length: int = DEFAULT_MAX_SEQ_LENGTH, per_channel: bool = True) -> dict[str, Any]:
    """Export the transformer of a sentence-transformers model to ONNX (dynamic int8 when `quantize`).

    Writes model.onnx, the tokenizer and manifest.json into `out_dir` and returns the manifest. `per_channel`
    quantizes each weight column with its own scale: on demo tickets its embeddings agree with torch's at cosine
    0.992 mean / 0.98 min, against 0.953 / 0.85 for one scale per tensor, at the same speed.
    """
    missing = missing_export_packages()
    if missing:
        raise ArtifactError(f"exporting to ONNX needs {', '.join(missing)} (the export extra): {EXPORT_HINT}")
    import torch

    logger.info("export: loading %s", source)
    embedder = SentenceTransformerEmbedder(source, max_seq_length=max_seq_length)
    model: Any = embedder.model
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
    logger.info("export: tracing %s to ONNX (fp32)", source)
    torch.onnx.export(
        _Wrapper(transformer), (sample["input_ids"], sample["attention_mask"], sample["token_type_ids"]), str(fp32),
        input_names=["input_ids", "attention_mask", "token_type_ids"], output_names=["hidden"],
        dynamic_axes={"input_ids": axes, "attention_mask": axes, "token_type_ids": axes, "hidden": axes},
        opset_version=17, dynamo=False,
    )
    target = out_dir / "model.onnx"
    if quantize:
        from onnxruntime.quantization import QuantType, quantize_dynamic

        logger.info("export: quantizing to int8 (%s)", "per channel" if per_channel else "per tensor")
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
    logger.info("export: wrote %s (%s, dim %d)", out_dir, manifest["model_id"], embedder.dim)
    return manifest


def ensure_onnx_export(*, out_dir: Path, source: str, max_seq_length: int = DEFAULT_MAX_SEQ_LENGTH,
                       quantize: bool = True) -> dict[str, Any] | None:
    """Export `source` into `out_dir` unless it already holds an export; the manifest written, or None if none was.

    Runs once across threads and processes (a file lock beside the directory) and writes a temporary sibling that
    is renamed into place, so a crash never leaves a half-written export behind. Raises `ArtifactError` when
    the export extra is not installed.
    """
    if has_export(out_dir):
        return None
    require_export_packages(out_dir=out_dir, source=source)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    with (out_dir.parent / f".{out_dir.name}.lock").open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            if has_export(out_dir):  # another process exported it while this one waited
                return None
            logger.info("exporting %s to ONNX int8 in %s (first run only)", source, out_dir)
            tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent))
            try:
                manifest = export_onnx(out_dir=tmp, source=source, quantize=quantize, max_seq_length=max_seq_length)
                if out_dir.exists():
                    shutil.rmtree(out_dir)
                tmp.rename(out_dir)
            finally:
                shutil.rmtree(tmp, ignore_errors=True)
            return manifest
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
