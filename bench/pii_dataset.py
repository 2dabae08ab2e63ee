"""The labelled PII set of our own: help-desk texts in en/de/es/fr with character spans per kind.

Hand-written templates (tickets, agent replies, chats, signatures, pasted logs) are filled with fake but realistic
values from seeded generators: valid checksums where the kind has one (Luhn cards, mod-97 IBANs, DNI/NIE letters,
NIR keys, Steuer-ID check digits, SSA-valid SSNs) and, as hard negatives, look-alikes whose checksum fails, next to
order/invoice/tracking numbers, dates, times, prices, versions, builds, hashes, product codes and ticket ids.

Split: by template (each template's texts are all dev or all test; `split` is a field of every record), so the test
split holds sentence shapes the detectors were never tuned on. Regenerate the committed file with

    python -m bench.pii_dataset            # writes bench/data/pii/pii_set.jsonl (seed 14)

Gold spans: every slot of a PII kind is a span of that kind; for passwords and `Bearer` tokens the span is the
value only. Names are every person's name, wherever it is (greeting, signature, introduction or prose).
"""

from __future__ import annotations

import argparse
import base64
import json
import random
import re
import string
import unicodedata
from collections.abc import Callable
from pathlib import Path

from bench.pii_templates import TEMPLATES
from models.pii import iban_valid, luhn_valid
from models.pii_detectors import DNI_LETTERS, steuer_id_check_digit

OUT = Path(__file__).resolve().parent / "data" / "pii" / "pii_set.jsonl"
SEED = 14
RENDERS_PER_TEMPLATE = 5
KINDS = ("email", "phone", "card", "iban", "name", "address", "ssn", "national_id", "ip", "secret")

Gen = Callable[[random.Random, str], str]

# ------------------------------------------------------------------------------------------------ people

FIRST = {
    "en": ["James", "Emily", "Michael", "Sarah", "David", "Olivia", "Daniel", "Grace", "Thomas", "Hannah", "Ryan",
           "Chloe", "Aaron", "Megan", "Connor", "Priya"],
    "de": ["Jürgen", "Anna", "Klaus", "Sabine", "Lukas", "Katrin", "Matthias", "Lea", "Stefan", "Jana", "Tobias",
           "Anna-Lena", "Uwe", "Birgit", "Florian", "Heike"],
    "es": ["María", "José", "Lucía", "Javier", "Carmen", "Alejandro", "Elena", "Pablo", "Marta", "Sergio", "Ana",
           "Diego", "Laura", "Andrés", "Rocío", "Íñigo"],
    "fr": ["Jean", "Marie", "Camille", "Nicolas", "Sophie", "Julien", "Élodie", "Antoine", "Chloé", "Mathieu",
           "Léa", "Jean-Pierre", "Isabelle", "Thibault", "Manon", "François"],
}
LAST = {
    "en": ["Smith", "Johnson", "Walker", "O'Brien", "Patel", "Thompson", "Harris", "Clarke", "Murphy", "Bennett",
           "Reynolds", "Fletcher", "Kowalski", "Nguyen", "Hughes", "Sullivan"],
    "de": ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Becker", "Hoffmann", "Schäfer", "Koch", "Richter",
           "Wagner", "Zimmermann", "Krüger", "Hartmann", "Lange", "von Arnim"],
    "es": ["García", "Fernández", "González", "Rodríguez", "López", "Martínez", "Sánchez", "Pérez", "Gómez",
           "Ruiz", "Hernández", "Jiménez", "Moreno", "Álvarez", "Navarro", "de la Fuente"],
    "fr": ["Dupont", "Martin", "Bernard", "Dubois", "Lefèvre", "Moreau", "Laurent", "Girard", "Roux", "Fournier",
           "Mercier", "Blanc", "Garnier", "Chevalier", "Faure", "Lemaire"],
}
DOMAINS = ["gmail.com", "outlook.com", "acme-gmbh.de", "web.de", "orange.fr", "free.fr", "telefonica.es",
           "correo.es", "northwind.co.uk", "contoso.com", "yahoo.fr", "gmx.de", "fabrikam.io", "hotmail.es"]


