"""Load and validate the demo data templates: the JSON files in ``data/demo/templates/``.

``common.json`` holds language-independent pools (browsers, devices, name pools per culture, ...),
``params.json`` the numeric generation parameters (shares, weights, the urgency model) and ``<lang>.json``
(``en``, ``de``, ``es``, ``fr``) everything written in one language: calendar words, slot values, customer
pools, the phrases around the problem description, call-transcript questions, the problem variants per topic
and the knowledge-base articles. ``data/demo/README.md`` describes the layout.

:func:`load_templates` checks the files' structure and cross-references (topics, slots, article links) and
raises :class:`TemplateError`, naming the file and the key, on anything that would break generation.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from pathlib import Path

from scripts.demo_data.text import sentences

LANGS: tuple[str, ...] = ("en", "de", "es", "fr")
TOPICS: tuple[str, ...] = (
    "billing", "refunds", "login_access", "bug_report", "outage", "integrations", "data_export",
    "privacy_deletion", "feature_request", "performance", "onboarding", "security_incident",
)
OOS = "oos"
ALL_TOPICS: tuple[str, ...] = (*TOPICS, OOS)
TIERS: tuple[str, ...] = ("free", "pro", "business", "enterprise")
CHANNELS: tuple[str, ...] = ("email", "chat", "phone", "social", "app")
URGENCIES: tuple[str, ...] = ("low", "normal", "high", "urgent")
REGISTERS: tuple[str, ...] = ("calm", "polite", "confused", "frustrated", "angry")
FLAGS: tuple[str, ...] = ("prod_down", "all_users", "deadline", "legal", "cancel", "no_rush")
TOPIC_GROUPS: tuple[str, ...] = ("account", "tech", "other")
APP_CATEGORIES: tuple[str, ...] = ("problem", "question", "idea", "account", "other")
SECTION_KINDS: tuple[str, ...] = ("steps", "bullets", "text")
TEMPLATE_FILES: tuple[str, ...] = ("common.json", "params.json", *(f"{lang}.json" for lang in LANGS))

SLOT_RE = re.compile(r"\{([a-z0-9_]+)(?::([a-z0-9-]+))?\}")
# Slots whose values the code computes (scripts.demo_data.compose); the others come from ``slot_values``.
# {kb} is a knowledge-base link, {note} and {category} are placeholders of the note and app-subject phrases.
COMPUTED_SLOTS: frozenset[str] = frozenset({
    "first", "name", "company", "email", "workspace", "domain", "handle", "agent", "agent2", "last4",
    "invoice", "ticket_ref", "app_version", "status_url", "n", "hours", "days", "minutes", "count", "size",
    "ip", "seats", "n_users", "plan", "amount", "amount2", "month", "date", "weekday", "time", "qdate",
    "device", "os", "new_email", "platform", "kb", "note", "category",
})
# Phrase keys every language must define: reg_/regs_/mood_<register> are long / short / call-note emotional
# sentences, flag_/flags_/flagn_<flag> the escalation cues in the same three forms.
PHRASE_KEYS: frozenset[str] = frozenset({
    "ask", "ask_question", "story", "disclaimer", "long_extra", "tier_enterprise", "tier_enterprise_s",
    "tier_enterprise_n", "greet_email", "context", "tried", "tried_generic", "details_account", "signoff",
    "sent_from", "second_intro", "followup", "quote_header", "quote_lines", "generic_subjects",
    "urgent_prefix", "hello", "chat_subject", "phone_open", "phone_cust", "phone_filler", "phone_verify_q",
    "phone_verify_a", "phone_close", "inaudible", "note_tpl", "note_action", "phone_subjects",
    "social_prefix", "social_suffix", "social_subjects", "app_subject", "app_footer", "reply_greet",
    "reply_greet_chat", "reply_thanks", "reply_empathy", "reply_kb", "reply_second", "reply_close_issue",
    "reply_close", "reply_sign", "reply_phone", "reply_social", "reply_chat_close", "english_suffix",
    *(f"{kind}_{reg}" for kind in ("reg", "regs", "mood") for reg in REGISTERS if reg != "calm"),
    *(f"{form}_{flag}" for form in ("flag", "flags", "flagn") for flag in FLAGS),
    *(f"cat_{category}" for category in APP_CATEGORIES),
})


class TemplateError(ValueError):
    """A template file is missing, is not valid JSON or does not have the expected structure."""


@dataclass(frozen=True)
class Variant:
    """One problem variant of a topic in one language, with its interchangeable texts.

    With ``paired_replies`` the bodies (and short texts) are different sub-problems: the i-th one is answered
    by the i-th reply; with ``paired_subjects`` the subject line follows the chosen body too.
    """

    lang: str
    topic: str
    key: str
    subjects: tuple[str, ...]
    bodies: tuple[str, ...]
    shorts: tuple[str, ...]
    notes: tuple[str, ...]
    replies: tuple[str, ...]
    details: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    kb: str | None = None
    urg: float = 0.0
    min_tier: int = 0
    paired_replies: bool = False
    paired_subjects: bool = False


@dataclass(frozen=True)
class Section:
    """A markdown section of a knowledge-base article."""

    heading: str
    kind: str  # "steps" (numbered list), "bullets" or "text" (paragraphs)
    items: tuple[str, ...]


@dataclass(frozen=True)
class Article:
    """A knowledge-base article; ``base`` is the English slug it corresponds to."""

    slug: str
    lang: str
    topic: str
    title: str
    intro: str
    sections: tuple[Section, ...]
    tags: tuple[str, ...]
    base: str


@dataclass(frozen=True)
class Language:
    """Everything written in one language."""

    code: str
    months: tuple[str, ...]
    weekdays: tuple[str, ...]
    slot_values: dict[str, tuple[str, ...]]
    agents: tuple[str, ...]
    cultures: dict[str, float]
    companies: tuple[str, ...]
    company_parts: tuple[tuple[str, ...], tuple[str, ...]]
    titles: tuple[str, ...]
    lowercase_starts: tuple[str, ...] | None  # only these sentence starts may be lower-cased (German nouns)
    phrases: dict[str, tuple[str, ...]]
    clarify: dict[str, tuple[tuple[str, tuple[str, ...]], ...]]
    kb_related: str
    kb_footer: tuple[str, str]


@dataclass(frozen=True)
class Params:
    """Numeric generation parameters (``params.json``)."""

    start: datetime
    end: datetime
    language_share: dict[str, float]
    customers_per_language: dict[str, int]
    tier_share: dict[str, float]
    tier_activity: dict[str, float]
    seat_range: dict[str, tuple[int, int]]
    seat_price: dict[str, float]
    topic_weights: dict[str, float]
    tier_topic_mult: dict[str, dict[str, float]]
    channel_weights: dict[str, float]
    channel_topic_mult: dict[str, dict[str, float]]
    hour_weights: dict[str, tuple[float, ...]]
    register_weights: dict[str, tuple[float, ...]]
    flag_p: dict[str, dict[str, float]]
    multi_issue_p: float
    vip_mention_p: float
    disclaimer_p: float
    urgency_topic: dict[str, float]
    urgency_register: dict[str, float]
    urgency_tier: dict[str, float]
    urgency_vip: float
    urgency_flag: dict[str, float]
    urgency_channel: dict[str, float]
    urgency_cuts: tuple[float, ...]
    urgency_flip_p: float
    urgency_noise_sd: float
    resolve_median_hours: dict[str, float]
    channel_delay_mult: dict[str, float]
    topic_group: dict[str, str]
    app_category: dict[str, str]
    sensitive_slots: tuple[str, ...]


@dataclass(frozen=True)
class Templates:
    """All templates, loaded and checked."""

    directory: Path
    help_base: str
    status_url: str
    plan_names: dict[str, str]
    slot_values: dict[str, tuple[str, ...]]
    devices: tuple[tuple[str, str], ...]
    os_versions: dict[str, tuple[str, ...]]
    personal_domains: tuple[str, ...]
    proper_starts: tuple[str, ...]
    cultures: dict[str, tuple[tuple[str, ...], tuple[str, ...]]]
    languages: dict[str, Language]
    variants: tuple[Variant, ...]
    articles: tuple[Article, ...]
    params: Params

    @cached_property
    def kb_urls(self) -> dict[tuple[str, str], str]:
        """(language, English slug) -> URL of the article in that language."""
        return {(a.lang, a.base): self.help_base + a.slug for a in self.articles}


# ---------------------------------------------------------------------------------------------------------
# Typed access to parsed JSON, with errors that name the file and the key path
# ---------------------------------------------------------------------------------------------------------


class _Reader:
    def __init__(self, name: str) -> None:
        self.name = name

    def error(self, where: str, message: str) -> TemplateError:
        return TemplateError(f"{self.name}: {where}: {message}")

    def obj(self, value: object, where: str, required: Sequence[str] = (),
            optional: Sequence[str] | None = ()) -> dict[str, object]:
        """A JSON object with ``required`` keys; other keys must be in ``optional`` unless it is None."""
        if not isinstance(value, dict):
            raise self.error(where, f"expected an object, got {type(value).__name__}")
        missing = [key for key in required if key not in value]
        if missing:
            raise self.error(where, f"missing key(s) {', '.join(missing)}")
        if optional is not None:
            unknown = [key for key in value if key not in required and key not in optional]
            if unknown:
                raise self.error(where, f"unknown key(s) {', '.join(unknown)}")
        return value

    def text(self, value: object, where: str) -> str:
        if not isinstance(value, str):
            raise self.error(where, f"expected a string, got {type(value).__name__}")
        return value

    def texts(self, value: object, where: str, *, allow_empty: bool = False) -> tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise self.error(where, "expected a list of strings")
        if not value and not allow_empty:
            raise self.error(where, "expected at least one string")
        return tuple(value)

    def number(self, value: object, where: str) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.error(where, f"expected a number, got {type(value).__name__}")
        return value

    def integer(self, value: object, where: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.error(where, f"expected an integer, got {type(value).__name__}")
        return value

    def numbers(self, value: object, where: str, length: int) -> tuple[float, ...]:
        if not isinstance(value, list) or len(value) != length:
            raise self.error(where, f"expected a list of {length} numbers")
        return tuple(self.number(item, f"{where}[{i}]") for i, item in enumerate(value))

    def number_map(self, value: object, where: str, keys: Sequence[str], *, exact: bool = True) -> dict[str, float]:
        """Numbers keyed by ``keys`` (all of them if ``exact``, else a subset), in the file's order."""
        data = self.obj(value, where, keys if exact else (), () if exact else keys)
        return {key: self.number(item, f"{where}.{key}") for key, item in data.items()}

    def nested_map(self, value: object, where: str, outer: Sequence[str], inner: Sequence[str],
                   *, exact: bool = False) -> dict[str, dict[str, float]]:
        data = self.obj(value, where, outer if exact else (), () if exact else outer)
        return {key: self.number_map(item, f"{where}.{key}", inner, exact=False) for key, item in data.items()}

    def choice_map(self, value: object, where: str, keys: Sequence[str], choices: Sequence[str]) -> dict[str, str]:
        data = self.obj(value, where, keys)
        out = {key: self.text(item, f"{where}.{key}") for key, item in data.items()}
        bad = sorted({item for item in out.values() if item not in choices})
        if bad:
            raise self.error(where, f"unknown value(s) {', '.join(bad)} (expected one of {', '.join(choices)})")
        return out

    def text_lists(self, value: object, where: str, keys: Sequence[str] | None = None,
                   *, allow_empty: bool = False) -> dict[str, tuple[str, ...]]:
        data = self.obj(value, where, keys or (), None if keys is None else ())
        return {key: self.texts(item, f"{where}.{key}", allow_empty=allow_empty) for key, item in data.items()}


