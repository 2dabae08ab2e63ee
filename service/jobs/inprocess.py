"""The job worker inside `deskmate serve` (settings `jobs.in_process`, the single-process default): a thread."""

from __future__ import annotations

import logging
import threading

from service.jobs.queue import JobQueue
from service.jobs.registry import build_handlers, close_handlers
from service.jobs.worker import Worker
from service.state import ServiceState

logger = logging.getLogger(__name__)


class WorkerThread:
    """A `Worker` running in a daemon thread until `stop()`."""

    def __init__(self, worker: Worker) -> None:
        self.worker = worker
        self._stop = threading.Event()
        self._thread = threading.Thread(target=worker.run, args=(self._stop,), name="deskmate-jobs", daemon=True)

    def start(self) -> WorkerThread:
        self._thread.start()
        return self

    def stop(self, timeout: float = 30.0) -> None:
        """Ask the worker to stop and wait for the job in hand (at most `timeout` seconds; its lease then expires
        and another worker takes the job over)."""
        self._stop.set()
        self._thread.join(timeout)
        if self._thread.is_alive():
            logger.warning("job worker still busy at shutdown", extra={"worker_id": self.worker.worker_id})
        else:
            close_handlers(self.worker.handlers)


def start_in_process_worker(state: ServiceState) -> WorkerThread | None:
    """Start a worker thread for the registered job kinds when `jobs.in_process` is on and the store is open."""
    settings = state.settings
    if not settings.jobs.in_process or state.store is None:
        return None
    handlers = build_handlers(settings, state)
    if not handlers:
        logger.info("no job handlers configured: no in-process worker")
        return None
    queue = JobQueue(state.store.engine, redactor=state.store.redactor)
    return WorkerThread(Worker.from_settings(settings.jobs, queue, handlers)).start()
