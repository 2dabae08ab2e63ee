"""Drafts by language (issue 13, parts 3 and 4): names and titles, placeholders at word boundaries, the draft's
language and honest hand-offs for unsupported languages, and bad input about the ticket's language."""

import re

import pytest
import yaml

from models.drafting.composer import ComposerDrafter, replace_facts
from models.drafting.handoff import HandoffDrafter, first_name
from models.drafting.issues import FURTHER_IN_HANDOFF, with_issue_paragraphs
from models.drafting.language_check import language_warnings, reads_as
from models.drafting.names import CustomerName, parse_name
from models.drafting.phrasebook import PhraseBook
from models.drafting.placeholders import normalise_placeholders, sub_whole_words
from models.drafting.types import DraftRequest, Sentence, Source
from models.errors import ArtifactError
from models.sentiment import SentimentScorer
from service.settings import REPO_ROOT

BOOK_PATH = REPO_ROOT / "config" / "phrasebook.yaml"
GLUED = re.compile(r"\w\[|\]\w")  # a placeholder spliced into a word: "no[correo electrónico]"

CASES = {
    "en": Source(id="c-en", kind="case", score=0.8, language="en", topic="billing",
                 text="Hi Tom,\n\nOpen Billing and request a refund of the duplicate charge.\n\nBest regards,\nSam"),
    "de": Source(id="c-de", kind="case", score=0.8, language="de", topic="billing",
                 text="Hallo Jonas,\n\nÖffnen Sie Abrechnung und fordern Sie die Erstattung an.\n\n"
                      "Freundliche Grüße\nKatrin"),
    "es": Source(id="c-es", kind="case", score=0.8, language="es", topic="billing",
                 text="Hola, Lucía:\n\nAbre Facturación y solicita el reembolso del cargo duplicado.\n\n"
                      "Un saludo,\nMarta"),
    "fr": Source(id="c-fr", kind="case", score=0.8, language="fr", topic="billing",
                 text="Bonjour Paul,\n\nOuvrez Facturation et demandez le remboursement du double prélèvement.\n\n"
                      "Bien à vous,\nClaire"),
}
TICKETS = {"en": "I was charged twice for my plan this month", "de": "Ich wurde diesen Monat doppelt belastet",
           "es": "Me cobraron dos veces el plan este mes", "fr": "J'ai été prélevé deux fois ce mois-ci",
           "it": "Buongiorno, mi avete addebitato due volte il piano questo mese. Grazie",
           "pt": "Olá, fui cobrado duas vezes este mês e não sei porquê", "ja": "今月、二重に請求されました"}
SPANISH = re.compile(r"\b(Hola|Abre|Facturación|reembolso|Un saludo|Gracias por tu)\b")


@pytest.fixture(scope="module")
def book() -> PhraseBook:
    return PhraseBook.load(BOOK_PATH)


@pytest.fixture(scope="module")
def drafter(book: PhraseBook) -> ComposerDrafter:
    return ComposerDrafter(book, sentiment=SentimentScorer(), agent_name="Sam")


def ask(language: str, *cases: str, **kw: object) -> DraftRequest:
    base: dict[str, object] = {"text": TICKETS.get(language, TICKETS["en"]), "language": language,
                               "channel": "email", "cases": tuple(CASES[c] for c in cases), "articles": ()}
    base.update(kw)
    return DraftRequest(**base)  # type: ignore[arg-type]


# -- names ------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "title", "expected"), [
    ("Frau Schneider", None, CustomerName(kind="female", surname="Schneider")),
    ("Herr Dr. Weber", None, CustomerName(kind="male_doctor", surname="Weber")),
    ("Sra. Ana García López", None, CustomerName(kind="female", surname="Ana García López")),
    ("Dra. Ruiz", None, CustomerName(kind="female_doctor", surname="Ruiz")),
    ("M. Martin", None, CustomerName(kind="male", surname="Martin")),
    ("Mme Martin", None, CustomerName(kind="female", surname="Martin")),
    ("mrs smith", None, CustomerName(kind="female", surname="smith")),
    ("Dr Lee", None, CustomerName(kind="doctor", surname="Lee")),
    ("Anna Schneider", "Frau", CustomerName(kind="female", surname="Anna Schneider")),
    ("Anna", "Ms", CustomerName()),  # a first name or a surname? no name
    ("Frau", None, CustomerName()),
    ("Frau Dr.", None, CustomerName()),
    ("Mr.", None, CustomerName()),
    ("J. Smith", None, CustomerName()),
    ("Anna Schneider", None, CustomerName(first="Anna")),
    ("Martin", None, CustomerName(first="Martin")),  # "M" without its period is not Monsieur
    ("<b>Frau Schneider</b>", None, CustomerName()),
    (None, "Frau", CustomerName()),
])
def test_names_and_titles_are_parsed(name: str | None, title: str | None, expected: CustomerName) -> None:
    assert parse_name(name, title) == expected