def _read_json(path: Path) -> object:
    if not path.is_file():
        raise TemplateError(f"missing template file {path}")
    try:
        data: object = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise TemplateError(f"{path}: not valid UTF-8 JSON: {exc}") from exc
    return data


# ---------------------------------------------------------------------------------------------------------
# The files
# ---------------------------------------------------------------------------------------------------------

_COMMON_KEYS = ("help_base", "status_url", "plan_names", "slot_values", "devices", "os_versions",
                "personal_domains", "proper_starts", "cultures")
_PARAM_KEYS = ("period", "language_share", "customers_per_language", "tier_share", "tier_activity", "seat_range",
               "seat_price", "topic_weights", "tier_topic_mult", "channel_weights", "channel_topic_mult",
               "hour_weights", "register_weights", "flag_p", "multi_issue_p", "vip_mention_p", "disclaimer_p",
               "urgency", "resolve_median_hours", "channel_delay_mult", "topic_group", "app_category",
               "sensitive_slots")
_URGENCY_KEYS = ("topic", "register", "tier", "vip", "flag", "channel", "cuts", "flip_p", "noise_sd")
_LANG_KEYS = ("language", "months", "weekdays", "slot_values", "agents", "customers", "phrases", "clarify",
              "variants", "kb", "articles")