def _ascii(s: str) -> str:
    """An e-mail local part from a name: accents dropped, "ß" as "ss", no spaces or apostrophes."""
    decomposed = unicodedata.normalize("NFKD", s.replace("ß", "ss"))
    return "".join(ch for ch in decomposed if (ch.isascii() and ch.isalnum()) or ch == "-").lower()


def gen_first(rng: random.Random, lang: str) -> str:
    return rng.choice(FIRST[lang])


def gen_last(rng: random.Random, lang: str) -> str:
    return rng.choice(LAST[lang])


def gen_name(rng: random.Random, lang: str) -> str:
    if lang == "es" and rng.random() < 0.4:
        return f"{rng.choice(FIRST[lang])} {rng.choice(LAST[lang])} {rng.choice(LAST[lang])}"
    return f"{rng.choice(FIRST[lang])} {rng.choice(LAST[lang])}"


def gen_email(rng: random.Random, lang: str) -> str:
    first, last = _ascii(rng.choice(FIRST[lang])), _ascii(rng.choice(LAST[lang]).split()[-1])
    local = rng.choice([f"{first}.{last}", f"{first[0]}{last}", f"{first}{rng.randint(1, 99)}", f"{last}.{first}",
                        f"{first}.{last}+support", "billing", f"{first}_{last}"])
    return f"{local}@{rng.choice(DOMAINS)}"


# ------------------------------------------------------------------------------------------------ numbers


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(string.digits) for _ in range(n))


def gen_phone(rng: random.Random, lang: str) -> str:
    if lang == "en":
        return rng.choice([
            f"+1 {rng.randint(201, 989)} 555 {_digits(rng, 4)}", f"({rng.randint(201, 989)}) 555-{_digits(rng, 4)}",
            f"{rng.randint(201, 989)}-555-{_digits(rng, 4)}", f"+44 20 7946 {_digits(rng, 4)}",
            f"07700 900{_digits(rng, 3)}", f"+44 7700 900{_digits(rng, 3)}",
        ])
    if lang == "de":
        return rng.choice([
            f"+49 30 {_digits(rng, 7)}", f"030 {_digits(rng, 7)}", f"0171 {_digits(rng, 7)}",
            f"+49 (0)89 {_digits(rng, 3)} {_digits(rng, 3)}-{_digits(rng, 2)}", f"0221/{_digits(rng, 6)}",
            f"+49 151 {_digits(rng, 8)}",
        ])
    if lang == "es":
        return rng.choice([
            f"+34 6{_digits(rng, 2)} {_digits(rng, 3)} {_digits(rng, 3)}", f"6{_digits(rng, 2)} {_digits(rng, 2)} "
            f"{_digits(rng, 2)} {_digits(rng, 2)}", f"91 {_digits(rng, 3)} {_digits(rng, 2)} {_digits(rng, 2)}",
            f"+34 93 {_digits(rng, 3)} {_digits(rng, 4)}", f"0034 6{_digits(rng, 8)}",
        ])
    return rng.choice([
        f"06 {_digits(rng, 2)} {_digits(rng, 2)} {_digits(rng, 2)} {_digits(rng, 2)}",
        f"+33 6 {_digits(rng, 2)} {_digits(rng, 2)} {_digits(rng, 2)} {_digits(rng, 2)}",
        f"01.{_digits(rng, 2)}.{_digits(rng, 2)}.{_digits(rng, 2)}.{_digits(rng, 2)}",
        f"+33 (0)1 {_digits(rng, 2)} {_digits(rng, 2)} {_digits(rng, 2)} {_digits(rng, 2)}", f"07{_digits(rng, 8)}",
    ])


def _luhn_complete(prefix: str, length: int, rng: random.Random, *, valid: bool = True) -> str:
    body = prefix + _digits(rng, length - len(prefix) - 1)
    for d in string.digits:
        if luhn_valid(body + d) == valid:
            return body + d
    raise AssertionError("unreachable")


def _group_card(number: str, rng: random.Random) -> str:
    if len(number) == 15:
        return rng.choice([f"{number[:4]} {number[4:10]} {number[10:]}", number])
    sep = rng.choice([" ", "-", "", " "])
    return sep.join(number[i : i + 4] for i in range(0, len(number), 4))


