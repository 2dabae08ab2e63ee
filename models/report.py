"""The evaluation report behind `deskmate report`: one self-contained HTML file (plus report.json) of a routing
model on labelled data.

Sections: summary metrics, confusion matrix, reliability diagram, accuracy vs coverage of the abstain
thresholds (with the model's operating point), retrieval hit@k when a `RetrievalProbe` is given (the CLI passes
`index.retrieval_curve.IndexCurve` for `--index`), per-class metrics, and a comparison with a TF-IDF + LinearSVC
baseline (trained on a seeded split of the same data, or read from a `bench/quality.py` JSON). Images are
embedded as data URIs, so the HTML file is all there is to share.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from models.atomic import atomic_write_json, atomic_write_text
from models.baseline import BaselineOptions, fit_baseline
from models.coverage import coverage_curve, point
from models.data import FieldMapping, LabelledText, get_field, iter_labelled, load_labelled, stratified_split
from models.embedding.base import Embedder, Matrix
from models.errors import InvalidInputError
from models.evaluation import ScoredRows, score_rows, summarize
from models.metrics import abstain_metrics, classification_metrics
from models.report_html import render_html
from models.routing_heads import RoutingModel

logger = logging.getLogger(__name__)

REPORT_FORMAT = "deskmate-evaluation-report"


class RetrievalProbe(Protocol):
    """hit@k of a search index queried with labelled rows (`index.retrieval_curve.IndexCurve` is the real one).

    Returns `hit_at_k_curve`'s result: `k`, `hit_at_k`, `mrr`, `n_queries`, `self_matches_excluded`, `mode`,
    `index_version`, and where the index is (`index`). `vectors` are the queries' embeddings by the report's
    embedder; a query whose id is that of a case leaves the case out of its own hits.
    """

    def __call__(self, *, texts: Sequence[str], topics: Sequence[str], ids: Sequence[str | None],
                 vectors: Matrix, max_k: int) -> dict[str, Any]: ...


@dataclass(frozen=True, slots=True)
class ReportOptions:
    seed: int = 13  # seed of the baseline's train / held-out split
    baseline_test_size: float = 0.2  # share of the in-scope rows both systems are compared on
    baseline_c: float | None = None  # None: tuned on a validation part of the baseline's training rows
    max_k: int = 10
    batch_size: int = 64


def row_ids(paths: list[Path], mapping: FieldMapping, id_field: str) -> list[str]:
    """The id of each row `load_labelled` keeps (`iter_labelled` decides which).

    A row without an id gets `<file stem>-<row number>`, the id `build-index` gives it.
    """
    ids: list[str] = []
    for path in paths:
        for number, record, _ in iter_labelled(path, mapping):
            value = _text(get_field(record, id_field)).strip()
            ids.append(value or f"{path.stem}-{number}")
    return ids


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def coverage_section(scored: ScoredRows, model: RoutingModel) -> dict[str, Any]:
    """Accuracy-vs-coverage curves of the confidence and the out-of-scope score, and the model's points."""
    correct = scored.correct
    is_oos = scored.is_oos
    curves = {"confidence": coverage_curve(scored.confidence, correct, is_oos)}
    operating = {"confidence": point(scored.confidence >= model.abstain.min_confidence, correct, is_oos,
                                     threshold=model.abstain.min_confidence)}
    if scored.in_scope_score is not None and model.abstain.min_in_scope is not None:
        name = f"oos score ({model.abstain.oos_score})"
        curves[name] = coverage_curve(scored.in_scope_score, correct, is_oos)
        operating[name] = point(scored.in_scope_score >= model.abstain.min_in_scope, correct, is_oos,
                                threshold=model.abstain.min_in_scope)
    return {"curves": curves, "operating": operating, "model_point": point(~scored.abstained, correct, is_oos),
            "rule": model.abstain.to_dict(),
            "note": "coverage = share of all rows routed; accuracy = share of routed rows with the right topic "
                    "(a routed out-of-scope row is wrong)"}


def retrieval_section(*, probe: RetrievalProbe, rows: list[LabelledText], ids: list[str], primary: Matrix,
                      oos_label: str, max_k: int) -> dict[str, Any]:
    """hit@k of the in-scope rows (out-of-scope tickets have no same-topic case to find)."""
    keep = [i for i, r in enumerate(rows) if r.topic != oos_label]
    return probe(texts=[rows[i].text for i in keep], topics=[rows[i].topic for i in keep],
                 ids=[ids[i] for i in keep], vectors=primary[keep], max_k=max_k)