@pytest.mark.parametrize(("language", "name", "title", "greeting"), [
    ("de", "Frau Schneider", None, "Guten Tag Frau Schneider,"),
    ("de", "Herr Dr. Weber", None, "Guten Tag Herr Dr. Weber,"),
    ("de", "Anna Schneider", None, "Hallo Anna,"),
    ("de", "Anna Schneider", "Frau", "Guten Tag Frau Anna Schneider,"),
    ("de", "Frau", None, "Guten Tag,"),
    ("es", "Sra. García", None, "Estimada Sra. García:"),
    ("es", "Sr. Pérez", None, "Estimado Sr. Pérez:"),
    ("es", "Ana García", None, "Hola, Ana:"),
    ("es", "Dr. García", None, "Hola:"),  # Dr. or Dra.? the name-less greeting
    ("fr", "Mme Martin", None, "Bonjour Madame Martin,"),
    ("fr", "M. Martin", None, "Bonjour Monsieur Martin,"),
    ("fr", "Claire Martin", None, "Bonjour Claire,"),
    ("fr", "Mlle", None, "Bonjour,"),
    ("en", "Anna Smith", None, "Hi Anna,"),
    ("en", "Ms Smith", None, "Dear Ms Smith,"),
    ("en", "Mr. Smith", None, "Dear Mr Smith,"),
    ("en", "Dr. Lee", None, "Dear Dr Lee,"),
    ("en", "Frau Schneider", None, "Dear Ms Schneider,"),  # the title is read in any language
    ("en", "Mrs", None, "Hello,"),
])
def test_salutations_use_titles_by_language(drafter: ComposerDrafter, language: str, name: str, title: str | None,
                                            greeting: str) -> None:
    draft = drafter.draft(ask(language, language, customer_name=name, customer_title=title))
    assert draft.language == language
    assert draft.text.split("\n")[0] == greeting
    assert draft.sentences[0].phrase is not None  # a phrase-book key, traceable


def test_no_title_is_ever_greeted_as_a_first_name(drafter: ComposerDrafter, book: PhraseBook) -> None:
    handoff = HandoffDrafter(book)
    for language in ("en", "de", "es", "fr"):
        for channel in ("email", "chat", "social"):
            for name in ("Frau Schneider", "Frau", "Sra.", "Mme", "Mr", "Herr Dr."):
                for draft in (drafter.draft(ask(language, language, customer_name=name, channel=channel)),
                              handoff.draft(ask(language, customer_name=name, channel=channel), "out_of_scope")):
                    first_line = draft.text.split("\n")[0]
                    assert not re.search(r"\b(?:Hallo|Hi|Hola|Bonjour)[, ]+(?:Frau|Herr|Sra|Mme|Mr)\b[,!:]",
                                         first_line), first_line
    assert first_name("Frau Schneider") is None and first_name("Ana Souza") == "Ana"


def test_chat_salutation_and_handoff_salutation(drafter: ComposerDrafter, book: PhraseBook) -> None:
    assert drafter.draft(ask("de", "de", customer_name="Frau Schneider", channel="chat")).text.startswith(
        "Hallo Frau Schneider!")
    handoff = HandoffDrafter(book).draft(ask("fr", customer_name="Mme Martin"), "low_confidence")
    assert handoff.text.startswith("Bonjour Madame Martin,")


# -- placeholders at word boundaries ------------------------------------------------------------------------------

