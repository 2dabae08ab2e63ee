"""Sentence roles: what a sentence taken from a past resolution (or an article) may be reused as.

- `guidance`: steps, policy, explanations, links, courtesy: true for every customer, reusable as is;
- `action`: something an agent (or a team) did or will do for *that* customer: "I've refunded...", "Ich habe ...
  storniert", "deletion has been completed", "He cancelado...", "J'ai annulé...", "Engineering has mitigated it";
- `case_fact`: a fact of that one case: incidents, dates and times, counts, names, e-mail addresses and domains,
  amounts, order and invoice numbers, a diagnosis of that customer's setup ("yours was missing").

A sentence that is both (an action stating an amount) is an `action`: action > case_fact > guidance.

API (pure functions, no model, nothing loaded at import; rules and lexicons per language en/de/es/fr, anything else
or `None` is read with all four lexicons at once):

    sentence_role(sentence, language) -> SentenceRole
    sentence_roles(sentences, language) -> list[SentenceRole]
    asks_for_secret(sentence, language) -> bool   # asks the customer for a password, card number, CVV, OTP...

The rules are transparent: a first-person (or support-team) subject with an operation verb in a past, perfect or
future form is an action; a passive completion ("has been refunded", "wurde storniert", "ha sido eliminada",
"a été annulé") is an action; identifiers, amounts, dates, times, names in greetings and sign-offs, incident wording
and diagnoses in the past tense are case facts. Measured on bench/data/roles/ with `python -m bench.sentence_roles`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Literal, Protocol

from models.salutations import BARE_TITLES, alternation, greetings

SentenceRole = Literal["guidance", "action", "case_fact"]
ROLES: tuple[SentenceRole, ...] = ("guidance", "action", "case_fact")
LANGUAGES = ("en", "de", "es", "fr")

_F = re.IGNORECASE | re.UNICODE


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, _F)


def _greeting(language: str) -> str:
    """The greetings of `language` (models/salutations.py) as a regex alternation."""
    return alternation(greetings((language,)))


# ---- actions -------------------------------------------------------------------------------------------------------
# Operations an agent performs on a customer's account, order or case (stems; inflections follow in each pattern).
_EN_OPS = (r"refund|cancel|reset|unlock|restor|escalat|sent|send|re-?sen[dt]|re-?issu|issu|credit|appl(?:y|ied)|add"
           r"|remov|chang|updat|mov|merg|enabl|disabl|re-?enabl|sign(?:ed)? out|block|unblock|extend|reactivat"
           r"|activat|delet|creat|export|link|ask|forward|pass|report|made|make|start|verif|grant|upgrad|downgrad"
           r"|waiv|fix|revert|revok|rais|open|fil|logg|flag|schedul|arrang|clear|whitelist|allowlist|adjust"
           r"|correct|process|submit|recover|set up|turn(?:ed)? (?:(?:it|them) )?(?:on|off)|reach(?:ed)? out|contact"
           r"|check|look(?:ed)? into|investigat|went through|go through|review|confirm|switch|transferr?|assign"
           r"|promot|demot|invit"
           r"|convert|renew|refresh|rebuil|re-?run|rerun|re-?sync|resync|purg|eras|wip|suspend|freez|froz|lift|restart"
           r"|reinstat|migrat|copi|copy|attach|note|keep|kept|clos|clean|mitigat|resolv|deploy|roll|push|patch|monitor"
           r"|took|take|put|instal|uninstal|configur|map|regenerat|rotat|expir|void|bump|lock|deactivat|end|reduc|prepar"
           r"|upload|trigger|shar|sign(?:ed)? \w+ out|generat|deliver|unsubscrib|whitelist"
           r"|prioriti[sz]|tag|mark|ensur|personally ensure|compil|anonymi[sz]|pseudonymi[sz]|reproduc")
_EN_SUBJECT = r"(?:\bI|\bwe|\bour (?:\w+ )?(?:team|engineers?|engineering)|\bengineer(?:ing|s)?" \
              r"|\b(?:the )?(?:security|billing|support|product|sre|ops|infrastructure|data|privacy|legal) team" \
              r"|\byour (?:account|customer success) manager|\bwho)"
_EN_ACTION = (
    # I've / we have / I'll / we will / I'm going to / I just / I + past tense
    _rx(rf"{_EN_SUBJECT}(?: just| also| already| now| personally| then)?(?:'ve| have| has| had|'ll| will| shall"
        rf"| am going to|'m going to| are going to|'re going to)(?: just| also| already| now| personally| then)?"
        rf"\s+(?:been\s+)?(?:{_EN_OPS})\w*"),
    # I/we + simple past of an operation: "I refunded", "we just reported", "engineering restarted it"
    _rx(rf"{_EN_SUBJECT}(?: just| also| already| then| personally)?\s+(?:(?:{_EN_OPS})\w*ed|sent|made|took|kept|ran|"
        rf"went through|froze|put|set up|reset|looked into|looked at|compiled)\b"),
    _rx(rf"^(?:(?:{_greeting('en')}) [\w'-]+[,!]\s*|[^:.]{{0,60}}:\s*)?(?:done|all set|sorted)\b\s*[-:–—!,]"),
    _rx(r"\bwe (?:hereby )?confirm (?:the )?(?:deletion|erasure|cancel+ation|refund|closure)\b"),
    # we're / I'm + -ing of an operation ("We're adding monitoring"), "is/are being processed"
    _rx(rf"{_EN_SUBJECT}(?:'re|'m| are| am| is)\s+(?:now\s+|also\s+)?(?:{_EN_OPS})\w*ing\b"),
    # passive completions: "has been completed", "have been refunded", "was cancelled for you"
    _rx(r"\b(?:has|have|had)\s+(?:now\s+|also\s+|just\s+|already\s+)?been\s+(?:completed|processed|refunded|"
        r"cancel+ed|deleted|erased|removed|restored|reset|unlocked|issued|credited|applied|escalated|sent|resent|"
        r"reactivated|extended|merged|reverted|revoked|updated|changed|moved|upgraded|downgraded|waived|"
        r"forwarded|reported|fixed|blocked|suspended|closed|reinstated|transferred|recovered|signed out|"
        r"purged|wiped|frozen|lifted|voided|rotated|regenerated|corrected|adjusted|added|created|enabled|disabled|"
        r"recorded|anonymi[sz]ed)"),
    _rx(r"\b(?:it|that|this|everything)'s (?:now |also |just |already )?been (?:reverted|fixed|restored|"
        r"applied|completed|processed|rolled back|cancel+ed|refunded|removed|deleted|reset|unlocked)\b"),
    _rx(r"\bis\s+(?:now\s+)?(?:being\s+)?(?:processed|refunded|cancel+ed|deleted|escalated|investigated)\b"
        r"(?! (?:automatically|within|after|when|if|once|by default))"),
    _rx(r"\b(?:a|the) (?:refund|credit|replacement|new (?:link|invoice|code))\b"
        r"(?:[^.]|\.(?=\d)){0,40}\b(?:is on its way|"
        r"has been|was|will be) (?:issued|sent|processed|applied|on its way)"),
    _rx(r"\b(?:deletion|cancel+ation|refund|export|transfer|migration|reset|erasure|change) (?:has been|is|was) "
        r"(?:completed|complete|done|processed|finished)\b"),
    _rx(r"\byour (?:account|customer success) manager (?:will|is going to|is in copy|has been)"),
    # an operation promised on that customer's card, subscription or charge: "The card on file will be removed once..."
    _rx(r"\b(?:the|your) (?:card on file|card|subscription|refund|charge|credit) will be (?:removed|cancel+ed|refunded|"
        r"credited|processed|deleted|reversed)\b(?! (?:automatically|after|at the end))"),
    _rx(r"\b(?:a|the) (?:written )?confirmation will follow\b"),
    _rx(r"\byou(?:'ll| will) (?:get|receive) (?:a |an )?(?:written |e-?mail )?confirmation (?:e-?mail )?(?:at|to) "
        r"[\w.+-]+@"),
    _rx(r"\bmanager (?:will )?(?:reach(?:es)? out|get in touch|follow up)"),
    # a second operation in the same perfect: "We've received your request and verified your identity"
    _rx(rf"{_EN_SUBJECT}(?:'ve| have)\s+\w+ed\b[^.;:]{{0,80}}?\band (?:also |then )?(?:{_EN_OPS})\w*ed\b"),
    # a takedown for that customer: "our security team is working on getting the site taken down"
    _rx(rf"^(?=.*\bdown\b).*?{_EN_SUBJECT}[^.;]{{0,40}}?\b(?:(?:get|getting|got|have|having|had) "
        rf"(?:the |that |this |those )?(?:[\w-]+ ){{0,2}}(?:site|page|domain|website|url|account)s? (?:taken|shut) down"
        rf"|(?:taking|shutting) (?:the |that |this )?(?:[\w-]+ ){{0,2}}(?:site|page|domain|website)s? down)\b"),
)
# A product-wide fix is a fact of the release, not an operation for that customer: "a sync regression that we fixed
# in the latest release" (the clause is removed before the action rules run).
_PRODUCT_FIX = _rx(r"\b(?:that|which) (?:we|engineering|our (?:\w+ )?team) (?:have |'ve )?(?:fixed|patched|resolved|"
                   r"addressed)(?: it)? in (?:the latest|a later|the next|a new|version|release|v?\d)[^.;]*"
                   # work on our own systems: "We rotated our OAuth credentials on September 25"
                   r"|\b(?:we|engineering) (?:rotated|updated|changed|deployed|rolled out|migrated|upgraded|renewed) "
                   r"our (?:[\w-]+ ){0,2}(?:credentials|keys|certificates?|infrastructure|servers?|systems?|api|"
                   r"database|integration)\b"
                   # a bug fixed for everyone: "Nous avons corrigé un bug qui empêchait ...", "we fixed a bug where ..."
                   r"|\b(?:we|nous avons|hemos) (?:have |'ve )?(?:fixed|corrigé|corregido) (?:a|an|un|une|una|the|le|el"
                   r"|la) (?:bug|bogue|error|problème|problema|fallo|crash|plantage|regression|régression|regresión"
                   r"|memory leak|fuite de mémoire|fuga de memoria)\b[^.;]*"
                   r"|\bwir haben (?:einen|ein) (?:fehler|bug|absturz|speicherleck|problem)\b[^.;]*?\bbehoben\b"
                   # the same in de/es/fr: "Wir haben am 4. Oktober unsere OAuth-Zugangsdaten erneuert"
                   r"|\bwir haben (?:(?:[^,.;]|(?<=\d)\.){0,25} )?unsere (?:[\w-]+ ){0,2}?[\w-]*"
                   r"(?:zugangsdaten|schlüssel|zertifikate?|infrastruktur|server|systeme?)\b[^.;]*"
                   r"|\b(?:renovamos|rotamos|actualizamos|hemos (?:renovado|rotado|actualizado)) (?:[^,.;]{0,25} )?"
                   r"nuestr[oa]s (?:[\w-]+ ){0,2}?(?:credenciales|claves|certificados?|servidores|sistemas)\b[^.;]*"
                   r"|\bnous avons (?:renouvelé|changé|mis à jour|remplacé) (?:[^,.;]{0,25} )?nos (?:[\w-]+ ){0,2}?"
                   r"(?:identifiants|clés|certificats|serveurs|systèmes)\b[^.;]*"
                   # a finding is not an operation: "Wir haben einen Fehler gefunden, durch den ..."
                   r"|\b(?:wir|ich) (?:haben|habe) [^.;]{0,80}?\b(?:gefunden|festgestellt|entdeckt|identifiziert)\b"
                   r"(?:,[^.;]*)?")
# Promises that are courtesy, not an operation ("I'll guide you", "we'll be happy to help").
_EN_COURTESY = _rx(r"^(?:[^.]*\b(?:I|we)(?:'ll| will| would|'d| am| 'm| are| can)? (?:\w+ly )?(?:be )?(?:(?:happy|glad|"
                   r"here|ready|more than happy) to|guide|help|assist|walk|take (?:another|a(?: closer| second)?) look|"
                   r"provide you with (?:the )?(?:step|"
                   r"instruction|information|accurate|specific|precise|detail|guidance|assistance|further)|do (?:my|"
                   r"our) best|understand|appreciate|apologi|review (?:it|them|your \w+) (?:thoroughly|carefully)))")

_DE_PART = r"(?:ge\w+(?:t|en)|\w+iert|\w+(?:ge|zu)\w+(?:t|en)|erstattet|entfernt|erstellt|verschoben|zurückgesetzt|" \
           r"entsperrt|eskaliert|weitergeleitet|übertragen|verlängert|aktiviert|deaktiviert|erteilt|behoben|" \
           r"bestätigt|verknüpft|beantragt|veranlasst|erledigt|überprüft|hinzugefügt|abgemeldet|storniert|gelöscht)"
_DE_ACTION = (
    _rx(rf"\b(?:ich|wir)\s+(?:habe|haben|hab)\b(?:(?!\b(?:sie|du)\b[,.]).){{0,120}}?\b{_DE_PART}\b"),
    _rx(rf"\b(?:habe|haben)\s+(?:ich|wir)\b.{{0,120}}?\b{_DE_PART}\b"),
    _rx(r"\b(?:ich|wir)\s+(?:werde|werden)\b.{0,120}?\b\w+en\b"),
    _rx(r"\b(?:ich|wir)\s+(?:setze|setzen|schicke|schicken|sende|senden|leite|leiten|eskaliere|eskalieren|"
        r"erstatte|erstatten|storniere|stornieren|lösche|löschen|melde mich|melden uns|kümmere|kümmern|prüfe|"
        r"prüfen|halte|halten|schließe|schließen)\b"),
    _rx(rf"\b(?:wurde|wurden|ist|sind)\s+(?:bereits\s+|jetzt\s+|nun\s+|heute\s+)?(?:\w+\s+){{0,4}}?{_DE_PART}"
        rf"(?:\s+worden)\b"),
    _rx(r"\b(?:wurde|wurden)\b(?:(?!\b(?:automatisch|wenn|sobald)\b).){0,80}?\b(?:storniert|erstattet|gelöscht|"
        r"zurückgesetzt|entsperrt|eskaliert|weitergeleitet|verlängert|reaktiviert|gesperrt|abgemeldet|"
        r"gutgeschrieben|übertragen|zusammengeführt|wiederhergestellt|entfernt|geändert|aktualisiert|veranlasst|"
        r"ausgelöst|angewiesen|überwiesen)\b"),
    # our team at work on that case: "Unser Sicherheitsteam prüft / lässt die Seite sperren / arbeitet daran"
    _rx(r"\bunser (?:[\w-]+)?team (?:schickt|sendet|meldet sich|prüft|kümmert sich|lässt|arbeitet daran|sorgt)\b"),
    _rx(r"\ban [\w.+-]+@[\w-]+(?:\.[\w-]+)+ (?:gesendet|geschickt)\b"),
    _rx(r"\b(?:bestätigen wir|wir bestätigen) (?:\w+ )?(?:die |den )?(?:löschung|stornierung|erstattung|kündigung)\b"),
    _rx(r"^erledigt\b"),
    _rx(r"\bSie erhalten (?:eine|die) (?:schriftliche )?Bestätigung (?:an|per)\b"),
    _rx(r"\b(?:ist|sind)\s+(?:jetzt\s+|nun\s+|bereits\s+)?(?:erledigt|abgeschlossen)\b"),
    _rx(r"\b(?:ihr|dein) (?:customer success manager|account manager)\b.{0,40}\b(?:meldet|wird)\b"),
)
_ES_PART = r"\w+(?:ado|ada|ados|adas|ido|ida|idos|idas)|hecho|puesto|abierto|vuelto|escrito|devuelto|resuelto"
_ES_ACTION = (
    _rx(rf"\b(?:(?:te|le|les|os)\s+)?(?:he|hemos)\s+(?:(?:te|le|lo|la|les)\s+)?"
        rf"(?!(?:detectado|encontrado|identificado|descubierto|observado|publicado|liberado)\b)(?:{_ES_PART})\b"),
    _rx(r"\b(?:acabo|acabamos) de (?!recibir\b|ver\b|leer\b)\w+(?:ar|er|ir)\b"),
    _rx(r"\brecibirás (?:la|una) confirmación (?:por escrito )?(?:en|a) [\w.+-]+@"),
    _rx(r"\b(?:enviad[oa]s?|mandad[oa]s?) a [\w.+-]+@"),
    _rx(r"\b(?:voy|vamos)\s+a\s+\w+r\b"),
    _rx(r"\b(?:cancelé|reembolsé|envié|reenvié|restablecí|eliminé|borré|activé|desactivé|cambié|añadí|agregué|escalé|"
        r"restauré|desbloqueé|revisé|comprobé|actualicé|moví|creé|apliqué|emití|abrí|cerré|bloqueé|verifiqué|"
        r"transferí|fusioné|extendí|reactivé|exporté|vinculé|pedí|reporté|informé|anoté|cerramos|enviamos|"
        r"cancelamos|reembolsamos|eliminamos|restablecimos|escalamos|bloqueamos|(?<!\blo )revisamos)\b"),
    _rx(r"\b\w+(?:aré|eré|iré|aremos|eremos|iremos)\b(?![^.]*\bautomáticamente\b)"),
    _rx(r"\b(?:el|tu|su) (?:reembolso|abono|crédito)\b(?:[^.]|\.(?=\d)){0,40}\b(?<!\bnunca )(?<!\bno )"
        r"(?:se emitió|se envió|se procesó|"
        r"se realizó|fue (?:emitido|enviado|procesado))"),
    _rx(r"\b(?:ha|han)\s+sido\s+(?:\w+(?:ado|ada|ados|adas|ido|ida|idos|idas)|devuelto|resuelto)\b"),
    _rx(r"\bse\s+(?:ha|han)\s+(?:completado|procesado|cancelado|eliminado|reembolsado|restablecido|enviado|"
        r"bloqueado|cerrado|restaurado|aplicado|emitido|realizado)\b"),
    _rx(r"\b(?:tu|su) (?:customer success manager|gestor(?:a)? de cuenta)\b.{0,40}\b(?:se pondrá|contactará|"
        r"escribirá)"),
    _rx(r"\bconfirmamos (?:la |el )?(?:supresión|eliminación|cancelación|reembolso|baja)\b"),
    # our team at work on that case: "nuestro equipo de seguridad está gestionando el cierre del sitio"
    _rx(r"\bnuestro equipo(?: de [\w-]+)? (?:ya )?(?:está|se está) (?:gestionando|tramitando|revisando|preparando|"
        r"solicitando|pidiendo|encargando|ocupando)\b|\bnuestro equipo(?: de [\w-]+)? (?:se encarga|se ocupa)\b"),
    _rx(r"\b(?:ya\s+)?(?:está|están)\s+(?:completad[oa]s?|procesad[oa]s?|hech[oa]s?)\b"),
)
_FR_PART = r"\w+(?:é|ée|és|ées)|\w+is|\w+it|\w+ert|\w+u|fait|mis|pris|remis|ouvert|transmis"
_FR_ACTION = (
    # (a finding is a case fact, not an operation: "nous avons identifié un problème", "hemos detectado ...")
    _rx(rf"\b(?:j'ai|j’ai|je\s+(?:vous|te|lui|leur|l'|l’)\s*(?:en\s+|y\s+)?ai|nous\s+(?:vous\s+|l'|l’|lui\s+|"
        rf"leur\s+)?avons)\s+(?:(?:bien|déjà|aussi|également|personnellement|donc|immédiatement)\s+)?"
        rf"(?!(?:identifié|trouvé|détecté|constaté|remarqué|publié)\b)(?:{_FR_PART})\b"),
    _rx(r"\b(?:fichier|lien|export|archive|copie|confirmation)\b[^.;]{0,30}\benvoyée?s? à [\w.+-]+@"),
    _rx(r"\b(?:je|nous)\s+(?:vais|allons)\s+\w+(?:er|ir|re)\b"),
    _rx(r"\bnotre équipe(?: [\w-]+)? (?:fait|va|est en train de|s'occupe|s’occupe)\b"),
    _rx(r"\bje vous (?:nomme|envoie|renvoie|rembourse|transfère|crée|réactive|débloque|ajoute)\b"),
    _rx(r"\b(?:une |la )?confirmation(?: écrite)? (?:suivra|vous sera envoyée)\b"),
    _rx(r"\bvous recevrez (?:une|la) confirmation (?:écrite )?(?:à|par e-?mail à) [\w.+-]+@"),
    _rx(r"\b(?:je|j'|j’|nous)\s*(?:vous\s+|te\s+)?\w+(?:rai|rons)\b(?![^.]*\bautomatiquement\b)"),
    _rx(r"\b(?:a|ont)\s+(?:bien\s+|déjà\s+)?été\s+(?:annulée?s?|remboursée?s?|supprimée?s?|réinitialisée?s?|"
        r"débloquée?s?|envoyée?s?|transmise?s?|révoquée?s?|restaurée?s?|rétablie?s?|prolongée?s?|fusionnée?s?|"
        r"effacée?s?|résiliée?s?|traitée?s?|crédité?e?s?|désactivée?s?|réactivée?s?|escaladée?s?|corrigée?s?|"
        r"mise?s? à jour)\b(?! (?:automatiquement|lors d|quand|lorsque|au moment))"),
    _rx(r"\bnous confirmons (?:l'|l’|la |le )?(?:effacement|suppression|annulation|remboursement|résiliation)\b"),
    _rx(r"\b(?:est|sont)\s+(?:maintenant\s+|désormais\s+)?(?:annulée?s?|remboursée?s?|supprimée?s?|effectuée?s?|"
        r"traitée?s?|terminée?s?|réinitialisée?s?|débloquée?s?|rétablie?s?|restaurée?s?)\b(?! automatiquement)"),
    _rx(r"\bvotre (?:customer success manager|gestionnaire de compte|responsable de compte)\b.{0,40}\b(?:vous "
        r"contactera|prendra contact|vous écrira)"),
)
_ACTION_BY_LANG: dict[str, tuple[re.Pattern[str], ...]] = {
    "en": _EN_ACTION, "de": _DE_ACTION, "es": _ES_ACTION, "fr": _FR_ACTION}
# Conditional or generic framing: "if we have refunded...", "once we've received it, we will..." promise an
# action to happen only after something the customer does. Those are still actions (a promise to that customer).

# ---- case facts ----------------------------------------------------------------------------------------------------
_MONTHS = (r"january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr"
           r"|jun|jul|aug|sep|sept|oct|nov|dec|januar|februar|märz|juni|juli|oktober|dezember|janvier|février|mars"
           r"|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre|enero|febrero|marzo|abril|mayo|junio"
           r"|julio|agosto|septiembre|octubre|noviembre|diciembre")
_OWN_DOMAIN = r"(?:[\w-]+\.)*orbitly\.example"
# a workspace slug ("agence-azur"), not a common hyphenated word
_SLUG = (r"(?!(?:e-mails?|check-lists?|peut-être|c'est-à-dire|real-time|add-ons?|pop-ups?|sign-in|log-in|two-factor"
         r"|step-by-step|up-to-date|one-time|built-in|third-party|follow-up|drag-and-drop)\b)"
         r"(?-i:[a-z0-9]+(?:-[a-z0-9]+)+)\b(?![.@]\w)")
# a count after "more than" / "up to" is a threshold of the product, not that case's count
_NOT_THRESHOLD = r"(?<![\d,.])(?<!more than )(?<!fewer than )(?<!less than )(?<!over )(?<!up to )(?<!at least )" \
                 r"(?<!mehr als )(?<!bis zu )(?<!más de )(?<!hasta )(?<!plus de )(?<!jusqu'à )"
_FACT_ANY = (
    _rx(rf"\b(?!no-?reply@|support@)[\w.+-]+@(?!{_OWN_DOMAIN}\b)[\w-]+(?:\.[\w-]+)+"),  # e-mail address
    # a domain; not our own, not a capitalised product name ("Monday.com")
    _rx(rf"(?<![/@\w.])(?!{_OWN_DOMAIN}\b)(?-i:(?![A-Z]))(?:[a-z0-9-]+\.)+(?:example|com|org|net|io|de|fr|es)\b"
        rf"(?![/\w])"),
    _rx(r"(?:[$€£]\s?\d|\b\d[\d.,]*\s?(?:€|eur\b|usd\b|gbp\b|dollars?\b|euros?\b))"),  # amount
    _rx(r"\b(?:inv|ord|ord?er|case|ticket|cs|po)-?\s?#?\d{3,}\b|#\s?\d{3,}|\b\d{6,}\b"),  # ids, invoices, orders
    re.compile(r"\b[A-Z]{2,6}-\d{3,}\b"),
    _rx(rf"\b(?:{_MONTHS})\.? \d{{1,2}}(?:st|nd|rd|th)?\b|\b\d{{1,2}}(?:st|nd|rd|th|\.)? (?:of |de )?(?:{_MONTHS})\b"),
    _rx(r"\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}/\d{1,2}/\d{2,4}\b"),
    _rx(r"\b\d{1,2}[:.h]\d{2}\s?(?:am|pm|uhr|h\b)|\b\d{1,2}\s?(?:am|pm)\b|\b\d{1,2}:\d{2}\b"),  # time of day
    _rx(r"\bversion \d+\.\d+(?:\.\d+)?\b|\bv\d+\.\d+\.\d+\b|\b\d+\.\d+\.\d+\b"),
    _rx(rf"{_NOT_THRESHOLD}\b\d{{1,3}}(?:[,.]\d{{3}})+\b"),  # large counts: "18,500 duplicate tasks"
    # the last digits of a card or account: "Visa ending in 4622", "endet auf 4622", "terminada en 4622", "****4622"
    _rx(r"\b(?:ending|ends|endet|endend|terminad[oa]|termina|terminant|se terminant|finissant)\s+(?:in|on|with|"
        r"auf|mit|en|par)\s+\d{2,4}\b|(?:[*•x]{2,}\s?)\d{2,4}\b|\blast (?:four|4) digits?\b[^.]{0,20}\d{2,4}\b"),
    # a company name: capitalised words ending in a company word ("Sable Media", "Greenline Studio", "Acme GmbH")
    re.compile(r"\b(?!Orbitly\b)[A-ZÀ-ÖØ-Þ][\w'&-]+ (?:Design|Consulting|Studios?|Media|Labs?|Group|"
               r"Partners|Agency|Solutions|Systems|Digital|Ventures|Holdings|Industries|Logistics|Analytics|"
               r"GmbH|AG|Inc\.?|Ltd\.?|LLC|SARL|SAS|S\.?L\.?|S\.?A\.?)(?![\w-])"),
    # that customer's workspace by its slug: "Vous êtes désormais propriétaire de groupe-mistral", "owner of
    # acme-design", "Inhaber von nordlicht-steuer", "el espacio grupo-marea"
    _rx(r"^(?=.*(?-i:[a-z0-9]-[a-z0-9])).*?(?:\b(?:owner|member|admin|propriétaire|membre|administrat(?:eur|rice)"
        r"|propietari[oa]|miembro|administrador[a]?|inhaber(?:in)?|eigentümer(?:in)?|mitglied) (?:of|de|du|von|des) "
        r"(?:l'espace |l’espace |el espacio |(?:dem )?workspace |the workspace )?[«\"'“]?\s?" + _SLUG
        + r"|\b(?:l'espace|l’espace|el espacio|den workspace|dem workspace|im workspace|the workspace|workspace)"
        r" [«\"'“]?\s?" + _SLUG + ")"),
    # the age of that case's change or purchase: "less than 14 days ago", "date de moins de 14 jours"
    _rx(r"\b(?:less|more|fewer) than \d+ (?:days?|weeks?|months?) ago\b|\bdate de (?:moins|plus) de\b"
        r"|\bvor (?:weniger|mehr) als \d+ (?:tagen|wochen|monaten)\b|\bhace (?:menos|más) de \d+ (?:días|semanas|"
        r"meses)\b|\bil y a (?:moins|plus) de \d+ (?:jours|semaines|mois)\b"),
)
_FACT_BY_LANG: dict[str, tuple[re.Pattern[str], ...]] = {
    "en": (
        _rx(r"\b(?:phone call|on the phone|our call|your call)\b"),
        _rx(r"^(?!.*\b(?:if|when|whether|once|until|while)\b).*\b(?:is|are|was|were) still (?:using|validating|"
            r"pointing|sending|syncing|connected|linked|set|signed in|logged in|on)\b"),
        _rx(r"\b(?:succeed|succeeds|works?|loads?|syncs?|displays?) (?:again|normally)\b|\bfor (?:roughly|about|around)"
            r" (?:\d+|an?|two|three) (?:minutes?|hours?)\b|\bships next week\b|\bfixed as of\b"),
        _rx(r"\bcaused (?!by)(?:\w+ )?(?:\d+ )?(?:errors?|failures?|outages?|problems?|delays?)\b"),
        _rx(r"\b(?:yesterday|this morning|this afternoon|earlier today|last (?:night|week|month|monday|tuesday|"
            r"wednesday|thursday|friday|saturday|sunday)|on (?:monday|tuesday|wednesday|thursday|friday|saturday|"
            r"sunday))\b"),
        _rx(r"\b(?:outage|incident|degraded|was unavailable|were unavailable|regression|went down|partial "
            r"(?:outage|disruption))\b"),
        # a diagnosis in the past tense; not a relative clause ("The date when the request was made": a field)
        _rx(r"^(?!(?:\d+[.)]\s*)?(?:the|a|an) [\w-]+ (?:when|where|which|whether)\b).*?\b(?:your|yours|the|that"
            r"|this) [\w' -]{0,40}?\b(?:was|were|had been|had (?!to\b)\w+ed|wasn't|weren't|kept|got)\b"),
        # a change made in that customer's setup: "your Jira admin added a new status"
        _rx(r"\byour (?:[\w-]+ ){0,2}(?:admin|administrator|it team|colleague|owner|bank|mail server|provider)s? "
            r"(?:\w+ )?(?:added|changed|removed|deleted|renamed|disabled|enabled|created|installed|revoked|"
            r"deactivated|blocked|rejected|moved)\b"),
        _rx(r"\b(?:won't|will not|shouldn't|will no longer) be (?:charged|billed|debited|renewed) (?:again|twice)\b"),
        _rx(r"\b(?:(?<!inconvenience )(?<!trouble )caused by|because of|on our side|because (?:your|yours|the|a|an|"
            r"two|three|one|both|it|its|their|his|her)|turned out|we found|"
            r"i found|it looks like your|(?:the|our|access|audit|mail|sign-in|server) logs? "
            r"(?:show|showed|confirm)|shows \d+|"
            r"showed|no unexpected|the extra amount|the "
            r"difference is)\b"),
        _rx(r"\b(?:it's|it is|everything is|it has been|it's been|they're|that's) (?:back|resolved|fixed|restored|"
            r"working (?:again|normally)|operating normally)"),
        _rx(r"\b(?:is|are) (?:fully |now |completely )?(?:resolved|back to normal|fixed|restored)\b"
            r"(?!,? (?:once|when|after|if|automatically|within))|\bconfirmed\b"
            # a bug fixed for everyone: "We fixed a memory leak in the chat view"
            r"|\bwe(?:'ve| have)? fixed (?:a|an) (?:bug|memory leak|crash|regression)\b"),
        _rx(rf"{_NOT_THRESHOLD}\b\d+ (?:guests?|members?|seats?|views?|users?|tasks?|projects?|invoices?|charges?|"
            r"duplicates?|"
            r"sessions?|attempts?|devices?|files?|records?|tickets?|emails?|people|accounts?|workspaces?)\b"
            r"(?! (?:per|each|at most|or (?:more|fewer)))"),
        _rx(rf"^(?:{_greeting('en')}|thanks for waiting|thanks),? (?-i:[A-Z])[\w'-]+(?:[ ,!.:]|$)"),
        _rx(r"\b(?:for|with|at|of|on|from|to) (?:the )?(?:workspace|team|organi[sz]ation|company|project|channel) "
            r"[\"'“]?[a-z0-9]+(?:-[a-z0-9]+)+\b"),
        _rx(r"(?<!\bwhen )(?<!\bif )(?<!\bonce )\bthat (?:ip|doc|account|invoice|charge|workspace|device|user|project|"
            r"repo|channel|email|card)\b"),
        _rx(r"\b(?:of|owner of|in|to) (?!(?:real-time|e-mail|two-factor|step-by-step|up-to-date|one-time|built-in|"
            r"third-party|add-ons?|sign-in|log-in|follow-up|pop-ups?|drag-and-drop)\b)[a-z0-9]+(?:-[a-z0-9]+)+\b(?!\.\w)"),
        # findings and the state of that case: "we identified a performance issue", "no messages were lost", "the
        # error comes from ...", "your job bursts above that", "is disabled in your browser", "should now appear"
        _rx(r"\bwe (?:identified|detected|noticed|discovered|traced)\b|\broot cause (?:analysis|was)\b|\bfailover\b"
            r"|\b(?:nothing|no (?:\w+ )?(?:data|messages?|edits?|changes?|files?|tasks?|e-?mails?|comments?)) "
            r"(?:was|were) (?:lost|downgraded|deleted|removed|charged)\b"
            r"|\b(?:this|that|it|the (?:error|issue|problem|crash|charge|difference|message)) (?:comes|came) from\b"
            r"|^(?!.*\bif\b).*\b(?:charged|billed) (?:\w+ ){0,3}twice\b|^that (?:notice|e-?mail|message|reminder|"
            r"receipt|link|invoice|charge|payment|sign-in|login) (?:went|was|came|bounced|failed)\b"
            r"|\b(?:results?|it|they|everything|search|sync|pages?|uploads?|the \w+) should now\b"
            r"|\b(?:is|are) (?:disabled|turned off|switched off|blocked|not enabled) in your\b"),
        _rx(r"^(?!.*\b(?:if|when|once)\b).*\byour (?:[\w-]+ ){0,2}(?:bursts?|exceeds?|goes over|went over|blocks|"
            r"rejects|strips|filters|intercepts)\b"
            r"|^(?!.*\bif\b).*\b(?:the|your) account (?:is|was) (?:suspended|locked|blocked|deactivated)\b"
            r"|\byour (?:[\w-]+ ){0,2}(?:has|have) (?:[\w-]+ ){0,3}(?:turned off|switched off|disabled|blocked)\b"
            r"|\byour [\w -]{0,30}?\b(?:has |have )?(?:started|begun|began) (?:to|rejecting|blocking|failing)\b"
            r"|\byour [\w' -]{0,40}?\bhad\b(?! to\b)"),
        # a release of that day: "deployed an improvement today", "is rolling out in the store today"
        _rx(r"\b(?:deployed|released|rolling out|rolled out|shipped|published|going live)\b[^.;]{0,40}\btoday\b"),
        # the customer's company: "authorised to act for Riverside Holdings"
        _rx(r"\b(?:act|acting) (?:for|on behalf of) (?!Orbitly\b)(?-i:[A-Z])"),
        _rx(r"\bin our logs\b|\b(?:is|was|isn't|wasn't) (?:not )?from us\b"
            r"|\b(?:this|it|that) is a (?:known )?phishing\b"
            r"|\b(?:the|this) (?:issue|problem|incident|bug) (?:only )?affected\b"),
    ),
    "de": (
        _rx(r"\b(?:telefonisch|am telefon|ihren anruf|unser(?:em)? (?:telefonat|gespräch))\b"),
        _rx(r"^(?!.*\b(?:wenn|falls|sobald|ob)\b).*\b(?:prüft|nutzt|verwendet|validiert|zeigt|sendet|"
            r"synchronisiert|verweist|hängt)(?: \w+){0,3} (?:immer )?noch\b"),
        _rx(r"\b(?:ihr|ihre|ihren) [\w-]+ (?:hat|haben|lehnt|lehnen|blockiert|blockieren)\b"
            r"|\b(?:ihr|ihre|ihren)\b.*\bseit kurzem\b|\bseit kurzem\b.*\b(?:ihr|ihre|ihren)\b"),
        # findings: "Wir haben einen Fehler gefunden", "In unseren Logs sendet ...", "stammt nicht von uns"
        _rx(r"\b(?:wir|ich) (?:haben|habe) [^.;]{0,80}?\b(?:gefunden|festgestellt|entdeckt|identifiziert)\b"
            r"|\b(?:in|laut) unseren (?:logs|protokollen)\b|\b(?:stammt|kommt) nicht von uns\b"
            r"|\bverschwindet\b[^.]{0,40}\bvon ihre[rm] (?:abrechnung|kontoauszug|konto)\b"
            r"|\bes handelt sich um (?:eine )?(?:bekannte )?phishing"),
        _rx(r"\b(?:gestern|heute (?:früh|morgen|vormittag|nachmittag)|heute|vorhin|letzte[nr]? (?:woche|nacht|monat)|"
            r"am (?:montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag))\b"),
        _rx(r"\b(?:ausfall|störung|vorfall|beeinträchtigt|nicht erreichbar|war nicht verfügbar)\b"),
        _rx(r"\b(?:ihr|ihre|ihren|ihrem|ihres|dein|deine|der|die|das)\b[\w -]{0,40}?\b(?:war|waren|hing|hingen|"
            r"lag|lagen|hatte|hatten|wurde|wurden)\b"),
        _rx(r"\b(?:die|unsere) (?:logs|protokolle) zeigen\b|\bdas protokoll zeigt\b"),
        _rx(r"\b(?:zweimal|doppelt) (?:\w+ )?(?:eingezogen|abgebucht|belastet|berechnet)\b"),
        _rx(r"\b(?:verursacht durch|lag an|weil (?:ihr|ihre|der|die|das|ein|eine|zwei|drei|beide))\b"),
        _rx(r"\b(?:ist|sind) (?:wieder |inzwischen |bereits |vollständig |jetzt )*(?:behoben|gelöst|verfügbar"
            r"|wiederhergestellt)\b(?!,? (?:sobald|wenn|nachdem))|\bbestätigt\b"
            r"|\b(?:es )?(?:ging|gingen) keine (?:\w+ )?(?:daten|nachrichten|änderungen|e-mails|dateien) verloren\b"
            # a bug fixed for everyone: "Wir haben einen Fehler behoben, der ..."
            r"|\bwir haben (?:einen|ein) (?:fehler|bug|absturz|speicherleck|problem)\b[^.;]*?\bbehoben\b"),
        _rx(rf"^(?:{_greeting('de')}|danke für ihre geduld),? (?:herr |frau )?(?-i:[A-ZÄÖÜ])[\w'-]+"),
        _rx(r"\b(?:etwa |rund |ca\. )?\d+ (?:minuten|stunden) lang\b|\bin (?:ihrem|ihren|ihrer|deinem|deiner) [\w-]+ "
            r"(?:ist|sind|war|waren)\b|\bkeine (?:\w+ )?(?:daten|nachrichten|änderungen) (?:gingen|sind) verloren\b"
            r"|\b(?:der fehler|das problem|die (?:fehler)?meldung|der absturz|die warnung) (?:kommt|kam|liegt|lag) "
            r"(?:von|an)\b|\bim namen von (?!Orbitly\b)"
            r"(?-i:[A-Z])|\bfür (?!Orbitly\b)(?-i:[A-Z])\w+(?: \w+)? (?:zu )?handeln\b"),
    ),
    "es": (
        _rx(r"\b(?:por teléfono|tu llamada|su llamada|nuestra llamada)\b"),
        _rx(r"^(?!.*\b(?:si|cuando|mientras|hasta)\b).*\b(?:sigue|siguen|seguía|seguían) (?:\w+ )?\w+(?:ando|iendo)\b"),
        _rx(r"\b(?:se bloqueó|se bloquearon|se reinició|restablecid[oa]s?|no se perdi(?:ó|eron)|se quedó|se quedaron"
            r"|se dañó|se dañaron|se corrompió|se corrompieron)\b"),
        _rx(r"\b(?:ayer|esta mañana|esta tarde|hoy|anoche|la semana pasada|el (?:lunes|martes|miércoles|jueves|"
            r"viernes|sábado|domingo))\b"),
        _rx(r"\b(?:caída|incidencia|incidente|interrupción|degradad[oa]|no estaba disponible)\b"),
        _rx(r"\b(?:tu|su|tus|sus|el|la|los|las)\b[\w -]{0,40}?\b(?:estaba|estaban|era|eran|fue|fueron|tenía|"
            r"tenían|se quedó|se quedaron)\b"),
        _rx(r"\b(?:el|los|nuestros) registros? (?:no )?muestran?\b"),
        _rx(r"\b(?:tenías|estabas|habías|usabas|tuviste)\b"),
        _rx(r"\b(?:causad[oa]s? por|se debía|se debió|porque (?:tu|su|el|la|un|una|dos|tres|ambos|ambas))\b"),
        _rx(r"\b(?:ya está|está|están) (?:totalmente |completamente )?(?:resuelt[oa]s?|solucionad[oa]s?"
            r"|arreglad[oa]s?)\b|\bconfirmad[oa]\b"
            # a bug fixed for everyone: "Hemos corregido una fuga de memoria en ..."
            r"|\b(?:hemos corregido|corregimos) (?:un|una) (?:fallo|error|bug|problema|fuga de memoria|regresión)\b"),
        _rx(rf"^¡?(?:{_greeting('es')}|gracias por esperar),? (?-i:[A-ZÁÉÍÓÚÑ])[\w'-]+"),
        _rx(r"^(?!.*\bsi\b).*\b(?:cobr|carg)\w* (?:\w+ ){0,3}dos veces\b|^(?!.*\bsi\b).*\b(?:la|tu|su) cuenta "
            r"(?:está|estaba) (?:suspendida|bloqueada|desactivada)\b"),
        _rx(r"\b(?:detectamos|encontramos|identificamos|descubrimos|hemos (?:detectado|encontrado|identificado|"
            r"descubierto|observado)) (?:un|una|el|la|que)\b"
            r"|\b(?:tu|su|vuestro|vuestra) [\w ]{0,30}?\b(?:ha|han) (?:empezado|comenzado|dejado) a\b"
            r"|\b(?:tu|su|vuestro|vuestra) (?:proceso|script|integración|tarea|trabajo)\b[^.]{0,20}\b"
            r"(?:supera|excede)\b"
            r"|\b(?:el|la) (?:error|fallo|problema|cargo|importe|diferencia) (?:viene|venía) de\b"
            r"|\bdurante (?:unos |aproximadamente )?\d+ minutos\b|\ben nombre de (?!Orbitly\b)(?-i:[A-Z])"),
        # findings stated without a first-person verb: "Había dos conexiones ...", "En nuestros registros, X envía
        # ...", "el reembolso estaba aprobado pero nunca se envió", "El problema solo afectaba a ...", a change made
        # in that customer's setup ("Vuestro administrador de Jira creó ..."), a released hold
        _rx(r"^(?!.*\bsi\b)(?:[^:]{0,60}:\s*)?había (?:un|una|dos|tres|\d+)\b|\ben nuestros registros\b"
            r"|\bnunca se (?:envió|emitió|procesó|aplicó)\b|\b(?:el|la) (?:problema|incidencia|fallo|error) "
            r"(?:solo |sólo )?(?:afectaba|afectó)\b|\bno (?:es|viene) de nosotros\b|\bes una campaña de phishing\b"
            r"|\b(?:tu|su|vuestro|vuestra) (?:administrador|administradora|admin|equipo de it|banco|proveedor|servidor"
            r" de correo)\b(?: de [\w-]+)? (?:creó|añadió|cambió|eliminó|borró|renombró|desactivó|activó|instaló|"
            r"revocó|bloqueó|rechazó|movió)\b|\bdesaparecerá[n]? de tu extracto\b"),
    ),
    "fr": (
        _rx(r"\b(?:au téléphone|votre appel|notre appel|notre échange téléphonique)\b"),
        _rx(r"^(?!.*\b(?:si|quand|lorsque|tant que)\b).*\b(?:continue|continuent|continuait|continuaient) "
            r"(?:de |d'|d’|à )\w+|\b(?:utilise|utilisait|pointe|pointait) toujours\b"),
        _rx(r"\b(?:de nouveau|à nouveau) (?:cohérent|disponible|normal|fonctionnel)|\bne vient pas de nous\b"),
        _rx(r"\b(?:hier|ce matin|cet après-midi|aujourd'hui|aujourd’hui|la semaine dernière|lundi|mardi|mercredi|"
            r"jeudi|vendredi|samedi|dimanche)\b"),
        _rx(r"\b(?:panne|incident|dégradée?|indisponible|perturbation)\b"),
        _rx(r"\b(?:les|nos) (?:journaux|logs) (?:ne )?montrent\b"),
        _rx(r"\bdisparaîtr(?:a|ont) de votre relevé\b|\b(?:a|ont) (?:déjà )?été libérée?s?\b"),
        _rx(r"\b(?:votre|vos|le|la|les|l'|l’)\b[\w -]{0,40}?\b(?:n['’])?(?:était|étaient|avait|avaient|a été|ont été|"
            r"a connu|ont connu|bloquait|bloquaient)\b"),
        _rx(r"\b(?:causée? par|venait de|parce que (?:votre|le|la|un|une|deux|trois))\b"),
        _rx(r"\b(?:c'est|est|sont) (?:entièrement |complètement |totalement |de nouveau )?(?:résolue?s?|rétablie?s?"
            r"|corrigée?s?)\b(?!,? (?:dès|quand|lorsque|après))|\bconfirmée?\b|\baucune perte de données\b"),
        # a title is no name: "Madame, Monsieur," and "Bonjour Madame," name nobody
        _rx(rf"^(?:{_greeting('fr')}|merci de votre patience),? (?:m\.|mme|madame|monsieur )?"
            rf"(?!(?:{alternation(BARE_TITLES)})\b)(?-i:[A-ZÀÂÉÈÊÎÔÛÇ])[\w'-]+"),
        _rx(r"^(?!.*\bsi\b).*\b(?:débité|prélevé|facturé)e?s? (?:\w+ ){0,3}deux fois\b"),
        _rx(r"\b(?:nous avons|j'ai|j’ai) (?:corrigé|identifié|trouvé|détecté|constaté|remarqué) (?:un|une|le|la|que)\b"
            r"|\b(?:l'|l’)erreur (?:vient|venait) d|\ble (?:problème|bug) (?:vient|venait) d"
            r"|\baucune? (?:\w+ )?n['’](?:a|ont) été perdue?s?\b|\bpendant (?:environ )?\d+ minutes\b"
            r"|\bagir (?:pour|au nom de) (?:le compte de )?(?!Orbitly\b)(?-i:[A-ZÀ-Ý])"),
        _rx(r"^(?!.*\bsi\b)(?:[^:]{0,60}:\s*)?il y avait (?:un|une|deux|trois|\d+)\b|\bdans nos (?:journaux|logs)\b"
            r"|\b(?:c'est|il s'agit d')une campagne de phishing\b"
            r"|\bvotre (?:administrateur|admin|service informatique|banque)\b(?: [\w-]+)? a (?:créé|ajouté|modifié|"
            r"supprimé|renommé|désactivé|activé|installé|révoqué|bloqué|rejeté|déplacé)\b"),
    ),
}
# A sign-off line: a short line that is only a name ("Grace", "Daniel from Orbitly Support", "Carmen | Atención ...").
_SIGN_OFF_NAME = re.compile(r"^[A-ZÀ-ÖØ-Þ][\w'-]+(?: [A-ZÀ-ÖØ-Þ][\w'-]+)?(?:\s*\|\s.*|\s+(?:from|de|von|du|-)\s+"
                            r"(?:the |l'|la |el |le )?[A-ZÀ-ÖØ-Þ].*)?$")
_NOT_A_NAME = _rx(r"^(?:thanks|thank|cheers|best|regards|merci|danke|gracias|saludos|cordialement|viele|beste|"
                  r"freundliche|bien|un|hola|hello|hi|hey|bonjour|hallo|guide|details|overview|note|tip|steps?|"
                  r"confirmed|done|sure|ok|okay|yes|no|sí|oui|ja|nein|non|anything|autre|sonst|algo|is|de|la|le|"
                  r"el|los|las|die|der|das|ihr|votre|tu|su|all|kind|warm|best|take|talk|have|hope|regards|"
                  r"atentamente|un saludo|bis|à|a|orbitly|support|soporte|équipe|equipo|team|service|servicio|"
                  r"atención|kundenservice|kundensupport)\b")
_URL = re.compile(r"https?://\S+")
# a short quoted UI label ("a 'Today' widget", "ein 'Heute'-Widget"): its words are no date or finding of that case
_UI_LABEL = re.compile(r"(?<![\w'’])['‘\"“„«]\s?(?:[^'’\"”“»\n]|(?<=\w)['’](?=\w)){1,30}?\s?['’\"”“»](?!\w)")
_PLACEHOLDER = re.compile(r"\{\{[^}]*\}\}|\[[^\]]*\]|<[^>]*>"
                          r"|\((?:for example|for instance|e\.g\.|z\.\s?B\.|zum Beispiel|por ejemplo|p\.\s?ej\.|"
                          r"par exemple|p\.\s?ex\.)[^)]*\)", re.IGNORECASE)

# ---- secrets -------------------------------------------------------------------------------------------------------
# Nouns naming a secret a support reply must never ask for (en, de, es, fr).
_SECRET = _rx(
    r"\b(?:passwords?|passcodes?|pins?|(?:full |complete |whole |entire )?(?:credit |debit )?card numbers?"
    r"|(?:full |complete )?card details|cvv2?|cvc2?|cv2|cid|security codes?|one[- ]time (?:pass)?codes?|otps?"
    r"|one[- ]time passwords?|verification codes?|2fa codes?|authentication codes?|authenticator codes?|sms codes?"
    r"|login codes?|backup codes?|recovery codes?"
    r"|passw[oö]rt\w*|kennw[oö]rt\w*|(?:vollständige )?kartennummer\w*|prüfnummer\w*|prüfziffer\w*"
    r"|sicherheitscode\w*|einmal-?(?:code|passwort)\w*|bestätigungscode\w*|tans?|verifizierungscode\w*"
    r"|contraseñas?|claves?|(?:el )?número (?:completo )?de (?:la |su |tu )?tarjeta|código de seguridad"
    r"|códigos? (?:de un solo uso|de verificación|otp|temporal)"
    r"|mots? de passe|numéro (?:complet )?de (?:la |votre |ta )?carte|cryptogramme|code de sécurité"
    r"|codes? (?:à usage unique|de vérification|unique|pin|reçu par sms))\b")
# Verbs asking the customer to hand something over to us (not "enter it in the app", not "we'll email you").
_HAND_OVER = _rx(
    r"\b(?:(?:send|share|provide|give)(?!\s+you\b)|reply with|respond with|tell (?:us|me)|(?:e-?mail|dm|text) (?:us|me)"
    r"|include|forward|read out|type (?:it |them )?(?:here|below|in (?:your|this|the) reply)"
    r"|senden|schicken|teilen|geben Sie (?:uns|mir)|nennen|mitteilen|antworten|übermitteln|angeben|zusenden"
    r"|env[ií]\w*|compart\w*|indi(?:ca|que|car)\w*|proporcion\w*|facilit\w*|respond\w*|d[ií]\w*nos|escr[ií]b\w*nos"
    r"|envoy\w*|partag\w*|indiqu\w*|communiqu\w*|fourniss\w*|fournir|donn\w*-(?:nous|moi)|répond\w*|transmett\w*)\b")
# Words between the verb and the secret ("send us your full card number"): a few, within one clause.
_GAP = _rx(r"(?:\s*[\w'’-]+){0,5}\s*")
_NEGATION = _rx(r"\b(?:never|not|no|nor|n't|nie|niemals|nicht|kein\w*|nunca|jamás|jamais|ne|n'|aucun\w*)\b"
                r"|n't\b|\bn'")
_CLAUSE = re.compile(r"[,;:.!?()\n–—]")


def _langs(language: str | None) -> tuple[str, ...]:
    code = (language or "").lower()[:2]
    return (code,) if code in LANGUAGES else LANGUAGES


def _clean(sentence: str) -> str:
    """The sentence without URLs and template placeholders (a placeholder is a slot, not another case's fact)."""
    return _PLACEHOLDER.sub(" ", _URL.sub(" ", sentence)).strip()


def is_action(sentence: str, language: str | None) -> bool:
    text = _PRODUCT_FIX.sub(" ", _clean(sentence))
    for lang in _langs(language):
        if lang == "en" and _EN_COURTESY.search(text) and not _strong_en_action(text):
            continue
        if any(p.search(text) for p in _ACTION_BY_LANG[lang]):
            return True
    return False


def _strong_en_action(text: str) -> bool:
    # a courtesy opener followed by a real operation: "I'll help - I've refunded it"
    return any(p.search(text) for p in _EN_ACTION[3:]) or bool(
        re.search(rf"\b(?:I|we)(?:'ve| have)\s+(?:also\s+|just\s+|already\s+)?(?:{_EN_OPS})\w*", text, _F))


def is_case_fact(sentence: str, language: str | None) -> bool:
    raw = sentence.strip()
    text = _clean(raw)
    if any(p.search(text) for p in _FACT_ANY):
        return True
    text = _UI_LABEL.sub(" ", text)
    if any(p.search(text) for lang in _langs(language) for p in _FACT_BY_LANG[lang]):
        return True
    # a short line that is only a name, or a name and the team: a sign-off
    return len(raw.split()) <= 8 and "http" not in raw and bool(_SIGN_OFF_NAME.match(raw)) \
        and not _NOT_A_NAME.match(raw)


def sentence_role(sentence: str, language: str | None) -> SentenceRole:
    """The role of one sentence (action > case_fact > guidance); `language` is an ISO 639-1 code or None."""
    if is_action(sentence, language):
        return "action"
    if is_case_fact(sentence, language):
        return "case_fact"
    return "guidance"


class RoleReader(Protocol):
    """Roles of one source's sentences from something beyond the rules (`models.drafting.role_model.RoleModel`):
    (role, whether the learned model rather than the rules gave it)."""

    def roles(self, sentences: Sequence[str], language: str | None) -> list[tuple[SentenceRole, bool]]: ...


def sentence_roles(sentences: Iterable[str], language: str | None) -> list[SentenceRole]:
    """`sentence_role` for each sentence of one source, in order."""
    return [sentence_role(s, language) for s in sentences]


def asks_for_secret(sentence: str, language: str | None = None) -> bool:
    """Whether the sentence asks the customer to hand over a password, a full card number, a CVV, a PIN or a
    one-time / verification code: a hand-over verb followed by a secret noun within a few words of one clause,
    the clause not negated ("we will never ask for your password", "never share your code" are guidance; "don't
    worry, just tell us the verification code" is a request: the negation is in another clause).

    All four languages' words are checked whatever `language` says: a poisoned source may be in any of them.
    """
    del language  # the lexicons are merged: cheap, and safer than trusting a source's language field
    if _SECRET.search(sentence) is None:
        return False
    for verb in _HAND_OVER.finditer(sentence):
        starts = [m.end() for m in _CLAUSE.finditer(sentence, 0, verb.start())]
        stop = _CLAUSE.search(sentence, verb.end())
        end = stop.start() if stop else len(sentence)
        clause = sentence[starts[-1] if starts else 0:end]
        gap = _GAP.match(sentence, verb.end(), end)
        near = gap is not None and any(_SECRET.match(sentence, i, end) is not None
                                       for i in range(verb.end(), gap.end() + 1))
        if near and _NEGATION.search(clause) is None:
            return True
    return False


def roles_by_language(sentences: Sequence[tuple[str, str | None]]) -> list[SentenceRole]:
    """Roles for (sentence, language) pairs, e.g. the sentences of several sources at once."""
    return [sentence_role(s, lang) for s, lang in sentences]
