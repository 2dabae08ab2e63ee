"""A trained routing model: topic head + abstain rule + optional urgency head, saved as a directory.

Layout of a model directory::

    manifest.json      format, version, labels, embedder id/dim, head configs, metrics, data hash, command
    topic.joblib       topic head (vectorizer + linear model + temperature)
    urgency.joblib     urgency head, when the training data had urgency labels
    segment_head.npz   topic support of lone segments (models/segment_head.py), its SHA-256 in the manifest
    MODEL_CARD.md      what it was trained on and how well it did
"""

from __future__ import annotations

import json
import logging
import shutil
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import numpy.typing as npt

from models.atomic import replace_dir
from models.classifier import (
    AbstainRule,
    ClassifierHead,
    FloatArray,
    HeadOutput,
    LabelScore,
    Reason,
    TextFeatures,
    knn_partial,
    knn_similarity,
    knn_similarity_joined,
)
from models.embedding.base import Embedder, Matrix, normalize
from models.embedding.gated import LanguageGatedEmbedder
from models.embedding.use import UseEmbedder
from models.errors import ArtifactError, ArtifactMismatchError
from models.fairness import LanguageAbstain
from models.segment_head import SegmentHead

logger = logging.getLogger(__name__)

MODEL_FORMAT = "deskmate-routing-model"
MODEL_FORMAT_VERSION = 1


def package_versions(*names: str) -> dict[str, str]:
    out = {}
    for name in ("deskmate", "numpy", "scikit-learn", *names):
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return out


def make_aux_embedder(model_id: str) -> Embedder:
    """The auxiliary embedder of a manifest id: multilingual USE, optionally gated by language (`...+skip-en`)."""
    gated = LanguageGatedEmbedder.parse_id(model_id)
    if gated is not None:
        return LanguageGatedEmbedder(make_aux_embedder(gated[0]), gated[1])
    if model_id == UseEmbedder.MODEL_ID:
        return UseEmbedder()
    raise ArtifactError(f"unknown auxiliary embedder {model_id!r}")


@dataclass(slots=True)
class HeadPrediction:
    label: str
    confidence: float
    alternatives: list[LabelScore]


@dataclass(slots=True)
class RoutingPrediction:
    topic: HeadPrediction
    abstain_reason: Reason | None
    urgency: HeadPrediction | None


@dataclass(frozen=True, slots=True)
class TextSide:
    """What a routing model computes from the texts alone, without the primary embedding: each auxiliary
    embedder's vectors and the TF-IDF block. Computed apart (`RoutingModel.text_side`), it can run beside the
    primary encoder; `predict(..., side=...)` then gives the same answers as computing it inline."""

    aux: tuple[Matrix, ...]
    text: TextFeatures | None
    knn_aux: FloatArray | None = None  # the auxiliary columns' share of the kNN products (`knn_partial`)