def gen_card(rng: random.Random, lang: str) -> str:
    prefix, length = rng.choice([("4", 16), ("51", 16), ("55", 16), ("2221", 16), ("34", 15), ("37", 15),
                                 ("6011", 16), ("4", 16)])
    return _group_card(_luhn_complete(prefix, length, rng), rng)


def gen_bad_card(rng: random.Random, lang: str) -> str:
    return _group_card(_luhn_complete("4", 16, rng, valid=False), rng)


IBAN_FORMATS = {"DE": (18, "n"), "ES": (20, "n"), "FR": (23, "fr"), "GB": (18, "gb"), "NL": (14, "nl"),
                "AT": (16, "n"), "BE": (12, "n"), "IT": (23, "it")}


def _iban(rng: random.Random, country: str, *, valid: bool = True) -> str:
    length, shape = IBAN_FORMATS[country]
    if shape == "gb":
        bban = rng.choice(["NWBK", "BARC", "LOYD", "MIDL"]) + _digits(rng, 14)
    elif shape == "nl":
        bban = rng.choice(["ABNA", "RABO", "INGB"]) + _digits(rng, 10)
    elif shape == "it":
        bban = rng.choice(string.ascii_uppercase) + _digits(rng, 22)
    elif shape == "fr":
        bban = _digits(rng, 21) + rng.choice(["", "M"])[:0] + _digits(rng, 2)
    else:
        bban = _digits(rng, length)
    numeric = "".join(str(int(ch, 36)) for ch in bban + country + "00")
    check = 98 - int(numeric) % 97
    if not valid:
        check = (check + rng.randint(1, 90)) % 97 + 2
        check = check if check != 98 - int(numeric) % 97 else check + 1
    iban = f"{country}{check:02d}{bban}"
    assert iban_valid(iban) == valid, iban
    return iban


def _group_iban(iban: str, rng: random.Random) -> str:
    return " ".join(iban[i : i + 4] for i in range(0, len(iban), 4)) if rng.random() < 0.7 else iban


def gen_iban(rng: random.Random, lang: str) -> str:
    country = {"en": rng.choice(["GB", "NL", "DE"]), "de": rng.choice(["DE", "DE", "AT"]),
               "es": rng.choice(["ES", "ES", "IT"]), "fr": rng.choice(["FR", "FR", "BE"])}[lang]
    return _group_iban(_iban(rng, country), rng)


def gen_bad_iban(rng: random.Random, lang: str) -> str:
    country = {"en": "GB", "de": "DE", "es": "ES", "fr": "FR"}[lang]
    return _group_iban(_iban(rng, country, valid=False), rng)


def _ssn_parts(rng: random.Random) -> tuple[str, str, str]:
    area = rng.choice([n for n in range(1, 900) if n != 666])
    return f"{area:03d}", f"{rng.randint(1, 99):02d}", f"{rng.randint(1, 9999):04d}"


def gen_ssn(rng: random.Random, lang: str) -> str:
    a, g, s = _ssn_parts(rng)
    return rng.choice([f"{a}-{g}-{s}", f"{a}-{g}-{s}", f"{a} {g} {s}"])


def gen_bad_ssn(rng: random.Random, lang: str) -> str:
    a, g, s = _ssn_parts(rng)
    return rng.choice([f"000-{g}-{s}", f"666-{g}-{s}", f"{rng.randint(900, 999)}-{g}-{s}", f"{a}-00-{s}",
                       f"{a}-{g}-0000"])


def gen_dni(rng: random.Random, lang: str) -> str:
    if rng.random() < 0.35:
        head = rng.choice("XYZ")
        body = _digits(rng, 7)
        letter = DNI_LETTERS[int(str("XYZ".index(head)) + body) % 23]
        return rng.choice([f"{head}{body}{letter}", f"{head}-{body}-{letter}", f"{head}{body}-{letter}"])
    number = f"{rng.randint(1, 99_999_999):08d}"
    letter = DNI_LETTERS[int(number) % 23]
    return rng.choice([f"{number}{letter}", f"{number}-{letter}", f"{number} {letter}"])


