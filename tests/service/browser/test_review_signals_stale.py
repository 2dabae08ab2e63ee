"""The review page's routing facts and staleness in a real browser: urgency signals with their evidence and the
override rules by name, an article's passage in the citation popup, and a stale (superseded) suggestion shown as
such, left out of "not yet reviewed" unless asked for, with accepting blocked.

Screenshots go to var/screenshots/ and are copied to docs/screenshots/ (review-ticket-signals, review-stale).
"""

from __future__ import annotations

import shutil
from typing import Any

import pytest

from service.desks.records import DeskRecords
from service.state import state_of
from tests.service.browser.conftest import SCREENSHOTS, LiveDeskmate
from tests.service.browser.test_quality_page import suggest
from tests.service.browser.test_review_page import DOCS_SCREENSHOTS, context, shot, sign_in  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.keys_on]

URGENT = {"id": "ZD-130", "subject": "Production down, charged twice", "channel": "email", "language": "en",
          "body": "URGENT: production is down for the whole team and my card was charged twice, asap",
          "customer": {"name": "Bo Lind", "tier": "enterprise"}}


def open_by_id(page: Any, sid: str) -> None:
    page.click(f'#inbox-list button[data-id="{sid}"]')
    page.locator("#detail-body").wait_for(state="visible")
    page.locator(f'#detail[data-loaded="{sid}"]').wait_for(state="attached")


def inbox_ids(page: Any) -> list[str]:
    ids: list[str] = page.eval_on_selector_all("#inbox-list button.item", "nodes => nodes.map(n => n.dataset.id)")
    return ids


def test_signals_rules_and_an_article_passage(context: Any, live: LiveDeskmate) -> None:  # noqa: F811
    sid = suggest(live, URGENT)
    decision = live.get(f"/v1/suggestions/{sid}")["decision"]
    assert decision["signals"] and decision["applied_rules"]  # what the page must show
    page = context.new_page()
    sign_in(page, live)
    open_by_id(page, sid)
    signals = page.locator("#signals li")
    assert signals.count() == len(decision["signals"])
    outage = signals.filter(has_text="outage")
    assert outage.count() == 1 and "raised to urgent" in outage.text_content()
    assert outage.locator("q.evidence").text_content() == "is down"
    rules = page.eval_on_selector_all("#rules li code", "nodes => nodes.map(n => n.textContent)")
    assert rules == decision["applied_rules"] and "enterprise-urgent-to-escalations" in rules
    page.locator("#routing").scroll_into_view_if_needed()
    shot(page, "ticket-signals")

    # An article's passage in the popup (the billing ticket's draft cites the refunds article).
    billing = live.suggestions["billing"]
    article = next(s for s in live.get(f"/v1/suggestions/{billing}")["sources"] if s["kind"] == "article")
    page.goto(live.url + "/app")
    page.locator("#inbox-list li").first.wait_for()
    open_by_id(page, billing)
    page.locator(f'#draft-sentences .cite[aria-label="Source {article["source_id"]}"]').first.hover()
    popup = page.locator("#source-popup")
    popup.wait_for(state="visible")
    assert popup.locator(".source-title").text_content() == article["title"]
    assert popup.locator(".passage").text_content() == article["text"] and "refund" in article["text"]
    shot(page, "ticket-article")


def test_a_stale_suggestion(context: Any, live: LiveDeskmate) -> None:  # noqa: F811
    ticket = {"id": "ZD-140", "subject": "Charged twice again", "channel": "email", "language": "en",
              "body": "my credit card was charged twice for one invoice"}
    older = suggest(live, ticket)
    newer = suggest(live, {**ticket, "body": "still charged twice, any news on the refund?"})
    records = DeskRecords(state_of(live.app).require_store())
    records.add(suggestion_id=older, ticket_id="ZD-140", desk="zendesk", event="created", job_id=None, planned={},
                stale=[])
    records.add(suggestion_id=newer, ticket_id="ZD-140", desk="zendesk", event="replied", job_id=None, planned={},
                stale=records.active("ZD-140"))
    page = context.new_page()
    sign_in(page, live)
    badge = page.locator(f'#inbox-list button[data-id="{older}"] .badge.stale')
    assert badge.text_content() == f"stale — superseded by {newer}"

    page.check("#f-unreviewed")
    page.wait_for_function("id => !document.querySelector(`#inbox-list button[data-id='${id}']`)", arg=older)
    assert newer in inbox_ids(page)
    page.check("#f-stale")
    page.locator(f'#inbox-list button[data-id="{older}"]').wait_for()
    shot(page, "inbox-stale", full_page=False)

    open_by_id(page, older)
    note = page.locator("#stale")
    assert note.is_visible() and f"superseded by {newer}" in note.text_content()
    assert page.locator("#accept").is_disabled()
    page.locator("#reply").fill("Hi, we refunded the duplicate charge.")  # even a filled reply stays blocked
    assert page.locator("#accept").is_disabled()
    shot(page, "ticket-stale")
    page.click("#open-newer")
    page.wait_for_function("id => location.hash.endsWith(id)", arg=newer)
    note.wait_for(state="hidden")
    assert live.get(f"/v1/suggestions/{older}")["reviews"] == []  # nothing was sent for the stale one


def test_zz_publish_screenshots() -> None:
    DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for name in ("ticket-signals", "ticket-stale"):
        if (SCREENSHOTS / f"{name}.png").exists():
            shutil.copyfile(SCREENSHOTS / f"{name}.png", DOCS_SCREENSHOTS / f"review-{name}.png")
