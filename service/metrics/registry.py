"""Where the metric values live: this process's registry, or files shared by the workers (multi-process mode).

With `PROMETHEUS_MULTIPROC_DIR` set, prometheus-client writes every value to a memory-mapped file per process in
that directory, and a scrape of any worker sums them (`MultiProcessCollector`). The directory must be empty when
the workers start: `deskmate serve --workers N` calls `prepare_multiprocess_dir` in the parent before it starts
them, and `worker_exited(pid)` when one exits (its live gauges then stop counting). See docs/metrics.md.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from wsgiref.simple_server import WSGIServer

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    GCCollector,
    PlatformCollector,
    ProcessCollector,
    generate_latest,
    multiprocess,
    start_http_server,
    values,
)

logger = logging.getLogger(__name__)

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
CONTENT_TYPE = CONTENT_TYPE_LATEST


def multiprocess_dir() -> Path | None:
    """The shared directory of multi-process mode, or None (one process: values in memory)."""
    path = os.environ.get(MULTIPROC_ENV) or os.environ.get(MULTIPROC_ENV.lower())
    return Path(path) if path else None


def prepare_multiprocess_dir(path: Path) -> Path:
    """Create `path` (or empty it of an earlier run's files) and point `PROMETHEUS_MULTIPROC_DIR` at it. Call it
    in the parent process before the workers start (they inherit the variable); the workers must not share the
    directory with another running service."""
    path.mkdir(parents=True, exist_ok=True)
    for stale in path.glob("*.db"):
        stale.unlink()
    os.environ[MULTIPROC_ENV] = str(path)
    return path


def worker_exited(pid: int) -> None:
    """A worker process ended (gunicorn's `child_exit` hook): drop its values of the `live*` gauges. Its counters
    and histograms stay in the sums, as they must."""
    directory = multiprocess_dir()
    if directory is not None:
        multiprocess.mark_process_dead(pid, str(directory))  # type: ignore[no-untyped-call]


def use_multiprocess_values() -> None:
    """prometheus-client picks where values live when it is first imported; when the variable was set later (a
    parent that imported it before `prepare_multiprocess_dir`, then forked), switch to the shared files now,
    before any metric is made."""
    if multiprocess_dir() is not None and values.ValueClass.__name__ != "MmapedValue":
        values.ValueClass = values.MultiProcessValue()  # type: ignore[no-untyped-call]


def process_registry() -> CollectorRegistry:
    """A registry for one app's metrics; in one-process mode it also holds the process, platform and GC metrics
    (`process_resident_memory_bytes`, ...), which multi-process mode cannot sum."""
    registry = CollectorRegistry(auto_describe=True)
    if multiprocess_dir() is None:
        ProcessCollector(registry=registry)
        PlatformCollector(registry=registry)
        GCCollector(registry=registry)
    return registry


def scrape_registry(own: CollectorRegistry) -> CollectorRegistry:
    """What a scrape reads: the sums over every worker's files in multi-process mode, else `own`."""
    directory = multiprocess_dir()
    if directory is None:
        return own
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry, path=str(directory))  # type: ignore[no-untyped-call]
    return registry


def render(own: CollectorRegistry) -> bytes:
    """The Prometheus text format of a scrape."""
    return generate_latest(scrape_registry(own))


def parse_listen(listen: str) -> tuple[str, int]:
    """`host:port` (IPv6 as `[::1]:9108`) -> (host, port)."""
    host, sep, port = listen.rpartition(":")
    if not sep or not port.isdigit() or not host:
        raise ValueError(f"metrics listen address {listen!r} is not host:port")
    return host.strip("[]"), int(port)


def start_listener(listen: str, own: CollectorRegistry) -> WSGIServer | None:
    """Serve the scrape without a key on `listen` (a private address), in a thread. With several workers the
    first to bind it serves the sums of all; the others find it taken and leave it (None)."""
    host, port = parse_listen(listen)
    try:
        server, _ = start_http_server(port, addr=host, registry=scrape_registry(own))
    except OSError as exc:
        logger.info("metrics listener not started here", extra={"listen": listen, "error": str(exc)})
        return None
    logger.info("metrics listener on", extra={"listen": listen})
    return server
