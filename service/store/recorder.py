"""`RouteRecorder`: writes routing decisions of `/v1/route` in the background, in batches.

Routing must not wait for the disk, so decisions go to a bounded queue that one thread drains into short
transactions. When the queue is full (the database is far slower than the traffic), new decisions are
dropped and counted, never blocking a request. `close()` writes what is queued before returning.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Sequence

from service.records import RouteRecord
from service.store.repository import FeedbackStore

logger = logging.getLogger(__name__)

_STOP = object()


class RouteRecorder:
    def __init__(self, store: FeedbackStore, *, max_queue: int = 10_000, max_batch: int = 200) -> None:
        self.store = store
        self.max_batch = max_batch
        self.dropped = 0
        self.written = 0
        self._queue: queue.Queue[object] = queue.Queue(maxsize=max_queue)
        self._done = threading.Condition()
        self._submitted = self._processed = 0
        self._thread = threading.Thread(target=self._run, name="route-recorder", daemon=True)
        self._thread.start()

    def submit(self, records: Sequence[RouteRecord]) -> None:
        for record in records:
            try:
                self._queue.put_nowait(record)
                with self._done:
                    self._submitted += 1
            except queue.Full:
                self.dropped += 1
                if self.dropped == 1 or self.dropped % 1000 == 0:
                    logger.warning("routing decisions dropped: the store is behind", extra={"dropped": self.dropped})

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            batch: list[RouteRecord] = []
            stop = item is _STOP
            if not stop:
                assert isinstance(item, RouteRecord)
                batch.append(item)
            while len(batch) < self.max_batch and not stop:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is _STOP:
                    stop = True
                else:
                    assert isinstance(item, RouteRecord)
                    batch.append(item)
            if batch:
                try:
                    self.store.record_routes(batch)
                    self.written += len(batch)
                except Exception:  # a broken batch must not stop later ones
                    logger.exception("could not store routing decisions", extra={"count": len(batch)})
            with self._done:
                self._processed += len(batch)
                self._done.notify_all()
            if stop:
                return

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until everything submitted so far is written or dropped; False on timeout."""
        with self._done:
            target = self._submitted
            return self._done.wait_for(lambda: self._processed >= target, timeout)

    def close(self, timeout: float = 10.0) -> None:
        self._queue.put(_STOP)
        self._thread.join(timeout)