@pytest.mark.parametrize(("language", "source", "kept", "placeholder"), [
    ("es", "Pide a TI que permita no-reply@orbitly.example; mientras tanto escribe a ana@cliente.example.",
     "permita no-reply@orbitly.example", "[correo electrónico]"),
    ("de", "Bitte lassen Sie no-reply@orbitly.example zu oder schreiben Sie an jonas@kunde.example.",
     "Sie no-reply@orbitly.example zu", "[E-Mail-Adresse]"),
    ("fr", "Demandez d'autoriser no-reply@orbitly.example ou écrivez à paul@client.example.",
     "d'autoriser no-reply@orbitly.example", "[adresse e-mail]"),
    ("en", "Please allow no-reply@orbitly.example, or write to tom@client.example.",
     "allow no-reply@orbitly.example", "[email address]"),
])
def test_placeholders_never_splice_into_a_word(book: PhraseBook, language: str, source: str, kept: str,
                                               placeholder: str) -> None:
    text, replaced = replace_facts(source, book, language)
    assert replaced and kept in text and placeholder in text
    assert not GLUED.search(text), text


@pytest.mark.parametrize(("language", "source"), [
    ("en", "We charged US$49 on order abc#12345 and ref12345678 on Nov 3rd."),
    ("de", "Die Rechnung RE-DE-20931 über 49EUR wurde am 3.März storniert, Vorgang X12345."),
    ("es", "El pedido n.º12345 por 49€ se reembolsó el 3 de marzo a ana.lopez@cliente.example."),
    ("fr", "La commande n°12345 de 49€ a été remboursée le 3 mars (client:paul@client.example)."),
])
def test_glued_facts_are_replaced_whole(book: PhraseBook, language: str, source: str) -> None:
    text, _ = replace_facts(source, book, language)
    assert not GLUED.search(text), text
    assert not re.search(r"\d{5,}|@", text), text  # and no fact of the other case is left behind


def test_sub_whole_words_widens_only_glued_matches() -> None:
    pattern = re.compile(r"\d{5,}")
    assert sub_whole_words(pattern, "[n]", "id 12345, ref12345x and kb/12345") == ("id [n], [n] and kb/[n]", 3)
    assert sub_whole_words(pattern, lambda v: f"<{v}>", "abc12345") == ("<abc12345>", 1)


def test_imported_slots_glued_to_words_get_a_space(book: PhraseBook) -> None:
    assert normalise_placeholders("Hola{{Customer Name}}, tu pedido {{Order Number}}ya salió.", book, "es") == \
        "Hola [NAME], tu pedido [número de pedido] ya salió."
    assert normalise_placeholders("See [the guide](https://x.example).", book, "en") == \
        "See [the guide](https://x.example)."


def test_a_spanish_draft_keeps_no_reply_whole(drafter: ComposerDrafter) -> None:
    case = Source(id="c-mail", kind="case", score=0.9, language="es", topic="integrations",
                  text="Hola, Lucía:\n\nTu servidor marca nuestros correos como masivos. Pide a TI que permita "
                       "no-reply@orbitly.example en su filtro.\n\nUn saludo,\nMarta")
    draft = drafter.draft(DraftRequest(text="No me llegan los correos de notificación", language="es",
                                       customer_name="Sra. García", cases=(case,)))
    assert draft.text.startswith("Estimada Sra. García:")
    assert "permita no-reply@orbitly.example" in draft.text and not GLUED.search(draft.text)


# -- the draft's language -------------------------------------------------------------------------------------------

def test_same_language_sources_are_used_when_they_exist(drafter: ComposerDrafter) -> None:
    for language in ("en", "de", "es", "fr"):
        draft = drafter.draft(ask(language, "en", "de", "es", "fr"))
        assert draft.language == language and [c.source_id for c in draft.citations] == [f"c-{language}"]
        assert not any("language" in u.kind for u in draft.unfilled)


@pytest.mark.parametrize("cases", [("es",), ("en", "es"), ("es", "fr", "de")])
def test_an_italian_ticket_never_gets_a_spanish_draft(drafter: ComposerDrafter, book: PhraseBook,
                                                      cases: tuple[str, ...]) -> None:
    draft = drafter.draft(ask("it", *cases, customer_name="Marco Rossi"))
    assert draft.language == "it" and draft.drafter == "handoff" and draft.citations == []
    assert not SPANISH.search(draft.text)
    assert draft.text.startswith("Gentile Marco,")
    assert book.render("it", "handoff.language") in draft.text and "Cordiali saluti,\nSam" in draft.text
    assert any("customer's language (it)" in w and "hand-off" in w for w in draft.warnings)


