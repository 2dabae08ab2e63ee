"""`deskmate index-snapshot`: write a snapshot of the live index (directory + change sequence) while the service runs.

With the change log on, the processes keep live changes in memory and in the log, and a restart replays the log
after the snapshot its index directory holds. This command opens the index the processes serve, replays the log
onto it and saves it into that directory with the sequence it reached (service/changes/snapshot.py: one
snapshot at a time, never going back in time), so that restarts replay little. Safe while processes run: they
read the directory only when they start or swap, and a save replaces the manifest last.
"""

from __future__ import annotations

import json

import typer

from index.holder import IndexHolder
from models.errors import DeskmateError, InvalidInputError
from service import components
from service.changes.runtime import open_follower
from service.changes.snapshot import write_snapshot
from service.settings import Settings


def index_snapshot(*, settings: Settings) -> dict[str, object]:
    """Replay the change log onto the served index and save it in place; what was written."""
    if not settings.changes.enabled:
        raise InvalidInputError("the change log is off (DESKMATE_CHANGES__ENABLED=false): the service saves its "
                                "index itself, there is nothing to snapshot")
    embedder = components.build_embedder(settings)
    embedder.load()
    store = components.open_store(settings)
    try:
        holder = IndexHolder()
        components.open_index(settings, holder, embedder)
        follower = open_follower(settings, holder, store, embedder=embedder)
        if not holder.ready:
            raise DeskmateError(f"the index could not be opened: {holder.reason}")
        seq = write_snapshot(follower, settings.data_dir)
        path = holder.index.path
        return {"path": str(path), "change_seq": seq, "index_version": holder.version}
    finally:
        store.close()


def index_snapshot_command() -> None:
    """Write a snapshot of the live index and its change sequence, so restarts replay less (docs/scale-out.md)."""
    try:
        result = index_snapshot(settings=Settings())
    except DeskmateError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(code=1) from exc
    typer.echo(json.dumps(result))
