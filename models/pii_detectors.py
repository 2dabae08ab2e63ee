"""Detectors for the PII kinds beyond emails, phones, cards and IBANs (those live in models/pii.py, which runs these).

Kinds: postal addresses (street-address shapes in en/de/es/fr, with an optional postcode and city), US SSNs (SSA
rules), national ids with their checksums (Spanish DNI/NIE mod-23 letter, French NIR key 97, German Steuer-ID
ISO 7064 MOD 11,10 plus its digit-distribution rule; the UK NINO by its format), IP addresses (IPv4 with octet
checks and version-string context, IPv6 validated by `ipaddress`) and secrets (API keys and tokens by their known
prefixes, JWTs, `Bearer …`, `key=value` credentials in logs, and passwords told in prose in en/de/es/fr: the value
only).

Each `find_*` function yields (start, end) spans on the original text and runs nothing heavy: patterns compile once
at import, and each finder checks a cheap precondition before its scan. Validators are public so tests can use them.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator

# ------------------------------------------------------------------------------------------------ context

# Keywords before a number that say what it is; the nearest one within `_CONTEXT_CHARS` counts.
_CONTEXT_RE = re.compile(
    r"(?P<ssn>\b(?:ssn|ss#|social security(?: number| no\.?| #)?|soc\.? ?sec\.?(?: no\.?)?)(?!\w))"
    r"|(?P<taxid>\b(?:steuer-?id(?:entifikationsnummer)?|steuer-?idnr\.?|identifikationsnummer|idnr\.?|steuerliche"
    r" identifikationsnummer|tax id|tax identification number|tin)(?!\w))"
    r"|(?P<nir>\b(?:nir|num[ée]ro de s[ée]curit[ée] sociale|n° de s[ée]curit[ée] sociale|s[ée]cu|insee)(?!\w))"
    r"|(?P<version>(?<![\w.])(?:v|ver|version|versi[óo]n|release|build|firmware|fw|sdk|update|updated|upgrade"
    r"|upgraded|patch|mise à jour|actualizaci[óo]n|aktualisiert|installiert)\.?(?!\w))"
    r"|(?P<ip>\b(?:ip|ipv4|ipv6|address|adresse|direcci[óo]n|server|serveur|servidor|host|hostname|gateway|dns"
    r"|proxy|vpn|router|ping|from|von|desde|depuis|subnet|firewall|whitelist|allowlist|blocked|blockiert"
    r"|bloqueada|bloqu[ée]e)(?!\w))"
    r"|(?P<id>\b(?:order|orders|purchase|transaction|ticket|invoice|case|ref|reference|tracking|account|customer"
    r"|contract|serial|sku|article|item|part|product|model|batch|lot|bestellung|rechnung|vertrag|auftrag|vorgang"
    r"|artikel|pedido|compra|factura|referencia|commande|achat|facture|r[ée]f[ée]rence|po|#|\w*nummer)(?!\w))",
    re.IGNORECASE,
)
_CONTEXT_CHARS = 40


def context_before(text: str, start: int, chars: int = _CONTEXT_CHARS) -> str | None:
    """The group name ('ssn', 'taxid', 'nir', 'version', 'ip', 'id') of the keyword nearest before `start`."""
    last: str | None = None
    for m in _CONTEXT_RE.finditer(text, max(0, start - chars), start):
        last = m.lastgroup
    return last


# ----------------------------------------------------------------------------------------------- US SSNs

_SSN_RE = re.compile(r"\d(?<![\w.,/+-]\d)\d\d([- ]?)\d\d\1\d{4}(?![\w-]|[.,/:]\d)")


def ssn_valid(ssn: str) -> bool:
    """SSA rules for a 9-digit SSN: area not 000, 666 or 900–999; group not 00; serial not 0000."""
    digits = ssn.replace("-", "").replace(" ", "")
    if len(digits) != 9 or not digits.isdigit() or not digits.isascii():
        return False
    area, group, serial = digits[:3], digits[3:5], digits[5:]
    return area not in ("000", "666") and area[0] != "9" and group != "00" and serial != "0000"


def find_ssns(text: str) -> Iterator[tuple[int, int]]:
    """`123-45-6789` (dashes) unless an id keyword ("order", "ticket"…) is nearer; `123 45 6789` and bare
    `123456789` only right after "SSN"/"social security"."""
    for m in _SSN_RE.finditer(text):
        if not ssn_valid(m.group(0)):
            continue
        context = context_before(text, m.start())
        if context == "ssn" or (m.group(1) == "-" and context != "id"):
            yield m.start(), m.end()


# ------------------------------------------------------------------------------------------ national ids

DNI_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE"
# (Each scan starts with a character class and checks the preceding character after it: a fast skip in `re`.)
_DNI_RE = re.compile(r"\d(?<![\w-]\d)\d{7}[- ]?[A-Za-z](?![\w-])")
_NIE_RE = re.compile(r"[XYZ](?<![\w-][XYZ])[- ]?\d{7}[- ]?[A-Za-z](?![\w-])")


def dni_valid(value: str) -> bool:
    """Spanish DNI (8 digits + letter) or NIE (X/Y/Z + 7 digits + letter): the letter is the number mod 23."""
    compact = re.sub(r"[\s-]", "", value).upper()
    if len(compact) != 9 or not compact.isascii():
        return False
    head, body, letter = compact[0], compact[1:8], compact[8]
    if head in "XYZ":
        number = str("XYZ".index(head)) + body
    elif head.isdigit():
        number = head + body
    else:
        return False
    return number.isdigit() and DNI_LETTERS[int(number) % 23] == letter


# French NIR: sex, year, month, department (2A/2B for Corsica), commune, order number, key; spaced or not.
_NIR_RE = re.compile(
    r"[1-478](?<![\w-][1-478])[ ]?\d\d[ ]?\d\d[ ]?(?:\d\d|2[AaBb])[ ]?\d{3}[ ]?\d{3}[ ]?\d\d(?![\w-]|[.,/]\d)"
)


def nir_valid(value: str) -> bool:
    """French NIR (numéro de sécurité sociale): 13 characters and a key = 97 - (number mod 97); for Corsica
    the department 2A counts as 19 and 2B as 18 (the classic substitution for the key)."""
    compact = value.replace(" ", "").upper()
    if len(compact) != 15 or not compact.isascii():
        return False
    body, key = compact[:13], compact[13:]
    body = body[:5] + body[5:7].replace("2A", "19").replace("2B", "18") + body[7:]
    if not (body.isdigit() and key.isdigit()) or body[0] not in "12478":
        return False
    month = int(body[3:5])
    if not (1 <= month <= 12 or 20 <= month <= 42 or 50 <= month <= 99):
        return False
    return 97 - int(body) % 97 == int(key)


_STEUER_ID_RE = re.compile(r"[1-9](?<![\w-][1-9])\d(?:[ ]?\d{3}){3}(?![\w-]|[.,/]\d)")
_STEUER_ID_SPACED_RE = re.compile(r"\d\d \d{3} \d{3} \d{3}")


def steuer_id_check_digit(first10: str) -> int:
    """ISO 7064 MOD 11,10 check digit over the first ten digits (as the Bundeszentralamt für Steuern defines it)."""
    product = 10
    for ch in first10:
        total = (int(ch) + product) % 10 or 10
        product = (total * 2) % 11
    check = 11 - product
    return 0 if check == 10 else check


def steuer_id_valid(value: str) -> bool:
    """German Steuer-ID: 11 digits, no leading 0; among the first ten exactly one digit occurs twice or three times
    (three times never in a row) and the rest at most once; the last digit is the MOD 11,10 check digit."""
    digits = value.replace(" ", "")
    if len(digits) != 11 or not digits.isdigit() or not digits.isascii() or digits[0] == "0":
        return False
    first10 = digits[:10]
    counts = [first10.count(d) for d in set(first10)]
    repeated = [c for c in counts if c > 1]
    if len(repeated) != 1 or repeated[0] > 3:
        return False
    if repeated[0] == 3 and any(first10[i] == first10[i + 1] == first10[i + 2] for i in range(8)):
        return False
    return steuer_id_check_digit(first10) == int(digits[10])


# UK National Insurance number: two prefix letters (D, F, I, Q, U, V never; O not second; BG, GB, KN, NK, NT, TN,
# ZZ never), six digits, a suffix A–D; no checksum exists, so it is matched by format (upper case only).
_NINO_RE = re.compile(
    r"[A-CEGHJ-PR-TW-Z](?<![\w-][A-Z])[A-CEGHJ-NPR-TW-Z]"
    r"(?:\d{6}|[ ]\d\d[ ]\d\d[ ]\d\d|-\d\d-\d\d-\d\d)[ ]?[A-D](?![\w-])"
)
_NINO_BAD_PREFIXES = frozenset({"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"})


def nino_valid(value: str) -> bool:
    """UK NINO format: allowed prefix letters (and not BG, GB, KN, NK, NT, TN, ZZ), six digits, suffix A–D."""
    compact = re.sub(r"[\s-]", "", value)
    return _NINO_RE.fullmatch(compact) is not None and compact[:2] not in _NINO_BAD_PREFIXES


def find_national_ids(text: str) -> Iterator[tuple[int, int]]:
    """DNI/NIE and NIR by checksum; Steuer-IDs by checksum when spaced `12 345 678 901` or after a tax-id
    keyword; NINOs by format. Numbers right after an id keyword ("order", "Rechnung"…) are kept."""
    for regex in (_DNI_RE, _NIE_RE):
        for m in regex.finditer(text):
            if dni_valid(m.group(0)) and context_before(text, m.start()) != "id":
                yield m.start(), m.end()
    for m in _NIR_RE.finditer(text):
        if nir_valid(m.group(0)) and context_before(text, m.start()) != "id":
            yield m.start(), m.end()
    for m in _STEUER_ID_RE.finditer(text):
        if not steuer_id_valid(m.group(0)):
            continue
        context = context_before(text, m.start())
        if context == "taxid" or (context != "id" and _STEUER_ID_SPACED_RE.fullmatch(m.group(0))):
            yield m.start(), m.end()
    for m in _NINO_RE.finditer(text):
        if m.group(0)[:2] not in _NINO_BAD_PREFIXES:
            yield m.start(), m.end()


# ---------------------------------------------------------------------------------------------------- IPs

_IPV4_RE = re.compile(r"\d(?<![\w.-]\d)\d{0,2}(?:\.\d{1,3}){3}(?![\w-]|\.\d)")
_IPV4_HINT_RE = re.compile(r"\.\d{1,3}\.\d{1,3}\.\d")  # literal first: a fast scan
_IPV6_HINT_RE = re.compile(r":[0-9A-Fa-f]{1,4}:[0-9A-Fa-f]{1,4}:[0-9A-Fa-f]{1,4}:")
_IPV6_RE = re.compile(
    r"(?<![\w:.])(?:[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{0,4}){2,7}|::(?:[0-9A-Fa-f]{1,4}:?){1,7})"
    r"(?:(?<=:)\d{1,3}(?:\.\d{1,3}){3})?(?![\w:]|\.\d)"
)


def ipv4_valid(value: str) -> bool:
    """Four dot-separated octets 0–255 without leading zeros ("010.1.1.1" is no address)."""
    octets = value.split(".")
    return len(octets) == 4 and all(o.isdigit() and int(o) <= 255 and (o == "0" or o[0] != "0") for o in octets)


# Loopback and the unspecified address name no one's machine ("Uvicorn running on http://127.0.0.1:8000").
_NOBODYS_IPV4 = re.compile(r"127\.|0\.0\.0\.0$")


def find_ips(text: str) -> Iterator[tuple[int, int]]:
    """IPv4 with octets 0–255 (no leading zeros), unless a version word ("v", "version", "build", "update"…) is
    the nearest keyword before it, or it is loopback (127.x) or 0.0.0.0; IPv6 (full, compressed, IPv4-mapped)
    validated by `ipaddress`."""
    if _IPV4_HINT_RE.search(text):
        for m in _IPV4_RE.finditer(text):
            value = m.group(0)
            if (ipv4_valid(value) and not _NOBODYS_IPV4.match(value)
                    and context_before(text, m.start(), 24) != "version"):
                yield m.start(), m.end()
    if "::" in text or _IPV6_HINT_RE.search(text):
        for m in _IPV6_RE.finditer(text):
            candidate = m.group(0)
            if sum(ch not in ":." for ch in candidate) < 3:
                continue
            try:
                ipaddress.IPv6Address(candidate)
            except ValueError:
                continue
            yield m.start(), m.end()


# ------------------------------------------------------------------------------------------------ secrets

# Tokens whose prefix says what they are (OpenAI, Stripe, AWS, GitHub, Slack, GitLab, Google), JWTs, PEM keys.
_TOKEN_RE = re.compile(
    r"(?<![\w-])(?:"
    r"sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}"
    r"|(?:sk|pk|rk)_(?:live|test)_[A-Za-z0-9]{16,}"
    r"|(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA)[0-9A-Z]{16}"
    r"|gh[pousr]_[A-Za-z0-9]{30,}"
    r"|github_pat_[A-Za-z0-9_]{22,}"
    r"|xox[abposr]-[A-Za-z0-9-]{10,}"
    r"|glpat-[A-Za-z0-9_-]{20,}"
    r"|AIza[0-9A-Za-z_-]{35}"
    r"|eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"
    r")(?![\w-])"
    r"|-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]{0,8000}?-----END [A-Z ]*PRIVATE KEY-----"
)
_TOKEN_HINT_RE = re.compile(
    r"sk-|_live_|_test_|AKIA|ASIA|AGPA|AIDA|AROA|ANPA|gh[pousr]_|github_pat_|xox|glpat-|AIza|eyJ|-----BEGIN"
)
# Keyword-led patterns spell out their case variants as literals instead of using IGNORECASE: `re` then skips to
# the possible first characters in C, which keeps a 2 KB ticket without the keyword at a few microseconds.


def cased(*words: str) -> str:
    """An alternation of each word as written, capitalised and upper-cased (literals: a fast scan in `re`)."""
    variants = dict.fromkeys(v for w in words for v in (w, w[:1].upper() + w[1:], w.upper()))
    return "(?:" + "|".join(re.escape(v) for v in sorted(variants, key=len, reverse=True)) + ")"


# "Authorization: Bearer <token>", "Basic <base64>": the credential after the scheme.
_AUTH_RE = re.compile(r"(?:Bearer|Basic|Token|BEARER|bearer|basic|token)[ \t]+(?P<value>[A-Za-z0-9._~+/=-]{12,})")
# Config/log style credentials: api_key=…, "client_secret": "…", password=…, token: … (the value).
_KEY_VALUE_RE = re.compile(
    r"(?P<key>"
    + cased("api_key", "api-key", "apikey", "apiKey", "access_key", "accessKey", "access_token", "accessToken",
            "secret_key", "secretKey", "secret", "auth_token", "authToken", "refresh_token", "refreshToken", "token",
            "client_secret", "clientSecret", "password", "passwd", "pwd")
    + r")[\"']?[ \t]*(?P<sep>[=:])[ \t]*[\"']?(?P<value>[^\s\"',;]{4,})"
)
# Passwords told in prose: the trigger up to the value; the value is checked by `_password_value`.
_PASSWORD_RE = re.compile(
    cased("password", "passcode", "passphrase", "passwort", "kennwort", "contraseña", "clave", "pin",
          "mot de passe", "mdp", "pw")
    + r"(?i:[ \t]+(?:temporary|temporal|temporaire|provisoire|initial|initiale|new|nueva|nouveau|actual|actuel"
    r"|current|admin|wifi|wlan))?"
    + r"(?:(?i:[ \t]+(?:is|was|ist|lautet|war|es|era|est|était)(?:[ \t]+(?:now|still|jetzt|nun|noch|ahora|todavía"
    r"|maintenant|toujours))?[ \t]+|[ \t]*[:=][ \t]*)|(?P<to>[ \t]+(?i:to|auf)(?:[ \t]+(?i:be))?[ \t]+))"
    r"(?P<value>[\"'«“‘„][^\"'»”’“\n]{1,64}[\"'»”’“]|\S{1,64})"
)
# Words that follow "password is" / "Passwort ist" / "contraseña es" / "mot de passe est" in prose but are no password.
_NOT_PASSWORD_WORDS = """
    not no wrong incorrect invalid expired correct right too very being still now also same different saved stored
    reset changed blocked locked the a an my your our this that it required needed missing empty weak strong long
    short new old fine ok okay working broken accepted rejected case-sensitive sensitive set unknown forgotten
    what which when where how why because and or but for to in on at of with by from please
    nicht kein keine falsch abgelaufen gesperrt zu sehr noch immer korrekt richtig ungültig vergessen leer neu alt
    das der die mein meine dein ihr unser ok gleich anders geändert zurückgesetzt und oder aber für bitte
    incorrecta incorrecto caducada caducado bloqueada bloqueado demasiado correcta correcto la el mi su muy nueva
    nuevo vieja olvidada inválida válida vacía misma otra y o pero para por favor que
    pas incorrect incorrecte expiré expirée bloqué bloquée trop correcte le les mon ma votre très nouveau nouvelle
    ancien ancienne oublié oublié oubliée vide même autre et ou mais pour s'il toujours encore invalide déjà
