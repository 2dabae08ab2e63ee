"""The serving path with the default `onnx` backend never imports torch (the `export` extra is build-time only)."""

import subprocess
import sys
from pathlib import Path

import pytest

from models.embedding.onnx import OnnxEmbedder
from models.training import TrainOptions, train_routing_model
from tests.conftest import TOPIC_WORDS, synthetic_rows
from tests.models.embedding.tiny_onnx import write_tiny_export

REPO_ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("torch", "transformers", "sentence_transformers")

SERVE_AND_ROUTE = """
import sys
from pathlib import Path
from fastapi.testclient import TestClient
from service.app import create_app
from service.settings import EmbedderSettings, Settings

export_dir, model_dir, data_dir = (Path(arg) for arg in sys.argv[1:4])
settings = Settings(data_dir=data_dir, model_dir=model_dir, embedder=EmbedderSettings(backend="onnx",
                    model=str(export_dir)))
with TestClient(create_app(settings)) as client:
    assert client.get("/readyz").json()["ready"] is True
    response = client.post("/v1/route", json={"id": "T-1", "subject": "Charged twice",
                                              "body": "my credit card invoice was charged twice"})
    assert response.status_code == 200, response.text
    assert response.json()["topic"]["label"] == "billing", response.text
heavy = [name for name in sys.argv[4:] if name in sys.modules]
assert not heavy, f"imported on the serving path: {heavy}"
"""


@pytest.fixture(scope="module")
def onnx_model(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A tiny ONNX export and a routing model (with the default multilingual aux features) trained over it."""
    root = tmp_path_factory.mktemp("onnx-serving")
    words = sorted({w.lower() for phrases in TOPIC_WORDS.values() for phrase in phrases for w in phrase.split()})
    write_tiny_export(root / "export", words=["[PAD]", "[UNK]", *words], dim=16, max_seq_length=32)
    embedder = OnnxEmbedder(root / "export")
    model, metrics = train_routing_model(rows=synthetic_rows(), embedder=embedder,
                                         options=TrainOptions(val_size=0.25, seed=3))
    model.save(root / "model", extra_manifest={"metrics": metrics, "oos_label": "oos"})
    return root / "export", root / "model"


def test_serving_an_onnx_export_never_imports_torch(onnx_model: tuple[Path, Path], tmp_path: Path) -> None:
    export_dir, model_dir = onnx_model
    result = subprocess.run([sys.executable, "-c", SERVE_AND_ROUTE, str(export_dir), str(model_dir), str(tmp_path),
                             *HEAVY], capture_output=True, text=True, timeout=300, cwd=REPO_ROOT)
    assert result.returncode == 0, result.stderr[-4000:]
