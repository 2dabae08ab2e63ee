"""The reviewed phrase book (config/phrasebook.yaml): every fixed sentence the default drafter may write.

`PhraseBook.render(language, key, **fields)` returns the text for a dotted key such as
`acknowledgement.negative.urgent`; `matches(language, key, text)` tells whether a text is a rendering of a
key (tests use it to prove every sentence is traceable).
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from models.data import get_field
from models.errors import ArtifactError
from models.salutations import alternation, greetings, sign_offs

REQUIRED_KEYS = ("greeting.email", "greeting.chat", "greeting.social", "acknowledgement.neutral.default",
                 "acknowledgement_short.neutral", "history", "article_link", "social_private",
                 "sign_off.email.default", "sign_off.chat.default", "sign_off.social.default", "placeholders.agent",
                 "placeholders.email", "placeholders.order_number", "placeholders.date", "strip")
PLACEHOLDER_KINDS = ("email", "order_number", "date", "amount", "phone")
# A customer's name left as a slot: what models/pii.py leaves in a redacted case and what imported conventions
# ("<name>", "{{Customer Name}}") become; its kind in `Draft.unfilled` is NAME_KIND everywhere.
REDACTED_NAME = "[NAME]"
NAME_KIND = "name"
# The marker before a source's action the agent must confirm (or delete) before sending, and its kind in `unfilled`.
CONFIRM_KEY = "confirm_action"
CONFIRM_KIND = "confirm"
# A line for the agent when the draft is not in the customer's language, and its kind in `unfilled`.
LANGUAGE_NOTE_KEY = "language_note"
LANGUAGE_NOTE_KIND = "language"
# A language marked `handoff_only` has only what an honest hand-off needs (no draft is composed in it).
HANDOFF_ONLY_KEYS = ("greeting.email", "greeting.email_anonymous", "handoff.language", "sign_off.email.default",
                     "placeholders.agent")


@dataclass(frozen=True, slots=True)
class StripRules:
    greeting: re.Pattern[str]
    sentences: tuple[re.Pattern[str], ...]  # pleasantries dropped where they open or close an adapted reply
    # openings that already acknowledge the customer's request (kept; the drafter then adds no acknowledgement)
    acknowledgements: tuple[re.Pattern[str], ...] = ()
    empathy: re.Pattern[str] | None = None  # words that make an acknowledgement empathetic (apology, frustration)


class PhraseBook:
    """Loaded once; lookups are plain dictionary walks."""

    def __init__(self, data: dict[str, Any], *, path: Path | None = None) -> None:
        self.path = path
        languages = data.get("languages")
        if not isinstance(languages, dict) or not languages:
            raise ArtifactError(f"phrase book {path}: no languages")
        self._languages: dict[str, dict[str, Any]] = languages
        self._handoff_only = frozenset(code for code, phrases in languages.items()
                                       if isinstance(phrases, dict) and phrases.get("handoff_only") is True)
        self.default_language: str = str(data.get("default_language", "en"))
        if self.default_language not in languages or self.default_language in self._handoff_only:
            raise ArtifactError(f"phrase book {path}: default language {self.default_language!r} has no phrases")
        self.version = str(data.get("version", "1"))
        self._strip: dict[str, StripRules] = {}
        for code, phrases in languages.items():
            required = HANDOFF_ONLY_KEYS if code in self._handoff_only else REQUIRED_KEYS
            missing = [k for k in required if get_field(phrases, k) is None]
            if missing:
                raise ArtifactError(f"phrase book {path}: language {code!r} lacks {missing}")
            if code in self._handoff_only:
                continue
            strip = phrases["strip"]
            if not isinstance(strip, dict):
                raise ArtifactError(f"phrase book {path}: language {code!r}: strip is not a mapping")
            # the language's greetings and sign-offs (models/salutations.py), and the book's own greetings
            # (`strip.greeting`: a regex, e.g. "thanks for waiting"; a language the lexicon lacks needs it)
            lexicon, ends = greetings((code,)), sign_offs((code,))
            words = [w for w in (strip.get("greeting"), alternation(lexicon) if lexicon else None) if w]
            if not words:
                raise ArtifactError(f"phrase book {path}: language {code!r} has no greeting words: add strip.greeting "
                                    "(models/salutations.py has those of en, de, es and fr)")
            sign_off = (rf"^(?:{alternation(ends)})\W*$",) if ends else ()
            self._strip[code] = StripRules(
                # the greeting words, then up to three name words (or a placeholder: the redacted "[NAME]", an
                # imported reply's "[Your Name]") and the punctuation that ends the greeting
                greeting=re.compile(rf"^(?:{'|'.join(words)})\b(?:[\s,]+(?:[\w'’-]+|\[[^\[\]\n]{{1,30}}\]))"
                                    rf"{{0,3}}\s*[,:!]\s*",
                                    re.IGNORECASE),
                # the book's pleasantries, and a sentence that is only a sign-off ("Kind regards,", "Merci !")
                sentences=tuple(re.compile(p, re.IGNORECASE) for p in (*strip.get("sentences", ()), *sign_off)),
                acknowledgements=tuple(re.compile(p, re.IGNORECASE) for p in strip.get("acknowledgements", ())),
                empathy=re.compile(strip["empathy"], re.IGNORECASE) if strip.get("empathy") else None,
            )

    @classmethod
    def load(cls, path: Path) -> PhraseBook:
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            raise ArtifactError(f"cannot read phrase book {path}: {exc}") from exc
        if not isinstance(data, dict):
            raise ArtifactError(f"phrase book {path} is not a mapping")
        return cls(data, path=path)

    @property
    def languages(self) -> tuple[str, ...]:
        """Languages a draft can be composed in (not those with hand-off phrases only)."""
        return tuple(code for code in self._languages if code not in self._handoff_only)

    def supports(self, language: str) -> bool:
        """Whether a draft can be composed in `language` (every required phrase)."""
        return language in self._languages and language not in self._handoff_only

    def hands_off_in(self, language: str) -> bool:
        """Whether the honest hand-off (`handoff.language`) can be written in `language`: every composed language,
        and those marked `handoff_only` (Italian, Portuguese)."""
        return language in self._languages and self.has(language, "handoff.language")

    def has(self, language: str, key: str) -> bool:
        return isinstance(get_field(self._languages.get(language, {}), key), str)

    def template(self, language: str, key: str) -> str:
        value = get_field(self._languages.get(language, {}), key)
        if not isinstance(value, str):
            value = get_field(self._languages[self.default_language], key)
        if not isinstance(value, str):
            raise KeyError(f"phrase {key!r} is not in the phrase book")
        return value

    def first(self, language: str, *keys: str) -> str:
        """The first of `keys` the language has (e.g. a tier-specific sign-off, then the default)."""
        for key in keys:
            if self.has(language, key):
                return key
        return keys[-1]

    def render(self, language: str, key: str, **fields: str) -> str:
        return self.template(language, key).format(**fields)

    def placeholder(self, language: str, kind: str) -> str:
        return self.template(language, f"placeholders.{kind}")

    def placeholder_kinds(self, language: str) -> dict[str, str]:
        """Each placeholder text of `language` (and the redacted "[NAME]") with its kind, e.g. "[amount]": "amount"."""
        kinds = {REDACTED_NAME: NAME_KIND}
        if self.has(language, CONFIRM_KEY) or self.has(self.default_language, CONFIRM_KEY):
            kinds[self.render(language, CONFIRM_KEY)] = CONFIRM_KIND
        for kind in (*PLACEHOLDER_KINDS, "agent"):
            if self.has(language, f"placeholders.{kind}") or self.has(self.default_language, f"placeholders.{kind}"):
                kinds[self.placeholder(language, kind)] = kind
        return kinds

    def strip_rules(self, language: str) -> StripRules:
        return self._strip.get(language) or self._strip[self.default_language]

    def matches(self, language: str, key: str, text: str) -> bool:
        """Whether `text` is a rendering of phrase `key` (any field values)."""
        pattern = ""
        for literal, field, _, _ in string.Formatter().parse(self.template(language, key)):
            pattern += re.escape(literal)
            if field is not None:
                pattern += ".+?"
        return re.fullmatch(pattern, text, flags=re.DOTALL) is not None
