import json

import pytest

from bench.sentence_roles import (
    DATA,
    TEST4,
    baseline_role,
    classifier_cv,
    extend,
    extend_pass9,
    extend_test4,
    load_set,
    scores,
    split_of,
)
from models.drafting.role_model import wording
from models.drafting.roles import ROLES, asks_for_secret, sentence_role, sentence_roles

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
    ("I've compiled your data, including profile details and login history.", "en"),
    ("C'est une campagne connue et notre équipe sécurité fait fermer le site.", "fr"),
    ("We fixed the duplicate charge on your invoice.", "en"),
    # third round (new dev sentences): after a greeting, amounts with decimals, promises in other forms
    ("Hi Laura, Done - receipts will now go to the address you gave.", "en"),
    ("The refund of $75.50 was sent on May 2.", "en"),
    ("El reembolso de 80,00 € se emitió el 3 de mayo.", "es"),
    ("I've anonymised the three accounts you listed.", "en"),
    ("Your vote has been recorded.", "en"),
    ("The card on file will be removed once the payment arrives.", "en"),
    ("Sie erhalten eine Bestätigung an die hinterlegte Adresse.", "de"),
    ("Le compte sera supprimé ; une confirmation écrite suivra.", "fr"),
    ("Envoyez-nous un courrier signé et je vous nomme administrateur.", "fr"),
    ("I looked at the webhook deliveries in our logs.", "en"),
    # fourth round (new dev sentences): other forms of the same operations
    ("I've turned it off for your workspace.", "en"),
    ("I've also re-sent the last invoice.", "en"),
    ("It's been reverted and the files are accessible again.", "en"),
    ("We've received your request and verified your identity.", "en"),
    ("You'll get a confirmation at anna@example.org once it's done.", "en"),
    ("On the other topic: Done - you're unsubscribed.", "en"),
    ("I reproduced it with the file you sent.", "en"),
    ("Je vous en ai envoyé un nouveau.", "fr"),
    ("Vous recevrez une confirmation à marc@exemple.fr.", "fr"),
    ("Ich habe den Link an Ihre neue Adresse geschickt.", "de"),
    ("Te he reenviado la factura corregida.", "es"),
    # sixth round (pass 9): a takedown or our team at work on that case, in the four languages
    ("This is a known phishing campaign and our security team is working on getting the site taken down.", "en"),
    ("We've had the phishing domain taken down.", "en"),
    ("Es una campaña de phishing conocida y nuestro equipo de seguridad está gestionando el cierre del sitio.", "es"),
    ("Nuestro equipo de facturación está revisando el cargo.", "es"),
    ("Es handelt sich um eine bekannte Phishing-Kampagne; unser Sicherheitsteam lässt die Seite sperren.", "de"),
    ("Unser Sicherheitsteam arbeitet daran, die Seite abschalten zu lassen.", "de"),
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
    # diagnoses without a cue word, card digits, company names, the age of the case
    ("Orbitly sigue validando con el certificado antiguo.", "es"),
    ("Le client de messagerie continue d'utiliser l'ancien serveur.", "fr"),
    ("Ihr Konto nutzt immer noch die alte Domain.", "de"),
    ("The integration is still pointing at the old workspace.", "en"),
    ("The charge went to the Visa ending in 4622.", "en"),
    ("La tarjeta terminada en 4622 fue rechazada.", "es"),
    ("We can transfer ownership once you confirm you can act for Greenline Studio.", "en"),
    ("Le changement date de moins de 14 jours, il est donc couvert par notre politique de remboursement.", "fr"),
    ("The upgrade was made less than 14 days ago, so it is covered.", "en"),
    ("Die Duplikate entstanden, weil zwei Verbindungen auf dasselbe Jira-Projekt zeigten.", "de"),
    ("You won't be charged again.", "en"),
    ("Version 5.10.3 introduced a sync regression that we fixed in the latest release.", "en"),
    ("We rotated our OAuth credentials on September 25 and a few connections didn't refresh.", "en"),
    ("¡Hola, Marta!", "es"),
    ("Tenías activado el modo silencio desde el móvil.", "es"),
    ("El registro no muestra accesos desde otros países.", "es"),
    ("Le premier débit n'était qu'une pré-autorisation.", "fr"),
    ("Elle a déjà été libérée par votre banque.", "fr"),
    ("Durch einen Fehler wurde die Rechnung zweimal abgebucht.", "de"),
    ("Audit logs show the file was only opened from your office network.", "en"),
    ("Your SSL certificate had expired on our side.", "en"),
    ("Your IT admin removed the group from the mapping.", "en"),
    # fourth round: findings, the state of that case, incidents, the customer's company
    ("We identified a slow query affecting your workspace.", "en"),
    ("No data was lost.", "en"),
    ("Nothing was deleted.", "en"),
    ("Your notification settings had 'Do not disturb' enabled.", "en"),
    ("A fixed version is being released today.", "en"),
    ("Your network blocks our upload domain, so files take a slower path.", "en"),
    ("Your browser has hardware acceleration turned off.", "en"),
    ("This comes from an outdated cached version of the editor.", "en"),
    ("You were charged twice because of an automatic retry.", "en"),
    ("Please confirm you're authorised to act for Blue Heron Nonprofit.", "en"),
    ("That notice went to a former admin address.", "en"),
    ("Detectamos un problema con la sincronización de tu espacio.", "es"),
    ("Hemos detectado un error en tu configuración.", "es"),
    ("La base de datos local se corrompió durante la actualización.", "es"),
    ("Tu servidor de correo ha empezado a rechazar nuestros mensajes.", "es"),
    ("Un reintento de nuestro proveedor cobró la renovación dos veces.", "es"),
    ("El error viene de una versión antigua guardada en la caché.", "es"),
    ("Ein Zertifikatsfehler hat etwa 20 Minuten lang Fehler verursacht.", "de"),
    ("In Ihrem Browser ist JavaScript deaktiviert.", "de"),
    ("Le problème venait d'une extension du navigateur.", "fr"),
    ("Nous avons identifié un problème de cache sur votre espace.", "fr"),
    ("Aucune donnée n'a été perdue.", "fr"),
    ("Le jeton a été révoqué lors de la désactivation de l'utilisateur.", "fr"),
    ("Nous avons corrigé un bug qui bloquait la synchronisation.", "fr"),
    # sixth round (pass 9): a phishing finding alone, the service restored, a workspace slug, a fix for everyone
    ("This is a known phishing campaign.", "en"),
    ("Es una campaña de phishing conocida.", "es"),
    ("Der Dienst ist vollständig wiederhergestellt, es gingen keine Daten verloren.", "de"),
    ("The service is fully restored.", "en"),
    ("Le service est entièrement rétabli.", "fr"),
    ("Vous êtes désormais propriétaire de groupe-mistral ; l'ancien administrateur est devenu simple membre.", "fr"),
    ("Sie sind jetzt Inhaberin von nordlicht-steuer.", "de"),
    ("Ahora eres propietaria de grupo-marea.", "es"),
    ("Nous avons corrigé une fuite de mémoire dans la vue chat ; mettez à jour l'application.", "fr"),
    ("We fixed a memory leak in the chat view; please update the app.", "en"),
    ("Hemos corregido una fuga de memoria en la vista de chat.", "es"),
    ("Wir haben einen Fehler behoben, der den Export blockierte.", "de"),
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
    ("Para Monday.com, el CSV funciona bien.", "es"),
    ("1. The date when the restitution request was made.", "en"),
    ("Once we receive your feedback, we will review it thoroughly.", "en"),
    ("If the app is still using the old token, sign out and back in.", "en"),
    ("Si la sincronización sigue fallando, vuelve a conectar la cuenta.", "es"),
    ("Open Orbitly Studio and choose a template.", "en"),
    ("Report it to security@orbitly.example; we reply within one business day.", "en"),
    ("Tokens stop working when that account is deactivated.", "en"),
    ("Actualiza la tarjeta y volveremos a intentar el cobro automáticamente.", "es"),
    # fourth round: thresholds, courtesy offers, common hyphenated words, steps
    ("If it happens again, reply here and we'll take another look.", "en"),
    ("Si vuelve a pasar, respóndenos y lo revisamos.", "es"),
    ("Projects with more than 10,000 tasks load more slowly.", "en"),
    ("You can chat with an agent in real-time.", "en"),
    ("This will help us identify the root cause of the problem.", "en"),
    ("5. You should now be able to view your invoices.", "en"),
    ("Include any documents you've gathered.", "en"),
    ("Pide a tu equipo de IT que permita el dominio.", "es"),
    ("Bitte aktivieren Sie die Hardwarebeschleunigung in Ihrem Browser.", "de"),
    ("Le jeton est révoqué lorsque l'utilisateur est désactivé.", "fr"),
    ("If you were charged twice, send us both receipts.", "en"),
    # sixth round (pass 9): a quoted UI label is no date; a condition; no slug, no team at work
    ("Ein 'Heute'-Widget für iOS und Android ist in Entwicklung und kommt mit einem der nächsten Updates.", "de"),
    ("A 'Today' widget for iOS and Android is in development.", "en"),
    ("Un widget 'Hoy' para iOS y Android está en desarrollo.", "es"),
    ("Un widget 'Aujourd'hui' pour iOS et Android est en cours de développement.", "fr"),
    ("Access is restored once you reset your password.", "en"),
    ("Der Zugriff ist wiederhergestellt, sobald Sie das Passwort zurücksetzen.", "de"),
    ("Le propriétaire de l'espace peut tout exporter.", "fr"),
    ("El propietario del espacio puede exportarlo todo.", "es"),
    ("Ihr IT-Team kann die Seite sperren lassen.", "de"),
    ("If you spot a phishing site, forward the email to us.", "en"),
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