def gen_bad_dni(rng: random.Random, lang: str) -> str:
    number = f"{rng.randint(10_000_000, 99_999_999):08d}"
    good = DNI_LETTERS[int(number) % 23]
    return number + rng.choice([c for c in DNI_LETTERS if c != good])


def _nir_parts(rng: random.Random) -> tuple[str, int]:
    dept = rng.choice([f"{rng.randint(1, 95):02d}", "2A", "2B", "75", "69", "13"])
    sex, year, month = rng.choice("12"), rng.randint(40, 99), rng.randint(1, 12)
    body = f"{sex}{year:02d}{month:02d}{dept}{_digits(rng, 3)}{_digits(rng, 3)}"
    numeric = body.replace("2A", "19").replace("2B", "18") if body[5:7] in ("2A", "2B") else body
    return body, 97 - int(numeric) % 97


def _format_nir(body: str, key: int, rng: random.Random) -> str:
    if rng.random() < 0.6:
        return f"{body[0]} {body[1:3]} {body[3:5]} {body[5:7]} {body[7:10]} {body[10:13]} {key:02d}"
    return f"{body}{key:02d}"


def gen_nir(rng: random.Random, lang: str) -> str:
    body, key = _nir_parts(rng)
    return _format_nir(body, key, rng)


def gen_bad_nir(rng: random.Random, lang: str) -> str:
    body, key = _nir_parts(rng)
    return _format_nir(body, (key + rng.randint(1, 95)) % 97 + 1 if key != 97 else 12, rng)


def _steuer_first10(rng: random.Random) -> str:
    while True:
        digits = [str(rng.randint(1, 9))] + [rng.choice(string.digits) for _ in range(9)]
        counts = sorted((digits.count(d) for d in set(digits)), reverse=True)
        if counts[0] in (2, 3) and (len(counts) < 2 or counts[1] == 1):
            s = "".join(digits)
            if not any(s[i] == s[i + 1] == s[i + 2] for i in range(8)):
                return s


def _format_steuer(number: str, rng: random.Random) -> str:
    return rng.choice([number, f"{number[:2]} {number[2:5]} {number[5:8]} {number[8:]}"])


def gen_steuer_id(rng: random.Random, lang: str) -> str:
    first = _steuer_first10(rng)
    return _format_steuer(first + str(steuer_id_check_digit(first)), rng)


def gen_bad_steuer_id(rng: random.Random, lang: str) -> str:
    first = _steuer_first10(rng)
    return _format_steuer(first + str((steuer_id_check_digit(first) + rng.randint(1, 9)) % 10), rng)


def gen_nino(rng: random.Random, lang: str) -> str:
    first = rng.choice("ABCEGHJKLMNOPRSTWXYZ")
    second = rng.choice([c for c in "ABCEGHJKLMNPRSTWXYZ" if first + c not in ("GB", "NK", "NT", "TN", "ZZ", "KN")])
    d = _digits(rng, 6)
    suffix = rng.choice("ABCD")
    return rng.choice([f"{first}{second}{d}{suffix}", f"{first}{second} {d[:2]} {d[2:4]} {d[4:]} {suffix}"])


def gen_national_id(rng: random.Random, lang: str) -> str:
    return {"en": gen_nino, "de": gen_steuer_id, "es": gen_dni, "fr": gen_nir}[lang](rng, lang)


def gen_bad_national_id(rng: random.Random, lang: str) -> str:
    return {"en": gen_bad_ssn, "de": gen_bad_steuer_id, "es": gen_bad_dni, "fr": gen_bad_nir}[lang](rng, lang)


# --------------------------------------------------------------------------------------------- addresses