def test_portuguese_and_italian_handoffs_in_every_style(drafter: ComposerDrafter, book: PhraseBook) -> None:
    pt = drafter.draft(ask("pt", "es", customer_name="Ana Souza"))
    assert pt.language == "pt" and pt.text.startswith("Olá, Ana,") and "Agradecemos a sua mensagem." in pt.text
    chat = drafter.draft(ask("it", "es", channel="chat", customer_name="Sig.ra Bianchi"))
    assert chat.text.startswith("Gentile Sig.ra Bianchi,") and "\n" not in chat.text  # the e-mail salutation
    assert drafter.draft(ask("it", "es", channel="chat")).text.startswith("Buongiorno!")
    assert drafter.draft(ask("it", "es", customer_name="Frau Bianchi")).text.startswith("Gentile Sig.ra Bianchi,")
    assert drafter.draft(ask("it", "es", customer_name="Dott.ssa Neri")).text.startswith("Gentile Dott.ssa Neri,")
    assert drafter.draft(ask("pt", "es", customer_name="Sra. Souza")).text.startswith("Olá,")  # no pt salutation
    social = drafter.draft(ask("pt", "en", channel="social"))
    assert social.text.startswith("Olá,") and social.text.endswith("– Sam")


def test_unsupported_language_without_phrases_is_english_with_a_warning(drafter: ComposerDrafter,
                                                                        book: PhraseBook) -> None:
    # only Spanish sources: never Spanish to a Japanese customer; an English hand-off, flagged
    handoff = drafter.draft(ask("ja", "es"))
    assert handoff.language == "en" and handoff.drafter == "handoff" and not SPANISH.search(handoff.text)
    assert any("(ja)" in w for w in handoff.warnings)
    # English sources: an English draft, with the agent's line first and not ready to send
    draft = drafter.draft(ask("ja", "en", "es"))
    assert draft.language == "en" and draft.drafter == "composer"
    assert draft.text.startswith("[customer's language: ja – translate before sending]\n\n")
    assert [u.kind for u in draft.unfilled][:1] == ["language"] and not draft.ready_to_send
    assert "no source in the customer's language (ja); drafted in en" in draft.warnings


def test_a_composed_language_without_its_sources_says_so(drafter: ComposerDrafter) -> None:
    draft = drafter.draft(ask("fr", "en", "de"))
    assert draft.language == "en" and "no source in the customer's language (fr); drafted in en" in draft.warnings
    assert draft.sentences[0].phrase == "language_note" and "fr" in draft.sentences[0].text
    assert draft.unfilled[0].kind == "language" and draft.text[draft.unfilled[0].start:].startswith("[customer's")
    assert [c.source_id for c in draft.citations] == ["c-en"]


def test_only_third_language_sources_give_a_handoff_in_the_customers_language(drafter: ComposerDrafter) -> None:
    draft = drafter.draft(ask("fr", "de", customer_name="Mme Martin"))
    assert draft.language == "fr" and draft.drafter == "handoff"
    assert draft.text.startswith("Bonjour Madame Martin,") and "Öffnen" not in draft.text
    assert any("never a draft in a third language" in w for w in draft.warnings)


def test_an_unknown_ticket_language_takes_the_best_sources(drafter: ComposerDrafter) -> None:
    draft = drafter.draft(ask("und", "de", "en", text="???"))
    assert draft.language == "de" and any("language is unknown (und)" in w for w in draft.warnings)
    assert drafter.draft(ask("", "en", text="x")).language == "en"
    assert drafter.draft(ask(" DE ", "de")).language == "de"


def test_the_abstained_handoff_speaks_italian_too(book: PhraseBook) -> None:
    draft = HandoffDrafter(book).draft(ask("it", customer_name="Marco"), "out_of_scope")
    assert draft.language == "it" and book.render("it", "handoff.language") in draft.text
    assert [s.phrase for s in draft.sentences] == ["greeting.email", "handoff.language", "sign_off.email.default"]


