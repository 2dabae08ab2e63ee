from dataclasses import replace

import pytest

from models.drafting.composer import ComposerDrafter, adapt_reply, pick_article
from models.drafting.handoff import HandoffDrafter, first_name
from models.drafting.phrasebook import PhraseBook
from models.drafting.placeholders import normalise_placeholders
from models.drafting.types import DraftRequest, Source
from models.sentiment import SentimentScorer
from service.settings import REPO_ROOT

LANGUAGES = ("en", "de", "es", "fr")


@pytest.fixture(scope="module")
def book() -> PhraseBook:
    return PhraseBook.load(REPO_ROOT / "config" / "phrasebook.yaml")


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("reason", "key"), [("out_of_scope", "handoff.out_of_scope"),
                                             ("low_confidence", "handoff.clarify"),
                                             ("small_margin", "handoff.clarify")])
def test_handoff_is_phrase_book_only_in_each_language(book: PhraseBook, language: str, reason: str, key: str) -> None:
    draft = HandoffDrafter(book).draft(DraftRequest(text="pizza?", language=language, customer_name="Ana Souza",
                                                    tier="enterprise"), reason)
    assert draft.language == language and draft.drafter == "handoff" and draft.citations == []
    assert [s.phrase for s in draft.sentences] == ["greeting.email", key, "sign_off.email.default"]
    assert all(book.matches(language, s.phrase or "", s.text) for s in draft.sentences)
    assert draft.text.startswith(book.render(language, "greeting.email", name="Ana"))
    assert "account manager" not in draft.text  # no tier sign-off asserting facts
    assert any("routing abstained" in w and reason in w for w in draft.warnings)


def test_handoff_falls_back_to_default_language_and_chat_layout(book: PhraseBook) -> None:
    draft = HandoffDrafter(book, agent_name="Sam").draft(DraftRequest(text="x", language="ja", channel="chat"), None)
    assert draft.language == "en" and "\n\n" not in draft.text
    assert any("(ja)" in w for w in draft.warnings)
    pieces = list(HandoffDrafter(book).stream(DraftRequest(text="x", language="en"), "out_of_scope"))
    assert "".join(p for p in pieces if isinstance(p, str)) == pieces[-1].text  # type: ignore[union-attr]


@pytest.mark.parametrize(("name", "expected"), [("Ana Souza", "Ana"), ("<script>alert(1)</script>", None),
                                                ("O'Neil", "O'Neil"), ("bob@x.example", None), (None, None),
                                                ("1234", None)])
def test_only_plain_first_names_are_greeted(name: str | None, expected: str | None) -> None:
    assert first_name(name) == expected


@pytest.mark.parametrize(("language", "source", "expected"), [
    ("en", "Your order {{Order Number}} ships today.", "Your order [order number] ships today."),
    ("en", "Thanks, <name>! Regards, [Your Name]", "Thanks, [NAME]! Regards, [agent name]"),
    ("en", "Dear {{Customer Name}}, see {{Account Type}}.", "Dear [NAME], see [account type]."),
    ("en", "See [the guide](https://x.example) and <b>this</b> [order number].",
     "See [the guide](https://x.example) and <b>this</b> [order number]."),
])
def test_foreign_placeholders_become_ours(book: PhraseBook, language: str, source: str, expected: str) -> None:
    assert normalise_placeholders(source, book, language) == expected


def test_foreign_placeholders_take_the_languages_form(book: PhraseBook) -> None:
    out = normalise_placeholders("Bestellung {{Order Number}} über {{Refund Amount}}", book, "de")
    assert out == f"Bestellung {book.placeholder('de', 'order_number')} über {book.placeholder('de', 'amount')}"
    assert book.placeholder("de", "order_number") != book.placeholder("en", "order_number")


def test_adapted_reply_fills_the_foreign_name_slot_with_this_customer(book: PhraseBook) -> None:
    source = Source(id="b1", kind="case", text="Dear {{Customer Name}},\n\nHere is the fix, <name>. Your order "
                                                 "{{Order Number}} is on its way.\n\nBest,\n[Your Name]")
    texts = [a.text for a in adapt_reply(source, book=book, language="en", customer_name="Ana")]
    assert texts == ["Here is the fix, Ana.", "Your order [order number] is on its way."]
    anonymous = [a.text for a in adapt_reply(source, book=book, language="en", customer_name=None)]
    assert anonymous == ["Your order [order number] is on its way."]  # no name to fill: the sentence goes


def test_cases_of_unknown_language_are_drafted_from(book: PhraseBook) -> None:
    drafter = ComposerDrafter(book, sentiment=SentimentScorer())
    case = Source(id="u1", kind="case", text="Open Settings > Security and turn on two-factor authentication.",
                  score=0.8, language=None, topic="login_access")
    for unknown in (None, "und"):
        draft = drafter.draft(DraftRequest(text="turn on 2fa", language="en", topic="login_access",
                                           cases=(replace(case, language=unknown),)))
        assert draft.language == "en" and draft.citations[0].source_id == "u1"
        assert not any("customer's language" in w for w in draft.warnings)


def test_article_of_a_fitting_topic_beats_a_lower_ranked_one_of_the_routed_topic() -> None:
    refunds = Source(id="KB-8", kind="article", text="x", score=0.9, language="en", topic="refunds")
    billing = Source(id="KB-1", kind="article", text="y", score=0.5, language="en", topic="billing")
    assert pick_article([refunds, billing], "en", "billing") == billing
    assert pick_article([refunds, billing], "en", "billing", ("billing", "refunds")) == refunds
    assert pick_article([refunds], "en", "outage") is None
