"""`deskmate serve --workers N`: N uvicorn worker processes on one machine, one listening socket.

uvicorn's own supervisor (no extra dependency): it binds the socket once, starts N processes that each import
`worker_app` (Settings from the environment, as every process reads them) and restarts a worker that dies.
The workers agree through the store's change log (`DESKMATE_CHANGES__ENABLED=true` is set for them; see
docs/scale-out.md), and share Prometheus values through a multi-process directory prepared here, before they
start (`<data_dir>/prometheus-multiproc` unless `PROMETHEUS_MULTIPROC_DIR` names one).
"""

from __future__ import annotations

import os
from pathlib import Path

from fastapi import FastAPI
from uvicorn import Config
from uvicorn.supervisors import Multiprocess

from service.logging import configure_logging
from service.metrics.registry import MULTIPROC_ENV, prepare_multiprocess_dir, worker_exited
from service.settings import Settings

CHANGES_ENV = "DESKMATE_CHANGES__ENABLED"
HEALTHCHECK_TIMEOUT_S = 60


def worker_app() -> FastAPI:
    """The app factory each worker process calls (uvicorn `factory=True`): settings from the environment."""
    from service.app import create_app

    settings = Settings()
    configure_logging(settings.log_level, json_lines=settings.log_json)
    return create_app(settings)


class Supervisor(Multiprocess):
    """uvicorn's supervisor, telling prometheus-client when a worker died (its live gauges stop counting)."""

    def keep_subprocess_alive(self) -> None:
        before = {process.pid for process in self.processes}
        super().keep_subprocess_alive()
        for pid in before - {process.pid for process in self.processes}:
            if pid is not None:
                worker_exited(pid)


def worker_config(settings: Settings, *, host: str, port: int, workers: int) -> Config:
    """uvicorn's configuration for `workers` processes serving `worker_app`."""
    return Config("scripts.serve_workers:worker_app", factory=True, host=host, port=port, workers=workers,
                  log_config=None, access_log=False, limit_concurrency=settings.api.limit_concurrency,
                  timeout_keep_alive=settings.api.keep_alive_seconds,
                  # Seconds a worker has to answer the supervisor's ping before it is killed and replaced: the
                  # default 5 s is shorter than a worker's imports on a busy small machine (a restart loop).
                  timeout_worker_healthcheck=HEALTHCHECK_TIMEOUT_S)


def prepare_worker_env(settings: Settings) -> Path:
    """Environment the workers inherit: the change log on, a fresh Prometheus multi-process directory."""
    os.environ[CHANGES_ENV] = "true"
    return prepare_multiprocess_dir(Path(os.environ.get(MULTIPROC_ENV) or settings.data_dir / "prometheus-multiproc"))


def serve_workers(*, settings: Settings, host: str, port: int, workers: int) -> None:
    """Run `workers` (>= 2) worker processes until SIGINT/SIGTERM."""
    if workers < 2:
        raise ValueError("serve_workers needs at least 2 workers (one process: `deskmate serve`)")
    prepare_worker_env(settings)
    config = worker_config(settings, host=host, port=port, workers=workers)
    Supervisor(config, sockets=[config.bind_socket()]).run()
