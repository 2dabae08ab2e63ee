"""scripts/simulate_feedback.py: the simulated retraining rounds keep no personal data on disk."""

from __future__ import annotations

import json
import re
from pathlib import Path

from models.embedding.hashing import HashingEmbedder
from models.training import TrainOptions
from scripts.simulate_feedback import simulate
from service.privacy import training_redactor
from service.settings import Settings
from tests.conftest import synthetic_rows

EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.example")


def test_the_rounds_write_and_train_on_redacted_tickets(tmp_path: Path) -> None:
    data = tmp_path / "tickets.jsonl"
    rows = [{"id": f"T{i}", "subject": f"from ana{i}@mail.example", "body": r.text, "topic": r.topic,
             "urgency": r.urgency} for i, r in enumerate(synthetic_rows(n_per_topic=25, seed=31))]
    data.write_text("".join(json.dumps(r) + "\n" for r in rows))
    redact, redaction = training_redactor(Settings(data_dir=tmp_path / "var"))
    summary = simulate(data=data, out=tmp_path / "out", embedder=HashingEmbedder(256),
                       options=TrainOptions(val_size=0.25, seed=3, aux_embedders=()), redact=redact,
                       redaction=redaction)
    assert summary["round1"]["decision"] in ("promoted", "rejected")
    stored = [p for p in (tmp_path / "out").rglob("*") if p.is_file() and p.suffix in (".jsonl", ".json", ".md")]
    assert any(p.name == "base.jsonl" for p in stored)
    assert not [p for p in stored if EMAIL.search(p.read_text(errors="ignore"))]
    models = [m for m in (json.loads(p.read_text()) for p in (tmp_path / "out" / "models").rglob("manifest.json"))
              if "topic" in m]  # the routing models' manifests (not the registry's or the evaluation set's)
    assert len(models) >= 2 and all(m["redaction"]["enabled"] for m in models)
