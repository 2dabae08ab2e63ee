"""How a draft greets the customer: a title and surname, a first name, or no name (docs/drafting.md, "Names").

`customer.name` may carry a title ("Frau Schneider", "Sra. Ana García", "M. Martin", "Dr. Lee"), and a desk may
give one separately (`DraftRequest.customer_title`). A title is never read as a first name ("Hallo Frau," is
wrong in every language): with a title and a name after it, the greeting is the phrase book's salutation for that
title in the draft's language (`salutation.<style>.<kind>`: "Guten Tag Frau Schneider,", "Estimada Sra. García:",
"Bonjour Madame Martin,", "Dear Ms Smith,"), the name after the title kept as written; a bare title, a title with
no name, or a title the language has no salutation for gives the name-less greeting. Without a title the first
name is used ("Hallo Anna,"), unless it is only an initial ("J. Smith"). Only names `safety.plausible_name`
accepts are read at all.
"""

from __future__ import annotations

from dataclasses import dataclass

from models.drafting.phrasebook import PhraseBook
from models.drafting.safety import plausible_name

# Title words (lower case, without a final period) -> what they say: "female", "male" or "doctor".
TITLES: dict[str, str] = {
    "frau": "female", "herr": "male",
    "sra": "female", "señora": "female", "srta": "female", "señorita": "female", "doña": "female", "dona": "female",
    "sr": "male", "señor": "male", "don": "male",
    "mme": "female", "madame": "female", "mlle": "female", "mademoiselle": "female", "monsieur": "male",
    "mrs": "female", "ms": "female", "miss": "female", "mr": "male",
    "sig": "male", "signor": "male", "signore": "male", "sig.ra": "female", "signora": "female", "sig.na": "female",
    "signorina": "female",
    "dr": "doctor", "dra": "female doctor", "dott": "doctor", "dott.ssa": "female doctor",
}
# Written only with its period: "M. Martin" (Monsieur); "M Martin" may be an initial.
DOTTED_TITLES = {"m": "male"}


@dataclass(frozen=True, slots=True)
class CustomerName:
    """What a greeting may use: `kind` ("female", "male", "doctor", "female_doctor", "male_doctor") and the name
    after the title (`surname`), or a `first` name; all None: greet without a name."""

    kind: str | None = None
    surname: str | None = None
    first: str | None = None


def _title(word: str) -> str | None:
    bare = word.rstrip(".").lower()
    if word.endswith(".") and bare in DOTTED_TITLES:
        return DOTTED_TITLES[bare]
    return TITLES.get(bare)


def _kind(titles: list[str]) -> str | None:
    words = {w for t in titles for w in t.split()}
    gender = "female" if "female" in words else "male" if "male" in words else None
    if "doctor" in words:
        return f"{gender}_doctor" if gender else "doctor"
    return gender


def parse_name(name: str | None, title: str | None = None) -> CustomerName:
    """The greeting parts of a customer name (and a title the desk gives); a name that is not plausible (markup,
    digits, instructions) gives nothing."""
    cleaned = plausible_name(name)
    words = cleaned.split() if cleaned else []
    titles: list[str] = []
    while words and _title(words[0]) is not None:
        titles.append(_title(words[0]) or "")
        words.pop(0)
    desk = plausible_name(title)  # the desk's title field: "Frau", "Ms", "Sra." (each word read)
    desk_titles = [t for t in (_title(w) for w in desk.split()) if t is not None] if desk else []
    if titles or desk_titles:
        kind = _kind(titles + desk_titles)
        # a bare title, or only the desk's title with one word ("Anna": a first name or a surname?): no name
        if kind is None or not words or (not titles and len(words) < 2):
            return CustomerName()
        return CustomerName(kind=kind, surname=" ".join(words))
    if not words or (len(words[0]) == 2 and words[0].endswith(".")):  # "J. Smith": an initial is not a name
        return CustomerName()
    return CustomerName(first=words[0])


def greeting(book: PhraseBook, language: str, style: str, parsed: CustomerName) -> tuple[str, dict[str, str]]:
    """The phrase-book key and fields of the greeting for `parsed` in `language` (chat falls back to the e-mail
    salutation; a kind the language has no salutation for, to the name-less greeting)."""
    if parsed.kind and parsed.surname:
        for key in (f"salutation.{style}.{parsed.kind}", f"salutation.email.{parsed.kind}"):
            if book.has(language, key):
                return key, {"surname": parsed.surname}
        return f"greeting.{style}_anonymous", {}
    if parsed.first:
        return f"greeting.{style}", {"name": parsed.first}
    return f"greeting.{style}_anonymous", {}
