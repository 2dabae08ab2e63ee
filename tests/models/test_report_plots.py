from __future__ import annotations

import numpy as np
import pytest

from models.coverage import coverage_curve, point
from models.embedding.hashing import HashingEmbedder
from models.evaluation import evaluate_rows
from models.report_plots import coverage_png, data_uri, evaluation_pngs, hit_at_k_png
from models.routing_heads import RoutingModel
from tests.conftest import synthetic_rows

PNG = b"\x89PNG"


def test_every_figure_is_a_png(trained_model: RoutingModel, embedder: HashingEmbedder) -> None:
    result = evaluate_rows(model=trained_model, embedder=embedder, rows=synthetic_rows(seed=5))
    pngs = evaluation_pngs(result)
    assert set(pngs) == {"confusion_matrix", "reliability_diagram"}
    assert all(png.startswith(PNG) and len(png) > 1000 for png in pngs.values())

    rng = np.random.default_rng(1)
    scores, correct = rng.random(200), rng.random(200) < 0.8
    curve = coverage_curve(scores, correct)
    chosen = point(scores >= 0.3, correct, threshold=0.3)
    assert coverage_png({"confidence": curve}, {"confidence": chosen}, chosen).startswith(PNG)
    assert hit_at_k_png({"index": [0.5, 0.7, 0.8]}).startswith(PNG)


def test_data_uri_round_trip_and_refusal() -> None:
    png = hit_at_k_png({"index": [1.0]})
    uri = data_uri(png)
    assert uri.startswith("data:image/png;base64,")
    import base64

    assert base64.b64decode(uri.split(",", 1)[1]) == png
    with pytest.raises(ValueError, match="PNG"):
        data_uri(b"GIF89a")
