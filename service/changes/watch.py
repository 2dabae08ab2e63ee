"""The follow loop: a daemon thread that wakes up, applies new changes, and sleeps again.

How it wakes up is the waiter's business: `PollWaiter` sleeps a fixed interval (SQLite, or any store);
`service/changes/pg_notify.py` waits for PostgreSQL NOTIFY with a polling fallback.
"""

from __future__ import annotations

import logging
import threading
from typing import Protocol

from service.changes.follower import ChangeFollower

logger = logging.getLogger(__name__)


class Waiter(Protocol):
    def wait(self, stop: threading.Event) -> None:
        """Return when there may be new changes (or `stop` is set)."""

    def close(self) -> None: ...


class PollWaiter:
    """Wakes up every `seconds`."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    def wait(self, stop: threading.Event) -> None:
        stop.wait(self.seconds)

    def close(self) -> None:
        return None


class FollowLoop:
    """Runs `follower.catch_up()` after every wake-up of `waiter`, in a daemon thread, until `stop()`."""

    def __init__(self, follower: ChangeFollower, waiter: Waiter) -> None:
        self.follower = follower
        self.waiter = waiter
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="change-follower", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._thread.join(timeout)
        self.waiter.close()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.waiter.wait(self._stop)
            if self._stop.is_set():
                break
            try:
                self.follower.catch_up()
            except Exception:  # a store hiccup: the next wake-up tries again
                logger.exception("following the change log failed")
