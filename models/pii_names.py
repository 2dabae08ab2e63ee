"""Person names on the regex path (no model): greetings, introductions, sign-offs, and names in prose.

- `pattern_names`: a name right after a greeting ("Hi Anna,"), an introduction ("my name is …", "me llamo …") or in
  a sign-off block ("Regards,\\nTom Becker", "Anna Schmidt | Head of IT").
- `prose_names`: names in running prose, anchored on a gazetteer of given names (`name_lexicon()`: the ~48,000
  first names of the gender-guesser package, read once per process on first use, never at import): a given name
  followed by a capitalised surname ("my colleague Anna Weber can…", "I'm Daniel Walker, email…", "meine Daten:
  Jana Koch, E-Mail…"), and a name right after a cue ("mein Kollege Uwe", "Ansprechpartnerin: Ngozi Okafor",
  "Frau Koch", "I'm Priya").

models/pii.py runs both in `Redactor` (`name_patterns=True`, the default); docs/redaction.md has the numbers.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from models.errors import ArtifactError
from models.salutations import ALL_LANGUAGES, alternation, greetings, sign_offs, thanks

# ------------------------------------------------------------------------------- greetings, intros, sign-offs

_WORD = r"[^\W\d_]+(?:[-'’][^\W\d_]+)*"
_PARTICLE = r"(?:von|van|der|den|de|del|della|di|da|la|le|du|dos|das|y|zu|ten|ter)"
_NAME = rf"{_WORD}(?:[ \u00a0]+(?:{_PARTICLE}[ \u00a0]+){{0,2}}{_WORD}){{0,3}}"
_TITLE = (
    r"(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Herr|Frau|Hr|Fr|Sr|Sra|Srta|Don|Doña|Dña|Monsieur|Madame|Mademoiselle|M|Mme|Mlle"
    r"|Señor|Señora)\.?[ \u00a0]+"
)
# A greeting or thanks (models/salutations.py, Italian included) right before the name: "Hi Anna,", "¡Gracias Elena!".
_GREETING_RE = re.compile(
    r"^[ \t]*(?:\[[^\]\n]{1,24}\][ \t]*)?(?:[^\W\d_][\w .-]{0,24}:[ \t]+)?[¡¿]?"
    rf"(?:{alternation((*greetings(ALL_LANGUAGES), *thanks(ALL_LANGUAGES)))})"
    rf"[ \u00a0]+(?-i:{_TITLE})?(?P<name>{_NAME})[ \t]*(?:[,!:;]|—|-[ \t]|\r?$)",
    re.IGNORECASE | re.MULTILINE,
)
# (Case variants spelled out as literals, not IGNORECASE, and the word start checked in `pattern_names`: `re` then
# skips to the phrases' first letters fast.)
_INTRO_RE = re.compile(
    "(?:"
    + "|".join(
        v
        for phrase in ("my name is", "my name's", "mein Name ist", "ich heiße", "ich heisse", "me llamo",
                       "mi nombre es", "je m'appelle", "je m’appelle", "je me nomme", "mi chiamo")
        for v in dict.fromkeys((phrase, phrase[0].upper() + phrase[1:], phrase.upper(), phrase.lower()))
    )
    + rf")[ \u00a0]+(?:{_TITLE})?(?P<name>{_NAME})"
)
# A closing or thanks (models/salutations.py), or the signature delimiter "--", over the name of a sign-off block.
_CLOSING = rf"(?:{alternation(sign_offs(ALL_LANGUAGES))}|--)"
_SIGNOFF_RE = re.compile(
    rf"(?:^[ \t]*|(?<=[.!?])[ \t]+){_CLOSING}[ \t]*[,.!]?[ \t]*(?:\r?\n[ \t]*){{1,2}}"
    rf"(?!{_CLOSING}[ \t]*[,.!]?[ \t]*\r?$)"
    rf"(?-i:{_TITLE})?(?P<name>{_NAME})"
    rf"[ \t]*,?[ \t]*\r?$"
    rf"|^[ \t]*{_CLOSING}[ \t]*,[ \t]*(?-i:{_TITLE})?(?P<inline>{_NAME})[ \t]*[.!]?[ \t]*\r?$"
    # a signature line "Anna Schmidt | Head of IT | +49 …"
    rf"|^[ \t]*(?-i:{_TITLE})?(?P<piped>{_NAME})[ \t]*\|",
    re.IGNORECASE | re.MULTILINE,
)
# Capitalised words that follow greetings or close emails, or that spaCy tags as PERSON in support text
# ("Cancel Order", "Mastercard"), but are not people.
_NOT_NAME_WORDS = """
    team all everyone everybody there folks guys people sir madam sirs madams customer customers client clients
    colleague colleagues support service services helpdesk help desk admin admins administrator staff friends
    the a an and or your our my his her their this that company department office sales billing it hr management
    zusammen kollegen kolleginnen kunde kundin kundenservice damen herren leute alle equipo todos todas amigos
    señores señoras cliente clientes soporte servicio tous toutes équipe client clients messieurs mesdames
    monsieur madame gmbh ag ltd limited inc llc corp co kg sa sl sarl srl bv plc customer-service
    thanks thank regards best cheers hello hi dear morning afternoon evening again advance name names
    grüße grüßen grüsse grüssen gruß gruss danke saludos gracias merci cordialement
    i we please can could would will is are do does how what why when where just quick urgent still yes no ok okay
    sorry update question problem issue sent viele beste besten liebe herzliche freundliche freundlichen mit un
    muchas bien cordiales atentamente
    order orders delivery shipping shipped cancel update modify status history account accounts payment payments
    invoice invoices refund refunds card cards mastercard visa amex paypal standard express premium pro plan plans
    settings profile dashboard login password subscription checkout cart product products
