from pathlib import Path

import pytest
from pydantic import BaseModel, ValidationError

from service.settings import REPO_ROOT, Settings


def env_names(model: type[BaseModel], prefix: str) -> list[str]:
    names = []
    for name, field in model.model_fields.items():
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            names += env_names(annotation, f"{prefix}{name.upper()}__")
        else:
            names.append(f"{prefix}{name.upper()}")
    return names


def test_every_setting_is_in_env_example_and_the_settings_doc() -> None:
    example = (REPO_ROOT / ".env.example").read_text()
    reference = (REPO_ROOT / "docs" / "settings.md").read_text()
    names = env_names(Settings, "DESKMATE_")
    assert len(names) > 10
    assert [n for n in names if n not in example] == []
    assert [n for n in names if n not in reference] == []


def test_nested_env_variables_and_validation(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DESKMATE_EMBEDDER__MODEL", "/models/my-minilm")
    monkeypatch.setenv("DESKMATE_API__MAX_BATCH", "8")
    monkeypatch.setenv("DESKMATE_DATA_DIR", str(tmp_path))
    settings = Settings()
    assert settings.embedder.model == "/models/my-minilm" and settings.api.max_batch == 8
    assert settings.resolved_model_dir == tmp_path / "models" / "current"
    monkeypatch.setenv("DESKMATE_API__MAX_BATCH", "0")
    with pytest.raises(ValidationError, match="max_batch"):
        Settings()
    monkeypatch.delenv("DESKMATE_API__MAX_BATCH")
    monkeypatch.setenv("DESKMATE_EMBEDDER__BACKEND", "word2vec")
    with pytest.raises(ValidationError, match="backend"):
        Settings()