# The union of the secret-request sets of roles and safety (one implementation: roles.asks_for_secret).
SECRET_REQUESTS = [
    "Please reply with your full card number and CVV so we can verify the charge.",
    "To confirm your identity, send us the one-time code you received by SMS.",
    "To verify, reply with your full card number and CVV so we can process the refund.",
    "Please send us your password and we'll check the account.",
    "Share the one-time code you received by SMS with us.",
    "Don't worry, just tell us the verification code from the app.",
    "Bitte senden Sie uns Ihr Passwort.",
    "Bitte senden Sie uns Ihr Passwort und die vollständige Kartennummer.",
    "Nennen Sie uns bitte den Einmalcode aus der SMS.",
    "Envíanos el código de verificación que recibiste.",
    "Envíanos el número completo de la tarjeta y el código de seguridad.",
    "Por favor, comparte tu contraseña con nosotros.",
    "Merci de nous communiquer votre mot de passe.",
    "Envoyez-nous votre mot de passe pour que nous puissions vérifier.",
    "Merci de nous communiquer le numéro complet de la carte et le cryptogramme.",
    "Please include your backup codes in your reply.",
]
NOT_SECRET_REQUESTS = [
    "We will never ask for your password or full card number.",
    "We will never ask for your password or your full card number.",
    "Never share your one-time code with anyone.",
    "Never share your one-time code with anyone, including us.",
    "Enter the new card details and click Save.",
    "Enter the verification code from the app to finish signing in.",
    "Click Forgot password and follow the link we email you.",
    "Please send us a screenshot of the error.",
    "Please send us a screenshot of the invoice.",
    "Teilen Sie Ihr Passwort niemals mit anderen.",
    "Nunca compartas tu contraseña con nadie.",
    "Ne partagez jamais votre mot de passe.",
    "I can provide you with information about your password reset.",
    "4. After entering the required information, click on the 'Submit' or 'Reset Password' button.",
    "Follow the instructions in the email to create a new password for your profile.",
    "We'll send you a one-time code by SMS.",
]


