"""The quality dashboard in a real browser against the live Deskmate (fixtures: tests/service/browser/conftest.py):
sign in with a metrics key, charts drawn as SVG, the numbers change after a feedback is posted, nothing fetched
from another origin, a key without the metrics scope is told so. Screenshots to var/screenshots/."""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from sqlalchemy import update

from models.registry import ModelRegistry
from service.state import state_of
from service.store.keys import create_key
from service.store.tables import FeedbackEventRow, RoutingDecisionRow, SuggestionRow
from tests.service.browser.conftest import ROOT, SCREENSHOTS, LiveDeskmate

pytestmark = [pytest.mark.browser, pytest.mark.keys_on]

TICKETS = [
    {"id": "QD-1", "subject": "Charged twice", "channel": "email", "language": "en",
     "body": "My credit card invoice was charged twice this month, please refund one."},
    {"id": "QD-2", "subject": "Cannot log in", "channel": "chat", "language": "en",
     "body": "The password reset link expired and I cannot log in."},
]


@pytest.fixture()
def page(browser: Any, live: LiveDeskmate) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    foreign: list[str] = []
    page.on("request", lambda r: foreign.append(r.url) if urlsplit(r.url).netloc != urlsplit(live.url).netloc
            else None)
    try:
        yield page
        assert foreign == [], f"the dashboard fetched from elsewhere: {foreign}"
    finally:
        context.close()


def metrics_key(live: LiveDeskmate) -> str:
    if "metrics" not in live.keys:
        live.keys["metrics"] = create_key(state_of(live.app).require_store(), name="team-lead",
                                          scopes=["metrics"])[1]
    return live.keys["metrics"]


def suggest(live: LiveDeskmate, ticket: dict[str, Any]) -> str:
    response = live.post("/v1/suggest", ticket)
    assert response.status_code == 200, response.text
    sid: str = response.json()["suggestion_id"]
    return sid


def seed_history(live: LiveDeskmate, trained_model_dir: Path) -> None:
    """Ten days of verdicts (moved back in time in the store) and a registry history, once per live server."""
    state = state_of(live.app)
    if live.suggestions.get("quality-history"):
        return
    verdicts: list[dict[str, Any]] = [
        {"action": "accepted"}, {"action": "edited", "final_text": "Hi, we refunded the second charge today."},
        {"action": "rejected", "reason_code": "wrong_facts"}, {"action": "accepted"},
        {"action": "rejected", "reason_code": "tone"}, {"action": "accepted"},
        {"action": "rejected", "reason_code": "wrong_topic", "corrected": {"topic": "login_access"}},
        {"action": "edited", "final_text": "Hello, please use the new reset link below."}]
    moved: dict[str, int] = {}
    login_queue = None
    for i in range(20):
        ticket = {**TICKETS[i % 2], "id": f"QD-H{i}"}
        answer = live.post("/v1/suggest", ticket).json()
        sid, route = answer["suggestion_id"], answer["route"]
        login_queue = login_queue or (route["queue"] if i % 2 else None)
        verdict = verdicts[i % len(verdicts)]
        if verdict.get("reason_code") == "wrong_topic" and login_queue:
            verdict = {**verdict, "corrected": {"topic": "login_access", "queue": login_queue}}
        elif verdict["action"] != "rejected" and i % 3 == 0:  # the agent confirms the routing
            verdict = {**verdict, "corrected": {"topic": route["topic"]["label"], "queue": route["queue"]}}
        if i % 5 != 4:  # some stay unreviewed
            response = live.post(f"/v1/suggestions/{sid}/feedback", {"agent_id": "agent-h", **verdict})
            assert response.status_code == 201, response.text
        moved[sid] = 1 + i // 2
    now = datetime.now(UTC)
    with state.require_store().session() as session:
        for sid, days in moved.items():
            when = now - timedelta(days=days)
            for table in (SuggestionRow, RoutingDecisionRow, FeedbackEventRow):
                session.execute(update(table).where(table.suggestion_id == sid).values(created_at=when))
    registry = ModelRegistry(state.settings.model_registry_dir)
    for version in ("20261120-0900", "20261128-0900"):
        registry.register(trained_model_dir, version=version)
    registry.promote("20261120-0900", reason="first model")
    registry.promote("20261128-0900", reason="retrain: macro F1 +0.02")
    registry.rollback(reason="agents reported wrong billing topics")
    live.suggestions["quality-history"] = "seeded"


