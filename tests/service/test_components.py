"""service/components.py: what is built from settings."""

from __future__ import annotations

from pathlib import Path

from models.embedding.hashing import HashingEmbedder
from models.embedding.onnx import OnnxEmbedder, OnnxSessionConfig
from service.components import lone_embedder
from service.settings import BatchingSettings, Settings
from tests.models.embedding.tiny_onnx import write_tiny_export


def test_the_lone_embedder_is_the_onnx_export_on_lone_threads(tmp_path: Path) -> None:
    write_tiny_export(tmp_path)
    batch = OnnxEmbedder(tmp_path, session=OnnxSessionConfig(allow_spinning=False))
    settings = Settings()
    assert settings.batching.lone_lane and settings.batching.lone_threads == 2  # the defaults
    wide = lone_embedder(settings, batch)
    assert isinstance(wide, OnnxEmbedder) and wide.model_dir == batch.model_dir
    assert wide.session_config == OnnxSessionConfig(intra_op_threads=2, allow_spinning=False)
    three = settings.model_copy(update={"batching": BatchingSettings(lone_threads=3)})
    assert lone_embedder(three, batch).session_config.intra_op_threads == 3  # type: ignore[union-attr]


def test_no_lone_embedder_without_the_lane_one_thread_or_another_backend(tmp_path: Path) -> None:
    write_tiny_export(tmp_path)
    batch = OnnxEmbedder(tmp_path)
    for batching in (BatchingSettings(lone_lane=False), BatchingSettings(lone_threads=1)):
        assert lone_embedder(Settings().model_copy(update={"batching": batching}), batch) is None
    assert lone_embedder(Settings(), HashingEmbedder(64)) is None
