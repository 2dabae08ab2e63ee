"""HTML of the evaluation report: one file, inline CSS, images as data URIs, every value escaped."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

COVERAGE_TARGETS = (1.0, 0.98, 0.95, 0.9, 0.85, 0.8, 0.7, 0.6, 0.5)

CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem auto;max-width:1100px;color:#1b1f24;
padding:0 1rem}h1{font-size:1.6rem}h2{border-bottom:1px solid #d0d7de;padding-bottom:.3rem;margin-top:2.2rem}
table{border-collapse:collapse;margin:.6rem 0;font-size:.9rem}th,td{border:1px solid #d0d7de;padding:.25rem .6rem}
th{background:#f6f8fa;text-align:left}td.n{text-align:right;font-variant-numeric:tabular-nums}
img{max-width:100%;height:auto;border:1px solid #eee}.note{color:#57606a;font-size:.88rem}
.warn{background:#fff8c5;border:1px solid #d4a72c;padding:.5rem .8rem}code{background:#f6f8fa;padding:0 .2rem}
"""


def _fmt(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.4f}"
    return str(value)


def _table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(f'<td class="n">{escape(_fmt(v))}</td>' if isinstance(v, int | float) and
                         not isinstance(v, bool) else f"<td>{escape(_fmt(v))}</td>" for v in row) + "</tr>"
        for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _img(uri: str | None, alt: str) -> str:
    if uri is None:
        return ""
    if not uri.startswith("data:image/png;base64,"):
        raise ValueError("report images must be PNG data URIs")
    return f'<img src="{uri}" alt="{escape(alt)}">'


def _summary(report: Mapping[str, Any]) -> str:
    ev = report["evaluation"]
    topic, abstain = ev["topic"], ev["abstain"]
    rows: list[tuple[str, Any]] = [
        ("rows evaluated", ev["rows"]), ("in-scope rows", topic["n"]),
        ("accuracy (top-1, in scope)", topic["accuracy"]),
        ("macro-F1", topic["macro_f1"]), ("expected calibration error", topic["ece"]),
        ("false-reject rate (in-scope rows sent to a human)", abstain["false_reject_rate"]),
        ("accuracy of routed in-scope rows", abstain["accepted_accuracy"]),
    ]
    if report["data"]["oos_rows"]:
        rows.append(("out-of-scope rows", report["data"]["oos_rows"]))
        rows.append(("out-of-scope recall", abstain["oos_recall"]))
    if "urgency" in ev:
        rows.append(("urgency accuracy", ev["urgency"]["accuracy"]))
    if ev["unknown_labels"]:
        rows.append(("topics the model does not know", ", ".join(ev["unknown_labels"])))
    model, data = report["model"], report["data"]
    rows += [("model version", model["version"]),
             ("embedder", " + ".join([model["embedder"], *model["aux_embedders"]])),
             ("data", ", ".join(data["paths"])), ("data sha256", data["sha256"][:16])]
    warn = ""
    if data["model_trained_on_it"]:
        warn = ('<p class="warn">The model was trained on this data: these numbers describe the training rows, '
                "not new tickets.</p>")
    return "<h2 id='summary'>Summary</h2>" + warn + _table(["metric", "value"], rows)


def _closest(curve: Sequence[Mapping[str, Any]], target: float) -> Mapping[str, Any]:
    """The point with the highest coverage not above `target` (the first point if none is)."""
    below = [p for p in curve if p["coverage"] <= target + 1e-9]
    return max(below, key=lambda p: p["coverage"]) if below else curve[0]


