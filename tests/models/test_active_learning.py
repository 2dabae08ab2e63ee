"""Active learning: uncertainty, diversity across clusters, and the ranked queue of a routing model."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from models.active_learning import QueueTicket, rank_tickets, select_batch, uncertainty
from models.classifier import HeadConfig
from models.cold_start import ColdStartOptions, build_cold_start_model, parse_topics
from models.embedding.hashing import HashingEmbedder
from models.errors import InvalidInputError

TOPICS = {"topics": [
    {"name": "billing", "description": "invoice charges payment card",
     "examples": ["my invoice is wrong", "card charged twice", "payment failed on my card"]},
    {"name": "login_access", "description": "password login account locked",
     "examples": ["cannot login", "password reset email missing", "account locked after login attempts"]},
    {"name": "outage", "description": "service down unreachable",
     "examples": ["service is down", "site unreachable for everyone", "down since morning"]},
]}


def test_margin_and_entropy() -> None:
    margin, entropy = uncertainty([[0.5, 0.5], [1.0, 0.0], [0.7, 0.3]])
    np.testing.assert_allclose(margin, [0.0, 1.0, 0.4])
    assert entropy[0] == pytest.approx(np.log(2)) and entropy[1] == pytest.approx(0.0, abs=1e-9)


def test_uncertain_rows_come_first() -> None:
    probs = np.array([[0.98, 0.02], [0.51, 0.49], [0.8, 0.2]])
    picks = select_batch(probabilities=probs, embeddings=np.eye(3), k=2, strategy="uncertainty")
    assert [p.index for p in picks] == [1, 2]


def test_diversity_spreads_picks_across_clusters() -> None:
    rng = np.random.default_rng(0)
    # Ten near-identical uncertain rows in one place, five slightly less uncertain ones elsewhere.
    a = np.array([1.0, 0.0, 0.0]) + rng.normal(scale=0.01, size=(10, 3))
    b = np.array([0.0, 1.0, 0.0]) + rng.normal(scale=0.01, size=(5, 3))
    embeddings = np.vstack([a, b])
    top = np.concatenate([np.full(10, 0.50) + np.arange(10) * 0.001, np.full(5, 0.56)])
    probs = np.stack([top, 1 - top], axis=1)
    plain = select_batch(probabilities=probs, embeddings=embeddings, k=2, strategy="uncertainty")
    assert all(p.index < 10 for p in plain)  # both from the first group
    diverse = select_batch(probabilities=probs, embeddings=embeddings, k=2, pool_factor=8)
    assert {p.index < 10 for p in diverse} == {True, False}
    assert diverse[0].index == 0  # most uncertain first
    assert sorted(p.cluster_size for p in diverse) == [5, 10]


def test_random_is_seeded_and_bad_input_is_refused() -> None:
    probs = np.full((20, 2), 0.5)
    one = [p.index for p in select_batch(probabilities=probs, embeddings=np.zeros((20, 2)), k=5, strategy="random",
                                         seed=3)]
    two = [p.index for p in select_batch(probabilities=probs, embeddings=np.zeros((20, 2)), k=5, strategy="random",
                                         seed=3)]
    assert one == two and len(set(one)) == 5
    with pytest.raises(InvalidInputError, match="unknown strategy"):
        select_batch(probabilities=probs, embeddings=np.zeros((20, 2)), k=2, strategy="best")
    with pytest.raises(InvalidInputError, match="embedding rows"):
        select_batch(probabilities=probs, embeddings=np.zeros((3, 2)), k=2)
    assert select_batch(probabilities=probs, embeddings=np.zeros((20, 2)), k=0) == []


def test_rank_tickets_puts_the_ambiguous_ticket_first(tmp_path: Path) -> None:
    embedder = HashingEmbedder(256)
    model = build_cold_start_model(topics=parse_topics(TOPICS, source="t"), embedder=embedder,
                                   options=ColdStartOptions(head=HeadConfig(C=10.0, tfidf=False))).model
    tickets = [QueueTicket("clear", "my card was charged twice on the invoice payment"),
               QueueTicket("mixed", "cannot login to pay the invoice, password and card payment failed"),
               QueueTicket("clear2", "the service is down and unreachable")]
    rows = rank_tickets(model=model, embedder=embedder, tickets=tickets, limit=3, strategy="uncertainty")
    assert rows[0].id == "mixed"
    assert rows[0].margin < rows[-1].margin
    assert "unsure between" in rows[0].reason and rows[0].runner_up is not None
    assert [r.rank for r in rows] == [1, 2, 3]
    diverse = rank_tickets(model=model, embedder=embedder, tickets=tickets, limit=2)
    assert len(diverse) == 2 and "group" in diverse[0].reason
    with pytest.raises(InvalidInputError, match="limit"):
        rank_tickets(model=model, embedder=embedder, tickets=tickets, limit=0)
