"""A cheap check of the ticket's language against the language a draft is asked for (docs/drafting.md, "Draft
language").

The service decides the ticket's language before drafting (the request's `language` field, or fastText); the
drafter keeps that decision and says when the text disagrees with it, so the agent sees why a draft may be in the
wrong language. Words that occur in one of en/de/es/fr/it/pt only (function words, greetings) are counted; no
model is loaded. Three findings, each a warning, never an error:

- the ticket is too short to confirm its language ("hilfe!!");
- the text reads as another language than the one given (a `language` field that contradicts the text);
- sentences in two languages (a mixed-language ticket).
"""

from __future__ import annotations

import re
from collections import Counter


def _markers(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Words of one language only among the six (shared ones such as "que", "con", "per", "no", "die", "was" left out).
MARKERS: dict[str, frozenset[str]] = {
    "en": _markers("the and is are my your you have has not with this that it for can please what when how why "
                    "our of to be does but after since we they"),
    "de": _markers("der und ist nicht ich mein meine mich mir wir auf ein eine einen bitte kann habe den dem von "
                    "für wird noch aber wie warum seit funktioniert keine kein hallo danke"),
    "es": _markers("el los las y pero cuando hola gracias puedo tengo muy ya usted ustedes nuestro hace funciona "
                    "desde mí mis"),
    "fr": _markers("les et est je j qu mon mes vous nous pas une des pour avec sur dans cette ai suis bonjour "
                    "merci votre fonctionne depuis"),
    "it": _markers("gli della delle che è sono mio mia questo questa grazie buongiorno anche nel alla perché "
                    "funziona ancora essere"),
    "pt": _markers("não você meu minha obrigado obrigada olá isso essa eu uma ao com tenho mês sei vezes porquê "
                    "também estou muito até já então agora"),
}
_WORD = re.compile(r"[^\W\d_]+")
_SENTENCE = re.compile(r"[.!?\n]+")
MIN_WORDS = 2  # fewer ("hilfe!!"): too short to confirm a language
MIN_HITS = 3  # marker words for the text to read as a language
MIN_SENTENCE_HITS = 2  # marker words for one sentence of a mixed ticket


def language_counts(text: str) -> Counter[str]:
    """Marker words per language in `text`."""
    counts: Counter[str] = Counter()
    for word in _WORD.findall(text.lower()):
        for language, words in MARKERS.items():
            if word in words:
                counts[language] += 1
    return counts


def reads_as(text: str, *, min_hits: int = MIN_HITS) -> str | None:
    """The language `text` clearly reads as: at least `min_hits` marker words and twice the runner-up's."""
    ranked = language_counts(text).most_common(2)
    if not ranked or ranked[0][1] < min_hits:
        return None
    if len(ranked) > 1 and ranked[0][1] < 2 * ranked[1][1]:
        return None
    return ranked[0][0]


def language_warnings(text: str, language: str) -> list[str]:
    """Warnings when `text` does not confirm `language` (the decision stays `language`: the service made it)."""
    if len(_WORD.findall(text)) < MIN_WORDS:
        return [f"the ticket is too short to confirm its language ({language}): drafted as {language}"]
    warnings: list[str] = []
    whole = reads_as(text)
    if whole is not None and whole != language:
        warnings.append(f"the ticket's text reads as {whole}, not {language} (its language): drafted as {language}; "
                        "check the language")
    by_sentence = {found for sentence in _SENTENCE.split(text)
                   if (found := reads_as(sentence, min_hits=MIN_SENTENCE_HITS)) is not None}
    if len(by_sentence) > 1:
        warnings.append(f"the ticket mixes languages ({', '.join(sorted(by_sentence))}): drafted as {language}")
    return warnings
