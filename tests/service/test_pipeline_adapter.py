"""The search path applies an index's learned query adapter to cases only; articles keep the plain vector."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from fastapi.testclient import TestClient

from index.adapter import LinearAdapter, adapter_dir
from index.search_index import SearchIndex
from models.embedding.hashing import HashingEmbedder
from service.app import create_app
from service.pipeline import SearchQuery, search_snapshot
from tests.index.conftest import make_articles, make_cases
from tests.service.test_retrieval_api import CASES, make_index, make_settings


def test_cases_follow_the_adapted_vector_and_articles_the_plain_one() -> None:
    embedder = HashingEmbedder(64)
    cases = make_cases(24)
    index = SearchIndex.build(cases=cases, articles=make_articles(), embedder=embedder, dedup_threshold=None,
                              index_type="flat")
    text = "my printer has a paper jam"
    q = embedder.encode([text])
    target = cases[1]  # a login case: the plain query would never rank it first
    v = embedder.encode([target.text])[0]
    adapter = LinearAdapter(weights=np.outer(q[0], v).astype(np.float32), alpha=1.0, embedder_id=embedder.model_id)
    query = SearchQuery(k_cases=3, k_articles=2, mode="dense")
    plain = search_snapshot(index, text, q, query)
    adapted = search_snapshot(index, text, q, query, adapter=adapter)
    assert plain.cases[0].topic == "printer"
    assert adapted.cases[0].id == target.id
    assert [a.id for a in adapted.articles] == [a.id for a in plain.articles]
    only_cases = search_snapshot(index, text, q, SearchQuery(k_cases=3, k_articles=0, mode="dense"), adapter=adapter)
    assert only_cases.articles == [] and only_cases.cases[0].id == target.id


def test_the_service_uses_the_adapter_of_its_index_and_ignores_a_mismatched_one(
        trained_model_dir: Path, tmp_path: Path) -> None:
    index_dir = make_index(tmp_path, "adapted", CASES)
    embedder = HashingEmbedder(256)
    index = SearchIndex.load(index_dir, embedder=embedder)
    login = index.case("c2")
    assert login is not None
    text = "charged twice refund"
    u, v = embedder.encode([text])[0], embedder.encode([login.text])[0]

    def top_case(model_id: str) -> str:
        LinearAdapter(weights=np.outer(u, v).astype(np.float32), alpha=1.0, embedder_id=model_id).save(
            adapter_dir(index_dir))
        settings = make_settings(trained_model_dir, index_dir, tmp_path / f"var-{len(model_id)}")
        with TestClient(create_app(settings)) as client:
            response = client.post("/v1/similar", json={"body": text, "k_cases": 2, "mode": "dense"})
        assert response.status_code == 200, response.text
        return str(response.json()["cases"][0]["id"])

    assert top_case(embedder.model_id) == "c2"  # the adapter maps this query onto the login case
    assert top_case("another/embedder") == "c1"  # refused (logged), plain retrieval: the billing case