"""
_NOT_PASSWORDS = frozenset(_NOT_PASSWORD_WORDS.split())
_MASK_RE = re.compile(r"[*x•.#_-]+|\[[A-Z_]+\]|<[^>]*>", re.IGNORECASE)
_TRAILING_PUNCT = ".,;:)]»\"'”’"


def _password_value(text: str, start: int, end: int, *, after_to: bool = False) -> tuple[int, int] | None:
    """The password in text[start:end] (quotes and trailing punctuation trimmed), if it can be one. A word is not a
    password: one of `_NOT_PASSWORDS` ("my PIN was blocked?"), a lower-case past participle ("My passcode was
    denied."), or, after "to" ("change my PIN to 4921" but "Explain the card PIN to me", "my password to get into the
    app"), any word of letters only: there a password must hold a digit or a sign."""
    value = text[start:end]
    if value[0] in "\"'«“‘„":
        return (start + 1, end - 1) if end - start > 2 else None
    stripped = value.rstrip(_TRAILING_PUNCT)
    word = stripped.rstrip("?!")
    if not stripped or word.lower() in _NOT_PASSWORDS or _MASK_RE.fullmatch(stripped):
        return None
    if word.isalpha() and (after_to or (word.islower() and word.endswith("ed"))):
        return None
    return start, start + len(stripped)


def _secret_value(value: str) -> bool:
    """Whether a config value looks like a credential, not a word ("token: expired") or a placeholder."""
    bare = value.rstrip(_TRAILING_PUNCT)
    if len(bare) < 4 or bare.lower() in _NOT_PASSWORDS or _MASK_RE.fullmatch(bare):
        return False
    return bare.lower() not in ("null", "none", "true", "false", "undefined", "redacted", "hidden", "secret")


def find_secrets(text: str) -> Iterator[tuple[int, int]]:
    """Prefixed tokens, JWTs and PEM private keys whole; the credential after `Bearer`/`Basic`, after
    `api_key=`/`token:`/`password=` and after "my password is" / "Passwort:" / "mi contraseña es" /
    "mot de passe :" (quoted values without their quotes). Words ("my password is not working") and masks
    ("password: ****") are not secrets."""
    if _TOKEN_HINT_RE.search(text):
        for m in _TOKEN_RE.finditer(text):
            yield m.start(), m.end()
    for m in _AUTH_RE.finditer(text):
        value = m.group("value")
        if _word_start(text, m.start()) and (any(ch.isdigit() for ch in value) or len(value) >= 20):
            yield m.start("value"), m.end("value")
    for m in _KEY_VALUE_RE.finditer(text):
        value = m.group("value")
        key = m.group("key").lower()
        secretish = any(ch.isdigit() for ch in value) or not value.isalpha() or len(value) >= 16
        if _secret_value(value) and (m.group("sep") == "=" or "pass" in key or "pwd" in key or secretish):
            yield m.start("value"), m.start("value") + len(value.rstrip(_TRAILING_PUNCT))
    for m in _PASSWORD_RE.finditer(text):
        if _word_start(text, m.start()):
            span = _password_value(text, m.start("value"), m.end("value"), after_to=m.group("to") is not None)
            if span is not None:
                yield span


def _word_start(text: str, start: int) -> bool:
    return start == 0 or not text[start - 1].isalnum()


# ---------------------------------------------------------------------------------------------- addresses

_UP = "A-ZÀ-ÖØ-ÞŒŠŽ"
_CAP = rf"[{_UP}][\w'’]*(?:-[{_UP}][\w'’]*)*\.?"  # a capitalised word ("Baker", "Champs-Élysées", "St.")
_EN_SUFFIX = (
    r"(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Place|Pl|Way|Terrace|Close|Square|Sq"
    r"|Highway|Hwy|Parkway|Pkwy|Crescent|Cres|Gardens|Row|Mews|Circle|Cir|Trail|Grove|Walk|Alley|Plaza)\b\.?"
)
_US_STATE_ZIP = r"[A-Z]{2}[ \t]+\d{5}(?:-\d{4})?"
_UK_POSTCODE = r"[A-Z]{1,2}\d[A-Z\d]?[ \t]?\d[A-Z]{2}"
_EN_ADDRESS = (
    rf"\b\d{{1,5}}[A-Za-z]?(?:-\d{{1,5}})?[ \t]+(?:(?:N|S|E|W|North|South|East|West)\.?[ \t]+)?"
    rf"(?:{_CAP}[ \t]+){{1,3}}{_EN_SUFFIX}(?:[ \t]+(?:NW|NE|SW|SE|N|S|E|W)\b)?"
    rf"(?:,?[ \t]+(?:Apt|Apartment|Suite|Ste|Unit|Flat|Floor|Fl|#)\.?[ \t]*#?[\w-]{{1,6}})?"
    rf"(?:(?:,[ \t]*|[ \t]*\n[ \t]*){_CAP}(?:[ \t]+{_CAP}){{0,2}},?[ \t]+(?:{_US_STATE_ZIP}|{_UK_POSTCODE})"
    rf"|(?:,[ \t]*|[ \t]*\n[ \t]*)(?:{_UK_POSTCODE}|{_US_STATE_ZIP}))?"
)
_DE_SUFFIX = (
    r"(?:straße|strasse|str\.|weg|allee|platz|gasse|ring|damm|ufer|chaussee|steig|pfad|markt|graben|kamp|stieg"
    r"|wall|promenade|zeile|berg|hof|park|au)"
)
_DE_SEPARATE = r"(?:Straße|Strasse|Str\.|Weg|Allee|Platz|Gasse|Ring|Damm|Ufer|Chaussee|Markt|Steig|Pfad)"
_CITY = rf"[{_UP}][\w'’]*(?:-[{_UP}][\w'’]*)*"  # no trailing dot: "… 10115 Berlin." ends the sentence
_POSTCODE_CITY = (
    rf"(?:[A-Z]-)?\d{{5}}[ \t]+{_CITY}(?:[ \t-]+(?:(?:am|an der|im|de|del|la|sur|sous|en)[ \t]+)?{_CITY}){{0,3}}"
)
_DE_ADDRESS = (
    rf"(?:\b[{_UP}][\w-]*{_DE_SUFFIX}|\b(?:{_CAP}[ \t-]){{1,2}}{_DE_SEPARATE})"
    rf"[ \t]+\d{{1,4}}[ \t]?[a-zA-Z]?(?:[ \t]?[-/][ \t]?\d{{1,4}}[a-z]?)?\b"
    rf"(?![ \t]*(?:Uhr|h\b|%|€|EUR|Euro|[.:,]\d))"
    rf"(?:(?:,[ \t]*|[ \t]*\n[ \t]*){_POSTCODE_CITY})?"
)
# German "Am Markt 5, 12345 Stadt": a preposition form is a street only with its postcode and city.
_DE_PREP_ADDRESS = (
    rf"\b(?:Am|An der|An den|Auf der|Auf dem|Im|In der|In den|Zum|Zur|Unter den|Hinter der|Vor dem)[ \t]+"
    rf"{_CAP}(?:[ \t]+{_CAP})?[ \t]+\d{{1,4}}[a-z]?(?:,[ \t]*|[ \t]*\n[ \t]*){_POSTCODE_CITY}"
)
_ES_TYPE = (
    r"(?:Calle|C/|Cl\.|Avenida|Avda\.?|Av\.|Paseo|Pº|Plaza|Pza\.?|Plaça|Carrer|Camino|Carretera|Ctra\.|Ronda"
    r"|Travesía|Vía|Rambla|Glorieta|Pasaje|Urbanización|Urb\.)"
)
_ES_PARTICLE = r"(?:de|del|la|las|los|el|y|d'|l')"
_ES_ADDRESS = (
    rf"(?<![\w/]){_ES_TYPE}[ \t]*(?:{_ES_PARTICLE}[ \t]+)*{_CAP}(?:[ \t]+(?:{_ES_PARTICLE}[ \t]+)*{_CAP}){{0,4}}"
    rf",?[ \t]+(?:n[º°o]\.?[ \t]*)?\d{{1,4}}[A-Za-z]?\b"
    rf"(?:,?[ \t]*\d{{1,2}}[º°ª](?:[ \t]*(?:[A-Z]\b|\d{{1,2}}[º°ª]|izq(?:uierda)?\.?|dcha\.?|derecha))?)?"
    rf"(?:(?:,[ \t]*|[ \t]*\n[ \t]*){_POSTCODE_CITY})?"
)
_FR_TYPE = (
    r"(?:rue|avenue|av\.|bd|boulevard|place|allée|impasse|chemin|quai|cours|route|square|passage|faubourg|voie"
    r"|cité|villa|sentier|résidence|rond-point|esplanade|promenade)"
)
_FR_PARTICLE = r"(?:de la|de l'|de l’|de|du|des|la|le|les|d'|l'|d’|l’)"
_FR_ADDRESS = (
    rf"\b\d{{1,4}}(?:[ \t]?(?:bis|ter|[A-C])\b)?,?[ \t]+(?i:{_FR_TYPE})[ \t]+(?:{_FR_PARTICLE}[ \t]*)*{_CAP}"
    rf"(?:[ \t]+(?:{_FR_PARTICLE}[ \t]*)*{_CAP}){{0,4}}"
    rf"(?:(?:,[ \t]*|[ \t]*\n[ \t]*){_POSTCODE_CITY}(?:[ \t]+Cedex(?:[ \t]+\d{{1,2}})?)?)?"
)
_PO_BOX = r"\b(?:P\.?[ \t]?O\.?[ \t]?Box|Postfach|Apartado(?: de [Cc]orreos)?|Bo[iî]te [Pp]ostale|BP)[ \t]+\d{1,6}\b"
# Each shape runs only when its cheap hint occurs (a street word, a postcode and city, a P.O. box word).
_ADDRESS_SCANS = tuple(
    (re.compile(hint), re.compile(full))
    for hint, full in (
        (r"(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Place|Pl|Way|Terrace|Close|Square"
         r"|Sq|Highway|Hwy|Parkway|Pkwy|Crescent|Cres|Gardens|Row|Mews|Circle|Cir|Trail|Grove|Walk|Alley|Plaza)\b",
         _EN_ADDRESS),
        (rf"[{_UP}][\w-]*?{_DE_SUFFIX}[ \t]+\d|{_DE_SEPARATE}[ \t]+\d", _DE_ADDRESS),
        (r"(?:Am|An der|An den|Auf der|Auf dem|Im|In der|In den|Zum|Zur|Unter den|Hinter der|Vor dem) ",
         _DE_PREP_ADDRESS),
        (r"(?:Calle|C/|Cl\.|Avenida|Avda|Av\.|Paseo|Pº|Plaza|Pza|Plaça|Carrer|Camino|Carretera|Ctra\.|Ronda|Travesía"
         r"|Vía|Rambla|Glorieta|Pasaje|Urbanización|Urb\.)", _ES_ADDRESS),
        (
            r"\d[ \t,]+(?:(?:bis|ter),?[ \t]+)?"
            + cased("rue", "avenue", "av.", "bd", "boulevard", "place", "allée", "impasse", "chemin", "quai", "cours",
                    "route", "square", "passage", "faubourg", "voie", "cité", "villa", "sentier", "résidence",
                    "rond-point", "esplanade", "promenade")
            + r"[ \t]",
            _FR_ADDRESS,
        ),
        (r"Box|BOX|Postfach|Apartado|postale|Postale|BP", _PO_BOX),
    )
)


def find_addresses(text: str) -> Iterator[tuple[int, int]]:
    """Street addresses: "221B Baker Street", "1600 Pennsylvania Ave NW, Washington, DC 20500", "Hauptstraße 12,
    10115 Berlin", "Calle Mayor 5, 3º B, 28013 Madrid", "12 rue de la Paix, 75002 Paris", P.O. boxes; a postcode
    and city that follow on the same or the next line are part of the span."""
    for hint, full in _ADDRESS_SCANS:
        if hint.search(text):
            for m in full.finditer(text):
                yield m.start(), m.end()
