"""Write one ticket: fill a problem variant's slots and compose subject, body and resolution per channel.

All randomness comes from ``Ctx.rng``; the order of draws is part of the output (same seed, same bytes).
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from scripts.demo_data.templates import OOS, SLOT_RE, Language, Templates, Variant, safe_shorts
from scripts.demo_data.text import (
    ascii_fold,
    casual,
    fmt_date,
    fmt_int,
    fmt_quote_date,
    fmt_time,
    htmlify,
    lower_first,
    money,
    pick,
    sentences,
    shout,
    slug,
    truncate,
    typos,
    upper_first,
)


@dataclass(frozen=True)
class Customer:
    """A customer contact; tier and language never change."""

    id: str
    first: str
    name: str
    lang: str
    tier: str
    company: str
    domain: str
    email: str
    workspace: str
    phone: str
    title: str
    handle: str
    weight: float


@dataclass
class Ctx:
    """Per-ticket state: slot values are drawn once and reused in subject, body and resolution."""

    rng: random.Random
    tpl: Templates
    lang: str
    topic: str
    customer: Customer
    created: datetime
    agent: str
    values: dict[str, str] = field(default_factory=dict)
    device_family: str = ""
    shown_register: bool = False
    sub: dict[str, int] = field(default_factory=dict)

    @property
    def language(self) -> Language:
        return self.tpl.languages[self.lang]

    @property
    def pk(self) -> dict[str, tuple[str, ...]]:
        """The phrases of the ticket's language."""
        return self.tpl.languages[self.lang].phrases


@dataclass
class Features:
    """What was drawn for one ticket before writing it."""

    register: str
    flags: list[str]
    channel: str
    second: Variant | None
    vip: bool = False


# ---------------------------------------------------------------------------------------------------------
# Slots
# ---------------------------------------------------------------------------------------------------------


def _amount_value(ctx: Ctx) -> float:
    if "_amount" not in ctx.values:
        seats = int(_slot(ctx, "seats_raw"))
        price = ctx.tpl.params.seat_price[ctx.customer.tier]
        months = ctx.rng.choice((1, 1, 1, 10))
        ctx.values["_amount"] = f"{seats * price * months:.2f}"
    return float(ctx.values["_amount"])


def ensure_device(ctx: Ctx, family: str | None = None) -> None:
    """Draw the customer's phone (of ``family``) once per ticket."""
    if "device" in ctx.values:
        return
    options = [d for d in ctx.tpl.devices if family is None or d[1] == family]
    device, fam = options[ctx.rng.randrange(len(options))]
    ctx.values["device"] = device
    ctx.values["os"] = pick(ctx.rng, ctx.tpl.os_versions[fam])
    ctx.device_family = fam


def _company_domain(cust: Customer, tpl: Templates) -> str:
    return cust.domain if cust.domain not in tpl.personal_domains else slug(cust.company) + ".example"


