"""New labels for `deskmate models`: labels that requests brought with `new_label: true`, and whether the active
model and routing policy know them by now (after a retrain or a policy change)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from models.errors import DeskmateError
from models.routing_heads import read_manifest
from models.routing_policy import RoutingPolicy
from service.components import open_store
from service.labels import Vocabulary
from service.settings import Settings
from service.store import new_labels


def _store_exists(url: str) -> bool:
    """False for a SQLite file that was never made (reading it would create an empty store)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return True
    return Path(parsed.database).is_file()


def new_label_report(*, settings: Settings, active_dir: Path | None) -> list[dict[str, Any]]:
    """One row per new label (kind, label, uses, sources, first/last seen, `known_now`), most used first.

    `known_now` is None when neither the active model nor the routing policy can be read. Raises
    DeskmateError when the store cannot be opened."""
    if not _store_exists(settings.resolved_store_url):
        return []
    store = open_store(settings)
    try:
        with store.session() as session:
            uses = new_labels.summary(session)
    finally:
        store.close()
    vocabulary: Vocabulary | None = None
    try:
        topics = read_manifest(active_dir)["topic"]["labels"] if active_dir is not None else []
        vocabulary = Vocabulary.from_parts(topics, RoutingPolicy.from_yaml(settings.routing_rules))
    except (DeskmateError, KeyError):
        vocabulary = None
    rows = []
    for use in uses:
        known = None if vocabulary is None else use.label in vocabulary.allowed(use.kind)
        rows.append({"kind": use.kind, "label": use.label, "uses": use.uses, "sources": list(use.sources),
                     "first_seen": use.first_seen.isoformat(timespec="seconds"),
                     "last_seen": use.last_seen.isoformat(timespec="seconds"), "known_now": known})
    return rows
