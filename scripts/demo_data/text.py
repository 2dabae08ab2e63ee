"""Text helpers of the demo data generator: language formatting (numbers, money, dates) and noise (typos,
lower case, shouting, HTML). Everything random takes the generator's seeded :class:`random.Random`."""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Sequence
from datetime import datetime


def pick(rng: random.Random, items: Sequence[str]) -> str:
    return items[rng.randrange(len(items))]


def ascii_fold(text: str) -> str:
    text = text.replace("ß", "ss").replace("ł", "l").replace("ı", "i").replace("'", "")
    norm = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in norm if not unicodedata.combining(ch) and ch.isascii())


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", ascii_fold(text).lower()).strip("-")


def fmt_int(value: int, lang: str) -> str:
    text = f"{value:,}"
    if lang == "en":
        return text
    return text.replace(",", " " if lang == "fr" else ".")


def money(value: float, lang: str) -> str:
    text = f"{value:,.2f}"
    if lang == "en":
        return "$" + text
    sep = " " if lang == "fr" else "."
    return text.replace(",", "X").replace(".", ",").replace("X", sep) + " €"


def fmt_date(day: datetime, lang: str, months: Sequence[str]) -> str:
    month = months[day.month - 1]
    if lang == "en":
        return f"{month} {day.day}"
    if lang == "de":
        return f"{day.day}. {month}"
    if lang == "es":
        return f"{day.day} de {month}"
    return f"{'1er' if day.day == 1 else day.day} {month}"


def fmt_time(moment: datetime, lang: str) -> str:
    if lang == "en":
        hour = moment.hour % 12 or 12
        return f"{hour}:{moment.minute:02d}{'am' if moment.hour < 12 else 'pm'}"
    if lang == "de":
        return f"{moment.hour}:{moment.minute:02d} Uhr"
    if lang == "fr":
        return f"{moment.hour}h{moment.minute:02d}"
    return f"{moment.hour}:{moment.minute:02d}"


def fmt_quote_date(moment: datetime, lang: str, months: Sequence[str], weekdays: Sequence[str]) -> str:
    """The date in an e-mail client's "On ... wrote:" line."""
    month = months[moment.month - 1]
    weekday = weekdays[moment.weekday()]
    hm = f"{moment.hour}:{moment.minute:02d}"
    if lang == "en":
        return f"{weekday[:3]}, {month[:3]} {moment.day}, {moment.year} at {fmt_time(moment, 'en')}"
    if lang == "de":
        return f"{moment.day:02d}.{moment.month:02d}.{moment.year} um {hm}"
    if lang == "es":
        return f"{weekday}, {moment.day} de {month} de {moment.year}, a las {hm}"
    return f"{weekday[:3]}. {moment.day} {month} {moment.year} à {hm}"


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def sentences(text: str) -> list[str]:
    parts = re.split(r"(?<=[.!?])\s+(?=[A-Z0-9ÄÖÜÁÉÍÓÚÑÇÀÈÊ¿¡\"'(])", text.strip())
    return [p for p in parts if p]


def upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def lower_first(text: str, proper_starts: tuple[str, ...], lowercase_starts: tuple[str, ...] | None) -> str:
    """Lower-case the first letter unless the text starts with a proper noun or an acronym; where a language
    lists ``lowercase_starts`` (German: nouns are capitalised), only those starts are lower-cased."""
    if lowercase_starts is not None and not text.startswith(lowercase_starts):
        return text
    if text.startswith(proper_starts) or (len(text) > 1 and text[1].isupper()):
        return text
    return text[:1].lower() + text[1:]


def truncate(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + "..."


_WORD_RE = re.compile(r"[^\W\d_]{4,}")


def _mutate(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word) - 1)
    op = rng.random()
    if op < 0.4:
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    if op < 0.7:
        return word[:i] + word[i + 1:]
    return word[:i] + word[i] + word[i:]


def typos(text: str, rate: float, rng: random.Random) -> str:
    """Swap, drop or double a letter in about ``rate`` of the words (not in URLs, numbers or acronyms)."""
    out: list[str] = []
    for tok in re.split(r"(\s+)", text):
        protected = (not tok or tok.isspace() or any(ch in tok for ch in "/@_{}<>#=") or
                     any(ch.isdigit() for ch in tok) or (tok.isupper() and len(tok) > 1))
        if protected:
            out.append(tok)
            continue
        out.append(_WORD_RE.sub(lambda m: _mutate(m.group(0), rng) if rng.random() < rate else m.group(0),
                                tok))
    return "".join(out)


def casual(text: str, rng: random.Random, lang: str, *, lower_p: float, punct_p: float, typo_rate: float) -> str:
    """Chat style: dropped full stops (and apostrophes, inverted marks), maybe all lower case, typos."""
    if rng.random() < punct_p:
        text = re.sub(r"\.(?=\s|$)", "", text)
        if lang == "en" and rng.random() < 0.6:
            text = text.replace("'", "")
        if lang == "es":
            text = text.replace("¿", "").replace("¡", "")
    if rng.random() < lower_p:
        text = text.lower()
    return typos(text, typo_rate, rng)


def shout(parts: list[str], rng: random.Random) -> list[str]:
    """Write one of the sentences in capitals."""
    if not parts:
        return parts
    i = rng.randrange(len(parts))
    loud = parts[i].upper()
    loud = re.sub(r"[.]$", "!!", loud) if rng.random() < 0.6 else loud
    return [*parts[:i], loud, *parts[i + 1:]]


def _html_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def htmlify(paras: list[str], rng: random.Random) -> str:
    """An HTML e-mail body in one of three mail-client styles."""
    esc = [_html_escape(p) for p in paras]
    style = rng.randrange(3)
    if style == 0:
        return "".join("<p>" + p.replace("\n", "<br>") + "</p>" for p in esc)
    if style == 1:
        return '<div dir="ltr">' + "<br><br>".join(p.replace("\n", "<br>") for p in esc) + "</div>"
    return "\n".join("<div>" + p.replace("\n", "<br>\n") + "</div><div><br></div>" for p in esc)