_VARIANT_KEYS = ("key", "subjects", "bodies", "notes")
_VARIANT_OPTIONAL = ("kb", "tags", "urgency_offset", "min_tier", "paired_replies", "paired_subjects", "shorts",
                     "details", "replies", "replies_from")


def _period(r: _Reader, value: object) -> tuple[datetime, datetime]:
    data = r.obj(value, "period", ("start", "end"))
    out: list[datetime] = []
    for key in ("start", "end"):
        text = r.text(data[key], f"period.{key}")
        try:
            moment = datetime.fromisoformat(text)
        except ValueError as exc:
            raise r.error(f"period.{key}", f"not an ISO date-time: {text!r}") from exc
        if moment.tzinfo is None:
            raise r.error(f"period.{key}", "needs a time zone (end it with Z)")
        out.append(moment)
    if out[0] >= out[1]:
        raise r.error("period", "start must be before end")
    return out[0], out[1]


def _in_order(values: dict[str, float], keys: Sequence[str]) -> tuple[float, ...]:
    return tuple(values[key] for key in keys)


def _params(value: object) -> Params:
    r = _Reader("params.json")
    data = r.obj(value, "(top level)", _PARAM_KEYS)
    urg = r.obj(data["urgency"], "urgency", _URGENCY_KEYS)
    start, end = _period(r, data["period"])
    seat_range: dict[str, tuple[int, int]] = {}
    for tier, pair in r.obj(data["seat_range"], "seat_range", TIERS).items():
        if not isinstance(pair, list) or len(pair) != 2:
            raise r.error(f"seat_range.{tier}", "expected [lowest, highest]")
        low, high = (r.integer(item, f"seat_range.{tier}") for item in pair)
        if not 1 <= low <= high:
            raise r.error(f"seat_range.{tier}", "expected 1 <= lowest <= highest")
        seat_range[tier] = (low, high)
    weights = r.obj(data["register_weights"], "register_weights", ("default",), ALL_TOPICS)
    cuts = r.numbers(urg["cuts"], "urgency.cuts", len(URGENCIES) - 1)
    if list(cuts) != sorted(cuts):
        raise r.error("urgency.cuts", "cuts must be ascending")
    sensitive = r.texts(data["sensitive_slots"], "sensitive_slots", allow_empty=True)
    return Params(
        start=start,
        end=end,
        language_share=r.number_map(data["language_share"], "language_share", LANGS),
        customers_per_language={lang: r.integer(n, f"customers_per_language.{lang}") for lang, n in r.obj(
            data["customers_per_language"], "customers_per_language", LANGS).items()},
        tier_share=r.number_map(data["tier_share"], "tier_share", TIERS),
        tier_activity=r.number_map(data["tier_activity"], "tier_activity", TIERS),
        seat_range=seat_range,
        seat_price=r.number_map(data["seat_price"], "seat_price", TIERS),
        topic_weights=r.number_map(data["topic_weights"], "topic_weights", ALL_TOPICS),
        tier_topic_mult=r.nested_map(data["tier_topic_mult"], "tier_topic_mult", TIERS, ALL_TOPICS),
        channel_weights=r.number_map(data["channel_weights"], "channel_weights", CHANNELS),
        channel_topic_mult=r.nested_map(data["channel_topic_mult"], "channel_topic_mult", ALL_TOPICS, CHANNELS),
        hour_weights={lang: r.numbers(item, f"hour_weights.{lang}", 24) for lang, item in r.obj(
            data["hour_weights"], "hour_weights", LANGS).items()},
        register_weights={key: _in_order(r.number_map(item, f"register_weights.{key}", REGISTERS), REGISTERS)
                          for key, item in weights.items()},
        flag_p=r.nested_map(data["flag_p"], "flag_p", ALL_TOPICS, FLAGS, exact=True),
        multi_issue_p=r.number(data["multi_issue_p"], "multi_issue_p"),
        vip_mention_p=r.number(data["vip_mention_p"], "vip_mention_p"),
        disclaimer_p=r.number(data["disclaimer_p"], "disclaimer_p"),
        urgency_topic=r.number_map(urg["topic"], "urgency.topic", ALL_TOPICS),
        urgency_register=r.number_map(urg["register"], "urgency.register", REGISTERS),
        urgency_tier=r.number_map(urg["tier"], "urgency.tier", TIERS),
        urgency_vip=r.number(urg["vip"], "urgency.vip"),
        urgency_flag=r.number_map(urg["flag"], "urgency.flag", FLAGS),
        urgency_channel=r.number_map(urg["channel"], "urgency.channel", CHANNELS),
        urgency_cuts=cuts,
        urgency_flip_p=r.number(urg["flip_p"], "urgency.flip_p"),
        urgency_noise_sd=r.number(urg["noise_sd"], "urgency.noise_sd"),
        resolve_median_hours=r.number_map(data["resolve_median_hours"], "resolve_median_hours", URGENCIES),
        channel_delay_mult=r.number_map(data["channel_delay_mult"], "channel_delay_mult", CHANNELS),
        topic_group=r.choice_map(data["topic_group"], "topic_group", ALL_TOPICS, TOPIC_GROUPS),
        app_category=r.choice_map(data["app_category"], "app_category", ALL_TOPICS, APP_CATEGORIES),
        sensitive_slots=sensitive,
    )


