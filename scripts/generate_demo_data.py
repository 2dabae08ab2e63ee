"""Generate the Deskmate demo data set: the help desk of "Orbitly", a fictional SaaS team workspace.

Orbitly sells a team workspace (projects, docs, chat) with web, iOS and Android apps, a REST API, SAML SSO
and integrations (Slack, Jira, GitHub, Google Drive, Salesforce, Zapier) on Free / Pro / Business /
Enterprise plans. This script writes two JSON Lines files:

* ``tickets.jsonl``: support tickets with topic, urgency, channel, language, customer, status, the agent's
  resolution (for resolved tickets), timestamps and tags;
* ``articles.jsonl``: knowledge-base articles (markdown) that the resolutions link to.

The texts live outside the code, in JSON templates (default ``data/demo/templates/``, option ``--templates``):
``common.json`` (language-independent pools), ``params.json`` (shares, weights, the urgency model) and one file
per language (``en``, ``de``, ``es``, ``fr``) with its phrases, problem variants and articles. They are
loaded and checked by :mod:`scripts.demo_data.templates`; tickets are written by
:mod:`scripts.demo_data.compose`.

Method
------
Nothing here comes from real customers or from a language model: every text is composed from hand-written
parts, with a seeded :class:`random.Random`, so the same seed and templates always give byte-identical files.

1. **Customers** (~400) get a language (80 % en, 7 % de, 7 % es, 6 % fr), a culturally consistent name, a
   company, a fixed tier (free 35 %, pro 30 %, business 22 %, enterprise 13 %) and an activity weight.
2. **Topic** is drawn from near-balanced per-topic quotas (12 topics + ~3.6 % ``oos``, out of scope), tilted
   by tier (free accounts write fewer billing tickets, enterprise more security ones). Each topic has several
   *problem variants* per language (7-9 in English, 3 in German, Spanish and French); a variant holds
   subject lines, long and short problem descriptions, third-person call notes, extra detail sentences and
   several agent replies. Variants can require a minimum tier (SSO needs Business). Where a variant's
   descriptions are different sub-problems (``paired_replies``), the i-th description is answered by the
   i-th reply.
3. **Features** are drawn per ticket: emotional register (calm, polite, confused, frustrated, angry, with
   topic-dependent weights) and escalation cues ("production down", "all users", deadline, legal threat,
   cancellation threat, or "no rush"). The cues are written into the text; enterprise customers sometimes
   mention their plan and SLA.
4. **Urgency** is a noisy score: topic base + variant offset + register (full weight only if the emotion is
   visible in the text) + cues + tier + channel + Gaussian noise, cut into low / normal / high / urgent;
   then ~4 % of labels move one step at random (triage is inconsistent). About 15 % of tickets end up with
   an urgency that differs from what the visible cues alone would give.
5. **Text** is composed per channel: e-mail (greeting, context, problem, details, "what I tried", cues,
   emotion, optional second issue from another topic, sign-off and signature, sometimes HTML or a quoted
   previous reply), chat (short lines), phone (call transcript or agent note), social (public @OrbitlyHelp
   post without account details) and in-app feedback (short text plus app footer). Slots such as
   ``{invoice}``, ``{browser}`` or ``{idp}`` are filled once per ticket, so the resolution refers to the
   same invoice or identity provider as the customer did.
6. **Noise**: typos (swap / drop / double letters), lowercase-only messages, dropped punctuation and
   apostrophes, shouting in caps, generic subject lines.
7. **Resolution** (~75 % of rows): greeting with the customer's first name, empathy when needed, one of
   several replies for the variant (in the ticket's language, linking to a knowledge-base URL; a
   non-English ticket without a translated article gets the English one, marked as such), an answer to the
   second issue if any, and an agent sign-off. ``resolved_at`` depends on urgency and channel. Open rows
   have ``resolution`` and ``resolved_at`` set to null; out-of-scope spam is left open without a reply.
8. **Dates** span 2026-01-01 .. 2026-11-15 (weekdays and office hours are busier); outage tickets cluster
   around a handful of incidents. Ticket ids follow creation time.

Run ``python scripts/generate_demo_data.py`` (options: ``--seed``, ``--n-tickets``, ``--out-dir``,
``--templates``).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import random
import re
import sys
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make ``scripts.demo_data`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scripts.demo_data.compose import Ctx, Customer, Features, compose, resolution
from scripts.demo_data.templates import (
    ALL_TOPICS,
    CHANNELS,
    LANGS,
    OOS,
    REGISTERS,
    TIERS,
    TOPICS,
    URGENCIES,
    Article,
    TemplateError,
    Templates,
    Variant,
    load_templates,
)
from scripts.demo_data.text import ascii_fold, iso, pick, slug

__all__ = ["DEFAULT_OUT_DIR", "DEFAULT_TEMPLATES", "TemplateError", "generate", "load_templates", "main"]

LOG = logging.getLogger("generate_demo_data")

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT_DIR = REPO_ROOT / "data" / "demo"
DEFAULT_TEMPLATES = DEFAULT_OUT_DIR / "templates"


# ---------------------------------------------------------------------------------------------------------
# Customers, dates and drawing features
# ---------------------------------------------------------------------------------------------------------


def _company_names(tpl: Templates, lang: str, rng: random.Random) -> list[str]:
    first, second = tpl.languages[lang].company_parts
    if lang in ("en", "de"):  # "Nordlicht Medien GmbH" / "Grupo Alameda", "Atelier Lumière"
        combos = [f"{a} {b}" for a in first for b in second]
    else:
        combos = [f"{b} {a}" for a in first for b in second]
    rng.shuffle(combos)
    names = list(tpl.languages[lang].companies)
    rng.shuffle(names)
    return names + [c for c in combos if c not in names]


def _phone_number(lang: str, rng: random.Random) -> str:
    if lang == "de":
        return f"+49 {rng.choice(('30', '40', '89', '221', '69'))} {rng.randint(1000000, 9999999)}"
    if lang == "es":
        return f"+34 9{rng.randint(10, 99)} {rng.randint(100, 999)} {rng.randint(100, 999)}"
    if lang == "fr":
        pairs = " ".join(str(rng.randint(10, 99)) for _ in range(4))
        return f"+33 1 {pairs}"
    if rng.random() < 0.6:
        return f"+1 ({rng.randint(201, 989)}) 555-01{rng.randint(0, 99):02d}"
    return f"+44 20 7946 0{rng.randint(0, 999):03d}"


def _make_customers(tpl: Templates, rng: random.Random) -> list[Customer]:
    params = tpl.params
    total = sum(params.customers_per_language.values())
    tiers: list[str] = []
    for tier in TIERS:
        tiers += [tier] * round(total * params.tier_share[tier])
    tiers = (tiers + ["free"] * total)[:total]
    rng.shuffle(tiers)
    langs = [lang for lang in LANGS for _ in range(params.customers_per_language[lang])]
    companies = {lang: _company_names(tpl, lang, rng) for lang in LANGS}
    used_emails: set[str] = set()
    customers: list[Customer] = []
    for idx, (lang, tier) in enumerate(zip(langs, tiers, strict=True)):
        cultures = tpl.languages[lang].cultures
        culture = rng.choices(list(cultures), weights=list(cultures.values()))[0]
        firsts, lasts = tpl.cultures[culture]
        first, last = pick(rng, firsts), pick(rng, lasts)
        if lang == "es" and rng.random() < 0.35:
            last = f"{last} {pick(rng, lasts)}"
        name = f"{first} {last}"
        freelancer = tier in ("free", "pro") and rng.random() < 0.35
        if freelancer:
            company = f"{last.split(' ')[0]} {rng.choice(('Design', 'Consulting', 'Studio', 'Media'))}"
            domain = pick(rng, tpl.personal_domains) if rng.random() < 0.7 else slug(company) + ".example"
        else:
            company = companies[lang].pop(0)
            domain = slug(re.sub(r"\b(GmbH|AG|S\.L\.|S\.A\.|SARL|SAS|LLP|Co\.)", "", company)) + ".example"
        fa = ascii_fold(first).lower().replace(" ", "")
        la = ascii_fold(last.split(" ")[0]).lower().replace("-", "")
        local = rng.choice((f"{fa}.{la}", f"{fa[0]}{la}", fa, f"{fa}_{la}"))
        email = f"{local}@{domain}"
        while email in used_emails:
            email = f"{local}{rng.randint(2, 99)}@{domain}"
        used_emails.add(email)
        suffix = rng.choice(("workspace", "projects", "team"))
        workspace = slug(company) if not freelancer else f"{fa}-{suffix}"
        handle = rng.choice((f"{fa}{la[:1]}{rng.randint(1, 99)}", f"{fa}_{la}", f"{la}{fa[:1]}", f"the{fa}"))
        weight = rng.lognormvariate(0.0, 0.9) * params.tier_activity[tier]
        customers.append(Customer(
            id=f"C-{idx + 1:04d}", first=first, name=name, lang=lang, tier=tier, company=company,
            domain=domain, email=email, workspace=workspace, phone=_phone_number(lang, rng),
            title=pick(rng, tpl.languages[lang].titles), handle=handle, weight=weight))
    return customers


def _ticket_customers(tpl: Templates, customers: list[Customer], n_tickets: int,
                      rng: random.Random) -> list[Customer]:
    quotas = {lang: round(n_tickets * tpl.params.language_share[lang]) for lang in LANGS}
    quotas["en"] += n_tickets - sum(quotas.values())
    chosen: list[Customer] = []
    for lang in LANGS:
        pool = [c for c in customers if c.lang == lang]
        base = pool[: quotas[lang]]
        extra = rng.choices(pool, weights=[c.weight for c in pool], k=max(0, quotas[lang] - len(base)))
        chosen += base + extra
    rng.shuffle(chosen)
    return chosen


def _random_created(tpl: Templates, rng: random.Random, lang: str) -> datetime:
    start, end = tpl.params.start, tpl.params.end
    span_days = (end.date() - start.date()).days
    while True:
        day = start + timedelta(days=rng.randint(0, span_days))
        if day.weekday() < 5 or rng.random() < 0.35:
            break
    hour = rng.choices(range(24), weights=tpl.params.hour_weights[lang])[0]
    return day + timedelta(hours=hour, minutes=rng.randint(0, 59), seconds=rng.randint(0, 59))


def _incidents(tpl: Templates, rng: random.Random) -> list[datetime]:
    return [_random_created(tpl, rng, "de").replace(hour=rng.randint(7, 16)) for _ in range(9)]


def _topic_quotas(tpl: Templates, n_tickets: int) -> dict[str, int]:
    weights = tpl.params.topic_weights
    total = sum(weights.values())
    quotas = {t: int(n_tickets * weights[t] / total) for t in ALL_TOPICS}
    by_remainder = sorted(ALL_TOPICS, key=lambda t: -(n_tickets * weights[t] / total - quotas[t]))
    for t in by_remainder[: n_tickets - sum(quotas.values())]:
        quotas[t] += 1
    return quotas


def _draw_topic(tpl: Templates, rng: random.Random, tier: str, remaining: dict[str, int]) -> str:
    """Draw from the remaining per-topic quota (exact totals), tilted by the customer's tier."""
    mult = tpl.params.tier_topic_mult.get(tier, {})
    topics = [t for t in ALL_TOPICS if remaining[t] > 0]
    topic = rng.choices(topics, weights=[remaining[t] * mult.get(t, 1.0) for t in topics])[0]
    remaining[topic] -= 1
    return topic


