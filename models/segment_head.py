"""The segment head: how much one sentence or clause of a ticket, alone, speaks for each topic.

The routing heads are fitted on whole tickets. On a lone sentence they are often sure of something: "Let me know
what you need from me." reads as a deletion request at 0.97, a signature line as onboarding at 0.98. A further issue
found in such a sentence splits a single-issue ticket. The segment head is a multinomial logistic regression over
the primary embedding, fitted on the segments of the training tickets (`models.drafting.issues.issue_segments`),
each labelled with its ticket's topic: weak labels, but greetings, background and courtesy occur under every topic,
so the head learns to give them no topic, while a sentence that names a problem gets its topic. A further issue
counts only where the segment head gives its topic at least `MIN_SEGMENT_SUPPORT`
(`models.drafting.issues.with_support`; tuned in bench/multi_issue.py).

Stored in a routing model's directory as `segment_head.npz`, with its SHA-256, labels and shape in the manifest
(`segment_head`); loading checks them. Models without one keep the earlier rule (`LEGACY_ISSUE_RULE`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from models.embedding.base import Matrix
from models.errors import ArtifactError

SEGMENT_HEAD_FILE = "segment_head.npz"
SEGMENT_HEAD_C = 10.0  # inverse regularisation; 10-100 gave the same dev recall in bench/multi_issue.py, 1 less

FloatArray = npt.NDArray[np.float64]


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@dataclass(frozen=True, slots=True)
class SegmentHead:
    """Topic probabilities of lone segments from their primary embedding (rows of `probabilities` follow `labels`)."""

    labels: tuple[str, ...]
    coef: npt.NDArray[np.float32]  # (classes, dim)
    intercept: npt.NDArray[np.float32]  # (classes,)
    c: float
    segments: int  # how many segments it was fitted on

    @property
    def dim(self) -> int:
        return int(self.coef.shape[1])

    @classmethod
    def fit(cls, vectors: Matrix, labels: Sequence[str], *, c: float = SEGMENT_HEAD_C) -> SegmentHead:
        """Fit on segment vectors and their tickets' topics (at least two topics)."""
        from sklearn.linear_model import LogisticRegression  # a build step: not imported when serving

        if len(set(labels)) < 2:
            raise ValueError("a segment head needs segments of at least two topics")
        if len(labels) != vectors.shape[0]:
            raise ValueError(f"{vectors.shape[0]} segment vectors but {len(labels)} labels")
        model = LogisticRegression(C=c, max_iter=3000).fit(np.asarray(vectors, dtype=np.float64), list(labels))
        coef, intercept = model.coef_, model.intercept_
        if len(model.classes_) == 2:  # one logit for two classes: as two, the first fixed at 0 (the same softmax)
            coef = np.vstack([np.zeros_like(coef), coef])
            intercept = np.array([0.0, intercept[0]])
        return cls(labels=tuple(str(x) for x in model.classes_), coef=np.ascontiguousarray(coef, dtype=np.float32),
                   intercept=np.asarray(intercept, dtype=np.float32), c=float(c), segments=len(labels))

    def probabilities(self, vectors: Matrix) -> FloatArray:
        """(rows, classes) softmax probabilities."""
        if vectors.ndim != 2 or vectors.shape[1] != self.dim:
            raise ValueError(f"the segment head takes {self.dim}-d vectors, got shape {vectors.shape}")
        logits = np.asarray(vectors @ self.coef.T + self.intercept, dtype=np.float64)
        logits -= logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        out: FloatArray = exp / exp.sum(axis=1, keepdims=True)
        return out

    def support(self, vectors: Matrix) -> list[dict[str, float]]:
        """Each row's probability per topic."""
        return [dict(zip(self.labels, (float(p) for p in row), strict=True)) for row in self.probabilities(vectors)]

    # -- persistence ---------------------------------------------------------------------------------------------
    def save(self, directory: Path) -> dict[str, Any]:
        """Write `segment_head.npz` into `directory`; returns the manifest entry."""
        path = directory / SEGMENT_HEAD_FILE
        with path.open("wb") as handle:
            np.savez(handle, coef=self.coef, intercept=self.intercept)
        return {"file": SEGMENT_HEAD_FILE, "sha256": _sha256(path), "labels": list(self.labels), "dim": self.dim,
                "c": self.c, "segments": self.segments}

    @classmethod
    def load(cls, directory: Path, entry: dict[str, Any], *, dim: int) -> SegmentHead:
        """Read and check the head a manifest entry describes (its file's SHA-256, labels and shape, and the
        model's embedding width `dim`)."""
        path = directory / str(entry.get("file", SEGMENT_HEAD_FILE))
        if not path.is_file():
            raise ArtifactError(f"model directory {directory}: the manifest names a segment head but {path.name} "
                                "is missing")
        if _sha256(path) != entry.get("sha256"):
            raise ArtifactError(f"model directory {directory}: {path.name} does not match its SHA-256 in the manifest")
        try:
            with np.load(path, allow_pickle=False) as data:
                coef = np.ascontiguousarray(data["coef"], dtype=np.float32)
                intercept = np.asarray(data["intercept"], dtype=np.float32)
        except (OSError, KeyError, ValueError) as exc:
            raise ArtifactError(f"model directory {directory}: {path.name} is unreadable: {exc}") from exc
        labels = tuple(str(x) for x in entry.get("labels", []))
        if coef.shape != (len(labels), dim) or intercept.shape != (len(labels),):
            raise ArtifactError(f"model directory {directory}: {path.name} holds a {coef.shape} head for "
                                f"{len(labels)} labels and {dim}-d embeddings")
        return cls(labels=labels, coef=coef, intercept=intercept, c=float(entry.get("c", SEGMENT_HEAD_C)),
                   segments=int(entry.get("segments", 0)))
