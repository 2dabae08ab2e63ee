"""`deskmate keys create|list|revoke`: API keys with scopes, kept hashed in the feedback store."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from models.errors import DeskmateError
from service.components import open_store
from service.settings import Settings
from service.store.keys import SCOPES, ApiKey, create_key, list_keys, revoke_key

console = Console(stderr=True)
app = typer.Typer(help="API keys: each endpoint but /healthz and /readyz needs one with the right scope.",
                  no_args_is_help=True)


def _row(key: ApiKey) -> dict[str, object]:
    return {"key_id": key.key_id, "name": key.name, "scopes": list(key.scopes), "tenant": key.tenant,
            "created_at": key.created_at.isoformat(timespec="seconds"),
            "revoked_at": key.revoked_at.isoformat(timespec="seconds") if key.revoked_at else None}


def _fail(exc: Exception) -> typer.Exit:
    console.print(f"[red]error:[/red] {escape(str(exc))}")
    return typer.Exit(code=2)


@app.command("create")
def create_command(
    name: Annotated[str, typer.Option(help="Who or what uses the key (logged with each request).")],
    scope: Annotated[list[str], typer.Option(help=f"A scope, repeatable: {', '.join(SCOPES)}.")],
    tenant: Annotated[str | None, typer.Option(
        help="Bind the key to this tenant: it reads and writes that tenant's tickets and cases only. "
             "Default: none (any tenant, single-tenant use).")] = None,
) -> None:
    """Make a key; it is printed once (stdout) and only its SHA-256 is stored."""
    store = open_store(Settings())
    try:
        key, secret = create_key(store, name=name, scopes=scope, tenant=tenant)
    except DeskmateError as exc:
        raise _fail(exc) from exc
    finally:
        store.close()
    bound = f" for tenant {key.tenant}" if key.tenant else ""
    console.print(f"created key {key.key_id} ({key.name}) with scopes {', '.join(key.scopes)}{bound}; "
                  "store it now, it is not shown again")
    typer.echo(secret)


@app.command("list")
def list_command() -> None:
    """Every key (id, name, scopes, dates), never the secrets; one JSON object per line."""
    store = open_store(Settings())
    try:
        for key in list_keys(store):
            typer.echo(json.dumps(_row(key)))
    finally:
        store.close()


@app.command("revoke")
def revoke_command(key_id: Annotated[str, typer.Argument(help="The key id (the part after `dm_`).")]) -> None:
    """Revoke a key: refused from then on (within DESKMATE_AUTH__CACHE_SECONDS on running services)."""
    store = open_store(Settings())
    try:
        key = revoke_key(store, key_id)
    except DeskmateError as exc:
        raise _fail(exc) from exc
    finally:
        store.close()
    typer.echo(json.dumps(_row(key)))
