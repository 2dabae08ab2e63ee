"""The learned sentence-role model (models/drafting/role_model.py): training on our labelled set, the artifact and
its checks, a second opinion that only raises the rules' guidance, and what the composer does with its roles."""

import json
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from models.drafting.composer import ComposerDrafter
from models.drafting.phrasebook import CONFIRM_KEY, PhraseBook
from models.drafting.role_model import (
    THRESHOLD_GRID,
    LabelledSentence,
    RoleModel,
    _key,
    combine,
    read_labelled_sentences,
    train_role_model,
    wording,
)
from models.drafting.roles import SentenceRole, sentence_role
from models.drafting.types import DraftRequest, Source
from models.embedding.hashing import HashingEmbedder
from models.errors import ArtifactError, ArtifactMismatchError, InvalidInputError
from models.sentiment import SentimentScorer
from service.settings import REPO_ROOT

ROLE_SET = REPO_ROOT / "bench" / "data" / "roles" / "roles.jsonl"
STILL_THERE = "Your projects and docs are all still there."  # a case fact the rules read as guidance


@pytest.fixture(scope="module")
def dev_rows() -> list[LabelledSentence]:
    rows, counts = read_labelled_sentences([ROLE_SET])  # no Bitext CSV: references are left out and counted
    assert counts["skipped_references"] > 0 and len(rows) == counts["read"] - counts["skipped_references"]
    return rows[::3]  # every third demo dev sentence: enough to learn, quick to fit


@pytest.fixture(scope="module")
def model(dev_rows: list[LabelledSentence], tmp_path_factory: pytest.TempPathFactory) -> RoleModel:
    trained = train_role_model(dev_rows, HashingEmbedder(64), n_features=2**14, folds=3)
    trained.save(tmp_path_factory.mktemp("roles") / "role-model")
    return trained


def test_reads_only_the_requested_split_and_checks_labels(tmp_path: Path) -> None:
    path = tmp_path / "set.jsonl"
    records: list[dict[str, object]] = [
        {"text": "Open Settings.", "language": "en", "label": "guidance", "split": "dev"},
        {"text": "Hi Ana,", "language": "en", "label": "case_fact", "split": "test"},
        {"source": "bitext", "row": 3, "sentence": 0, "sha256": "0" * 16, "label": "guidance", "split": "dev"}]
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    rows, counts = read_labelled_sentences([path])
    assert [r.text for r in rows] == ["Open Settings."] and counts == {"read": 2, "skipped_references": 1}
    path.write_text(json.dumps({**records[0], "label": "fact"}) + "\n", encoding="utf-8")
    with pytest.raises(InvalidInputError, match="label 'fact'"):
        read_labelled_sentences([path])
    with pytest.raises(InvalidInputError, match="does not exist"):
        read_labelled_sentences([tmp_path / "missing.jsonl"])
    path.write_text('{"text": "Open Settings.", "split": "dev"\n', encoding="utf-8")
    with pytest.raises(InvalidInputError, match=r"set\.jsonl:1: not a JSON record"):
        read_labelled_sentences([path])
    csv_path = tmp_path / "bitext.csv"
    csv_path.write_text("instruction,intent,response\nhi,greet,Hello there.\n", encoding="utf-8")
    path.write_text(json.dumps(records[2]) + "\n", encoding="utf-8")  # row 3 of a one-row CSV
    with pytest.raises(InvalidInputError, match="Bitext reference"):
        read_labelled_sentences([path], bitext_csv=csv_path)


def test_the_cache_keeps_the_most_recently_used_sentences(model: RoleModel) -> None:
    small = RoleModel(features=model.features, classes=model.classes, hashed_index=model.hashed_index,
                      hashed_coef=model.hashed_coef, dense_coef=model.dense_coef, intercept=model.intercept,
                      thresholds=model.thresholds, manifest=model.manifest, cache_size=2)
    first = small.probabilities(["a b c", "d e f"])
    small.probabilities(["a b c"])  # used again: "d e f" is now the oldest
    small.probabilities(["g h i"])
    assert list(small._cache) == [_key("a b c"), _key("g h i")]
    assert np.allclose(small.probabilities(["d e f", "a b c"]), first[::-1])  # scored again, the same


