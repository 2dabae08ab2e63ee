"""Sentiment of a ticket: how angry the customer's own words are, in English, German, Spanish and French.

`AngerLexicon` reads our own anger/frustration lexicon per language (`config/sentiment.yaml`) on VADER's scale
(a compound score in [-1, 1], negative = angry), with negation, boosters, exclamation marks and capitals, so
"Ich bin stinksauer!!" reads angry and "No estoy enfadado" does not. Languages without a lexicon are read with the
English one and score near 0.
"""

from __future__ import annotations

import math
import re
import threading
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from models.errors import ArtifactError
from models.text import customer_turns

DEFAULT_LEXICON = Path(__file__).resolve().parent.parent / "config" / "sentiment.yaml"
_TOKEN = re.compile(r"\w+", re.UNICODE)
_APOSTROPHES = re.compile(r"[’'`´]")
_NEGATED_CONTRACTION = re.compile(r"n[’']t\b", re.IGNORECASE)
# VADER's constants: the normalisation of a sum of valences, the damping of a negated term, and the boost.
_ALPHA = 15.0
_NEGATED_ANGER = -0.3  # "not angry": a little positive, never angry
_NEGATED_POSITIVE = -0.74  # "not helpful": negative
_BOOST = 1.25
_EXCLAMATION = 0.29  # added to the magnitude of a negative sum per "!" (at most 4)
_CAPS = 1.2  # a matched word in capitals, in a text that is not all capitals


def _fold(text: str) -> str:
    """Lower case without accents; apostrophes split words (j'en -> j en); English n't -> not."""
    text = _NEGATED_CONTRACTION.sub(" not", text)
    text = _APOSTROPHES.sub(" ", text)
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(_fold(text))


@dataclass(frozen=True, slots=True)
class _Term:
    words: tuple[str, ...]
    prefix: bool  # the last word matches any ending
    valence: float
    label: str

    def matches(self, tokens: list[str], start: int) -> bool:
        if start + len(self.words) > len(tokens):
            return False
        *head, last = self.words
        for offset, word in enumerate(head):
            if tokens[start + offset] != word:
                return False
        token = tokens[start + len(head)]
        return token.startswith(last) if self.prefix else token == last


@dataclass(slots=True)
class _Language:
    negators: frozenset[str]
    boosters: frozenset[str]
    terms: dict[str, list[_Term]] = field(default_factory=dict)  # by first word; longest phrase first
    stems: tuple[_Term, ...] = ()  # one-word terms with a `*`: matched by prefix


@dataclass(frozen=True, slots=True)
class LexiconScore:
    compound: float
    evidence: tuple[str, ...]  # the terms that counted, as written in the lexicon


class AngerLexicon:
    """Scores text with the anger lexicon of its language; `score(...).evidence` tells which words counted."""

    def __init__(self, languages: dict[str, _Language]) -> None:
        self._languages = languages

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(sorted(self._languages))

    @classmethod
    def load(cls, path: Path = DEFAULT_LEXICON) -> AngerLexicon:
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            raise ArtifactError(f"could not read the sentiment lexicon {path}: {exc}") from exc
        if not isinstance(raw, dict) or not isinstance(raw.get("languages"), dict):
            raise ArtifactError(f"sentiment lexicon {path}: expected a `languages:` mapping")
        languages: dict[str, _Language] = {}
        for code, spec in raw["languages"].items():
            if not isinstance(spec, dict) or not isinstance(spec.get("terms"), dict):
                raise ArtifactError(f"sentiment lexicon {path}: language {code!r} needs a `terms:` mapping")
            language = _Language(negators=frozenset(w for n in spec.get("negators", []) for w in _tokens(str(n))),
                                 boosters=frozenset(w for b in spec.get("boosters", []) for w in _tokens(str(b))))
            for written, valence in spec["terms"].items():
                text = str(written)
                words = tuple(_tokens(text.rstrip("*")))
                if not words or not isinstance(valence, int | float) or not -4.0 <= float(valence) <= 4.0:
                    raise ArtifactError(f"sentiment lexicon {path}: term {text!r} of {code!r} needs a valence in "
                                        f"[-4, 4]")
                term = _Term(words, text.endswith("*"), float(valence), text)
                language.terms.setdefault(words[0], []).append(term)
            for bucket in language.terms.values():
                bucket.sort(key=lambda t: len(t.words), reverse=True)
            language.stems = tuple(sorted((t for b in language.terms.values() for t in b
                                           if t.prefix and len(t.words) == 1), key=lambda t: -len(t.words[0])))
            languages[str(code)] = language
        return cls(languages)

    def score(self, text: str, language: str) -> LexiconScore:
        spec = self._languages.get(language) or self._languages.get("en")
        if spec is None:
            return LexiconScore(0.0, ())
        tokens = _tokens(text)
        raw_words = _TOKEN.findall(text)
        shouting = any(w.isupper() and len(w) > 2 for w in raw_words) and not text.isupper()
        caps = {_fold(w) for w in raw_words if w.isupper() and len(w) > 2} if shouting else set()
        anger, kindness, evidence, i = 0.0, 0.0, [], 0
        while i < len(tokens):
            term = next((t for t in spec.terms.get(tokens[i], ()) if t.matches(tokens, i)), None)
            if term is None:  # a stem shorter than the word: frustr* -> frustrated
                term = next((t for t in spec.stems if tokens[i].startswith(t.words[0])), None)
            if term is None:
                i += 1
                continue
            valence = term.valence
            before = tokens[max(0, i - 3):i]
            if any(t in spec.boosters for t in before[-2:]):
                valence *= _BOOST
            if tokens[i] in caps:
                valence *= _CAPS
            if any(t in spec.negators for t in before[-2:]):
                valence *= _NEGATED_ANGER if valence < 0 else _NEGATED_POSITIVE
            if valence < 0:
                anger += valence
            else:
                kindness += valence
            evidence.append(term.label)
            i += len(term.words)
        # Politeness does not soften anger ("ruined my weekend, thanks a lot"): kind words count only alone.
        total = anger - min(text.count("!"), 4) * _EXCLAMATION if anger < 0 else kindness
        compound = total / math.sqrt(total * total + _ALPHA) if total else 0.0
        return LexiconScore(max(-1.0, min(1.0, compound)), tuple(evidence))


class SentimentScorer:
    """The compound score in [-1, 1] of the customer's own words, read with the lexicon of the ticket's language.

    VADER is not used for the signal: on help-desk text it reads plain reports ("the import failed with error 500")
    as angry and misses most anger (bench/sentiment_quality.py measures both on the same set)."""

    def __init__(self, lexicon_path: Path = DEFAULT_LEXICON) -> None:
        self._lexicon: AngerLexicon | None = None
        self._lexicon_path = lexicon_path
        self._lock = threading.Lock()

    def load(self) -> None:
        with self._lock:
            if self._lexicon is None:
                self._lexicon = AngerLexicon.load(self._lexicon_path)

    @property
    def lexicon(self) -> AngerLexicon:
        if self._lexicon is None:
            self.load()
        assert self._lexicon is not None
        return self._lexicon

    def score(self, text: str, language: str | None = None) -> LexiconScore:
        """Of the customer's words only, when the text is a transcript with speaker labels. A language without a
        lexicon (or none given) is read with the English one."""
        code = (language or "en").lower().split("-")[0]
        return self.lexicon.score(customer_turns(text)[:5000], code)

    def compound(self, text: str, language: str | None = None) -> float:
        return self.score(text, language).compound