def _draw_channel(tpl: Templates, rng: random.Random, topic: str) -> str:
    mult = tpl.params.channel_topic_mult.get(topic, {})
    weights = tpl.params.channel_weights
    return rng.choices(CHANNELS, weights=[weights[c] * mult.get(c, 1.0) for c in CHANNELS])[0]


def _draw_flags(tpl: Templates, rng: random.Random, topic: str, register: str) -> list[str]:
    flags: list[str] = []
    flag_p = tpl.params.flag_p[topic]
    for flag, p in flag_p.items():
        if flag == "no_rush":
            continue
        if register == "angry" and flag in ("legal", "cancel"):
            p *= 2.5
        elif register == "frustrated" and flag == "cancel":
            p *= 1.7
        elif register in ("calm", "polite") and flag in ("legal", "cancel"):
            p *= 0.5
        if register == "angry" and flag == "prod_down":
            p *= 1.3
        if rng.random() < p:
            flags.append(flag)
    no_rush = flag_p.get("no_rush", 0.0)
    if not flags and register not in ("frustrated", "angry") and rng.random() < no_rush:
        flags.append("no_rush")
    return flags


def _urgency(tpl: Templates, rng: random.Random, topic: str, var: Variant, tier: str, ft: Features,
             shown_register: bool) -> str:
    p = tpl.params
    register = p.urgency_register[ft.register] * (1.0 if shown_register else 0.3)
    score = (p.urgency_topic[topic] + var.urg + register + p.urgency_tier[tier]
             + (p.urgency_vip if ft.vip else 0.0)
             + sum(p.urgency_flag[f] for f in ft.flags) + p.urgency_channel[ft.channel]
             + rng.gauss(0.0, p.urgency_noise_sd))
    level = sum(score >= cut for cut in p.urgency_cuts)
    if rng.random() < p.urgency_flip_p:
        level = min(3, max(0, level + rng.choice((-1, 1))))
    if topic == OOS:
        level = min(level, 1)
    return URGENCIES[level]


