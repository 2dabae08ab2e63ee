"""The ticket pipeline without HTTP: one index snapshot per request, per-ticket desks in one pass, records."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from index.holder import IndexHolder
from index.results import SearchResults
from index.search_index import SearchIndex
from models.embedding.base import Matrix
from models.embedding.hashing import HashingEmbedder
from models.routing_policy import RoutingPolicy
from service.pipeline import Engine, Pipeline, SuggestInput, TicketInput
from service.records import RouteRecord, SuggestionRecord
from service.settings import REPO_ROOT
from tests.service.test_retrieval_api import CASES, make_index

TICKET = TicketInput(subject="Charged twice", body="my credit card invoice was charged twice this month", id="T-9",
                     customer_name="Ana Souza")


@pytest.fixture(scope="module")
def engine(trained_model_dir: Path) -> Engine:
    policy = RoutingPolicy.from_yaml(REPO_ROOT / "config" / "routing.yaml")
    return Engine.load(embedder=HashingEmbedder(256), model_dir=trained_model_dir, policy=policy)


class Sinks:
    def __init__(self) -> None:
        self.suggestions: list[SuggestionRecord] = []
        self.routes: list[RouteRecord] = []

    def record_suggestion(self, record: SuggestionRecord) -> None:
        self.suggestions.append(record)

    def submit(self, records: Any) -> None:
        self.routes.extend(records)


def test_sources_come_from_the_index_the_search_ran_on(engine: Engine, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """A swap between the search and reading the hits' cases must not mix two index versions."""
    old_dir = make_index(tmp_path, "old", CASES)
    new_dir = make_index(tmp_path, "new", [{**c, "resolution": f"REBUILT: {c['resolution']}"} for c in CASES])
    holder = IndexHolder.open(old_dir, embedder=engine.embedder)
    old = holder.snapshot()
    assert old is not None
    search = old.search

    def search_then_swap(*args: Any, **kwargs: Any) -> SearchResults:
        results = search(*args, **kwargs)
        holder.swap(new_dir, embedder=engine.embedder)  # an admin swap lands right after the search
        return results

    monkeypatch.setattr(old, "search", search_then_swap)
    (route,) = engine.route([TICKET], desk="generic")
    search_results, request, warnings = Pipeline(index=holder, drafter=None).retrieve(route, SuggestInput(TICKET,
                                                                                                          "generic"))
    assert warnings == [] and search_results is not None and request.cases
    assert request.cases[0].id == "c1"
    assert request.cases[0].text == "I refunded the duplicate charge on invoice INV-1."  # the old index's, whole
    assert all(not c.text.startswith("REBUILT") for c in request.cases)
    assert isinstance(holder.snapshot(), SearchIndex) and holder.snapshot() is not old  # the swap did happen


class CountingEmbedder(HashingEmbedder):
    """The hashing embedder, counting the texts of each encode call."""

    def __init__(self, dim: int) -> None:
        super().__init__(dim)
        self.calls: list[int] = []

    def encode(self, texts: Sequence[str], *, batch_size: int = 64, show_progress: bool = False) -> Matrix:
        self.calls.append(len(texts))
        return super().encode(texts, batch_size=batch_size, show_progress=show_progress)


def test_a_batch_with_several_desks_is_routed_in_one_pass(engine: Engine) -> None:
    counting = CountingEmbedder(256)
    engine = dataclasses.replace(engine, embedder=counting)
    sinks = Sinks()
    pipeline = Pipeline(index=IndexHolder(), drafter=None, routes=sinks)
    tickets = [TICKET, TicketInput(subject="Login", body="locked out of my account"), TICKET]
    results = pipeline.route(engine, tickets, ["generic", "zendesk", "freshdesk"])
    assert counting.calls == [3]
    assert [r.decision.desk for r in results] == ["generic", "zendesk", "freshdesk"]
    assert [r.ticket.ticket_id for r in sinks.routes] == ["T-9", "T-9"]  # only tickets with an id are recorded


def test_suggest_records_a_typed_record_with_the_customer_name(engine: Engine, tmp_path: Path) -> None:
    sinks = Sinks()
    holder = IndexHolder.open(make_index(tmp_path, "index", CASES), embedder=engine.embedder)
    pipeline = Pipeline(index=holder, drafter=None, drafter_reason="off", suggestions=sinks)
    suggestion = pipeline.suggest(engine, SuggestInput(TICKET, "generic"))
    assert suggestion.draft is None and suggestion.draft_error == "no drafter is loaded: off"
    (record,) = sinks.suggestions
    assert record.suggestion_id == suggestion.suggestion_id and record.route.ticket.ticket_id == "T-9"
    assert record.route.ticket.customer_name == "Ana Souza" and record.sources.case_ids[0] == "c1"
    assert record.index_version == holder.version


# -- the lone-ticket lane: a ticket routed alone uses a second thread, with the same answers -----------------------
def _route_key(result: Any) -> tuple[Any, ...]:
    return (result.topic.label, result.topic.confidence, [(a.label, a.probability) for a in result.topic.alternatives],
            result.reason, result.urgency.label, result.urgency.model_label, result.urgency.signals,
            result.language, result.language_source, result.decision)


