"""The Zendesk sidebar app (service/web/zendesk/) in a real browser with a stub ZAF client, against the live
Deskmate; and the same compact view standalone at /app/compact (the Freshdesk/Zammad link).

The app's own files are served as Zendesk would (from a fake app origin); the ZAF SDK URL is answered with a stub
`ZAFClient` whose `request` goes to the live server through a Python function, filling in the secure key setting
as Zendesk's proxy does (and only when `secure: true`). Nothing reaches the internet."""

from __future__ import annotations

import json
import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from service.desks.records import DeskRecords
from service.state import state_of
from tests.service.browser.conftest import ROOT, SCREENSHOTS, LiveDeskmate

pytestmark = [pytest.mark.browser, pytest.mark.keys_on]

APP = ROOT / "service" / "web" / "zendesk" / "assets"
APP_ORIGIN = "https://zendesk-app.test"
DESKMATE_SETTING = "https://deskmate.test"
SDK = "https://static.zdassets.com/zendesk_app_framework_sdk/2.0/zaf_sdk.min.js"
TICKET = {"id": 9001, "subject": "Charged twice for my plan",
          "description": "My credit card invoice was charged twice this month. Please refund one. "
                         "<img src=x onerror=\"window.__pwned=1\"><script>window.__pwned=2</script>",
          "via": {"channel": "email"}, "requester": {"name": "Ana Souza"}}
# The stub SDK: records what the app asks, answers from the ticket above, sends requests through deskmateProxy.
STUB_SDK = """
window.__calls = []; window.__invoked = [];
window.ZAFClient = {init: function () { return {
  metadata: function () { return Promise.resolve({settings: {deskmate_url: SETTING}}); },
  get: function (path) {
    if (path === 'ticket') { return Promise.resolve({ticket: TICKET}); }
    if (path === 'currentUser') { return Promise.resolve({currentUser: {id: 42, name: 'Sam'}}); }
    return Promise.reject(new Error('unknown path ' + path));
  },
  invoke: function (name, arg) { window.__invoked.push([name, arg]); return Promise.resolve({}); },
  request: function (options) {
    window.__calls.push(options);
    return window.deskmateProxy(JSON.stringify(options)).then(function (answer) {
      if (answer.status >= 200 && answer.status < 300) { return JSON.parse(answer.body); }
      return Promise.reject({status: answer.status, statusText: 'error', responseText: answer.body});
    });
  }
}; }};
""".replace("SETTING", json.dumps(DESKMATE_SETTING)).replace("TICKET", json.dumps(TICKET))


class ZendeskProxy:
    """Zendesk's request proxy, in the test: `{{setting.deskmate_key}}` is filled in only for secure requests to
    the whitelisted Deskmate; `drop_next_feedback` loses the first feedback request (network failure)."""

    def __init__(self, live: LiveDeskmate) -> None:
        self.live = live
        self.drop_next_feedback = False
        self.sent: list[dict[str, Any]] = []
        self.suggestion: dict[str, Any] | None = None

    def __call__(self, raw: str) -> dict[str, Any]:
        options = json.loads(raw)
        self.sent.append(options)
        headers = {name: (value.replace("{{setting.deskmate_key}}", self.live.keys["agent"])
                          if options.get("secure") else value) for name, value in options["headers"].items()}
        assert options["url"].startswith(DESKMATE_SETTING + "/"), options["url"]
        path = options["url"][len(DESKMATE_SETTING):]
        if path.endswith("/feedback") and self.drop_next_feedback:
            self.drop_next_feedback = False
            return {"status": 0, "body": ""}
        response = httpx.request(options["type"], self.live.url + path, content=options["data"], timeout=30,
                                 headers={**headers, "content-type": options["contentType"]})
        if path == "/v1/suggest" and response.status_code == 200:
            self.suggestion = response.json()
        return {"status": response.status_code, "body": response.text}


