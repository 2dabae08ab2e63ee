"""Each shipped template, filled as the desk fills it, maps to the service's ticket fields; what is missing is named."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from service.desks.config import DeskConfig, load_desks
from service.desks.mapping import DeskEvent, PayloadError, map_event
from tests.service.desks.helpers import desk_dir, filled


@pytest.fixture()
def desks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, DeskConfig]:
    return load_desks(desk_dir(tmp_path, monkeypatch))


def test_zendesk_templates(desks: dict[str, DeskConfig]) -> None:
    desk = desks["zendesk"]
    created = map_event(desk, filled("zendesk", "created"))
    assert (created.event, created.ticket_id, created.subject) == ("created", "4711", "Charged twice")
    assert created.body.startswith("My credit card invoice was charged twice") and created.channel == "email"
    assert created.customer_name == "Ana Souza" and created.tags == ("invoice", "tier_enterprise")
    assert created.tier == "enterprise"  # from the tag map
    assert map_event(desk, filled("zendesk", "replied")).comment == "Still waiting for the refund, any news?"
    solved = map_event(desk, filled("zendesk", "solved"))
    assert solved.event == "solved" and solved.reply.startswith("I refunded the duplicate charge")


def test_freshdesk_templates_strip_the_html_description(desks: dict[str, DeskConfig]) -> None:
    desk = desks["freshdesk"]
    created = map_event(desk, filled("freshdesk", "created"))
    assert created.body == "I cannot log in since the password reset."  # HTML stripped
    assert created.channel == "web" and created.tags == ("login", "urgent") and created.tier is None
    assert map_event(desk, filled("freshdesk", "solved")).reply == "Reset your password from the login page link."


def test_zammad_templates_and_its_default_payload(desks: dict[str, DeskConfig]) -> None:
    desk = desks["zammad"]
    created = map_event(desk, filled("zammad", "created"))
    assert (created.ticket_id, created.subject, created.customer_name) == ("81", "App is slow", "Emily Adams")
    assert created.body == "The dashboard takes a minute to load.\nSince Monday." and created.channel == "email"
    default: dict[str, Any] = {  # Zammad's default trigger payload: no event field
        "ticket": {"id": 81, "title": "App is slow", "state": "open", "article_count": 1,
                   "customer": {"firstname": "Emily", "lastname": "Adams"}},
        "article": {"body": "It is slow", "sender": "Customer", "type": "phone", "internal": False}}
    event = map_event(desk, default)
    assert (event.event, event.ticket_id, event.customer_name, event.channel) == ("created", "81", "Emily Adams",
                                                                                  "phone")
    default["ticket"]["article_count"] = 3
    assert map_event(desk, default).event == "replied"
    default["ticket"]["state"] = "closed"
    assert map_event(desk, default).event == "solved"


def test_configured_paths_and_maps_win(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    extra = ("mapping:\n  fields: {language: ticket.lang}\n  tier: {field: ticket.plan, map: {gold: enterprise}}\n"
             "  channel: {map: {carrier pigeon: other, mail: chat}}\n")
    desk = load_desks(desk_dir(tmp_path, monkeypatch, zendesk=extra))["zendesk"]
    data = filled("zendesk", "created")
    data["ticket"] |= {"lang": "de", "plan": "gold"}
    event = map_event(desk, data)
    assert (event.language, event.tier, event.channel) == ("de", "enterprise", "chat")


@pytest.mark.parametrize(("kind", "event", "overrides", "missing"), [
    ("zendesk", "created", {"{{ticket.id}}": ""}, ["ticket.id"]),
    ("zendesk", "created", {"{{ticket.title}}": "", "{{ticket.description}}": "  "},
     ["ticket.subject or ticket.description"]),
    ("freshdesk", "created", {"{{ticket.subject}}": "", "{{ticket.description}}": "<p> </p>"},
     ["ticket.subject or ticket.description"]),
    ("zendesk", "solved", {"{{ticket.latest_public_comment}}": ""}, ["ticket.latest_public_comment"]),
    ("zammad", "created", {"#{ticket.id}": "a b/c", "#{ticket.title}": "", "#{article.body}": ""},
     ["ticket.id", "ticket.title or article.body"]),
])
def test_missing_id_or_text_is_listed(desks: dict[str, DeskConfig], kind: str, event: str,
                                      overrides: dict[str, str], missing: list[str]) -> None:
    with pytest.raises(PayloadError) as info:
        map_event(desks[kind], filled(kind, event, **overrides))
    assert info.value.missing == missing


def test_unknown_events_and_non_objects_are_refused(desks: dict[str, DeskConfig]) -> None:
    data = filled("zendesk", "created")
    data["event"] = "deleted"
    with pytest.raises(PayloadError, match="expected one of created, replied, solved"):
        map_event(desks["zendesk"], data)
    with pytest.raises(PayloadError, match="JSON object"):
        map_event(desks["zendesk"], ["not", "an", "object"])


def test_event_payload_round_trip(desks: dict[str, DeskConfig]) -> None:
    event = map_event(desks["zendesk"], filled("zendesk", "created"))
    assert DeskEvent.from_payload(event.to_payload()) == event
