"""Model registry: versioned routing-model directories, an atomic active pointer, promotion and rollback.

Layout of a registry root (by default ``<data_dir>/models``)::

    versions/<version>/   model directories (manifest.json, heads, MODEL_CARD.md, retrain reports)
    eval-set/             the frozen evaluation set of this model line (rows.jsonl + manifest.json), see below
    active.json           {"active": version, "history": [earlier active versions, oldest first], "events": [...]}
    current/              the pre-registry layout (``deskmate demo``, ``deskmate train --out``)

`active.json` is replaced atomically and durably (`models.atomic`: temp file, fsync, ``os.replace``), so a
reader (the service's hot reload) never sees half a pointer. Without it the active model is ``current/`` when
that exists; the first promotion adopts ``current/`` as a version so that a rollback can return to it. Writers
(promote, rollback, register, prune) are serialized with an exclusive ``flock`` on ``.registry.lock``.

The frozen evaluation set is the gate's fixed yardstick: labelled rows carved once (stratified, seeded) that no
model version may train on (`models.retraining` excludes them by ticket id and by text), replaced only by an
explicit refresh. Its manifest records the rows' SHA-256, per-topic counts, when and from what it was carved; a
model trained without it records that hash as ``manifest["eval_set"]["sha256"]``.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import logging
import re
import shutil
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from models.atomic import atomic_write_json, replace_dir
from models.errors import ArtifactError
from models.routing_heads import model_card, read_manifest

logger = logging.getLogger(__name__)

REGISTRY_FORMAT = "deskmate-model-registry"
REGISTRY_FORMAT_VERSION = 1
POINTER_FILE = "active.json"
LEGACY_DIR = "current"
VERSIONS_DIR = "versions"
DEFAULT_KEEP = 5  # versions kept besides the active one (the rollback target is always kept)
MAX_EVENTS = 200
EVAL_SET_DIR = "eval-set"
EVAL_SET_FORMAT = "deskmate-eval-set"
EVAL_SET_ROWS = "rows.jsonl"
_VERSION_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")


class RegistryError(ArtifactError):
    """A registry operation that cannot be done (unknown version, nothing to roll back to, bad pointer)."""

    code = "registry_error"


@dataclass(frozen=True, slots=True)
class ModelVersion:
    """One registered model directory, as listed by `ModelRegistry.versions()`."""

    version: str
    path: Path
    created_at: str | None
    registered_at: str | None
    active: bool
    rollback_target: bool
    data_rows: int | None
    metrics: dict[str, float]  # headline validation metrics from the manifest


@dataclass(frozen=True, slots=True)
class EvalSet:
    """The frozen evaluation set of a registry: its rows (id, subject, body, topic, urgency) and manifest."""

    path: Path
    manifest: dict[str, Any]
    rows: list[dict[str, Any]]

    @property
    def sha256(self) -> str:
        return str(self.manifest["sha256"])


def _rows_bytes(rows: list[dict[str, Any]]) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in rows).encode("utf-8")


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def check_version_name(version: str) -> str:
    if not _VERSION_RE.match(version) or version in {".", ".."}:
        raise RegistryError(f"invalid model version name {version!r} (letters, digits, '.', '_', '-')")
    return version


def _headline_metrics(manifest: dict[str, Any]) -> dict[str, float]:
    validation = manifest.get("metrics", {}).get("validation", {})
    out: dict[str, float] = {}
    for head in ("topic", "urgency"):
        values = validation.get(head) or {}
        for key in ("accuracy", "macro_f1"):
            if isinstance(values.get(key), int | float):
                out[f"{head}_{key}"] = float(values[key])
    return out


class ModelRegistry:
    """Versioned routing models under `root`, with an active pointer and a rollback history."""

    def __init__(self, root: Path, *, keep: int = DEFAULT_KEEP) -> None:
        if keep < 1:
            raise RegistryError("keep must be at least 1")
        self.root = root
        self.keep = keep

    @property
    def pointer_path(self) -> Path:
        return self.root / POINTER_FILE

    @property
    def versions_dir(self) -> Path:
        return self.root / VERSIONS_DIR

    @property
    def legacy_dir(self) -> Path:
        return self.root / LEGACY_DIR

    def version_dir(self, version: str) -> Path:
        return self.versions_dir / check_version_name(version)

    # -- reading ---------------------------------------------------------------------------------
    def read_pointer(self) -> dict[str, Any] | None:
        """The parsed `active.json`, or None when the registry has never promoted anything."""
        try:
            raw = self.pointer_path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise RegistryError(f"cannot read {self.pointer_path}: {exc}") from exc
        try:
            pointer = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise RegistryError(f"{self.pointer_path} is not valid JSON: {exc}") from exc
        if not isinstance(pointer, dict) or pointer.get("format") != REGISTRY_FORMAT:
            raise RegistryError(f"{self.pointer_path} is not a Deskmate registry pointer")
        if not isinstance(pointer.get("active"), str) or not isinstance(pointer.get("history"), list):
            raise RegistryError(f"{self.pointer_path} lacks an active version or a history list")
        return pointer

    def active_version(self) -> str | None:
        """The promoted version, or None when no `active.json` exists (legacy `current/` or nothing)."""
        pointer = self.read_pointer()
        return None if pointer is None else str(pointer["active"])

    def active_dir(self) -> Path | None:
        """Directory of the active model: the pointer's version, else legacy `current/`, else None."""
        version = self.active_version()
        if version is not None:
            path = self.version_dir(version)
            if not path.is_dir():
                raise RegistryError(f"active model version {version} has no directory {path}")
            return path
        return self.legacy_dir if self.legacy_dir.is_dir() else None

    def rollback_target(self) -> str | None:
        pointer = self.read_pointer()
        if pointer is None:
            return None
        for version in reversed(pointer["history"]):
            if self.version_dir(str(version)).is_dir():
                return str(version)
        return None

    def versions(self) -> list[ModelVersion]:
        """Registered versions, newest registration first, with their headline validation metrics."""
        if not self.versions_dir.is_dir():
            return []
        active, target = self.active_version(), self.rollback_target()
        found: list[ModelVersion] = []
        for path in self.versions_dir.iterdir():
            if not path.is_dir() or path.name.startswith(".") or not _VERSION_RE.match(path.name):
                continue
            try:
                manifest = read_manifest(path)
            except ArtifactError as exc:
                logger.warning("skipping unreadable model version", extra={"path": str(path), "error": str(exc)})
                continue
            data = manifest.get("data") or {}
            found.append(ModelVersion(
                version=path.name, path=path, created_at=manifest.get("created_at"),
                registered_at=(manifest.get("registry") or {}).get("registered_at"),
                active=path.name == active, rollback_target=path.name == target,
                data_rows=data.get("rows") if isinstance(data.get("rows"), int) else None,
                metrics=_headline_metrics(manifest)))
        found.sort(key=lambda v: (v.registered_at or v.created_at or "", v.version), reverse=True)
        return found

    @property
    def eval_set_dir(self) -> Path:
        return self.root / EVAL_SET_DIR

    def eval_set(self) -> EvalSet | None:
        """The frozen evaluation set, or None before one was carved. A set whose rows no longer match the
        manifest's hash is refused (edited by hand: refresh it instead)."""
        manifest_path = self.eval_set_dir / "manifest.json"
        if not manifest_path.is_file():
            return None
        try:
            manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
            raw = (self.eval_set_dir / EVAL_SET_ROWS).read_bytes()
        except (OSError, json.JSONDecodeError) as exc:
            raise RegistryError(f"cannot read the frozen evaluation set in {self.eval_set_dir}: {exc}") from exc
        if not isinstance(manifest, dict) or manifest.get("format") != EVAL_SET_FORMAT:
            raise RegistryError(f"{manifest_path} is not a Deskmate evaluation-set manifest")
        if hashlib.sha256(raw).hexdigest() != manifest.get("sha256"):
            raise RegistryError(f"the frozen evaluation set in {self.eval_set_dir} does not match its manifest's "
                                "hash (edited by hand?); run `deskmate eval-set refresh` to carve a new one")
        rows = [json.loads(line) for line in raw.decode("utf-8").splitlines() if line.strip()]
        return EvalSet(path=self.eval_set_dir, manifest=manifest, rows=rows)

    def write_eval_set(self, rows: list[dict[str, Any]], *, source: str, seed: int, share: float,
                       reason: str) -> EvalSet:
        """Store `rows` as the frozen evaluation set (replacing any earlier one atomically); returns it."""
        if not rows:
            raise RegistryError("an evaluation set needs at least one row")
        raw = _rows_bytes(rows)
        with self._locked():
            previous = self.eval_set()
            counts: dict[str, int] = {}
            for row in rows:
                counts[str(row.get("topic"))] = counts.get(str(row.get("topic")), 0) + 1
            manifest = {"format": EVAL_SET_FORMAT, "format_version": 1, "sha256": hashlib.sha256(raw).hexdigest(),
                        "rows": len(rows), "counts": dict(sorted(counts.items())), "created_at": _now(),
                        "source": source, "seed": seed, "share": share, "reason": reason,
                        "replaces": previous.sha256 if previous is not None else None}
            staged = Path(tempfile.mkdtemp(prefix=".eval-set.", dir=self.root))
            try:
                (staged / EVAL_SET_ROWS).write_bytes(raw)
                (staged / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
                replace_dir(staged, self.eval_set_dir)
            finally:
                shutil.rmtree(staged, ignore_errors=True)
        logger.info("frozen evaluation set written", extra={"rows": len(rows), "sha256": manifest["sha256"],
                                                            "reason": reason})
        return EvalSet(path=self.eval_set_dir, manifest=manifest, rows=rows)

    # -- writing ---------------------------------------------------------------------------------
    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        self.root.mkdir(parents=True, exist_ok=True)
        with (self.root / ".registry.lock").open("a") as handle:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)

    def _write_pointer(self, pointer: dict[str, Any]) -> None:
        pointer["events"] = pointer.get("events", [])[-MAX_EVENTS:]
        pointer["updated_at"] = _now()
        atomic_write_json(self.pointer_path, pointer, indent=2)

    def _free_name(self, preferred: str) -> str:
        name, n = preferred, 1
        while (self.versions_dir / name).exists():
            n += 1
            name = f"{preferred}-{n}"
        return name

    def _register_locked(self, model_dir: Path, *, move: bool, version: str | None, source: str) -> str:
        manifest = read_manifest(model_dir)  # refuses a directory that is not a routing model
        preferred = check_version_name(version or str(manifest.get("version") or time.strftime(
            "%Y%m%d-%H%M%S", time.gmtime())))
        self.versions_dir.mkdir(parents=True, exist_ok=True)
        name = self._free_name(preferred)
        if version is not None and name != version:
            raise RegistryError(f"model version {version} is already registered")
        tmp = Path(tempfile.mkdtemp(prefix=f".{name}.", dir=self.versions_dir))
        staged = tmp / "model"
        try:
            if move:
                shutil.move(str(model_dir), staged)
            else:
                shutil.copytree(model_dir, staged)
            manifest["version"] = name
            manifest["registry"] = {"registered_at": _now(), "source": source}
            (staged / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
            (staged / "MODEL_CARD.md").write_text(model_card(manifest))
            replace_dir(staged, self.versions_dir / name)
        except BaseException:
            if move and staged.is_dir() and not model_dir.exists():  # give the caller its directory back
                shutil.move(str(staged), model_dir)
            raise
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        logger.info("model registered", extra={"version": name, "source": source})
        return name

    def register(self, model_dir: Path, *, move: bool = False, version: str | None = None) -> str:
        """Copy (or move) a trained model directory into `versions/`; returns its version.

        The version is `version`, else the manifest's own version (``-2``, ``-3``… appended on a clash); the
        registered copy's manifest and model card carry that version, so the service reports it.
        """
        with self._locked():
            return self._register_locked(model_dir, move=move, version=version, source=str(model_dir))

    def _adopt_legacy(self) -> dict[str, Any]:
        """A first pointer: the legacy `current/` model registered as the active version, if there is one."""
        pointer: dict[str, Any] = {"format": REGISTRY_FORMAT, "format_version": REGISTRY_FORMAT_VERSION,
                                   "active": "", "history": [], "events": []}
        if (self.legacy_dir / "manifest.json").is_file():
            adopted = self._register_locked(self.legacy_dir, move=False, version=None, source=str(self.legacy_dir))
            pointer["active"] = adopted
            pointer["events"].append({"at": _now(), "action": "adopt", "version": adopted,
                                      "reason": f"adopted the legacy model directory {self.legacy_dir}"})
        return pointer

    def promote(self, version: str, *, reason: str) -> None:
        """Make `version` the active model; the previous active version joins the rollback history."""
        with self._locked():
            read_manifest(self.version_dir(version))  # exists and is a routing model
            pointer = self.read_pointer() or self._adopt_legacy()
            previous = pointer["active"] or None
            if previous == version:
                return
            if previous:
                pointer["history"].append(previous)
            pointer["active"] = version
            pointer["events"].append({"at": _now(), "action": "promote", "version": version,
                                      "previous": previous, "reason": reason})
            self._write_pointer(pointer)
        logger.info("model promoted", extra={"version": version, "previous": previous, "reason": reason})

    def rollback(self, *, reason: str = "rollback") -> str:
        """Re-activate the previous active version (skipping deleted ones); returns it."""
        with self._locked():
            pointer = self.read_pointer()
            if pointer is None:
                raise RegistryError(f"nothing to roll back to: no version was ever promoted in {self.root}")
            current = pointer["active"]
            history: list[str] = [str(v) for v in pointer["history"]]
            while history and not self.version_dir(history[-1]).is_dir():
                logger.warning("skipping deleted version in rollback history", extra={"version": history[-1]})
                history.pop()
            if not history:
                raise RegistryError(f"nothing to roll back to: no earlier active version of {current} remains")
            target = history.pop()
            pointer["history"], pointer["active"] = history, target
            pointer["events"].append({"at": _now(), "action": "rollback", "version": target,
                                      "previous": current, "reason": reason})
            self._write_pointer(pointer)
        logger.info("model rolled back", extra={"version": target, "previous": current})
        return target

    def prune(self) -> list[str]:
        """Delete the oldest versions beyond `keep` (besides the active one); never the active or rollback target."""
        with self._locked():
            versions = self.versions()  # newest first
            protected = {v.version for v in versions if v.active or v.rollback_target}
            kept = 0
            removed: list[str] = []
            for entry in versions:
                if entry.active:
                    continue
                if kept < self.keep or entry.version in protected:
                    kept += 1
                    continue
                shutil.rmtree(entry.path)
                removed.append(entry.version)
        if removed:
            logger.info("pruned old model versions", extra={"removed": removed, "keep": self.keep})
        return removed