def _make_slot(ctx: Ctx, name: str) -> str:
    rng, lang, cust, tpl = ctx.rng, ctx.lang, ctx.customer, ctx.tpl
    created = ctx.created
    pools = ctx.language.slot_values
    if name in pools:
        return pick(rng, pools[name])
    if name in tpl.slot_values:
        return pick(rng, tpl.slot_values[name])
    simple: dict[str, Callable[[], str]] = {
        "first": lambda: cust.first,
        "name": lambda: cust.name,
        "company": lambda: cust.company,
        "email": lambda: cust.email,
        "workspace": lambda: cust.workspace,
        "domain": lambda: _company_domain(cust, tpl),
        "handle": lambda: cust.handle,
        "agent": lambda: ctx.agent,
        "agent2": lambda: pick(rng, ctx.language.agents),
        "last4": lambda: f"{rng.randint(0, 9999):04d}",
        "invoice": lambda: f"INV-{rng.randint(20000, 48999)}",
        "ticket_ref": lambda: f"#{rng.randint(40000, 99999)}",
        "app_version": lambda: f"5.{rng.randint(8, 14)}.{rng.randint(0, 4)}",
        "status_url": lambda: tpl.status_url,
        "n": lambda: str(rng.randint(2, 6)),
        "hours": lambda: str(rng.randint(2, 9)),
        "days": lambda: str(rng.randint(3, 10)),
        "minutes": lambda: str(rng.choice((15, 20, 30, 40, 45, 50, 90))),
        "count": lambda: fmt_int(rng.choice((3400, 8200, 12000, 18500, 27500, 45000)), lang),
        "size": lambda: f"{rng.randint(1, 9)}{',' if lang != 'en' else '.'}{rng.randint(1, 9)} GB",
        "ip": lambda: f"{rng.choice(('203.0.113', '198.51.100', '192.0.2'))}.{rng.randint(2, 254)}",
        "seats_raw": lambda: str(rng.randint(*tpl.params.seat_range[cust.tier])),
    }
    if name in simple:
        return simple[name]()
    months = ctx.language.months
    if name in ("seats", "n_users"):
        return fmt_int(int(_slot(ctx, "seats_raw")), lang)
    if name == "plan":
        if cust.tier == "free" and ctx.topic in ("billing", "refunds"):
            return tpl.plan_names["pro"]
        return tpl.plan_names[cust.tier]
    if name == "amount":
        return money(_amount_value(ctx), lang)
    if name == "amount2":
        return money(round(_amount_value(ctx) * rng.uniform(0.15, 0.6), 2), lang)
    if name == "month":
        return months[(created.month - 1 - rng.choice((0, 0, 1))) % 12]
    if name == "date":
        return fmt_date(created - timedelta(days=rng.randint(1, 20)), lang, months)
    if name == "weekday":
        return ctx.language.weekdays[rng.randrange(5)]
    if name == "time":
        return fmt_time(created - timedelta(minutes=rng.randint(5, 180)), lang)
    if name == "qdate":
        moment = created - timedelta(days=rng.randint(1, 5), minutes=rng.randint(0, 600))
        return fmt_quote_date(moment, lang, months, ctx.language.weekdays)
    if name in ("device", "os"):
        ensure_device(ctx)
        return ctx.values[name]
    if name == "new_email":
        first, last = cust.name.split(" ", 1)[0], cust.name.rsplit(" ", 1)[-1]
        domain = _company_domain(cust, tpl)
        return f"{ascii_fold(first).lower()}.{ascii_fold(last).lower()}@{domain}".replace(" ", "")
    raise KeyError(f"unknown slot {{{name}}}")


def _slot(ctx: Ctx, name: str) -> str:
    if name not in ctx.values:
        ctx.values[name] = _make_slot(ctx, name)
    return ctx.values[name]


def _kb_url(article: str, ctx: Ctx) -> str:
    urls = ctx.tpl.kb_urls
    local = urls.get((ctx.lang, article))
    if local is not None:
        return local
    return urls[("en", article)] + ctx.pk["english_suffix"][0]


def fill(text: str, ctx: Ctx, kb: str | None = None) -> str:
    """Replace ``{slot}`` and ``{kb}`` / ``{kb:slug}`` (a help-center link) in ``text``."""

    def repl(match: re.Match[str]) -> str:
        name, arg = match.group(1), match.group(2)
        if name == "kb":
            article = arg or kb
            if article is None:
                raise KeyError(f"{{kb}} used without an article in: {text}")
            return _kb_url(article, ctx)
        return _slot(ctx, name)

    return SLOT_RE.sub(repl, text)


# ---------------------------------------------------------------------------------------------------------
# Building blocks
# ---------------------------------------------------------------------------------------------------------


def _pick_text(ctx: Ctx, var: Variant, pool: str, allowed: Sequence[int] | None = None) -> str:
    """Pick a body/short/note of ``var``; remember its index for paired replies."""
    texts = {"bodies": var.bodies, "shorts": var.shorts, "notes": var.notes}[pool]
    choices = list(allowed) if allowed is not None else list(range(len(texts)))
    i = choices[ctx.rng.randrange(len(choices))]
    if (pool != "notes" or len(texts) > 1) and var.key not in ctx.sub:
        ctx.sub[var.key] = i
    return fill(texts[i], ctx, var.kb)


def _pick_reply(ctx: Ctx, var: Variant) -> str:
    if var.paired_replies and var.key in ctx.sub:
        return var.replies[ctx.sub[var.key] % len(var.replies)]
    return pick(ctx.rng, var.replies)


def _safe_short_indexes(var: Variant, sensitive: Sequence[str]) -> list[int]:
    return [i for i, s in enumerate(var.shorts) if not any("{" + k + "}" in s for k in sensitive)]