def test_further_issues_are_not_appended_to_a_handoff(drafter: ComposerDrafter, book: PhraseBook) -> None:
    draft = drafter.draft(ask("it", "es"))
    out = with_issue_paragraphs(draft, [[Sentence(text="Regarding billing: open Billing.", phrase="issues.intro")]],
                                book=book, source_kinds={})
    assert out.text == draft.text and FURTHER_IN_HANDOFF in out.warnings


def test_phrase_book_handoff_only_languages(book: PhraseBook, tmp_path: object) -> None:
    assert {"it", "pt"}.isdisjoint(book.languages) and not book.supports("it")
    assert book.hands_off_in("it") and book.hands_off_in("pt") and book.hands_off_in("de")
    assert not book.hands_off_in("ja")
    data = yaml.safe_load(BOOK_PATH.read_text(encoding="utf-8"))
    del data["languages"]["it"]["handoff"]
    with pytest.raises(ArtifactError, match="'it' lacks"):
        PhraseBook(data)
    data = yaml.safe_load(BOOK_PATH.read_text(encoding="utf-8"))
    data["default_language"] = "pt"
    with pytest.raises(ArtifactError, match="default language"):
        PhraseBook(data)


# -- bad input ----------------------------------------------------------------------------------------------------

def test_a_very_short_ticket_is_drafted_with_a_reason(drafter: ComposerDrafter) -> None:
    draft = drafter.draft(ask("de", "de", text="hilfe!!"))
    assert draft.language == "de" and draft.text.startswith("Guten Tag,")
    assert "the ticket is too short to confirm its language (de): drafted as de" in draft.warnings
    assert drafter.draft(ask("de", "de", text="")).language == "de"


def test_a_language_field_contradicting_the_text_is_flagged(drafter: ComposerDrafter) -> None:
    draft = drafter.draft(ask("de", "de", "en", text="My invoice is wrong and I was charged twice for this plan"))
    assert draft.language == "de"  # the service's decision stands...
    assert any(w.startswith("the ticket's text reads as en, not de") for w in draft.warnings)  # ...with its reason


def test_a_mixed_language_ticket_is_flagged(drafter: ComposerDrafter) -> None:
    text = "Hallo, ich habe eine Frage zur Rechnung. Also my invoice is wrong and the app does not load."
    draft = drafter.draft(ask("de", "de", "en", text=text))
    assert draft.language == "de" and "the ticket mixes languages (de, en): drafted as de" in draft.warnings


@pytest.mark.parametrize(("text", "language"), [
    (TICKETS["it"], "it"), (TICKETS["pt"], "pt"), ("Bonjour, je ne peux pas me connecter depuis hier", "fr"),
    ("Hola, no puedo entrar y ya probé todo, gracias", "es"), ("Ich kann mich seit gestern nicht anmelden", "de"),
    ("I can't sign in since yesterday and the reset link does not work", "en"), ("今月、二重に請求されました", None),
])
def test_reads_as(text: str, language: str | None) -> None:
    assert reads_as(text) == language
    assert language is None or language_warnings(text, language) == []


def test_the_llm_drafter_never_answers_a_language_its_review_cannot_check(drafter: ComposerDrafter) -> None:
    from models.drafting.llm import LLMDrafter
    from models.drafting.prompts import build_prompt
    from tests.models.test_drafting_llm import Canned

    llm = LLMDrafter(Canned("Hola, Marco: abre Facturación y solicita el reembolso [1]."), fallback=drafter)
    request = ask("it", "es", customer_name="Marco Rossi")
    for draft in (llm.draft(request), list(llm.stream(request))[-1]):
        assert isinstance(draft, type(llm.draft(request)))
        assert draft.language == "it" and draft.drafter == "handoff" and not SPANISH.search(draft.text)
        assert any("(it) is not reviewed" in w for w in draft.warnings)
    titled = build_prompt(ask("de", "de", customer_name="Frau Schneider")).messages[-1]["content"]
    assert "Customer name: Schneider (female title given" in titled and "first name: Frau" not in titled


def test_a_handoff_reads_a_sloppy_language_code(book: PhraseBook) -> None:
    draft = HandoffDrafter(book).draft(ask(" IT ", customer_name="Marco"), "out_of_scope")
    assert draft.language == "it" and not any("no phrases" in w for w in draft.warnings)
