"""Figures of the evaluation report as PNG bytes (matplotlib with the Agg backend, imported when drawing).

The confusion matrix and reliability diagram are the ones `deskmate evaluate --plots` writes; this module adds
the accuracy-vs-coverage curve of the abstain thresholds and the retrieval hit@k curve, and turns PNGs into
data URIs so the HTML report needs no other file.
"""

from __future__ import annotations

import base64
import io
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from models.evaluation import write_plots

Curve = Sequence[Mapping[str, float | None]]


def data_uri(png: bytes) -> str:
    if not png.startswith(b"\x89PNG"):
        raise ValueError("not a PNG image")
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _png(fig: Any) -> bytes:
    buffer = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buffer, format="png", dpi=110)
    _pyplot().close(fig)
    return buffer.getvalue()


def evaluation_pngs(result: Mapping[str, Any]) -> dict[str, bytes]:
    """Confusion matrix and reliability diagram of an evaluation result, keyed by file stem."""
    with tempfile.TemporaryDirectory(prefix="deskmate-plots-") as tmp:
        return {path.stem: path.read_bytes() for path in write_plots(dict(result), Path(tmp))}


def coverage_png(curves: Mapping[str, Curve], operating: Mapping[str, Mapping[str, float | None]],
                 model_point: Mapping[str, float | None] | None = None) -> bytes:
    """Accuracy of the accepted rows against coverage, one line per score; the model's thresholds marked."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(6.5, 4.8))
    for name, curve in curves.items():
        pts = [p for p in curve if p["accuracy"] is not None]
        line = ax.plot([p["coverage"] for p in pts], [p["accuracy"] for p in pts], label=f"threshold on {name}")
        chosen = operating.get(name)
        if chosen is not None and chosen.get("accuracy") is not None:
            ax.scatter([chosen["coverage"]], [chosen["accuracy"]], color=line[0].get_color(), s=60, zorder=3,
                       edgecolors="black", label=f"model's {name} threshold")
    if model_point is not None and model_point.get("accuracy") is not None:
        ax.scatter([model_point["coverage"]], [model_point["accuracy"]], marker="*", s=220, color="crimson",
                   edgecolors="black", zorder=4, label="model's operating point (all rules)")
    ax.set_xlabel("coverage (share of tickets routed automatically)")
    ax.set_ylabel("accuracy of routed tickets")
    ax.set_xlim(0, 1.02)
    ax.grid(alpha=0.3)
    ax.set_title("Accuracy vs coverage of the abstain threshold")
    ax.legend(loc="lower left", fontsize=8)
    return _png(fig)


def hit_at_k_png(curves: Mapping[str, Sequence[float]]) -> bytes:
    """Retrieval hit@k for k = 1..n, one line per system."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(6.0, 4.2))
    for name, values in curves.items():
        ks = list(range(1, len(values) + 1))
        ax.plot(ks, list(values), marker="o", label=name)
    ax.set_xlabel("k (similar cases shown)")
    ax.set_ylabel("hit@k (a case of the same topic among the top k)")
    ax.set_ylim(0, 1.02)
    ax.grid(alpha=0.3)
    ax.set_title("Similar-case retrieval")
    ax.legend(loc="lower right", fontsize=8)
    return _png(fig)