def test_training_records_thresholds_chosen_out_of_fold(model: RoleModel, dev_rows: list[LabelledSentence]) -> None:
    manifest = model.manifest
    assert manifest["training"]["rows"] == len(dev_rows) and manifest["training"]["groups"] == "wording"
    assert set(model.thresholds) <= {"action", "case_fact"}
    choice = manifest["threshold_choice"]
    assert choice["tuning_rows"] == len(dev_rows) and not choice["tuning_rows_unseen"]  # no written rows: all rows
    for role in ("action", "case_fact"):
        errors = choice[role]["misread"]
        chosen = choice[role]["threshold"]
        assert chosen == model.thresholds.get(role) and (chosen is None or chosen in THRESHOLD_GRID)
        # the choice has the fewest misread sentences; "off" wins ties (the rules, tuned on these rows, stay)
        assert errors["off" if chosen is None else str(chosen)] == min(errors.values())
    assert manifest["embedder"] == {"id": HashingEmbedder(64).model_id, "dim": 64}


def test_thresholds_are_chosen_on_the_wording_the_rules_never_saw(dev_rows: list[LabelledSentence]) -> None:
    """Rows marked `unseen` (written replies) choose the thresholds: there the rules miss cue-less case facts, so
    raising guidance pays; on the dev rows alone (the rules tuned on them) it hardly can."""
    stative = ["Your projects and docs are all still there.", "Nothing else was added to your workspace.",
               "The backlog on your account has been cleared.", "Your tasks are still where you left them.",
               "All of your files are still in the shared folder.", "Your workspace looks healthy again.",
               "The export for your team finished without errors.", "Your seats are all still assigned.",
               "Your dashboards are intact.", "Your old invoices are still in the list."]
    assert all(sentence_role(s, "en") == "guidance" for s in stative)
    unseen = [LabelledSentence(f"{s[:-1]} {tail}.", "en", "case_fact", unseen=True)
              for s in stative for tail in ("today", "as far as we can see", "after the check")]
    guidance = [r for r in dev_rows if r.label == "guidance"][:30]
    rows = dev_rows + unseen + [LabelledSentence(r.text, r.language, r.label, unseen=True) for r in guidance]
    trained = train_role_model(rows, HashingEmbedder(64), n_features=2**14, folds=3)
    choice = trained.manifest["threshold_choice"]
    assert choice["tuning_rows"] == len(unseen) + len(guidance) and choice["tuning_rows_unseen"]
    assert "case_fact" in trained.thresholds
    assert choice["case_fact"]["misread"][str(trained.thresholds["case_fact"])] < choice["case_fact"]["misread"]["off"]


def test_too_little_data_is_refused() -> None:
    rows = [LabelledSentence("Open Settings.", "en", "guidance")] * 60
    with pytest.raises(InvalidInputError, match="all three roles"):
        train_role_model(rows, HashingEmbedder(16))
    roles: list[SentenceRole] = ["guidance", "action", "case_fact"] * 10
    with pytest.raises(InvalidInputError, match="at least 50"):
        train_role_model([LabelledSentence(f"s {i}", "en", role) for i, role in enumerate(roles)], HashingEmbedder(16))


def test_the_artifact_round_trips_and_is_checked(model: RoleModel, tmp_path: Path) -> None:
    directory = tmp_path / "role-model"
    model.save(directory)
    sentences = [STILL_THERE, "Open Settings > Billing and click Update.", "Le journal ne montre aucune modification."]
    loaded = RoleModel.load(directory, HashingEmbedder(64))
    assert np.allclose(loaded.probabilities(sentences), model.probabilities(sentences))
    assert loaded.thresholds == model.thresholds and loaded.classes == model.classes
    with pytest.raises(ArtifactMismatchError, match="trained with embedder"):
        RoleModel.load(directory, HashingEmbedder(32))
    weights = directory / "weights.npz"
    weights.write_bytes(weights.read_bytes()[:-8] + b"tampered")
    with pytest.raises(ArtifactError, match="does not match the manifest"):
        RoleModel.load(directory, HashingEmbedder(64))
    (directory / "manifest.json").unlink()
    with pytest.raises(ArtifactError, match=r"manifest\.json is missing"):
        RoleModel.load(directory, HashingEmbedder(64))


