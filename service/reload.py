"""Hot reload of the routing model: watch the registry pointer, load a promoted version, swap it in.

Every `model_reload_seconds` the lifespan's background task calls `ModelReloader.check()` in a worker
thread. A check is a `stat` of the registry's `active.json` and of the served model's `manifest.json`; only
when one changed does it resolve the model directory (`Settings.resolved_model_dir`) and read the manifest's
version. A new version is loaded beside the live one, reusing the loaded embedder (and auxiliary embedders
of the same id), warmed up, and then swapped in with one reference assignment (`ServiceState.set_engine`), so
requests in flight finish on the old engine and later ones see the new one. A model trained for another
embedder, or one that fails to load, is refused: the old engine keeps serving and the error is logged.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import anyio

from models.errors import DeskmateError
from models.registry import POINTER_FILE
from models.routing_heads import RoutingModel, read_manifest
from service.pipeline import Engine
from service.settings import Settings

logger = logging.getLogger(__name__)

StatKey = tuple[int, int, int] | None


@dataclass(frozen=True, slots=True)
class ReloadOutcome:
    """What one check did: `changed` when a new engine was swapped in; `error` when a load was refused."""

    changed: bool
    previous_version: str | None
    version: str | None
    model_dir: str | None
    error: str | None = None


def _stat(path: Path) -> StatKey:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size, st.st_ino


def engine_with_model(current: Engine, model_dir: Path) -> Engine:
    """A copy of `current` serving the model in `model_dir`, warmed up; the embedder is shared, never reloaded."""
    model = RoutingModel.load(model_dir, embedder=current.embedder)  # refuses another embedder's model
    loaded = {aux.model_id: aux for aux in current.model.aux_embedders}
    model.aux_embedders = [loaded.get(aux.model_id, aux) for aux in model.aux_embedders]
    model.load_aux()
    return current.with_model(model, model_dir)


class ModelReloader:
    """Checks for a newly promoted routing model and installs it (one check at a time).

    `current` returns the engine served now (None while not ready); `install` makes a new one live.
    """

    def __init__(self, settings: Settings, *, current: Callable[[], Engine | None],
                 install: Callable[[Engine], None]) -> None:
        self._settings = settings
        self._current = current
        self._install = install
        self._lock = threading.Lock()
        self._served_dir: Path | None = None
        self._seen: tuple[StatKey, StatKey] | None = None

    def _signature(self) -> tuple[StatKey, StatKey]:
        pointer = _stat(self._settings.model_registry_dir / POINTER_FILE)
        manifest = _stat(self._served_dir / "manifest.json") if self._served_dir is not None else None
        return pointer, manifest

    def check(self, *, force: bool = False) -> ReloadOutcome:
        """Load and swap in the model the settings point at, if its version differs from the served one.

        Without `force`, nothing is read unless the pointer's or the served manifest's stat changed; a
        refused version is not retried until one of them changes again (or `force`).
        """
        with self._lock:
            engine = self._current()
            if engine is None:
                return ReloadOutcome(False, None, None, None, error="no engine is loaded (service not ready)")
            served = engine.model.version
            signature = self._signature()
            if not force and signature == self._seen:
                return ReloadOutcome(False, served, served, str(self._served_dir) if self._served_dir else None)
            try:
                directory = self._settings.resolved_model_dir
                version = str(read_manifest(directory).get("version"))
            except DeskmateError as exc:
                self._seen = signature
                logger.error("model reload check failed; keeping the loaded model",
                             extra={"error": str(exc), "model_version": served})
                return ReloadOutcome(False, served, served, None, error=str(exc))
            if version == served:
                self._served_dir = directory
                self._seen = self._signature()
                return ReloadOutcome(False, served, served, str(directory))
            try:
                fresh = engine_with_model(engine, directory)
            except Exception as exc:  # any failure keeps the old engine serving
                self._seen = signature
                logger.error("model reload failed; keeping the loaded model",
                             extra={"path": str(directory), "version": version, "model_version": served,
                                    "error": str(exc)}, exc_info=not isinstance(exc, DeskmateError))
                return ReloadOutcome(False, served, served, str(directory), error=str(exc))
            self._install(fresh)
            self._served_dir = directory
            self._seen = self._signature()
            logger.info("model reloaded", extra={"previous_version": served, "model_version": fresh.model.version,
                                                 "path": str(directory)})
            return ReloadOutcome(True, served, fresh.model.version, str(directory))


async def watch_model(reloader: ModelReloader, interval: float) -> None:
    """The lifespan's background task: check every `interval` seconds until cancelled."""
    while True:
        await anyio.sleep(interval)
        try:
            await anyio.to_thread.run_sync(reloader.check)
        except Exception:  # never let the watcher die silently; the next tick tries again
            logger.exception("model reload check crashed")
