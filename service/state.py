"""What the lifespan loads and the routes use: the engine behind an atomic reference."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from index.holder import IndexHolder
from service.pipeline import Engine


@dataclass
class AppState:
    """Holds the live engine. Swapping assigns one reference, so a request sees one version whole."""

    engine: Engine | None = None
    not_ready_reason: str | None = "starting"
    index: IndexHolder = field(default_factory=IndexHolder)
    index_reason: str | None = "starting"
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def set_engine(self, engine: Engine) -> None:
        with self._lock:
            self.engine = engine
            self.not_ready_reason = None

    def set_not_ready(self, reason: str) -> None:
        with self._lock:
            self.not_ready_reason = reason
