import json
from pathlib import Path

import numpy as np
import pytest

from models.embedder import DEFAULT_MODEL, SentenceTransformerEmbedder, make_embedder
from models.errors import ArtifactError
from models.onnx_embedder import OnnxEmbedder, export_onnx


def test_missing_or_foreign_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ArtifactError, match="export-onnx"):
        OnnxEmbedder(tmp_path).load()
    (tmp_path / "manifest.json").write_text(json.dumps({"format": "other"}))
    with pytest.raises(ArtifactError, match="not a Deskmate ONNX embedder"):
        _ = OnnxEmbedder(tmp_path).dim


@pytest.mark.slow
def test_int8_export_matches_torch_and_has_its_own_id(tmp_path: Path) -> None:
    manifest = export_onnx(out_dir=tmp_path / "onnx", quantize=True)
    assert manifest["model_id"] == f"{DEFAULT_MODEL}+onnx-int8" and manifest["dim"] == 384
    onnx = make_embedder("onnx", str(tmp_path / "onnx"))
    texts = ["I was charged twice for my subscription", "the mobile app crashes when I open a project",
             "double payment on my card this month"]
    fast, reference = onnx.encode(texts, batch_size=2), SentenceTransformerEmbedder().encode(texts)
    assert fast.shape == (3, 384) and np.allclose(np.linalg.norm(fast, axis=1), 1.0, atol=1e-4)
    assert (fast * reference).sum(axis=1).min() > 0.9
    assert float(fast[0] @ fast[2]) > float(fast[0] @ fast[1]) + 0.2
    assert onnx.model_id != SentenceTransformerEmbedder().model_id
