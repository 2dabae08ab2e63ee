from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

from index.documents import (
    ArticleFields,
    CaseFields,
    clean_article_body,
    load_articles,
    load_cases,
    parse_timestamp,
    split_passages,
)
from models.errors import InvalidInputError


def test_passages_follow_headings_and_offsets() -> None:
    text = "# Intro\n\nFirst paragraph here.\n\nSecond one.\n\n## Setup\n\nInstall it.\nThen run it."
    passages = split_passages(text, max_chars=200, overlap_chars=20, article_id="a")
    assert [p.heading for p in passages] == ["Intro", "Setup"]
    assert [p.position for p in passages] == [0, 1]
    for p in passages:
        assert text[p.start : p.end] == p.text
    assert passages[0].text == "First paragraph here.\n\nSecond one."
    assert passages[1].text == "Install it.\nThen run it."


def test_long_text_is_bounded_with_overlap() -> None:
    sentences = [f"Sentence number {i} explains step {i} of the procedure." for i in range(60)]
    text = " ".join(sentences[:30]) + "\n\n" + " ".join(sentences[30:])
    passages = split_passages(text, max_chars=300, overlap_chars=60)
    assert len(passages) > 5
    assert all(len(p.text) <= 300 for p in passages)
    for prev, nxt in itertools.pairwise(passages):
        assert nxt.start < prev.end  # consecutive passages share some text
        assert text[nxt.start : nxt.end] == nxt.text
    covered: set[int] = set()
    for p in passages:
        covered.update(range(p.start, p.end))
    assert all(i in covered for i, ch in enumerate(text) if not ch.isspace())


def test_unbreakable_word_run_is_hard_split() -> None:
    passages = split_passages("x" * 1000, max_chars=100, overlap_chars=0)
    assert all(len(p.text) <= 100 for p in passages)
    assert "".join(p.text for p in passages) == "x" * 1000


def test_html_headings_survive_cleaning() -> None:
    cleaned = clean_article_body("<h2>Paper jam</h2><p>Open the tray.</p><h3>Toner</h3><p>Replace it.</p>")
    passages = split_passages(cleaned, max_chars=200, overlap_chars=0)
    assert [(p.heading, p.text) for p in passages] == [
        ("Paper jam", "Open the tray."),
        ("Toner", "Replace it."),
    ]


def test_split_rejects_bad_bounds() -> None:
    with pytest.raises(InvalidInputError, match="overlap_chars"):
        split_passages("text", max_chars=100, overlap_chars=80)


def test_read_csv_and_jsonl_with_field_mapping(tmp_path: Path) -> None:
    csv_path = tmp_path / "cases.csv"
    csv_path.write_text(
        "ticket,title,message,answer,queue,when,shop\n"
        "T1,Refund,<p>I was charged twice</p>,We refunded you,billing,2024-05-01T10:00:00Z,acme\n"
        ",No id,Body only,,login,1714557600,globex\n",
        encoding="utf-8",
    )
    fields = CaseFields(
        id_field="ticket",
        subject_field="title",
        body_field="message",
        resolution_field="answer",
        topic_field="queue",
        resolved_at_field="when",
        tenant_field="shop",
    )
    cases = load_cases(csv_path, fields)
    assert cases[0].id == "T1" and cases[0].text == "Refund\nI was charged twice"
    assert cases[0].topic == "billing" and cases[0].tenant == "acme"
    assert cases[0].resolved_at == "2024-05-01T10:00:00+00:00"
    assert cases[1].id == "cases-2" and cases[1].resolved_at == "2024-05-01T10:00:00+00:00"

    jsonl = tmp_path / "kb.jsonl"
    jsonl.write_text(
        json.dumps({"key": "k1", "name": "Reset", "html": "<p>Do it</p>", "labels": "a; b"}) + "\n",
        encoding="utf-8",
    )
    articles = load_articles(
        jsonl, ArticleFields(id_field="key", title_field="name", body_field="html", tags_field="labels")
    )
    assert articles[0].id == "k1" and articles[0].tags == ("a", "b")


def test_bad_inputs_are_refused(tmp_path: Path) -> None:
    (tmp_path / "x.txt").write_text("x", encoding="utf-8")
    with pytest.raises(InvalidInputError, match="unsupported input format"):
        load_cases(tmp_path / "x.txt")
    empty = tmp_path / "empty.jsonl"
    empty.write_text('{"id": "1", "subject": "", "body": ""}\n', encoding="utf-8")
    with pytest.raises(InvalidInputError, match="no text"):
        load_cases(empty)
    with pytest.raises(InvalidInputError, match="timestamp"):
        parse_timestamp("yesterday-ish")


def test_article_topic_is_read_and_round_trips() -> None:
    from index.documents import Article, ArticleFields, article_from_record

    article = article_from_record({"id": "KB-7", "title": "Export", "body": "## Steps\n1. Go", "topic": "data_export"},
                                  ArticleFields(), fallback_id="x")
    assert article.topic == "data_export"
    assert Article.from_dict(article.to_dict()) == article
