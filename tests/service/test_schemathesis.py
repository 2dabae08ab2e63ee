"""Schemathesis over the whole OpenAPI document, in-process (ASGI), with API keys on.

Every operation of /openapi.json gets its examples, schemathesis' coverage cases (boundaries, missing fields,
wrong types, wrong methods and media types) and generated requests, valid and invalid, sent with a key that holds
every scope to a small app (the tiny test model, a four-case index, a SQLite store). Each answer must be no server
error, and have a status code, content type, body and headers the schema declares for the operation; a request
the schema calls invalid must be refused, and one without the key must get the 401 the schema promises. The
default run keeps to a few generated requests per operation, `-m slow` runs many more; both are derandomized, so
CI repeats the same requests. `DESKMATE_SCHEMATHESIS_REPORT=1` prints what was sent and answered, by operation.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, settings
from schemathesis import Case
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from starlette.types import Receive, Scope, Send

from service import components
from service.app import create_app
from service.settings import AuthSettings, RateLimitSettings, Settings, StoreSettings
from service.store.keys import SCOPES, create_key
from tests.service.test_retrieval_api import CASES, make_index, make_settings

pytestmark = pytest.mark.keys_on

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          response_headers_conformance, negative_data_rejection, ignored_auth]
SENT: Counter[tuple[str, str, int, str]] = Counter()  # (operation, phase/mode, status, error code) -> requests


class AppUnderTest:
    """The ASGI app schemathesis sends every request to (its lifespan too): the `served` fixture's app. The schema
    is loaded when the module is, before any fixture, so its operations hold this stand-in."""

    def __init__(self) -> None:
        self.app: FastAPI | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.app is None:
            raise RuntimeError("no app: the `served` fixture sets one")
        await self.app(scope, receive, send)


TARGET = AppUnderTest()
# The document is the app's own; building an app is cheap (no models load before its lifespan starts).
schema = schemathesis.openapi.from_dict(create_app(Settings(auth=AuthSettings(disabled=False))).openapi())
schema.app = TARGET
# Unknown query parameters and body fields are ignored by design (docs/api.md), so an extra one is no invalid
# request; the key is the fixture's (ignored_auth checks the 401 without it).
schema.config.generation.update(allow_extra_parameters=False, with_security_parameters=False)


@dataclass(frozen=True)
class Served:
    app: FastAPI
    key: str


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory, trained_model_dir: Path) -> Iterator[Served]:
    """One app for all operations; schemathesis runs its lifespan (and ends it after each test)."""
    tmp = tmp_path_factory.mktemp("schemathesis")
    settings_ = make_settings(trained_model_dir, make_index(tmp, "index", CASES), tmp / "var",
                              store=StoreSettings(url=f"sqlite:///{tmp / 'deskmate.db'}"),
                              auth=AuthSettings(disabled=False, cache_seconds=300),
                              rate_limit=RateLimitSettings(enabled=False))  # thousands of requests from one key
    store = components.open_store(settings_)
    try:
        _, secret = create_key(store, name="schemathesis", scopes=list(SCOPES))
    finally:
        store.close()
    TARGET.app = app = create_app(settings_)
    yield Served(app, secret)
    TARGET.app = None
    if os.environ.get("DESKMATE_SCHEMATHESIS_REPORT"):
        report()


def report() -> None:
    by_status: Counter[int] = Counter()
    for (operation, kind, status, code), n in sorted(SENT.items()):
        print(f"{operation:55s} {kind:20s} {status} {code or '-':24s} x{n}")
        by_status[status] += n
    print(f"requests: {sum(SENT.values())}; by status: {dict(sorted(by_status.items()))}")


def check(case: Case[Any], served: Served) -> None:
    response = case.call(headers={"Authorization": f"Bearer {served.key}"})
    meta = case.meta
    kind = f"{meta.phase.name.value}/{meta.generation.mode.value}" if meta is not None else "explicit"
    code = ""
    if response.status_code >= 400 and "json" in response.headers.get("content-type", [""])[0]:
        code = str(response.json().get("error", {}).get("code", ""))
    SENT[(f"{case.method} {case.operation.path}", kind, response.status_code, code)] += 1
    case.validate_response(response, checks=CHECKS, headers={"Authorization": f"Bearer {served.key}"})


@schema.parametrize()
@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_every_operation_keeps_to_the_schema(case: Case[Any], served: Served) -> None:
    check(case, served)


@pytest.mark.slow
@schema.parametrize()
@settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_every_operation_keeps_to_the_schema_at_length(case: Case[Any], served: Served) -> None:
    check(case, served)
