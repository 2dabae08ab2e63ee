"""Topic-aware re-ranking with routing probabilities, and the tenant inferred from a ticket."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from index.rerank import infer_tenant, route_probabilities, topic_rerank
from index.search_index import SearchIndex
from models.embedding.hashing import HashingEmbedder
from models.errors import InvalidInputError
from tests.index.conftest import make_cases


@dataclass(frozen=True)
class Hit:
    id: str
    topic: str | None


def test_a_same_topic_case_moves_above_a_closer_off_topic_one() -> None:
    cases = [Hit("a", "shipping"), Hit("b", "billing"), Hit("c", None)]
    probs = {"billing": 0.8, "shipping": 0.1}
    assert [h.id for h in topic_rerank(cases, probs)] == ["b", "a", "c"]
    assert [h.id for h in topic_rerank(cases, probs, weight=0.0)] == ["a", "b", "c"]  # off: order kept
    assert [h.id for h in topic_rerank(cases, {})] == ["a", "b", "c"]  # no probabilities: order kept


def test_a_far_down_case_is_not_pulled_up_by_a_small_probability_edge() -> None:
    cases = [Hit("a", "shipping"), *[Hit(f"x{i}", "shipping") for i in range(8)], Hit("z", "billing")]
    ranked = topic_rerank(cases, {"billing": 0.52, "shipping": 0.48}, weight=0.3)
    assert ranked[0].id == "a"
    assert ranked[-1].id == "z"  # rank decides among near-equal probabilities


def test_rerank_checks_its_weight() -> None:
    with pytest.raises(InvalidInputError):
        topic_rerank([Hit("a", "x")], {"x": 1.0}, weight=1.5)


def test_rerank_on_real_search_results_puts_the_routed_topic_first() -> None:
    embedder = HashingEmbedder(64)
    index = SearchIndex.build(cases=make_cases(40), articles=[], embedder=embedder, dedup_threshold=None,
                              index_type="flat")
    results = index.search("refund for a parcel that was charged twice", k_cases=8, k_articles=0, mode="dense")
    assert {c.topic for c in results.cases} >= {"billing", "shipping"}
    ranked = topic_rerank(results.cases, route_probabilities("shipping", 0.9, [("billing", 0.05)]), weight=0.6)
    assert ranked[0].topic == "shipping"
    assert sorted(c.id for c in ranked) == sorted(c.id for c in results.cases)


def test_route_probabilities_keep_the_label_first() -> None:
    assert route_probabilities("a", 0.7, [("a", 0.1), ("b", 0.2)]) == {"a": 0.7, "b": 0.2}


def test_infer_tenant_needs_exactly_one_whole_word_match() -> None:
    tenants = ["acme", "globex", "ac"]
    assert infer_tenant("My ACME router is broken", tenants) == "acme"
    assert infer_tenant("acme and globex both bill me", tenants) is None
    assert infer_tenant("nothing here, acmeish", tenants) is None
