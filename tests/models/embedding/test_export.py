import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from models.embedding.base import DEFAULT_MODEL
from models.embedding.export import ensure_onnx_export, export_onnx, has_export
from models.embedding.factory import make_embedder
from models.embedding.sentence_transformer import SentenceTransformerEmbedder
from tests.models.embedding.no_torch import HIDE_TORCH
from tests.models.embedding.tiny_onnx import write_tiny_export

REPO_ROOT = Path(__file__).resolve().parents[3]


def test_an_existing_export_is_kept(tmp_path: Path) -> None:
    write_tiny_export(tmp_path / "onnx")
    before = (tmp_path / "onnx" / "manifest.json").read_text()
    assert ensure_onnx_export(out_dir=tmp_path / "onnx", source=DEFAULT_MODEL) is None
    assert has_export(tmp_path / "onnx") and (tmp_path / "onnx" / "manifest.json").read_text() == before


def test_exporting_without_torch_says_what_to_install(tmp_path: Path) -> None:
    script = HIDE_TORCH + f"""
from pathlib import Path
from models.embedding.export import ensure_onnx_export
from models.errors import ArtifactError
try:
    ensure_onnx_export(out_dir=Path({str(tmp_path / "onnx")!r}), source="sentence-transformers/all-MiniLM-L6-v2")
except ArtifactError as exc:
    print(exc)
else:
    raise AssertionError("expected an ArtifactError")
"""
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, cwd=REPO_ROOT)
    assert result.returncode == 0, result.stderr
    assert "needs torch" in result.stdout and "deskmate[export]" in result.stdout
    assert not (tmp_path / "onnx").exists()


@pytest.mark.slow
def test_int8_export_matches_torch_and_has_its_own_id(tmp_path: Path) -> None:
    manifest = ensure_onnx_export(out_dir=tmp_path / "onnx", source=DEFAULT_MODEL)
    assert manifest is not None and has_export(tmp_path / "onnx")
    assert manifest["model_id"] == f"{DEFAULT_MODEL}+onnx-int8-per-channel" and manifest["dim"] == 384
    assert not [p for p in tmp_path.iterdir() if p.is_dir() and p.name.startswith(".onnx.")]  # no temporary left
    onnx = make_embedder("onnx", DEFAULT_MODEL, onnx_dir=tmp_path / "onnx")
    texts = ["I was charged twice for my subscription", "the mobile app crashes when I open a project",
             "double payment on my card this month"]
    fast, reference = onnx.encode(texts, batch_size=2), SentenceTransformerEmbedder().encode(texts)
    assert fast.shape == (3, 384) and np.allclose(np.linalg.norm(fast, axis=1), 1.0, atol=1e-4)
    assert (fast * reference).sum(axis=1).min() > 0.9
    assert float(fast[0] @ fast[2]) > float(fast[0] @ fast[1]) + 0.2
    assert onnx.model_id != SentenceTransformerEmbedder().model_id
    fp32 = export_onnx(out_dir=tmp_path / "fp32", quantize=False, max_seq_length=128)
    assert fp32["model_id"] == f"{DEFAULT_MODEL}+onnx-fp32" and fp32["max_seq_length"] == 128