@pytest.fixture()
def sidebar(browser: Any, live: LiveDeskmate) -> Iterator[tuple[Any, ZendeskProxy]]:
    context = browser.new_context(viewport={"width": 380, "height": 900})
    context.set_default_timeout(15_000)
    proxy = ZendeskProxy(live)
    context.expose_function("deskmateProxy", proxy)
    context.route(SDK, lambda route: route.fulfill(body=STUB_SDK, content_type="text/javascript"))
    context.route(re.compile(r"^https://zendesk-app\.test/assets/"), lambda route: route.fulfill(
        path=str(APP / route.request.url.rsplit("/", 1)[1])))
    elsewhere: list[str] = []
    dialogs: list[str] = []

    def refuse(route: Any) -> None:
        elsewhere.append(route.request.url)
        route.abort()

    def dismiss(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    context.route(re.compile(r"^https?://(?!zendesk-app\.test|static\.zdassets\.com|127\.0\.0\.1)"), refuse)
    page = context.new_page()
    page.on("dialog", dismiss)
    try:
        yield page, proxy
        assert elsewhere == [] and dialogs == []
    finally:
        context.close()


def inserted(page: Any) -> list[str]:
    """The texts the app inserted into the reply editor (client.invoke('ticket.editor.insert', text))."""
    calls: list[list[Any]] = page.evaluate("window.__invoked")
    return [arg for name, arg in calls if name == "ticket.editor.insert"]


def fix_placeholders(page: Any, suggestion: dict[str, Any]) -> str:
    """Confirm each marked sentence; select each other placeholder with its button and type over it."""
    for _ in range(page.locator("button.dm-confirm").count()):
        page.locator("button.dm-confirm").first.click()
    for _ in range(page.locator("button.dm-select").count()):
        page.locator("button.dm-select").first.click()
        page.keyboard.type("Sam")  # the placeholder is selected in the text box: typing replaces it
    text: str = page.input_value("#dm-text")
    assert not any(u["placeholder"] in text for u in suggestion["draft"]["unfilled"])
    return text


def test_the_sidebar_drafts_blocks_inserts_and_sends_feedback(sidebar: tuple[Any, ZendeskProxy],
                                                              live: LiveDeskmate) -> None:
    page, proxy = sidebar
    started = time.perf_counter()
    page.goto(f"{APP_ORIGIN}/assets/iframe.html")
    page.locator("#dm-text").wait_for()
    timings = {"sidebar_ticket_to_draft_s": round(time.perf_counter() - started, 3)}
    suggest = proxy.sent[0]
    assert suggest["url"] == f"{DESKMATE_SETTING}/v1/suggest" and suggest["type"] == "POST"
    assert suggest["secure"] is True and suggest["contentType"] == "application/json"
    assert suggest["headers"] == {"Authorization": "Bearer {{setting.deskmate_key}}"}  # Zendesk fills it in
    body = json.loads(suggest["data"])
    assert (body["id"], body["subject"], body["channel"]) == ("9001", TICKET["subject"], "email")
    assert body["customer"] == {"name": "Ana Souza"} and body["desk"] == "zendesk"
    suggestion = proxy.suggestion
    assert suggestion is not None and suggestion["draft"]["unfilled"], "the draft should hold placeholders"
    # Blocked while a placeholder is left; the highlighted placeholders are listed.
    assert page.is_disabled("#dm-insert")
    assert page.locator(".dm-todo li").count() == len(suggestion["draft"]["unfilled"])
    assert page.locator(".dm-todo mark").count() == len(suggestion["draft"]["unfilled"])
    page.screenshot(path=str(SCREENSHOTS / "zendesk-sidebar-blocked.png"), full_page=True)
    page.click("#dm-insert", force=True)
    assert inserted(page) == []
    text = fix_placeholders(page, suggestion)
    assert page.is_enabled("#dm-insert") and page.locator(".dm-todo li").count() == 0
    proxy.drop_next_feedback = True  # the first feedback request is lost: retried with the same key
    started = time.perf_counter()
    page.click("#dm-insert")
    page.locator(".dm-result.dm-ok").wait_for()
    timings["sidebar_insert_and_feedback_s"] = round(time.perf_counter() - started, 3)  # with one lost request
    (SCREENSHOTS / "zendesk-timings.json").write_text(json.dumps(timings, indent=2) + "\n")
    assert inserted(page) == [text] and page.is_disabled("#dm-insert")  # reviewed: no second insert
    feedbacks = [o for o in proxy.sent if o["url"].endswith("/feedback")]
    assert len(feedbacks) == 2 and all(o["secure"] is True for o in feedbacks)
    assert feedbacks[0]["headers"]["Idempotency-Key"] == feedbacks[1]["headers"]["Idempotency-Key"]
    sent = json.loads(feedbacks[1]["data"])
    assert sent == {"agent_id": "zendesk:42", "action": "edited", "final_text": text, "if_current": True}
    stored = live.get(f"/v1/suggestions/{suggestion['suggestion_id']}")
    assert [(r["action"], r["agent_id"]) for r in stored["reviews"]] == [("edited", "zendesk:42")]
    # Ticket markup stays text: no element made from it, nothing ran.
    assert page.evaluate("window.__pwned") is None
    assert page.locator("#deskmate img, #deskmate script").count() == 0
    page.screenshot(path=str(SCREENSHOTS / "zendesk-sidebar-inserted.png"), full_page=True)


def test_the_sidebar_rejects_with_a_reason(sidebar: tuple[Any, ZendeskProxy], live: LiveDeskmate) -> None:
    page, proxy = sidebar
    page.goto(f"{APP_ORIGIN}/assets/iframe.html")
    page.locator("#dm-text").wait_for()
    page.select_option("#dm-reason", "outdated")
    page.click("#dm-reject")
    page.locator(".dm-result.dm-ok").wait_for()
    assert inserted(page) == []
    assert proxy.suggestion is not None
    stored = live.get(f"/v1/suggestions/{proxy.suggestion['suggestion_id']}")
    assert [(r["action"], r["reason_code"]) for r in stored["reviews"]] == [("rejected", "outdated")]


SYNTHETIC = {"suggestion_id": "sug_synthetic", "warnings": ["<img src=x onerror=\"window.__pwned=3\">"],
             "route": {"topic": {"label": "<b>billing</b>", "confidence": 0.5}, "queue": "billing",
                       "urgency": {"label": "high"}, "needs_human_triage": True, "reason": "small_margin"},
             "draft": {"text": "Hello <script>window.__pwned=4</script>. We voided the charge.",
                       "sentences": [{"text": "Hello <script>window.__pwned=4</script>."},
                                     {"text": "We voided the charge."}],
                       "needs_confirmation": [1], "unfilled": [], "agent_actions": []}}


def test_a_sentence_to_confirm_without_a_marker_blocks_until_ticked(sidebar: tuple[Any, ZendeskProxy]) -> None:
    page, _ = sidebar
    page.goto(f"{APP_ORIGIN}/assets/iframe.html")
    page.locator("#dm-text").wait_for()
    page.evaluate("""s => { const root = document.getElementById('deskmate');
        window.DeskmateCompact.mount(root, {insert: t => window.__invoked.push(['ticket.editor.insert', t]),
                                            feedback: () => Promise.resolve({})}).render(s); }""", SYNTHETIC)
    assert page.is_disabled("#dm-insert") and "Needs human triage" in page.inner_text("#deskmate")
    page.focus("#dm-check-1")
    page.keyboard.press("Space")  # ticked: the item is done and leaves the list
    page.locator("#dm-check-1").wait_for(state="detached")
    assert page.is_enabled("#dm-insert")
    page.focus("#dm-insert")
    page.keyboard.press("Enter")  # works without a mouse
    page.locator(".dm-result.dm-ok").wait_for()
    assert inserted(page) == [SYNTHETIC["draft"]["text"]]  # type: ignore[index]
    assert page.evaluate("window.__pwned") is None
    assert page.locator("#deskmate img, #deskmate script, #deskmate b").count() == 0
    assert "<b>billing</b>" in page.inner_text(".dm-route")


def test_the_compact_view_standalone(browser: Any, live: LiveDeskmate) -> None:
    """/app/compact?suggestion=<id> for a desk without an app: same view, "Copy reply" instead of insert."""
    context = browser.new_context(viewport={"width": 380, "height": 900})
    context.set_default_timeout(15_000)
    try:
        page = context.new_page()
        created = live.post("/v1/suggest", {"id": "CP-1", "subject": "Charged twice", "language": "en",
                                            "body": "my credit card invoice was charged twice, please refund"})
        sid = created.json()["suggestion_id"]
        page.goto(f"{live.url}/app/compact?suggestion={sid}")
        page.fill("#login-key", live.keys["agent"])
        page.click("#login-submit")
        page.locator("#dm-text").wait_for()
        assert page.inner_text("#dm-insert") == "Copy reply" and page.is_disabled("#dm-insert")
        assert page.inner_text(".dm-subject") == "Charged twice"
        page.screenshot(path=str(SCREENSHOTS / "compact-view.png"), full_page=True)
        page.goto(f"{live.url}/app/compact?suggestion=sug_does_not_exist")
        page.locator(".dm-error").filter(has_text="no longer exists").wait_for()
    finally:
        context.close()


def test_the_compact_view_never_copies_a_stale_draft(browser: Any, live: LiveDeskmate) -> None:
    """A suggestion a newer one superseded (the customer wrote again) is shown as stale and cannot be copied; one
    that goes stale while it is open is refused when its feedback is sent (if_current), and nothing is stored."""
    ticket = {"id": "CP-9", "subject": "Charged twice", "language": "en",
              "body": "my credit card invoice was charged twice, please refund"}
    records = DeskRecords(state_of(live.app).require_store())

    def suggest_as_desk(body: str, event: str) -> str:
        sid: str = live.post("/v1/suggest", {**ticket, "body": body}).json()["suggestion_id"]
        records.add(suggestion_id=sid, ticket_id="CP-9", desk="zendesk", event=event, job_id=None, planned={},
                    stale=records.active("CP-9"))
        return sid

    older = suggest_as_desk(ticket["body"], "created")
    newer = suggest_as_desk("still charged twice for one invoice, please refund it", "replied")
    context = browser.new_context(viewport={"width": 380, "height": 900})
    context.set_default_timeout(15_000)
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    try:
        page = context.new_page()
        page.goto(f"{live.url}/app/compact?suggestion={older}")
        page.fill("#login-key", live.keys["agent"])
        page.click("#login-submit")
        page.locator("#dm-text").wait_for()
        assert newer in page.inner_text("#dm-stale")
        fix_placeholders(page, live.get(f"/v1/suggestions/{older}"))
        assert page.is_disabled("#dm-insert") and page.inner_text(".dm-status") == "Stale: not to be inserted"
        page.screenshot(path=str(SCREENSHOTS / "compact-stale.png"), full_page=True)

        page.goto(f"{live.url}/app/compact?suggestion={newer}")
        page.locator("#dm-text").wait_for()
        assert page.locator("#dm-stale").count() == 0
        page.fill("#agent-id", "agent-cy")
        page.dispatch_event("#agent-id", "change")
        fix_placeholders(page, live.get(f"/v1/suggestions/{newer}"))
        assert page.is_enabled("#dm-insert")
        newest = suggest_as_desk("charged twice, third message: where is my refund?", "replied")  # while open
        page.click("#dm-insert")
        page.locator(".dm-result.dm-error").filter(has_text="Stale").wait_for()
        assert live.get(f"/v1/suggestions/{newer}")["reviews"] == []
        assert live.get(f"/v1/suggestions/{newer}")["stale"]["superseded_by"] == newest
    finally:
        context.close()


def test_zz_publish_the_sidebar_screenshots() -> None:
    docs: Path = ROOT / "docs" / "screenshots"
    docs.mkdir(parents=True, exist_ok=True)
    for name in ("zendesk-sidebar-blocked", "zendesk-sidebar-inserted"):
        if (SCREENSHOTS / f"{name}.png").exists():
            shutil.copyfile(SCREENSHOTS / f"{name}.png", docs / f"{name}.png")