@dataclass(slots=True)
class RoutingModel:
    topic: ClassifierHead
    abstain: AbstainRule
    urgency: ClassifierHead | None
    embedder_id: str
    embedder_dim: int
    aux_embedders: list[Embedder] = field(default_factory=list)
    manifest: dict[str, Any] = field(default_factory=dict)
    knn_bank: npt.NDArray[np.float32] | None = None  # normalized training features, for the knn abstain score
    abstain_by_language: LanguageAbstain | None = None  # per-language thresholds (models/fairness.py)
    segment_head: SegmentHead | None = None  # topic support of lone segments (models/segment_head.py)
    # the kNN bank's primary and auxiliary columns as two C-ordered arrays, made on first use (`text_side`)
    _knn_parts: tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]] | None = field(default=None, init=False,
                                                                                       repr=False)

    def __post_init__(self) -> None:
        self.share_text_features()

    @property
    def version(self) -> str:
        return str(self.manifest.get("version", "unsaved"))

    def share_text_features(self) -> bool:
        """Let the urgency head reuse the topic head's TF-IDF block when their fitted vectorizers are identical.

        Both heads are usually fitted on the same texts with the same settings, so one transform per request
        serves both; the outputs are bit-identical to transforming twice. Returns whether they share.
        """
        shared = self.urgency is not None and self.topic.share_vectorizer(self.urgency)
        logger.debug("tf-idf features shared between heads" if shared else "tf-idf features per head")
        return shared

    def load_aux(self) -> None:
        for aux in self.aux_embedders:
            aux.load()

    def text_side(self, texts: Sequence[str]) -> TextSide:
        """The auxiliary vectors and the TF-IDF block of `texts` (see `TextSide`)."""
        rows = list(texts)
        aux = tuple(embedder.encode(rows) for embedder in self.aux_embedders)
        parts = self.knn_parts()
        knn_aux = knn_partial(parts[1], np.hstack(aux)) if aux and parts is not None else None
        return TextSide(aux=aux, text=self.topic.text_features(rows),  # the urgency head reuses the TF-IDF block
                        knn_aux=knn_aux)

    def dense_features(self, texts: Sequence[str], primary: Matrix,
                       aux: Sequence[Matrix] | None = None) -> Matrix:
        """The primary embedding, joined with each auxiliary embedder's vectors for the same texts (`aux`: those
        vectors, already computed)."""
        if primary.shape[1] != self.embedder_dim:
            raise ArtifactMismatchError(
                f"model expects {self.embedder_dim}-d embeddings from {self.embedder_id}, got {primary.shape[1]}-d"
            )
        if not self.aux_embedders:
            return primary
        if aux is None:
            aux = [embedder.encode(list(texts)) for embedder in self.aux_embedders]
        if len(aux) != len(self.aux_embedders) or any(block.shape[0] != primary.shape[0] for block in aux):
            raise ArtifactMismatchError(f"{len(aux)} auxiliary blocks for {len(self.aux_embedders)} auxiliary "
                                        f"embedders and {primary.shape[0]} rows")
        return np.ascontiguousarray(np.hstack([primary, *aux]), dtype=np.float32)

    def predict_outputs(
        self, texts: Sequence[str], dense: npt.NDArray[np.float32], *, text_features: TextFeatures | None = None,
    ) -> tuple[HeadOutput, HeadOutput | None]:
        """The heads' outputs; `text_features`: the TF-IDF block of `text_side`, else computed here."""
        rows = list(texts)
        features = text_features if text_features is not None else self.topic.text_features(rows)
        topic = self.topic.predict(rows, dense, text_features=features)
        urgency = None
        if self.urgency is not None:
            urgency = self.urgency.predict(rows, dense, text_features=features)
        return topic, urgency

    def knn_parts(self) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]] | None:
        """The kNN bank split at the primary embedding's width (each part C-ordered: a product reads only its
        part, which measured 0.28 instead of 0.39 ms from memory); None without a bank or auxiliary columns."""
        if self.abstain.oos_score != "knn" or self.knn_bank is None or self.knn_bank.shape[1] <= self.embedder_dim:
            return None
        if self._knn_parts is None:
            self._knn_parts = (np.ascontiguousarray(self.knn_bank[:, :self.embedder_dim]),
                               np.ascontiguousarray(self.knn_bank[:, self.embedder_dim:]))
        return self._knn_parts

    def knn_scores(self, dense: npt.NDArray[np.float32], knn_aux: FloatArray | None = None) -> FloatArray | None:
        """The nearest-neighbour in-scope score of each row, when the abstain rule uses it (else None); `knn_aux`:
        the auxiliary columns' share from `text_side`, so only the primary columns are multiplied here."""
        if self.abstain.oos_score != "knn":
            return None
        if self.knn_bank is None:
            raise ArtifactError("the abstain rule uses nearest neighbours but the model has no knn_bank.npy")
        parts = self.knn_parts()
        if knn_aux is not None and parts is not None:
            return knn_similarity_joined(parts[0], dense, knn_aux)
        return knn_similarity(self.knn_bank, normalize(dense))

    def abstain_reasons(self, topic_out: HeadOutput, dense: npt.NDArray[np.float32],
                        languages: Sequence[str | None] | None = None, *,
                        knn: FloatArray | None = None) -> list[Reason | None]:
        """Abstain decisions; with `languages` (one code or None per row) each row gets its language's rule.
        `knn`: `knn_scores(dense)`, already computed."""
        if knn is None:
            knn = self.knn_scores(dense)
        if languages is not None and self.abstain_by_language is not None and self.abstain_by_language.rules:
            return self.abstain_by_language.decide(topic_out, languages, self.abstain, knn)
        return self.abstain.decide(topic_out, knn)

    def predict(self, texts: Sequence[str], primary: Matrix, *, alternatives: int = 3,
                languages: Sequence[str | None] | None = None, side: TextSide | None = None,
                ) -> list[RoutingPrediction]:
        """Route `texts` from their primary embedding; `side`: their `text_side`, already computed (the answers
        are the same)."""
        dense = self.dense_features(texts, primary, side.aux if side is not None else None)
        topic_out, urgency_out = self.predict_outputs(texts, dense,
                                                      text_features=side.text if side is not None else None)
        knn = self.knn_scores(dense, side.knn_aux if side is not None else None)
        reasons = self.abstain_reasons(topic_out, dense, languages, knn=knn)
        results = []
        for i in range(len(texts)):
            ranked = topic_out.top(i, alternatives + 1, self.topic.labels)
            topic = HeadPrediction(ranked[0].label, ranked[0].probability, ranked[1:])
            urgency = None
            if urgency_out is not None and self.urgency is not None:
                u_ranked = urgency_out.top(i, alternatives + 1, self.urgency.labels)
                urgency = HeadPrediction(u_ranked[0].label, u_ranked[0].probability, u_ranked[1:])
            results.append(RoutingPrediction(topic=topic, abstain_reason=reasons[i], urgency=urgency))
        return results

    # -- persistence ----------------------------------------------------------------------------
    def save(self, out_dir: Path, *, extra_manifest: dict[str, Any] | None = None) -> Path:
        """Write the directory atomically (a temp sibling renamed into place); returns out_dir."""
        out_dir = out_dir.resolve()
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        manifest: dict[str, Any] = {
            "format": MODEL_FORMAT,
            "format_version": MODEL_FORMAT_VERSION,
            "version": self.manifest.get("version") or time.strftime("%Y%m%d-%H%M%S", time.gmtime()),
            "created_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "embedder": {"id": self.embedder_id, "dim": self.embedder_dim},
            "aux_embedders": [{"id": a.model_id, "dim": a.dim} for a in self.aux_embedders],
            "topic": {"labels": self.topic.labels, "config": self.topic.state()["config"],
                      "temperature": self.topic.temperature, "abstain": self.abstain.to_dict(),
                      "abstain_by_language": None if self.abstain_by_language is None
                      else self.abstain_by_language.to_dict()},
            "urgency": None if self.urgency is None else {
                "labels": self.urgency.labels, "config": self.urgency.state()["config"],
                "temperature": self.urgency.temperature},
            "package_versions": package_versions("sentence-transformers", "torch"),
        }
        manifest.update(extra_manifest or {})
        tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent))
        try:
            manifest["segment_head"] = None if self.segment_head is None else self.segment_head.save(tmp)
            joblib.dump(self.topic.state(), tmp / "topic.joblib")
            if self.urgency is not None:
                joblib.dump(self.urgency.state(), tmp / "urgency.joblib")
            if self.abstain.oos_score == "knn" and self.knn_bank is not None:
                np.save(tmp / "knn_bank.npy", self.knn_bank)
            (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
            (tmp / "MODEL_CARD.md").write_text(model_card(manifest))
            replace_dir(tmp, out_dir)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        self.manifest = manifest
        return out_dir

    @classmethod
    def load(cls, model_dir: Path, *, embedder: Embedder | None = None) -> RoutingModel:
        """Load and check a model directory; refuses one built for another embedder."""
        manifest = read_manifest(model_dir)
        emb = manifest.get("embedder") or {}
        if embedder is not None and (emb.get("id") != embedder.model_id or emb.get("dim") != embedder.dim):
            raise ArtifactMismatchError(
                f"model {model_dir} was trained on embeddings of {emb.get('id')} ({emb.get('dim')}-d) but the "
                f"service embeds with {embedder.model_id} ({embedder.dim}-d); retrain or change the embedder"
            )
        try:
            topic = ClassifierHead.from_state(joblib.load(model_dir / "topic.joblib"))
            urgency = None
            if manifest.get("urgency") is not None:
                urgency = ClassifierHead.from_state(joblib.load(model_dir / "urgency.joblib"))
            bank_path = model_dir / "knn_bank.npy"
            knn_bank = np.load(bank_path) if bank_path.is_file() else None
        except (OSError, KeyError, ValueError, EOFError) as exc:
            raise ArtifactError(f"model directory {model_dir} is incomplete or corrupt: {exc}") from exc
        if topic.labels != list(manifest["topic"]["labels"]):
            raise ArtifactError(f"model directory {model_dir}: topic labels differ from the manifest")
        aux = [make_aux_embedder(a["id"]) for a in manifest.get("aux_embedders", [])]
        by_language = manifest["topic"].get("abstain_by_language")
        segment_entry = manifest.get("segment_head")
        segment_head = (None if not segment_entry
                        else SegmentHead.load(model_dir, segment_entry, dim=int(emb.get("dim", 0))))
        return cls(
            topic=topic, abstain=AbstainRule.from_dict(manifest["topic"].get("abstain", {})), urgency=urgency,
            embedder_id=str(emb.get("id")), embedder_dim=int(emb.get("dim", 0)), aux_embedders=aux,
            manifest=manifest, knn_bank=knn_bank,
            abstain_by_language=None if not by_language else LanguageAbstain.from_dict(by_language),
            segment_head=segment_head,
        )


def read_manifest(model_dir: Path) -> dict[str, Any]:
    path = model_dir / "manifest.json"
    if not path.is_file():
        raise ArtifactError(f"no trained model at {model_dir} (manifest.json missing); run `deskmate train`")
    try:
        manifest: dict[str, Any] = json.loads(path.read_text())
    except json.JSONDecodeError as exc:
        raise ArtifactError(f"{path} is not valid JSON: {exc}") from exc
    if manifest.get("format") != MODEL_FORMAT:
        raise ArtifactError(f"{model_dir} is not a Deskmate routing model (format={manifest.get('format')!r})")
    if int(manifest.get("format_version", 0)) > MODEL_FORMAT_VERSION:
        raise ArtifactError(f"{model_dir} was written by a newer Deskmate (format {manifest['format_version']})")
    return manifest


def model_card(manifest: dict[str, Any]) -> str:
    metrics = manifest.get("metrics", {})
    lines = [
        f"# Deskmate routing model {manifest.get('version')}",
        "",
        f"- Created: {manifest.get('created_at')}",
        f"- Embedder: {manifest['embedder']['id']} ({manifest['embedder']['dim']}-d)"
        + "".join(f" + {a['id']}" for a in manifest.get("aux_embedders", [])),
        f"- Topics ({len(manifest['topic']['labels'])}): {', '.join(manifest['topic']['labels'])}",
    ]
    if manifest.get("urgency"):
        lines.append(f"- Urgency levels: {', '.join(manifest['urgency']['labels'])}")
    data = manifest.get("data", {})
    if data:
        lines.append(f"- Data: {data.get('path')} ({data.get('rows')} rows, sha256 {str(data.get('sha256'))[:12]})")
    if manifest.get("command"):
        lines.append(f"- Command: `{manifest['command']}`")
    lines += ["", "## Metrics", "", "```json", json.dumps(metrics, indent=2, sort_keys=True)[:4000], "```", ""]
    lines += ["Routing decisions are suggestions for a human help desk; review abstentions (needs_human_triage).",
              ""]
    return "\n".join(lines)