def _variant(r: _Reader, lang: str, topic: str, value: object, where: str,
             shared: dict[str, tuple[str, ...]]) -> Variant:
    data = r.obj(value, where, _VARIANT_KEYS, _VARIANT_OPTIONAL)
    if ("replies" in data) == ("replies_from" in data):
        raise r.error(where, "give either replies (a list, empty for never answered) or replies_from")
    if "replies" in data:
        replies = r.texts(data["replies"], f"{where}.replies", allow_empty=True)
    else:
        ref = r.text(data["replies_from"], f"{where}.replies_from")
        if ref not in shared:
            raise r.error(f"{where}.replies_from", f"no shared_replies named {ref!r}")
        replies = shared[ref]
    min_tier = r.text(data.get("min_tier", TIERS[0]), f"{where}.min_tier")
    if min_tier not in TIERS:
        raise r.error(f"{where}.min_tier", f"expected one of {', '.join(TIERS)}")
    flags = {key: data.get(key, False) for key in ("paired_replies", "paired_subjects")}
    for key, flag in flags.items():
        if not isinstance(flag, bool):
            raise r.error(f"{where}.{key}", "expected true or false")
    kb = data.get("kb")
    return Variant(
        lang=lang, topic=topic, key=r.text(data["key"], f"{where}.key"),
        subjects=r.texts(data["subjects"], f"{where}.subjects"),
        bodies=r.texts(data["bodies"], f"{where}.bodies"),
        shorts=r.texts(data.get("shorts", []), f"{where}.shorts", allow_empty=True),
        notes=r.texts(data["notes"], f"{where}.notes"),
        replies=replies,
        details=r.texts(data.get("details", []), f"{where}.details", allow_empty=True),
        tags=r.texts(data.get("tags", []), f"{where}.tags", allow_empty=True),
        kb=None if kb is None else r.text(kb, f"{where}.kb"),
        urg=r.number(data.get("urgency_offset", 0.0), f"{where}.urgency_offset"),
        min_tier=TIERS.index(min_tier),
        paired_replies=flags["paired_replies"] is True,
        paired_subjects=flags["paired_subjects"] is True,
    )


