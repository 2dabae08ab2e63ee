"""Hand-written help-desk templates for the labelled PII set (bench/pii_dataset.py fills the {slots}).

Slots of a PII kind become gold spans; `bad_*` slots are look-alikes whose checksum fails, and order, invoice,
tracking, ticket, version, build, hash, sku, date, time, price and mac slots are hard negatives. Templates at even
positions of each language are the dev split, odd positions the test split.
"""

from __future__ import annotations

TEMPLATES: dict[str, list[str]] = {
    "en": [
        # 0
        "Hi {first},\n\nmy order {order} from {date} still hasn't arrived. Tracking {tracking} shows nothing since "
        "{time}. Please send it to {address} instead. (The form wants my SSN, it's {ssn}, not {bad_ssn}.)\n\n"
        "Thanks,\n{name}\n{phone}",
        # 1
        "Hello support,\nI was charged {price} twice on card {card} (invoice {invoice}). The card ending in 1234 is "
        "the only one I use. Could you refund to {iban}?\n\nBest regards,\n{name}\n{email}",
        # 2
        "Subject: password reset not working\n\nI clicked 'password reset' three times but no email arrives at "
        "{email}. My password is {password} and it worked until the update to version {version}. Ticket {ticket}.\n"
        "Cheers,\n{first}",
        # 3
        "Dear {first} {last},\n\nthanks for your patience. We verified your identity with SSN {ssn} and updated the "
        "billing address to {address}. Your order {order} ships on {date}.\n\nKind regards,\nThe Support Team",
        # 4
        "[{time}] ERROR auth: login failed for user={email} from {ipv4} (build {build}, commit {hash})\n"
        "[{time}] WARN  api: request with Authorization: Bearer {bearer} rejected, client v{version}\n"
        "[{time}] INFO  cache: node {mac} healthy",
        # 5
        "Hi team, our integration broke after rotating keys. The old key {token} is revoked, product {sku} is "
        "affected, and requests come from {ip}. My colleague {name} can give you more detail on {phone}.",
        # 6
        "Hello, my name is {name} and I need to update my payroll record. NI number {nino}, new address:\n"
        "{address}\nOld card {bad_card} was cancelled; the new one is {card}.\nRegards,\n{name}",
        # 7
        "Agent: Can you confirm the last digits?\nCustomer: sure, SSN is {ssn}, and the ticket was {ticket}.\n"
        "Agent: I see order {order} for {price}. The number {bad_ssn} on file is invalid, right?\n"
        "Customer: yes that one is wrong. You can call me on {phone}.",
        # 8
        "Please whitelist our office IP {ipv4} and the IPv6 range {ipv6}. We're on firmware {version}; the "
        "gateway is at {ipv4}. Our account is {order}. Best wishes,\n{name}\n{address}",
        # 9
        "Quick question: is the Main Street store open on {date}? The road map mentions a new way to pay. "
        "I have invoice {invoice} for {price}. Thanks!\n{first}",
        # 10
        "Hi {first},\nyour temporary password: {password}\nPlease change it after logging in. If you didn't "
        "request a password reset, contact {email}. Reference {ticket}, sent {date} {time}.\n\nBest regards,\n{name}",
        # 11
        "Config dump from the customer's server:\nDB_HOST={ipv4}\nAPI_KEY={token}\nSENTRY_RELEASE={hash}\n"
        "ADMIN_EMAIL={email}\npassword={password}\nVERSION={version}",
        # 12
        "Hello,\nI'm moving from {address} to {address}. Please update my account {order} and send the refund "
        "of {price} to {iban}. My phone stays {phone}, SSN {ssn} for the tax form.\nSincerely,\n{name}",
        # 13
        "Dear support, my PIN is {pin} and it's rejected at the kiosk (error code 4002, build {build}). "
        "Card {card} was issued on {date}. SKU {sku}, tracking {tracking}. Regards,\n{name}",
        # 14
        "Thanks {first}! I've attached the screenshot. The charge of {price} on {date} is from invoice {invoice}; "
        "the IBAN {bad_iban} on it looks wrong to me. Best,\n{name}\n{name} | Head of IT | {phone}",
        # 15
        "Hi, can you delete my data? I'm {name}, email {email}, SSN {ssn}. I also had a UK NINO {nino} when I "
        "lived at {address}. Order history: {order}, {order}. Thank you,\n{first}",
        # 16
        "We see failed logins from {ipv6} and {ipv4} every {time}. The user {email} says the password is "
        "{password} but the hash in the DB is {hash}. Ticket {ticket}, app version {version}.",
        # 17
        "Good morning {first},\nthe courier tried to deliver order {order} to {address} on {date} at {time}. "
        "Please confirm the address or call {phone}. Kind regards,\n{name}",
    ],
    "de": [
        # 0
        "Hallo {first},\n\nmeine Bestellung {order} vom {date} ist noch nicht da. Sendungsnummer {tracking}. "
        "Bitte an {address} liefern.\n\nViele Grüße\n{name}\nTel. {phone}",
        # 1
        "Sehr geehrte Damen und Herren,\nmir wurden {price} doppelt abgebucht (Rechnung {invoice}). Bitte "
        "erstatten Sie den Betrag auf {iban}. Meine Steuer-ID lautet {steuer_id}.\n\nMit freundlichen Grüßen\n{name}",
        # 2
        "Hallo,\nich habe „Passwort vergessen“ geklickt, aber an {email} kommt nichts an. Mein Passwort ist "
        "{password} und ging bis zum Update auf Version {version}. Ticket {ticket}.\nLG\n{first}",
        # 3
        "Guten Tag Herr {last},\nwir haben Ihre Adresse auf {address} geändert und die Karte {card} hinterlegt. "
        "Ihre Kundennummer bleibt {order}.\n\nFreundliche Grüße\nIhr Kundenservice",
        # 4
        "[{time}] FEHLER Anmeldung fehlgeschlagen für {email} von {ipv4} (Build {build}, Commit {hash})\n"
        "[{time}] WARNUNG Token abgelehnt: Authorization: Bearer {bearer}\n[{time}] INFO Knoten {mac} ok",
        # 5
        "Hallo zusammen, nach dem Schlüsseltausch geht die Schnittstelle nicht mehr. Alter Schlüssel: {token}. "
        "Artikel {sku} betroffen, Zugriffe von {ip}. Mein Kollege {name} ist unter {phone} erreichbar.",
        # 6
        "Hallo, mein Name ist {name}. Für die Lohnabrechnung: Steuer-Identifikationsnummer {steuer_id}, neue "
        "Anschrift:\n{address}\nDie alte Karte {bad_card} ist gekündigt.\nGruß\n{name}",
        # 7
        "Agent: Können Sie die Daten bestätigen?\nKunde: Klar, meine Steuer-ID ist {steuer_id}, Vorgang {ticket}.\n"
        "Agent: Ich sehe Auftrag {order} über {price}. Die Nummer {bad_steuer_id} ist ungültig, oder?\n"
        "Kunde: Ja. Rufen Sie mich unter {phone} an.",
        # 8
        "Bitte die IP {ipv4} und das Netz {ipv6} freischalten. Firmware {version}, Gateway {ipv4}. "
        "Kundennummer {order}.\nBeste Grüße\n{name}\n{address}",
        # 9
        "Kurze Frage: hat die Filiale in der Hauptstraße am {date} geöffnet? Auf dem Weg dorthin gibt es "
        "Baustellen. Rechnung {invoice} über {price}. Danke!\n{first}",
        # 10
        "Hallo {first},\nIhr vorläufiges Kennwort: {password}\nBitte ändern Sie es nach der Anmeldung. Falls Sie "
        "kein neues Passwort angefordert haben, schreiben Sie an {email}. Referenz {ticket}, {date} {time}.\n\n"
        "Mit freundlichen Grüßen\n{name}",
        # 11
        "Auszug aus der .env des Kunden:\nDB_HOST={ipv4}\nAPI_KEY={token}\nRELEASE={hash}\nADMIN={email}\n"
        "PASSWORD={password}\nVERSION={version}",
        # 12
        "Guten Tag,\nich ziehe von {address} nach {address} um. Bitte Konto {order} anpassen und die Gutschrift "
        "über {price} auf {iban} überweisen. Handy: {phone}. Steuer-ID: {steuer_id}\nHerzliche Grüße\n{name}",
        # 13
        "Hallo, meine PIN ist {pin} und wird am Automaten abgelehnt (Fehler 4002, Build {build}). Karte {card} "
        "vom {date}. Artikelnummer {sku}, Sendung {tracking}.\nMfG\n{name}",
        # 14
        "Danke {first}! Die Abbuchung über {price} am {date} gehört zu Rechnung {invoice}; die IBAN {bad_iban} darauf "
        "stimmt nicht.\nViele Grüße\n{name}\n{name} | IT-Leitung | {phone}",
        # 15
        "Hallo, bitte löschen Sie meine Daten: {name}, E-Mail {email}, Steuer-ID {steuer_id}, früher wohnhaft in "
        "{address}. Bestellungen: {order}, {order}.\nDanke\n{first}",
        # 16
        "Fehlgeschlagene Logins von {ipv6} und {ipv4} alle {time}. Der Nutzer {email} sagt, das Passwort lautet "
        "{password}, der Hash in der DB ist {hash}. Ticket {ticket}, App-Version {version}.",
        # 17
        "Guten Morgen {first},\nder Kurier konnte Bestellung {order} am {date} um {time} nicht an {address} "
        "zustellen. Bitte rufen Sie {phone} an.\nFreundliche Grüße\n{name}",
    ],
    "es": [
        # 0
        "Hola {first},\n\nmi pedido {order} del {date} todavía no ha llegado. Número de seguimiento {tracking}. "
        "Por favor, envíenlo a {address}.\n\nSaludos,\n{name}\n{phone}",
        # 1
        "Buenas tardes,\nme han cobrado {price} dos veces con la tarjeta {card} (factura {invoice}). ¿Pueden "
        "devolverlo a {iban}? Mi DNI es {dni}.\n\nAtentamente,\n{name}",
        # 2
        "Hola,\npulsé «restablecer contraseña» tres veces pero no llega nada a {email}. Mi contraseña es "
        "{password} y funcionaba hasta la versión {version}. Ticket {ticket}.\nGracias,\n{first}",
        # 3
        "Estimado {first} {last}:\nhemos verificado su identidad con el NIE {dni} y actualizado la dirección a "
        "{address}. Su pedido {order} sale el {date}.\n\nUn saludo,\nEl equipo de soporte",
        # 4
        "[{time}] ERROR login fallido para {email} desde {ipv4} (build {build}, commit {hash})\n"
        "[{time}] AVISO token rechazado: Authorization: Bearer {bearer}\n[{time}] INFO nodo {mac} correcto",
        # 5
        "Hola equipo, tras rotar las claves la integración falla. La clave antigua {token} está revocada, el "
        "producto {sku} está afectado y las peticiones vienen de {ip}. Mi compañera {name} está en el {phone}.",
        # 6
        "Hola, me llamo {name} y necesito actualizar mis datos. DNI {dni}, nueva dirección:\n{address}\n"
        "La tarjeta antigua {bad_card} está cancelada; la nueva es {card}.\nSaludos,\n{name}",
        # 7
        "Agente: ¿Puede confirmar sus datos?\nCliente: claro, mi DNI es {dni} y la incidencia {ticket}.\n"
        "Agente: Veo el pedido {order} por {price}. El documento {bad_dni} no es válido, ¿verdad?\n"
        "Cliente: no, ese está mal. Llámeme al {phone}.",
        # 8
        "Por favor, autoricen la IP {ipv4} y el rango {ipv6}. Firmware {version}, pasarela {ipv4}. "
        "Cuenta {order}.\nSaludos cordiales,\n{name}\n{address}",
        # 9
        "Una pregunta: ¿la tienda de la calle principal abre el {date}? En la plaza hay obras. Tengo la factura "
        "{invoice} de {price}. ¡Gracias!\n{first}",
        # 10
        "Hola {first}:\nsu contraseña temporal: {password}\nCámbiela al iniciar sesión. Si no pidió restablecer la "
        "contraseña, escriba a {email}. Referencia {ticket}, {date} {time}.\n\nAtentamente,\n{name}",
        # 11
        "Extracto de la configuración del cliente:\nDB_HOST={ipv4}\nAPI_KEY={token}\nRELEASE={hash}\n"
        "ADMIN={email}\npassword={password}\nVERSION={version}",
        # 12
        "Buenos días,\nme mudo de {address} a {address}. Actualicen la cuenta {order} y devuelvan {price} a "
        "{iban}. Mi móvil: {phone}, DNI {dni}.\nMuchas gracias,\n{name}",
        # 13
        "Hola, mi PIN es {pin} y el cajero lo rechaza (error 4002, build {build}). Tarjeta {card} emitida el "
        "{date}. Referencia {sku}, envío {tracking}.\nSaludos,\n{name}",
        # 14
        "¡Gracias {first}! El cargo de {price} del {date} es de la factura {invoice}; el IBAN {bad_iban} que aparece "
        "no es correcto.\nSaludos,\n{name}\n{name} | Responsable de IT | {phone}",
        # 15
        "Hola, quiero que borren mis datos: {name}, correo {email}, NIE {dni}, antes vivía en {address}. "
        "Pedidos: {order}, {order}.\nGracias,\n{first}",
        # 16
        "Intentos de acceso fallidos desde {ipv6} y {ipv4} cada {time}. El usuario {email} dice que la "
        "contraseña es {password}, el hash en la BD es {hash}. Ticket {ticket}, versión de la app {version}.",
        # 17
        "Buenos días {first},\nel mensajero no pudo entregar el pedido {order} en {address} el {date} a las "
        "{time}. Confirme la dirección o llame al {phone}.\nUn saludo,\n{name}",
    ],
    "fr": [
        # 0
        "Bonjour {first},\n\nma commande {order} du {date} n'est toujours pas arrivée. Numéro de suivi {tracking}. "
        "Merci de livrer au {address}.\n\nCordialement,\n{name}\n{phone}",
        # 1
        "Bonjour,\non m'a débité {price} deux fois sur la carte {card} (facture {invoice}). Pouvez-vous "
        "rembourser sur {iban} ? Mon numéro de sécurité sociale : {nir}.\n\nBien cordialement,\n{name}",
        # 2
        "Bonjour,\nj'ai cliqué sur « mot de passe oublié » mais rien n'arrive sur {email}. Mon mot de passe est "
        "{password} et il marchait jusqu'à la version {version}. Ticket {ticket}.\nMerci,\n{first}",
        # 3
        "Madame, Monsieur,\nnous avons vérifié votre identité (NIR {nir}) et mis à jour votre adresse : "
        "{address}. Votre commande {order} part le {date}.\n\nCordialement,\nL'équipe support",
        # 4
        "[{time}] ERREUR connexion échouée pour {email} depuis {ipv4} (build {build}, commit {hash})\n"
        "[{time}] AVERT jeton refusé : Authorization: Bearer {bearer}\n[{time}] INFO nœud {mac} ok",
        # 5
        "Bonjour l'équipe, depuis la rotation des clés l'intégration échoue. L'ancienne clé {token} est révoquée, "
        "le produit {sku} est touché et les requêtes viennent de {ip}. Mon collègue {name} est joignable au {phone}.",
        # 6
        "Bonjour, je m'appelle {name} et je dois mettre à jour mon dossier. Sécurité sociale {nir}, nouvelle "
        "adresse :\n{address}\nL'ancienne carte {bad_card} est résiliée ; la nouvelle est {card}.\nCordialement,\n"
        "{name}",
        # 7
        "Agent : Pouvez-vous confirmer vos informations ?\nClient : oui, mon numéro de sécu est {nir}, dossier "
        "{ticket}.\nAgent : Je vois la commande {order} de {price}. Le numéro {bad_nir} est invalide ?\n"
        "Client : oui. Appelez-moi au {phone}.",
        # 8
        "Merci d'autoriser l'IP {ipv4} et la plage {ipv6}. Firmware {version}, passerelle {ipv4}. "
        "Compte {order}.\nBien à vous,\n{name}\n{address}",
        # 9
        "Petite question : le magasin de la place du marché est-il ouvert le {date} ? Il y a des travaux dans la "
        "rue. J'ai la facture {invoice} de {price}. Merci !\n{first}",
        # 10
        "Bonjour {first},\nvotre mot de passe temporaire : {password}\nMerci de le changer à la connexion. Si vous "
        "n'avez pas demandé de réinitialisation, écrivez à {email}. Référence {ticket}, {date} {time}.\n\n"
        "Cordialement,\n{name}",
        # 11
        "Extrait de la configuration du client :\nDB_HOST={ipv4}\nAPI_KEY={token}\nRELEASE={hash}\n"
        "ADMIN={email}\nmdp={password}\nVERSION={version}",
        # 12
        "Bonjour,\nje déménage du {address} au {address}. Merci de mettre à jour le compte {order} et de verser "
        "{price} sur {iban}. Mon portable : {phone}, n° de sécurité sociale {nir}.\nSalutations,\n{name}",
        # 13
        "Bonjour, mon code PIN : {pin}, il est refusé au guichet (erreur 4002, build {build}). Carte {card} du "
        "{date}. Référence {sku}, colis {tracking}.\nCordialement,\n{name}",
        # 14
        "Merci {first} ! Le prélèvement de {price} du {date} vient de la facture {invoice} ; l'IBAN {bad_iban} "
        "indiqué est faux.\nCordialement,\n{name}\n{name} | Responsable IT | {phone}",
        # 15
        "Bonjour, merci d'effacer mes données : {name}, e-mail {email}, NIR {nir}, ancienne adresse {address}. "
        "Commandes : {order}, {order}.\nMerci,\n{first}",
        # 16
        "Connexions échouées depuis {ipv6} et {ipv4} toutes les {time}. L'utilisateur {email} dit que le mot de "
        "passe est {password}, le hash en base est {hash}. Ticket {ticket}, version de l'app {version}.",
        # 17
        "Bonjour {first},\nle livreur n'a pas pu livrer la commande {order} au {address} le {date} à {time}. "
        "Merci de confirmer l'adresse ou d'appeler le {phone}.\nCordialement,\n{name}",
    ],
}
