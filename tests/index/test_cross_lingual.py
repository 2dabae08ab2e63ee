"""The cross-lingual space: built, saved, loaded, checked, kept in sync, and finding cases across languages.

`DictionaryEmbedder` is a deterministic stand-in for a multilingual model: it maps German/French/Spanish words to
their English concept through a small dictionary before hashing, so a sentence and its translation get the same
vector. The main embedder is the lexical hashing one, so only the cross-lingual space can bridge languages.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pytest

from index.build import build_index, redact_index
from index.dense import Hits
from index.documents import Article, Case
from index.holder import IndexHolder
from index.manifest import read_manifest
from index.multilingual import (
    language_hits,
    register_cross_lingual_embedder,
    rrf_fuse3,
    unregister_cross_lingual_embedder,
)
from index.results import SearchFilters
from index.search_index import SearchIndex
from models.embedding.base import Matrix
from models.embedding.hashing import HashingEmbedder
from models.errors import ArtifactMismatchError

TRANSLATIONS = {
    "rechnung": "invoice", "facture": "invoice", "factura": "invoice",
    "doppelt": "twice", "deux": "twice", "dos": "twice",
    "abgebucht": "charged", "débité": "charged", "cobrado": "charged",
    "erstattung": "refund", "remboursement": "refund", "reembolso": "refund",
    "anmelden": "login", "connecter": "login", "iniciar": "login",
    "passwort": "password", "mot": "password", "contraseña": "password",
    "paket": "parcel", "colis": "parcel", "paquete": "parcel",
    "verspätet": "late", "retard": "late", "retrasado": "late",
    "drucker": "printer", "imprimante": "printer", "impresora": "printer",
    "papierstau": "jam", "bourrage": "jam", "atasco": "jam",
}
ENGLISH = [
    ("en-bill", "invoice charged twice need a refund", "billing"),
    ("en-login", "cannot login password rejected", "login"),
    ("en-ship", "parcel arrived late courier", "shipping"),
    ("en-print", "printer jam in tray", "printer"),
]
GERMAN_BILLING = "Rechnung doppelt abgebucht Erstattung"


class DictionaryEmbedder:
    """Translate known words to English concepts, then hash: translations share one vector."""

    def __init__(self, model_id: str = "test/dictionary-multilingual", dim: int = 64) -> None:
        self._id = model_id
        self._hashing = HashingEmbedder(dim)
        self.loaded = False

    @property
    def model_id(self) -> str:
        return self._id

    @property
    def dim(self) -> int:
        return self._hashing.dim

    def load(self) -> None:
        self.loaded = True

    def encode(self, texts: Sequence[str], *, batch_size: int = 64, show_progress: bool = False) -> Matrix:
        concepts = [" ".join(TRANSLATIONS.get(w, w) for w in t.lower().split()) for t in texts]
        return self._hashing.encode(concepts)


def _cases(extra: Sequence[tuple[str, str, str]] = ()) -> list[Case]:
    filler = [(f"de-{i}", f"Kunde fragt nach Öffnungszeiten Nummer {i}", "other") for i in range(12)]
    return [Case(id=i, text=t, resolution=f"answer {i}", topic=topic, language="de" if i.startswith("de") else "en")
            for i, t, topic in [*ENGLISH, *filler, *extra]]


def _articles() -> list[Article]:
    return [Article(id="kb-bill", title="Refunds", body="A refund for an invoice charged twice takes five days.",
                    language="en"),
            Article(id="kb-de", title="Öffnungszeiten", body="Unsere Öffnungszeiten sind Montag bis Freitag.",
                    language="de")]


@pytest.fixture
def cross() -> Iterator[DictionaryEmbedder]:
    embedder = DictionaryEmbedder()
    register_cross_lingual_embedder(embedder)  # loads (holder swaps, followers) find it by its id
    yield embedder
    unregister_cross_lingual_embedder(embedder.model_id)


def _build(cross: DictionaryEmbedder | None) -> SearchIndex:
    index = SearchIndex.build(cases=_cases(), articles=_articles(), embedder=HashingEmbedder(64),
                              dedup_threshold=None, cross_lingual_embedder=cross)
    # a corpus this small and uniform lets rank fusion reward whatever an unrelated list ranks first: the cosine
    # floor keeps only true matches in the cross-lingual list (saved with the manifest)
    index.manifest.cross_lingual_min_score = 0.3
    return index


def test_german_query_finds_the_english_case_only_through_the_space(cross: DictionaryEmbedder) -> None:
    without = _build(None).search(GERMAN_BILLING, k_cases=3, k_articles=1)
    assert without.cases[0].id != "en-bill" and "en-bill" not in [c.id for c in without.cases]
    found = _build(cross).search(GERMAN_BILLING, k_cases=3, k_articles=1, query_language="de")
    assert found.cases[0].id == "en-bill" and found.cases[0].language == "en"
    assert found.cases[0].dense_score is not None and found.cases[0].dense_score > 0.8
    assert found.articles[0].id == "kb-bill"


def test_same_language_cases_rank_as_without_the_space_given_the_query_language(cross: DictionaryEmbedder) -> None:
    query = "Kunde fragt nach Öffnungszeiten Nummer 3"
    german = ("de",)
    plain = _build(None).search(query, k_cases=5, k_articles=0, filters=SearchFilters(language=german))
    fused = _build(cross).search(query, k_cases=5, k_articles=0, filters=SearchFilters(language=german),
                                 query_language="de")
    assert [c.id for c in fused.cases] == [c.id for c in plain.cases]
    assert [c.score for c in fused.cases] == pytest.approx([c.score for c in plain.cases])


def test_lexical_and_dense_modes_do_not_use_the_space(cross: DictionaryEmbedder) -> None:
    index = _build(cross)
    for mode in ("lexical", "dense"):
        assert "en-bill" not in [c.id for c in index.search(GERMAN_BILLING, k_cases=2, mode=mode).cases]


def test_space_is_saved_recorded_and_loaded(tmp_path: Path, cross: DictionaryEmbedder) -> None:
    _build(cross).save(tmp_path / "ix")
    manifest = read_manifest(tmp_path / "ix")
    assert (manifest.cross_lingual_embedder_id, manifest.cross_lingual_dim) == (cross.model_id, 64)
    assert (tmp_path / "ix" / manifest.files["cross_case_vectors"]).is_file()
    assert (tmp_path / "ix" / manifest.files["cross_passage_vectors"]).is_file()
    fresh = DictionaryEmbedder()
    loaded = SearchIndex.load(tmp_path / "ix", embedder=HashingEmbedder(64), cross_lingual_embedder=fresh)
    assert loaded.cross_lingual is not None and fresh.loaded
    assert loaded.search(GERMAN_BILLING, k_cases=1).cases[0].id == "en-bill"
    assert loaded.stats()["cross_lingual"]["embedder_id"] == cross.model_id
    by_id = SearchIndex.load(tmp_path / "ix", embedder=HashingEmbedder(64))  # the registered one, by id
    assert by_id.cross_lingual is not None and by_id.cross_lingual.embedder is cross


def test_load_refuses_another_cross_lingual_embedder(tmp_path: Path, cross: DictionaryEmbedder) -> None:
    _build(cross).save(tmp_path / "ix")
    for other in (DictionaryEmbedder("test/other-model"), DictionaryEmbedder(dim=32)):
        with pytest.raises(ArtifactMismatchError, match="cross-lingual"):
            SearchIndex.load(tmp_path / "ix", embedder=HashingEmbedder(64), cross_lingual_embedder=other)


def test_unknown_space_embedder_serves_without_it(tmp_path: Path, cross: DictionaryEmbedder,
                                                  caplog: pytest.LogCaptureFixture) -> None:
    _build(cross).save(tmp_path / "ix")
    unregister_cross_lingual_embedder(cross.model_id)
    with caplog.at_level(logging.WARNING):
        loaded = SearchIndex.load(tmp_path / "ix", embedder=HashingEmbedder(64))
    assert loaded.cross_lingual is None and "without the cross-lingual space" in caplog.text
    assert loaded.search(GERMAN_BILLING, k_cases=1).cases  # still serves (BM25 + main space)


def test_adds_and_deletes_keep_the_space_in_sync(tmp_path: Path, cross: DictionaryEmbedder) -> None:
    index = _build(cross)
    index.save(tmp_path / "ix")
    space = index.cross_lingual
    assert space is not None
    rows = space.case_store.ntotal
    index.add_cases([Case(id="en-print2", text="printer jam again paper stuck", resolution="r", language="en")])
    assert space.case_store.ntotal == rows + 1 == index.case_vectors.ntotal
    assert index.search("Drucker Papierstau", k_cases=1).cases[0].id in {"en-print", "en-print2"}
    index.delete_cases(["en-bill"])
    assert "en-bill" not in [c.id for c in index.search(GERMAN_BILLING, k_cases=5).cases]
    reloaded = SearchIndex.load(tmp_path / "ix", embedder=HashingEmbedder(64))
    assert reloaded.cross_lingual is not None
    assert reloaded.cross_lingual.case_store.ntotal == reloaded.case_vectors.ntotal
    assert "en-bill" not in [c.id for c in reloaded.search(GERMAN_BILLING, k_cases=5).cases]
    assert "en-print2" in reloaded


def test_deleted_rows_are_scrubbed_from_the_space(cross: DictionaryEmbedder) -> None:
    index = _build(cross)
    index.delete_cases(["en-bill"], persist=False)
    space = index.cross_lingual
    assert space is not None
    assert not np.any(space.case_store.reconstruct(np.asarray([0], dtype=np.int64)))  # row 0 was en-bill


def test_holder_adds_and_swaps_carry_the_space(tmp_path: Path, cross: DictionaryEmbedder) -> None:
    _build(cross).save(tmp_path / "a")
    _build(cross).save(tmp_path / "b")
    holder = IndexHolder.open(tmp_path / "a", embedder=HashingEmbedder(64))
    holder.add_cases([Case(id="en-refund2", text="refund for invoice charged twice last month", resolution="r",
                           language="en")])
    holder.delete_cases(["en-bill"])
    holder.swap(tmp_path / "b")  # a fresh build: the journal replays the add and the delete onto it
    live = holder.index
    assert live.cross_lingual is not None and live.cross_lingual.case_store.ntotal == live.case_vectors.ntotal
    hits = [c.id for c in live.search(GERMAN_BILLING, k_cases=3).cases]
    assert hits[0] == "en-refund2" and "en-bill" not in hits


def test_compaction_keeps_the_space_aligned(tmp_path: Path, cross: DictionaryEmbedder) -> None:
    index = _build(cross)
    index.save(tmp_path / "ix")
    index.delete_cases([f"de-{i}" for i in range(6)])  # over a tenth: the save compacts
    space = index.cross_lingual
    assert space is not None and space.case_store.ntotal == index.case_vectors.ntotal == len(_cases()) - 6
    assert index.search(GERMAN_BILLING, k_cases=1).cases[0].id == "en-bill"
    assert read_manifest(tmp_path / "ix").cross_lingual_case_index is not None


def test_rrf_fuse3_adds_the_third_list_with_its_weight() -> None:
    def hits(rows: list[int]) -> Hits:
        return Hits(np.asarray(rows, dtype=np.int64), np.linspace(1.0, 0.5, len(rows)).astype(np.float32))

    fused = rrf_fuse3(hits([1, 2]), hits([2, 1]), hits([3]), dense_weight=0.5, cross_weight=0.5, rrf_k=60)
    assert set(fused.rows) == {1, 2, 3} and fused.rows[-1] == 3
    assert fused.scores[-1] == pytest.approx(0.5 / 61) and fused.cross == {3: 1.0}
    alone = rrf_fuse3(hits([]), hits([]), hits([3, 4]), dense_weight=0.5, cross_weight=0.5, rrf_k=60)
    assert alone.rows == [3, 4]


def test_language_hits_reports_same_and_cross_language_rates(cross: DictionaryEmbedder) -> None:
    index = _build(cross)

    def topics(text: str, filters: SearchFilters) -> list[str | None]:
        return [c.topic for c in index.search(text, k_cases=1, k_articles=0, filters=filters).cases]

    queries = [(GERMAN_BILLING, "de", "billing"), ("Kunde fragt nach Öffnungszeiten", "de", "other"),
               ("invoice charged twice", "en", "billing")]
    rows = {r.language: r for r in language_hits(topics, queries, ["en", "de"])}
    assert rows["de"].queries == 2 and rows["de"].same_language == 0.5 and rows["de"].cross_language == 0.5
    assert rows["en"].same_language == 1.0 and rows["en"].cross_language == 0.0


def test_build_index_writes_the_space_and_redaction_rebuilds_it(tmp_path: Path, cross: DictionaryEmbedder) -> None:
    rows = [{"id": c.id, "subject": c.text, "body": "", "resolution": c.resolution, "topic": c.topic,
             "language": c.language} for c in _cases()]
    (tmp_path / "cases.jsonl").write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    manifest = build_index(cases_path=tmp_path / "cases.jsonl", articles_path=None, out_dir=tmp_path / "ix",
                           embedder=HashingEmbedder(64), dedup_threshold=None, show_progress=False,
                           cross_lingual_embedder=cross)
    assert manifest.cross_lingual_embedder_id == cross.model_id and manifest.cross_lingual_weight > 0
    report = redact_index(index_dir=tmp_path / "ix", embedder=HashingEmbedder(64), redact_case=lambda c: c,
                          redaction={"kind": "test"}, out_dir=tmp_path / "redacted")
    assert report.written
    again = SearchIndex.load(tmp_path / "redacted", embedder=HashingEmbedder(64))
    assert again.cross_lingual is not None and again.cross_lingual.case_store.ntotal == again.case_vectors.ntotal