def loaded(page: Any, before: str | None = None) -> str:
    page.wait_for_function("b => document.body.dataset.loaded && document.body.dataset.loaded !== b", arg=before)
    value: str = page.evaluate("document.body.dataset.loaded")
    return value


def test_the_dashboard_draws_charts_and_follows_new_feedback(page: Any, live: LiveDeskmate,
                                                             trained_model_dir: Path) -> None:
    seed_history(live, trained_model_dir)
    first, second = (suggest(live, t) for t in TICKETS)
    assert live.post(f"/v1/suggestions/{first}/feedback", {"action": "accepted", "agent_id": "lead-test"},
                     headers={"Idempotency-Key": f"qd-{first}"}).status_code == 201
    started = time.perf_counter()
    page.goto(live.url + "/app/quality")
    page.locator("#login").wait_for(state="visible")
    page.fill("#login-key", metrics_key(live))
    page.click("#login-submit")
    stamp = loaded(page)
    timings = {"dashboard_first_load_s": round(time.perf_counter() - started, 3)}
    page.locator("#served-model").wait_for()
    # Line charts: four, with a path or dots per series; bar charts for reasons/overrides (or "no data").
    assert page.locator("#charts svg.line-chart").count() == 4
    assert page.locator("#chart-acceptance svg circle").count() >= 1
    assert page.get_attribute("#chart-acceptance svg", "role") == "img"
    reviewed = int(page.inner_text("#total-reviewed"))
    assert reviewed >= 1
    today = "#days-table tbody tr:first-child td:last-child"  # today's rejections, newest day first
    assert page.locator("#chart-reasons svg rect.bar").count() >= 1 and page.text_content(today) == "—"
    # A rejection arrives: after "Show" the totals and the reasons chart include it.
    rejected = live.post(f"/v1/suggestions/{second}/feedback", {"action": "rejected", "agent_id": "lead-test",
                                                                "reason_code": "wrong_topic"},
                         headers={"Idempotency-Key": f"qd-{second}"})
    assert rejected.status_code == 201, rejected.text
    started = time.perf_counter()
    page.click("#apply")
    stamp = loaded(page, stamp)
    timings["dashboard_refresh_s"] = round(time.perf_counter() - started, 3)
    (SCREENSHOTS / "quality-timings.json").write_text(json.dumps(timings, indent=2) + "\n")
    assert int(page.inner_text("#total-reviewed")) == reviewed + 1
    assert page.text_content(today) == "wrong topic 1" and "wrong topic" in page.inner_text("#chart-reasons")
    # The table fallback holds the same day's numbers; versions are listed.
    assert page.locator("#days-table tbody tr").count() == 30  # (collapsed: the charts come first)
    assert page.inner_text("#served-model").strip() not in ("", "none")
    assert page.locator("#events-table tbody tr").count() == 3
    assert "agents reported wrong billing topics" in page.inner_text("#events-table")
    # Keyboard: the range form is reachable and submits with Enter.
    page.focus("#to")
    page.keyboard.press("Enter")
    loaded(page, stamp)
    page.locator("#status").filter(has_text="Showing").wait_for()
    page.evaluate("document.activeElement.blur()")
    page.screenshot(path=str(SCREENSHOTS / "quality.png"), full_page=True)


def test_a_key_without_the_metrics_scope_is_told_so(page: Any, live: LiveDeskmate) -> None:
    page.goto(live.url + "/app/quality")
    page.locator("#login").wait_for(state="visible")
    page.fill("#login-key", live.keys["agent"])
    page.click("#login-submit")
    page.locator("#status.error").filter(has_text="metrics").wait_for()
    page.evaluate("sessionStorage.clear()")
    page.reload()
    page.fill("#login-key", "dm_not_a_real_key")
    page.click("#login-submit")
    page.locator("#login-message").filter(has_text="refused").wait_for()
    assert page.locator("#login").is_visible()


def test_zz_publish_the_dashboard_screenshot() -> None:
    if (SCREENSHOTS / "quality.png").exists():
        (ROOT / "docs" / "screenshots").mkdir(parents=True, exist_ok=True)
        shutil.copyfile(SCREENSHOTS / "quality.png", ROOT / "docs" / "screenshots" / "quality-dashboard.png")
