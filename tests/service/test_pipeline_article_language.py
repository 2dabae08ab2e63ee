"""Articles for a draft come in the ticket's language when one exists, even though the cross-lingual space ranks
the other-language translation of the same article high (service/pipeline.py `search_snapshot`)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from index.documents import Article, Case
from index.multilingual import register_cross_lingual_embedder, unregister_cross_lingual_embedder
from index.search_index import SearchIndex
from models.embedding.hashing import HashingEmbedder
from service.pipeline import SearchQuery, search_snapshot
from tests.index.test_cross_lingual import DictionaryEmbedder

ENGLISH_QUERY = "my invoice was charged twice please refund"
GERMAN_QUERY = "Rechnung doppelt abgebucht Erstattung bitte"


@pytest.fixture
def cross() -> Iterator[DictionaryEmbedder]:
    embedder = DictionaryEmbedder()
    register_cross_lingual_embedder(embedder)
    yield embedder
    unregister_cross_lingual_embedder(embedder.model_id)


def build(cross: DictionaryEmbedder, articles: list[Article]) -> SearchIndex:
    cases = [Case(id="c-en", text="invoice charged twice", resolution="We refunded it.", topic="billing",
                  language="en"),
             Case(id="c-de", text="Rechnung doppelt abgebucht", resolution="Erstattet.", topic="billing",
                  language="de")]
    filler = [Article(id=f"kb-x{i}", title=f"Printer {i}", body=f"printer jam number {i} in tray", language="en")
              for i in range(6)]
    index = SearchIndex.build(cases=cases, articles=[*articles, *filler], embedder=HashingEmbedder(64),
                              dedup_threshold=None, cross_lingual_embedder=cross)
    index.manifest.cross_lingual_min_score = 0.3
    return index


BILLING_EN = Article(id="kb-bill-en", title="Invoice twice", body="invoice charged twice refund",
                     language="en")
BILLING_DE = Article(id="kb-bill-de", title="Rechnung doppelt", body="Rechnung doppelt abgebucht Erstattung",
                     language="de")


def top_article(index: SearchIndex, text: str, language: str) -> str:
    vector = index.embedder.encode([text])
    found = search_snapshot(index, text, vector, SearchQuery(k_cases=2, k_articles=1), language)
    return found.articles[0].id


def test_each_language_gets_its_own_translation_first(cross: DictionaryEmbedder) -> None:
    index = build(cross, [BILLING_EN, BILLING_DE])
    # The cross-lingual list alone puts the other language's translation first (what this guards against).
    fused = index.search(ENGLISH_QUERY, k_cases=0, k_articles=2, query_language="en").articles
    assert fused[0].id == "kb-bill-de"
    assert top_article(index, ENGLISH_QUERY, "en") == "kb-bill-en"
    assert top_article(index, GERMAN_QUERY, "de") == "kb-bill-de"


def test_an_article_in_another_language_is_used_when_none_exists_in_the_tickets(cross: DictionaryEmbedder) -> None:
    index = build(cross, [BILLING_EN])
    assert top_article(index, GERMAN_QUERY, "de") == "kb-bill-en"
