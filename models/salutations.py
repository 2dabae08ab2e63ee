"""Greeting and sign-off words: the one lexicon every recogniser of a message's opening and closing builds on.

Greetings open a message ("Hi", "Hallo", "Hola", "Bonjour", "Dear", "Liebe", "Estimado"); sign-offs close it:
closings ("Kind regards", "Viele Grüße", "Saludos", "Cordialement") and thanks ("Thanks", "Danke", "Gracias",
"Merci"). Phrases are plain lower-case text, listed under the language of the messages they occur in (German
tickets open with "Hi" too); spelling variants are added here once: German "ß" also as "ss" ("Viele Grüsse"), "'"
also as "’". Each consumer builds its own regex from them with `alternation`, anchored as it needs:

- models/drafting/issues.py: a whole greeting or sign-off line (small talk; where a ticket's closing starts);
- models/drafting/llm_review.py: a greeting or sign-off followed by a name (the name becomes a placeholder);
- models/drafting/roles.py: a greeting followed by a name makes a sentence a case fact;
- models/drafting/phrasebook.py: the greeting an adapted reply loses, and the lone sign-off sentences it drops;
- models/pii_names.py: the name after a greeting or thanks, and under a sign-off;
- service/draft_evaluation.py: a draft with two greetings or two sign-offs.

`LANGUAGES` are the languages drafting covers (the default everywhere); `ALL_LANGUAGES` adds Italian, which only
name redaction reads. Pure data and string building: nothing is loaded at import.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Final

LANGUAGES: Final = ("en", "de", "es", "fr")


def _each(firsts: Iterable[str], words: Iterable[str], lasts: Iterable[str] = ("",)) -> tuple[str, ...]:
    """Every first + word + last ("kind " + "regards"): the combinations a phrase comes in."""
    return tuple(f"{first}{word}{last}" for first in firsts for word in words for last in lasts)


def _variants(phrases: Iterable[str]) -> tuple[str, ...]:
    """The phrases with their other spellings: "ß" as "ss", "'" as "’"; each once, in order."""
    out: dict[str, None] = {}
    for phrase in phrases:
        for variant in (phrase, phrase.replace("ß", "ss")):
            out.update(dict.fromkeys((variant, variant.replace("'", "’"))))
    return tuple(out)


def _lexicon(phrases: Mapping[str, Iterable[str]]) -> Mapping[str, tuple[str, ...]]:
    return {language: _variants(words) for language, words in phrases.items()}


# Words that open a message, before a name or alone ("Hi Anna,", "Sehr geehrte Frau Koch,", "Madame,").
GREETINGS: Final = _lexicon({
    "en": ("hi", "hello", "hey", "dear", "good morning", "good afternoon", "good evening", "greetings",
           "to whom it may concern"),
    "de": ("hallo", "hi", "moin", "servus", "guten morgen", "guten tag", "guten abend", "grüß gott", "grüß dich",
           "liebe", "lieber", "liebes", "sehr geehrte", "sehr geehrter", "sehr geehrtes"),
    "es": ("hola", "buenos días", "buenas tardes", "buenas noches", "buenas", "estimado", "estimada", "estimados",
           "estimadas", "querido", "querida"),
    "fr": ("bonjour", "bonsoir", "salut", "cher", "chère", "madame", "messieurs"),
    "it": ("ciao", "gentile", "caro", "cara"),
})
# Closing phrases other than thanks ("Kind regards,", "Viele Grüße", "Un saludo,", "Bien à vous,").
CLOSINGS: Final = _lexicon({
    "en": (*_each(("", "best ", "kind ", "kindest ", "warm ", "warmest ", "many "), ("regards",)), "best",
           "best wishes", "all the best", "cheers", "sincerely", "yours", "yours truly", "yours sincerely",
           "respectfully", "take care"),
    "de": (*_each(("viele ", "beste ", "liebe ", "herzliche ", "freundliche "), ("grüße",)),
           "mit freundlichen grüßen", "gruß", "grüße", "lg", "vg", "mfg"),
    "es": ("saludos", "saludos cordiales", "un saludo", "un abrazo", "atentamente"),
    "fr": ("cordialement", "bien cordialement", "bien à vous", "salutations", "bonne journée", "bonne soirée"),
    "it": ("cordiali saluti",),
})
# Thanks that open or close a message ("Thanks Anna,", "Many thanks,", "Merci d'avance !").
THANKS: Final = _lexicon({
    "en": (*_each(("", "many ", "kind ", "best ", "warm ", "warmest "), ("thanks",),
                  ("", " again", " so much", " a lot", " in advance")),
           *_each(("thank you",), ("",), ("", " so much", " very much", " in advance"))),
    "de": ("danke", "danke schön", "vielen dank", "danke und gruß"),
    "es": ("gracias", "muchas gracias"),
    "fr": ("merci", "merci beaucoup", "merci d'avance"),
    "it": ("grazie",),
})
ALL_LANGUAGES: Final = tuple(GREETINGS)
# Titles that also stand alone after a greeting, naming nobody ("Madame, Monsieur,", "Bonjour Monsieur,").
BARE_TITLES: Final = ("madame", "monsieur", "mesdames", "messieurs")


def _pick(lexicon: Mapping[str, tuple[str, ...]], languages: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(phrase for language in languages for phrase in lexicon.get(language, ())))


def greetings(languages: Iterable[str] = LANGUAGES) -> tuple[str, ...]:
    """The greetings of `languages` (none for a language the lexicon lacks), each once."""
    return _pick(GREETINGS, languages)


def closings(languages: Iterable[str] = LANGUAGES) -> tuple[str, ...]:
    """The closings (sign-offs other than thanks) of `languages`, each once."""
    return _pick(CLOSINGS, languages)


def thanks(languages: Iterable[str] = LANGUAGES) -> tuple[str, ...]:
    """The thanks of `languages`, each once."""
    return _pick(THANKS, languages)


def sign_offs(languages: Iterable[str] = LANGUAGES) -> tuple[str, ...]:
    """Closings and thanks of `languages`: everything a message may end with before the signature."""
    return tuple(dict.fromkeys((*closings(languages), *thanks(languages))))


def alternation(phrases: Iterable[str]) -> str:
    """A regex alternation of `phrases` (no group, no flags: the caller anchors it and sets IGNORECASE): longest
    first, so that "buenas tardes" wins over "buenas"; the words of a phrase are joined by optional blanks
    ("Kind regards", "Kind  regards", "Kindregards")."""
    unique = sorted(set(phrases), key=lambda phrase: (-len(phrase), phrase))
    if not unique or not all(phrase.strip() for phrase in unique):
        raise ValueError("alternation needs at least one phrase, and no empty one")
    return "|".join(r"[ \t\u00a0]*".join(map(re.escape, phrase.split())) for phrase in unique)