def test_lone_lane_routes_a_lone_ticket_the_same_way(engine: Engine) -> None:
    from service.pipeline import LoneLane

    lane = LoneLane()
    laned = dataclasses.replace(engine, lane=lane)
    for _ in range(LoneLane.CALM_CALLS):  # sequential traffic first: then the lane is taken
        laned.route([TICKET], desk="generic")
    assert lane.used == 0
    tickets = [TICKET, TicketInput(subject="", body="Le site est en panne, erreur 502 partout !", channel="chat"),
               TicketInput(subject="Dark mode", body="please add dark mode", language="en", tier="enterprise"),
               TicketInput(subject="pizza", body="what is the best pizza in town")]
    for ticket in tickets:
        alone = laned.route([ticket], desk="generic")[0]
        inline = engine.route([ticket], desk="generic")[0]
        assert _route_key(alone) == _route_key(inline)
        assert alone.vector.tobytes() == inline.vector.tobytes()
    assert lane.used == len(tickets)
    laned.route(tickets[:2], desk="generic")  # a batch keeps its own thread, and resets the calm
    laned.route([TICKET], desk="generic")
    assert lane.used == len(tickets)
    lane.close()


def test_lone_lane_stays_off_while_traffic_is_concurrent(engine: Engine) -> None:
    from service.pipeline import LoneLane

    lane = LoneLane()
    laned = dataclasses.replace(engine, lane=lane)
    for _ in range(LoneLane.CALM_CALLS):
        laned.route([TICKET], desk="generic")
    assert lane.enter(3) is False  # a batch in flight on another thread
    try:
        result = laned.route([TICKET], desk="generic")[0]
    finally:
        lane.leave()
    assert lane.used == 0 and _route_key(result) == _route_key(engine.route([TICKET], desk="generic")[0])
    for _ in range(LoneLane.CALM_CALLS):  # the overlap made traffic concurrent: calm again before the lane
        laned.route([TICKET], desk="generic")
    assert lane.used == 0
    laned.route([TICKET], desk="generic")
    assert lane.used == 1
    lane.close()


def test_a_lone_ticket_on_the_lane_is_encoded_by_the_lone_embedder(engine: Engine) -> None:
    from service.pipeline import LoneLane

    lane, wide = LoneLane(), CountingEmbedder(256)
    laned = dataclasses.replace(engine, lane=lane, lone_embedder=wide)
    for _ in range(LoneLane.CALM_CALLS):  # sequential traffic first: until then the batch embedder encodes
        laned.route([TICKET], desk="generic")
    assert wide.calls == []
    alone = laned.route([TICKET], desk="generic")[0]
    assert lane.used == 1 and wide.calls == [1]
    assert _route_key(alone) == _route_key(engine.route([TICKET], desk="generic")[0])
    laned.route([TICKET, TICKET], desk="generic")  # a batch: the batch embedder
    assert wide.calls == [1]
    lane.close()


def test_a_lone_embedder_must_be_the_same_model_and_needs_the_lane(trained_model_dir: Path) -> None:
    from models.errors import ArtifactMismatchError

    policy = RoutingPolicy.from_yaml(REPO_ROOT / "config" / "routing.yaml")
    with pytest.raises(ArtifactMismatchError, match="lone ticket's embedder"):
        Engine.load(embedder=HashingEmbedder(256), model_dir=trained_model_dir, policy=policy, lone_lane=True,
                    lone_embedder=HashingEmbedder(128))
    with pytest.raises(ValueError, match="lone_lane=True"):
        Engine.load(embedder=HashingEmbedder(256), model_dir=trained_model_dir, policy=policy,
                    lone_embedder=HashingEmbedder(256))
    on = Engine.load(embedder=HashingEmbedder(256), model_dir=trained_model_dir, policy=policy, lone_lane=True,
                     lone_embedder=CountingEmbedder(256))
    assert on.with_model(on.model, trained_model_dir).lone_embedder is on.lone_embedder  # kept across a promotion
    assert on.lane is not None
    on.lane.close()


def test_service_engine_has_the_lane_by_default(trained_model_dir: Path) -> None:
    from service.settings import Settings

    assert Settings().batching.lone_lane is True
    policy = RoutingPolicy.from_yaml(REPO_ROOT / "config" / "routing.yaml")
    off = Engine.load(embedder=HashingEmbedder(256), model_dir=trained_model_dir, policy=policy)
    on = Engine.load(embedder=HashingEmbedder(256), model_dir=trained_model_dir, policy=policy, lone_lane=True)
    assert off.lane is None and on.lane is not None
    on.lane.close()


def test_windows_route_each_two_adjacent_segments_on_their_mean_vector(engine: Engine) -> None:
    from models.drafting.issues import split_segments
    from service.pipeline import clean_text, route_windows

    ticket = TicketInput(subject="", body="I was charged twice. The Jira sync is broken. Please add dark mode.")
    text = clean_text(ticket)
    segments = split_segments(text)
    vectors = engine.embedder.encode([s.text for s in segments])
    windows = route_windows(engine, ticket, "generic", text, segments, vectors)
    assert [w.text for w in windows] == ["I was charged twice. The Jira sync is broken.",
                                         "The Jira sync is broken. Please add dark mode."]
    mean = vectors[0] + vectors[1]
    assert np.allclose(windows[0].vector.ravel(), mean / np.linalg.norm(mean), atol=1e-6)
    assert route_windows(engine, ticket, "generic", text, segments[:1], vectors[:1]) == []