def _article(r: _Reader, lang: str, value: object, where: str) -> Article:
    data = r.obj(value, where, ("slug", "topic", "title", "tags", "intro", "sections"), ("translation_of",))
    topic = r.text(data["topic"], f"{where}.topic")
    if topic not in (*TOPICS, "general"):
        raise r.error(f"{where}.topic", f"unknown topic {topic!r} (a ticket topic or 'general')")
    raw_sections = data["sections"]
    if not isinstance(raw_sections, list) or not raw_sections:
        raise r.error(f"{where}.sections", "expected a non-empty list")
    sections: list[Section] = []
    for i, item in enumerate(raw_sections):
        sec = r.obj(item, f"{where}.sections[{i}]", ("heading", "kind", "items"))
        kind = r.text(sec["kind"], f"{where}.sections[{i}].kind")
        if kind not in SECTION_KINDS:
            raise r.error(f"{where}.sections[{i}].kind", f"expected one of {', '.join(SECTION_KINDS)}")
        sections.append(Section(heading=r.text(sec["heading"], f"{where}.sections[{i}].heading"), kind=kind,
                                items=r.texts(sec["items"], f"{where}.sections[{i}].items")))
    slug = r.text(data["slug"], f"{where}.slug")
    return Article(
        slug=slug, lang=lang, topic=topic, title=r.text(data["title"], f"{where}.title"),
        intro=r.text(data["intro"], f"{where}.intro"), sections=tuple(sections),
        tags=r.texts(data["tags"], f"{where}.tags"),
        base=r.text(data.get("translation_of", slug), f"{where}.translation_of"),
    )


