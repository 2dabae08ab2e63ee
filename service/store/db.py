"""Engines for the feedback store: SQLite (WAL, the embedded default) or a server database by URL.

`open_engine` connects and fails loudly (`StoreUnavailable`) when the database cannot be reached;
`upgrade` applies the Alembic migrations shipped in `service/store/migrations`.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from service.store.errors import StoreUnavailable

logger = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL: readers don't block the writer. synchronous=FULL: an acknowledged commit survives a crash of the
    # process and of the machine. busy_timeout: concurrent writers wait instead of failing.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    # secure_delete: deleted rows (erasure, overwritten ticket text) are zeroed in the pages, not left in free
    # space (service/store/erasure.py checkpoints the WAL afterwards so the old page images go too).
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()


def open_engine(url: str, *, pool_size: int = 5, connect_args: dict[str, Any] | None = None) -> Engine:
    """An engine for `url`, checked with one round trip. SQLite files get their directory and WAL mode."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise StoreUnavailable(f"invalid store URL: {exc}") from exc
    # hide_parameters: error messages (logged, sometimes answered) never carry the statement's values (ticket text).
    kwargs: dict[str, Any] = {"pool_pre_ping": True, "hide_parameters": True,
                              "connect_args": dict(connect_args or {})}
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        kwargs["connect_args"].setdefault("check_same_thread", False)
    else:
        kwargs.update(pool_size=pool_size, max_overflow=pool_size)
    engine = create_engine(parsed, **kwargs)
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        engine.dispose()
        raise StoreUnavailable(
            f"cannot reach the store at {parsed.render_as_string(hide_password=True)}: {exc.__class__.__name__}: "
            f"{str(exc).splitlines()[0]}") from exc
    return engine


def alembic_config(engine: Engine | None = None) -> Config:
    """Alembic's configuration for the shipped migrations; `engine` is the database they run on (env.py)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if engine is not None:
        config.attributes["engine"] = engine
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        revision: str | None = MigrationContext.configure(connection).get_current_revision()
        return revision


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply migrations up to `revision` (idempotent)."""
    command.upgrade(alembic_config(engine), revision)
    logger.info("store schema at %s", current_revision(engine))


def check_schema(engine: Engine) -> None:
    """Refuse to run on a database whose schema is not the code's (when migrations are not applied at start)."""
    current, head = current_revision(engine), head_revision()
    if current != head:
        raise StoreUnavailable(f"store schema is at {current or 'nothing'}, the code needs {head}: run "
                               "`deskmate db-upgrade` (or set DESKMATE_STORE__MIGRATE_ON_START=true)")


@contextmanager
def scratch_schema(base_url: str, *, prefix: str = "dm_test", migrate: bool = False) -> Iterator[str]:
    """A new, empty schema on a PostgreSQL server, dropped afterwards: yields a URL whose connections use it
    (`search_path`), migrated to head with `migrate`. For tests and benchmarks against the real server."""
    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base_url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = f"{base_url}{'&' if '?' in base_url else '?'}options={quote(f'-csearch_path={schema}')}"
    try:
        if migrate:
            engine = open_engine(url)
            upgrade(engine)
            engine.dispose()
        yield url
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
