"""A job kind for the real-process tests: `test.sleep` notes each attempt in a directory, sleeps, then finishes
(`first_seconds` on the first attempt, to be killed in; `seconds` after).

Imported by `deskmate worker --handlers-module tests.service.jobs.sleepy_handlers`."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from service.jobs import Handler, Job
from service.jobs.registry import register
from service.settings import Settings
from service.state import ServiceState


def sleep_handler(job: Job) -> dict[str, Any]:
    folder = Path(job.payload["dir"])
    (folder / f"started-{job.id}-{job.attempts}").touch()
    time.sleep(float(job.payload["first_seconds" if job.attempts == 1 else "seconds"]))
    (folder / f"finished-{job.id}-{job.attempts}").touch()
    return {"attempt": job.attempts}


def _factory(settings: Settings, components: ServiceState) -> Handler:
    return sleep_handler


register("test.sleep", _factory)