STREETS = {
    "en": ["Baker", "Oak", "Maple", "Pennsylvania", "Elm", "High", "Church", "Victoria", "Market", "Cedar", "King",
           "Mill"],
    "de": ["Haupt", "Bahnhof", "Goethe", "Schiller", "Linden", "Berliner", "Kirch", "Garten", "Wald", "Mozart"],
    "es": ["Mayor", "Alcalá", "de la Constitución", "del Prado", "Gran Vía", "de Gracia", "San Fernando",
           "de los Reyes Católicos", "Real", "del Carmen"],
    "fr": ["de la Paix", "Victor Hugo", "des Lilas", "du Moulin", "Jean Jaurès", "de la République", "Pasteur",
           "des Champs-Élysées", "Saint-Honoré", "du Général de Gaulle"],
}
US_CITIES = [("Springfield", "IL", "62704"), ("Austin", "TX", "78701"), ("Portland", "OR", "97205"),
             ("Washington", "DC", "20500")]
CITIES: dict[str, list[tuple[str, str]]] = {
    "uk": [("London", "SW1A 2AA"), ("Manchester", "M1 4BT"), ("Leeds", "LS1 5AB"), ("Bristol", "BS1 6QH")],
    "de": [("Berlin", "10115"), ("München", "80331"), ("Hamburg", "20095"), ("Köln", "50667"),
           ("Frankfurt am Main", "60311"), ("Leipzig", "04109")],
    "es": [("Madrid", "28013"), ("Barcelona", "08007"), ("Sevilla", "41001"), ("Valencia", "46002"),
           ("Bilbao", "48001")],
    "fr": [("Paris", "75002"), ("Lyon", "69007"), ("Marseille", "13001"), ("Toulouse", "31000"),
           ("Bordeaux", "33000"), ("Lille", "59000")],
}


def gen_address(rng: random.Random, lang: str) -> str:
    sep = rng.choice([", ", ", ", "\n"])
    if lang == "en":
        street = f"{rng.randint(1, 9999)}{rng.choice(['', '', 'B'])} {rng.choice(STREETS['en'])} " + rng.choice(
            ["Street", "St", "Avenue", "Ave", "Road", "Lane", "Drive", "Boulevard", "Court"])
        if rng.random() < 0.5:
            city, state, zip_code = rng.choice(US_CITIES)
            unit = rng.choice(["", "", ", Apt 4B", " Suite 200", ", Unit 12"])
            direction = rng.choice(["", "", " NW"])
            return f"{street}{direction}{unit}{sep}{city}, {state} {zip_code}"
        if rng.random() < 0.6:
            city, postcode = rng.choice(CITIES["uk"])
            return f"{street}{sep}{city} {postcode}"
        return street
    if lang == "de":
        name = rng.choice(STREETS["de"])
        street = rng.choice([f"{name}straße", f"{name}str.", f"{name}weg", f"{name}allee", f"{name}platz"])
        if name == "Berliner":
            street = rng.choice(["Berliner Straße", "Berliner Allee"])
        if rng.random() < 0.15:
            street = rng.choice(["Am Markt", "An der Alster", "Im Winkel", "Zum Hafen"])
            city, plz = rng.choice(CITIES["de"])
            return f"{street} {rng.randint(1, 120)}{sep}{plz} {city}"
        number = f"{rng.randint(1, 180)}{rng.choice(['', '', 'a', 'b'])}"
        if rng.random() < 0.75:
            city, plz = rng.choice(CITIES["de"])
            return f"{street} {number}{sep}{plz} {city}"
        return f"{street} {number}"
    if lang == "es":
        kind = rng.choice(["Calle", "Calle", "C/", "Avenida", "Avda.", "Paseo", "Plaza"])
        street = f"{kind} {rng.choice(STREETS['es'])}"
        number = rng.choice([f"{rng.randint(1, 200)}", f"nº {rng.randint(1, 200)}", f"{rng.randint(1, 200)}"])
        floor = rng.choice(["", "", f", {rng.randint(1, 9)}º {rng.choice('ABCD')}", f", {rng.randint(1, 6)}º"])
        city, cp = rng.choice(CITIES["es"])
        if rng.random() < 0.8:
            return f"{street} {number}{floor}{sep}{cp} {city}"
        return f"{street} {number}{floor}"
    kind = rng.choice(["rue", "rue", "avenue", "boulevard", "place", "allée", "impasse", "chemin"])
    number = f"{rng.randint(1, 150)}{rng.choice(['', '', ' bis'])}"
    street = f"{number}{rng.choice([' ', ', '])}{kind} {rng.choice(STREETS['fr'])}"
    city, cp = rng.choice(CITIES["fr"])
    if rng.random() < 0.8:
        return f"{street}{sep}{cp} {city}{rng.choice(['', '', ' Cedex'])}"
    return street


