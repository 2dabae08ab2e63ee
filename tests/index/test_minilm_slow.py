"""The real all-MiniLM-L6-v2 embedder end to end on a few hundred generated tickets (slow: `-m slow`)."""

from __future__ import annotations

import itertools
import random
from pathlib import Path

import pytest

from index.documents import Case
from index.search_index import SearchIndex
from models.embedding.sentence_transformer import SentenceTransformerEmbedder
from tests.index.conftest import make_articles

TEMPLATES = {
    "billing": [
        "I was charged {} for my {}",
        "Why is there a double payment of {} on my {}?",
        "Please refund the {} taken for my {}",
        "My {} invoice shows {} too much",
    ],
    "login": [
        "I can't log in to my {} account since {}",
        "Password reset link for {} expired {}",
        "My {} account got locked {}",
        "Two-factor code for {} never arrives {}",
    ],
    "shipping": [
        "My {} parcel has not arrived since {}",
        "Tracking for the {} order stuck {}",
        "Courier lost my {} delivery {}",
        "The {} box arrived damaged {}",
    ],
    "printer": [
        "The {} printer jams paper {}",
        "{} printer shows offline {}",
        "Toner warning on the {} printer {}",
        "Cannot install the {} printer driver {}",
    ],
}
FILLERS = (
    ["office", "home", "premium", "family", "business", "student"],
    ["yesterday", "last week", "this morning", "since Monday", "again", "twice today"],
)


def _cases() -> list[Case]:
    rng = random.Random(3)
    cases = []
    for topic, templates in TEMPLATES.items():
        for n, (template, a, b) in enumerate(itertools.product(templates, *FILLERS)):
            if rng.random() < 0.55:
                cases.append(Case(id=f"{topic}-{n}", text=template.format(a, b), topic=topic))
    return cases


@pytest.mark.slow
def test_minilm_index_round_trip_and_quality(tmp_path: Path) -> None:
    embedder = SentenceTransformerEmbedder()
    cases = _cases()
    assert 300 <= len(cases) <= 450
    index = SearchIndex.build(cases=cases, articles=make_articles(), embedder=embedder, dedup_threshold=0.98)
    assert index.manifest.embedder_id == "sentence-transformers/all-MiniLM-L6-v2"
    assert index.manifest.dim == 384
    index.save(tmp_path / "ix")
    loaded = SearchIndex.load(tmp_path / "ix", embedder=embedder)
    queries = {
        "billing": "I got billed two times, I want my money back",
        "login": "I forgot my password and cannot sign in",
        "shipping": "where is my package, it never came",
        "printer": "paper keeps getting stuck in the printer",
    }
    for mode in ("dense", "hybrid"):
        for topic, query in queries.items():
            results = loaded.search(query, k_cases=5, k_articles=1, mode=mode)
            assert [c.topic for c in results.cases].count(topic) >= 4, (mode, topic, results.cases)
    refund = loaded.search("how do I get a refund", k_cases=0, k_articles=1)
    assert refund.articles[0].id == "kb-1" and refund.articles[0].heading == "Refunds"
