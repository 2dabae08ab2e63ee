"""The index manifest (what built it, from what, how) and reading the index's JSONL files."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from models.atomic import atomic_write_json
from models.embedding.base import Embedder
from models.errors import ArtifactError, ArtifactMismatchError

MANIFEST_NAME = "manifest.json"
FORMAT_VERSION = 1


@dataclass(frozen=True, slots=True)
class IndexSpec:
    """A FAISS index type and its parameters (`m`, `ef_construction`, `ef_search` / `nlist`, `nprobe`)."""

    kind: str  # "flat" | "hnsw" | "ivf"
    params: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "params": dict(self.params)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> IndexSpec:
        return cls(
            kind=str(data["kind"]), params={k: int(v) for k, v in dict(data.get("params", {})).items()}
        )


@dataclass(slots=True)
class Manifest:
    """Everything needed to trust an index directory: embedder, counts, index types, input hash, version.

    `version` names the build; `revision` counts persisted incremental updates since the build.
    `deleted_ids` lists case ids removed on request, so a later swap or add never brings them back.
    `journal_id` / `journal_seq` name the change journal this index has applied (see `index/journal.py`): a
    fresh build has none, so a swap to it replays every journalled change of the live index.
    """

    version: str
    embedder_id: str
    dim: int
    built_at: str
    data_hash: str
    case_index: IndexSpec
    passage_index: IndexSpec
    counts: dict[str, int]
    default_mode: str
    dense_weight: float
    rrf_k: int
    options: dict[str, Any] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)
    revision: int = 0
    updated_at: str = ""
    deleted_ids: list[str] = field(default_factory=list)
    journal_id: str | None = None
    journal_seq: int = 0
    format_version: int = FORMAT_VERSION
    # the cross-lingual space (index/multilingual.py), absent in indexes built without one
    cross_lingual_embedder_id: str | None = None
    cross_lingual_dim: int = 0
    cross_lingual_case_index: IndexSpec | None = None
    cross_lingual_passage_index: IndexSpec | None = None
    cross_lingual_weight: float = 0.0  # its RRF weight in hybrid search (set with the space)
    cross_lingual_min_score: float = 0.0  # its hits below this cosine are left out of the fusion

    @property
    def full_version(self) -> str:
        """Build version plus revision, e.g. `20250101T120000Z-1a2b3c4d.r2`."""
        return f"{self.version}.r{self.revision}"

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["case_index"] = self.case_index.to_dict()
        data["passage_index"] = self.passage_index.to_dict()
        for name in ("cross_lingual_case_index", "cross_lingual_passage_index"):
            spec = getattr(self, name)
            data[name] = spec.to_dict() if spec is not None else None
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Manifest:
        try:
            payload = dict(data)
            payload["case_index"] = IndexSpec.from_dict(payload["case_index"])
            payload["passage_index"] = IndexSpec.from_dict(payload["passage_index"])
            for name in ("cross_lingual_case_index", "cross_lingual_passage_index"):
                if payload.get(name) is not None:
                    payload[name] = IndexSpec.from_dict(payload[name])
            return cls(**payload)
        except (KeyError, TypeError, ValueError) as exc:
            raise ArtifactError(f"index manifest is incomplete or malformed: {exc}") from exc

    def check_embedder(self, embedder: Embedder, *, where: str = "the index") -> None:
        """Refuse an embedder other than the one the index was built with (id or dimension)."""
        if self.embedder_id != embedder.model_id or self.dim != embedder.dim:
            raise ArtifactMismatchError(
                f"{where} was built with embedder {self.embedder_id!r} (dim {self.dim}) but the configured "
                f"embedder is {embedder.model_id!r} (dim {embedder.dim}); rebuild the index with this "
                "embedder or configure the one it was built with"
            )


def read_manifest(directory: Path) -> Manifest:
    """The manifest of an index directory; ArtifactError when missing, unreadable or of another format."""
    path = directory / MANIFEST_NAME
    if not path.is_file():
        raise ArtifactError(f"no index at {directory}: {MANIFEST_NAME} is missing")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ArtifactError(f"cannot read {path}: {exc}") from exc
    if not isinstance(data, dict):
        raise ArtifactError(f"{path} is not a JSON object")
    files = data.get("files", {})
    if not isinstance(files, dict) or not all(_plain_name(name) for name in files.values()):
        raise ArtifactError(f"{path} names index files outside its directory")
    if data.get("format_version") != FORMAT_VERSION:
        raise ArtifactError(
            f"{path} has format version {data.get('format_version')!r}; this Deskmate reads {FORMAT_VERSION}"
        )
    return Manifest.from_dict(data)


def _plain_name(name: object) -> bool:
    """A bare file name: no directory part, not hidden, nothing that could leave the index directory."""
    if not isinstance(name, str) or not name or "\x00" in name:
        return False
    return Path(name).name == name and not name.startswith(".")


def write_manifest(directory: Path, manifest: Manifest) -> None:
    """Atomically replace the manifest; this is the commit point of every save."""
    atomic_write_json(directory / MANIFEST_NAME, manifest.to_dict(), indent=2, sort_keys=True)


def utc_now() -> datetime:
    return datetime.now(tz=UTC)


def make_version(built_at: datetime, data_hash: str) -> str:
    return f"{built_at.strftime('%Y%m%dT%H%M%SZ')}-{data_hash[:8]}"


def hash_inputs(paths: Iterable[Path | None], options: dict[str, Any]) -> str:
    """SHA-256 over the input files' bytes and the build options that change the result."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(b"\x00file\x00")
        if path is None:
            continue
        digest.update(path.name.encode())
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    digest.update(json.dumps(options, sort_keys=True, default=str).encode())
    return digest.hexdigest()


def hash_records(records: Iterable[dict[str, Any]], options: dict[str, Any]) -> str:
    """SHA-256 over in-memory documents (builds that do not start from files)."""
    digest = hashlib.sha256()
    for record in records:
        digest.update(json.dumps(record, sort_keys=True, default=str).encode())
        digest.update(b"\n")
    digest.update(json.dumps(options, sort_keys=True, default=str).encode())
    return digest.hexdigest()


def read_jsonl(path: Path) -> list[Any]:
    if not path.is_file():
        raise ArtifactError(f"index file missing: {path}")
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]
