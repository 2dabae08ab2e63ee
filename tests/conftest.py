"""Shared fixtures: a deterministic embedder, synthetic tickets, and a small trained model directory."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from models.data import LabelledText
from models.embedding.hashing import HashingEmbedder
from models.routing_heads import RoutingModel
from models.training import TrainOptions, train_routing_model

TOPIC_WORDS = {
    "billing": ["invoice", "charged twice", "payment failed", "credit card", "VAT number", "billing address"],
    "login_access": ["password reset", "cannot log in", "two-factor code", "SSO login", "locked out", "login link"],
    "outage": ["site is down", "502 error", "nothing loads", "service unavailable", "whole team offline",
               "dashboard down"],
    "feature_request": ["would love", "please add", "dark mode", "feature idea", "wish list", "suggestion"],
}
URGENCY_BY_TOPIC = {"billing": "normal", "login_access": "high", "outage": "urgent", "feature_request": "low"}
FILLER = ["hi", "hello team", "thanks", "regards", "since yesterday", "on my laptop", "again", "please help", "asap"]
OOS = ["what is the weather in paris", "tell me a joke about cats", "who won the football match",
       "recipe for banana bread", "best hiking trails nearby", "translate hello into japanese"]


def synthetic_rows(n_per_topic: int = 40, *, seed: int = 0, n_oos: int = 20) -> list[LabelledText]:
    rng = random.Random(seed)
    rows = []
    for topic, words in TOPIC_WORDS.items():
        for _ in range(n_per_topic):
            parts = rng.sample(words, 2) + rng.sample(FILLER, 2)
            rng.shuffle(parts)
            rows.append(LabelledText(text=" ".join(parts), topic=topic, urgency=URGENCY_BY_TOPIC[topic]))
    for _ in range(n_oos):
        rows.append(LabelledText(text=f"{rng.choice(OOS)} {rng.choice(OOS)}", topic="oos", urgency="low"))
    return rows


@pytest.fixture(scope="session")
def embedder() -> HashingEmbedder:
    return HashingEmbedder(256)


@pytest.fixture(scope="session")
def trained_model_dir(tmp_path_factory: pytest.TempPathFactory, embedder: HashingEmbedder) -> Path:
    model, metrics = train_routing_model(rows=synthetic_rows(), embedder=embedder,
                                         options=TrainOptions(val_size=0.25, seed=3, aux_embedders=()))
    out = tmp_path_factory.mktemp("models") / "current"
    model.save(out, extra_manifest={"metrics": metrics, "oos_label": "oos"})
    return out


@pytest.fixture()
def trained_model(trained_model_dir: Path, embedder: HashingEmbedder) -> RoutingModel:
    return RoutingModel.load(trained_model_dir, embedder=embedder)
