"""A migrated job queue on each store backend (SQLite file, a scratch schema on the real PostgreSQL server)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from service.jobs import JobQueue
from service.store import db


@pytest.fixture()
def queue(store_url: str) -> Iterator[JobQueue]:
    engine = db.open_engine(store_url)
    db.upgrade(engine)
    yield JobQueue(engine)
    engine.dispose()


@pytest.fixture()
def sqlite_queue(tmp_path: object) -> Iterator[JobQueue]:
    engine = db.open_engine(f"sqlite:///{tmp_path}/jobs.db")
    db.upgrade(engine)
    yield JobQueue(engine)
    engine.dispose()