def _coverage(section: Mapping[str, Any], uri: str | None) -> str:
    parts = ["<h2 id='coverage'>Accuracy vs coverage</h2>", _img(uri, "accuracy vs coverage"),
             f"<p class='note'>{escape(section['note'])}. Lower the threshold to route more tickets automatically, "
             "raise it to send more to a human. The marked points are the model's thresholds.</p>"]
    has_oos = any("oos_recall" in p for c in section["curves"].values() for p in c)
    headers = ["threshold", "coverage", "accuracy"] + (["in-scope coverage", "oos recall"] if has_oos else [])
    keys = ["threshold", "coverage", "accuracy"] + (["in_scope_coverage", "oos_recall"] if has_oos else [])
    rule = section["rule"]
    parts.append("<p>Model's rule: " + escape(
        f"oos score {rule.get('oos_score') or 'none'} ≥ {_fmt(rule.get('min_in_scope'))}, confidence ≥ "
        f"{_fmt(rule.get('min_confidence'))}, margin ≥ {_fmt(rule.get('min_margin'))}") + "</p>")
    model_point = section["model_point"]
    parts.append("<h3>Model's operating point (all rules together)</h3>")
    parts.append(_table(headers[1:], [[model_point.get(k) for k in keys[1:]]]))
    for name, curve in section["curves"].items():
        seen: list[Mapping[str, Any]] = []
        for target in COVERAGE_TARGETS:
            p = _closest(curve, target)
            if p not in seen:
                seen.append(p)
        chosen = section["operating"].get(name)
        parts.append(f"<h3>Threshold on {escape(name)}</h3>")
        table_rows = [[p.get(k) for k in keys] for p in seen]
        if chosen is not None:
            table_rows.append([f"model: {_fmt(chosen.get('threshold'))}"] + [chosen.get(k) for k in keys[1:]])
        parts.append(_table(headers, table_rows))
    return "".join(parts)


def _retrieval(section: Mapping[str, Any] | None, uri: str | None) -> str:
    if section is None:
        return ""
    rows = [[k, v] for k, v in zip(section["k"], section["hit_at_k"], strict=True)]
    return ("<h2 id='retrieval'>Retrieval hit@k</h2>" + _img(uri, "hit@k curve")
            + f"<p class='note'>Index {escape(section['index'])} (version {escape(str(section['index_version']))}, "
            f"mode {escape(str(section['mode']))}), queried with the {section['n_queries']} in-scope rows; a hit is a "
            f"case of the same topic. {section['self_matches_excluded']} results that were the query's own case were "
            f"left out. MRR {section['mrr']:.4f}.</p>" + _table(["k", "hit@k"], rows))


def _per_class(per_class: Mapping[str, Mapping[str, float]]) -> str:
    ordered = sorted(per_class.items(), key=lambda item: (item[1]["f1-score"], item[0]))
    rows = [[label, m["precision"], m["recall"], m["f1-score"], int(m["support"])] for label, m in ordered]
    return ("<h2 id='per-class'>Per-class metrics</h2><p class='note'>Worst F1 first.</p>"
            + _table(["topic", "precision", "recall", "F1", "support"], rows))


def _baseline(section: Mapping[str, Any]) -> str:
    rows = [[r["metric"], r["deskmate"], r["baseline"], 100 * (r["deskmate"] - r["baseline"])] for r in section["rows"]]
    tuning = section.get("tuning")
    extra = ""
    if tuning:
        extra = (f"<p class='note'>Baseline C = {escape(_fmt(tuning.get('C')))} "
                 f"({'tuned on a validation split' if tuning.get('c_tuned') else 'fixed'}); abstain threshold on the "
                 f"max decision score: {escape(_fmt(tuning.get('min_score')))}.</p>")
    body = _table(["metric", "Deskmate", "TF-IDF + LinearSVC", "Δ points"], rows) if rows else ""
    return ("<h2 id='baseline'>Baseline comparison</h2>" + f"<p>{escape(section.get('note') or section['source'])}</p>"
            + body + extra)


def render_html(report: Mapping[str, Any], images: Mapping[str, str]) -> str:
    """The whole report page; `images` maps section keys to PNG data URIs."""
    ev = report["evaluation"]
    title = f"Deskmate evaluation report: model {report['model']['version']}"
    sections = [
        _summary(report),
        "<h2 id='confusion'>Confusion matrix</h2>" + _img(images.get("confusion_matrix"), "confusion matrix"),
        "<h2 id='reliability'>Reliability diagram</h2>" + _img(images.get("reliability_diagram"), "reliability")
        + "<p class='note'>Confidence against accuracy in equal-width bins; on the diagonal means calibrated.</p>",
        _coverage(report["coverage"], images.get("coverage")),
        _retrieval(report.get("retrieval"), images.get("hit_at_k")),
        _per_class(ev["topic"]["per_class"]),
        _baseline(report["baseline"]),
    ]
    footer = (f"<p class='note'>Created {escape(report['created_at'])}"
              + (f" by <code>{escape(report['command'])}</code>" if report.get("command") else "") + ".</p>")
    return (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{escape(title)}</title>"
            f"<style>{CSS}</style></head><body><h1>{escape(title)}</h1>" + "".join(sections) + footer
            + "</body></html>\n")