"""
# Words spaCy sometimes pulls into a PERSON entity in front of the name (greetings, titles, "my colleague").
_LEAD_WORD_TEXT = """hi hello hey dear hallo liebe lieber hola estimado estimada querido querida bonjour bonsoir salut
    cher chère ciao moin servus sehr geehrte geehrter guten tag good morning mr mrs ms miss mx dr prof herr frau hr fr
    sr sra srta don doña dña monsieur madame mademoiselle mme mlle m señor señora mein meine meinem meinen meiner my our
    unser unsere mi mis ma mon mes kollege kollegin kollegen colleague colleagues coworker chef boss manager mister
    thanks thank danke gracias merci"""
_NOT_NAMES = frozenset(_NOT_NAME_WORDS.split())
_LEAD_WORDS = frozenset(_LEAD_WORD_TEXT.split()) | _NOT_NAMES
_PARTICLE_RE = re.compile(_PARTICLE)
_TOKEN_RE = re.compile(r"\S+")


def _name_span(text: str, start: int, end: int, *, whole: bool = False) -> tuple[int, int] | None:
    """The leading run of capitalised words in text[start:end] (particles allowed inside), if it can be a name.

    With `whole`, every word must belong to the run (a sign-off line that is only a name)."""
    words = list(_TOKEN_RE.finditer(text, start, end))
    keep = 0
    for i, w in enumerate(words):
        if w.group(0)[0].isupper():
            keep = i + 1
        elif not _PARTICLE_RE.fullmatch(w.group(0)):
            break
    if keep == 0 or (whole and keep < len(words)):
        return None
    content = [w.group(0) for w in words[:keep] if not _PARTICLE_RE.fullmatch(w.group(0))]
    # a compound is no name when a part of it is not ("Liebes Orbitly-Team,", "Hallo Support-Team,")
    if any(part in _NOT_NAMES for w in content for part in (w.lower(), *w.lower().split("-"))):
        return None
    return words[0].start(), words[keep - 1].end()


def pattern_names(text: str) -> Iterator[tuple[int, int]]:
    """Names after greetings ("Hi Anna,"), introductions ("my name is …") and sign-offs ("Regards,\\nTom Becker").

    Conservative: 1–4 capitalised words (particles such as "von", "de la", "del" allowed between them) with a
    greeting or introduction phrase right before, or a closing phrase followed by a line that is only the name;
    words such as "team", "support", "Sir", "Madam", "GmbH" veto the match.
    """
    for regex in (_GREETING_RE, _INTRO_RE, _SIGNOFF_RE):
        for m in regex.finditer(text):
            for group in ("name", "inline", "piped") if regex is _SIGNOFF_RE else ("name",):
                if m.group(group) is None:
                    continue
                if regex is _INTRO_RE and m.start() > 0 and text[m.start() - 1].isalnum():
                    continue  # not at a word start ("xmy name is")
                span = _name_span(text, m.start(group), m.end(group), whole=regex is _SIGNOFF_RE)
                if span is not None:
                    yield span



# --------------------------------------------------------------------------------------------- names in prose

_UP = "A-ZÀ-ÖØ-ÞŒŠŽ"
# A capitalised word: "Anna", "O'Brien", "Jean-Pierre", "Íñigo" (not inside an address, handle or e-mail).
_CAP_WORD = rf"[{_UP}][^\W\d_]*(?:[-'’][^\W\d_]+)*"
_CAP_WORD_RE = re.compile(rf"(?<![\w@./\\#-]){_CAP_WORD}")
# The surnames after a given name: one or two capitalised words, particles between ("von Arnim", "de la Fuente").
_SURNAME_RE = re.compile(rf"[ \u00a0]+(?:(?:{_PARTICLE})[ \u00a0]+){{0,2}}(?P<word>{_CAP_WORD})(?![\w@])")
_NEXT_CAP_RE = re.compile(rf"[ \u00a0]+{_CAP_WORD}")
_PREV_CAP_RE = re.compile(rf"(?P<word>{_CAP_WORD})[ \u00a0]+\Z")
# Titles that make the next capitalised word a surname anywhere ("Frau Koch", "Mr. Walker", "Mme Dubois").
_PROSE_TITLE = r"(?:Mr|Mrs|Ms|Mx|Dr|Prof|Herr|Frau|Sr|Sra|Srta|Señor|Señora|Doña|Monsieur|Madame|Mme|Mlle)\.?|M\."
# Words right before a name that say a person follows. "strong": relations and roles, after which a capitalised word
# that is not in the gazetteer still counts ("my colleague Xiaoming Chen"); "weak": self-introductions and verbs,
# after which only a given name counts ("I'm Anna", "ask for Tom"). A colon may follow only the contact-person cues
# ("Ansprechpartnerin: …"): "Kunde: Guten Tag" is a chat line.
_COLON_CUES = (
    "callback request", "rückruf", "rückrufbitte", "devolver llamada", "demande de rappel", "contact person",
    "point of contact", "contact", "ansprechpartner", "ansprechpartnerin", "persona de contacto",
    "interlocuteur", "interlocutrice",
)
_STRONG_CUES = (
    "colleague", "colleagues", "coworker", "co-worker", "manager", "supervisor", "boss", "assistant", "husband",
    "wife", "contact person", "point of contact", "kollege", "kollegin", "kollegen", "chef", "chefin",
    "vorgesetzter", "vorgesetzte", "ansprechpartner", "ansprechpartnerin", "mitarbeiter", "mitarbeiterin", "kunde",
    "kundin", "ehemann", "ehefrau", "compañero", "compañera", "colega", "jefe", "jefa", "persona de contacto",
    "marido", "esposa", "collègue", "interlocuteur", "interlocutrice", "mari", "épouse",
)
_WEAK_CUES = (
    "i'm", "i’m", "i am", "this is", "it's", "it’s", "ask for", "speak to", "speak with", "spoke to", "spoke with",
    "talked to", "talk to", "contact", "cc", "assigned to", "ich bin", "hier ist", "hier spricht", "soy", "habla",
    "je suis", "c'est", "c’est", "ici",
)
# Channel words of call and chat records ("Chat with …", "Callback request: …", "Anruf von …", "Appel de …"): a
# capitalised word outside the gazetteer counts only with a surname after it ("Call from Tunde Okonkwo").
_CHANNEL_CUES = (
    "chat with", "call with", "call from", "calls from", "callback request", "comment from", "message from",
    "voicemail from", "chat mit", "anruf von", "rückruf", "rückrufbitte", "nachricht von", "chat con", "llamada de",
    "mensaje de", "devolver llamada", "discussion avec", "appel de", "demande de rappel", "message de",
)
# A cue (and an optional title) that ends right before a capitalised word; searched only in the few characters before
# a word whose previous word is the last word of a cue or a title (`_CUE_LAST_WORDS`), which keeps prose cheap.
_CUE_END_RE = re.compile(
    rf"(?<![^\W\d_])(?i:(?P<strong>{'|'.join(sorted(map(re.escape, _STRONG_CUES), key=len, reverse=True))})"
    rf"|(?P<weak>{'|'.join(sorted(map(re.escape, _WEAK_CUES), key=len, reverse=True))})"
    rf"|(?P<channel>{'|'.join(sorted(map(re.escape, _CHANNEL_CUES), key=len, reverse=True))}))"
    rf"(?P<colon>[ \u00a0]*:)?[ \u00a0]+(?:(?:{_PROSE_TITLE})[ \u00a0]+)?\Z"
    rf"|(?<![^\W\d_])(?P<title>{_PROSE_TITLE})[ \u00a0]+\Z"
)
_CUE_LAST_WORDS = frozenset(
    [c.split()[-1] for c in (*_STRONG_CUES, *_WEAK_CUES, *_CHANNEL_CUES)]
    + [t.lower() for t in re.findall(r"[^\W\d_]+", _PROSE_TITLE)]
)
_CUE_WINDOW = 48
# Lower-cased words that are never a name on their own even where the gazetteer lists them ("May", "Will", "Bitte",
# "Paris"): calendar words, greetings, help-desk and product words, roles, big cities; the stop words of en, de, es
# and fr are added when the lexicon loads.
_COMMON_WORD_TEXT = """
    january february march april may june july august september october november december jan feb mar apr jun jul
    aug sep sept oct nov dec januar februar märz mai juni juli oktober dezember enero febrero marzo abril mayo junio
    julio agosto septiembre octubre noviembre diciembre janvier février mars avril juin juillet août septembre
    octobre novembre décembre monday tuesday wednesday thursday friday saturday sunday mon tue wed thu fri sat sun
    montag dienstag mittwoch donnerstag freitag samstag sonntag lunes martes miércoles jueves viernes sábado domingo
    lundi mardi mercredi jeudi vendredi samedi dimanche christmas easter weihnachten ostern navidad noël pâques
    hi hey hello hallo hola bonjour salut ciao moin servus okay ok yes yeah just done free general bitte danke beste
    bien bonne bueno buena solo seit visa art german english french spanish tage claro nota titel aide marine save
    king price doc lien perfecto bienvenida bienvenido eilt won ave summer winter spring autumn oak sunshine star
    sunny happy lucky merry will mark bill guy pat rich page sky river forest ocean storm honey candy cash major
    royal sterling rock stone coral
    engineer developer manager director consultant agent technician president chief senior junior head lead
    paris london lille lyon nice valencia sevilla toledo manila austin dallas houston denver phoenix orlando lincoln
    jackson madison charlotte florence victoria georgia virginia carolina dakota savannah sydney adelaide regina
    santiago lima paulo salvador florida alexandria brooklyn chelsea berlin bremen dresden
