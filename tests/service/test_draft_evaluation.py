import csv
from pathlib import Path

import pytest

from models.embedding.hashing import HashingEmbedder
from models.errors import InvalidInputError
from service.components import build_composer
from service.draft_evaluation import evaluate_suggest, group_key, split_rows
from service.settings import REPO_ROOT, DraftingSettings, Settings

BOOK_PATH = REPO_ROOT / "config" / "phrasebook.yaml"
REPLIES = {
    "cancel_order": "I understand that you would like to cancel order {n}. Open Order History, pick the order and "
                    "click Cancel. Our team is available 24/7.",
    "track_refund": "I'm sorry to hear that your refund of $160 has not arrived. Refunds take five business days; "
                    "check the Refunds page for the status.",
    "recover_password": "Certainly! Click Forgot password on the sign-in page and follow the link we email you.",
}
TEMPLATES = {
    "cancel_order": ["how do I cancel order {n}", "please cancel my order {n}", "I want to cancel purchase {n} now"],
    "track_refund": ["where is my refund of ${n}", "refund of ${n} not received", "I am waiting for a refund of ${n}"],
    "recover_password": ["I forgot my password {n} times", "reset password for account {n}", "cannot sign in {n}"],
}


def rows() -> list[dict[str, str]]:
    out = []
    for intent, templates in TEMPLATES.items():
        for i, template in enumerate(templates):
            for n in range(12):
                word = ["red", "blue", "green", "late", "new", "old", "big", "small", "fast", "slow", "odd", "even"][n]
                out.append({"text": f"{template.format(n=100 + n)} {word} {i}", "intent": intent,
                            "response": REPLIES[intent].format(n=100 + n)})
    return out


def test_validation_split_never_touches_the_test_queries() -> None:
    data = rows()
    test_cases, test_queries, n_groups = split_rows(data, seed=3, query_share=0.2)
    val_cases, val_queries, _ = split_rows(data, seed=3, query_share=0.2, split="validation")
    assert n_groups == len({group_key(r["text"]) for r in data})
    test_keys = {group_key(r["text"]) for r in test_queries}
    assert test_keys and not test_keys & {group_key(r["text"]) for r in val_cases + val_queries}
    assert {group_key(r["text"]) for r in val_cases + val_queries} == {group_key(r["text"]) for r in test_cases}
    assert not {group_key(r["text"]) for r in val_cases} & {group_key(r["text"]) for r in val_queries}
    assert split_rows(data, seed=3, query_share=0.2, split="validation") == (val_cases, val_queries, n_groups)
    with pytest.raises(InvalidInputError, match="split must be one of"):
        split_rows(data, seed=3, query_share=0.2, split="train")


def test_evaluate_suggest_reports_draft_and_both_baselines(tmp_path: Path) -> None:
    path = tmp_path / "bitext.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=["instruction", "intent", "response"])
        writer.writeheader()
        writer.writerows({"instruction": r["text"], "intent": r["intent"], "response": r["response"]} for r in rows())
    for split in ("test", "validation"):
        drafter = build_composer(Settings(drafting=DraftingSettings(phrasebook=BOOK_PATH)))
        metrics = evaluate_suggest(data=path, embedder=HashingEmbedder(256), drafter=drafter, seed=3, split=split)
        assert metrics["split"] == split and metrics["queries"] > 0
        for key in ("cited_right_intent", "baseline_right_intent", "consensus_baseline_right_intent"):
            assert metrics[key] >= 0.9, (split, key, metrics)
        for key in ("draft_similarity", "baseline_similarity", "consensus_baseline_similarity"):
            assert 0.3 < metrics[key] <= 1.0 + 1e-6, (split, key, metrics)
