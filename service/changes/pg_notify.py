"""PostgreSQL wake-ups: LISTEN on the change log's channel (writers `pg_notify` on commit), with a polling
fallback so that a lost connection or notification delays a change by `fallback_seconds` at most."""

from __future__ import annotations

import logging
import threading
import time

import psycopg
from sqlalchemy.engine import make_url

from service.changes.log import CHANNEL

logger = logging.getLogger(__name__)

_SLICE_S = 0.25  # longest a wait blocks without looking at the stop flag


def libpq_url(sqlalchemy_url: str) -> str:
    """A libpq connection URI for a SQLAlchemy PostgreSQL URL (driver name dropped, options kept)."""
    return make_url(sqlalchemy_url).set(drivername="postgresql").render_as_string(hide_password=False)


class PgNotifyWaiter:
    """Returns on a NOTIFY of the change log, or after `fallback_seconds` without one."""

    def __init__(self, url: str, *, fallback_seconds: float) -> None:
        self.url = libpq_url(url)
        self.fallback_seconds = fallback_seconds
        self._connection: psycopg.Connection[tuple[object, ...]] | None = None

    def _connect(self) -> psycopg.Connection[tuple[object, ...]] | None:
        if self._connection is None or self._connection.closed:
            try:
                self._connection = psycopg.connect(self.url, autocommit=True, connect_timeout=5)
                self._connection.execute(f"LISTEN {CHANNEL}")
            except psycopg.Error as exc:
                logger.warning("change log: LISTEN failed, polling meanwhile", extra={"error": str(exc)})
                self._connection = None
        return self._connection

    def wait(self, stop: threading.Event) -> None:
        deadline = time.monotonic() + self.fallback_seconds
        while not stop.is_set() and time.monotonic() < deadline:
            connection = self._connect()
            if connection is None:
                stop.wait(min(_SLICE_S, max(0.0, deadline - time.monotonic())))
                continue
            try:
                for _ in connection.notifies(timeout=_SLICE_S, stop_after=1):
                    return
            except psycopg.Error as exc:
                logger.warning("change log: LISTEN connection lost", extra={"error": str(exc)})
                self.close()
                return  # catch up at once: changes may have come while it was down

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None