def _core_short(ctx: Ctx, var: Variant, short_p: float) -> str:
    if var.shorts and ctx.rng.random() < short_p:
        return _pick_text(ctx, var, "shorts")
    sents = sentences(_pick_text(ctx, var, "bodies"))
    return " ".join(sents[: ctx.rng.choice((1, 1, 2))])


def _flag_sentences(ctx: Ctx, flags: list[str], form: str) -> list[str]:
    key = {"long": "flag_", "short": "flags_", "note": "flagn_"}[form]
    return [fill(pick(ctx.rng, ctx.pk[key + f]), ctx) for f in flags]


def _register_sentences(ctx: Ctx, register: str, short: bool) -> list[str]:
    if register == "calm":
        return []
    p_use = {"polite": 0.75, "confused": 0.7, "frustrated": 0.85, "angry": 0.95}[register]
    if ctx.rng.random() > p_use:
        return []
    pool = ctx.pk[("regs_" if short else "reg_") + register]
    count = 2 if register == "angry" and not short and ctx.rng.random() < 0.4 else 1
    picked: list[str] = []
    ctx.shown_register = True
    for _ in range(count):
        choice = pick(ctx.rng, pool)
        if choice not in picked:
            picked.append(choice)
    return picked


def _lower_first(ctx: Ctx, text: str) -> str:
    return lower_first(text, ctx.tpl.proper_starts, ctx.language.lowercase_starts)


def _second_issue_text(ctx: Ctx, second: Variant, short: bool) -> str:
    intro = pick(ctx.rng, ctx.pk["second_intro"])
    if short and second.shorts:
        text = _pick_text(ctx, second, "shorts")
    else:
        text = " ".join(sentences(_pick_text(ctx, second, "bodies"))[:2])
    text = _lower_first(ctx, text) if intro.endswith(",") else upper_first(text)
    return f"{intro} {text}"


def _details(ctx: Ctx, var: Variant, count: int) -> list[str]:
    pk = ctx.pk
    group = ctx.tpl.params.topic_group[var.topic]
    pool = list(var.details)
    if var.topic in ("bug_report", "outage", "performance", "integrations"):
        pool += pk["tried"]
    elif group == "tech" or var.topic == "security_incident":
        pool += pk["tried_generic"]
    elif group == "account":
        pool += pk["details_account"]
    ctx.rng.shuffle(pool)
    return [fill(d, ctx, var.kb) for d in pool[:count]]


def _signature(ctx: Ctx) -> list[str]:
    rng, cust = ctx.rng, ctx.customer
    style = rng.random()
    if style < 0.3:
        return [cust.first]
    if style < 0.55:
        return [cust.name]
    if style < 0.8:
        return [cust.name, f"{cust.title}, {cust.company}" if rng.random() < 0.5 else cust.title]
    return [cust.name, f"{cust.title} | {cust.company}", cust.phone]


# ---------------------------------------------------------------------------------------------------------
# Channels
# ---------------------------------------------------------------------------------------------------------