def _language(lang: str, value: object) -> tuple[Language, list[Variant], list[Article]]:
    r = _Reader(f"{lang}.json")
    data = r.obj(value, "(top level)", _LANG_KEYS, ("lowercase_starts", "shared_replies"))
    if data["language"] != lang:
        raise r.error("language", f"expected {lang!r}")
    cust = r.obj(data["customers"], "customers", ("cultures", "companies", "company_parts", "titles"))
    parts = r.obj(cust["company_parts"], "customers.company_parts", ("first", "second"))
    clarify: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {}
    for group, items in r.obj(data["clarify"], "clarify", TOPIC_GROUPS).items():
        if not isinstance(items, list) or not items:
            raise r.error(f"clarify.{group}", "expected a non-empty list")
        pairs = [r.obj(item, f"clarify.{group}[{i}]", ("question", "answers")) for i, item in enumerate(items)]
        clarify[group] = tuple((r.text(p["question"], f"clarify.{group}[{i}].question"),
                                r.texts(p["answers"], f"clarify.{group}[{i}].answers"))
                               for i, p in enumerate(pairs))
    kb = r.obj(data["kb"], "kb", ("related_heading", "footer_heading", "footer_text"))
    phrases = r.text_lists(data["phrases"], "phrases", sorted(PHRASE_KEYS))
    months = r.texts(data["months"], "months")
    weekdays = r.texts(data["weekdays"], "weekdays")
    if len(months) != 12 or len(weekdays) != 7:
        raise r.error("months/weekdays", "expected 12 months and 7 weekdays (Monday first)")
    language = Language(
        code=lang, months=months, weekdays=weekdays,
        slot_values=r.text_lists(data["slot_values"], "slot_values"),
        agents=r.texts(data["agents"], "agents"),
        cultures={key: r.number(w, f"customers.cultures.{key}") for key, w in r.obj(
            cust["cultures"], "customers.cultures", (), None).items()},
        companies=r.texts(cust["companies"], "customers.companies"),
        company_parts=(r.texts(parts["first"], "customers.company_parts.first"),
                       r.texts(parts["second"], "customers.company_parts.second")),
        titles=r.texts(cust["titles"], "customers.titles"),
        lowercase_starts=(r.texts(data["lowercase_starts"], "lowercase_starts")
                          if "lowercase_starts" in data else None),
        phrases=phrases,
        clarify=clarify,
        kb_related=r.text(kb["related_heading"], "kb.related_heading"),
        kb_footer=(r.text(kb["footer_heading"], "kb.footer_heading"), r.text(kb["footer_text"], "kb.footer_text")),
    )
    if not language.cultures:
        raise r.error("customers.cultures", "expected at least one culture")
    shared = r.text_lists(data.get("shared_replies", {}), "shared_replies")
    variants: list[Variant] = []
    for topic, items in r.obj(data["variants"], "variants", ALL_TOPICS, ()).items():
        if not isinstance(items, list) or not items:
            raise r.error(f"variants.{topic}", "expected a non-empty list of variants")
        variants += [_variant(r, lang, topic, item, f"variants.{topic}[{i}]", shared) for i, item in enumerate(items)]
    raw_articles = data["articles"]
    if not isinstance(raw_articles, list):
        raise r.error("articles", "expected a list")
    articles = [_article(r, lang, item, f"articles[{i}]") for i, item in enumerate(raw_articles)]
    return language, variants, articles