def _tags(ctx: Ctx, var: Variant, ft: Features) -> list[str]:
    tags = list(var.tags)
    vals = ctx.values
    if "integration" in vals:
        tags.append(slug(vals["integration"]))
    if "idp" in vals:
        tags += ["sso", slug(vals["idp"])]
    if ctx.device_family:
        tags += ["mobile", ctx.device_family]
    if ft.channel == "social":
        tags.append("public")
    if "cancel" in ft.flags:
        tags.append("churn-risk")
    if "legal" in ft.flags:
        tags.append("legal")
    if ft.second is not None:
        tags.append("multi-issue")
    if ctx.customer.tier == "enterprise" and ctx.rng.random() < 0.5:
        tags.append("vip")
    out: list[str] = []
    for tag in tags:
        if tag not in out:
            out.append(tag)
    return out[:6]


def _by_lang_topic(tpl: Templates) -> dict[tuple[str, str], list[Variant]]:
    index: dict[tuple[str, str], list[Variant]] = {}
    for var in tpl.variants:
        index.setdefault((var.lang, var.topic), []).append(var)
    return index


def _choose_variant(rng: random.Random, pool: list[Variant], tier: str) -> Variant:
    level = TIERS.index(tier)
    allowed = [v_ for v_ in pool if v_.min_tier <= level] or pool
    return allowed[rng.randrange(len(allowed))]


