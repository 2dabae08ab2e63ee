"""Which job kinds a worker can run: modules register a handler factory per kind; workers build the handlers.

The desk connectors register theirs when `service.desks.handlers` is imported (`register("desk.event", factory)`);
`build_handlers` imports the modules in `HANDLER_MODULES` that exist, so this package never imports them itself.
A factory gets the settings and the running service's components and returns the handler, or None when its part
is not configured (then that kind is not claimed, and its jobs wait).
"""

from __future__ import annotations

import importlib
import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from service.jobs.base import Handler
from service.settings import Settings

if TYPE_CHECKING:
    from service.state import ServiceState

logger = logging.getLogger(__name__)

HandlerFactory = Callable[[Settings, "ServiceState"], Handler | None]
"""factory(settings, components) -> the kind's handler, or None when not configured."""

HANDLER_MODULES: tuple[str, ...] = ("service.desks.handlers",)
"""Modules that register handlers when imported; a missing one is skipped."""

_factories: dict[str, HandlerFactory] = {}
_lock = threading.Lock()


def register(kind: str, factory: HandlerFactory) -> None:
    """Make `kind` runnable by workers (a second registration of a kind replaces the first)."""
    with _lock:
        _factories[kind] = factory


def registered() -> dict[str, HandlerFactory]:
    with _lock:
        return dict(_factories)


def import_handler_modules(modules: tuple[str, ...] | None = None) -> None:
    for name in HANDLER_MODULES if modules is None else modules:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name is None or not name.startswith(exc.name):  # the module itself is missing: fine
                raise


def build_handlers(settings: Settings, components: ServiceState, *,
                   modules: tuple[str, ...] | None = None) -> dict[str, Handler]:
    """kind -> handler for every registered kind whose factory returns one (after importing `modules`, by default
    HANDLER_MODULES)."""
    import_handler_modules(modules)
    handlers: dict[str, Handler] = {}
    for kind, factory in registered().items():
        handler = factory(settings, components)
        if handler is None:
            logger.info("job kind not configured", extra={"kind": kind})
        else:
            handlers[kind] = handler
    return handlers


def close_handlers(handlers: dict[str, Handler]) -> None:
    """Call `close()` on the handlers that have one (HTTP clients), once the worker has stopped."""
    for kind, handler in handlers.items():
        close = getattr(handler, "close", None)
        if callable(close):
            try:
                close()
            except Exception:  # shutting down: log and go on with the others
                logger.exception("closing a job handler failed", extra={"kind": kind})