def _templates(directory: Path, value: object, languages: dict[str, Language], variants: Sequence[Variant],
               articles: Sequence[Article], params: Params) -> Templates:
    r = _Reader("common.json")
    data = r.obj(value, "(top level)", _COMMON_KEYS)
    devices: list[tuple[str, str]] = []
    raw_devices = data["devices"]
    if not isinstance(raw_devices, list) or not raw_devices:
        raise r.error("devices", "expected a non-empty list")
    for i, item in enumerate(raw_devices):
        dev = r.obj(item, f"devices[{i}]", ("name", "family"))
        devices.append((r.text(dev["name"], f"devices[{i}].name"), r.text(dev["family"], f"devices[{i}].family")))
    os_versions = r.text_lists(data["os_versions"], "os_versions", ("ios", "android"))
    if {family for _, family in devices} != set(os_versions):
        raise r.error("devices", "every device family needs os_versions, and ios and android need devices")
    cultures: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}
    for name, item in r.obj(data["cultures"], "cultures", (), None).items():
        pools = r.obj(item, f"cultures.{name}", ("first", "last"))
        cultures[name] = (r.texts(pools["first"], f"cultures.{name}.first"),
                          r.texts(pools["last"], f"cultures.{name}.last"))
    return Templates(
        directory=directory,
        help_base=r.text(data["help_base"], "help_base"),
        status_url=r.text(data["status_url"], "status_url"),
        plan_names={tier: r.text(name, f"plan_names.{tier}") for tier, name in r.obj(
            data["plan_names"], "plan_names", TIERS).items()},
        slot_values=r.text_lists(data["slot_values"], "slot_values"),
        devices=tuple(devices),
        os_versions=os_versions,
        personal_domains=r.texts(data["personal_domains"], "personal_domains"),
        proper_starts=r.texts(data["proper_starts"], "proper_starts"),
        cultures=cultures,
        languages=languages,
        variants=tuple(variants),
        articles=tuple(articles),
        params=params,
    )


def safe_shorts(var: Variant, sensitive: Sequence[str]) -> list[str]:
    """Short texts without account details (for public posts); else the body's first sentence."""
    safe = [s for s in var.shorts if not any("{" + k + "}" in s for k in sensitive)]
    first = sentences(var.bodies[0])[:1]
    return safe or [s for s in first if not any("{" + k in s for k in sensitive)]


