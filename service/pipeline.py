"""The routing pipeline, with no HTTP in it: clean text -> embed -> classify -> signals -> rules.

`Engine` holds the loaded components (built once at startup) and routes a batch of tickets in one
embedding call. The HTTP layer maps its dataclasses to response schemas.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from models.embedder import Embedder, Matrix
from models.errors import ArtifactMismatchError, InvalidInputError
from models.language import DetectedLanguage, LanguageDetector
from models.routing_policy import RoutingDecision, RoutingPolicy
from models.routing_heads import HeadPrediction, RoutingModel
from models.text import ticket_text
from models.urgency import Signal, UrgencySignals

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class TicketInput:
    subject: str
    body: str
    id: str | None = None
    channel: str | None = None
    language: str | None = None
    tier: str | None = None


@dataclass(slots=True)
class UrgencyDecision:
    label: str
    model_label: str
    confidence: float
    signals: list[Signal]


@dataclass(slots=True)
class Timings:
    embed_ms: float
    classify_ms: float
    total_ms: float


@dataclass(slots=True)
class RouteResult:
    id: str | None
    text: str
    topic: HeadPrediction
    urgency: UrgencyDecision
    decision: RoutingDecision
    needs_human_triage: bool
    reason: str | None
    language: DetectedLanguage
    language_source: str
    model_version: str
    vector: Matrix = field(default_factory=lambda: np.zeros((1, 0), dtype=np.float32))  # (1, dim) ticket embedding
    timings: Timings = field(default_factory=lambda: Timings(0.0, 0.0, 0.0))


def check_urgency_labels(model: RoutingModel, policy: RoutingPolicy, model_dir: Path) -> None:
    """Refuse a model whose urgency labels the routing policy does not know."""
    if model.urgency is not None:
        unknown = sorted(set(model.urgency.labels) - set(policy.urgency_levels))
        if unknown:
            raise ArtifactMismatchError(f"urgency labels {unknown} of model {model_dir} are not in the routing "
                                        f"policy's levels {policy.urgency_levels}")


@dataclass(slots=True)
class Engine:
    """Everything a routing request needs, loaded once."""

    embedder: Embedder
    model: RoutingModel
    policy: RoutingPolicy
    signals: UrgencySignals
    language: LanguageDetector
    batch_size: int = 64

    @classmethod
    def load(cls, *, embedder: Embedder, model_dir: Path, policy: RoutingPolicy, batch_size: int = 64) -> Engine:
        embedder.load()
        model = RoutingModel.load(model_dir, embedder=embedder)
        model.load_aux()
        check_urgency_labels(model, policy, model_dir)
        signals = UrgencySignals(policy)
        signals.load()
        language = LanguageDetector()
        language.load()
        engine = cls(embedder=embedder, model=model, policy=policy, signals=signals, language=language,
                     batch_size=batch_size)
        engine.warm_up()
        return engine

    def warm_up(self) -> None:
        """One route through every component, so the first real request does not pay for lazy set-up."""
        self.route([TicketInput(subject="warm up", body="warm up the models")], desk=next(iter(self.policy.spec.desks)))

    def route(self, tickets: list[TicketInput], *, desk: str) -> list[RouteResult]:
        routed, _ = self.run_batch(tickets, [desk] * len(tickets), [])
        return routed

    def run_batch(self, tickets: list[TicketInput], desks: list[str],
                  texts: list[str]) -> tuple[list[RouteResult], Matrix]:
        """Route `tickets` (each with its desk) and embed the extra `texts`, in one encode call.

        Returns the routing results and the (len(texts), dim) embeddings of the extra texts. This is what one
        micro-batch of concurrent requests runs (service/batching.py).
        """
        if len(desks) != len(tickets):
            raise ValueError(f"{len(tickets)} tickets but {len(desks)} desks")
        start = time.perf_counter()
        ticket_texts = [ticket_text(t.subject, t.body) for t in tickets]
        for i, text in enumerate(ticket_texts):
            if not text:
                raise InvalidInputError(f"ticket {i} has no text: subject and body are empty after removing HTML")
        vectors = self.embedder.encode(ticket_texts + list(texts), batch_size=self.batch_size)
        routed = self._classify(tickets, desks, ticket_texts, vectors[:len(tickets)], start)
        return routed, vectors[len(tickets):]

    def _classify(self, tickets: list[TicketInput], desks: list[str], texts: list[str], vectors: Matrix,
                  start: float) -> list[RouteResult]:
        if not tickets:
            return []
        embedded = time.perf_counter()
        predictions = self.model.predict(texts, vectors)
        results: list[RouteResult] = []
        for row, (ticket, desk, text, prediction) in enumerate(zip(tickets, desks, texts, predictions, strict=True)):
            if prediction.urgency is not None:
                model_urgency, urgency_conf = prediction.urgency.label, prediction.urgency.confidence
            else:
                model_urgency, urgency_conf = self.policy.spec.default_urgency, 0.0
            urgency = self.signals.apply(text, model_label=model_urgency, channel=ticket.channel, tier=ticket.tier)
            abstained = prediction.abstain_reason is not None
            decision = self.policy.decide(
                topic=None if abstained else prediction.topic.label, urgency=urgency.label, desk=desk,
                tier=ticket.tier, channel=ticket.channel, language=ticket.language,
            )
            if ticket.language:
                language, source = DetectedLanguage(ticket.language.lower(), 1.0), "request"
            else:
                language, source = self.language.detect(text), "detected"
            results.append(RouteResult(
                id=ticket.id, text=text, topic=prediction.topic,
                urgency=UrgencyDecision(decision.urgency, model_urgency, urgency_conf, urgency.signals),
                decision=decision, needs_human_triage=abstained, reason=prediction.abstain_reason,
                language=language, language_source=source, model_version=self.model.version,
                vector=vectors[row:row + 1],
            ))
        done = time.perf_counter()
        per = 1000.0 / len(tickets)
        for result in results:
            result.timings = Timings(embed_ms=round((embedded - start) * per, 3),
                                     classify_ms=round((done - embedded) * per, 3),
                                     total_ms=round((done - start) * per, 3))
        return results