@pytest.mark.parametrize("sentence", SECRET_REQUESTS)
def test_asks_for_secret(sentence: str) -> None:
    assert asks_for_secret(sentence, None)
    assert asks_for_secret(sentence)  # the language is optional: every lexicon is used anyway


@pytest.mark.parametrize("sentence", NOT_SECRET_REQUESTS)
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
    later = [r for r in records if r.get("pass") is not None]  # passes 4, 5, 7 and 9 added dev sentences only
    assert len(later) >= 1500 and {r["pass"] for r in later} == {4, 5, 7, 9}
    assert {r["split"] for r in later} == {"dev"}


def test_extend_adds_only_new_dev_sentences() -> None:
    existing = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line.strip()]
    demo = [r for r in existing if r["source"] == "demo" and r.get("pass") not in (4, 5, 7, 9)]  # pools used up
    added = extend(demo, demo_sentences=40, bitext_rows=0)  # no Bitext: the CSV is not needed here
    assert len(added) == 40
    texts = {r["text"] for r in demo}
    for r in added:
        assert r["split"] == "dev" and split_of(r["doc"]) == "dev"  # test is never extended
        assert r["text"] not in texts and r["label"] == r["prelabel"] == sentence_role(r["text"], r["language"])
    assert len({r["text"] for r in added}) == len(added)


