"""A learned query adapter: retrieval that learns the desk from its own resolved cases.

Resolved cases are (ticket, reply, topic). The adapter is a linear map `W` (d x d) on frozen query embeddings,
fitted by ridge regression towards the identity on pairs (ticket -> centroid of the OTHER tickets of its topic,
i.e. of the same resolution class): `W = argmin |X W - Y|^2 + lam |W - I|^2`. A query is then searched with
`normalize((1 - alpha) q + alpha normalize(q W))` against the unchanged case vectors, so the index needs no
rebuild and lexical ranking is untouched. `lam` and `alpha` are chosen on a seeded validation split of the cases;
the adapter is activated only when hit@1 and hit@5 on a held-out gate set do not drop against what is active now
(the registry's frozen evaluation set when one exists, else a seeded held-out split whose ids are stored in the
adapter's manifest and reused by the next refit).

Artifact: `<index dir>/adapter/` = `manifest.json` (kind, format, embedder id and dim, alpha, ridge, gate
metrics, held-out ids, SHA-256 of the weights) + `weights.npy`. Loading checks the embedder and the hash.
numpy only; nothing is loaded at import.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import tempfile
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from models.atomic import atomic_write_json, replace_dir
from models.embedding.base import Embedder, Matrix
from models.errors import ArtifactError, ArtifactMismatchError, InvalidInputError

logger = logging.getLogger(__name__)

KIND = "linear-query-adapter"
FORMAT = 1
ADAPTER_DIRNAME = "adapter"
WEIGHTS_FILE = "weights.npy"
RIDGES = (0.03, 0.1, 0.3, 1.0, 3.0)  # ridge strength, times n_rows / dim (rows are unit vectors)
ALPHAS = (0.25, 0.5, 0.75, 1.0)  # share of the mapped query in the searched vector
KS = (1, 5)
MIN_ROWS = 20
MAX_GATE_IDS = 20_000

Ints = npt.NDArray[np.int64]


def _normalize(x: Matrix) -> Matrix:
    norms = np.linalg.norm(x, axis=-1, keepdims=True)
    return np.asarray(x / np.maximum(norms, 1e-12), dtype=np.float32)


@dataclass(frozen=True, slots=True)
class LinearAdapter:
    """`apply` maps query embeddings (one vector or rows) to the vectors to search with."""

    weights: Matrix
    alpha: float
    embedder_id: str
    manifest: dict[str, Any] = field(default_factory=dict)

    @property
    def dim(self) -> int:
        return int(self.weights.shape[0])

    def apply(self, vectors: Matrix) -> Matrix:
        q = np.asarray(vectors, dtype=np.float32)
        single = q.ndim == 1
        rows = q.reshape(1, -1) if single else q
        if rows.shape[1] != self.dim:
            raise InvalidInputError(f"the adapter maps {self.dim}-d vectors, got {rows.shape[1]}")
        mixed = (1.0 - self.alpha) * _normalize(rows) + self.alpha * _normalize(rows @ self.weights)
        out = _normalize(mixed)
        return out[0] if single else out

    def save(self, directory: Path) -> Path:
        """Write the artifact directory (staged next to it, then renamed in; the manifest is the commit)."""
        directory.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{directory.name}.writing-", dir=directory.parent))
        try:
            weights = np.ascontiguousarray(self.weights, dtype=np.float32)
            np.save(staging / WEIGHTS_FILE, weights)
            manifest = {**self.manifest, "kind": KIND, "format": FORMAT, "embedder_id": self.embedder_id,
                        "dim": self.dim, "alpha": self.alpha, "files": {"weights": WEIGHTS_FILE},
                        "weights_sha256": hashlib.sha256(weights.tobytes()).hexdigest()}
            atomic_write_json(staging / "manifest.json", manifest, indent=2)
            replace_dir(staging, directory)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        return directory

    @classmethod
    def load(cls, directory: Path, *, embedder_id: str, dim: int) -> LinearAdapter:
        """The adapter in `directory`; ArtifactMismatchError when it was fitted for another embedder."""
        try:
            manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
            if manifest.get("kind") != KIND or manifest.get("format") != FORMAT:
                raise ArtifactError(f"{directory} is not a {KIND} (format {FORMAT})")
            weights = np.load(directory / str(manifest["files"]["weights"]), allow_pickle=False)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ArtifactError(f"cannot read the retrieval adapter in {directory}: {exc}") from exc
        if manifest.get("embedder_id") != embedder_id or int(manifest.get("dim", -1)) != dim:
            raise ArtifactMismatchError(
                f"the retrieval adapter in {directory} was fitted for {manifest.get('embedder_id')} "
                f"({manifest.get('dim')}-d), the index uses {embedder_id} ({dim}-d); refit it "
                "(`deskmate fit-retrieval`)")
        weights = np.asarray(weights, dtype=np.float32)
        if weights.shape != (dim, dim) or hashlib.sha256(weights.tobytes()).hexdigest() != manifest.get(
                "weights_sha256"):
            raise ArtifactError(f"the retrieval adapter weights in {directory} do not match its manifest")
        return cls(weights=weights, alpha=float(manifest["alpha"]), embedder_id=embedder_id, manifest=manifest)


def fit_linear_map(x: Matrix, y: Matrix, ridge: float) -> Matrix:
    """Ridge regression towards the identity: argmin |x W - y|^2 + ridge |W - I|^2."""
    return _solve(_moments(x, y), ridge)


Moments = tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], npt.NDArray[np.float64]]


def _moments(x: Matrix, y: Matrix) -> Moments:
    """Eigen-decomposition of x'x and x'(y - x): one decomposition serves every ridge."""
    xt = np.ascontiguousarray(x.T, dtype=np.float32)
    values, vectors = np.linalg.eigh((xt @ x).astype(np.float64))
    return values, vectors, vectors.T @ (xt @ (y.astype(np.float32) - x)).astype(np.float64)


def _solve(moments: Moments, ridge: float) -> Matrix:
    """W = I + (x'x + ridge I)^-1 x'(y - x), the same minimizer written around the identity."""
    values, vectors, projected = moments
    delta = vectors @ (projected / (values + ridge)[:, None])
    return np.asarray(np.eye(len(values)) + delta, dtype=np.float32)


def _codes(topics: Sequence[str | None]) -> Ints:
    """Topic codes, -1 for no topic (such a row is never a hit and has no target)."""
    table: dict[str, int] = {}
    return np.asarray([-1 if not t else table.setdefault(t, len(table)) for t in topics], dtype=np.int64)


def centroid_targets(vectors: Matrix, codes: Ints) -> tuple[Ints, Matrix]:
    """Rows that have a same-topic partner, and as target each one's leave-one-out topic centroid (normalized)."""
    valid = codes >= 0
    n_groups = int(codes.max()) + 1 if valid.any() else 0
    sums = np.zeros((n_groups, vectors.shape[1]), dtype=np.float64)
    np.add.at(sums, codes[valid], vectors[valid])
    counts = np.bincount(codes[valid], minlength=n_groups)
    rows = np.flatnonzero(valid & (counts[np.where(valid, codes, 0)] > 1)).astype(np.int64)
    targets = (sums[codes[rows]] - vectors[rows]) / (counts[codes[rows]] - 1)[:, None]
    return rows, _normalize(targets.astype(np.float32))


def hit_rates(queries: Matrix, query_codes: Ints, bank: Matrix, bank_codes: Ints, *,
              own_rows: Ints | None = None, ks: Sequence[int] = KS, chunk: int = 512) -> dict[str, float]:
    """hit@k of exact inner-product search: a hit is a bank row of the query's topic among the top k;
    `own_rows[i]` (>= 0) is query i's own bank row, left out of its results."""
    depth = max(ks)
    first: list[int] = []
    for start in range(0, len(queries), chunk):
        scores = queries[start:start + chunk] @ bank.T
        if own_rows is not None:
            own = own_rows[start:start + chunk]
            mine = np.flatnonzero(own >= 0)
            scores[mine, own[mine]] = -np.inf
        top = np.argpartition(-scores, min(depth, bank.shape[0] - 1), axis=1)[:, :depth]
        order = np.take_along_axis(top, np.argsort(-np.take_along_axis(scores, top, axis=1), axis=1), axis=1)
        same = bank_codes[order] == query_codes[start:start + chunk, None]
        same &= query_codes[start:start + chunk, None] >= 0
        first += [int(np.argmax(r)) + 1 if r.any() else depth + 1 for r in same]
    ranks = np.asarray(first)
    n = max(1, len(ranks))
    return {f"hit@{k}": float((ranks <= k).sum() / n) for k in ks}


@dataclass(frozen=True, slots=True)
class GateSet:
    """Held-out queries for the gate: their embeddings, topics and ids (a case of the same id is left out)."""

    vectors: Matrix
    topics: Sequence[str | None]
    ids: Sequence[str]
    source: str  # "frozen" (the registry's evaluation set) or "split"


@dataclass(slots=True)
class AdapterFit:
    """A fitted candidate and its gate: `activate` is False (with `reason`) when it would make retrieval worse."""

    candidate: LinearAdapter
    validation: dict[str, dict[str, float]]
    gate: dict[str, dict[str, float]]  # "none" / "active" / "candidate" -> hit@k on the gate set
    gate_source: str
    gate_rows: int
    activate: bool
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {"alpha": self.candidate.alpha, "ridge": self.candidate.manifest.get("ridge"),
                "validation_best": self.validation.get("best", {}), "gate": self.gate,
                "gate_source": self.gate_source, "gate_rows": self.gate_rows, "activate": self.activate,
                "reason": self.reason}


def _seeded_split(n: int, share: float, seed: int, exclude: npt.NDArray[np.bool_]) -> tuple[Ints, Ints]:
    rng = np.random.default_rng(seed)
    pool = rng.permutation(np.flatnonzero(~exclude)).astype(np.int64)
    cut = max(1, round(len(pool) * share))
    return np.sort(pool[cut:]), np.sort(pool[:cut])


def fit_adapter(*, vectors: Matrix, topics: Sequence[str | None], ids: Sequence[str], embedder_id: str,
                gate: GateSet | None = None, gate_ids: Sequence[str] | None = None, active: LinearAdapter | None = None,
                validation: GateSet | None = None, seed: int = 13, holdout: float = 0.1,
                validation_share: float = 0.1, tolerance: float = 0.0, ridges: Sequence[float] = RIDGES,
                alphas: Sequence[float] = ALPHAS) -> AdapterFit:
    """Fit the query adapter on the cases (`vectors`: their normalized embeddings) and gate it.

    Gate set: `gate` when given (the frozen evaluation set), else the cases whose ids are in `gate_ids` (the
    earlier adapter's held-out split), else a seeded `holdout` share of the cases; gate cases are never fitted
    on. Tuning: on `validation` when given, else on a seeded `validation_share` of the remaining cases. The
    candidate is refitted on every non-gate case with the chosen ridge and alpha. It is to be activated only when
    its gate hit@1 and hit@5 are each at least those of the active adapter (or of no adapter) minus `tolerance`.
    """
    x = _normalize(np.asarray(vectors, dtype=np.float32))
    if x.ndim != 2 or len(x) != len(topics) or len(x) != len(ids):
        raise InvalidInputError("one vector, topic and id per case is needed")
    codes = _codes(topics)
    labelled = int((codes >= 0).sum())
    if labelled < MIN_ROWS or len(set(codes[codes >= 0].tolist())) < 2:
        raise InvalidInputError(f"the retrieval adapter needs at least {MIN_ROWS} cases with a topic over 2+ topics "
                                f"(got {labelled} labelled cases); add a topic column to the cases")
    topic_code = {t: int(c) for t, c in zip(topics, codes.tolist(), strict=True) if t}
    id_row = {case_id: i for i, case_id in enumerate(ids)}
    unlabelled = codes < 0
    if gate is None:
        held = np.zeros(len(x), dtype=bool)
        if gate_ids:
            held[[id_row[i] for i in gate_ids if i in id_row]] = True
            held &= ~unlabelled
        if held.sum() < 2:
            _, split = _seeded_split(len(x), holdout, seed, unlabelled)
            held[:] = False
            held[split] = True
        picked = np.flatnonzero(held).tolist()
        gate = GateSet(vectors=x[picked], topics=[topics[i] for i in picked], ids=[ids[i] for i in picked],
                       source="split")
    else:
        held = np.zeros(len(x), dtype=bool)
    gate_codes = np.asarray([topic_code.get(t or "", -1) for t in gate.topics], dtype=np.int64)
    gate_own = np.asarray([id_row.get(i, -1) for i in gate.ids], dtype=np.int64)

    fit_pool = ~held
    if validation is None:
        _, val_rows = _seeded_split(len(x), validation_share, seed + 1, held | unlabelled)
        val_q, val_codes, val_own = x[val_rows], codes[val_rows], val_rows
        fit_mask = fit_pool.copy()
        fit_mask[val_rows] = False
    else:
        val_q = _normalize(np.asarray(validation.vectors, dtype=np.float32))
        val_codes = np.asarray([topic_code.get(t or "", -1) for t in validation.topics], dtype=np.int64)
        val_own = np.asarray([id_row.get(i, -1) for i in validation.ids], dtype=np.int64)
        fit_mask = fit_pool
    fit_idx = np.flatnonzero(fit_mask)
    scale = len(fit_idx) / x.shape[1]
    sweep: dict[str, dict[str, float]] = {"none": hit_rates(val_q, val_codes, x, codes, own_rows=val_own)}
    best: tuple[tuple[float, float], float, float] | None = None
    rows, targets = centroid_targets(x[fit_idx], codes[fit_idx])
    moments = _moments(x[fit_idx][rows], targets)
    for ridge in ridges:
        weights = _solve(moments, ridge * scale)
        for alpha in alphas:
            mapped = LinearAdapter(weights=weights, alpha=alpha, embedder_id=embedder_id).apply(val_q)
            metrics = hit_rates(mapped, val_codes, x, codes, own_rows=val_own)
            sweep[f"ridge={ridge:g} alpha={alpha:g}"] = metrics
            key = (metrics["hit@1"], metrics["hit@5"])
            if best is None or key > best[0]:
                best = (key, ridge, alpha)
    assert best is not None
    _, ridge, alpha = best
    sweep["best"] = {"ridge": ridge, "alpha": alpha, **sweep[f"ridge={ridge:g} alpha={alpha:g}"]}
    final_idx = np.flatnonzero(fit_pool)
    rows, targets = centroid_targets(x[final_idx], codes[final_idx])
    weights = fit_linear_map(x[final_idx][rows], targets, ridge * len(final_idx) / x.shape[1])

    gate_q = _normalize(np.asarray(gate.vectors, dtype=np.float32))
    results = {"none": hit_rates(gate_q, gate_codes, x, codes, own_rows=gate_own)}
    reference = "none"
    if active is not None and active.dim == x.shape[1]:
        results["active"] = hit_rates(active.apply(gate_q), gate_codes, x, codes, own_rows=gate_own)
        reference = "active"
    manifest: dict[str, Any] = {
        "ridge": ridge, "fitted_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), "seed": seed,
        "fit_rows": int(len(rows)), "topics": len(topic_code), "gate_source": gate.source,
        "gate_rows": len(gate.ids), "validation": sweep["best"],
        "heldout_ids": list(gate.ids)[:MAX_GATE_IDS] if gate.source == "split" else [],
    }
    candidate = LinearAdapter(weights=weights, alpha=alpha, embedder_id=embedder_id, manifest=manifest)
    results["candidate"] = hit_rates(candidate.apply(gate_q), gate_codes, x, codes, own_rows=gate_own)
    manifest["gate"] = results
    drops = [f"{k} {results[reference][k]:.4f} -> {results['candidate'][k]:.4f}" for k in results["candidate"]
             if results["candidate"][k] < results[reference][k] - tolerance]
    what = "the active adapter" if reference == "active" else "no adapter"
    if drops:
        reason = f"not activated: on the {gate.source} gate set ({len(gate.ids)} queries) against {what}, " + \
            ", ".join(drops)
    else:
        reason = (f"activated: on the {gate.source} gate set ({len(gate.ids)} queries) hit@1 "
                  f"{results[reference]['hit@1']:.4f} -> {results['candidate']['hit@1']:.4f}, hit@5 "
                  f"{results[reference]['hit@5']:.4f} -> {results['candidate']['hit@5']:.4f} (against {what})")
    return AdapterFit(candidate=candidate, validation=sweep, gate=results, gate_source=gate.source,
                      gate_rows=len(gate.ids), activate=not drops, reason=reason)


def adapter_dir(index_dir: Path) -> Path:
    return index_dir / ADAPTER_DIRNAME


class AdapterSlot:
    """The adapter of each index directory the service searches, read once per index build and adapter manifest
    (one stat per search; thread-safe). A missing adapter means none; an unreadable or mismatched one is logged
    once and not used."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._cache: dict[tuple[str, str, int], LinearAdapter | None] = {}

    def get(self, index_dir: Path | None, *, version: str, embedder: Embedder) -> LinearAdapter | None:
        if index_dir is None:
            return None
        where = adapter_dir(index_dir)
        try:  # a refit (a new manifest) is picked up by the next search
            stamp = (where / "manifest.json").stat().st_mtime_ns
        except OSError:
            stamp = 0
        key = (str(index_dir), version.split(".r")[0], stamp)
        with self._lock:
            if key in self._cache:
                return self._cache[key]
            adapter: LinearAdapter | None = None
            if stamp:
                try:
                    adapter = LinearAdapter.load(where, embedder_id=embedder.model_id, dim=embedder.dim)
                    logger.info("retrieval adapter loaded", extra={"path": str(where), "alpha": adapter.alpha})
                except (ArtifactError, ArtifactMismatchError) as exc:
                    logger.warning("retrieval adapter not used", extra={"path": str(where), "reason": str(exc)})
            self._cache[key] = adapter
            return adapter


def fit_index_adapter(*, index_dir: Path, embedder: Embedder, eval_rows: Sequence[Mapping[str, Any]] | None = None,
                      seed: int = 13, tolerance: float = 0.0, dry_run: bool = False) -> AdapterFit:
    """Fit the adapter on the live cases of the index in `index_dir` and, when the gate passes (and not
    `dry_run`), write it to `<index_dir>/adapter/`. Gate: `eval_rows` (the registry's frozen evaluation set:
    id, subject, body, topic) when given, else the held-out ids of the adapter there now, else a seeded split."""
    from index.search_index import SearchIndex
    from models.text import ticket_text

    index = SearchIndex.load(index_dir, embedder=embedder)
    cases = index.cases_where(lambda case: bool(case.text))
    if not cases:
        raise InvalidInputError(f"the index in {index_dir} holds no cases to fit the retrieval adapter on")
    vectors = embedder.encode([c.text for c in cases])
    where = adapter_dir(index_dir)
    active: LinearAdapter | None = None
    if (where / "manifest.json").is_file():
        try:
            active = LinearAdapter.load(where, embedder_id=embedder.model_id, dim=embedder.dim)
        except ArtifactError as exc:
            logger.warning("the current retrieval adapter is unusable; comparing against none",
                           extra={"reason": str(exc)})
    gate: GateSet | None = None
    if eval_rows:
        texts = [ticket_text(str(r.get("subject") or ""), str(r.get("body") or "")) for r in eval_rows]
        keep = [i for i, t in enumerate(texts) if t and eval_rows[i].get("topic")]
        if keep:
            gate = GateSet(vectors=embedder.encode([texts[i] for i in keep]),
                           topics=[str(eval_rows[i]["topic"]) for i in keep],
                           ids=[str(eval_rows[i].get("id") or "") for i in keep], source="frozen")
    previous_ids = list(active.manifest.get("heldout_ids", [])) if active is not None else None
    fit = fit_adapter(vectors=vectors, topics=[c.topic for c in cases], ids=[c.id for c in cases],
                      embedder_id=embedder.model_id, gate=gate, gate_ids=previous_ids, active=active, seed=seed,
                      tolerance=tolerance)
    fit.candidate.manifest["index_version"] = index.version
    if fit.activate and not dry_run:
        fit.candidate.save(where)
    return fit