# ------------------------------------------------------------------------------------------------ network


def gen_ipv4(rng: random.Random, lang: str) -> str:
    return rng.choice([
        f"192.168.{rng.randint(0, 255)}.{rng.randint(1, 254)}", f"10.{rng.randint(0, 255)}.{rng.randint(0, 255)}."
        f"{rng.randint(1, 254)}", f"{rng.randint(23, 223)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}."
        f"{rng.randint(1, 254)}", f"172.{rng.randint(16, 31)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}",
    ])


def gen_ipv6(rng: random.Random, lang: str) -> str:
    groups = [f"{rng.randint(0, 0xFFFF):x}" for _ in range(8)]
    return rng.choice([
        "2001:db8:" + ":".join(groups[2:]), f"2001:db8::{groups[6]}:{groups[7]}", f"fe80::{groups[4]}:{groups[5]}",
        f"2a02:{groups[1]}:{groups[2]}::{groups[7]}", f"::ffff:192.0.2.{rng.randint(1, 254)}",
    ])


def gen_ip(rng: random.Random, lang: str) -> str:
    return gen_ipv6(rng, lang) if rng.random() < 0.25 else gen_ipv4(rng, lang)


# ------------------------------------------------------------------------------------------------ secrets

_ALNUM = string.ascii_letters + string.digits


def _rand(rng: random.Random, n: int, alphabet: str = _ALNUM) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def gen_token(rng: random.Random, lang: str) -> str:
    kind = rng.randrange(8)
    if kind == 0:
        return "sk-proj-" + _rand(rng, 40, _ALNUM + "_-")
    if kind == 1:
        return rng.choice(["sk_live_", "sk_test_", "rk_live_"]) + _rand(rng, 24)
    if kind == 2:
        return "AKIA" + _rand(rng, 16, string.ascii_uppercase + string.digits)
    if kind == 3:
        return "ghp_" + _rand(rng, 36)
    if kind == 4:
        return "github_pat_" + _rand(rng, 22) + "_" + _rand(rng, 59)
    if kind == 5:
        return rng.choice(["xoxb-", "xoxp-"]) + f"{_digits(rng, 11)}-{_digits(rng, 12)}-" + _rand(rng, 24)
    if kind == 6:
        header = _b64url(b'{"alg":"HS256","typ":"JWT"}')
        payload = _b64url(json.dumps({"sub": _digits(rng, 8), "iat": 1714550400 + rng.randint(0, 10**6)}).encode())
        return f"{header}.{payload}.{_rand(rng, 43, _ALNUM + '_-')}"
    return "sk-" + _rand(rng, 48)


def gen_bearer(rng: random.Random, lang: str) -> str:
    return _rand(rng, rng.randint(24, 40), _ALNUM + "._-")


def gen_password(rng: random.Random, lang: str) -> str:
    words = {"en": ["Summer", "Winter", "Dragon", "Sunshine", "Monkey", "Football"],
             "de": ["Sommer", "Sonne", "Katze", "Fussball", "Hallo", "Blume"],
             "es": ["Verano", "Sol", "Madrid", "Gato", "Hola", "Futbol"],
             "fr": ["Soleil", "Chaton", "Azerty", "Bonjour", "Paris", "Printemps"]}[lang]
    return rng.choice([
        f"{rng.choice(words)}{rng.randint(1990, 2025)}{rng.choice(['!', '', '#', '?'])}",
        f"{rng.choice(words).lower()}{rng.randint(1, 99)}", _rand(rng, 12, _ALNUM + "!$%&*"),
        f"{rng.choice(words)}_{rng.choice(words)}{rng.randint(1, 9)}", rng.choice(words).lower() + "!" * 2,
    ])


def gen_pin(rng: random.Random, lang: str) -> str:
    return _digits(rng, rng.choice([4, 4, 6]))