def _email(ctx: Ctx, var: Variant, ft: Features) -> tuple[str, str]:
    rng, lang, pk = ctx.rng, ctx.lang, ctx.pk
    length = rng.choices(("short", "normal", "long"), weights=(0.25, 0.55, 0.20))[0]
    if var.topic == OOS:
        length = "short"
    quoted = rng.random() < 0.08 and var.topic != OOS
    body_sents = sentences(_pick_text(ctx, var, "bodies"))
    if ft.register == "angry" and rng.random() < 0.35:
        body_sents = shout(body_sents, rng)
        ctx.shown_register = True

    paras: list[str] = []
    if quoted and rng.random() < 0.6:
        paras.append(fill(pick(rng, pk["followup"]), ctx))
    if rng.random() < 0.78 and var.topic != OOS:
        paras.append(pick(rng, pk["greet_email"]))
    main: list[str] = []
    if (length == "normal" and rng.random() < 0.35) or length == "long":
        contexts = list(pk["context"])
        rng.shuffle(contexts)
        main += [fill(c, ctx) for c in contexts[: 2 if length == "long" and rng.random() < 0.5 else 1]]
    main += body_sents
    paras.append(" ".join(main))
    n_details = {"short": 0, "normal": rng.choice((0, 0, 1)), "long": rng.choice((2, 3, 4))}[length]
    extra = _details(ctx, var, n_details)
    if length == "long":
        stories = list(pk["story"])
        rng.shuffle(stories)
        extra += [fill(t, ctx) for t in stories[: rng.choice((1, 2))]]
    if extra:
        paras.append(" ".join(extra))
    tail = _flag_sentences(ctx, ft.flags, "long") + _register_sentences(ctx, ft.register, short=False)
    if ft.vip:
        tail.insert(0, pick(rng, pk["tier_enterprise"]))
    if length == "long":
        extras = list(pk["long_extra"])
        rng.shuffle(extras)
        tail += [fill(e, ctx) for e in extras[: rng.choice((2, 3, 4))]]
    if ft.register == "angry" and tail and rng.random() < 0.5:
        tail = shout(tail, rng)
    if ft.second is not None:
        paras.append(_second_issue_text(ctx, ft.second, short=False))
    if var.topic != OOS and (length != "short" or rng.random() < 0.4):
        question = var.topic in ("feature_request", "onboarding") or var.urg <= -0.3
        tail.append(pick(rng, pk["ask_question" if question else "ask"]))
    if tail:
        paras.append(" ".join(tail))
    if rng.random() < 0.2 and len(paras) > 2:
        paras = [paras[0], " ".join(paras[1:])]
    if rng.random() < 0.5:
        paras = [typos(p, 0.006, rng) for p in paras]
    if rng.random() < 0.85:
        paras.append("\n".join([pick(rng, pk["signoff"]), *_signature(ctx)]))
        if ctx.customer.tier in ("business", "enterprise") and rng.random() < ctx.tpl.params.disclaimer_p:
            paras.append(pick(rng, pk["disclaimer"]))
    if rng.random() < 0.05:
        paras.append(pick(rng, pk["sent_from"]))

    if rng.random() < 0.08 and not quoted:
        body = htmlify(paras, rng)
    else:
        body = "\n\n".join(paras)
        if quoted:
            sign = pick(rng, pk["reply_sign"]).replace("{agent}", "{agent2}")
            quote = [
                fill(pick(rng, pk["quote_header"]), ctx),
                fill(pick(rng, pk["reply_greet"]), ctx),
                "",
                pick(rng, pk["quote_lines"]),
                "",
                *fill(sign, ctx).split("\n"),
            ]
            body += "\n\n" + "\n".join(("> " + q).rstrip() if i else q for i, q in enumerate(quote))

    roll = rng.random()
    if var.paired_subjects and var.key in ctx.sub:
        subject = var.subjects[ctx.sub[var.key] % len(var.subjects)]
    elif roll < 0.8:
        subject = fill(pick(rng, var.subjects), ctx, var.kb)
    elif roll < 0.92:
        subject = pick(rng, pk["generic_subjects"])
    else:
        subject = truncate(body_sents[0])
    if ("prod_down" in ft.flags or ft.register == "angry") and rng.random() < 0.35:
        subject = pick(rng, pk["urgent_prefix"]) + subject
    if quoted and rng.random() < 0.75:
        reply_prefix = {"de": rng.choice(("AW: ", "Re: ")), "fr": rng.choice(("RE : ", "Re: "))}
        subject = reply_prefix.get(lang, "Re: ") + subject
    elif rng.random() < 0.02:
        subject = ("WG: " if lang == "de" else "TR : " if lang == "fr" else "Fwd: ") + subject
    if rng.random() < 0.06:
        subject = subject.lower()
    return subject, body


def _chat(ctx: Ctx, var: Variant, ft: Features) -> tuple[str, str]:
    rng, pk = ctx.rng, ctx.pk
    lines: list[str] = []
    if rng.random() < 0.55:
        lines.append(pick(rng, pk["hello"]))
    core = _core_short(ctx, var, 0.6)
    lines.append(core)
    if rng.random() < 0.25:
        lines += _details(ctx, var, 1)
    lines += _flag_sentences(ctx, ft.flags, "short" if rng.random() < 0.7 else "long")
    lines += _register_sentences(ctx, ft.register, short=True)
    if ft.vip:
        lines.append(pick(rng, pk["tier_enterprise_s"]))
    if ft.second is not None:
        lines.append(_second_issue_text(ctx, ft.second, short=True))
    if ft.register == "angry" and rng.random() < 0.5:
        lines = shout(lines, rng)
        ctx.shown_register = True
    body = casual("\n".join(lines), rng, ctx.lang, lower_p=0.35, punct_p=0.45, typo_rate=0.035)
    use_name = rng.random() < 0.5
    subject = fill(pick(rng, pk["chat_subject"]), ctx) if use_name else truncate(core.split("\n")[0])
    return subject, body


