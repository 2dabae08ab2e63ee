"""What a draft may say: checks that keep the customer's text, other customers' sources and request fields from
turning into unsafe wording (docs/drafting.md, "What a draft may say").

- `plausible_name`: a customer name is used only when it looks like a name (letters, spaces, hyphens,
  apostrophes, at most 60 characters), so markup or instructions in the name field never reach a greeting.
- `asks_for_secret`: a sentence that asks the customer to send a password, a full card number, a CVV or a
  one-time code (en/de/es/fr); such a source is never used.
- `safe_reference`: a history ticket id the draft may show (an id shape, no card number, SSN or phone digits).
- `ticket_order_numbers`: order/invoice numbers the customer clearly stated (a typed id such as `#48213` or
  `INV-2291`, or digits right after "order", "Rechnung", "pedido", "facture", ...), never a phone number.
- `first_person_action`: a sentence where the agent says they did or will do something; the customer's values
  are never filled into such a sentence (it would become a promise in the customer's own numbers).
"""

from __future__ import annotations

import re

from models.drafting import roles
from models.pii_detectors import find_ssns

MAX_NAME_CHARS = 60
_NAME = re.compile(r"[^\W\d_]+(?:(?:[ '’-]|\. ?)[^\W\d_]+)*\.?")

_REFERENCE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:#/-]{0,63}")
_DIGIT_RUN = re.compile(r"\d[\d ._/-]*\d|\d")
MAX_REFERENCE_DIGITS = 10  # a ticket id; a card (13+), or a phone number written with its country code, is not

_TYPED_ORDER = re.compile(r"#\s?\d{3,}\b|\b[A-Z]{2,6}-\d{3,}\b")
_BARE_ORDER = re.compile(r"\b\d{4,}\b")
_ORDER_CUE = re.compile(
    r"(?:order|invoice|purchase|reference|ref|booking|bestell\w*|rechnung\w*|auftrag\w*|pedido|factura|compra"
    r"|referencia|commande|facture|réf[ée]rence)\s*(?:no\.?|nr\.?|number|nummer|número|numéro|n[°º]|id)?\s*"
    r"(?:is|ist|es|est|:)?\s*$",
    re.IGNORECASE)
_CUE_WINDOW = 24

_FIRST_PERSON = re.compile(
    r"\b(?:i|i've|i'll|i'm|i'd|we|we've|we'll|we're|we'd|ich|wir|he|hemos|hice|hicimos|voy|vamos|je|nous)\b"
    r"|\bj'", re.IGNORECASE)


def plausible_name(name: str | None) -> str | None:
    """The name with its spaces collapsed when it is a plausible person name; otherwise None."""
    if name is None:
        return None
    cleaned = " ".join(name.split())
    if not cleaned or len(cleaned) > MAX_NAME_CHARS or _NAME.fullmatch(cleaned) is None:
        return None
    return cleaned


def asks_for_secret(sentence: str) -> bool:
    """Whether `sentence` asks the customer to hand over a secret: one implementation, `roles.asks_for_secret`."""
    return roles.asks_for_secret(sentence)


def safe_reference(ref: str) -> bool:
    """Whether a history ticket id may be shown to the customer: an id shape, without card, SSN or phone digits."""
    if _REFERENCE.fullmatch(ref) is None or any(True for _ in find_ssns(ref)):
        return False
    return all(sum(c.isdigit() for c in m.group(0)) <= MAX_REFERENCE_DIGITS for m in _DIGIT_RUN.finditer(ref))


def ticket_order_numbers(text: str) -> set[str]:
    """Order/invoice numbers the customer stated: typed ids (`#48213`, `INV-2291`) or digits right after an
    order word. Bare digits without such a word (a phone number, an amount, a postcode) never count."""
    found = {m.group(0) for m in _TYPED_ORDER.finditer(text)}
    for m in _BARE_ORDER.finditer(text):
        before = text[max(0, m.start() - _CUE_WINDOW):m.start()]
        if _ORDER_CUE.search(before) and not re.search(r"[+(]\s*$|\d[\s.-]$", before):
            found.add(m.group(0))
    return found


def first_person_action(sentence: str) -> bool:
    """Whether the agent speaks in the first person (did, does or will do something): no customer value goes in."""
    return _FIRST_PERSON.search(sentence) is not None