def _make_ticket(tpl: Templates, rng: random.Random, cust: Customer, created: datetime, topic: str,
                 index: dict[tuple[str, str], list[Variant]]) -> dict[str, object]:
    lang, params = cust.lang, tpl.params
    var = _choose_variant(rng, index[(lang, topic)], cust.tier)
    regs = params.register_weights.get(topic, params.register_weights["default"])
    register = rng.choices(REGISTERS, weights=regs)[0]
    channel = _draw_channel(tpl, rng, topic)
    flags = _draw_flags(tpl, rng, topic, register)
    second: Variant | None = None
    if topic != OOS and channel != "social" and rng.random() < params.multi_issue_p:
        other = rng.choice([t for t in TOPICS if t != topic])
        second = _choose_variant(rng, index[(lang, other)], cust.tier)
    vip = (cust.tier == "enterprise" and channel in ("email", "chat", "phone")
           and rng.random() < params.vip_mention_p)
    ft = Features(register=register, flags=flags, channel=channel, second=second, vip=vip)
    ctx = Ctx(rng=rng, tpl=tpl, lang=lang, topic=topic, customer=cust, created=created,
              agent=pick(rng, tpl.languages[lang].agents))
    subject, body = compose(ctx, var, ft)
    urgency = _urgency(tpl, rng, topic, var, cust.tier, ft, ctx.shown_register)

    reply: str | None = None
    resolved_at: datetime | None = None
    p_open = 0.22 + (0.1 if topic == "feature_request" else 0.0) + (0.15 if topic == OOS else 0.0)
    if created > params.end - timedelta(days=12):
        p_open = 0.6
    if rng.random() >= p_open:
        reply = resolution(ctx, var, ft)
        if reply is not None:
            hours = (params.resolve_median_hours[urgency] * params.channel_delay_mult[channel]
                     * rng.lognormvariate(0.0, 0.8))
            resolved_at = created + timedelta(hours=max(hours, 0.05), seconds=rng.randint(0, 59))
            if resolved_at > params.end:
                reply, resolved_at = None, None
    return {
        "id": "",
        "subject": subject.strip(),
        "body": body.strip(),
        "channel": channel,
        "language": lang,
        "customer": {"id": cust.id, "name": cust.name, "tier": cust.tier},
        "topic": topic,
        "urgency": urgency,
        "status": "resolved" if reply is not None else "open",
        "resolution": reply,
        "created_at": iso(created),
        "resolved_at": iso(resolved_at) if resolved_at is not None else None,
        "tags": _tags(ctx, var, ft),
    }


# ---------------------------------------------------------------------------------------------------------
# Knowledge base and output
# ---------------------------------------------------------------------------------------------------------


