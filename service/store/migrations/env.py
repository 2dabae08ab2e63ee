"""Alembic environment: runs on the engine the store passes in (`config.attributes["engine"]`)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

from service.store.tables import Base

target_metadata = Base.metadata


def run_migrations_online() -> None:
    engine: Engine = context.config.attributes["engine"]
    with engine.begin() as connection:
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True,
                          compare_type=True)
        context.run_migrations()


if context.is_offline_mode():
    raise RuntimeError("offline SQL generation is not supported; run migrations against a database")
run_migrations_online()