"""
# Words that end a name run: a given name followed by one of these is no "first last" pair ("Paris Office").
_NOT_SURNAME_TEXT = """
    street st avenue ave road rd lane drive court place way square straße strasse str weg platz allee ring gasse
    calle avenida plaza paseo rue boulevard station airport beach city park bank group office plan pro edition
    store shop cloud team teams support service services center centre hotel hospital university school college
    inc ltd llc gmbh ag sa sl sarl srl plc corp company consulting consultants design designs media studio studios
    capital analytics foods pictures labs lab solutions systems partners holdings ventures industries technologies
    tech software digital agency logistics health motors group associates law legal realty properties
"""
_NOT_SURNAMES = frozenset(_NOT_SURNAME_TEXT.split())


@dataclass(frozen=True, slots=True)
class NameLexicon:
    """Given names as written in the gazetteer ("Anna", "Jean-Pierre", "Íñigo") and the lower-cased words that are
    never a name on their own (stop words, calendar words, greetings, roles, big cities)."""

    given: frozenset[str]
    common: frozenset[str]


@lru_cache(maxsize=1)
def name_lexicon() -> NameLexicon:
    """The gazetteer, read once per process on first use (~0.1 s), never at import.

    Given names: `nam_dict.txt` of the gender-guesser package (Jörg Michael's first-name dictionary, ~48,000 names
    from 54 countries, GNU FDL 1.2; read as data, unmodified). Compounds written "Anna+Lena" give "Anna-Lena" and
    "AnnaLena"; names with diacritics are also kept without them ("Élodie" is listed only as "Elodie")."""
    try:
        source = resources.files("gender_guesser").joinpath("data", "nam_dict.txt")
        lines = source.read_text(encoding="utf-8").splitlines()
    except (ModuleNotFoundError, FileNotFoundError) as exc:
        raise ArtifactError(
            "name redaction in prose needs the gender-guesser package (its first-name dictionary); "
            "pip install gender-guesser"
        ) from exc
    given: set[str] = set()
    for line in lines:
        if line[:1] in ("#", "=", "") or len(parts := line.split()) < 2:
            continue
        name = parts[1]
        for variant in (name.replace("+", "-"), name.replace("+", "")) if "+" in name else (name,):
            given.add(variant)
            if not variant.isascii():
                given.add(_fold(variant))
    from bm25s import stopwords  # a core dependency (index/lexical.py); imported here so import stays cheap

    common = set(_COMMON_WORD_TEXT.split()) | _NOT_NAMES
    for words in (stopwords.STOPWORDS_EN_PLUS, stopwords.STOPWORDS_GERMAN, stopwords.STOPWORDS_SPANISH,
                  stopwords.STOPWORDS_FRENCH):
        common.update(w.lower() for w in words)
    return NameLexicon(given=frozenset(given), common=frozenset(common))


def _given(word: str, lexicon: NameLexicon) -> bool:
    """Whether a capitalised word is a given name: listed (or the first part of a hyphenated one, "Anna-Lena"),
    at least 3 letters, not all capitals and not a common word."""
    if len(word) < 3 or word.isupper() or word.lower() in lexicon.common:
        return False
    first = word.split("-", 1)[0]
    return first in lexicon.given or (not first.isascii() and _fold(first) in lexicon.given)


def _fold(word: str) -> str:
    """Without diacritics ("Élodie" → "Elodie"): the gazetteer spells many names only one way."""
    return "".join(ch for ch in unicodedata.normalize("NFKD", word) if not unicodedata.combining(ch))


def _surname(word: str, lexicon: NameLexicon) -> bool:
    lowered = word.lower()
    return len(word) >= 2 and not word.isupper() and lowered not in lexicon.common and lowered not in _NOT_SURNAMES


def _surnames_end(text: str, pos: int, lexicon: NameLexicon) -> int:
    """Where the surnames after a name word ending at `pos` end (`pos` when none follows)."""
    end = pos
    for _ in range(2):
        m = _SURNAME_RE.match(text, end)
        if m is None or not _surname(m.group("word"), lexicon):
            break
        end = m.end()
    return end


def _title_case_run(text: str, start: int, end: int, lexicon: NameLexicon) -> bool:
    """Whether text[start:end] sits inside a longer run of capitalised words on its line ("Grace Period Question",
    "Order Mark Invoice"): a capitalised word right after it, or a mid-sentence one right before it."""
    after = _NEXT_CAP_RE.match(text, end)
    if after is not None and not _given(after.group(0).strip(), lexicon):
        return True
    before = _PREV_CAP_RE.search(text, max(0, start - 40), start)
    if before is None:
        return False
    prefix = text[max(0, before.start() - 3) : before.start()].rstrip(" \u00a0")
    sentence_start = not prefix or prefix[-1] in ".!?:;\n\"'«“(¡¿-–—|>"
    return not sentence_start and before.group("word").lower() not in lexicon.common


def _cue_before(text: str, start: int) -> re.Match[str] | None:
    """The cue or title that ends right before the word at `start` ("my colleague ", "Ansprechpartnerin: ",
    "Frau "), if any. A colon may follow only `_COLON_CUES`."""
    k = start
    while k > 0 and text[k - 1] in " \u00a0:":
        k -= 1
    j = k
    while j > 0 and k - j < 24 and not text[j - 1].isspace():
        j -= 1
    if text[j:k].lower().rstrip(".") not in _CUE_LAST_WORDS:
        return None
    cue = _CUE_END_RE.search(text, max(0, start - _CUE_WINDOW), start)
    if cue is None or cue.group("title") is not None:
        return cue
    phrase = cue.group("strong") or cue.group("weak") or cue.group("channel")
    return None if cue.group("colon") is not None and phrase.lower() not in _COLON_CUES else cue


def prose_names(text: str, lexicon: NameLexicon | None = None) -> Iterator[tuple[int, int]]:
    """Names in running prose, anchored on the given-name gazetteer (`name_lexicon`).

    - A given name followed by one or two capitalised surnames ("Anna Weber", "Carmen Ruiz López",
      "Lukas von Arnim"), unless the pair sits inside a longer run of capitalised words (a title-case subject) or a
      word of the pair is a common word, a weekday, month, role, street or company word.
    - After a cue (`_STRONG_CUES`: "my colleague", "meine Kollegin", "mi compañera", "mon collègue", "contact
      person", "Ansprechpartner"…, or a title: "Frau Koch", "Mr. Walker"): a capitalised word and its surnames,
      even outside the gazetteer; after a weaker cue ("I'm", "ich bin", "soy", "je suis", "ask for"…) a given name.
    """
    lex = lexicon if lexicon is not None else name_lexicon()
    found: set[tuple[int, int]] = set()
    for m in _CAP_WORD_RE.finditer(text):
        word = m.group(0)
        if _given(word, lex):
            end = _surnames_end(text, m.end(), lex)
            if end > m.end() and not _title_case_run(text, m.start(), end, lex):
                found.add((m.start(), end))
                continue
        cue = _cue_before(text, m.start())
        if cue is None:
            continue
        end = _surnames_end(text, m.end(), lex)
        if cue.group("title") is not None or cue.group("strong") is not None:
            if len(word) < 2 or word.isupper() or word.lower() in lex.common or word.lower() in _NOT_SURNAMES:
                continue
        elif (cue.group("weak") is not None or end == m.end()) and not _given(word, lex):
            continue  # after "I'm", "soy"…: a given name; after "Chat with"…: a given name or first and last name
        found.add((m.start(), end))
    yield from sorted(found)