# ------------------------------------------------------------------------------------------ hard negatives


def gen_order(rng: random.Random, lang: str) -> str:
    return rng.choice([f"ORD-{rng.randint(2019, 2025)}-{_digits(rng, 6)}", f"#{_digits(rng, 6)}", _digits(rng, 10),
                       f"A{_digits(rng, 9)}", f"{_digits(rng, 3)}-{_digits(rng, 7)}-{_digits(rng, 7)}"])


def gen_invoice(rng: random.Random, lang: str) -> str:
    return rng.choice([f"INV-{_digits(rng, 5)}", f"RE-{rng.randint(2019, 2025)}-{_digits(rng, 5)}",
                       f"{rng.randint(2019, 2025)}/{_digits(rng, 6)}", f"F{_digits(rng, 8)}", _digits(rng, 8)])


def gen_tracking(rng: random.Random, lang: str) -> str:
    return rng.choice([f"1Z{_rand(rng, 6, string.ascii_uppercase + string.digits)}{_digits(rng, 10)}",
                       _digits(rng, 20), f"JJD{_digits(rng, 18)}", f"{_digits(rng, 12)}"])


def gen_ticket(rng: random.Random, lang: str) -> str:
    return rng.choice([f"#{_digits(rng, 6)}", f"T-{_digits(rng, 6)}", f"INC{_digits(rng, 7)}", f"CS-{_digits(rng, 5)}"])


def gen_version(rng: random.Random, lang: str) -> str:
    return rng.choice([f"v{rng.randint(1, 5)}.{rng.randint(0, 20)}.{rng.randint(0, 9)}",
                       f"{rng.randint(1, 12)}.{rng.randint(0, 9)}.{rng.randint(0, 30)}.{rng.randint(0, 300)}",
                       f"{rng.randint(1, 3)}.{rng.randint(0, 9)}.{rng.randint(0, 9)}.{rng.randint(0, 9)}",
                       f"10.0.{rng.randint(17000, 22631)}.{rng.randint(100, 3500)}"])


def gen_build(rng: random.Random, lang: str) -> str:
    return rng.choice([f"{rng.randint(2023, 2025)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}.{rng.randint(1, 9)}",
                       f"b{_digits(rng, 5)}", _digits(rng, 7)])


def gen_hash(rng: random.Random, lang: str) -> str:
    hexd = "0123456789abcdef"
    return rng.choice([_rand(rng, 40, hexd), _rand(rng, 7, hexd), _rand(rng, 64, hexd),
                       f"{_rand(rng, 8, hexd)}-{_rand(rng, 4, hexd)}-4{_rand(rng, 3, hexd)}-a{_rand(rng, 3, hexd)}-"
                       f"{_rand(rng, 12, hexd)}"])


def gen_sku(rng: random.Random, lang: str) -> str:
    return rng.choice([f"SKU-{_digits(rng, 4)}-{rng.choice('ABCX')}", f"{_rand(rng, 2, string.ascii_uppercase)}-"
                       f"{_digits(rng, 4)}-{_rand(rng, 2, string.ascii_uppercase)}", f"X{_digits(rng, 7)}Z",
                       f"{_digits(rng, 8)}{rng.choice('ABCKLMN')}"])


def gen_date(rng: random.Random, lang: str) -> str:
    y, m, d = rng.randint(2022, 2025), rng.randint(1, 12), rng.randint(1, 28)
    return {"en": rng.choice([f"{m}/{d}/{y}", f"{y}-{m:02d}-{d:02d}", f"{d} March {y}"]),
            "de": rng.choice([f"{d:02d}.{m:02d}.{y}", f"{d}.{m}.{y}"]),
            "es": rng.choice([f"{d:02d}/{m:02d}/{y}", f"{d} de marzo de {y}"]),
            "fr": rng.choice([f"{d:02d}/{m:02d}/{y}", f"{d} mars {y}"])}[lang]


def gen_time(rng: random.Random, lang: str) -> str:
    return rng.choice([f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}",
                       f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}"])