def _cross_check(tpl: Templates) -> None:
    """References between files: phrase keys, cultures, slots, article links and tiers."""
    common_slots = set(tpl.slot_values)
    if common_slots & COMPUTED_SLOTS:
        raise TemplateError(f"common.json: slot_values redefines computed slot(s) "
                            f"{', '.join(sorted(common_slots & COMPUTED_SLOTS))}")
    en_slots = set(tpl.languages["en"].slot_values)
    if common_slots & en_slots or en_slots & COMPUTED_SLOTS:
        raise TemplateError("en.json: slot_values redefines a common or computed slot")
    slugs = [a.slug for a in tpl.articles]
    dupes = sorted({slug for slug in slugs if slugs.count(slug) > 1})
    if dupes:
        raise TemplateError(f"duplicate article slug(s): {', '.join(dupes)}")
    en_slugs = {a.slug for a in tpl.articles if a.lang == "en"}
    bases = [(a.lang, a.base) for a in tpl.articles]
    for article in tpl.articles:
        if article.base not in en_slugs:
            raise TemplateError(f"{article.lang}.json: article {article.slug} translates unknown English "
                                f"article {article.base}")
        if bases.count((article.lang, article.base)) > 1:
            raise TemplateError(f"{article.lang}.json: two articles translate {article.base}")
    for lang, language in tpl.languages.items():
        name = f"{lang}.json"
        if set(language.slot_values) != en_slots:
            raise TemplateError(f"{name}: slot_values keys differ from en.json: "
                                f"{', '.join(sorted(en_slots ^ set(language.slot_values)))}")
        unknown = sorted(set(language.cultures) - set(tpl.cultures))
        if unknown:
            raise TemplateError(f"{name}: customers.cultures names unknown culture(s) {', '.join(unknown)} "
                                f"(define them in common.json)")
        known = COMPUTED_SLOTS | common_slots | en_slots
        texts = [t for pool in language.phrases.values() for t in pool]
        texts += [t for pairs in language.clarify.values() for q, answers in pairs for t in (q, *answers)]
        for where, text in [("phrases/clarify", t) for t in texts] + [
                (f"variant {v.topic}/{v.key}", t) for v in tpl.variants if v.lang == lang
                for t in (*v.subjects, *v.bodies, *v.shorts, *v.notes, *v.replies, *v.details)]:
            for match in SLOT_RE.finditer(text):
                if match.group(1) not in known:
                    raise TemplateError(f"{name}: {where} uses unknown slot {{{match.group(1)}}} in: {text}")
    keys = [(v.lang, v.key) for v in tpl.variants]
    for var in tpl.variants:
        where = f"{var.lang}.json: variant {var.topic}/{var.key}"
        if keys.count((var.lang, var.key)) > 1:
            raise TemplateError(f"{where}: the key is used twice")
        refs = [var.kb] if var.kb else []
        for text in var.replies + var.bodies:
            refs += [m.group(2) for m in SLOT_RE.finditer(text) if m.group(1) == "kb" and m.group(2)]
            if "{kb}" in text and not var.kb:
                raise TemplateError(f"{where}: uses {{kb}} without kb")
        for ref in refs:
            if ref not in en_slugs:
                raise TemplateError(f"{where}: links unknown article {ref}")
        if not safe_shorts(var, tpl.params.sensitive_slots):
            raise TemplateError(f"{where}: has no short text without account details")


def load_templates(directory: Path) -> Templates:
    """Read and check every template file in ``directory``."""
    if not directory.is_dir():
        raise TemplateError(f"templates directory {directory} does not exist")
    raw = {name: _read_json(directory / name) for name in TEMPLATE_FILES}
    params = _params(raw["params.json"])
    languages: dict[str, Language] = {}
    variants: list[Variant] = []
    articles: list[Article] = []
    for lang in LANGS:
        language, lang_variants, lang_articles = _language(lang, raw[f"{lang}.json"])
        languages[lang] = language
        variants += lang_variants
        articles += lang_articles
    tpl = _templates(directory, raw["common.json"], languages, variants, articles, params)
    _cross_check(tpl)
    return tpl
