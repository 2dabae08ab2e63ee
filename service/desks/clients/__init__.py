"""Desk REST clients for write-back and `deskmate desks check`: one module per desk over `base.py`, chosen by
`client_for(config)`."""

from __future__ import annotations

import httpx

from service.desks.clients import base
from service.desks.clients.base import CheckResult, DeskClient, HttpDeskClient
from service.desks.clients.freshdesk import FreshdeskClient
from service.desks.clients.zammad import ZammadClient
from service.desks.clients.zendesk import ZendeskClient
from service.desks.config import DeskConfig

__all__ = ["CheckResult", "DeskClient", "HttpDeskClient", "client_for"]


def client_for(config: DeskConfig, *, http: httpx.Client | None = None,
               timeout_s: float | None = None) -> DeskClient:
    """The REST client of one configured desk (its secrets are read now). `http`: a shared or test client;
    `timeout_s`: per request (default `base.DEFAULT_TIMEOUT_S`, read now)."""
    token = config.credentials.token.get()
    timeout_s = base.DEFAULT_TIMEOUT_S if timeout_s is None else timeout_s
    if config.kind == "zendesk":
        return ZendeskClient(name=config.name, base_url=config.api_url, email=config.credentials.email or "",
                             api_token=token, timeout_s=timeout_s, http=http)
    if config.kind == "freshdesk":
        return FreshdeskClient(name=config.name, base_url=config.api_url, api_key=token, timeout_s=timeout_s,
                               http=http)
    return ZammadClient(name=config.name, base_url=config.api_url, token=token, timeout_s=timeout_s, http=http)