def gen_price(rng: random.Random, lang: str) -> str:
    amount = rng.randint(5, 4999)
    cents = rng.randint(0, 99)
    return {"en": rng.choice([f"${amount:,}.{cents:02d}", f"£{amount}.{cents:02d}"]),
            "de": f"{amount:,}".replace(",", ".") + f",{cents:02d} €",
            "es": f"{amount},{cents:02d} €", "fr": f"{amount},{cents:02d} €"}[lang]


def gen_mac(rng: random.Random, lang: str) -> str:
    return ":".join(f"{rng.randint(0, 255):02X}" for _ in range(6))


GENERATORS: dict[str, tuple[str | None, Gen]] = {
    # slot: (gold kind or None for a hard negative, generator)
    "name": ("name", gen_name), "first": ("name", gen_first), "last": ("name", gen_last),
    "email": ("email", gen_email), "phone": ("phone", gen_phone), "card": ("card", gen_card),
    "iban": ("iban", gen_iban), "address": ("address", gen_address), "ssn": ("ssn", gen_ssn),
    "national_id": ("national_id", gen_national_id), "dni": ("national_id", gen_dni),
    "nir": ("national_id", gen_nir), "steuer_id": ("national_id", gen_steuer_id), "nino": ("national_id", gen_nino),
    "ip": ("ip", gen_ip), "ipv4": ("ip", gen_ipv4), "ipv6": ("ip", gen_ipv6), "token": ("secret", gen_token),
    "bearer": ("secret", gen_bearer), "password": ("secret", gen_password), "pin": ("secret", gen_pin),
    "bad_card": (None, gen_bad_card), "bad_iban": (None, gen_bad_iban), "bad_ssn": (None, gen_bad_ssn),
    "bad_national_id": (None, gen_bad_national_id), "bad_dni": (None, gen_bad_dni), "bad_nir": (None, gen_bad_nir),
    "bad_steuer_id": (None, gen_bad_steuer_id), "order": (None, gen_order), "invoice": (None, gen_invoice),
    "tracking": (None, gen_tracking), "ticket": (None, gen_ticket), "version": (None, gen_version),
    "build": (None, gen_build), "hash": (None, gen_hash), "sku": (None, gen_sku), "date": (None, gen_date),
    "time": (None, gen_time), "price": (None, gen_price), "mac": (None, gen_mac),
}  # fmt: skip

_SLOT_RE = re.compile(r"\{(\w+)\}")


def render(template: str, lang: str, rng: random.Random) -> tuple[str, list[dict[str, object]]]:
    """The template with every {slot} filled, and the gold spans of the PII slots."""
    parts: list[str] = []
    spans: list[dict[str, object]] = []
    pos = 0
    length = 0
    for m in _SLOT_RE.finditer(template):
        literal = template[pos : m.start()]
        parts.append(literal)
        length += len(literal)
        kind, gen = GENERATORS[m.group(1)]
        value = gen(rng, lang)
        if kind is not None:
            spans.append({"kind": kind, "start": length, "end": length + len(value)})
        parts.append(value)
        length += len(value)
        pos = m.end()
    parts.append(template[pos:])
    return "".join(parts), spans


def build(seed: int = SEED, renders: int = RENDERS_PER_TEMPLATE) -> list[dict[str, object]]:
    rng = random.Random(seed)
    records: list[dict[str, object]] = []
    for lang, templates in TEMPLATES.items():
        for t_index, template in enumerate(templates):
            split = "test" if t_index % 2 else "dev"
            for r_index in range(renders):
                text, spans = render(template, lang, rng)
                records.append({"id": f"{lang}-{t_index:02d}-{r_index}", "lang": lang, "split": split,
                                "template": t_index, "text": text, "spans": spans})
    return records


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    records = build(args.seed)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8") as f:
        for record in records:
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
    counts: dict[str, int] = {}
    for record in records:
        for span in record["spans"]:  # type: ignore[attr-defined]
            counts[span["kind"]] = counts.get(span["kind"], 0) + 1
    print(f"{len(records)} texts -> {args.out}; gold spans per kind: {dict(sorted(counts.items()))}")  # noqa: T201


if __name__ == "__main__":
    main()
