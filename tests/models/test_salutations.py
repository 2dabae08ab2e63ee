"""The greeting / sign-off lexicon (models/salutations.py) and every consumer that builds on it: each language's
greetings and sign-offs are recognised where they matter, and words that only look like them are not."""

import re
from pathlib import Path

import pytest
import yaml

from models.drafting.issues import signature_start, split_segments, substantive_words
from models.drafting.llm_review import review
from models.drafting.phrasebook import PhraseBook
from models.drafting.roles import sentence_role
from models.drafting.types import Draft, DraftRequest, Sentence
from models.errors import ArtifactError
from models.pii_names import pattern_names
from models.salutations import (
    ALL_LANGUAGES,
    LANGUAGES,
    alternation,
    closings,
    greetings,
    sign_offs,
    thanks,
)

BOOK_PATH = Path(__file__).resolve().parents[2] / "config" / "phrasebook.yaml"
BOOK = PhraseBook.load(BOOK_PATH)
# Not greetings or sign-offs, though they start like one.
LOOKALIKES = ["High CPU usage since Monday", "Dearth of options in the export dialog", "Thanksgiving sale banner",
              "Hilfe bei der Rechnung", "Saludar al equipo nuevo", "Bonjournal export is broken"]


# -- the lexicon ----------------------------------------------------------------------------------------------------

def test_every_drafting_language_has_greetings_closings_and_thanks() -> None:
    for language in LANGUAGES:
        assert greetings((language,)) and closings((language,)) and thanks((language,)), language
    assert set(LANGUAGES) < set(ALL_LANGUAGES)
    assert "ciao" in greetings(ALL_LANGUAGES) and "ciao" not in greetings()  # Italian: name redaction only
    assert greetings(("nl",)) == ()


def test_spelling_variants_are_added_once() -> None:
    words = sign_offs(("de", "fr"))
    assert {"viele grüße", "viele grüsse", "mit freundlichen grüssen", "merci d’avance"} <= set(words)
    assert len(words) == len(set(words))


def test_alternation_prefers_the_longest_phrase_and_refuses_nothing() -> None:
    rx = re.compile(rf"^(?:{alternation(['buenas', 'buenas tardes'])})", re.IGNORECASE)
    match = rx.match("Buenas tardes, Ana")
    assert match is not None and match.group(0) == "Buenas tardes"
    assert re.fullmatch(alternation(["kind regards"]), "kind\u00a0regards")
    with pytest.raises(ValueError, match="at least one phrase"):
        alternation([])


# -- models/drafting/issues.py --------------------------------------------------------------------------------------

@pytest.mark.parametrize("sign_off", ["Kind regards,", "Thanks in advance!", "Viele Grüße,", "Viele Grüsse",
                                      "Danke und Gruß", "Saludos cordiales,", "Un abrazo,", "Cordialement,",
                                      "Bonne journée,", "Merci d'avance,"])
def test_a_sign_off_line_starts_the_closing_of_a_ticket(sign_off: str) -> None:
    text = f"My export has been failing since the update and I need it today.\n{sign_off}\nAnna Weber\nAcme GmbH"
    assert signature_start(split_segments(text)) == text.index(sign_off)


@pytest.mark.parametrize("line", LOOKALIKES)
def test_a_line_that_only_looks_like_a_sign_off_does_not_end_the_ticket(line: str) -> None:
    text = f"My export has been failing since the update and I need it today.\n{line}\nAnna Weber"
    assert signature_start(split_segments(text)) is None


@pytest.mark.parametrize("greeting", ["Hi Anna,", "Good morning!", "To whom it may concern,", "Hallo Frau Koch,",
                                      "Moin,", "Sehr geehrte Damen und Herren,", "Hola Marta:", "Buenas tardes,",
                                      "Estimados señores,", "Bonjour Marie,", "Madame, Monsieur,"])
def test_a_greeting_line_is_small_talk(greeting: str) -> None:
    assert substantive_words(greeting) == 0


@pytest.mark.parametrize("line", LOOKALIKES)
def test_a_line_that_only_looks_like_a_greeting_is_kept(line: str) -> None:
    assert substantive_words(line) == len(line.split())


# -- models/drafting/llm_review.py ----------------------------------------------------------------------------------

def _reviewed(*texts: str, language: str = "de") -> list[str]:
    sentences = [Sentence(text=t) for t in texts]
    draft = Draft(text=" ".join(texts), sentences=sentences, citations=[], language=language, tone="neutral",
                  drafter="llm:test", confidence=0.5)
    request = DraftRequest(text="Mein Export schlägt fehl.", language=language, customer_name="Marek Novak")
    return [s.text for s in review(draft, request).sentences]


@pytest.mark.parametrize(("greeting", "expected"), [
    ("Hallo Anna,", "Hallo,"), ("Hi Anna,", "Hi,"), ("Guten Morgen Anna,", "Guten Morgen,"),
    ("Hola Anna,", "Hola,"), ("Buenas tardes Anna,", "Buenas tardes,"), ("Bonjour Anna,", "Bonjour,"),
    ("Madame Dupont,", "Madame,"), ("Hallo Marek,", "Hallo Marek,"),  # the customer's own name stays
    ("Madame, Monsieur,", "Madame, Monsieur,"), ("Bonjour Monsieur,", "Bonjour Monsieur,"),  # a title is no name
])
def test_llm_review_drops_another_name_from_a_greeting(greeting: str, expected: str) -> None:
    assert _reviewed(greeting, "Der Export läuft wieder.")[0] == expected


