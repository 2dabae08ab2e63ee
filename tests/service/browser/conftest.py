"""A live Deskmate on loopback (uvicorn in a thread, the tiny hashing engine, a small demo-like index, SQLite)
and Debian's chromium driven by Playwright. No browser is downloaded: /usr/bin/chromium is launched directly.

Without /usr/bin/chromium (or the playwright package) the browser tests are skipped with the reason, except in
CI (CI=true), where they fail: `.ci/run` installs chromium from Debian's packages first.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from service.app import create_app
from service.settings import AuthSettings, StoreSettings
from service.state import state_of
from service.store.keys import create_key
from tests.service.test_retrieval_api import make_index, make_settings

CHROMIUM = Path(os.environ.get("DESKMATE_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--headless=new", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
ROOT = Path(__file__).resolve().parents[3]
SCREENSHOTS = ROOT / "var" / "screenshots"

CASES = [
    {"id": "c1", "subject": "Charged twice", "body": "my invoice was charged twice on my credit card",
     "resolution": "I refunded the duplicate charge on invoice INV-1. Refunds reach your card within 5 to 10 days.",
     "topic": "billing", "language": "en", "channel": "email", "resolved_at": "2026-03-01T10:00:00Z"},
    {"id": "c2", "subject": "Reset link", "body": "the password reset link expired, I cannot log in",
     "resolution": "Use Forgot password on the login page; a new link is valid for 24 hours.",
     "topic": "login_access", "language": "en", "channel": "chat", "resolved_at": "2026-03-02T10:00:00Z"},
    {"id": "c3", "subject": "Dashboard down", "body": "the dashboard is down with a 502 error for the whole team",
     "resolution": "Engineering is on it; follow the status page for updates.", "topic": "outage",
     "language": "en", "channel": "email", "resolved_at": "2026-03-03T10:00:00Z"},
]

TICKETS: dict[str, dict[str, Any]] = {
    "billing": {"id": "ZD-101", "subject": "Charged twice this month", "channel": "email", "language": "en",
                "body": "My credit card invoice was charged twice for the Pro plan. Please refund one.",
                "customer": {"name": "Ana Souza", "tier": "pro"}},
    "login": {"id": "ZD-102", "subject": "Cannot log in", "channel": "chat", "language": "en",
              "body": "The password reset link expired and now I cannot log in."},
    "outage": {"id": "ZD-103", "subject": "Dashboard down", "channel": "email", "language": "en",
               "body": "URGENT: the dashboard is down with a 502 error, the whole team is offline, asap"},
    # Entity-encoded markup survives HTML stripping as literal text: the page must show it as text.
    "xss": {"id": "ZD-104", "subject": "Invoice &lt;script&gt;alert('subject')&lt;/script&gt;", "language": "en",
            "body": "charged twice &lt;script&gt;alert(1)&lt;/script&gt; &lt;img src=x onerror=alert(2)&gt; "
                    "please check my invoice", "channel": "email"},
    "race": {"id": "ZD-105", "subject": "Double payment", "channel": "email", "language": "en",
             "body": "I was charged twice on my credit card for one invoice"},
    "retry": {"id": "ZD-106", "subject": "Refund for duplicate charge", "channel": "email", "language": "en",
              "body": "payment went through twice on my card, please refund the second one"},
}


@dataclass
class LiveDeskmate:
    url: str
    app: Any
    keys: dict[str, str]  # name -> secret: agent, agent2, route_only
    suggestions: dict[str, str] = field(default_factory=dict)  # TICKETS name -> suggestion id

    def get(self, path: str, key: str = "agent") -> Any:
        response = httpx.get(self.url + path, headers={"authorization": f"Bearer {self.keys[key]}"}, timeout=30)
        response.raise_for_status()
        return response.json()

    def post(self, path: str, body: dict[str, Any], key: str = "agent", headers: dict[str, str] | None = None) -> Any:
        return httpx.post(self.url + path, json=body, timeout=30,
                          headers={"authorization": f"Bearer {self.keys[key]}", **(headers or {})})


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    missing = None
    if not CHROMIUM.exists():
        missing = f"{CHROMIUM} is missing (apt-get install chromium)"
    elif shutil.which("chromium") is None and not os.access(CHROMIUM, os.X_OK):
        missing = f"{CHROMIUM} is not executable"
    try:
        import playwright  # noqa: F401
    except ImportError:
        missing = "the playwright package is missing (pip install -e '.[dev]')"
    if missing:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"browser tests cannot run in CI: {missing}", pytrace=False)
        pytest.skip(f"browser tests need a browser: {missing}")
    return CHROMIUM


# Package scope: the live server and Playwright stop once this folder's tests are done. Playwright's sync API keeps an
# asyncio loop running in the main thread while it is open; later tests that start their own loop
# (typer commands calling anyio.run) would fail with "Already running asyncio in this thread".
@pytest.fixture(scope="package")
def live(tmp_path_factory: pytest.TempPathFactory, trained_model_dir: Path) -> Iterator[LiveDeskmate]:
    tmp = tmp_path_factory.mktemp("live")
    settings = make_settings(trained_model_dir, make_index(tmp, "index", CASES), tmp / "var",
                             store=StoreSettings(url=f"sqlite:///{tmp / 'deskmate.db'}"),
                             auth=AuthSettings(disabled=False, cache_seconds=0))
    app = create_app(settings)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, name="deskmate-live", daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the live Deskmate did not start within 60 s")
        time.sleep(0.05)
    store = state_of(app).require_store()
    keys = {name: create_key(store, name=name, scopes=scopes)[1] for name, scopes in
            (("agent", ["route", "agent"]), ("agent2", ["agent"]), ("route_only", ["route"]))}
    live = LiveDeskmate(url=f"http://127.0.0.1:{port}", app=app, keys=keys)
    for name, ticket in TICKETS.items():
        response = live.post("/v1/suggest", ticket)
        assert response.status_code == 200, response.text
        live.suggestions[name] = response.json()["suggestion_id"]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    try:
        yield live
    finally:
        server.should_exit = True
        thread.join(timeout=30)


@pytest.fixture(scope="package")
def browser(chromium_path: Path) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(chromium_path), args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()
