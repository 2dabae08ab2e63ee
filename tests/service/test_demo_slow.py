"""End to end on the shipped demo data with the default embedder: the packaged MiniLM, exported to ONNX int8 by
the build step first (slow: run with -m slow)."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from models.embedding.export import ensure_onnx_export
from models.embedding.factory import make_embedder
from models.training import TrainOptions, train_from_file
from service.app import create_app
from service.settings import REPO_ROOT, AuthSettings, Settings

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("var")


@pytest.fixture(scope="module")
def demo_model(data_dir: Path) -> tuple[Path, dict[str, Any]]:
    settings = Settings(data_dir=data_dir)
    assert settings.embedder.backend == "onnx"
    ensure_onnx_export(out_dir=settings.resolved_onnx_dir, source=settings.embedder.model)  # the build step
    embedder = make_embedder(settings.embedder.backend, settings.embedder.model, onnx_dir=settings.resolved_onnx_dir)
    out = data_dir / "models" / "current"
    _, metrics = train_from_file(data=REPO_ROOT / "data" / "demo" / "tickets.jsonl", out_dir=out,
                                 embedder=embedder, options=TrainOptions(test_size=0.2))
    return out, metrics


@pytest.fixture(scope="module")
def client(demo_model: tuple[Path, dict[str, Any]], data_dir: Path) -> Iterator[TestClient]:
    # Module-scoped, so built before the per-test fixture that turns keys off: off here explicitly.
    settings = Settings(data_dir=data_dir, auth=AuthSettings(disabled=True))
    with TestClient(create_app(settings)) as c:
        yield c


def test_demo_model_generalizes_to_held_out_tickets(demo_model: tuple[Path, dict[str, Any]]) -> None:
    metrics = demo_model[1]
    test = metrics["test"]
    # measured with seed 13: accuracy 0.91, oos recall 0.50 (of 18), false rejects 0.02
    assert test["topic"]["accuracy"] >= 0.85
    assert test["abstain"]["oos_recall"] >= 0.3
    assert test["abstain"]["false_reject_rate"] <= 0.1


@pytest.mark.parametrize(("subject", "body", "channel", "topic", "urgency"), [
    ("Invoice question", "Hi, we were billed twice for November on our Visa card. Can you check invoice "
     "INV-20931?", "email", {"billing", "refunds"}, {"low", "normal", "high"}),
    ("Alles down", "Seit 9 Uhr ist Orbitly für unser ganzes Team nicht erreichbar, nur 503 Fehler. Totaler Ausfall!",
     "email", {"outage"}, {"urgent"}),
    ("SSO", "After switching our Okta tenant nobody can log in with SAML anymore, we get an invalid assertion error.",
     "chat", {"login_access"}, {"normal", "high", "urgent"}),
])
def test_routes_realistic_tickets(client: TestClient, subject: str, body: str, channel: str, topic: set[str],
                                  urgency: set[str]) -> None:
    out = client.post("/v1/route", json={"subject": subject, "body": body, "channel": channel}).json()
    assert out["topic"]["label"] in topic, out
    assert out["urgency"]["label"] in urgency, out
    assert out["needs_human_triage"] is False, out


def test_unrelated_message_goes_to_a_human(client: TestClient) -> None:
    out = client.post("/v1/route", json={"subject": "Lunch", "body": "Does anyone know a good sushi place near "
                                         "the central station? Asking for a birthday dinner on Friday."}).json()
    assert out["needs_human_triage"] is True and out["queue"] == "triage", out