@pytest.mark.parametrize("sign_off", ["Viele Grüße, Sam", "Kind regards, Sam", "Saludos, Sam", "Cordialement, Sam",
                                      "Herzliche Grüße, Sam", "Un abrazo, Sam", "Danke, Sam"])
def test_llm_review_turns_a_sign_off_name_into_the_agent_placeholder(sign_off: str) -> None:
    word = sign_off.split(",")[0]
    assert _reviewed("Der Export läuft wieder.", sign_off)[-1] == f"{word}, [agent name]"


def test_llm_review_leaves_lookalikes_alone() -> None:
    lookalikes = ["Highlights Anna,", "Dearth Anna,", "Thanksgiving deals are shown in Billing, Sam."]
    assert _reviewed(*lookalikes, language="en") == lookalikes


# -- models/pii_names.py --------------------------------------------------------------------------------------------

def _names(text: str) -> list[str]:
    return [text[start:end] for start, end in pattern_names(text)]


@pytest.mark.parametrize(("text", "name"), [
    ("Hi Anna,\nmy export fails.", "Anna"), ("Greetings Anna,\nmy export fails.", "Anna"),
    ("Hallo Jonas,\nder Export schlägt fehl.", "Jonas"), ("Guten Morgen Lukas,\nder Export", "Lukas"),
    ("Hola Lucía,\nel export falla.", "Lucía"), ("Buenas noches Lucía,\nel export", "Lucía"),
    ("Bonjour Marie,\nl'export échoue.", "Marie"), ("Ciao Giulia,\nl'export non va.", "Giulia"),
    ("Thanks again Anna, it works.", "Anna"),
    ("The export fails.\n\nKind regards,\nTom Becker", "Tom Becker"),
    ("Der Export schlägt fehl.\n\nViele Grüsse\nAnna Weber", "Anna Weber"),
    ("Der Export schlägt fehl.\n\nDanke und Gruß\nJörg Koch", "Jörg Koch"),
    ("El export falla.\n\nUn abrazo,\nCarmen Díaz", "Carmen Díaz"),
    ("L'export échoue.\n\nBonne journée,\nÉlodie Leroy", "Élodie Leroy"),
    ("L'export échoue.\n\nMerci d'avance,\nBenoît Bernard", "Benoît Bernard"),
])
def test_pii_names_finds_the_name_next_to_a_greeting_or_sign_off(text: str, name: str) -> None:
    assert _names(text) == [name]


@pytest.mark.parametrize("text", [
    *(f"{line} Anna,\nplease help." for line in LOOKALIKES),
    "Liebes Orbitly-Team,\nder Export schlägt fehl.", "Hallo Support-Team,\nder Export schlägt fehl.",
])
def test_pii_names_finds_no_name_after_a_lookalike_or_a_team(text: str) -> None:
    assert _names(text) == []


# -- models/drafting/roles.py ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(("sentence", "language"), [
    ("Hi Anna, the export works again now.", "en"), ("Moin Jonas, hier ist der Link.", "de"),
    ("Buenas noches Lucía, aquí tienes el enlace.", "es"), ("Bonsoir Marie, voici le lien.", "fr"),
])
def test_a_greeting_with_a_name_is_a_case_fact(sentence: str, language: str) -> None:
    assert sentence_role(sentence, language) == "case_fact"


@pytest.mark.parametrize(("sentence", "language"), [
    ("Madame, Monsieur, voici le lien vers le guide.", "fr"), ("Bonjour Madame, voici le lien vers le guide.", "fr"),
    ("High CPU usage is shown in Settings.", "en"),
])
def test_a_greeting_without_a_name_is_no_case_fact(sentence: str, language: str) -> None:
    assert sentence_role(sentence, language) == "guidance"


# -- models/drafting/phrasebook.py ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("language", "reply"), [
    ("en", "Good afternoon Anna, open Settings."), ("en", "Thanks for waiting, Anna! Open Settings."),
    ("de", "Moin Jonas, öffnen Sie die Einstellungen."), ("de", "Sehr geehrter Herr Koch, öffnen Sie ..."),
    ("es", "Buenas noches Lucía: abre los ajustes."), ("fr", "Madame, Monsieur, ouvrez les paramètres."),
])
def test_the_phrase_book_strips_each_languages_greeting(language: str, reply: str) -> None:
    assert BOOK.strip_rules(language).greeting.match(reply)


@pytest.mark.parametrize(("language", "sentence"), [
    ("en", "Kind regards,"), ("en", "Thanks!"), ("de", "Viele Grüße"), ("es", "Un abrazo,"), ("fr", "Bien à vous,"),
])
def test_the_phrase_book_drops_a_sentence_that_is_only_a_sign_off(language: str, sentence: str) -> None:
    rules = BOOK.strip_rules(language)
    assert any(p.search(sentence) for p in rules.sentences)
    assert not any(p.search("Best practice is to export weekly.") for p in BOOK.strip_rules("en").sentences)
    assert not rules.greeting.match("High CPU usage, sadly: open Settings.")


def test_a_phrase_book_language_the_lexicon_lacks_needs_its_own_greetings() -> None:
    data = yaml.safe_load(BOOK_PATH.read_text(encoding="utf-8"))
    data["languages"]["nl"] = data["languages"]["en"] | {"strip": {"sentences": []}}
    with pytest.raises(ArtifactError, match="'nl' has no greeting words"):
        PhraseBook(data)
    data["languages"]["nl"]["strip"]["greeting"] = "hoi|beste"
    assert PhraseBook(data).strip_rules("nl").greeting.match("Hoi Sanne, open de instellingen.")