def trained_baseline(rows: list[LabelledText], scored: ScoredRows, model: RoutingModel,
                     options: ReportOptions) -> dict[str, Any]:
    """Train TF-IDF + LinearSVC on a seeded split of the in-scope rows; compare both on the held-out rest."""
    in_idx = np.flatnonzero(~scored.is_oos)
    oos_idx = np.flatnonzero(scored.is_oos)
    topics = [rows[i].topic for i in in_idx]
    if len(set(topics)) < 2 or len(in_idx) < 20:
        return {"source": "none", "note": "too few in-scope rows to train a baseline", "rows": []}
    pool, test = stratified_split(topics, test_size=options.baseline_test_size, seed=options.seed)
    train_rows, test_rows = in_idx[pool], in_idx[test]
    budget = float(model.manifest.get("training", {}).get("max_false_reject", 0.03))
    svm, tuning = fit_baseline([rows[i].text for i in train_rows], [rows[i].topic for i in train_rows],
                               options=BaselineOptions(C=options.baseline_c, seed=options.seed,
                                                       max_false_reject=budget), abstain=len(oos_idx) > 0)
    held = np.concatenate([test_rows, oos_idx])
    pred, scores = svm.predict([rows[i].text for i in held])
    abstained = svm.abstains(scores)
    n_in = len(test_rows)
    truth = [rows[i].topic for i in test_rows]
    base = classification_metrics(truth, pred[:n_in], np.zeros(n_in))
    ours = classification_metrics(truth, [scored.predicted[i] for i in test_rows], scored.confidence[test_rows])
    table = [{"metric": "accuracy", "deskmate": ours["accuracy"], "baseline": base["accuracy"]},
             {"metric": "macro_f1", "deskmate": ours["macro_f1"], "baseline": base["macro_f1"]}]
    if len(oos_idx):
        base_correct = np.array([p == t for p, t in zip(pred[:n_in], truth, strict=True)])
        b = abstain_metrics(in_scope_abstained=abstained[:n_in], in_scope_correct=base_correct,
                            oos_abstained=abstained[n_in:])
        d = abstain_metrics(in_scope_abstained=scored.abstained[test_rows], in_scope_correct=scored.correct[test_rows],
                            oos_abstained=scored.abstained[oos_idx])
        table += [{"metric": key, "deskmate": d[key], "baseline": b[key]}
                  for key in ("oos_recall", "false_reject_rate", "accepted_accuracy")]
    trained_data = model.manifest.get("data", {}).get("sha256")
    return {"source": f"TF-IDF + LinearSVC trained on a seeded split (seed {options.seed}) of the given rows; both "
                      f"systems compared on the held-out {options.baseline_test_size:.0%} of in-scope rows "
                      f"({n_in}) plus all {len(oos_idx)} out-of-scope rows",
            "rows": table, "tuning": tuning, "n_train": len(train_rows), "n_test": n_in, "n_oos": len(oos_idx),
            "model_data_sha256": trained_data}


def json_baseline(path: Path) -> dict[str, Any]:
    """The side-by-side table of a `python -m bench.quality` run."""
    try:
        bench = json.loads(path.read_text(encoding="utf-8"))
        rows = [{"metric": f"{r['dataset']} {r['metric']}", "deskmate": float(r["deskmate"]),
                 "baseline": float(r["baseline"])} for r in bench["comparison"]]
    except (OSError, json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
        raise InvalidInputError(f"{path} is not a bench/quality.py result: {exc}") from exc
    return {"source": f"bench/quality.py run of {bench.get('started_at', '?')}: `{bench.get('command', '?')}` "
                      f"(baseline C {bench.get('baseline', {}).get('C', '?')})", "rows": rows}


def build_report(
    *,
    model_dir: Path,
    embedder: Embedder,
    data: list[Path],
    out_dir: Path,
    mapping: FieldMapping = FieldMapping(),
    oos_label: str | None = None,
    retrieval: RetrievalProbe | None = None,
    id_field: str = "id",
    baseline_json: Path | None = None,
    options: ReportOptions = ReportOptions(),
    command: str | None = None,
    show_progress: bool = False,
) -> dict[str, Any]:
    """Evaluate, draw, and write `report.html` and `report.json` into `out_dir`; returns the report's numbers.

    `retrieval` adds the hit@k section (rows are matched to cases by `id_field`, see `row_ids`).
    """
    from models.report_plots import coverage_png, data_uri, evaluation_pngs, hit_at_k_png
    from models.training import files_sha256

    started = time.perf_counter()
    model = RoutingModel.load(model_dir, embedder=embedder)
    oos = oos_label or str(model.manifest.get("oos_label", "oos"))
    rows = [row for path in data for row in load_labelled(path, mapping)]
    texts = [r.text for r in rows]
    primary = embedder.encode(texts, batch_size=options.batch_size, show_progress=show_progress)
    scored = score_rows(model=model, embedder=embedder, rows=rows, oos_label=oos,
                        dense=model.dense_features(texts, primary))
    evaluation = summarize(scored, model, data=", ".join(str(p) for p in data))
    data_sha = files_sha256(data)
    report: dict[str, Any] = {
        "format": REPORT_FORMAT, "format_version": 1,
        "created_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "command": command,
        "model": {"dir": str(model_dir), "version": model.version, "embedder": model.embedder_id,
                  "aux_embedders": [a.model_id for a in model.aux_embedders]},
        "data": {"paths": [str(p) for p in data], "sha256": data_sha, "rows": len(rows),
                 "oos_rows": int(scored.is_oos.sum()), "oos_label": oos,
                 "model_trained_on_it": model.manifest.get("data", {}).get("sha256") == data_sha},
        "evaluation": evaluation,
        "coverage": coverage_section(scored, model),
    }
    images = evaluation_pngs(evaluation)
    images["coverage"] = coverage_png(report["coverage"]["curves"], report["coverage"]["operating"],
                                      report["coverage"]["model_point"])
    if retrieval is not None:
        ids = row_ids(data, mapping, id_field)
        if len(ids) != len(rows):
            raise InvalidInputError(f"read {len(ids)} ids for {len(rows)} rows; check --id-field")
        report["retrieval"] = retrieval_section(probe=retrieval, rows=rows, ids=ids, primary=primary,
                                                oos_label=oos, max_k=options.max_k)
        images["hit_at_k"] = hit_at_k_png({f"index ({report['retrieval']['mode']})":
                                           report["retrieval"]["hit_at_k"]})
    report["baseline"] = (json_baseline(baseline_json) if baseline_json is not None
                          else trained_baseline(rows, scored, model, options))
    report["seconds"] = round(time.perf_counter() - started, 2)
    atomic_write_json(out_dir / "report.json", report, indent=2)
    atomic_write_text(out_dir / "report.html", render_html(report, {k: data_uri(v) for k, v in images.items()}))
    logger.info("report written", extra={"path": str(out_dir), "seconds": report["seconds"]})
    return report
