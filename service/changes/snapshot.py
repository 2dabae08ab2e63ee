"""Snapshots: the one way a process that follows the change log writes index files.

Live changes are never saved into the shared index directory by the process that applies them (followers keep
them in memory, the log keeps them durable). A snapshot writes one process's whole index into the directory it
serves, with the change sequence it holds in the manifest (`options.change_seq`), so that a restart replays
only the changes after it. One snapshot at a time across processes and machines: a PostgreSQL advisory lock
when the store is PostgreSQL, else an exclusive `flock` on `<data_dir>/index-snapshot.lock` (one machine).
The writer first catches up with the whole log under that lock, so a snapshot never goes back in time and
never brings back a case erased before it: an erasure takes one right after its commit (the erased bytes
leave the index files, service/changes/writes.py).
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import time
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import text

from service.changes.follower import CHANGE_SEQ, ChangeFollower

logger = logging.getLogger(__name__)

SNAPSHOT_LOCK = 0x736E6170  # pg_advisory_lock key ("snap")
LOCK_FILE = "index-snapshot.lock"


@contextlib.contextmanager
def snapshot_lock(follower: ChangeFollower, data_dir: Path) -> Iterator[None]:
    """Held by one snapshot writer at a time, across processes (and machines sharing a PostgreSQL store)."""
    if follower.log.backend == "postgresql":
        with follower.log.engine.connect() as connection:
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": SNAPSHOT_LOCK})
            try:
                yield
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": SNAPSHOT_LOCK})
                connection.commit()
        return
    data_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(data_dir / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def write_snapshot(follower: ChangeFollower, data_dir: Path) -> int:
    """Save this process's index, caught up with the log, into the directory it serves; returns the change
    sequence the snapshot holds."""
    started = time.perf_counter()
    with snapshot_lock(follower, data_dir), follower.applying():
        follower.catch_up()
        seq = follower.applied_seq
        path = follower.holder.save_snapshot({CHANGE_SEQ: seq})
    logger.info("index snapshot written", extra={"path": str(path), "change_seq": seq,
                                                 "seconds": round(time.perf_counter() - started, 3)})
    return seq
