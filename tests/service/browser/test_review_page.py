"""The review page in a real browser (Debian's chromium through Playwright) against a live Deskmate on loopback:
sign in, inbox, one ticket with its citations, fix placeholders and accept, reject with a reason, the stored
feedback, escaping of hostile ticket text, a refused key, two reviewers at once, network loss, a 380 px sidebar.

Screenshots go to var/screenshots/ (CI keeps them as artifacts); timings to var/screenshots/timings.json.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Iterator
from typing import Any

import pytest

from tests.service.browser.conftest import ROOT, SCREENSHOTS, TICKETS, LiveDeskmate

pytestmark = [pytest.mark.browser, pytest.mark.keys_on]

DOCS_SCREENSHOTS = ROOT / "docs" / "screenshots"
TIMINGS: dict[str, float] = {}


@pytest.fixture()
def context(browser: Any) -> Iterator[Any]:
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    ctx.set_default_timeout(15_000)
    try:
        yield ctx
    finally:
        ctx.close()


def sign_in(page: Any, live: LiveDeskmate, *, key: str = "agent", agent: str = "agent-ana") -> float:
    """Open /app, sign in, wait for the inbox; the seconds from navigation to a filled inbox."""
    started = time.perf_counter()
    page.goto(live.url + "/app")
    page.locator("#login").wait_for(state="visible")
    page.fill("#login-agent", agent)
    page.fill("#login-key", live.keys[key])
    page.click("#login-submit")
    page.locator("#inbox-list li").first.wait_for()
    return time.perf_counter() - started


def open_ticket(page: Any, live: LiveDeskmate, name: str) -> None:
    page.click(f'#inbox-list button[data-id="{live.suggestions[name]}"]')
    page.locator("#detail-body").wait_for(state="visible")
    page.locator(f'#detail[data-loaded="{live.suggestions[name]}"]').wait_for(state="attached")


def wait_status(page: Any, text: str) -> None:
    """Waits for the detail status to say `text`; on a timeout the failure shows what it says instead."""
    try:
        page.locator("#detail-status").filter(has_text=text).wait_for()
    except Exception as error:  # Playwright's TimeoutError
        shown = page.locator("#detail-status").text_content()
        raise AssertionError(f"status never said {text!r}; it says {shown!r}") from error


def shot(page: Any, name: str, *, full_page: bool = True) -> None:
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)


def test_an_invalid_key_shows_the_prompt_again(context: Any, live: LiveDeskmate) -> None:
    page = context.new_page()
    page.goto(live.url + "/app")
    page.locator("#login").wait_for(state="visible")
    page.fill("#login-agent", "agent-ana")
    page.fill("#login-key", "dm_not_a_real_key")
    page.click("#login-submit")
    message = page.locator("#login-message")
    message.filter(has_text="refused").wait_for()
    assert page.locator("#login").is_visible()
    assert page.evaluate("sessionStorage.getItem('deskmate.key')") is None
    shot(page, "login-refused")
    # A key without the agent scope: told so, prompted again.
    page.fill("#login-key", live.keys["route_only"])
    page.click("#login-submit")
    message.filter(has_text="agent scope").wait_for()
    assert page.locator("#login").is_visible()


def test_review_a_draft_end_to_end(context: Any, live: LiveDeskmate) -> None:
    page = context.new_page()
    TIMINGS["first_page_load_s"] = round(sign_in(page, live), 3)
    shown = page.eval_on_selector_all("#inbox-list button.item", "nodes => nodes.map(n => n.dataset.id)")
    assert {live.suggestions[name] for name in TICKETS} <= set(shown)  # (other pages' tests may add more)
    levels = ["low", "normal", "high", "urgent"]
    urgencies = page.eval_on_selector_all("#inbox-list li .badge:first-child", "nodes => nodes.map(n => n.textContent)")
    ranks = [levels.index(u) for u in urgencies]
    assert ranks == sorted(ranks, reverse=True) and urgencies[0] == "urgent"  # most urgent first
    shot(page, "inbox", full_page=False)

    # Keyboard: j moves down, k up, Enter opens.
    page.keyboard.press("j")
    page.keyboard.press("k")
    assert page.locator("#inbox-list li.selected").count() == 1
    open_ticket(page, live, "billing")
    assert page.locator("#ticket-body").text_content() == live.get(
        f"/v1/suggestions/{live.suggestions['billing']}")["ticket"]["body"]
    assert page.locator("#routing meter").count() == 1 and "billing" in page.locator("#routing").text_content()

    # Citations: hovering a source link shows the case's passage.
    cite = page.locator("#draft-sentences .cite").first
    cite.hover()
    popup = page.locator("#source-popup")
    popup.wait_for(state="visible")
    assert "refunded the duplicate charge" in popup.text_content()
    shot(page, "ticket-citation")
    page.mouse.move(0, 0)

    # Blocked until the marked sentence is confirmed and every placeholder filled.
    accept = page.locator("#accept")
    assert accept.is_disabled() and page.locator("mark.placeholder").count() >= 2
    assert page.locator(".sentence.confirm").count() == 1
    page.locator("#blockers input[type=checkbox]").first.check()
    for _ in range(5):  # "e" selects the first placeholder left in the reply; typing replaces it
        if not page.locator("#blockers button.link").count():
            break
        first = page.locator("#blockers button.link").first.text_content()
        page.keyboard.press("Escape")  # out of the reply, so the next key is a shortcut
        page.keyboard.press("e")
        assert page.evaluate("document.activeElement.id") == "reply"
        page.keyboard.type("Ana" if first == "[NAME]" else "Sam from Support")
    assert accept.is_enabled() and accept.text_content() == "Send edited"
    shot(page, "ticket-ready")
    page.keyboard.press("Escape")
    started = time.perf_counter()
    page.keyboard.press("a")
    wait_status(page, "Saved: edited")
    TIMINGS["review_round_trip_s"] = round(time.perf_counter() - started, 3)
    reviews = live.get(f"/v1/suggestions/{live.suggestions['billing']}")["reviews"]
    assert [(r["action"], r["agent_id"]) for r in reviews] == [("edited", "agent-ana")]
    assert 0 < reviews[0]["edit_distance"] < 0.5
    assert page.locator("#reviews li").first.text_content().startswith("edited by agent-ana")

    # Reject another with a reason and a corrected topic.
    open_ticket(page, live, "login")
    page.keyboard.press("Escape")
    page.keyboard.press("r")
    assert page.evaluate("document.activeElement.id") == "reject-code"
    page.select_option("#reject-code", "wrong_topic")
    page.fill("#reject-text", "This is about SSO, not the reset link.")
    page.fill("#c-topic", "login_access")
    page.click("#reject")
    wait_status(page, "Saved: rejected")
    stored = live.get(f"/v1/suggestions/{live.suggestions['login']}")["reviews"]
    assert stored[0]["action"] == "rejected" and stored[0]["reason_code"] == "wrong_topic"
    assert stored[0]["corrected"]["topic"] == "login_access" and stored[0]["reason"].startswith("This is about SSO")
    inbox = live.get("/v1/suggestions?unreviewed=true")["items"]
    assert live.suggestions["login"] not in {i["suggestion_id"] for i in inbox}

    page.keyboard.press("Escape")
    page.keyboard.press("?")
    page.locator("#help").wait_for(state="visible")
    shot(page, "help")


def test_hostile_ticket_text_is_shown_as_text(context: Any, live: LiveDeskmate) -> None:
    page = context.new_page()
    dialogs: list[str] = []
    requests: list[str] = []

    def on_dialog(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.on("request", lambda r: requests.append(r.url))
    sign_in(page, live)
    open_ticket(page, live, "xss")
    body = page.locator("#ticket-body")
    assert "<script>alert(1)</script>" in body.text_content()
    assert "<img src=x onerror=alert(2)>" in body.text_content()
    assert "<script>" in page.locator("#ticket-subject").text_content()
    assert page.evaluate("document.querySelectorAll('#ticket-body *, #ticket-subject *, #inbox-list img').length") == 0
    page.wait_for_timeout(300)
    assert dialogs == [] and not [url for url in requests if url.endswith("/x")]
    shot(page, "hostile-text")


def test_a_second_reviewer_is_told_it_was_already_reviewed(context: Any, live: LiveDeskmate) -> None:
    page = context.new_page()
    sign_in(page, live, key="agent2", agent="agent-bo")
    open_ticket(page, live, "race")
    # Meanwhile another agent accepts it.
    sid = live.suggestions["race"]
    first = live.post(f"/v1/suggestions/{sid}/feedback", {"action": "accepted", "agent_id": "agent-cy",
                                                          "if_unreviewed": True})
    assert first.status_code == 201, first.text
    page.select_option("#reject-code", "tone")
    page.click("#reject")
    wait_status(page, "Already reviewed by agent-cy")
    reviews = live.get(f"/v1/suggestions/{sid}")["reviews"]
    assert [r["agent_id"] for r in reviews] == ["agent-cy"]
    shot(page, "already-reviewed")


def test_network_loss_is_retried_with_the_same_key_and_stored_once(context: Any, live: LiveDeskmate) -> None:
    page = context.new_page()
    sign_in(page, live)
    open_ticket(page, live, "retry")
    sid = live.suggestions["retry"]
    seen: list[str] = []

    def flaky(route: Any) -> None:
        seen.append(route.request.headers.get("idempotency-key", ""))
        if len(seen) == 1:
            route.abort("internetdisconnected")
        else:
            route.continue_()

    page.route(f"**/v1/suggestions/{sid}/feedback", flaky)
    page.select_option("#reject-code", "outdated")
    page.click("#reject")
    wait_status(page, "Pending")
    wait_status(page, "Saved: rejected")
    assert len(seen) == 2 and seen[0] == seen[1] and seen[0].startswith("app-")
    assert [r["reason_code"] for r in live.get(f"/v1/suggestions/{sid}")["reviews"]] == ["outdated"]


def test_a_suggestion_that_no_longer_exists(context: Any, live: LiveDeskmate) -> None:
    page = context.new_page()
    sign_in(page, live)
    page.goto(live.url + "/app#/s/sug_01GONEGONEGONEGONEGONEGONE")
    wait_status(page, "no longer exists")
    assert page.locator("#accept").is_disabled() and page.locator("#reject").is_disabled()


def test_a_380_px_sidebar(browser: Any, live: LiveDeskmate) -> None:
    ctx = browser.new_context(viewport={"width": 380, "height": 820})
    try:
        page = ctx.new_page()
        sign_in(page, live)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 380, f"the inbox scrolls sideways at 380 px ({width} px wide)"
        shot(page, "sidebar-380-inbox")
        open_ticket(page, live, "outage")
        assert not page.locator("#inbox").is_visible()  # one pane at a time
        assert page.evaluate("document.documentElement.scrollWidth") <= 380
        shot(page, "sidebar-380-ticket")
        page.click("#back")
        page.locator("#inbox").wait_for(state="visible")
    finally:
        ctx.close()


def test_zz_publish_screenshots_and_timings() -> None:
    """Last: the timings next to the screenshots, and the README's screenshots refreshed in docs/screenshots/."""
    (SCREENSHOTS / "timings.json").write_text(json.dumps(TIMINGS, indent=2) + "\n")
    DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for name in ("inbox", "ticket-citation", "sidebar-380-ticket"):
        if (SCREENSHOTS / f"{name}.png").exists():
            shutil.copyfile(SCREENSHOTS / f"{name}.png", DOCS_SCREENSHOTS / f"review-{name}.png")
