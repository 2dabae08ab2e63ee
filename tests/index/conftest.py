"""Small synthetic help-desk corpora and the hashing embedder for fast index tests."""

from __future__ import annotations

import logging
import random

import pytest

from index.documents import Article, Case
from models.embedding.hashing import HashingEmbedder

TOPICS: dict[str, list[str]] = {
    "billing": [
        "invoice",
        "refund",
        "charged",
        "twice",
        "payment",
        "receipt",
        "billing",
        "subscription",
        "vat",
    ],
    "login": ["password", "login", "locked", "account", "reset", "two-factor", "code", "sign", "email"],
    "shipping": ["parcel", "delivery", "tracking", "courier", "late", "address", "shipped", "lost", "box"],
    "printer": ["printer", "paper", "jam", "toner", "driver", "scan", "tray", "cartridge", "offline"],
}
LANGUAGES = ("en", "de", "fr")
CHANNELS = ("email", "chat", "phone")
TENANTS = ("acme", "globex")


def make_cases(n: int, *, seed: int = 7, prefix: str = "c") -> list[Case]:
    """n distinct cases over 4 topics, cycling language / channel / tenant, dated by row."""
    rng = random.Random(seed)
    topics = sorted(TOPICS)
    cases = []
    for i in range(n):
        topic = topics[i % len(topics)]
        words = [*rng.sample(TOPICS[topic], 5), f"ref{seed}x{i}", rng.choice(["please", "urgent", "help"])]
        cases.append(
            Case(
                id=f"{prefix}{i}",
                text=f"{topic} problem: " + " ".join(words),
                resolution=f"Resolved {topic} issue {i} by following the {topic} runbook.",
                topic=topic,
                urgency=rng.choice(["low", "high"]),
                language=LANGUAGES[i % 3],
                channel=CHANNELS[(i // 3) % 3],
                tenant=TENANTS[(i // 9) % 2],
                resolved_at=f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}T10:00:00+00:00",
                metadata={"row": i},
            )
        )
    return cases


def make_articles() -> list[Article]:
    body = (
        "# Refunds\n\nTo get a refund for an invoice charged twice, open Billing and choose the payment.\n\n"
        "Refunds take five business days.\n\n# Password reset\n\nUse the reset link on the login page. "
        "If your account is locked, wait fifteen minutes.\n\n# Parcels\n\nTracking numbers arrive by email "
        "once the courier has the box."
    )
    return [
        Article(id="kb-1", title="Account help", body=body, url="https://help.example/kb-1", language="en"),
        Article(
            id="kb-2",
            title="Printer troubleshooting",
            body="<h2>Paper jam</h2><p>Open the tray and "
            "remove the paper.</p><h2>Toner</h2><p>Replace the toner cartridge.</p>",
            url="https://help.example/kb-2",
            language="en",
            tenant="acme",
        ),
        Article(
            id="kb-3",
            title="Lieferung",
            body="Das Paket wird vom Kurier geliefert. Tracking per E-Mail.",
            language="de",
        ),
    ]


@pytest.fixture(autouse=True)
def _quiet_bm25s() -> None:
    logging.getLogger("bm25s").setLevel(logging.WARNING)


@pytest.fixture
def embedder() -> HashingEmbedder:
    """Overrides the session-wide embedder of tests/conftest.py with a smaller, faster one."""
    return HashingEmbedder(64)
