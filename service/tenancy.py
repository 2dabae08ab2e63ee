"""Tenants at the edge: a key bound to a tenant (`deskmate keys create --tenant T`) acts for that tenant only.

Such a key's request may leave each `tenant` field empty or name its own tenant (another one: 403); the field
is then filled from the key. Tickets it records carry its key id and tenant, and the store refuses to overwrite
a ticket of another tenant (service/store/repository.py). Searches (`/v1/similar`, `/v1/suggest`) only see its
tenant's cases (articles without a tenant are shared). A key without a tenant, the admin token and a service
with keys disabled (no principal) act for any tenant: the single-tenant behaviour.
"""

from __future__ import annotations

from dataclasses import replace

from service.deps import Principal
from service.errors import ApiError
from service.pipeline import SearchQuery, SuggestInput, TicketInput


def key_tenant(principal: Principal | None) -> str | None:
    """The tenant the request's key is bound to; None: any tenant."""
    return principal.tenant if principal is not None else None


def tenant_for(principal: Principal | None, requested: str | None, *, field: str = "tenant") -> str | None:
    """The tenant a request acts for: the key's, when it has one (the request may only repeat it), else the
    requested one (empty means none)."""
    requested = requested or None
    bound = key_tenant(principal)
    if bound is None:
        return requested
    if requested is not None and requested != bound:
        raise ApiError(403, "forbidden", f"this key acts for tenant {bound!r} only; `{field}` names another tenant "
                                         "(leave it empty or name the key's tenant)")
    return bound


def stamp(ticket: TicketInput, principal: Principal | None) -> TicketInput:
    """The ticket as recorded for this request: with the key's id and tenant."""
    if principal is None:
        return ticket
    return replace(ticket, key_id=principal.key_id, tenant=principal.tenant)


def scope_query(query: SearchQuery, principal: Principal | None) -> SearchQuery:
    """A tenant key searches its own tenant's cases only (a tenant filter may repeat it, never widen it)."""
    bound = key_tenant(principal)
    if bound is None:
        return query
    requested = query.filters.tenant
    values = (requested,) if isinstance(requested, str) else tuple(requested or ())
    for value in values:
        tenant_for(principal, value, field="filters.tenant")
    return replace(query, filters=replace(query.filters, tenant=bound))


def scope_suggest(inp: SuggestInput, principal: Principal | None) -> SuggestInput:
    if principal is None:
        return inp
    return replace(inp, ticket=stamp(inp.ticket, principal), query=scope_query(inp.query, principal))
