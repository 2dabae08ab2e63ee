"""Store fixtures: every store test runs on SQLite and on the real PostgreSQL server.

PostgreSQL comes from DESKMATE_TEST_POSTGRES_URL (default: the local server, database `test`). Each test gets
its own schema, dropped afterwards. A run that cannot reach the server FAILS with the reason; set
DESKMATE_TEST_POSTGRES_URL=none to skip those tests on purpose (they are then listed as skipped).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import SQLAlchemyError

from service.store import db

DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def postgres_base_url() -> str | None:
    url = os.environ.get("DESKMATE_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)
    return None if url.lower() in {"", "none", "off"} else url


@pytest.fixture(scope="session")
def postgres_url() -> str:
    url = postgres_base_url()
    if url is None:
        pytest.skip("PostgreSQL tests switched off with DESKMATE_TEST_POSTGRES_URL=none")
    try:
        engine = create_engine(url)
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        engine.dispose()
    except SQLAlchemyError as exc:
        pytest.fail(f"PostgreSQL is NOT reachable at {url} ({exc.__class__.__name__}: {str(exc).splitlines()[0]}). "
                    "The store must be tested against the real server: start it, point "
                    "DESKMATE_TEST_POSTGRES_URL at one, or set it to 'none' to skip these tests knowingly.",
                    pytrace=False)
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty store URL: a SQLite file, or a new schema on the PostgreSQL server."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'deskmate.db'}"
        return
    base: str = request.getfixturevalue("postgres_url")
    with db.scratch_schema(base) as url:
        yield url


@pytest.fixture(autouse=True)
def _keys_off_unless_asked(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Service tests about other things run with API keys off (DESKMATE_AUTH__DISABLED=true, as for a local demo);
    tests marked `keys_on` (tests/service/test_auth.py) keep the secure default."""
    if request.node.get_closest_marker("keys_on") is None:
        monkeypatch.setenv("DESKMATE_AUTH__DISABLED", "true")
    monkeypatch.setenv("DESKMATE_API__DOCS", "true")  # tests read /openapi.json; test_openapi checks the default
