"""What the abstain rule catches when the training data has no out-of-scope rows, with and without the built-in
off-topic background set (models/background.py), in the same run.

Trains on the demo tickets without their out-of-scope rows (a seeded 20 % of the in-scope rows held out as a
test part), then measures the share of off-topic requests sent to triage on: the background set's held-out part,
CLINC150's out-of-scope rows (oos_val + oos_train, read from ../shared/data, never copied) and the demo's own
out-of-scope tickets; against the false-reject rate on the held-out in-scope tickets. Usage:

    python -m bench.offtopic_background --out reports/offtopic_background.json
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from models.data import FieldMapping, load_labelled
from models.embedding.base import Embedder
from models.routing_heads import RoutingModel
from models.training import TrainOptions, train_routing_model
from service.components import build_embedder
from service.settings import REPO_ROOT, Settings

CLINC = REPO_ROOT.parent / "shared" / "data" / "clinc150"  # read in place, never copied


def _caught(model: RoutingModel, embedder: Embedder, texts: list[str]) -> float:
    dense = model.dense_features(texts, embedder.encode(texts, batch_size=64))
    reasons = model.abstain_reasons(model.topic.predict(texts, dense), dense)
    return float(np.mean([r is not None for r in reasons]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("reports/offtopic_background.json"))
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()

    settings = Settings()
    embedder = build_embedder(settings)
    embedder.load()
    rows = load_labelled(REPO_ROOT / "data" / "demo" / "tickets.jsonl", FieldMapping())
    in_scope = [r for r in rows if r.topic != settings.oos_label]
    demo_oos = [r.text for r in rows if r.topic == settings.oos_label]
    clinc = [json.loads(line)["text"] for name in ("oos_val.jsonl", "oos_train.jsonl")
             for line in (CLINC / name).read_text(encoding="utf-8").splitlines() if line.strip()]
    options = TrainOptions(aux_embedders=(), test_size=0.2, seed=args.seed, batch_size=64)
    results: dict[str, Any] = {"embedder": embedder.model_id, "in_scope_rows": len(in_scope),
                               "clinc_oos_rows": len(clinc), "demo_oos_rows": len(demo_oos)}
    for name, background in (("background set", True), ("no background (before)", False)):
        model, metrics = train_routing_model(rows=in_scope, embedder=embedder,
                                             options=replace(options, background=background))
        test = metrics["test"]
        results[name] = {
            "background_heldout_caught": (metrics.get("background") or {}).get("heldout_caught"),
            "clinc_oos_caught": _caught(model, embedder, clinc),
            "demo_oos_caught": _caught(model, embedder, demo_oos),
            "in_scope_false_reject": test["abstain"]["false_reject_rate"],
            "in_scope_test_accuracy": test["topic"]["accuracy"],
            "oos_score": model.abstain.oos_score,
        }
    lines = [f"{'':24} {'bg held-out':>11} {'CLINC oos':>9} {'demo oos':>8} {'false rej':>9} {'test acc':>8}"]
    for name in ("background set", "no background (before)"):
        r = results[name]
        bg = "-" if r["background_heldout_caught"] is None else f"{r['background_heldout_caught']:.3f}"
        lines.append(f"{name:24} {bg:>11} {r['clinc_oos_caught']:9.3f} {r['demo_oos_caught']:8.3f} "
                     f"{r['in_scope_false_reject']:9.3f} {r['in_scope_test_accuracy']:8.3f}")
    sys.stdout.write("\n".join(lines) + "\n")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