def _phone(ctx: Ctx, var: Variant, ft: Features) -> tuple[str, str]:
    rng, lang, pk = ctx.rng, ctx.lang, ctx.pk
    cust = pk["phone_cust"][0]
    if rng.random() < 0.5:
        lines = [fill(pick(rng, pk["phone_open"]), ctx)]
        sents = sentences(_pick_text(ctx, var, "bodies"))
        filler = pick(rng, pk["phone_filler"])
        first = filler + (_lower_first(ctx, sents[0]) if filler else sents[0])
        said = [first] + (sents[1:] if rng.random() < 0.6 else [])
        said += [s.replace("I'm writing about", "I'm calling about")
                 for s in _register_sentences(ctx, ft.register, short=False)[:1]]
        lines.append(f"{cust} {' '.join(said)}")
        verify = rng.randrange(len(pk["phone_verify_q"]))
        lines.append(fill(pk["phone_verify_q"][verify], ctx))
        lines.append(f"{cust} {fill(pk['phone_verify_a'][verify % len(pk['phone_verify_a'])], ctx)}")
        questions = ctx.language.clarify[ctx.tpl.params.topic_group[var.topic]]
        question, answers = questions[rng.randrange(len(questions))]
        lines.append(fill(question, ctx))
        answer = fill(pick(rng, answers), ctx)
        extra = _flag_sentences(ctx, ft.flags, "long")
        if ft.vip:
            extra.append(pick(rng, pk["tier_enterprise"]))
        lines.append(f"{cust} {' '.join([answer, *extra])}")
        if ft.second is not None:
            lines.append(f"{cust} {_second_issue_text(ctx, ft.second, short=False)}")
        if rng.random() < 0.12:
            i = rng.randrange(1, len(lines))
            lines[i] = lines[i] + " " + pick(rng, pk["inaudible"])
        lines.append(fill(pick(rng, pk["phone_close"]), ctx))
        body = "\n".join(lines)
    else:
        note = _pick_text(ctx, var, "notes")
        tpl = pick(rng, pk["note_tpl"])
        head = fill(tpl.replace("{note}", upper_first(note) if rng.random() < 0.5 else note), ctx)
        parts = [head, *(s + "." for s in _flag_sentences(ctx, ft.flags, "note"))]
        if ft.vip:
            parts.append(pick(rng, pk["tier_enterprise_n"]) + ".")
        if ft.register != "calm" and rng.random() < 0.7:
            parts.append(pick(rng, pk["mood_" + ft.register]))
            ctx.shown_register = True
        if ft.second is not None:
            parts.append(pick(rng, pk["second_intro"]) + " " + _pick_text(ctx, ft.second, "notes") + ".")
        parts.append(pick(rng, pk["note_action"]))
        body = " ".join(parts)
        if lang == "en" and rng.random() < 0.3:
            body = body.replace("customer", "cust").replace("Customer", "Cust")
        body = typos(body, 0.01, rng)
    subject = fill(pick(rng, pk["phone_subjects"]), ctx)
    return subject, body


def _social(ctx: Ctx, var: Variant, ft: Features) -> tuple[str, str]:
    rng, pk = ctx.rng, ctx.pk
    sensitive = ctx.tpl.params.sensitive_slots
    safe = _safe_short_indexes(var, sensitive)
    core = _pick_text(ctx, var, "shorts", safe) if safe else fill(safe_shorts(var, sensitive)[0], ctx, var.kb)
    parts = [pick(rng, pk["social_prefix"]), core]
    parts += _flag_sentences(ctx, [f for f in ft.flags if f != "legal" or rng.random() < 0.5], "short")
    parts += _register_sentences(ctx, ft.register, short=True)
    parts.append(pick(rng, pk["social_suffix"]))
    if ft.register == "angry" and rng.random() < 0.5:
        parts = [parts[0], *shout(parts[1:], rng)]
        ctx.shown_register = True
    body = casual(" ".join(p for p in parts if p), rng, ctx.lang, lower_p=0.3, punct_p=0.5, typo_rate=0.025)
    return fill(pick(rng, pk["social_subjects"]), ctx), body


