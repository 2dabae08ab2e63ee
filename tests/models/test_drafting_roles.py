import json

import pytest

from bench.sentence_roles import DATA, baseline_role, scores
from models.drafting.roles import asks_for_secret, sentence_role, sentence_roles

# The examples from issue 12 and typical guidance, in the four languages.
ACTIONS = [
    ("I've refunded $414.00 to the original payment method.", "en"),
    ("I've signed out all active sessions on your account and temporarily blocked logins from that IP.", "en"),
    ("Deletion has been completed in our primary systems today.", "en"),
    ("Engineering has mitigated it.", "en"),
    ("We've locked the affected account and revoked all sessions.", "en"),
    ("Done - invoices will now go to the new address.", "en"),
    ("Ich habe die zweite Belastung über 49 EUR storniert.", "de"),
    ("Ihr Customer Success Manager meldet sich diese Woche mit Terminvorschlägen.", "de"),
    ("He cancelado tu suscripción.", "es"),
    ("Te he enviado un enlace nuevo, válido durante 60 minutos.", "es"),
    ("J'ai annulé votre commande.", "fr"),
    ("Je vous ai envoyé un lien de connexion à usage unique.", "fr"),
]
CASE_FACTS = [
    ("Confirmed - there was a partial outage affecting the EU region.", "en"),
    ("Sync was delayed for some workspaces from 3:29pm for roughly 90 minutes.", "en"),
    ("Allow anyone with an @hexa-design.example email to join.", "en"),
    ("Invoice INV-34931 is the only one you were billed for.", "en"),
    ("Hi Mikael,", "en"),
    ("Daniel from Orbitly Support", "en"),
    ("Le service de synchronisation était dégradé ce matin.", "fr"),
    ("Die E-Mails hingen in einer Warteschlange fest, das ist behoben.", "de"),
    ("Los correos se quedaron atascados en una cola que ya está solucionada.", "es"),
]
GUIDANCE = [
    ("Open Settings > Billing and click Update.", "en"),
    ("Accounts are locked for 30 minutes after 10 failed attempts.", "en"),
    ("I'll guide you through the process step by step:", "en"),
    ("I completely understand your need to speak with a person.", "en"),
    ("Thanks for reaching out to us.", "en"),
    ("Please allow cookies for orbitly.example in your browser settings.", "en"),
    ("Bitte setzen Sie Ihr Passwort zurück.", "de"),
    ("Los enlaces caducan a los 7 días por seguridad.", "es"),
    ("Les liens d'export expirent au bout de 7 jours par sécurité.", "fr"),
    ("3. Locate the order with the number {{Order Number}}.", "en"),
    ("https://help.orbitly.example/articles/refund-policy", "en"),
]


@pytest.mark.parametrize(("sentence", "language"), ACTIONS)
def test_actions(sentence: str, language: str) -> None:
    assert sentence_role(sentence, language) == "action"


@pytest.mark.parametrize(("sentence", "language"), CASE_FACTS)
def test_case_facts(sentence: str, language: str) -> None:
    assert sentence_role(sentence, language) == "case_fact"


@pytest.mark.parametrize(("sentence", "language"), GUIDANCE)
def test_guidance(sentence: str, language: str) -> None:
    assert sentence_role(sentence, language) == "guidance"


def test_unknown_language_uses_every_lexicon() -> None:
    assert sentence_role("Ich habe die Rechnung storniert.", None) == "action"
    assert sentence_role("J'ai remboursé la facture.", "und") == "action"


def test_batch_form_keeps_order() -> None:
    sentences = ["Open Settings > Billing.", "I've refunded the charge.", "Hi Mikael,"]
    assert sentence_roles(sentences, "en") == ["guidance", "action", "case_fact"]


@pytest.mark.parametrize("sentence", [
    "Please reply with your full card number and CVV so we can verify the charge.",
    "To confirm your identity, send us the one-time code you received by SMS.",
    "Bitte senden Sie uns Ihr Passwort.",
    "Envíanos el código de verificación que recibiste.",
    "Merci de nous communiquer votre mot de passe.",
])
def test_asks_for_secret(sentence: str) -> None:
    assert asks_for_secret(sentence, None)


@pytest.mark.parametrize("sentence", [
    "We will never ask for your password or full card number.",
    "Never share your one-time code with anyone.",
    "Enter the new card details and click Save.",
    "Please send us a screenshot of the error.",
])
def test_does_not_ask_for_secret(sentence: str) -> None:
    assert not asks_for_secret(sentence, "en")


def test_labelled_set_stores_no_bitext_text() -> None:
    records = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(records) >= 1500
    assert {r["split"] for r in records} == {"dev", "test"}
    for r in records:
        assert r["label"] in ("guidance", "action", "case_fact")
        assert ("text" in r) == (r["source"] == "demo")
    docs: dict[str, str] = {}
    for r in records:  # split by source document
        assert docs.setdefault(r["doc"], r["split"]) == r["split"]


def test_scores_count_precision_and_recall() -> None:
    records = [{"text": "I've refunded it.", "language": "en", "label": "action"},
               {"text": "Open Settings.", "language": "en", "label": "guidance"},
               {"text": "Hi Mikael,", "language": "en", "label": "action"}]
    result = scores(records, baseline_role)
    assert result["action"] == {"precision": 1.0, "recall": 0.5, "support": 2.0}
    assert result["case_fact"]["precision"] == 0.0