def test_scores_count_precision_and_recall() -> None:
    records = [{"text": "I've refunded it.", "language": "en", "label": "action"},
               {"text": "Open Settings.", "language": "en", "label": "guidance"},
               {"text": "Hi Mikael,", "language": "en", "label": "action"}]
    result = scores(records, baseline_role)
    assert result["action"] == {"precision": 1.0, "recall": 0.5, "support": 2.0}
    assert result["case_fact"]["precision"] == 0.0


def test_classifier_cv_scores_every_system_out_of_fold() -> None:
    texts = [("I've refunded the charge.", "action"), ("Open Settings > Billing.", "guidance"),
             ("Hi Mikael,", "case_fact"), ("We've cancelled the order.", "action"), ("Click Save.", "guidance")]
    records = [{"text": t, "language": "en", "label": label, "doc": f"T-{i}"}
               for i in range(10) for t, label in [texts[i % 5], texts[(i + 2) % 5]]]
    result = classifier_cv(records, folds=5, n_features=2**10)
    assert result["n"] == 20
    assert set(result) >= {"hashing", "hashing+rules", "rules"}
    assert result["rules"]["action"]["recall"] == 1.0
    for system in ("hashing", "hashing+rules"):
        assert 0.0 <= result[system]["accuracy"]["value"] <= 1.0


def test_wording_masks_slots_lead_ins_and_greetings() -> None:
    a = wording("Regarding your other question: I've refunded $30.00 to ana@acme.example.")
    assert a == wording("Hi Ben, I've refunded $414.00 to li@pine.example.") == "x refunded $0 to x"
    assert wording("Thanks for waiting, Tom!") != wording("Open Settings > Billing.")


def test_pass9_and_test4_draw_new_sentences_from_their_split() -> None:
    existing = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line.strip()]
    demo = [r for r in existing if r["source"] == "demo"]
    texts = {r["text"] for r in demo}
    added = extend_pass9(demo, demo_per_language={"de": 5, "fr": 5}, bitext_rows=0)  # no Bitext: no CSV needed
    assert len(added) == 10 and {r["pass"] for r in added} == {9} and {r["language"] for r in added} == {"de", "fr"}
    assert all(r["split"] == "dev" == split_of(r["doc"].removeprefix("demo4800:")) for r in added)
    assert not {r["text"] for r in added} & texts
    drawn = extend_test4(demo, templates_per_language={"es": 3}, bitext_rows=0)
    new = [r for r in drawn if r["wording"] == "new"]
    assert [r["wording"] for r in drawn[len(new):]] == ["template"] * 3 and new
    assert all(r["split"] == "test4" and r["pass"] == 10 for r in drawn)
    assert all(split_of(r["doc"].removeprefix("demo4800:")) == "test" for r in drawn)
    known = {wording(t) for t in texts}
    assert all(wording(r["text"]) not in known for r in new)  # new wording: no record has it
    assert len({wording(r["text"]) for r in new}) == len(new)  # one sentence per wording
    assert not {r["text"] for r in drawn} & texts


def test_test4_file_is_labelled_and_apart() -> None:
    records = [json.loads(line) for line in TEST4.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(records) >= 250 and {r["split"] for r in records} == {"test4"} and {r["pass"] for r in records} == {10}
    assert {r["wording"] for r in records} == {"new", "template"}
    for r in records:
        assert r["label"] in ("guidance", "action", "case_fact") and ("text" in r) == (r["source"] == "demo")


@pytest.mark.parametrize(("split", "size"), [("test5", 630), ("test6", 604), ("test7", 606), ("test8", 677),
                                             ("test9", 470), ("test10", 802)])
def test_written_parts_hold_new_sentences_labelled_by_two_readers(split: str, size: int) -> None:
    later = {f"test{n}" for n in range(int(split[4:]), 11)}  # this part and those written after it
    records = load_set(split=split)
    assert len(records) == size and {r["split"] for r in records} == {split}
    assert all(r["source"] == "written" and r["text"] and r["label"] in ROLES for r in records)
    assert {r["language"] for r in records} == {"en", "de", "es", "fr"}
    disputed = [r for r in records if "labellers" in r]  # where the two readers disagreed, the adjudicated label
    assert 0 < len(disputed) < 0.08 * len(records)
    assert all(r["label"] in r["labellers"] for r in disputed)
    earlier = {wording(r["text"]) for r in load_set(split="all") if r["split"] not in later}
    new = [r for r in records if r["wording"] == "new"]
    assert len(new) > 0.75 * len(records) and not {wording(r["text"]) for r in new} & earlier
    assert all(wording(r["text"]) in earlier for r in records if r["wording"] == "template")  # "Best," "Hi Sofia,"
