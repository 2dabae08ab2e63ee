"""The desk note links the suggestion's compact review view when Deskmate's public address is configured."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from service.desks.notes import review_link
from service.settings import DeskSettings
from service.state import state_of
from tests.service.desks.test_handlers import FakeClient, deliver, handler_for


def test_the_note_carries_the_compact_view_link(desk_client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    state = state_of(desk_client.app)
    desks = state.settings.desks.model_copy(update={"review_url": "https://deskmate.example.com/"})
    monkeypatch.setattr(state, "settings", state.settings.model_copy(update={"desks": desks}))
    fake = FakeClient()
    result = handler_for(desk_client, fake)(deliver(desk_client, "zendesk", "created", "link-1"))
    assert result is not None
    (_, wb, _), = fake.calls
    sid = result["suggestion_id"]
    assert wb.note_text is not None
    assert wb.note_text.endswith(f"Review it in Deskmate: https://deskmate.example.com/app/compact?suggestion={sid}")


def test_without_a_public_address_the_note_has_no_link(desk_client: TestClient) -> None:
    assert state_of(desk_client.app).settings.desks.review_url is None
    fake = FakeClient()
    handler_for(desk_client, fake)(deliver(desk_client, "zendesk", "created", "link-2"))
    (_, wb, _), = fake.calls
    assert wb.note_text is not None and "/app/compact" not in wb.note_text and "Review it in" not in wb.note_text


def test_the_link_escapes_the_id_and_the_setting_must_be_an_address() -> None:
    assert review_link("http://h:8000", "sug_a b&c") == "http://h:8000/app/compact?suggestion=sug_a%20b%26c"
    for bad in ("deskmate.example.com", "https://h/?x=1", "javascript:alert(1)"):
        with pytest.raises(ValidationError):
            DeskSettings(review_url=bad)