def test_the_model_only_raises_the_rules_guidance() -> None:
    classes = ["action", "case_fact", "guidance"]
    sure_guidance = np.array([[0.0, 0.0, 1.0]] * 3)
    sure_fact = np.array([[0.0, 1.0, 0.0]] * 3)
    rules: list[SentenceRole] = ["action", "case_fact", "guidance"]
    thresholds = {"action": 0.5, "case_fact": 0.5}
    # a sure "guidance" never lowers an action or a case fact of the rules
    assert combine(rules, sure_guidance, classes, thresholds) == [("action", False), ("case_fact", False),
                                                                 ("guidance", False)]
    assert combine(rules, sure_fact, classes, thresholds) == [("action", False), ("case_fact", False),
                                                             ("case_fact", True)]
    both = np.array([[0.55, 0.45, 0.0]])
    assert combine(["guidance"], both, classes, {"action": 0.5, "case_fact": 0.4}) == [("action", True)]
    assert combine(["guidance"], both, classes, {"case_fact": 0.5}) == [("guidance", False)]  # action upgrade off


def test_roles_asks_the_model_only_about_guidance(model: RoleModel) -> None:
    sentences = ["I've refunded the second charge.", "Hi Ana,", STILL_THERE]
    roles = model.roles(sentences, "en")
    assert [r for r, _ in roles[:2]] == [sentence_role(s, "en") for s in sentences[:2]] == ["action", "case_fact"]
    assert roles[0][1] is False and roles[1][1] is False
    cached = set(model._cache)
    assert _key(STILL_THERE) in cached and not {_key(s) for s in sentences[:2]} & cached  # the rules' were not scored
    assert all(isinstance(k, bytes) and len(k) == 16 for k in cached)  # digests, no source text


def test_wording_groups_sentences_that_differ_only_in_slots() -> None:
    assert wording("Hi Ben, I've refunded $414.00 to li@pine.example.") == wording(
        "Regarding your other question: I've refunded $30.00 to ana@acme.example.")


class FlagOne:
    """A role reader that reads `flagged` as `role` (by the model) and leaves every other sentence to the rules."""

    def __init__(self, flagged: str, role: SentenceRole) -> None:
        self.flagged, self.role = flagged, role

    def roles(self, sentences: Sequence[str], language: str | None) -> list[tuple[SentenceRole, bool]]:
        return [(self.role, True) if s == self.flagged else (sentence_role(s, language), False) for s in sentences]


REPLY = ("Open Settings > Projects and pick the workspace you moved from. " + STILL_THERE
         + " Let us know if anything else looks off.")


def _draft(roles: FlagOne | None) -> tuple[str, list[int], str]:
    book = PhraseBook.load(REPO_ROOT / "config" / "phrasebook.yaml")
    drafter = ComposerDrafter(book, sentiment=SentimentScorer(), agent_name="Sofia", roles=roles)
    case = Source(id="c1", kind="case", text=REPLY, score=0.9, language="en", topic="onboarding")
    draft = drafter.draft(DraftRequest(text="my projects are gone after the move", language="en", channel="email",
                                       customer_name="Ana", cases=(case,)))
    return draft.text, draft.needs_confirmation, book.render("en", CONFIRM_KEY)


def test_composer_drops_a_learned_case_fact_and_marks_a_learned_action() -> None:
    assert sentence_role(STILL_THERE, "en") == "guidance"  # the rules would let the draft assert it
    text, confirm, _ = _draft(None)
    assert STILL_THERE in text and confirm == []
    text, confirm, _ = _draft(FlagOne(STILL_THERE, "case_fact"))
    assert STILL_THERE not in text and "Open Settings > Projects" in text and confirm == []
    text, confirm, marker = _draft(FlagOne(STILL_THERE, "action"))
    assert len(confirm) == 1 and re.search(rf"^{re.escape(marker)} {re.escape(STILL_THERE)}$", text, re.M)