def _app(ctx: Ctx, var: Variant, ft: Features) -> tuple[str, str]:
    rng, pk = ctx.rng, ctx.pk
    lines = [_core_short(ctx, var, 0.65)]
    if rng.random() < 0.2:
        lines += _details(ctx, var, 1)
    lines += _flag_sentences(ctx, ft.flags, "short")
    lines += _register_sentences(ctx, ft.register, short=True)
    if ft.second is not None:
        lines.append(_second_issue_text(ctx, ft.second, short=True))
    text = casual(" ".join(lines), rng, ctx.lang, lower_p=0.2, punct_p=0.35, typo_rate=0.025)
    if "device" in ctx.values:
        platform = "iOS" if ctx.device_family == "ios" else "Android"
    else:
        platform = rng.choice(("iOS", "Android", "Web", "iOS", "Android", "Desktop"))
        if platform in ("iOS", "Android"):
            ensure_device(ctx, platform.lower())
    ctx.values["platform"] = platform
    footer = fill(pick(rng, pk["app_footer"]), ctx)
    if platform in ("iOS", "Android"):
        footer += f" ({ctx.values['device']}, {ctx.values['os']})"
    category_key = ctx.tpl.params.app_category[var.topic] if rng.random() < 0.8 else rng.choice(
        ("problem", "question", "idea", "account", "other"))
    category = pk["cat_" + category_key][0]
    subject = pick(rng, pk["app_subject"]).replace("{category}", category)
    return subject, f"{text}\n\n---\n{footer}"


COMPOSERS: dict[str, Callable[[Ctx, Variant, Features], tuple[str, str]]] = {
    "email": _email, "chat": _chat, "phone": _phone, "social": _social, "app": _app,
}


def compose(ctx: Ctx, var: Variant, ft: Features) -> tuple[str, str]:
    """Subject and body of the ticket in its channel's style."""
    return COMPOSERS[ft.channel](ctx, var, ft)


def resolution(ctx: Ctx, var: Variant, ft: Features) -> str | None:
    """The agent's reply in the ticket's language, or None for a variant that is never answered."""
    if not var.replies:
        return None
    rng, pk = ctx.rng, ctx.pk
    chosen = _pick_reply(ctx, var)
    core = fill(chosen, ctx, var.kb)
    if var.topic == OOS:
        return core + "\n\n" + fill(pick(rng, pk["reply_sign"]), ctx)
    intro: list[str] = []
    if ft.channel == "phone" and rng.random() < 0.7:
        intro.append(pick(rng, pk["reply_phone"]))
    elif ft.channel == "social" and rng.random() < 0.6:
        intro.append(pick(rng, pk["reply_social"]))
    apologetic = re.search(r"sorry|leid|siento|désolé|excuses|apolog", core.split(".")[0], re.IGNORECASE)
    if (ft.register in ("frustrated", "angry") or "prod_down" in ft.flags) and not apologetic and rng.random() < 0.8:
        intro.append(pick(rng, pk["reply_empathy"]))
    elif rng.random() < 0.35 and not re.match(r"\W*(thank|danke|gracias|merci)", core, re.IGNORECASE):
        intro.append(pick(rng, pk["reply_thanks"]))
    if var.kb and "{kb" not in chosen and rng.random() < 0.3:
        core += " " + fill(pick(rng, pk["reply_kb"]), ctx, var.kb)
    blocks = [" ".join([*intro, core])]
    if ft.second is not None and ft.second.replies:
        blocks.append(pick(rng, pk["reply_second"]) + " " + fill(_pick_reply(ctx, ft.second), ctx, ft.second.kb))
    if ft.channel == "chat":
        greet = fill(pick(rng, pk["reply_greet_chat"]), ctx)
        text = greet + " " + " ".join(blocks)
        if rng.random() < 0.6:
            text += " " + pick(rng, pk["reply_chat_close"])
        return text + ("\n" + ctx.agent if rng.random() < 0.4 else "")
    greet = fill(pick(rng, pk["reply_greet"]), ctx)
    if rng.random() < 0.6:
        issue = var.topic in ("bug_report", "outage", "performance", "integrations", "login_access")
        blocks.append(pick(rng, pk["reply_close_issue" if issue and rng.random() < 0.5 else "reply_close"]))
    return "\n\n".join([greet, *blocks, fill(pick(rng, pk["reply_sign"]), ctx)])