def _render_article(tpl: Templates, article: Article) -> str:
    lines = [article.intro, ""]
    for section in article.sections:
        lines += [f"## {section.heading}", ""]
        if section.kind == "steps":
            lines += [f"{i}. {item}" for i, item in enumerate(section.items, 1)]
        elif section.kind == "bullets":
            lines += [f"- {item}" for item in section.items]
        else:
            lines += list(section.items)
        lines.append("")
    language = tpl.languages[article.lang]
    related = [a for a in tpl.articles
               if a.lang == article.lang and a.topic == article.topic and a.slug != article.slug]
    if related:
        lines += [f"## {language.kb_related}", ""]
        lines += [f"- [{a.title}]({tpl.help_base}{a.slug})" for a in related[:3]]
        lines.append("")
    heading, text = language.kb_footer
    lines += [f"## {heading}", "", text]
    body = "\n".join(lines)
    words = len(body.split())
    if not 150 <= words <= 600:
        raise TemplateError(f"{article.lang}.json: article {article.slug} has {words} words (expected 150-600)")
    return body


def _write_jsonl(path: Path, rows: Sequence[dict[str, object]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")


# ---------------------------------------------------------------------------------------------------------
# Entry points
# ---------------------------------------------------------------------------------------------------------


def generate(*, out_dir: Path, n_tickets: int = 4800, seed: int = 7, templates: Path | None = None) -> dict[str, int]:
    """Write ``tickets.jsonl`` and ``articles.jsonl`` into ``out_dir`` and return summary counts.

    ``templates`` is the folder with the JSON templates (default ``data/demo/templates``); a missing or
    malformed file raises :class:`TemplateError` before anything is written.
    """
    tpl = load_templates(DEFAULT_TEMPLATES if templates is None else templates)
    articles: list[dict[str, object]] = []
    for number, article in enumerate(tpl.articles, 1):
        articles.append({
            "id": f"KB-{number:03d}",
            "title": article.title,
            "body": _render_article(tpl, article),
            "url": tpl.help_base + article.slug,
            "language": article.lang,
            "tags": list(article.tags),
            "topic": article.topic,
        })

    rng = random.Random(seed)
    customers = _make_customers(tpl, rng)
    incidents = _incidents(tpl, rng)
    index = _by_lang_topic(tpl)
    drafts: list[tuple[datetime, int, dict[str, object]]] = []
    ticket_customers = _ticket_customers(tpl, customers, n_tickets, rng)
    remaining = _topic_quotas(tpl, n_tickets)
    for i, cust in enumerate(ticket_customers):
        topic = _draw_topic(tpl, rng, cust.tier, remaining)
        if topic == "outage" and rng.random() < 0.75:
            offset = timedelta(minutes=rng.randint(2, 150), seconds=rng.randint(0, 59))
            created = rng.choice(incidents) + offset
        else:
            created = _random_created(tpl, rng, cust.lang)
        drafts.append((created, i, _make_ticket(tpl, rng, cust, created, topic, index)))
    drafts.sort(key=lambda item: (item[0], item[1]))
    tickets = [row for _, _, row in drafts]
    for number, row in enumerate(tickets, 1):
        row["id"] = f"T-{number:06d}"

    _write_jsonl(out_dir / "tickets.jsonl", tickets)
    _write_jsonl(out_dir / "articles.jsonl", articles)
    resolved = sum(1 for row in tickets if row["status"] == "resolved")
    counts = {
        "tickets": len(tickets),
        "articles": len(articles),
        "customers": len({cust.id for cust in ticket_customers}),
        "resolved": resolved,
        "open": len(tickets) - resolved,
        "multi_issue": sum(1 for row in tickets if "multi-issue" in str(row["tags"])),
    }
    LOG.info("wrote %s tickets and %s articles to %s", counts["tickets"], counts["articles"], out_dir)
    return counts


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description="Generate the Deskmate demo help-desk data (Orbitly).")
    parser.add_argument("--seed", type=int, default=7, help="random seed (default: 7)")
    parser.add_argument("--n-tickets", type=int, default=4800, help="number of tickets (default: 4800)")
    parser.add_argument("--out-dir", type=Path, default=DEFAULT_OUT_DIR,
                        help="output directory (default: data/demo)")
    parser.add_argument("--templates", type=Path, default=DEFAULT_TEMPLATES,
                        help="folder with the JSON templates (default: data/demo/templates)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    try:
        counts = generate(out_dir=args.out_dir, n_tickets=args.n_tickets, seed=args.seed, templates=args.templates)
    except TemplateError as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 2
    for name in ("tickets.jsonl", "articles.jsonl"):
        digest = hashlib.sha256((args.out_dir / name).read_bytes()).hexdigest()
        sys.stdout.write(f"{name}: sha256 {digest}\n")
    sys.stdout.write(json.dumps(counts, sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
