from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from index.documents import Case
from index.manifest import read_manifest
from index.results import SearchFilters
from index.search_index import SearchIndex
from models.embedding.hashing import HashingEmbedder
from models.errors import ArtifactError, ArtifactMismatchError, InvalidInputError
from tests.index.conftest import make_articles, make_cases


class _OtherEmbedder(HashingEmbedder):
    @property
    def model_id(self) -> str:
        return "someone/else"


def _build(embedder: HashingEmbedder, n: int = 120, **kwargs: object) -> SearchIndex:
    kwargs.setdefault("dedup_threshold", None)
    return SearchIndex.build(cases=make_cases(n), articles=make_articles(), embedder=embedder, **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize("index_type", ["flat", "hnsw", "ivf"])
def test_build_save_load_round_trip(tmp_path: Path, embedder: HashingEmbedder, index_type: str) -> None:
    index = _build(embedder, index_type=index_type)
    before = index.search("refund invoice charged twice", k_cases=5, k_articles=2)
    index.save(tmp_path / "ix")
    manifest = read_manifest(tmp_path / "ix")
    assert manifest.embedder_id == embedder.model_id and manifest.dim == 64
    assert manifest.counts["cases"] == 120 and manifest.counts["articles"] == 3
    assert manifest.case_index.kind == index_type and len(manifest.data_hash) == 64
    loaded = SearchIndex.load(tmp_path / "ix", embedder=embedder)
    after = loaded.search("refund invoice charged twice", k_cases=5, k_articles=2)
    assert loaded.version == index.version == after.index_version
    assert [c.id for c in after.cases] == [c.id for c in before.cases]
    assert [(a.id, a.position) for a in after.articles] == [(a.id, a.position) for a in before.articles]
    assert after.cases[0].topic == "billing"
    top_article = after.articles[0]
    assert top_article.id == "kb-1" and top_article.heading == "Refunds" and top_article.position == 0


def test_load_refuses_other_embedder(tmp_path: Path, embedder: HashingEmbedder) -> None:
    _build(embedder, n=20).save(tmp_path / "ix")
    with pytest.raises(ArtifactMismatchError, match="built with embedder 'deskmate/hashing-v1-64'"):
        SearchIndex.load(tmp_path / "ix", embedder=HashingEmbedder(32))
    with pytest.raises(ArtifactMismatchError, match="someone/else"):
        SearchIndex.load(tmp_path / "ix", embedder=_OtherEmbedder(64))
    with pytest.raises(ArtifactError, match=r"manifest\.json is missing"):
        SearchIndex.load(tmp_path / "nothing", embedder=embedder)


@pytest.mark.parametrize("mode", ["dense", "lexical", "hybrid"])
@pytest.mark.parametrize("index_type", ["flat", "hnsw", "ivf"])
def test_filters_still_return_k(embedder: HashingEmbedder, mode: str, index_type: str) -> None:
    index = _build(embedder, n=600, index_type=index_type)
    # language x channel x tenant keeps 1/18 of the cases; the query is about another topic entirely
    filters = SearchFilters(language="de", channel="chat", tenant="globex")
    results = index.search(
        "billing problem invoice refund", k_cases=10, filters=filters, mode=mode, k_articles=0
    )
    assert len(results.cases) == 10
    assert all((c.language, c.channel, c.tenant) == ("de", "chat", "globex") for c in results.cases)
    narrow = index.search(
        "billing problem",
        k_cases=10,
        filters=SearchFilters(topic="printer", tenant="acme"),
        mode=mode,
        k_articles=0,
    )
    assert {c.topic for c in narrow.cases} == {"printer"} and len(narrow.cases) == 10
    either = index.search("printer jam", k_cases=5, filters=SearchFilters(language=("de", "fr")), mode=mode)
    assert {c.language for c in either.cases} <= {"de", "fr"}
    assert index.search("anything", filters=SearchFilters(topic="nope"), mode=mode).cases == []


def test_article_filters_keep_shared_articles(embedder: HashingEmbedder) -> None:
    index = _build(embedder, n=10)
    hits = index.search(
        "paper jam toner tray", k_cases=0, k_articles=3, filters=SearchFilters(tenant="globex")
    )
    assert "kb-2" not in {a.id for a in hits.articles}  # acme-only article
    assert {a.id for a in hits.articles} <= {"kb-1", "kb-3"}
    acme = index.search(
        "paper jam in the tray, remove paper", k_cases=0, k_articles=1, filters=SearchFilters(tenant="acme")
    )
    assert acme.articles[0].id == "kb-2" and acme.articles[0].heading == "Paper jam"
    assert acme.articles[0].url == "https://help.example/kb-2"


def test_add_and_delete_persist_across_reload(tmp_path: Path, embedder: HashingEmbedder) -> None:
    index = _build(embedder, n=60)
    index.save(tmp_path / "ix")
    secret = Case(
        id="gdpr-1",
        text="printer zebra quokka serial 99812 leaks my home address",
        resolution="Sent the customer a new unicorn toner",
        topic="printer",
        resolved_at="2025-06-01T00:00:00+00:00",
    )
    report = index.add_cases(
        [secret, Case(id="new-2", text="parcel lost by the courier again, tracking dead")]
    )
    assert report.added == ["gdpr-1", "new-2"]
    reloaded = SearchIndex.load(tmp_path / "ix", embedder=embedder)
    assert reloaded.version == index.version and reloaded.manifest.revision == 1
    assert reloaded.search("zebra quokka", mode="lexical").cases[0].id == "gdpr-1"

    assert reloaded.delete_cases(["gdpr-1", "never-existed"]) == ["gdpr-1"]
    for mode in ("dense", "lexical", "hybrid"):
        for query in ("zebra quokka", secret.text):
            ids = [c.id for c in reloaded.search(query, k_cases=200, mode=mode).cases]
            assert "gdpr-1" not in ids
            assert ids or (mode == "lexical" and query == "zebra quokka")  # only the deleted case had them
    assert reloaded.case("gdpr-1") is None
    on_disk = "".join(
        p.read_text(errors="ignore") for p in (tmp_path / "ix").iterdir() if p.suffix == ".jsonl"
    )
    assert "quokka" not in on_disk and "unicorn" not in on_disk
    assert [p.name for p in (tmp_path / "ix").glob("cases-r*.jsonl")] == ["cases-r2.jsonl"]

    again = SearchIndex.load(tmp_path / "ix", embedder=embedder)
    assert "gdpr-1" not in again and "new-2" in again
    assert "gdpr-1" not in [c.id for c in again.search(secret.text, k_cases=200, mode="hybrid").cases]
    # a deleted id cannot be re-added by a later sync
    assert again.add_cases([secret]).refused_deleted == ["gdpr-1"]
    assert "gdpr-1" in read_manifest(tmp_path / "ix").deleted_ids


@pytest.mark.parametrize("index_type", ["hnsw", "ivf"])
def test_delete_on_ann_index_scrubs_vector(
    tmp_path: Path, embedder: HashingEmbedder, index_type: str
) -> None:
    index = _build(embedder, n=200, index_type=index_type)
    index.save(tmp_path / "ix")
    row_vector = embedder.encode([make_cases(200)[7].text])[0]
    index.delete_cases(["c7"])
    dense = index.search("x", query_vector=row_vector, k_cases=50, mode="dense")
    assert "c7" not in [c.id for c in dense.cases] and len(dense.cases) == 50
    reloaded = SearchIndex.load(tmp_path / "ix", embedder=embedder)
    assert reloaded.manifest.case_index.kind == index_type  # 1 of 200 deleted: scrubbed, not compacted
    store = reloaded.case_vectors
    vectors = store.reconstruct(np.array([row for row in range(200) if row != 7]))  # c7 is row 7
    assert not np.any(np.all(np.isclose(vectors, row_vector, atol=1e-6), axis=1))
    if index_type == "ivf":
        assert store.stored == 199 and store.ntotal == 200
    else:
        assert not store.reconstruct(np.array([7])).any()  # zeroed in the saved HNSW storage
    assert "c7" not in [c.id for c in reloaded.search("x", query_vector=row_vector, k_cases=199).cases]


def test_add_requires_a_directory_when_persisting(embedder: HashingEmbedder) -> None:
    index = _build(embedder, n=10)
    with pytest.raises(ArtifactError, match="save"):
        index.add_cases([Case(id="x", text="hello there")])
    assert index.add_cases([Case(id="x", text="hello there")], persist=False).added == ["x"]


def test_dedup_keeps_newest(embedder: HashingEmbedder) -> None:
    text = "Refund for invoice 123 charged twice please help"
    cases = [
        Case(id="old", text=text, resolved_at="2023-01-01T00:00:00+00:00"),
        Case(id="newest", text=text + "!", resolved_at="2024-06-01T00:00:00+00:00"),
        Case(id="mid", text=text, resolved_at="2024-01-01T00:00:00+00:00"),
        Case(id="other", text="printer offline after the driver update"),
    ]
    index = SearchIndex.build(cases=cases, articles=[], embedder=embedder, dedup_threshold=0.9)
    assert index.manifest.counts["duplicates_removed"] == 2
    assert "newest" in index and "old" not in index and "mid" not in index and "other" in index
    # the same rule on incremental adds: an older near-duplicate is skipped, a newer one replaces
    older = Case(id="older-copy", text=text, resolved_at="2020-01-01T00:00:00+00:00")
    assert index.add_cases([older], persist=False).skipped_duplicates == {"older-copy": "newest"}
    newer = Case(id="newer-copy", text=text, resolved_at="2025-01-01T00:00:00+00:00")
    assert index.add_cases([newer], persist=False).replaced == {"newest": "newer-copy"}
    assert "newest" not in index and "newer-copy" in index
    no_dedup = SearchIndex.build(cases=cases, articles=[], embedder=embedder, dedup_threshold=None)
    assert no_dedup.manifest.counts["cases"] == 4


def test_modes_and_validation(embedder: HashingEmbedder) -> None:
    index = _build(embedder, n=80)
    for mode in ("dense", "lexical", "hybrid"):
        results = index.search("password reset locked account", mode=mode, k_cases=3)
        assert results.mode == mode and results.cases[0].topic == "login"
    hybrid = index.search("password reset locked account", mode="hybrid", k_cases=3)
    assert hybrid.cases[0].dense_score is not None and hybrid.cases[0].resolution_excerpt
    json.dumps(hybrid.to_dict())
    with pytest.raises(InvalidInputError, match="search mode"):
        index.search("x", mode="fuzzy")
    with pytest.raises(InvalidInputError, match="empty"):
        index.search("   ")
    with pytest.raises(InvalidInputError, match="k_cases"):
        index.search("x", k_cases=-1)


def test_empty_corpora_are_searchable(embedder: HashingEmbedder) -> None:
    index = SearchIndex.build(cases=[], articles=make_articles(), embedder=embedder)
    assert index.search("refund").cases == []
    only_cases = SearchIndex.build(cases=make_cases(5), articles=[], embedder=embedder)
    assert only_cases.search("refund").articles == []
