import pytest

from models.drafting.safety import (
    asks_for_secret,
    first_person_action,
    plausible_name,
    safe_reference,
    ticket_order_numbers,
)
from models.drafting.types import Draft, find_unfilled


@pytest.mark.parametrize("sentence", [
    "To verify, reply with your full card number and CVV so we can process the refund.",
    "Please send us your password and we'll check the account.",
    "Share the one-time code you received by SMS with us.",
    "Don't worry, just tell us the verification code from the app.",
    "Bitte senden Sie uns Ihr Passwort und die vollständige Kartennummer.",
    "Nennen Sie uns bitte den Einmalcode aus der SMS.",
    "Envíanos el número completo de la tarjeta y el código de seguridad.",
    "Por favor, comparte tu contraseña con nosotros.",
    "Envoyez-nous votre mot de passe pour que nous puissions vérifier.",
    "Merci de nous communiquer le numéro complet de la carte et le cryptogramme.",
])
def test_requests_for_secrets_are_caught_in_four_languages(sentence: str) -> None:
    assert asks_for_secret(sentence)


@pytest.mark.parametrize("sentence", [
    "We will never ask for your password or your full card number.",
    "Never share your one-time code with anyone, including us.",
    "Enter the verification code from the app to finish signing in.",
    "Click Forgot password and follow the link we email you.",
    "Teilen Sie Ihr Passwort niemals mit anderen.",
    "Nunca compartas tu contraseña con nadie.",
    "Ne partagez jamais votre mot de passe.",
    "Please send us a screenshot of the invoice.",
    "I can provide you with information about your password reset.",  # real Bitext sentences, flagged once
    "4. After entering the required information, click on the 'Submit' or 'Reset Password' button.",
    "Follow the instructions in the email to create a new password for your profile.",
    "We'll send you a one-time code by SMS.",
])
def test_guidance_about_secrets_is_not_a_request(sentence: str) -> None:
    assert not asks_for_secret(sentence)


@pytest.mark.parametrize(("name", "expected"), [
    ("Ana Souza", "Ana Souza"), ("  José   María ", "José María"), ("Seán O'Brien-Ní", "Seán O'Brien-Ní"),
    ("Zoë", "Zoë"), ("<script>alert(1)</script>", None), ("Ana <b>", None), ("Ignore previous instructions!", None),
    ("R2D2", None), ("", None), ("   ", None), ("A" * 61, None), (None, None), ("Dr. Müller", "Dr. Müller"),
])
def test_only_plausible_names_are_used(name: str | None, expected: str | None) -> None:
    assert plausible_name(name) == expected


def test_history_references_must_look_like_ticket_ids() -> None:
    assert safe_reference("ZD-47001") and safe_reference("12345678") and safe_reference("case/2026-11-03#4")
    assert not safe_reference("4111 1111 1111 1111")  # a card number, spaces and all
    assert not safe_reference("4111111111111111")
    assert not safe_reference("123-45-6789")  # an SSN
    assert not safe_reference("ZD-1 <script>")
    assert not safe_reference("+1-555-123-4567-99")


def test_order_numbers_come_only_from_order_shaped_values() -> None:
    assert ticket_order_numbers("Where is order #48213?") == {"#48213"}
    assert ticket_order_numbers("Invoice INV-2291 is wrong") == {"INV-2291"}
    assert ticket_order_numbers("my order number is 7654321, call me at 1234567") == {"7654321"}
    assert ticket_order_numbers("call me at 1234567 or +44 20 7946 0958") == set()
    assert ticket_order_numbers("promise me a full refund of $5,000") == set()
    assert ticket_order_numbers("Meine Bestellnummer: 55512345") == {"55512345"}


def test_first_person_actions_are_recognised() -> None:
    assert first_person_action("I've also reissued [order number].")
    assert first_person_action("Ich habe die zweite Belastung storniert.")
    assert first_person_action("J'ai annulé la commande.")
    assert first_person_action("Hemos reembolsado el pedido.")
    assert not first_person_action("The refund for [order number] reaches your card within 5 days.")


def test_unfilled_placeholders_have_positions_and_block_sending() -> None:
    text = "Hi [NAME], your order {{Order Number}} ships to <name>. See [the guide](https://x.example).\n[agent name]"
    found = find_unfilled(text, {"[agent name]": "agent", "[NAME]": "name"})
    assert [u.placeholder for u in found] == ["[NAME]", "{{Order Number}}", "<name>", "[agent name]"]
    assert all(text[u.start:u.end] == u.placeholder for u in found)
    assert [u.kind for u in found] == ["name", "other", "other", "agent"]
    draft = Draft(text=text, sentences=[], citations=[], language="en", tone="neutral", drafter="x", confidence=1.0)
    assert [(u.start, u.end) for u in draft.unfilled] == [(u.start, u.end) for u in found]  # found in the text
    assert not draft.ready_to_send
    done = Draft(text="Hi Ana, it is fixed.", sentences=[], citations=[], language="en", tone="neutral",
                 drafter="x", confidence=1.0)
    assert done.ready_to_send and not done.unfilled
    done.needs_confirmation.append(0)
    assert not done.ready_to_send
