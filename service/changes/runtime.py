"""Wiring for the service's lifespan: open the change log, replay it onto the loaded index, follow it."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

import anyio.to_thread

from index.holder import IndexHolder
from models.embedding.base import Embedder
from models.errors import DeskmateError
from service.changes.follower import ChangeFollower
from service.changes.log import ChangeLog
from service.changes.pg_notify import PgNotifyWaiter
from service.changes.watch import FollowLoop, PollWaiter, Waiter
from service.pipeline import Engine
from service.reload import ModelReloader
from service.settings import Settings
from service.store.repository import FeedbackStore

logger = logging.getLogger(__name__)


def open_follower(settings: Settings, holder: IndexHolder, store: FeedbackStore, *, embedder: Embedder | None,
                  on_model: Callable[[], None] | None = None) -> ChangeFollower:
    """A follower of the store's change log, caught up: the index it serves is the last one swapped in through
    the log, with every change after its snapshot replayed."""
    follower = ChangeFollower(ChangeLog(store.engine), holder, on_model=on_model)

    def open_index(path: Path) -> None:
        if embedder is None:
            return
        try:
            holder.swap(path, embedder=embedder, persist=False)
        except DeskmateError as exc:  # keep the index loaded at start; say why
            logger.error("change log: cannot open the last swapped index", extra={"path": str(path),
                                                                                  "error": str(exc)})

    follower.start(open_index=open_index)
    return follower


def waiter(settings: Settings, store: FeedbackStore) -> Waiter:
    if store.backend == "postgresql":
        return PgNotifyWaiter(settings.resolved_store_url, fallback_seconds=settings.changes.pg_fallback_poll_seconds)
    return PollWaiter(settings.changes.poll_seconds)


async def follow(settings: Settings, holder: IndexHolder, store: FeedbackStore | None, *,
                 embedder: Embedder | None, on_model: Callable[[], None] | None = None
                 ) -> tuple[ChangeFollower, FollowLoop] | None:
    """Start following (None without a store: index writes then answer 503, service/changes/writes.py)."""
    if store is None:
        logger.error("change log on, but the store is not available: index changes are refused")
        return None
    follower = await anyio.to_thread.run_sync(lambda: open_follower(settings, holder, store, embedder=embedder,
                                                                    on_model=on_model))
    loop = FollowLoop(follower, waiter(settings, store))
    loop.start()
    logger.info("following the change log", extra={"backend": store.backend, "applied_seq": follower.applied_seq})
    return follower, loop


class ServiceParts(Protocol):
    """What `follow_service` needs of the service's state (service/state.py ServiceState)."""

    settings: Settings
    index: IndexHolder
    store: FeedbackStore | None
    engine: Engine | None
    reloader: ModelReloader
    changes: ChangeFollower | None


async def follow_service(state: ServiceParts) -> FollowLoop | None:
    """The lifespan's step: follow the change log into `state.index` (sets `state.changes`); a promoted model
    logged by another process makes this one check the registry at once."""
    engine = state.engine

    def on_model() -> None:
        state.reloader.check(force=True)

    followed = await follow(state.settings, state.index, state.store,
                            embedder=engine.embedder if engine is not None else None,
                            on_model=on_model)
    if followed is None:
        return None
    state.changes, loop = followed
    return loop
