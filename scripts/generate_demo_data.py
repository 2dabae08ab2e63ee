"""Generate the Deskmate demo data set: the help desk of "Orbitly", a fictional SaaS team workspace.

Orbitly sells a team workspace (projects, docs, chat) with web, iOS and Android apps, a REST API, SAML SSO
and integrations (Slack, Jira, GitHub, Google Drive, Salesforce, Zapier) on Free / Pro / Business /
Enterprise plans. This script writes two JSON Lines files:

* ``tickets.jsonl``: support tickets with topic, urgency, channel, language, customer, status, the agent's
  resolution (for resolved tickets), timestamps and tags;
* ``articles.jsonl``: knowledge-base articles (markdown) that the resolutions link to.

Method
------
Nothing here comes from real customers or from a language model: every text is composed from hand-written
parts, with a seeded :class:`random.Random`, so the same seed always gives byte-identical files.

1. **Customers** (~400) get a language (80 % en, 7 % de, 7 % es, 6 % fr), a culturally consistent name, a
   company, a fixed tier (free 35 %, pro 30 %, business 22 %, enterprise 13 %) and an activity weight.
2. **Topic** is drawn from near-balanced per-topic quotas (12 topics + ~3.6 % ``oos``, out of scope), tilted
   by tier (free accounts write fewer billing tickets, enterprise more security ones). Each topic has several
   *problem variants* per language (7-9 in English, 3 in German, Spanish and French); a variant holds
   subject lines, long and short problem descriptions, third-person call notes, extra detail sentences and
   several agent replies. Variants can require a minimum tier (SSO needs Business). Where a variant's
   descriptions are different sub-problems, the i-th description is answered by the i-th reply.
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

Run ``python scripts/generate_demo_data.py`` (options: ``--seed``, ``--n-tickets``, ``--out-dir``).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import random
import re
import sys
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

LOG = logging.getLogger("generate_demo_data")

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT_DIR = REPO_ROOT / "data" / "demo"
HELP_BASE = "https://help.orbitly.example/articles/"
STATUS_URL = "https://status.orbitly.example"

LANGS: tuple[str, ...] = ("en", "de", "es", "fr")
LANG_SHARE: dict[str, float] = {"en": 0.80, "de": 0.07, "es": 0.07, "fr": 0.06}
TOPICS: tuple[str, ...] = (
    "billing",
    "refunds",
    "login_access",
    "bug_report",
    "outage",
    "integrations",
    "data_export",
    "privacy_deletion",
    "feature_request",
    "performance",
    "onboarding",
    "security_incident",
)
OOS = "oos"
ALL_TOPICS: tuple[str, ...] = (*TOPICS, OOS)
TOPIC_WEIGHTS: dict[str, float] = {
    "billing": 10.0,
    "refunds": 7.0,
    "login_access": 10.0,
    "bug_report": 10.5,
    "outage": 6.0,
    "integrations": 8.5,
    "data_export": 7.0,
    "privacy_deletion": 5.5,
    "feature_request": 8.5,
    "performance": 7.0,
    "onboarding": 8.0,
    "security_incident": 5.5,
    OOS: 3.6,
}
TIERS: tuple[str, ...] = ("free", "pro", "business", "enterprise")
TIER_SHARE: tuple[float, ...] = (0.35, 0.30, 0.22, 0.13)
PLAN_NAMES: dict[str, str] = {
    "free": "Free",
    "pro": "Pro",
    "business": "Business",
    "enterprise": "Enterprise",
}
CHANNELS: tuple[str, ...] = ("email", "chat", "phone", "social", "app")
CHANNEL_WEIGHTS: dict[str, float] = {
    "email": 0.45,
    "chat": 0.25,
    "phone": 0.095,
    "social": 0.095,
    "app": 0.11,
}
URGENCIES: tuple[str, ...] = ("low", "normal", "high", "urgent")
REGISTERS: tuple[str, ...] = ("calm", "polite", "confused", "frustrated", "angry")
FLAGS: tuple[str, ...] = ("prod_down", "all_users", "deadline", "legal", "cancel", "no_rush")

START = datetime(2026, 1, 1, tzinfo=UTC)
END = datetime(2026, 11, 15, 23, 59, 59, tzinfo=UTC)


@dataclass(frozen=True)
class Variant:
    """One problem variant of a topic in one language, with its interchangeable texts."""

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


VARIANTS: list[Variant] = []


def v(
    lang: str,
    topic: str,
    key: str,
    *,
    s: Sequence[str],
    b: Sequence[str],
    sh: Sequence[str],
    n: Sequence[str],
    r: Sequence[str],
    d: Sequence[str] = (),
    tags: Sequence[str] = (),
    kb: str | None = None,
    urg: float = 0.0,
    min_tier: int = 0,
) -> None:
    """Register a problem variant (s=subjects, b=bodies, sh=short texts, n=call notes, r=replies, "
    "d=details)."""
    VARIANTS.append(
        Variant(
            lang=lang,
            topic=topic,
            key=key,
            subjects=tuple(s),
            bodies=tuple(b),
            shorts=tuple(sh),
            notes=tuple(n),
            replies=tuple(r),
            details=tuple(d),
            tags=tuple(tags),
            kb=kb,
            urg=urg,
            min_tier=min_tier,
        )
    )


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


ARTICLES: list[Article] = []


def sec(heading: str, kind: str, *items: str) -> Section:
    """Build an article section."""
    return Section(heading=heading, kind=kind, items=items)


def art(
    slug: str,
    lang: str,
    topic: str,
    title: str,
    tags: Sequence[str],
    intro: str,
    *sections: Section,
    base: str | None = None,
) -> None:
    """Register a knowledge-base article."""
    ARTICLES.append(
        Article(
            slug=slug,
            lang=lang,
            topic=topic,
            title=title,
            intro=intro,
            sections=sections,
            tags=tuple(tags),
            base=base or slug,
        )
    )


# ---------------------------------------------------------------------------------------------------------
# Slot pools (values that fill {slots}); localised where the words are visible to the reader.
# ---------------------------------------------------------------------------------------------------------

MONTHS: dict[str, tuple[str, ...]] = {
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"),
    "de": ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
           "November", "Dezember"),
    "es": ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
           "octubre", "noviembre", "diciembre"),
    "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
           "novembre", "décembre"),
}
WEEKDAYS: dict[str, tuple[str, ...]] = {
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    "de": ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"),
    "es": ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"),
    "fr": ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"),
}
AREAS: dict[str, tuple[str, ...]] = {
    "en": ("Projects", "Docs", "Chat", "Tasks", "Calendar", "Timeline", "Inbox", "Dashboards"),
    "de": ("Projekte", "Dokumente", "Chat", "Aufgaben", "Kalender", "Zeitleiste"),
    "es": ("Proyectos", "Documentos", "Chat", "Tareas", "Calendario", "Cronograma"),
    "fr": ("Projets", "Documents", "Chat", "Tâches", "Calendrier", "Chronologie"),
}
FEATURES: dict[str, tuple[str, ...]] = {
    "en": (
        "a dark mode for the web app", "recurring tasks with custom schedules",
        "dependencies between tasks in the timeline", "a Word export for docs", "custom fields on subtasks",
        "built-in time tracking", "read receipts in chat", "an offline mode for docs",
        "per-project guest permissions", "bulk editing of due dates", "two-way sync with Outlook calendar",
        "a Linux desktop app", "multiple assignees per task", "emoji reactions in docs",
        "a portfolio view across projects", "scheduled messages in chat",
    ),
    "de": (
        "einen Dark Mode für die Web-App", "wiederkehrende Aufgaben mit eigenen Intervallen",
        "Abhängigkeiten zwischen Aufgaben in der Zeitleiste", "einen Export von Dokumenten nach Word",
        "eine eingebaute Zeiterfassung", "mehrere Verantwortliche pro Aufgabe",
        "eine Synchronisierung mit dem Outlook-Kalender", "eine Desktop-App für Linux",
    ),
    "es": (
        "un modo oscuro para la web", "tareas recurrentes con intervalos personalizados",
        "dependencias entre tareas en el cronograma", "exportar documentos a Word",
        "control de tiempo integrado", "varios responsables por tarea",
        "sincronización con el calendario de Outlook", "una app de escritorio para Linux",
    ),
    "fr": (
        "un mode sombre pour l'application web", "des tâches récurrentes avec des intervalles personnalisés",
        "des dépendances entre tâches dans la chronologie", "l'export des documents vers Word",
        "un suivi du temps intégré", "plusieurs responsables par tâche",
        "une synchronisation avec le calendrier Outlook", "une application de bureau pour Linux",
    ),
}
PROJECTS: dict[str, tuple[str, ...]] = {
    "en": ("Website relaunch", "Q3 Marketing", "Mobile app v2", "Customer onboarding", "Hiring 2026",
           "Warehouse rollout", "Product launch", "Client: Harper & Co"),
    "de": ("Website-Relaunch", "Messe 2026", "Kundenprojekte", "Umzug Büro", "Produktlaunch Herbst"),
    "es": ("Relanzamiento web", "Campaña de verano", "Clientes 2026", "Apertura tienda Valencia",
           "Lanzamiento producto"),
    "fr": ("Refonte du site", "Salon 2026", "Projets clients", "Lancement produit", "Déménagement bureaux"),
}
PLACES: dict[str, tuple[str, ...]] = {
    "en": ("Lagos, Nigeria", "São Paulo, Brazil", "Bucharest, Romania", "Jakarta, Indonesia",
           "Dallas, Texas", "Frankfurt, Germany", "Singapore", "Toronto, Canada",
           "Amsterdam, the Netherlands",
           "Manila, the Philippines"),
    "de": ("Lagos, Nigeria", "São Paulo, Brasilien", "Bukarest, Rumänien", "Singapur", "Dallas, USA",
           "Amsterdam, Niederlande"),
    "es": ("Lagos, Nigeria", "São Paulo, Brasil", "Bucarest, Rumanía", "Singapur", "Dallas, EE. UU.",
           "Ámsterdam, Países Bajos"),
    "fr": ("Lagos, Nigeria", "São Paulo, Brésil", "Bucarest, Roumanie", "Singapour", "Dallas, États-Unis",
           "Amsterdam, Pays-Bas"),
}
ERRORS: dict[str, tuple[str, ...]] = {
    "en": ("Something went wrong. Please try again. (Error 500)", "Error 502: Bad Gateway",
           "Request failed with status code 503", "ERR_SYNC_CONFLICT", "Oops! We couldn't save your changes.",
           "Unexpected token < in JSON at position 0", "Error code: OB-4012",
           "NetworkError when attempting to fetch resource."),
    "de": ("Etwas ist schiefgelaufen (Fehler 500)", "Änderungen konnten nicht gespeichert werden",
           "ERR_SYNC_CONFLICT", "Fehlercode: OB-4012", "Request failed with status code 503"),
    "es": ("Algo salió mal (error 500)", "No se pudieron guardar los cambios", "ERR_SYNC_CONFLICT",
           "Código de error: OB-4012", "Request failed with status code 503"),
    "fr": ("Une erreur est survenue (erreur 500)", "Impossible d'enregistrer les modifications",
           "ERR_SYNC_CONFLICT", "Code d'erreur : OB-4012", "Request failed with status code 503"),
}
BROWSERS: tuple[str, ...] = ("Chrome 130", "Chrome 128", "Firefox 132", "Safari 18.1", "Edge 130", "Brave",
                             "Arc", "Firefox ESR 128")
DEVICES: tuple[tuple[str, str], ...] = (
    ("iPhone 15", "ios"), ("iPhone 13 mini", "ios"), ("iPhone 16 Pro", "ios"), ("iPad Air", "ios"),
    ("Pixel 8", "android"), ("Galaxy S24", "android"), ("Galaxy A54", "android"), ("OnePlus 12", "android"),
    ("Xiaomi 13T", "android"),
)
OS_VERSIONS: dict[str, tuple[str, ...]] = {
    "ios": ("iOS 18.1", "iOS 17.6", "iOS 18.0.1", "iPadOS 18.1"),
    "android": ("Android 14", "Android 15", "Android 13"),
}
INTEGRATIONS: tuple[str, ...] = ("Slack", "Jira", "GitHub", "Google Drive", "Salesforce", "Zapier")
IDPS: tuple[str, ...] = ("Okta", "Azure AD", "OneLogin", "Google Workspace", "JumpCloud")
SSO_ERRORS: tuple[str, ...] = (
    "SAML response signature could not be verified", "Invalid InResponseTo in SAML response",
    "AADSTS50105: The signed in user is not assigned to a role for the application",
    "User is not provisioned in this workspace", "NameID format mismatch",
    "Audience restriction mismatch (expected urn:orbitly:sp)",
)
INT_ERRORS: tuple[str, ...] = ("invalid_auth", "token_revoked", "401 Unauthorized", "rate_limited",
                               "channel_not_found", "insufficient_scope")
COMPETITORS: tuple[str, ...] = ("Asana", "Trello", "Notion", "ClickUp", "Monday.com", "Basecamp", "Wrike")
ENDPOINTS: tuple[str, ...] = ("/v2/tasks", "/v2/projects/:id/tasks", "/v2/docs", "/v2/users", "/v2/comments",
                              "/v2/search")
FILE_TYPES: tuple[str, ...] = ("CSV", "Excel", "JSON", "PDF")
CARD_BRANDS: tuple[str, ...] = ("Visa", "Mastercard", "Amex", "Visa")
SEAT_PRICE: dict[str, float] = {"free": 10.0, "pro": 10.0, "business": 18.0, "enterprise": 30.0}

AGENTS: dict[str, tuple[str, ...]] = {
    "en": ("Maya", "Tom", "Priya", "Daniel", "Sofia", "Kwame", "Lena", "Hiro", "Grace", "Mateo"),
    "de": ("Jonas", "Katrin", "Lukas", "Miriam"),
    "es": ("Lucía", "Javier", "Carmen", "Andrés"),
    "fr": ("Camille", "Julien", "Élodie", "Bastien"),
}

# Name pools: (first names, last names) per culture, and which cultures write in which language.
CULTURES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "anglo": (
        ("James", "Emily", "Michael", "Sarah", "David", "Jessica", "Ryan", "Hannah", "Chris", "Laura", "Tom",
         "Olivia", "Ben", "Megan", "Jack", "Rachel", "Sam", "Katie", "Nathan", "Claire"),
        ("Smith", "Johnson", "Brown", "Taylor", "Wilson", "Davies", "Miller", "Clarke", "Walker", "Wright",
         "Thompson", "Evans", "Hughes", "Baker", "Turner", "Murphy", "Kelly", "O'Brien", "Fraser", "Bennett"),
    ),
    "indian": (
        ("Priya", "Rahul", "Ananya", "Arjun", "Sneha", "Vikram", "Kavya", "Rohan", "Divya", "Aditya"),
        ("Sharma", "Patel", "Iyer", "Reddy", "Nair", "Gupta", "Kapoor", "Menon", "Desai", "Rao"),
    ),
    "chinese": (
        ("Wei", "Li Na", "Jun", "Mei", "Xiaoming", "Yan", "Hao", "Lin"),
        ("Chen", "Wang", "Zhang", "Liu", "Huang", "Zhao", "Wu", "Lin"),
    ),
    "west_african": (
        ("Chinedu", "Ngozi", "Oluwaseun", "Amaka", "Kwame", "Abena", "Emeka", "Folake", "Tunde", "Yaw"),
        ("Okafor", "Adeyemi", "Mensah", "Okonkwo", "Boateng", "Eze", "Balogun", "Owusu"),
    ),
    "japanese": (
        ("Yuki", "Haruto", "Aiko", "Kenji", "Sakura", "Takumi", "Mei"),
        ("Tanaka", "Sato", "Suzuki", "Watanabe", "Yamamoto", "Kobayashi", "Ito"),
    ),
    "korean": (("Ji-woo", "Min-jun", "Seo-yeon", "Hyun", "Soo-ah"), ("Kim", "Park", "Lee", "Choi", "Jung")),
    "brazilian": (
        ("Lucas", "Mariana", "Gabriel", "Beatriz", "Rafael", "Camila", "Thiago"),
        ("Silva", "Santos", "Oliveira", "Costa", "Pereira", "Almeida", "Ferreira"),
    ),
    "arab": (
        ("Omar", "Layla", "Yusuf", "Fatima", "Karim", "Nour", "Hassan", "Rania"),
        ("Haddad", "Khalil", "Mansour", "Nasser", "Farouk", "Aziz", "Saleh"),
    ),
    "east_european": (
        ("Piotr", "Agnieszka", "Tomasz", "Katarzyna", "Marek", "Ewa", "Andrei", "Ioana"),
        ("Nowak", "Kowalczyk", "Popescu", "Ionescu", "Horvat", "Petrović", "Wójcik"),
    ),
    "nordic_dutch": (
        ("Lars", "Ingrid", "Sven", "Anna", "Joost", "Femke", "Mikael", "Sanne"),
        ("Andersson", "Johansson", "de Vries", "van Dijk", "Bakker", "Nielsen", "Lindqvist", "Jansen"),
    ),
    "vietnamese": (("Linh", "Minh", "Trang", "Duc", "Thao"), ("Nguyen", "Tran", "Le", "Pham", "Hoang")),
    "filipino": (
        ("Maricel", "Jose", "Angelica", "Paolo", "Kristine"),
        ("Santos", "Reyes", "Cruz", "Bautista", "Villanueva"),
    ),
    "hispanic_us": (
        ("Carlos", "Sofia", "Diego", "Valentina", "Miguel", "Isabella"),
        ("Garcia", "Martinez", "Rodriguez", "Lopez", "Hernandez", "Ramirez"),
    ),
    "german": (
        ("Lukas", "Anna", "Maximilian", "Laura", "Jonas", "Sophie", "Felix", "Lea", "Tobias", "Julia",
         "Stefan",
         "Katharina", "Matthias", "Sabine", "Jan", "Nina", "Florian", "Claudia", "Jörg", "Birgit"),
        ("Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Hoffmann",
         "Schäfer", "Koch", "Richter", "Bauer", "Klein", "Wolf", "Neumann", "Krüger", "Vogel"),
    ),
    "turkish_german": (
        ("Mehmet", "Ayşe", "Emre", "Elif", "Can", "Zeynep"),
        ("Yılmaz", "Demir", "Kaya", "Şahin", "Öztürk", "Çelik"),
    ),
    "spanish": (
        ("Javier", "Lucía", "Carlos", "María", "Pablo", "Carmen", "Alejandro", "Laura", "Sergio", "Marta",
         "Diego", "Paula", "Andrés", "Elena", "Jorge", "Sofía", "Miguel", "Valentina", "Raúl", "Ana"),
        ("García", "Martínez", "López", "Sánchez", "Pérez", "Gómez", "Fernández", "Ruiz", "Díaz", "Moreno",
         "Álvarez", "Romero", "Torres", "Vargas", "Castillo", "Rojas", "Navarro", "Herrera"),
    ),
    "french": (
        ("Camille", "Julien", "Léa", "Thomas", "Chloé", "Nicolas", "Manon", "Antoine", "Sophie", "Mathieu",
         "Élodie", "Guillaume", "Claire", "Hugo", "Inès", "Romain", "Aurélie", "Benoît"),
        ("Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
         "Simon", "Laurent", "Lefèvre", "Michel", "Garnier", "Rousseau", "Fontaine", "Chevalier"),
    ),
    "francophone_africa_maghreb": (
        ("Karim", "Yasmina", "Mehdi", "Sofiane", "Fatou", "Moussa", "Amina", "Nadia"),
        ("Benali", "Haddad", "Diallo", "Traoré", "Mansouri", "Ndiaye", "Bouzid", "Cissé"),
    ),
}
CULTURE_WEIGHTS: dict[str, dict[str, float]] = {
    "en": {"anglo": 30, "indian": 12, "chinese": 6, "west_african": 8, "japanese": 4, "korean": 3,
           "brazilian": 5, "arab": 6, "east_european": 6, "nordic_dutch": 6, "vietnamese": 3, "filipino": 4,
           "hispanic_us": 7},
    "de": {"german": 80, "turkish_german": 12, "east_european": 8},
    "es": {"spanish": 100},
    "fr": {"french": 80, "francophone_africa_maghreb": 20},
}
COMPANIES: dict[str, tuple[str, ...]] = {
    "en": (
        "Brightpath Analytics", "Northwind Logistics", "Kestrel Design Co.", "Bluefin Health",
        "Harbor & Pine",
        "Quillstack", "Meridian Legal LLP", "Tallgrass Foods", "Lumen Robotics", "Copperleaf Studio",
        "Fernway Travel", "Orchard Lane Schools", "Redwood Capital Partners", "Sable Media", "Atlas Freight",
        "Pinecrest Dental", "Greenline Energy", "Juniper Labs", "Cobalt Games", "Silverbirch Consulting",
        "Maple & Main Realty", "Ironclad Security", "Tidewater Marine", "Summit Outdoor Gear", "Nimbus Cloud",
        "Riverside Clinic", "Blue Heron Nonprofit", "Crescent Hotels", "Vantage Insurance",
        "Peakform Fitness",
        "Lakeshore Accounting", "Starling Events", "Evergreen Books", "Hexa Manufacturing",
        "Coral Reef Pictures",
        "Bayside Architects", "Wildflower Bakery", "Granite Construction Group", "Polaris Biotech",
        "Mosaic HR",
    ),
    "de": (
        "Brandt & Söhne GmbH", "Nordlicht Medien GmbH", "Schreinerei Vogel", "Alpenblick Reisen GmbH",
        "Kraus Logistik AG", "Datenwerk Berlin GmbH", "Hafenkontor Hamburg", "Praxis Dr. Lange",
        "Steuerkanzlei Hartmann", "Grünwerk Energie GmbH", "Agentur Blauweiss", "Bäckerei Kühn",
    ),
    "es": (
        "Soluciones Ibéricas S.L.", "Grupo Alameda", "Estudio Terracota", "Logística del Sur S.A.",
        "Clínica Mirasol", "Viajes Brisa", "Asesoría Navarro", "Editorial Marea", "Construcciones Olmo S.L.",
        "Agencia Nómada", "Café Tostado Madrid", "Fundación Horizonte",
    ),
    "fr": (
        "Atelier Lumière SARL", "Groupe Valmont", "Boulangerie Dufresne", "Agence Littoral",
        "Cabinet Moreau Avocats", "Transports Lefèvre SAS", "Studio Mistral", "Clinique des Tilleuls",
        "Éditions Papillon", "Conseil & Stratégie Lyon", "Fromagerie Vallée", "Association Horizon",
    ),
}
TITLES: dict[str, tuple[str, ...]] = {
    "en": ("Operations Manager", "IT Administrator", "Head of Marketing", "Founder & CEO", "Project Manager",
           "Office Manager", "Finance Lead", "Engineering Manager", "Product Designer", "Account Director",
           "Customer Success Lead", "COO"),
    "de": ("IT-Leitung", "Geschäftsführung", "Projektleitung", "Office Management", "Marketing",
           "Buchhaltung", "Teamleitung Vertrieb"),
    "es": ("Dirección de Operaciones", "Responsable de IT", "Gestión de Proyectos", "Administración",
           "Dirección General", "Marketing"),
    "fr": ("Responsable informatique", "Chef de projet", "Direction des opérations", "Service comptabilité",
           "Direction générale", "Marketing"),
}


# ---------------------------------------------------------------------------------------------------------
# Language packs: the phrases around the problem description (greetings, emotions, cues, sign-offs, ...).
# Keys: reg_<register> / regs_<register> (long / short emotional sentences), mood_<register> (call notes),
# flag_<flag> / flags_<flag> / flagn_<flag> (escalation cue: long / short / call-note form).
# ---------------------------------------------------------------------------------------------------------

PACKS: dict[str, dict[str, list[str]]] = {
    "en": {
        "ask_question": [
            "Thanks for any pointers.", "Looking forward to your reply.", "Could you let me know?",
            "Any advice would be appreciated.", "What would you recommend?",
        ],
        "story": ["We first noticed this on {date} and assumed it would sort itself out, but it didn't.",
                  "I've discussed this with two colleagues before writing to you, and none of us could "
                  "figure it out.",
                  "To be fair, Orbitly has been great for us overall, which is why this is so surprising.",
                  "I tried to find an answer in the help center and the community forum first, without luck.",
                  "Our team lead asked me to get this resolved before the end of the week."],
        "reply_greet_chat": ["Hi {first}!", "Hey {first},", "Hi {first},", "Thanks for waiting, {first}!"],
        "disclaimer": ["CONFIDENTIALITY NOTICE: This email and any attachments are confidential and intended "
                       "solely for the addressee. If you have received it in error, please notify the sender "
                       "and delete it. Any unauthorised use or disclosure is prohibited.",
                       "This message may contain privileged information. If you are not the intended "
                       "recipient, please do not read, copy or forward it. Please consider the environment "
                       "before printing this email."],
        "long_extra": ["Sorry for the long email, I wanted to give you the full picture.",
                       "For context, we rely on Orbitly for pretty much everything: planning, docs and "
                       "client communication.",
                       "I'd really like to understand what happened so we can avoid it in the future.",
                       "If you need more information, screenshots or temporary access to the workspace, just "
                       "let me know.",
                       "I'm available for a call most afternoons this week if that helps.",
                       "Some of my colleagues are not very technical, so a simple explanation would be "
                       "great.",
                       "I've also copied my colleague who handles this on our side."],
        "tier_enterprise": ["As an Enterprise customer we expect a response within our SLA.",
                            "We're on the Enterprise plan and this needs priority handling.",
                            "Please treat this according to our Enterprise support agreement."],
        "tier_enterprise_s": ["we're on enterprise btw", "enterprise customer here"],
        "tier_enterprise_n": ["Enterprise account"],
        "greet_email": ["Hi,", "Hello,", "Hi there,", "Hello Orbitly team,", "Dear Orbitly Support,",
                        "Hi support team,", "Good morning,", "Good afternoon,", "Hey,", "Dear Sir or Madam,",
                        "Hi folks,", "To whom it may concern,", "Hi Orbitly,"],
        "context": [
            "We're a team of {n_users} people using Orbitly on the {plan} plan.",
            "I'm one of the admins of the {workspace} workspace.",
            "We moved our whole team over to Orbitly a few months ago and mostly love it.",
            "I manage our Orbitly workspace for {company}.",
            "I've been using Orbitly for about {n} years now.",
            "Quick background: we use Orbitly for client projects and internal docs.",
            "We're currently on {plan} with roughly {n_users} seats.",
            "I run operations at {company} and look after our tools.",
            "I'm writing on behalf of our team at {company}.",
        ],
        "tried": [
            "I already tried logging out and back in.",
            "Clearing the cache and using an incognito window didn't help.",
            "I tried both {browser} and the desktop app, same result.",
            "I restarted my laptop and reinstalled the app, no change.",
            "A colleague on a different network sees exactly the same thing.",
            "It was working fine until {weekday}.",
            "I've attached a screenshot of what I see.",
            "We haven't changed anything on our side as far as I know.",
            "It only happens sometimes, which makes it hard to reproduce.",
        ],
        "tried_generic": [
            "A colleague sees exactly the same thing.",
            "I've attached a screenshot of what I see.",
            "We haven't changed anything on our side as far as I know.",
        ],
        "details_account": [
            "Our finance team needs this sorted before month end.",
            "I've attached the relevant PDF for reference.",
            "Happy to jump on a call if that's easier.",
            "Our account email is {email} in case you need it.",
            "I'm the account owner, so you can discuss this with me.",
        ],
        "ask": ["Can you help?", "Could you please look into this?", "Please advise.",
        "Any idea what's going on?",
                "What should I do?", "Can someone get back to me today?",
                "Let me know what you need from me.",
                "Could you check on your side?", "How do I fix this?", "Looking forward to your reply."],
        "signoff": ["Thanks,", "Thank you,", "Best,", "Best regards,", "Kind regards,", "Cheers,", "Regards,",
                    "Many thanks,", "Thanks in advance,", "All the best,"],
        "sent_from": ["Sent from my iPhone", "Sent from Outlook for Android", "Get Outlook for iOS"],
        "second_intro": ["Also, unrelated:", "One more thing:", "While I have you:", "PS:",
        "Separate question:",
                         "Also,"],
        "followup": ["Following up on my previous email, this still isn't solved.", "Any update on this?",
                     "Bumping this.", "Replying again since I haven't heard back."],
        "quote_header": ["On {qdate}, Orbitly Support <support@orbitly.example> wrote:"],
        "quote_lines": [
            "Thanks for getting in touch! Could you tell us which browser and device you're using?",
            "We're looking into this and will get back to you shortly.",
            "Could you share a screenshot of what you see?",
            "Thanks for your patience while we investigate.",
        ],
        "generic_subjects": ["Help", "Question", "Problem with Orbitly", "Quick question", "Issue",
                             "Support request", "Need help please", "(no subject)", "Orbitly", "Hello"],
        "urgent_prefix": ["URGENT: ", "[URGENT] ", "Urgent - ", "HIGH PRIORITY: "],
        "hello": ["hi", "hello", "hey", "Hi there", "hi!", "hello?", "good morning", "hey, quick question"],
        "chat_subject": ["Chat with {name}", "Live chat: {name}", "Chat conversation with {first}"],
        "phone_open": [
            "Agent: Thanks for calling Orbitly support, this is {agent}. How can I help?",
            "Agent: Orbitly support, {agent} speaking.",
            "Agent: Hi, you've reached Orbitly, my name is {agent}. What can I do for you?",
        ],
        "phone_cust": ["Customer:"],
        "phone_filler": ["Hi, yes, so ", "Hi. Um, ", "Yeah hi, ", "Hello, ", ""],
        "phone_verify_q": ["Agent: Sure, can I get the email address on the account first?",
                           "Agent: Of course. Could you confirm your workspace name for me?",
                           "Agent: I can help with that. What's the email you log in with?"],
        "phone_verify_a": ["It's {email}.", "{workspace}.", "Yeah, {email}."],
        "phone_close": ["Agent: Thanks, I'll look into this and follow up by email.",
                        "Agent: Okay, I've got everything I need. You'll hear from us shortly.",
                        "Agent: Let me check that and I'll call you back within the hour."],
        "inaudible": ["[inaudible]", "[crosstalk]"],
        "note_tpl": ["Call note: {note}.", "Inbound call from {name} ({company}). {note}.",
                     "Phone - {name}: {note}.", "Customer called: {note}."],
        "note_action": ["Promised a follow-up by email.", "Asked them to send screenshots.",
                        "Told them we'd check and call back.", "Created ticket for follow-up.",
                        "Will confirm by email once done."],
        "phone_subjects": ["Phone call with {name}", "Call from {name}", "Inbound call - {company}",
                           "Callback request: {name}"],
        "social_prefix": ["@OrbitlyHelp", "@OrbitlyHelp", "hey @OrbitlyHelp", "@Orbitly @OrbitlyHelp"],
        "social_suffix": ["", "", "", "#orbitly", "🙏", "😤", "pls help", "?!", "anyone?"],
        "social_subjects": ["Mention from @{handle} on X", "Facebook comment from {name}",
                            "Reply to @OrbitlyHelp by @{handle}", "LinkedIn comment by {name}"],
        "app_subject": ["In-app feedback: {category}", "Feedback from app ({category})"],
        "app_footer": ["Sent from Orbitly for {platform} {app_version}",
        "Orbitly {platform} app v{app_version}"],
        "cat_problem": ["Report a problem"],
        "cat_question": ["Ask a question"],
        "cat_idea": ["Suggest an improvement"],
        "cat_account": ["Account & billing"],
        "cat_other": ["Other"],
        "reply_greet": ["Hi {first},", "Hello {first},", "Hi {first}, thanks for getting in touch.",
                        "Hey {first},", "Dear {first},"],
        "reply_thanks": ["Thanks for reaching out to us.", "Thanks for letting us know.",
                         "Thanks for flagging this."],
        "reply_empathy": ["I'm really sorry for the trouble this caused.",
                          "I completely understand the frustration, and I apologise for the disruption.",
                          "Sorry about this - I know it's been a rough day for your team.",
                          "I'm sorry you had to chase us on this."],
        "reply_kb": ["You'll find the full steps in this article: {kb}",
                     "Here's our step-by-step guide for reference: {kb}",
                     "For future reference, this is covered here: {kb}",
                     "More details are in our help center: {kb}"],
        "reply_second": ["Regarding your other question:", "As for your second point:",
                         "On the other topic you mentioned:"],
        "reply_close_issue": ["If it happens again, just reply to this email and we'll dig in further.",
                              "If you still see the problem after that, reply here and we'll take another "
                              "look."],
        "reply_close": ["Let me know if there's anything else I can help with.",
                        "Feel free to reply here if you have any other questions.",
                        "Have a great rest of your week!",
                        "I'll keep this ticket open on my side for a few days in case anything comes up."],
        "reply_sign": ["Best,\n{agent}\nOrbitly Support", "Kind regards,\n{agent} | Orbitly Customer Support",
                       "Cheers,\n{agent}", "All the best,\n{agent} from Orbitly Support", "Thanks,\n{agent}"],
        "reply_phone": ["Thanks for your call earlier.", "Following up on our phone call:",
                        "As promised on the phone, here's a summary."],
        "reply_social": ["Thanks for reaching out on social - we've moved this to a private conversation so "
                         "we can look at your account.",
                         "Following up on your public post here so we can check your account privately."],
        "reply_chat_close": ["Anything else I can help with?", "Is there anything else?",
                             "Glad we could sort it out!"],
        "english_suffix": [""],
        "reg_polite": ["Thanks so much in advance!", "I'd really appreciate your help with this.",
                       "Sorry to bother you, and thanks for your time.",
                       "Thank you, you've always been very helpful.", "Many thanks for looking into this."],
        "reg_confused": ["I'm not sure if I'm doing something wrong here.", "Am I missing something obvious?",
                         "I couldn't find anything about this in the help center.",
                         "Not sure if this is the right place to ask.", "I'm a bit lost, to be honest."],
        "reg_frustrated": ["Honestly this is getting really frustrating.",
                           "This is the second time I'm writing about this.",
                           "We've already lost a good part of the day because of this.",
                           "I'd expect this to just work for what we pay.",
                           "I waited on chat for 40 minutes yesterday with no answer."],
        "reg_angry": ["This is completely unacceptable!",
        "I am EXTREMELY disappointed with Orbitly right now.",
                      "Fix this NOW please!!!", "Absolutely ridiculous. Nobody seems to care.",
                      "I have had ENOUGH of this!!"],
        "regs_polite": ["thanks!", "thank you 🙏", "appreciate it", "thanks in advance"],
        "regs_confused": ["am i missing something?", "not sure what to do", "???", "help?"],
        "regs_frustrated": ["this is so annoying", "really frustrating", "second time asking", "ugh"],
        "regs_angry": ["UNACCEPTABLE", "fix this NOW!!!", "ridiculous!!", "seriously??", "worst week ever!!"],
        "mood_polite": ["Friendly call."],
        "mood_confused": ["Customer seemed unsure how this works."],
        "mood_frustrated": ["Caller was frustrated."],
        "mood_angry": ["Caller was very upset and raised their voice."],
        "flag_prod_down": ["Our production work is completely blocked right now.",
                           "This is down in production and nobody on the team can work.",
                           "Our whole operation runs on this and it's stopped."],
        "flags_prod_down": ["prod is down", "whole team is blocked", "we can't work at all"],
        "flagn_prod_down": ["Says the team is fully blocked"],
        "flag_all_users": ["It's affecting all {n_users} users in our workspace, not just me.",
                           "Every single person in the company is seeing this.",
                           "Everyone on our team has the same problem."],
        "flags_all_users": ["everyone on our team has this", "affects all our users"],
        "flagn_all_users": ["Affects the whole workspace ({n_users} users)"],
        "flag_deadline": ["We have a client deadline on {weekday} and need this working.",
                          "We have a big launch tomorrow, so timing is critical.",
                          "I need this sorted before our board meeting in two hours."],
        "flags_deadline": ["deadline tomorrow", "need this today"],
        "flagn_deadline": ["Has a deadline coming up"],
        "flag_legal": ["If this isn't resolved promptly we will involve our legal department.",
                       "I'm considering filing a complaint with the data protection authority.",
                       "Our lawyers are in copy and will follow up if needed."],
        "flags_legal": ["talking to our lawyer about this", "will report this"],
        "flagn_legal": ["Mentioned legal action"],
        "flag_cancel": ["If this isn't fixed this week we'll cancel our subscription.",
                        "Frankly we're considering moving to {competitor}.",
                        "Another week like this and we're out."],
        "flags_cancel": ["thinking about cancelling", "about to switch to {competitor}"],
        "flagn_cancel": ["Threatened to cancel"],
        "flag_no_rush": ["No rush on this at all.", "Not urgent, whenever you get a chance.",
                         "This isn't time-sensitive, just curious."],
        "flags_no_rush": ["no rush", "not urgent"],
        "flagn_no_rush": ["Not urgent per customer"],
    },
    "de": {
        "ask_question": ["Ich freue mich auf Ihre Antwort.", "Was würden Sie empfehlen?",
                         "Danke für einen kurzen Hinweis."],
        "story": ["Aufgefallen ist es uns am {date}; zuerst dachten wir, das erledigt sich von selbst.",
                  "Ich habe vorher mit zwei Kollegen gesprochen, aber keiner wusste weiter.",
                  "Im Hilfe-Center und im Community-Forum habe ich leider keine Antwort gefunden."],
        "reply_greet_chat": ["Hallo {first}!", "Hi {first},"],
        "disclaimer": ["Diese E-Mail enthält vertrauliche Informationen. Wenn Sie nicht der richtige "
                       "Adressat sind oder diese E-Mail irrtümlich erhalten haben, informieren Sie bitte "
                       "sofort den Absender und vernichten Sie diese E-Mail. Das unerlaubte Kopieren sowie "
                       "die unbefugte Weitergabe dieser E-Mail sind nicht gestattet. Pflichtangaben: Sitz "
                       "der Gesellschaft, Registergericht, HRB."],
        "long_extra": ["Entschuldigen Sie die lange Nachricht, ich wollte das vollständige Bild schildern.",
                       "Zum Hintergrund: Wir organisieren fast alles in Orbitly, von der Planung bis zur "
                       "Kundenkommunikation.",
                       "Ich würde gern verstehen, was passiert ist, damit wir es künftig vermeiden können.",
                       "Wenn Sie weitere Informationen oder Screenshots brauchen, melden Sie sich gern.",
                       "Für ein kurzes Telefonat bin ich diese Woche nachmittags meist erreichbar."],
        "tier_enterprise": ["Als Enterprise-Kunde erwarten wir eine Antwort innerhalb unseres SLA.",
                            "Wir haben den Enterprise-Tarif, bitte behandeln Sie das mit Priorität."],
        "tier_enterprise_s": ["wir sind enterprise-kunde"],
        "tier_enterprise_n": ["Enterprise-Kunde"],
        "greet_email": ["Hallo,", "Guten Tag,", "Hallo Orbitly-Team,", "Sehr geehrte Damen und Herren,",
                        "Liebes Support-Team,", "Moin,", "Hi,", "Guten Morgen,"],
        "context": [
            "Wir sind ein Team von {n_users} Personen und nutzen Orbitly im {plan}-Tarif.",
            "Ich bin Administrator unseres Workspace {workspace}.",
            "Ich betreue Orbitly bei {company}.",
            "Wir nutzen Orbitly seit etwa {n} Jahren für unsere Projekte.",
            "Kurz zum Hintergrund: Wir verwalten unsere Kundenprojekte komplett in Orbitly.",
        ],
        "tried": [
            "Ich habe mich bereits ab- und wieder angemeldet.",
            "Cache leeren und ein anderer Browser haben nichts gebracht.",
            "Ein Kollege hat genau das gleiche Problem.",
            "Bis {weekday} hat alles funktioniert.",
            "Einen Screenshot habe ich angehängt.",
            "Auf unserer Seite wurde nichts geändert.",
        ],
        "tried_generic": ["Einen Screenshot habe ich angehängt.", "Auf unserer Seite wurde nichts geändert."],
        "details_account": [
            "Unsere Buchhaltung braucht das bis Monatsende.",
            "Die Rechnung habe ich als PDF angehängt.",
            "Gerne können wir auch kurz telefonieren.",
            "Unser Konto läuft auf {email}.",
        ],
        "ask": ["Können Sie mir helfen?", "Könnten Sie sich das bitte ansehen?", "Was kann ich tun?",
                "Bitte um kurze Rückmeldung.", "Gibt es dafür eine Lösung?",
                "Ich freue mich auf Ihre Antwort."],
        "signoff": ["Viele Grüße", "Beste Grüße", "Mit freundlichen Grüßen", "Danke und Gruß", "LG",
                    "Freundliche Grüße"],
        "sent_from": ["Von meinem iPhone gesendet", "Gesendet von Outlook für Android"],
        "second_intro": ["Noch eine andere Frage:", "Außerdem:", "PS:", "Und noch etwas:"],
        "followup": ["Ich warte immer noch auf eine Antwort.", "Gibt es hierzu schon etwas Neues?",
                     "Ich melde mich nochmal, das Problem besteht weiterhin."],
        "quote_header": ["Am {qdate} schrieb Orbitly Support <support@orbitly.example>:"],
        "quote_lines": ["Danke für Ihre Nachricht! Können Sie uns einen Screenshot schicken?",
                        "Wir schauen uns das an und melden uns in Kürze.",
                        "Welchen Browser und welches Gerät verwenden Sie?"],
        "generic_subjects": ["Frage", "Problem", "Hilfe benötigt", "Anfrage", "Orbitly", "Kurze Frage"],
        "urgent_prefix": ["DRINGEND: ", "[DRINGEND] ", "Eilt: "],
        "hello": ["hallo", "hi", "guten tag", "hallo zusammen", "moin"],
        "chat_subject": ["Chat mit {name}", "Live-Chat: {name}"],
        "phone_open": ["Agent: Orbitly Support, mein Name ist {agent}. Was kann ich für Sie tun?",
                       "Agent: Guten Tag, Orbitly Kundenservice, {agent} am Apparat."],
        "phone_cust": ["Kunde:"],
        "phone_filler": ["Ja, hallo, also ", "Hallo, ", "Guten Tag, ", ""],
        "phone_verify_q": ["Agent: Gerne. Können Sie mir bitte die E-Mail-Adresse Ihres Kontos nennen?",
                           "Agent: Wie heißt denn Ihr Workspace?"],
        "phone_verify_a": ["{email}.", "Der heißt {workspace}."],
        "phone_close": ["Agent: Danke, ich kümmere mich darum und melde mich per E-Mail.",
                        "Agent: Alles klar, Sie hören heute noch von uns."],
        "inaudible": ["[unverständlich]"],
        "note_tpl": ["Gesprächsnotiz: {note}.", "Anruf von {name} ({company}): {note}.",
                     "Telefonat - {name}: {note}."],
        "note_action": ["Rückmeldung per E-Mail zugesagt.", "Um Screenshots gebeten.", "Rückruf vereinbart."],
        "phone_subjects": ["Telefonat mit {name}", "Anruf von {name}", "Rückrufbitte: {name}"],
        "social_prefix": ["@OrbitlyHelp", "hallo @OrbitlyHelp"],
        "social_suffix": ["", "", "#orbitly", "🙏", "😤", "hilfe!"],
        "social_subjects": ["Erwähnung von @{handle} auf X", "Facebook-Kommentar von {name}",
                            "Antwort an @OrbitlyHelp von @{handle}"],
        "app_subject": ["Feedback aus der App: {category}"],
        "app_footer": ["Gesendet mit Orbitly für {platform} {app_version}"],
        "cat_problem": ["Problem melden"],
        "cat_question": ["Frage stellen"],
        "cat_idea": ["Verbesserung vorschlagen"],
        "cat_account": ["Konto & Abrechnung"],
        "cat_other": ["Sonstiges"],
        "reply_greet": ["Hallo {first},", "Guten Tag {first},", "Hallo {first}, danke für Ihre Nachricht."],
        "reply_thanks": ["Vielen Dank für Ihre Nachricht.", "Danke, dass Sie sich gemeldet haben."],
        "reply_empathy": ["Es tut mir sehr leid für die Unannehmlichkeiten.",
                          "Ich verstehe Ihren Ärger vollkommen und entschuldige mich dafür."],
        "reply_kb": ["Eine Schritt-für-Schritt-Anleitung finden Sie hier: {kb}", "Weitere Details: {kb}",
                     "Hier ist unser Hilfeartikel dazu: {kb}"],
        "reply_second": ["Zu Ihrer zweiten Frage:", "Zu Ihrem anderen Anliegen:"],
        "reply_close_issue": ["Wenn das Problem erneut auftritt, antworten Sie einfach auf diese E-Mail."],
        "reply_close": ["Melden Sie sich gerne, falls noch Fragen offen sind.", "Einen schönen Tag noch!"],
        "reply_sign": ["Viele Grüße\n{agent}\nOrbitly Support",
        "Beste Grüße\n{agent} | Orbitly Kundenservice",
                       "Freundliche Grüße\n{agent}"],
        "reply_phone": ["Vielen Dank für Ihren Anruf.", "Wie telefonisch besprochen:"],
        "reply_social": ["Danke für Ihre Nachricht - wir haben das in eine private Nachricht verlagert, um "
                         "Ihr Konto prüfen zu können."],
        "reply_chat_close": ["Kann ich sonst noch helfen?", "Gibt es noch etwas?"],
        "english_suffix": [" (Artikel auf Englisch)"],
        "reg_polite": ["Vielen Dank im Voraus!", "Ich wäre Ihnen sehr dankbar für eine kurze Rückmeldung.",
                       "Danke für Ihre Hilfe!"],
        "reg_confused": ["Vielleicht mache ich auch etwas falsch?",
                         "In der Hilfe habe ich dazu leider nichts gefunden.", "Ich bin etwas ratlos."],
        "reg_frustrated": ["Das ist inzwischen wirklich ärgerlich.",
        "Ich schreibe deswegen schon zum zweiten Mal.",
                           "Wir haben dadurch schon einen halben Tag verloren."],
        "reg_angry": ["Das ist absolut inakzeptabel!", "Ich bin EXTREM verärgert!!",
                      "Bitte beheben Sie das SOFORT!", "So geht das nicht weiter!!"],
        "regs_polite": ["danke!", "vielen dank"],
        "regs_confused": ["was mache ich falsch?", "???"],
        "regs_frustrated": ["echt nervig", "schon wieder..."],
        "regs_angry": ["UNMÖGLICH!!", "sofort beheben!!!"],
        "mood_polite": ["Freundliches Gespräch."],
        "mood_confused": ["Kunde war unsicher, wie das funktioniert."],
        "mood_frustrated": ["Kunde war genervt."],
        "mood_angry": ["Kunde war sehr verärgert."],
        "flag_prod_down": ["Unser gesamter Betrieb steht gerade still.",
        "Niemand im Team kann gerade arbeiten."],
        "flags_prod_down": ["bei uns geht gar nichts mehr", "alles steht"],
        "flagn_prod_down": ["Team komplett blockiert"],
        "flag_all_users": ["Betroffen sind alle {n_users} Nutzer in unserem Workspace.",
                           "Das betrifft die ganze Firma, nicht nur mich."],
        "flags_all_users": ["betrifft alle bei uns"],
        "flagn_all_users": ["Betrifft den ganzen Workspace"],
        "flag_deadline": ["Wir haben am {weekday} eine wichtige Kundenabgabe.",
                          "Morgen ist unser Launch, das muss heute laufen."],
        "flags_deadline": ["deadline morgen!"],
        "flagn_deadline": ["Hat eine Deadline"],
        "flag_legal": ["Sollte das nicht umgehend gelöst werden, schalten wir unsere Rechtsabteilung ein.",
                       "Wir prüfen eine Beschwerde bei der Datenschutzbehörde."],
        "flags_legal": ["das geht an unseren anwalt"],
        "flagn_legal": ["Hat rechtliche Schritte angedroht"],
        "flag_cancel": ["Wenn das diese Woche nicht behoben ist, kündigen wir.",
                        "Wir überlegen ernsthaft, zu {competitor} zu wechseln."],
        "flags_cancel": ["überlegen zu kündigen"],
        "flagn_cancel": ["Droht mit Kündigung"],
        "flag_no_rush": ["Es eilt nicht.", "Keine Eile, wann immer Sie Zeit haben."],
        "flags_no_rush": ["eilt nicht"],
        "flagn_no_rush": ["Laut Kunde nicht dringend"],
    },
    "es": {
        "ask_question": ["Quedo a la espera de vuestra respuesta.", "¿Qué nos recomendáis?",
                         "Gracias por cualquier orientación."],
        "story": ["Nos dimos cuenta el {date} y pensamos que se arreglaría solo, pero no.",
                  "Lo he comentado con dos compañeros antes de escribiros y ninguno sabe qué hacer.",
                  "He buscado en el centro de ayuda y en el foro de la comunidad, sin suerte."],
        "reply_greet_chat": ["¡Hola, {first}!", "Hola {first},"],
        "disclaimer": ["AVISO LEGAL: Este mensaje y sus archivos adjuntos son confidenciales y se dirigen "
                       "exclusivamente a su destinatario. Si lo ha recibido por error, le rogamos que lo "
                       "comunique al remitente y lo elimine. Sus datos se tratan conforme al Reglamento "
                       "General de Protección de Datos."],
        "long_extra": ["Perdón por el correo tan largo, quería daros todo el contexto.",
                       "Para que os hagáis una idea, usamos Orbitly para casi todo: planificación, "
                       "documentos y comunicación con clientes.",
                       "Me gustaría entender qué ha pasado para evitarlo en el futuro.",
                       "Si necesitáis más información o capturas, decídmelo.",
                       "Esta semana estoy disponible por las tardes para una llamada."],
        "tier_enterprise": ["Como clientes Enterprise esperamos una respuesta dentro de nuestro SLA.",
                            "Tenemos el plan Enterprise, por favor tratadlo con prioridad."],
        "tier_enterprise_s": ["somos clientes enterprise"],
        "tier_enterprise_n": ["Cliente Enterprise"],
        "greet_email": ["Hola,", "Buenos días,", "Hola equipo de Orbitly,", "Estimado equipo de soporte:",
                        "Buenas tardes,", "Hola, ¿qué tal?"],
        "context": [
            "Somos un equipo de {n_users} personas y usamos Orbitly con el plan {plan}.",
            "Soy administradora del espacio de trabajo {workspace}.",
            "Gestiono Orbitly en {company}.",
            "Llevamos unos {n} años usando Orbitly para nuestros proyectos.",
            "Para poneros en contexto: gestionamos todos los proyectos de clientes en Orbitly.",
        ],
        "tried": [
            "Ya he probado a cerrar sesión y volver a entrar.",
            "He borrado la caché y probado otro navegador, sin éxito.",
            "A un compañero le pasa exactamente lo mismo.",
            "Hasta el {weekday} funcionaba perfectamente.",
            "Adjunto una captura de pantalla.",
            "No hemos cambiado nada por nuestra parte.",
        ],
        "tried_generic": ["Adjunto una captura de pantalla.", "No hemos cambiado nada por nuestra parte."],
        "details_account": [
            "Nuestro departamento de contabilidad lo necesita antes de fin de mes.",
            "Adjunto la factura en PDF.",
            "Si es más fácil, podemos hablar por teléfono.",
            "La cuenta está a nombre de {email}.",
        ],
        "ask": ["¿Me podéis ayudar?", "¿Podrían revisarlo, por favor?", "¿Qué puedo hacer?",
                "Quedo a la espera de su respuesta.", "¿Hay alguna solución?"],
        "signoff": ["Saludos,", "Un saludo,", "Muchas gracias,", "Atentamente,", "Un abrazo,", "Gracias,"],
        "sent_from": ["Enviado desde mi iPhone", "Enviado desde Outlook para Android"],
        "second_intro": ["Otra cosa:", "Por cierto,", "PD:", "Aprovecho para preguntar:"],
        "followup": ["Sigo sin respuesta.", "¿Hay alguna novedad?",
        "Vuelvo a escribir porque el problema sigue."],
        "quote_header": ["El {qdate}, Orbitly Support <support@orbitly.example> escribió:"],
        "quote_lines": ["¡Gracias por escribirnos! ¿Podrías enviarnos una captura de pantalla?",
                        "Lo estamos revisando y te respondemos en breve.",
                        "¿Qué navegador y dispositivo utilizas?"],
        "generic_subjects": ["Consulta", "Problema", "Ayuda", "Duda", "Orbitly", "Pregunta rápida"],
        "urgent_prefix": ["URGENTE: ", "[URGENTE] "],
        "hello": ["hola", "buenas", "hola, buenos días", "hola!"],
        "chat_subject": ["Chat con {name}", "Chat en vivo: {name}"],
        "phone_open": ["Agente: Soporte de Orbitly, le atiende {agent}. ¿En qué puedo ayudarle?",
                       "Agente: Orbitly, buenos días, soy {agent}. Dígame."],
        "phone_cust": ["Cliente:"],
        "phone_filler": ["Hola, sí, mire, ", "Buenos días, ", "Hola, ", ""],
        "phone_verify_q": ["Agente: Claro. ¿Me indica el correo electrónico de la cuenta?",
                           "Agente: ¿Cómo se llama su espacio de trabajo?"],
        "phone_verify_a": ["Es {email}.", "Se llama {workspace}."],
        "phone_close": ["Agente: Gracias, lo reviso y le escribo por correo.",
                        "Agente: Perfecto, hoy mismo tendrá noticias nuestras."],
        "inaudible": ["[inaudible]"],
        "note_tpl": ["Nota de llamada: {note}.", "Llamada de {name} ({company}): {note}.",
                     "Teléfono - {name}: {note}."],
        "note_action": ["Quedamos en responder por correo.", "Le pedí capturas de pantalla.",
                        "Acordamos devolver la llamada."],
        "phone_subjects": ["Llamada de {name}", "Llamada telefónica con {name}",
        "Solicitud de llamada: {name}"],
        "social_prefix": ["@OrbitlyHelp", "hola @OrbitlyHelp"],
        "social_suffix": ["", "", "#orbitly", "🙏", "😤", "ayuda!"],
        "social_subjects": ["Mención de @{handle} en X", "Comentario en Facebook de {name}",
                            "Respuesta a @OrbitlyHelp de @{handle}"],
        "app_subject": ["Comentarios desde la app: {category}"],
        "app_footer": ["Enviado desde Orbitly para {platform} {app_version}"],
        "cat_problem": ["Informar de un problema"],
        "cat_question": ["Hacer una pregunta"],
        "cat_idea": ["Sugerir una mejora"],
        "cat_account": ["Cuenta y facturación"],
        "cat_other": ["Otro"],
        "reply_greet": ["Hola, {first}:", "Hola {first},", "Buenos días, {first}:"],
        "reply_thanks": ["Gracias por escribirnos.", "Gracias por contactar con nosotros."],
        "reply_empathy": ["Siento mucho las molestias.",
                          "Entiendo perfectamente tu frustración y te pido disculpas."],
        "reply_kb": ["Aquí tienes la guía paso a paso: {kb}", "Más información: {kb}",
                     "Te dejo el artículo de ayuda: {kb}"],
        "reply_second": ["Sobre tu otra consulta:", "En cuanto a lo otro que comentabas:"],
        "reply_close_issue": ["Si vuelve a ocurrir, responde a este correo y lo revisamos."],
        "reply_close": ["Si tienes cualquier otra duda, aquí estamos.", "¡Que tengas un buen día!"],
        "reply_sign": ["Un saludo,\n{agent}\nSoporte de Orbitly",
        "Saludos,\n{agent} | Atención al cliente de Orbitly",
                       "Gracias,\n{agent}"],
        "reply_phone": ["Gracias por tu llamada.", "Como hablamos por teléfono:"],
        "reply_social": ["Gracias por escribirnos en redes; seguimos por mensaje privado para revisar tu "
                         "cuenta."],
        "reply_chat_close": ["¿Puedo ayudarte en algo más?", "¿Algo más?"],
        "english_suffix": [" (artículo en inglés)"],
        "reg_polite": ["¡Muchas gracias de antemano!", "Os agradecería mucho la ayuda.",
        "Gracias por vuestro tiempo."],
        "reg_confused": ["No sé si estoy haciendo algo mal.", "No he encontrado nada en el centro de ayuda.",
                         "Estoy un poco perdida, la verdad."],
        "reg_frustrated": ["La verdad es que ya es bastante frustrante.",
        "Es la segunda vez que escribo por esto.",
                           "Hemos perdido media mañana por esto."],
        "reg_angry": ["¡Esto es inaceptable!", "Estoy MUY molesto con el servicio!!", "¡¡Arréglenlo YA!!",
                      "¡Es una vergüenza!"],
        "regs_polite": ["gracias!", "muchas gracias"],
        "regs_confused": ["qué hago?", "???"],
        "regs_frustrated": ["qué pesadilla", "otra vez..."],
        "regs_angry": ["INACEPTABLE!!", "arreglenlo YA!!!"],
        "mood_polite": ["Llamada cordial."],
        "mood_confused": ["El cliente no tenía claro cómo funciona."],
        "mood_frustrated": ["Cliente molesto."],
        "mood_angry": ["Cliente muy enfadado."],
        "flag_prod_down": ["Tenemos toda la operación parada.",
        "Nadie del equipo puede trabajar ahora mismo."],
        "flags_prod_down": ["estamos totalmente parados", "no podemos trabajar"],
        "flagn_prod_down": ["Equipo completamente bloqueado"],
        "flag_all_users": ["Afecta a los {n_users} usuarios de nuestro espacio de trabajo.",
                           "Le pasa a toda la empresa, no solo a mí."],
        "flags_all_users": ["nos pasa a todos"],
        "flagn_all_users": ["Afecta a todo el espacio de trabajo"],
        "flag_deadline": ["El {weekday} tenemos una entrega importante para un cliente.",
                          "Mañana es nuestro lanzamiento, necesitamos que funcione hoy."],
        "flags_deadline": ["entrega mañana!"],
        "flagn_deadline": ["Tiene una fecha límite"],
        "flag_legal": ["Si no se resuelve de inmediato, lo pondremos en manos de nuestro departamento legal.",
                       "Estamos valorando presentar una reclamación ante la AEPD."],
        "flags_legal": ["lo hablaré con nuestro abogado"],
        "flagn_legal": ["Mencionó acciones legales"],
        "flag_cancel": ["Si esto no se arregla esta semana, cancelaremos la suscripción.",
                        "Nos estamos planteando seriamente pasarnos a {competitor}."],
        "flags_cancel": ["pensando en cancelar"],
        "flagn_cancel": ["Amenaza con cancelar"],
        "flag_no_rush": ["No corre prisa.", "Sin prisa, cuando podáis."],
        "flags_no_rush": ["sin prisa"],
        "flagn_no_rush": ["Según el cliente no es urgente"],
    },
    "fr": {
        "ask_question": ["Dans l'attente de votre retour.", "Que nous conseillez-vous ?",
                         "Merci d'avance pour vos conseils."],
        "story": ["Nous l'avons remarqué le {date} et pensions que cela se réglerait tout seul, mais non.",
                  "J'en ai parlé à deux collègues avant de vous écrire, personne n'a trouvé de solution.",
                  "J'ai cherché dans le centre d'aide et sur le forum de la communauté, sans succès."],
        "reply_greet_chat": ["Bonjour {first} !", "Bonjour {first},"],
        "disclaimer": ["Ce message et ses pièces jointes sont confidentiels et destinés exclusivement à "
                       "leurs destinataires. Si vous avez reçu ce message par erreur, merci d'en avertir "
                       "l'expéditeur et de le supprimer. Toute utilisation ou diffusion non autorisée est "
                       "interdite."],
        "long_extra": ["Désolé pour ce long message, je voulais vous donner tout le contexte.",
                       "Pour situer : nous utilisons Orbitly pour presque tout, de la planification aux "
                       "échanges avec nos clients.",
                       "J'aimerais comprendre ce qui s'est passé pour éviter que cela se reproduise.",
                       "Si vous avez besoin d'informations ou de captures supplémentaires, dites-le-moi.",
                       "Je suis disponible pour un appel la plupart des après-midis cette semaine."],
        "tier_enterprise": ["En tant que client Enterprise, nous attendons une réponse dans le cadre de "
                            "notre SLA.",
                            "Nous avons l'offre Enterprise, merci de traiter cela en priorité."],
        "tier_enterprise_s": ["on est client enterprise"],
        "tier_enterprise_n": ["Compte Enterprise"],
        "greet_email": ["Bonjour,", "Bonjour à l'équipe Orbitly,", "Madame, Monsieur,", "Bonsoir,", "Salut,",
                        "Bonjour le support,"],
        "context": [
            "Nous sommes une équipe de {n_users} personnes et utilisons Orbitly avec l'offre {plan}.",
            "Je suis administrateur de l'espace de travail {workspace}.",
            "Je gère Orbitly chez {company}.",
            "Nous utilisons Orbitly depuis environ {n} ans pour nos projets.",
            "Pour le contexte : tous nos projets clients sont gérés dans Orbitly.",
        ],
        "tried": [
            "J'ai déjà essayé de me déconnecter et de me reconnecter.",
            "Vider le cache et changer de navigateur n'a rien donné.",
            "Un collègue a exactement le même problème.",
            "Tout fonctionnait encore {weekday}.",
            "Je joins une capture d'écran.",
            "Nous n'avons rien changé de notre côté.",
        ],
        "tried_generic": ["Je joins une capture d'écran.", "Nous n'avons rien changé de notre côté."],
        "details_account": [
            "Notre service comptable en a besoin avant la fin du mois.",
            "Je joins la facture en PDF.",
            "Nous pouvons aussi en parler par téléphone si c'est plus simple.",
            "Le compte est au nom de {email}.",
        ],
        "ask": ["Pouvez-vous m'aider ?", "Pourriez-vous regarder cela, s'il vous plaît ?",
        "Que dois-je faire ?",
                "Merci de me tenir au courant.", "Y a-t-il une solution ?"],
        "signoff": ["Cordialement,", "Bien à vous,", "Merci d'avance,", "Bonne journée,",
        "Bien cordialement,"],
        "sent_from": ["Envoyé de mon iPhone", "Envoyé depuis Outlook pour Android"],
        "second_intro": ["Autre question :", "Par ailleurs,", "PS :", "J'en profite pour demander :"],
        "followup": ["Je n'ai toujours pas de réponse.", "Avez-vous du nouveau ?",
                     "Je relance car le problème persiste."],
        "quote_header": ["Le {qdate}, Orbitly Support <support@orbitly.example> a écrit :"],
        "quote_lines": ["Merci pour votre message ! Pourriez-vous nous envoyer une capture d'écran ?",
                        "Nous regardons cela et revenons vers vous rapidement.",
                        "Quel navigateur et quel appareil utilisez-vous ?"],
        "generic_subjects": ["Question", "Problème", "Demande d'aide", "Orbitly", "Petite question"],
        "urgent_prefix": ["URGENT : ", "[URGENT] "],
        "hello": ["bonjour", "salut", "bonjour !", "bonsoir"],
        "chat_subject": ["Discussion avec {name}", "Chat en direct : {name}"],
        "phone_open": ["Agent : Support Orbitly, {agent} à l'appareil, que puis-je faire pour vous ?",
                       "Agent : Bonjour, service client Orbitly, je suis {agent}."],
        "phone_cust": ["Client :"],
        "phone_filler": ["Oui bonjour, alors ", "Bonjour, ", "Oui, ", ""],
        "phone_verify_q": ["Agent : Bien sûr. Pouvez-vous me donner l'adresse e-mail du compte ?",
                           "Agent : Quel est le nom de votre espace de travail ?"],
        "phone_verify_a": ["C'est {email}.", "C'est {workspace}."],
        "phone_close": ["Agent : Merci, je regarde cela et je reviens vers vous par e-mail.",
                        "Agent : Très bien, vous aurez des nouvelles aujourd'hui."],
        "inaudible": ["[inaudible]"],
        "note_tpl": ["Note d'appel : {note}.", "Appel de {name} ({company}) : {note}.",
                     "Téléphone - {name} : {note}."],
        "note_action": ["Suivi promis par e-mail.", "Demandé des captures d'écran.", "Rappel prévu."],
        "phone_subjects": ["Appel de {name}", "Appel téléphonique avec {name}", "Demande de rappel : {name}"],
        "social_prefix": ["@OrbitlyHelp", "bonjour @OrbitlyHelp"],
        "social_suffix": ["", "", "#orbitly", "🙏", "😤", "help !"],
        "social_subjects": ["Mention de @{handle} sur X", "Commentaire Facebook de {name}",
                            "Réponse à @OrbitlyHelp de @{handle}"],
        "app_subject": ["Retour depuis l'application : {category}"],
        "app_footer": ["Envoyé depuis Orbitly pour {platform} {app_version}"],
        "cat_problem": ["Signaler un problème"],
        "cat_question": ["Poser une question"],
        "cat_idea": ["Suggérer une amélioration"],
        "cat_account": ["Compte et facturation"],
        "cat_other": ["Autre"],
        "reply_greet": ["Bonjour {first},", "Bonjour {first}, merci pour votre message."],
        "reply_thanks": ["Merci de nous avoir contactés.", "Merci de nous avoir prévenus."],
        "reply_empathy": ["Je suis vraiment désolé pour la gêne occasionnée.",
                          "Je comprends tout à fait votre agacement et je vous présente nos excuses."],
        "reply_kb": ["Vous trouverez la marche à suivre ici : {kb}", "Plus de détails : {kb}",
                     "Voici l'article d'aide correspondant : {kb}"],
        "reply_second": ["Concernant votre autre question :", "Pour votre second point :"],
        "reply_close_issue": ["Si le problème se reproduit, répondez simplement à cet e-mail."],
        "reply_close": ["N'hésitez pas à revenir vers nous si besoin.", "Bonne journée !"],
        "reply_sign": ["Cordialement,\n{agent}\nSupport Orbitly",
        "Bien à vous,\n{agent} | Service client Orbitly",
                       "À bientôt,\n{agent}"],
        "reply_phone": ["Merci pour votre appel.", "Comme convenu au téléphone :"],
        "reply_social": ["Merci pour votre message ; nous poursuivons en privé pour vérifier votre compte."],
        "reply_chat_close": ["Puis-je vous aider pour autre chose ?", "Autre chose ?"],
        "english_suffix": [" (article en anglais)"],
        "reg_polite": ["Merci d'avance pour votre aide !", "Je vous remercie par avance.",
                       "Merci beaucoup pour votre temps."],
        "reg_confused": ["Je ne sais pas si je fais quelque chose de travers.",
                         "Je n'ai rien trouvé dans le centre d'aide.", "Je suis un peu perdue."],
        "reg_frustrated": ["Franchement, ça devient pénible.",
        "C'est la deuxième fois que j'écris à ce sujet.",
                           "Nous avons déjà perdu une demi-journée."],
        "reg_angry": ["C'est inadmissible !", "Je suis TRÈS mécontent !!", "Réglez ça IMMÉDIATEMENT !",
                      "C'est scandaleux !!"],
        "regs_polite": ["merci !", "merci beaucoup"],
        "regs_confused": ["je fais comment ?", "???"],
        "regs_frustrated": ["c'est pénible", "encore..."],
        "regs_angry": ["INADMISSIBLE !!", "réglez ça MAINTENANT !!!"],
        "mood_polite": ["Appel cordial."],
        "mood_confused": ["Le client ne savait pas trop comment ça fonctionne."],
        "mood_frustrated": ["Client agacé."],
        "mood_angry": ["Client très mécontent."],
        "flag_prod_down": ["Toute notre activité est à l'arrêt.",
        "Personne dans l'équipe ne peut travailler."],
        "flags_prod_down": ["tout est bloqué chez nous", "on ne peut plus travailler"],
        "flagn_prod_down": ["Équipe complètement bloquée"],
        "flag_all_users": ["Cela touche les {n_users} utilisateurs de notre espace.",
                           "C'est toute l'entreprise qui est concernée, pas seulement moi."],
        "flags_all_users": ["ça touche tout le monde chez nous"],
        "flagn_all_users": ["Touche tout l'espace de travail"],
        "flag_deadline": ["Nous avons un rendu client important {weekday}.",
                          "Notre lancement est demain, il faut que ça marche aujourd'hui."],
        "flags_deadline": ["deadline demain !"],
        "flagn_deadline": ["A une échéance proche"],
        "flag_legal": ["Sans résolution rapide, nous transmettrons le dossier à notre service juridique.",
                       "Nous envisageons une plainte auprès de la CNIL."],
        "flags_legal": ["je vais en parler à notre avocat"],
        "flagn_legal": ["A évoqué une action en justice"],
        "flag_cancel": ["Si ce n'est pas réglé cette semaine, nous résilions l'abonnement.",
                        "Nous pensons sérieusement passer à {competitor}."],
        "flags_cancel": ["on pense à résilier"],
        "flagn_cancel": ["Menace de résilier"],
        "flag_no_rush": ["Ce n'est pas urgent.", "Rien ne presse, quand vous aurez le temps."],
        "flags_no_rush": ["pas urgent"],
        "flagn_no_rush": ["Pas urgent selon le client"],
    },
}

# Clarifying questions in call transcripts: group -> [(agent question, [possible customer answers])].
CLARIFY: dict[str, dict[str, list[tuple[str, list[str]]]]] = {
    "en": {
        "tech": [
            ("Agent: When did this start?",
             ["Since about {time}.", "Since {weekday}, I think.", "About an hour ago."]),
            ("Agent: Is it just you, or others on your team too?",
             ["Others too.", "Just me as far as I know.", "At least three people on my team."]),
        ],
        "account": [
            ("Agent: Which invoice is this about?", ["{invoice}, I think.", "The last one, from {month}."]),
            ("Agent: And when did you notice?", ["Yesterday, when I checked the statement.", "Just today."]),
        ],
        "other": [
            ("Agent: Okay. Anything else I should know?", ["No, that's it.", "Not really, no."]),
            ("Agent: Got it. Who else on your team is involved?",
             ["Just me for now.", "Our IT admin as well."]),
        ],
    },
    "de": {
        "tech": [
            ("Agent: Seit wann tritt das auf?",
             ["Seit etwa {time}.", "Seit {weekday}, glaube ich."]),
            ("Agent: Betrifft das nur Sie oder auch Kollegen?",
             ["Alle im Büro.", "Soweit ich weiß nur mich."]),
        ],
        "account": [
            ("Agent: Um welche Rechnung geht es?", ["{invoice}.", "Die letzte, vom {month}."]),
        ],
        "other": [
            ("Agent: Gibt es sonst noch etwas, das ich wissen sollte?",
             ["Nein, das war's.", "Eigentlich nicht."]),
        ],
    },
    "es": {
        "tech": [
            ("Agente: ¿Desde cuándo pasa?",
             ["Desde las {time}, más o menos.", "Desde el {weekday}, creo."]),
            ("Agente: ¿Le pasa solo a usted o también a sus compañeros?",
             ["A todos en la oficina.", "Que yo sepa, solo a mí."]),
        ],
        "account": [
            ("Agente: ¿De qué factura se trata?", ["La {invoice}.", "La última, la de {month}."]),
        ],
        "other": [
            ("Agente: ¿Algo más que deba saber?", ["No, eso es todo.", "Creo que no."]),
        ],
    },
    "fr": {
        "tech": [
            ("Agent : Depuis quand cela arrive-t-il ?",
             ["Depuis {time} environ.", "Depuis {weekday}, je crois."]),
            ("Agent : C'est seulement vous ou aussi vos collègues ?",
             ["Tout le bureau.", "Seulement moi, à ma connaissance."]),
        ],
        "account": [
            ("Agent : De quelle facture s'agit-il ?", ["La {invoice}.", "La dernière, celle de {month}."]),
        ],
        "other": [
            ("Agent : Autre chose que je devrais savoir ?", ["Non, c'est tout.", "Pas vraiment."]),
        ],
    },
}


# ---------------------------------------------------------------------------------------------------------
# English problem variants
# ---------------------------------------------------------------------------------------------------------

# --- billing ---------------------------------------------------------------------------------------------
v("en", "billing", "double_charge", kb="duplicate-charges", tags=["card", "charge"], urg=0.2,
  s=["Charged twice this month", "Double payment on our card", "Two charges for the same subscription?",
     "Duplicate charge - {invoice}"],
  b=["I just checked our statement and we were charged {amount} twice for the {month} renewal, both on the "
     "{card_brand} ending in {last4}. We only have one workspace so this must be a mistake.",
     "There are two identical payments of {amount} to Orbitly on our company card from {date}. Invoice "
     "{invoice} only shows one. Can you check what happened?",
     "Our bank shows Orbitly took {amount} on {date} and then again the next day. I'd like to understand why "
     "and get the extra one reversed."],
  sh=["why was i charged twice this month?", "two identical charges from you on my card",
      "got billed 2x for {plan}"],
  n=["customer sees two charges of {amount} for the {month} renewal on card ending {last4}",
     "duplicate payment for invoice {invoice}"],
  d=["Our accountant flagged it during reconciliation.",
     "The second charge is still pending on the bank side."],
  r=["I checked your billing history and you're right: the renewal payment was captured twice because of a "
     "retry after a timeout at our payment provider. I've voided the second charge of {amount}; it should "
     "disappear from your statement within 5-10 business days depending on your bank.",
     "Thanks for spotting this. The second charge was an authorization hold, not a completed payment - it's "
     "already been released on our side and your bank should drop it within a few days. Invoice {invoice} is "
     "the only one you were billed for.",
     "I've confirmed the duplicate and issued a full refund of {amount} for the extra payment. You'll see it "
     "on the {card_brand} ending in {last4} within 5-10 business days. Background on duplicate charges: "
     "{kb}"])
v("en", "billing", "invoice_details", kb="add-vat-id", tags=["invoice", "vat"], urg=-0.3,
  s=["Company address missing on invoice", "Need VAT number on our invoices",
     "Invoice {invoice} has the wrong company name", "Can you reissue an invoice?"],
  b=["Our finance department can't process invoice {invoice} because it doesn't show our VAT ID or our "
     "registered company address. Could you reissue it with the correct details for {company}?",
     "The invoices we get still show my personal name instead of {company}. Where can I change what appears "
     "on them, and can the last {n} invoices be corrected too?",
     "We need our purchase order number printed on each invoice, otherwise accounts payable rejects them. Is "
     "that possible?"],
  sh=["how do i add our vat id to invoices?", "need company name on the invoice, not my name",
      "can i get the invoice with our PO number"],
  n=["needs invoice {invoice} reissued with VAT ID and company address",
     "wants company name instead of personal name on invoices"],
  d=["Our accounting team is quite strict about this.", "It's for our year-end audit."],
  r=["You can add your VAT ID, company name and billing address under Settings > Billing > Invoice details; "
     "everything you enter there appears on all future invoices. I've also reissued {invoice} with the "
     "corrected details - the new PDF is on the billing page now. Guide: {kb}",
     "I've updated the billing profile for {company} and regenerated your last {n} invoices so they show the "
     "company name and address. Future invoices pick this up automatically. Here's how to change it yourself "
     "later: {kb}",
     "Purchase order numbers can be added in Settings > Billing > Invoice details > 'PO / reference'. I've "
     "added it for you and reissued {invoice}; the updated PDF is attached to this reply."])
v("en", "billing", "card_declined", kb="update-payment-method", tags=["card", "payment-failed"], urg=0.3,
  s=["Payment failed - workspace will be downgraded?", "Card declined warning",
     "Got an email saying our payment failed", "Renewal payment didn't go through"],
  b=["We got an email saying the payment for our {plan} plan failed and the workspace will be downgraded in "
     "{days} days. The card was replaced by our bank last month. How do I update it without losing anything?",
     "Our renewal was declined with the message \"Your card was declined (insufficient_funds)\" but there's "
     "definitely money on the account. I tried again from the billing page and it failed again.",
     "There's a red banner in the app saying our subscription is past due. I updated the card yesterday but "
     "the banner is still there and I'm worried the team will lose access."],
  sh=["payment for our plan failed, how do i change the card?", "card declined but it's a valid card",
      "updated my card but banner still says past due??"],
  n=["renewal payment failed, card was replaced by bank; worried about downgrade",
     "card declined on renewal ({amount})"],
  d=["We're on the {plan} plan with {seats} seats.", "I'm the billing admin for the workspace."],
  r=["No need to worry - past-due workspaces keep full access for 14 days, so nothing will be downgraded. "
     "You can add the new card under Settings > Billing > Payment method; as soon as it's saved we retry the "
     "open invoice automatically. Steps with screenshots: {kb}",
     "I can see the last attempt was declined by the issuing bank with a generic 'do not honor' code, which "
     "usually means the bank blocked a foreign transaction. Please ask your bank to allow payments to "
     "Orbitly Inc., then hit 'Retry payment' on the billing page. I've extended your grace period by 7 days.",
     "The card you added yesterday went through this morning and invoice {invoice} is now marked as paid, so "
     "the banner should be gone after a refresh. Nothing was downgraded."])
v("en", "billing", "switch_annual", kb="change-billing-cycle", tags=["annual", "plan-change"], urg=-0.5,
  s=["Switching to annual billing", "Monthly to yearly - how much would we save?",
     "Question about annual plan",
     "Change billing cycle"],
  b=["We've been on monthly {plan} for a while and would like to switch to annual billing. How much would it "
     "cost for {seats} seats, and what happens to the current month we already paid?",
     "If we move to yearly payment now, do we get the discount straight away and is the remaining part of "
     "this month credited?",
     "Our finance team prefers one annual payment. Can we switch mid-cycle, and can the annual invoice be "
     "dated for the start of next month?"],
  sh=["can i switch from monthly to annual?", "how much is annual for {seats} seats", "yearly discount?"],
  n=["wants to switch {plan} from monthly to annual for {seats} seats",
     "asked about annual discount and credit for current month"],
  d=["We'd like to keep the same card.", "Budget for next year is being finalized this month."],
  r=["Annual billing saves about 17% compared to monthly. For {seats} seats on {plan} it would come to "
     "{amount} per year, and the unused part of your current month is credited automatically against the "
     "first annual invoice. You can switch under Settings > Billing > Billing cycle: {kb}",
     "Yes, you can switch at any time. I've prepared the change so that the annual term starts on the 1st of "
     "next month - you'll see a draft invoice for {amount} on the billing page. Nothing changes for your "
     "users.",
     "Switching is instant and prorated: go to Settings > Billing, choose 'Annual' and confirm. The credit "
     "for the rest of this month shows up as a negative line item on the new invoice. Full details: {kb}"])
v("en", "billing", "pay_by_invoice", kb="switch-to-invoice-billing", tags=["invoice", "bank-transfer"],
  urg=-0.3, min_tier=2,
  s=["Pay by bank transfer instead of card?", "Invoice payment / purchase order",
     "Can we pay via wire transfer?"],
  b=["Our procurement department doesn't allow company cards for software subscriptions. Can we pay for our "
     "{plan} plan by invoice and bank transfer with 30-day terms?",
     "We are renewing for {seats} seats and need to pay against a purchase order. How do we set that up and "
     "who should the PO be addressed to?"],
  sh=["can we pay by invoice instead of credit card?", "do you accept bank transfer?"],
  n=["wants to move from card to invoice/bank transfer with net 30", "needs to pay against a PO for renewal"],
  r=["Invoice billing is available on Business and Enterprise for annual plans. I've switched your workspace "
     "to invoice payments with net-30 terms; the next invoice will include our bank details (IBAN and SWIFT) "
     "and a reference to put on the transfer. More info: {kb}",
     "Happy to set this up. Please send the PO to billing@orbitly.example addressed to Orbitly Inc., and "
     "I'll issue the renewal invoice for {amount} against it. The card on file will be removed once the "
     "transfer arrives."])
v("en", "billing", "seat_charge", kb="understanding-your-invoice", tags=["invoice", "seats"], urg=0.0,
  s=["Why is our bill so high this month?", "Charged for more seats than we have",
     "Invoice amount doesn't match",
     "Unexpected amount on {invoice}"],
  b=["This month's invoice is {amount}, which is almost double what we normally pay. We only have {seats} "
     "active users. Can you explain the line items?",
     "We removed several people from the workspace at the beginning of {month}, but invoice {invoice} still "
     "charges for them. How are seats counted?",
     "I don't understand the 'prorated adjustment' line on our latest invoice. Did we get charged for "
     "something we didn't order?"],
  sh=["why is my bill higher this month", "invoice says more seats than we have",
      "what is this prorated charge?"],
  n=["invoice {invoice} ({amount}) higher than expected; disputes seat count",
     "confused about prorated adjustment line"],
  d=["We haven't added anyone new as far as I know.", "I attached a screenshot of the members page."],
  r=["I went through invoice {invoice} line by line. The extra amount comes from {n} guests who were "
     "converted to full members on {date}; each conversion adds a prorated seat charge for the rest of the "
     "period. If that wasn't intended, switch them back to guests and I'll credit the difference. How seats "
     "work: {kb}",
     "Seats are billed on the highest number of active members during the period, so people removed "
     "mid-month are still counted until the next renewal. Since they were removed early in the month, I've "
     "applied a one-time credit of {amount2} to your next invoice as a courtesy.",
     "The 'prorated adjustment' is the plan upgrade made on {date} - it covers the difference for the "
     "remaining days of the cycle. Nothing else was added. This article explains each line of the invoice: "
     "{kb}"])
v("en", "billing", "price_increase", kb="understanding-your-invoice", tags=["renewal", "pricing"], urg=0.1,
  s=["Renewal price went up?", "Why did our price change", "Price increase without notice"],
  b=["Our annual renewal came through at {amount}, which is quite a bit more than last year. I don't "
     "remember any announcement about new prices. What changed?",
     "We got charged more than our usual monthly amount and nobody on our side changed the plan. Was there a "
     "price increase?"],
  sh=["did you raise your prices?", "why did my bill go up this month"],
  n=["renewal at {amount} higher than last year; says there was no notice"],
  r=["The list price of {plan} changed for new terms this year; existing customers were notified by email 60 "
     "days before renewal. That notice went to a former admin address, so I understand it was a surprise. As "
     "a one-off I've applied last year's rate to this renewal and credited the difference of {amount2}.",
     "Nothing on the plan changed - the difference is tax. Since your billing address was updated, local "
     "sales tax is now added to each invoice. The breakdown is at the bottom of the invoice PDF: {kb}"])
v("en", "billing", "billing_contact", kb="understanding-your-invoice", tags=["invoice", "billing-contact"],
  urg=-0.4,
  s=["Invoices going to old email address", "Change billing contact", "Please send invoices to accounts@"],
  b=["Our invoices are still being sent to a colleague who left the company in {month}. Can you change the "
     "billing email to {new_email}? I'm an admin on the workspace.",
     "Could you add our accounts payable address as a second recipient for invoices and receipts? Right now "
     "only I get them and I keep forwarding them."],
  sh=["how do i change where invoices are sent?", "need invoices sent to a different email"],
  n=["wants billing email changed to {new_email}; previous contact left"],
  r=["Done - invoices and receipts will now go to {new_email}. You can add up to three billing contacts "
     "yourself under Settings > Billing > Billing contacts. I've also re-sent the last two invoices.",
     "I've added the new address as a billing contact alongside yours, so both will receive invoices from "
     "now on. Only workspace owners and billing admins can change this; here's where: {kb}"])
v("en", "billing", "tax_charged", kb="add-vat-id", tags=["vat", "tax"], urg=-0.1,
  s=["VAT charged although we're a business", "Reverse charge not applied",
     "Why are you charging sales tax?"],
  b=["We're a VAT-registered company in the EU, so reverse charge should apply, but invoice {invoice} adds "
     "19% VAT on top. Can you correct that?",
     "Since {month} our invoices include sales tax that wasn't there before. Our company is tax-exempt and "
     "we sent the certificate last year."],
  sh=["why am i paying vat on invoices?", "tax added to my invoice suddenly"],
  n=["VAT/sales tax charged on {invoice} despite reverse charge / exemption"],
  r=["Reverse charge only applies once a valid VAT ID is saved on the account, and yours was missing after "
     "the billing profile was edited. I've added it back, refunded the VAT portion of {invoice} and reissued "
     "the invoice. How to manage tax IDs: {kb}",
     "Your exemption certificate had expired in our system. I've uploaded the new one you attached, removed "
     "tax from future invoices and credited {amount2} for the invoices since {month}."])

# --- refunds ---------------------------------------------------------------------------------------------
v("en", "refunds", "annual_mistake", kb="request-a-refund", tags=["annual"], urg=0.2,
  s=["Upgraded to annual by mistake", "Wrong plan purchased - please reverse",
     "Accidentally paid for a full year",
     "Money back for accidental upgrade?"],
  b=["I clicked through the upgrade screen too quickly and ended up paying {amount} for a full year of "
     "{plan} instead of one month. I haven't used any of the paid features. Can this be reversed?",
     "One of our team members upgraded our workspace to the yearly {plan} plan without approval. We'd like "
     "the charge of {amount} reversed and to go back to monthly.",
     "I meant to pick monthly billing but the annual option was pre-selected. Is it possible to get the "
     "money back and switch?"],
  sh=["paid for a year by accident, can I get my money back?", "accidentally upgraded to annual pls reverse",
      "wrong plan bought"],
  n=["accidental annual upgrade ({amount}); wants money back and switch to monthly"],
  d=["It happened on {date}.", "I'm a freelancer, this is a lot of money for me."],
  r=["Since the upgrade happened within the last 14 days, you're fully covered by our refund policy. I've "
     "refunded {amount} to the original payment method and moved the workspace to monthly {plan}. Policy "
     "details: {kb}",
     "No problem, this happens. I've cancelled the annual term and issued a prorated refund of {amount2}, "
     "keeping the one month of {plan} that was already in use. It should show up in 5-10 business days.",
     "I've reversed the annual charge in full. Your workspace is back on the monthly plan; to stop other "
     "members from upgrading in future, restrict billing changes to owners under Settings > Permissions."])
v("en", "refunds", "cancelled_still_charged", kb="refund-policy", tags=["cancellation"], urg=0.4,
  s=["Cancelled but still charged", "Charged after cancelling my subscription",
     "Why did you bill me? I cancelled!"],
  b=["I cancelled my Orbitly subscription in {month} and got a confirmation, but today I see another charge "
     "of {amount} on my card. Please return it.",
     "We downgraded to Free weeks ago and you still took a payment on {date}. I have the cancellation "
     "confirmation email. I want this money returned immediately.",
     "I closed our workspace last month. Somehow there's a new invoice, {invoice}, that was paid "
     "automatically. That shouldn't happen."],
  sh=["i cancelled and you still charged me", "charged after canceling?? want it back",
      "still being billed after downgrade"],
  n=["charged {amount} after cancelling in {month}; has confirmation email"],
  d=["I can forward the confirmation email if needed.", "I haven't even logged in since."],
  r=["I'm sorry about this. Your cancellation was registered for one of your two workspaces, but the second "
     "one was still on an active plan, which is what was billed. I've cancelled that one as well and "
     "refunded {amount} in full. Our refund policy for reference: {kb}",
     "You're right - the cancellation didn't go through because of a sync error on our side. I've refunded "
     "invoice {invoice} ({amount}) and confirmed the subscription is now cancelled. You won't be charged "
     "again.",
     "The downgrade was scheduled for the end of the annual term rather than immediately, which is why this "
     "renewal went through. Given the confusion, I've refunded {amount} and ended the subscription today."])
v("en", "refunds", "unused_seats", kb="refund-policy", tags=["seats"], urg=-0.2,
  s=["Refund for removed seats", "Credit for unused licenses", "We reduced our team size - partial refund?"],
  b=["We paid annually for {seats} seats but had to let part of the team go and now only need about half. "
     "Can we get a partial refund or credit for the unused seats?",
     "After a reorganisation we removed {n} members from the workspace. Will the seats we paid for be "
     "returned to us for the rest of the year?"],
  sh=["can we get money back for seats we removed?", "partial refund for unused seats possible?"],
  n=["wants refund or credit for {n} unused seats on annual plan"],
  r=["On annual plans removed seats aren't refunded automatically, but they can be credited: I've reduced "
     "your plan to the current member count and applied a prorated credit of {amount2}, which will be used "
     "for upcoming invoices. Full policy: {kb}",
     "I've processed a prorated refund of {amount2} for the {n} seats you removed, covering the remaining "
     "months of your term. It goes back to the card on file within 5-10 business days."])
v("en", "refunds", "refund_status", kb="request-a-refund", tags=["refund-status"], urg=0.2,
  s=["Where is my refund?", "Refund not received yet", "Status of promised refund {ticket_ref}"],
  b=["Your colleague promised a refund of {amount} on {date} (ticket {ticket_ref}) but I still don't see "
     "anything on my card. Can you check what's going on?",
     "It's been more than two weeks since I was told the money would be returned. My bank says nothing is "
     "pending. Please send me proof that it was actually issued."],
  sh=["still waiting for my refund", "refund promised 2 weeks ago, nothing yet"],
  n=["refund of {amount} promised on {date} not received yet"],
  r=["The refund of {amount} was sent on {date}. Depending on the bank it can take up to 10 business days to "
     "show. If it's not visible by next week, your bank can trace it with the reference ARN 7415{last4}. "
     "More: {kb}",
     "I'm sorry - the refund was approved but never actually submitted to the payment provider. I've issued "
     "it just now ({amount}) and attached the confirmation. You should see it within 5 business days."])
v("en", "refunds", "sla_credit", kb="sla-and-service-credits", tags=["sla", "credit"], urg=0.1, min_tier=2,
  s=["Service credit for last week's downtime", "Compensation for outage", "SLA credit request"],
  b=["Orbitly was unavailable for several hours on {date} and our whole team couldn't work. According to our "
     "contract we're entitled to a service credit. Please confirm how much will be applied.",
     "Given the two incidents this month, we expect some form of compensation. We pay {amount} a month and "
     "lost at least a full working day."],
  sh=["do we get credit for the downtime?", "compensation for downtime?"],
  n=["requests SLA credit for downtime on {date}"],
  r=["You're right to ask. The incident on {date} brought monthly uptime for your region below the 99.9% "
     "commitment, so you're eligible for a 10% credit. I've applied {amount2} to your next invoice. How "
     "credits are calculated: {kb}",
     "I've reviewed this month's incident reports: downtime affecting your workspace was {hours} hours, "
     "which puts you in the 25% credit tier. The credit of {amount2} will show on the next invoice."])
v("en", "refunds", "trial_converted", kb="refund-policy", tags=["trial"], urg=0.1,
  s=["Forgot to cancel trial, charged", "Trial converted to paid plan",
     "Didn't mean to continue after trial"],
  b=["I signed up for the free trial to test something and forgot to cancel. Now I've been charged {amount} "
     "for {plan}. I really don't need it, can you give me my money back?",
     "My trial ended on {date} and it turned into a paid subscription automatically. I didn't realise that "
     "would happen. I'd like the charge reversed please."],
  sh=["trial turned into paid, didnt want that", "forgot to cancel trial, can i get money back"],
  n=["trial auto-converted to paid {plan} ({amount}); wants it reversed"],
  r=["No problem - since you haven't used the workspace since the trial ended, I've refunded {amount} and "
     "moved you back to the Free plan. Your projects and docs are still there. Refund policy: {kb}",
     "I've cancelled the subscription and issued a full refund of {amount}. For what it's worth, we send a "
     "reminder 3 days before a trial ends; it may have landed in your spam folder."])
v("en", "refunds", "chargeback", kb="refund-policy", tags=["dispute"], urg=0.5,
  s=["Disputing this charge with my bank", "Unauthorized charge - filing a chargeback",
     "I did not authorise this payment"],
  b=["There's a charge of {amount} from Orbitly on my card that I never authorised. Unless you reverse it "
     "today I'm going to file a dispute with my bank.",
     "I don't recognise invoice {invoice}. Nobody at {company} signed up for a paid plan. Give the money "
     "back or I'll do a chargeback."],
  sh=["unauthorized charge from orbitly, reverse it or I dispute",
      "never signed up for paid. chargeback incoming"],
  n=["doesn't recognise charge {invoice} ({amount}); threatens chargeback"],
  r=["I looked into invoice {invoice}: it was created when a colleague at {company} upgraded a workspace on "
     "{date}. As it wasn't approved, I've refunded {amount} in full, so there's no need to open a dispute - "
     "a chargeback would also lock the workspace while it's investigated. Refund policy: {kb}",
     "Thanks for letting us know before filing a dispute. The payment was for a workspace created with your "
     "card on {date}. I've cancelled the subscription and refunded {amount}; you'll see it within 5-10 "
     "business days."])

# --- login_access -----------------------------------------------------------------------------------------
v("en", "login_access", "reset_email_missing", kb="reset-password", tags=["password"], urg=0.2,
  s=["Password reset email not arriving", "Can't log in - no reset email",
     "Forgot password, link never comes"],
  b=["I forgot my password and requested a reset link {n} times, but nothing arrives, not even in spam. My "
     "email is {email}.",
     "The reset email never shows up. I checked spam and the quarantine folder our IT uses. I really need to "
     "get into my account.",
     "I'm stuck because I don't remember my password, and the 'Forgot password' link says an email was sent "
     "but I never get it."],
  sh=["reset password email never arrives", "cant log in, no reset email",
      "forgot pw and the link doesnt come"],
  n=["not receiving password reset emails ({email})"],
  d=["Our company uses Microsoft 365 with pretty aggressive filtering.",
     "I can receive other emails just fine."],
  r=["Our mail logs show the reset emails to {email} were rejected by your mail server as bulk mail. Please "
     "ask IT to allow messages from no-reply@orbitly.example; in the meantime I've sent you a one-time login "
     "link. Steps for resetting your password: {kb}",
     "Your account was created with a typo in the email domain, which is why the emails didn't arrive. I've "
     "corrected it to {email} - please try 'Forgot password' again and it should come within a minute.",
     "The reset emails were delayed by a queue issue that's now fixed. I've triggered a fresh link; it's "
     "valid for 60 minutes. If it expires, you can request another one: {kb}"])
v("en", "login_access", "2fa_lost", kb="two-factor-authentication", tags=["2fa"], urg=0.4,
  s=["Lost phone - can't get 2FA code", "Locked out by two-factor authentication",
     "New phone, authenticator codes gone"],
  b=["I got a new phone and didn't move my authenticator app over, so now I can't get past the 2FA screen. I "
     "don't have my backup codes either. What can I do?",
     "My phone was stolen over the weekend. Orbitly asks for a 6-digit code that I can't generate anymore. "
     "Please help me get back in.",
     "The verification codes from my authenticator app keep being rejected as invalid. The time on my phone "
     "is correct."],
  sh=["lost my phone and cant do 2fa", "phone stolen, need to reset two factor", "2fa code not accepted"],
  n=["lost 2FA device, no backup codes"],
  d=["I'm the only admin of our workspace.", "I can verify my identity however you need."],
  r=["To protect your account we need to verify your identity before removing 2FA. I've sent a verification "
     "request to {email}; once you confirm it and another workspace admin approves, two-factor will be reset "
     "and you can enrol your new phone. How to keep backup codes this time: {kb}",
     "Thanks for verifying your identity. I've reset two-factor authentication on your account, so you'll be "
     "asked to set it up again on your next login. Please store the backup codes somewhere safe.",
     "Rejected codes usually mean the authenticator's clock has drifted. In Google Authenticator use "
     "Settings > Time correction for codes > Sync now; on iOS make sure 'Set automatically' is on in Date & "
     "Time. {kb}"])
v("en", "login_access", "sso_error", kb="troubleshoot-sso-errors", tags=["sso"], urg=0.5, min_tier=2,
  s=["SSO login failing", "{idp} SSO error: {sso_error}", "Users can't sign in via SSO",
     "SAML error after certificate rotation"],
  b=["Since this morning our users get \"{sso_error}\" when signing in through {idp}. Nothing changed in our "
     "{idp} configuration as far as I know.",
     "We rotated the signing certificate in {idp} yesterday and now SSO into Orbitly fails with "
     "\"{sso_error}\". Do we need to upload the new certificate somewhere?",
     "New employees we assigned to the Orbitly app in {idp} get an error after authenticating, while "
     "existing users are fine. The error says: {sso_error}"],
  sh=["sso broken: {sso_error}", "sso stopped working after we rotated the cert",
      "{idp} sign in to orbitly failing for new users"],
  n=["SSO via {idp} failing with \"{sso_error}\""],
  d=["We're on the {plan} plan with enforced SSO.", "I attached a SAML trace from the browser."],
  r=["I looked at the SAML responses in our logs: {idp} is sending the NameID as a persistent ID instead of "
     "the email address. Change the NameID format to 'EmailAddress' in the Orbitly app settings in {idp} and "
     "it should start working. Full troubleshooting list: {kb}",
     "The error means Orbitly is still validating against your old signing certificate. Upload the new "
     "certificate under Settings > Security > SAML SSO (or paste the new metadata URL) and sign-ins will "
     "work immediately. Walkthrough: {kb}",
     "New users need to be assigned to the Orbitly application in {idp} and be in a group that's mapped in "
     "Orbitly. The group 'All Staff' wasn't included in your mapping - I've added it, so new employees can "
     "now sign in. {kb:configure-saml-sso}"])
v("en", "login_access", "account_locked", kb="recover-locked-account", tags=["locked"], urg=0.3,
  s=["Account locked after too many attempts", "Locked out of my account", "\"Account temporarily locked\""],
  b=["After a few wrong password attempts Orbitly now says my account is temporarily locked. It's been over "
     "an hour and it's still locked.",
     "I can't log in - it keeps saying 'This account has been locked for security reasons'. I didn't do "
     "anything unusual."],
  sh=["account locked, what do i do", "says my account is locked??"],
  n=["account locked after failed login attempts"],
  r=["Accounts are locked for 30 minutes after 10 failed attempts; yours kept re-locking because a browser "
     "extension was retrying an old saved password. I've unlocked it - please update the saved password in "
     "your password manager. More: {kb}",
     "I've unlocked your account and reset the failed-attempts counter. Our system saw several attempts from "
     "an unfamiliar IP, so as a precaution please change your password and turn on two-factor "
     "authentication."])
v("en", "login_access", "email_change", kb="reset-password", tags=["email-change"], urg=0.2,
  s=["Company changed email domain - can't log in", "Need to change my login email",
     "Old email address no longer exists"],
  b=["Our company rebranded and everyone's email changed to @{domain}. My Orbitly account is still on my old "
     "address, which doesn't receive mail anymore, so I can't reset my password.",
     "I need to change my login email from my personal address to my work address {new_email}, but the "
     "change requires confirming the old address, which I can't access."],
  sh=["my old email doesnt exist anymore, cant log in", "how do i change my login email"],
  n=["needs login email moved to {new_email}; old address no longer works"],
  r=["For domain changes affecting the whole team, an admin can update everyone at once under Settings > "
     "Members > Change email domain. I've done it for your account already, so you can sign in with your new "
     "address. {kb}",
     "I've verified your request with your workspace admin and changed the login email to {new_email}. "
     "You'll get a confirmation at the new address; after that, use 'Forgot password' if you need a new "
     "password: {kb}"])
v("en", "login_access", "owner_left", kb="recover-locked-account", tags=["ownership", "admin"], urg=0.4,
  min_tier=1,
  s=["Workspace owner left the company", "Need admin rights - previous admin is gone",
     "Transfer workspace ownership"],
  b=["The only admin of our workspace left {company} last month and his account is deactivated. Nobody can "
     "manage billing or add users now. How can we take over ownership?",
     "Our former IT manager set up Orbitly with her personal email and we can't reach her anymore. We need "
     "admin access to our own workspace."],
  sh=["our admin left and nobody has admin rights", "how to transfer ownership of workspace"],
  n=["workspace owner left the company; needs ownership transfer"],
  d=["I can provide a letter on company letterhead.", "We have {n_users} users who depend on this."],
  r=["We can transfer ownership after verifying that you're authorised to act for {company}. Please reply "
     "with a signed note on company letterhead (or send it from an address at @{domain}) confirming the "
     "transfer, and I'll make you the owner the same day. Process details: {kb}",
     "Thanks for the authorisation letter. I've made you the owner of {workspace} and changed the former "
     "admin's account to a regular member, which you can now deactivate."])
v("en", "login_access", "google_login", kb="reset-password", tags=["google"], urg=0.2,
  s=["Sign in with Google just loops", "Google login redirects back to login page",
     "Can't log in with Google anymore"],
  b=["When I click 'Continue with Google', I choose my account and then I'm back on the Orbitly login page. "
     "No error, just a loop. Happens in {browser}.",
     "Logging in with my Google account worked until {weekday}. Now it says 'An account with this email "
     "already exists'."],
  sh=["google login just loops back", "google login says account already exists"],
  n=["Sign in with Google loops back to login page in {browser}"],
  r=["The loop is caused by third-party cookies being blocked for accounts.orbitly.example. Please allow "
     "cookies for orbitly.example in {browser} settings (a private window is a quick way to confirm). A fix "
     "that removes this dependency ships next week.",
     "Your account was originally created with email and password, so Google sign-in couldn't be linked "
     "automatically. I've linked your Google identity to the existing account; 'Continue with Google' will "
     "work from your next login. {kb}"])

# --- bug_report -------------------------------------------------------------------------------------------
v("en", "bug_report", "doc_not_saving", kb="clear-cache-and-reload", tags=["docs"], urg=0.4,
  s=["Changes in docs not saving", "Lost edits in a document", "\"{error}\" when editing docs",
     "Doc keeps reverting"],
  b=["When I edit a document in {area}, the changes look fine but after reloading the page half of them are "
     "gone. Sometimes I see \"{error}\" in the corner.",
     "We've lost work twice this week: I typed for about 20 minutes in a doc, it showed 'Saved', and when my "
     "colleague opened it the content wasn't there.",
     "The doc editor shows 'Reconnecting...' every few seconds and then an error: \"{error}\". Anything I "
     "type during that time disappears."],
  sh=["my doc edits keep disappearing", "doc says saved but changes gone", "getting {error} when editing"],
  n=["doc edits not saved; sees \"{error}\""],
  d=["It's the {project} doc, which is quite long with lots of images.", "This is on {browser}."],
  r=["This comes from an outdated cached version of the editor that can't sync with the current server "
     "version. A hard refresh (Ctrl/Cmd + Shift + R) fixes it; if not, clearing site data for "
     "orbitly.example does. The lost edits are in the doc's version history (... > Version history). Guide: "
     "{kb}",
     "We found a bug where edits made while the connection briefly dropped were not re-sent after "
     "reconnecting. A fix was deployed this morning, and I restored the missing content of your doc from our "
     "server-side snapshots - please take a look.",
     "I reproduced this with the doc you mentioned: very large pasted images were timing out the save "
     "request. I've passed it to engineering (ref ENG-{last4}). Meanwhile, uploading images with the image "
     "button instead of pasting avoids it."])
v("en", "bug_report", "mobile_crash", kb="mobile-app-troubleshooting", tags=["mobile", "crash"], urg=0.3,
  s=["App crashes when opening a task", "iOS app keeps crashing", "Android app closes immediately",
     "Crash on startup after update"],
  b=["Since the last update, the Orbitly app on my {device} ({os}) crashes every time I open a task that has "
     "attachments. Other tasks open fine.",
     "The app closes right after the splash screen. I reinstalled it twice. Version {app_version} on "
     "{device}.",
     "Whenever I try to upload a photo from the camera roll in the mobile app it freezes and then crashes."],
  sh=["app crashes when i open a task", "app closes on startup since the update",
      "app crashes when i upload a photo"],
  n=["mobile app v{app_version} crashes on {device} ({os})"],
  d=["The web version works fine.", "My colleague with the same phone has the same problem."],
  r=["This matches a crash we identified in version {app_version} when a task contains PDF attachments over "
     "20 MB. A fixed version is rolling out in the store today; please update once it appears. If it still "
     "crashes after that, this guide shows how to send us a crash log: {kb}",
     "Please sign out, delete the app, restart the phone, and reinstall from the store - the local database "
     "on your device got corrupted during the update, and a clean install rebuilds it. Your data is safe on "
     "our servers. More troubleshooting steps: {kb}",
     "I've forwarded the crash report from your device to our mobile team. In the meantime, you can open "
     "attachments via the web app or enable 'Open files externally' in the app settings."])
v("en", "bug_report", "notifications", kb="notifications-not-arriving", tags=["notifications"], urg=-0.1,
  s=["Not getting notifications", "Email notifications stopped", "No push notifications on my phone"],
  b=["I stopped receiving notifications when someone mentions me or assigns me a task. My settings look "
     "correct.",
     "Push notifications on my {device} stopped working about {days} days ago. In-app notifications still "
     "show up when I open the app.",
     "Our team isn't receiving the daily digest email anymore, and some people miss @mentions completely."],
  sh=["@mentions dont notify me anymore", "push notifications stopped", "team not getting the digest email"],
  n=["notifications (mentions/assignments) not arriving"],
  r=["Your notification settings had 'Do not disturb' scheduled for the whole day (probably set by accident "
     "on the mobile app). I've turned it off. You can check it under Profile > Notifications > Schedule: "
     "{kb}",
     "Push notifications depend on the OS-level permission. Go to the phone's Settings > Notifications > "
     "Orbitly and make sure they're allowed, then sign out and back in so the device re-registers. "
     "Checklist: {kb}",
     "Your company's mail server has started to reject our notification emails (bounce code 550). Please ask "
     "IT to allow notifications@orbitly.example; emails will resume automatically."])
v("en", "bug_report", "due_date_shift", kb="report-a-bug", tags=["timezone", "tasks"], urg=0.1,
  s=["Due dates are off by one day", "Wrong dates on tasks", "Dates shift after saving"],
  b=["When I set a due date to {date} it shows as the day before for my colleagues in another time zone. "
     "This is causing missed deadlines.",
     "All tasks I create from the mobile app end up with a due date one day earlier than what I picked."],
  sh=["due dates off by 1 day", "dates change after i save a task"],
  n=["task due dates shift by one day across time zones"],
  r=["It's a known bug with due dates set without a time for users in time zones west of UTC, and a fix is "
     "scheduled for the next release. As a workaround, setting an explicit time (for example 17:00) keeps "
     "the date correct for everyone. If you notice it elsewhere, here's how to report: {kb}",
     "Your profile time zone was set to UTC while your device is on local time, which shifts dates created "
     "on mobile. I've set it to your local time zone; new tasks will be correct, and you can fix the "
     "affected ones with a bulk edit."])
v("en", "bug_report", "search_broken", kb="report-a-bug", tags=["search"], urg=0.1,
  s=["Search doesn't find anything", "Search results missing", "Can't find documents with search"],
  b=["Search returns no results for docs I know exist - even when I type the exact title. It used to work.",
     "When I search for a task by its name in {area}, I get results from other projects but not the one I'm "
     "looking for."],
  sh=["search returns nothing", "search shows other projects but not mine"],
  n=["search not returning existing docs/tasks"],
  r=["The search index for your workspace was out of date after last week's migration. I've triggered a full "
     "reindex; it takes about an hour, after which everything should be findable again.",
     "Search only covers projects you're a member of, and the project you're looking for is private. Ask its "
     "owner to add you and it'll appear in results. If something still seems off, send us the exact search "
     "term: {kb}"])
v("en", "bug_report", "drag_drop", kb="clear-cache-and-reload", tags=["board"], urg=0.0,
  s=["Drag and drop not working on board", "Can't move cards between columns", "Board view glitch"],
  b=["On the board view I can't drag cards between columns anymore. The card lifts up and then snaps back. "
     "Using {browser}.",
     "Cards on our board jump back to their old column after I move them and refresh the page."],
  sh=["cant drag cards on the board", "cards jump back when i move them"],
  n=["drag and drop on board fails in {browser}"],
  r=["This is caused by a browser extension (we've seen it with several grammar checkers) intercepting drag "
     "events. Please try disabling extensions or using a private window; if that helps, allowlist "
     "orbitly.example in the extension. Other steps: {kb}",
     "We had a bug with boards that have more than 500 cards in one column, fixed as of today's release. "
     "Please reload the page; if the cards still jump back, let me know the board name."])
v("en", "bug_report", "formatting", kb="clear-cache-and-reload", tags=["docs", "formatting"], urg=-0.1,
  s=["Formatting lost when pasting", "Pasting from Word breaks the doc", "Images in docs broken"],
  b=["Whenever I paste content from Word or Google Docs into an Orbitly doc, the tables collapse and all the "
     "bullet points turn into plain text.",
     "Images in our docs show as broken icons since yesterday, both old and newly uploaded ones."],
  sh=["pasting from word breaks formatting", "images in docs are broken"],
  n=["formatting lost / broken images in docs"],
  r=["Pasting tables from Word is supported, but the browser sometimes hands us a plain-text version. Try "
     "Ctrl/Cmd + Shift + V > 'Paste with formatting', or import the file via ... > Import > Word document, "
     "which keeps tables intact.",
     "The broken images were caused by an expired CDN certificate on our side for about two hours yesterday; "
     "it's renewed and images display again after a hard refresh. If not, clearing your cache will do it: "
     "{kb}"])
v("en", "bug_report", "comments_vanish", kb="report-a-bug", tags=["comments", "tasks"], urg=0.1,
  s=["Comments disappearing from tasks", "Subtasks vanished", "Task comments gone after edit"],
  b=["Comments I add to tasks disappear after a few minutes. My colleague saw them briefly, then they were "
     "gone.",
     "Subtasks in {project} vanished after I changed the parent task's status. The activity log doesn't show "
     "anyone deleting them."],
  sh=["my comments keep disappearing", "subtasks vanished??"],
  n=["comments/subtasks disappearing from tasks"],
  r=["This was a bug in how comments were merged when two people edited the same task at once. It's fixed, "
     "and I've restored the missing comments from our logs. Sorry for the confusion!",
     "The subtasks weren't deleted - the status change moved them to the 'Done' filter, which hides "
     "completed subtasks. Toggle 'Show completed subtasks' and they'll reappear. Reporting tips: {kb}"])

# --- outage -----------------------------------------------------------------------------------------------
v("en", "outage", "cant_load", kb="status-page-and-incidents", tags=["downtime"], urg=0.5,
  s=["Orbitly is down?", "App not loading at all", "502 Bad Gateway", "Is Orbitly down right now??",
     "Nothing loads"],
  b=["Nobody on our team can open Orbitly since about {time}. We just get a white page or \"Error 502: Bad "
     "Gateway\". Our internet is fine, everything else works.",
     "The web app and the mobile app both show 'Unable to connect to Orbitly' for everyone in the office. Is "
     "there an outage?",
     "Orbitly has been unreachable for the last {minutes} minutes. The status page shows nothing. What's "
     "going on?"],
  sh=["is orbitly down??", "nothing loads, 502 everywhere", "app wont load for anyone here"],
  n=["app not loading for whole team since {time} (502)"],
  d=["We're in {place}.", "I tried on mobile data as well, same thing."],
  r=["We had a major incident starting at {time}, caused by a failed database failover in our {region} "
     "region; service has been fully restored and no data was lost. The post-incident report will be "
     "published on {status_url} within 48 hours, and you can subscribe to updates there: {kb}",
     "An expired load balancer certificate caused 502 errors for part of our traffic for roughly {minutes} "
     "minutes. It's been fixed and everything is operating normally again. We're adding monitoring so this "
     "can't happen silently again.",
     "Confirmed - there was a partial outage affecting the {region} region. Engineering has mitigated it and "
     "we're monitoring. If anything still doesn't load, please try a hard refresh. Live updates are always "
     "on {status_url}."])
v("en", "outage", "chat_not_sending", kb="status-page-and-incidents", tags=["chat"], urg=0.3,
  s=["Chat messages not sending", "Messages stuck on 'sending'", "Chat is broken for everyone"],
  b=["Messages in Orbitly chat are stuck with a little clock icon and never go through. Everyone in our "
     "workspace has the same problem since {time}.",
     "None of our chat channels are updating - new messages only show up after a full reload, if at all."],
  sh=["chat messages wont send", "chat down? messages stuck"],
  n=["chat messages stuck sending across workspace since {time}"],
  r=["We had an issue with our real-time messaging service from {time} for about 40 minutes. Messages that "
     "were stuck have been delivered in the right order. The incident summary is on {status_url}.",
     "The message queue for part of our {region} customers stalled; engineering restarted it and everything "
     "is flowing again. No messages were lost. You can follow incidents live here: {kb}"])
v("en", "outage", "api_down", kb="status-page-and-incidents", tags=["api"], urg=0.5,
  s=["API returning 503", "REST API down", "All API calls failing"],
  b=["All our API calls to {endpoint} have been returning \"503 Service Unavailable\" since {time}. Our "
     "integrations and internal sync jobs are all failing.",
     "Our nightly sync crashed because the Orbitly API returned 5xx errors for every request. Is the API "
     "down?"],
  sh=["api returning 503 for everything", "is the api down?"],
  n=["API returning 503 on all requests since {time}"],
  r=["Our API gateway in the {region} region was degraded from {time} for about {minutes} minutes after a "
     "bad configuration deploy, which was rolled back. Requests succeed again; failed jobs can simply be "
     "retried. Status history: {status_url}",
     "Confirmed, the API had an outage this morning and it's resolved now. Our status page has a dedicated "
     "API component you can subscribe to: {kb}"])
v("en", "outage", "login_page_down", kb="status-page-and-incidents", tags=["login"], urg=0.5,
  s=["Login page not loading", "Can't reach the sign-in page", "Login times out for whole team"],
  b=["Our whole team is stuck on the login page - it spins forever and then times out. Nobody can get in.",
     "The sign-in page returns a gateway timeout. Tried different networks and devices, same result."],
  sh=["login page just spins", "cant even reach the login page"],
  n=["login page timing out for the whole team"],
  r=["Our authentication service was unavailable from {time} for roughly {minutes} minutes; it's back to "
     "normal and everyone should be able to sign in again. The root cause analysis will be posted on "
     "{status_url}.",
     "There was an incident with our sign-in service this morning that prevented logins; it's been resolved. "
     "If anyone still can't get in, ask them to close all Orbitly tabs and open a fresh one. {kb}"])
v("en", "outage", "status_green", kb="status-page-and-incidents", tags=["status-page"], urg=0.5,
  s=["Status page says all good but we're down", "Your status page is wrong", "Incident not on status page"],
  b=["For the past {minutes} minutes none of us can load projects and your status page still says 'All "
     "systems operational'. How is that possible?",
     "Half our workspace gets errors when opening anything and the status page is green. Please update it so "
     "we at least know you're aware."],
  sh=["status page says operational but nothing works", "update your status page, you're down"],
  n=["workspace failing to load while status page green"],
  r=["You're right, and I'm sorry. Our automated checks didn't catch the issue because it only affected "
     "workspaces on one database shard, including yours. Engineers resolved it at about {time}. We've posted "
     "a retroactive incident on {status_url} and are changing how we detect partial outages.",
     "The incident was declared a few minutes after your message and the status page is now updated; service "
     "has since been restored. Subscribing there gets you email or SMS alerts: {kb}"])
v("en", "outage", "rca_request", kb="sla-and-service-credits", tags=["rca"], urg=-1.2, min_tier=2,
  s=["Root cause for yesterday's outage", "Incident report request",
     "Post-mortem for the downtime on {date}"],
  b=["Our management wants to understand what happened during the outage on {date} and what you're doing to "
     "prevent it. Can you send us the root cause analysis?",
     "Following the downtime earlier this week, our security team asks for a written incident report for our "
     "vendor file."],
  sh=["can we get a root cause report for the outage?"],
  n=["wants written RCA for outage on {date}"],
  r=["The post-incident report for {date} is published on {status_url} and I've attached a PDF for your "
     "vendor file. In short: a storage node failure combined with a slow failover; we've since added a "
     "second standby and changed alerting thresholds. Information on SLA credits: {kb}",
     "I've shared the RCA document with you. If your team has further questions, I'm happy to set up a call "
     "with our reliability lead."])
v("en", "outage", "sync_stalled", kb="offline-mode", tags=["sync"], urg=0.4,
  s=["Data not syncing between devices", "Changes not showing up for others", "Sync stopped"],
  b=["Since this morning, changes made on the web don't appear on our phones and the other way round. People "
     "are working on outdated information.",
     "Tasks I completed an hour ago still show as open for my colleagues. It looks like nothing is syncing."],
  sh=["nothing is syncing", "changes dont show for my team"],
  n=["sync between web and mobile stopped for the workspace"],
  r=["The sync service was degraded this morning and changes were queued rather than lost. The backlog has "
     "been processed, so everything should be consistent again - pull to refresh on mobile. Offline changes "
     "made in the meantime were merged automatically: {kb}",
     "Sync was delayed for some workspaces from {time} for roughly two hours because of an overloaded queue. "
     "It's resolved, and all changes have been applied."])
v("en", "outage", "uploads_down", kb="status-page-and-incidents", tags=["uploads"], urg=0.3,
  s=["File uploads failing everywhere", "Can't open any attachments", "Attachments down?"],
  b=["None of us can upload or open attachments right now - every file shows 'Failed to load'. Started "
     "around {time}.",
     "All images and files in our projects return an error since this morning. Is storage down?"],
  sh=["attachments not loading for anyone", "file storage down?"],
  n=["attachments/uploads failing workspace-wide since {time}"],
  r=["Our file storage provider had a regional incident from {time} for about {minutes} minutes. Uploads and "
     "downloads work again; files that failed to upload need to be re-added. Details on {status_url}.",
     "Confirmed: a misconfigured CDN rule blocked file downloads for about an hour. It's been reverted and "
     "all attachments are accessible again. {kb}"])

# --- integrations -----------------------------------------------------------------------------------------
v("en", "integrations", "slack_stopped", kb="slack-integration", tags=["slack"], urg=0.2,
  s=["Slack notifications stopped", "Orbitly to Slack not posting anymore", "Slack connection broken"],
  b=["Our Orbitly updates stopped appearing in our #project-updates Slack channel on {date}. Nothing changed "
     "on our side.",
     "The Slack app shows 'Connected' in Orbitly but nothing gets posted. When I try to reconnect I get "
     "\"{int_error}\".",
     "Creating tasks from Slack with the /orbitly command returns an error now."],
  sh=["slack notifications stopped", "slack says {int_error}", "/orbitly command broken in slack"],
  n=["Slack connection stopped posting ({int_error})"],
  d=["We rely on this for our daily standups."],
  r=["The Slack token for your workspace was revoked when the Slack user who installed the app was "
     "deactivated. Please reconnect from Settings > Integrations > Slack while logged in as a Slack admin. "
     "Step-by-step: {kb}",
     "Slack recently required new permission scopes for apps posting to channels. Reinstalling the Orbitly "
     "app (Settings > Integrations > Slack > Reconnect) will request them. Channel mappings are kept. Guide: "
     "{kb}",
     "The channel was converted to a private channel, and our bot isn't a member of it. Type /invite "
     "@Orbitly in the channel and updates will resume."])
v("en", "integrations", "jira_dupes", kb="jira-integration", tags=["jira"], urg=0.1,
  s=["Jira sync creating duplicates", "Jira issues duplicated in Orbitly", "Jira out of sync"],
  b=["Every time the Jira sync runs, we get duplicate tasks in Orbitly for the same Jira issue. We now have "
     "hundreds of duplicates in {project}.",
     "Status changes in Jira aren't reflected in Orbitly anymore, but comments still come through.",
     "The Jira connection fails with \"{int_error}\" and the last successful sync was {days} days ago."],
  sh=["jira sync making duplicates", "jira statuses not syncing", "jira sync failing with {int_error}"],
  n=["Jira sync creating duplicate tasks / out of sync"],
  r=["The duplicates were caused by two sync connections pointing to the same Jira project (one created by a "
     "former admin). I've disabled the older one and ran a cleanup that merged {count} duplicate tasks. "
     "Recommended setup: {kb}",
     "Status sync relies on the workflow mapping, and your Jira admin added a new status 'In Review' that "
     "isn't mapped. Go to Settings > Integrations > Jira > Status mapping and map it; updates resume on the "
     "next sync. {kb}",
     "The Jira API token used by the connection was revoked when its owner's Atlassian account was "
     "deactivated. Reconnect under Settings > Integrations > Jira with an account that has admin rights on "
     "the project; the missed changes will sync on the first run. {kb}"])
v("en", "integrations", "github_links", kb="github-integration", tags=["github"], urg=0.0,
  s=["GitHub PRs not linking to tasks", "GitHub app question", "Commits not showing on tasks"],
  b=["We put the task ID in our branch names like the docs say, but pull requests aren't showing up on the "
     "tasks anymore.",
     "We moved our repositories to a new GitHub organization and now Orbitly doesn't see them."],
  sh=["github prs not linking", "github lost our repos"],
  n=["GitHub PR links not showing on tasks after org move"],
  r=["Task IDs need to be in the format ORB-123 (with your workspace prefix) in branch names, and your "
     "branches use just the number. Either format works in PR titles. Details: {kb}",
     "When repositories move to a new GitHub organization, the Orbitly GitHub App needs to be installed "
     "there as well. Install it from Settings > Integrations > GitHub > Add organization and select the "
     "repos. Links backfill for the last 30 days. {kb}"])
v("en", "integrations", "gdrive", kb="google-drive-integration", tags=["google-drive"], urg=0.0,
  s=["Google Drive files can't be opened", "Drive attachments show 'no access'", "Google Drive permissions"],
  b=["When teammates click a Google Drive file attached to a task they get 'You need access'. Can Orbitly "
     "share it automatically?",
     "The Google Drive file picker in Orbitly is empty - it doesn't show any of my files."],
  sh=["google drive attachments say no access", "drive picker shows no files"],
  n=["Drive attachments asking for access / picker empty"],
  r=["Orbitly doesn't change Drive sharing settings by itself. You can turn on 'Share with task members when "
     "attaching' in Settings > Integrations > Google Drive, which prompts you to grant access. Guide: {kb}",
     "The picker is empty because the Drive authorisation expired. Please disconnect and reconnect Google "
     "Drive from your profile settings and allow access to your files. {kb}"])
v("en", "integrations", "salesforce", kb="salesforce-integration", tags=["salesforce"], urg=0.1, min_tier=2,
  s=["Salesforce opportunities not creating projects", "Salesforce field mapping",
     "Salesforce connector error"],
  b=["Closed-won opportunities in Salesforce are supposed to create a project from our onboarding template, "
     "but nothing has been created since {date}.",
     "We added a custom field in Salesforce and want to map it to a custom field in Orbitly projects. The "
     "mapping screen doesn't list it."],
  sh=["salesforce not creating projects anymore", "salesforce custom field missing in the mapping"],
  n=["Salesforce closed-won not creating projects since {date}"],
  r=["The Salesforce connection uses an integration user whose password expired on {date}. Please "
     "reauthorise under Settings > Integrations > Salesforce with a user whose password doesn't expire. "
     "Missed opportunities can be replayed with 'Sync last 30 days'. {kb}",
     "Custom fields only show up in the mapping after clicking 'Refresh schema' in the Salesforce settings. "
     "Once refreshed, you can map it to any Orbitly custom field of the same type. {kb}"])
v("en", "integrations", "zapier", kb="zapier-integration", tags=["zapier"], urg=0.0,
  s=["Zapier trigger not firing", "Zap stopped working", "Zapier 'New task' trigger question"],
  b=["Our Zap that creates a row in Google Sheets for every new Orbitly task stopped triggering. Zapier "
     "shows no errors, just no new runs.",
     "In Zapier the Orbitly 'Task completed' trigger doesn't show our custom fields."],
  sh=["zapier trigger not firing", "zapier trigger doesnt show custom fields"],
  n=["Zapier trigger for new tasks stopped firing"],
  r=["Zapier's Orbitly triggers poll every 15 minutes using the API token of whoever connected the account; "
     "that token was revoked when the user was deactivated. Reconnect the Orbitly account in Zapier and turn "
     "the Zap off and on again. {kb}",
     "Custom fields are available in the 'Task completed (detailed)' trigger in our new Zapier app version. "
     "Switch the Zap to the new trigger and they'll appear. {kb}"])
v("en", "integrations", "reconnect_generic", kb="manage-integrations", tags=["reconnect"], urg=0.2,
  s=["{integration} disconnected", "All our integrations broke", "{integration} says {int_error}"],
  b=["Since our previous admin left, the {integration} connection shows \"{int_error}\" and nothing syncs. "
     "I'm an admin now but don't see a way to fix it.",
     "Several connected apps, including {integration}, were disconnected at the same time. Did something "
     "change on your side?"],
  sh=["{integration} disconnected", "{integration} error: {int_error}"],
  n=["{integration} failing with {int_error} after admin change"],
  r=["Integrations are tied to the account of whoever set them up, so they stop when that account is "
     "deactivated. As the new admin, go to Settings > Integrations, click 'Reconnect' next to {integration} "
     "and authorise with your own account. {kb}",
     "We rotated our OAuth credentials on {date} and a small number of {integration} connections didn't "
     "refresh. I've triggered a refresh for your workspace; if it still shows an error in 10 minutes, "
     "reconnecting once will fix it. {kb}"])
v("en", "integrations", "slack_approval", kb="slack-integration", tags=["slack", "permissions"], urg=-0.3,
  s=["How to install the Slack app?", "Slack admin approval needed", "Connecting Orbitly to Slack"],
  b=["When I try to add the Orbitly app to Slack it says the app needs approval from a Slack admin. What "
     "permissions does it ask for, so I can explain it to our IT?",
     "We'd like to get task updates in Slack. Is there a way to choose which projects post to which "
     "channel?"],
  sh=["slack says the app needs approval", "can each project post to a different slack channel?"],
  n=["asks how to set up Slack and what permissions it needs"],
  r=["The Orbitly Slack app asks for permission to post messages, read channel names and use slash commands "
     "- it never reads message history. Your Slack admin can approve it under Manage apps. Setup guide with "
     "the full permission list: {kb}",
     "Yes - after connecting, go to a project's ... > Integrations > Slack and pick a channel for that "
     "project. Each project can post to a different channel. Guide: {kb}"])

# --- data_export ------------------------------------------------------------------------------------------
v("en", "data_export", "full_export_stuck", kb="export-workspace-data", tags=["export"], urg=0.2,
  s=["Workspace export stuck", "Export has been 'processing' for hours", "Never received download link"],
  b=["I started a full workspace export on {date} and it still says 'Processing'. We need the data for an "
     "audit.",
     "The export finished according to the app but the download link in the email gives an 'expired' error."],
  sh=["export stuck on processing", "export link expired"],
  n=["full workspace export stuck in processing since {date}"],
  r=["Your export was stuck behind a very large attachment that timed out. I've restarted it with "
     "attachments split into separate archives; you'll receive {n} download links by email within the next "
     "hour. Links are valid for 7 days. {kb}",
     "Export links expire after 7 days for security reasons. I've generated a fresh one and sent it to "
     "{email}. You can also find recent exports under Settings > Data > Exports: {kb}"])
v("en", "data_export", "csv_fields", kb="export-project-csv", tags=["csv"], urg=-0.1,
  s=["CSV export missing columns", "Custom fields not in export", "Export doesn't include comments"],
  b=["When I export a project to CSV, our custom fields like 'Budget' and 'Client' are missing. We need them "
     "for reporting.",
     "The {file_type} export only includes task titles and statuses - no comments, no subtasks, no "
     "assignees' emails.",
     "I need to get all tasks from {project} out including time tracking data. Is that possible?"],
  sh=["csv export missing custom fields", "how do i export comments too", "can i export time tracking?"],
  n=["project CSV export missing custom fields/comments"],
  r=["In the export dialog, click 'Choose columns' and tick the custom fields you need - they're not "
     "included by default to keep files small. Details: {kb}",
     "Comments and subtasks are optional in the export: tick 'Include comments' and 'Include subtasks', or "
     "use Project > ... > Export > Excel with 'All fields' to get everything including assignees' emails. "
     "{kb}",
     "Time tracking entries are exported separately from Reports > Time > Export; you can filter by project "
     "and join them to the task export by task ID. Full guide: {kb}"])
v("en", "data_export", "api_pagination", kb="api-bulk-export", tags=["api"], urg=0.0,
  s=["API only returns 100 tasks", "Bulk export via API", "Pagination question"],
  b=["I'm pulling all our tasks via {endpoint} but it only ever returns 100 items. We have about {count}. "
     "How do I get everything?",
     "We want to copy our data to our data warehouse every night using the API. What's the recommended way "
     "without hitting rate limits?"],
  sh=["api only returns 100 results", "best way to pull everything via api?"],
  n=["API returns only 100 items; wants full export"],
  r=["The API is paginated: each response includes a next_cursor field; pass it as ?cursor= to get the next "
     "page, with up to 500 items per page using ?limit=500. For {count} items that's a handful of requests. "
     "Examples: {kb}",
     "For nightly exports, use the updated_since parameter so you only pull changes since the last run, and "
     "respect the Retry-After header. Step-by-step guide: {kb}"])
v("en", "data_export", "export_before_leaving", kb="export-workspace-data", tags=["export", "cancellation"],
  urg=0.1,
  s=["Need all our data before cancelling", "How do we get our data out?",
     "Backup everything before closing"],
  b=["We've decided to move to another tool and our subscription ends on {date}. How do we export everything "
     "- projects, docs, chat history, and files?",
     "Before we close our workspace, I need a complete backup of all docs and attachments. Is there a "
     "one-click export?"],
  sh=["how do i export all my data", "need a full backup before we leave"],
  n=["wants complete export before cancelling on {date}"],
  r=["Owners can export everything under Settings > Data > Export workspace; choose 'Full export' for "
     "projects, docs (Markdown and PDF), chat history (JSON) and attachments. You'll get an email when it's "
     "ready. After cancellation, data stays available for 30 days. {kb}",
     "Sorry to see you go! I've started a full export for you; the download link will arrive at {email}. "
     "Docs are included as Markdown, tasks as CSV and JSON, and chat as JSON. {kb}"])
v("en", "data_export", "attachments_export", kb="export-workspace-data", tags=["attachments"], urg=0.0,
  s=["Export doesn't include attachments", "Files missing from export", "How to download all files"],
  b=["The export ZIP contains the task data but none of the files we uploaded. Is there a way to get all "
     "attachments in one go?",
     "We need to download every file uploaded to {project} - around {size}. Clicking each one isn't "
     "realistic."],
  sh=["export has no attachments", "download all files at once?"],
  n=["export missing attachments; needs bulk file download"],
  r=["Attachments are included only when you tick 'Include files' in the export dialog, and they arrive as "
     "separate archives of up to 5 GB each. For a single project, open it and use ... > Download all files. "
     "{kb}",
     "I've started an export with files for {project}; you'll get the links by email shortly. Large exports "
     "are split into several ZIP files. {kb}"])
v("en", "data_export", "excel_encoding", kb="export-project-csv", tags=["csv", "excel"], urg=-0.2,
  s=["Special characters broken in CSV", "Accents garbled in export", "Excel shows weird characters"],
  b=["When I open the CSV export in Excel, names with accents show up as strange characters like 'Ã©'.",
     "All our German umlauts are broken in the exported file when opened in Excel."],
  sh=["csv export has weird characters in excel"],
  n=["CSV export shows garbled characters in Excel"],
  r=["The file is UTF-8, which Excel doesn't always detect. Either choose 'Excel (.xlsx)' as the format, or "
     "in Excel use Data > From Text/CSV and select UTF-8. Details: {kb}",
     "You can also tick 'Add BOM for Excel' in the export dialog; Excel then recognises the encoding "
     "automatically. {kb}"])
v("en", "data_export", "scheduled_backup", kb="api-bulk-export", tags=["backup"], urg=-0.5,
  s=["Automatic backups?", "Scheduled exports", "Nightly backup of our workspace"],
  b=["Is there a way to schedule automatic exports, for example every night to our S3 bucket? Our IT policy "
     "requires independent backups.",
     "Do you offer automated backups we can keep on our side?"],
  sh=["can exports be scheduled?"],
  n=["asks about scheduled automatic exports/backups"],
  r=["Scheduled exports to S3, Azure Blob or Google Cloud Storage are available on Enterprise under Settings "
     "> Data > Scheduled exports. On other plans, a small script using our API does the job; there's a "
     "sample here: {kb}",
     "There's no built-in scheduling on your plan yet, but many customers run a nightly job against the API "
     "using the updated_since filter. Guide with a sample script: {kb}"])
v("en", "data_export", "docs_pdf", kb="export-project-csv", tags=["docs", "pdf"], urg=-0.1,
  s=["Exporting docs to PDF cuts off tables", "Doc export to Word", "PDF export looks wrong"],
  b=["When I save a doc as PDF, wide tables are cut off on the right side and images are split across pages.",
     "Can I get a doc out of Orbitly as a Word file? Our client needs .docx."],
  sh=["pdf export cuts off tables", "can i export a doc to word?"],
  n=["doc PDF export cuts tables / wants .docx"],
  r=["In the PDF export dialog, choose 'Landscape' and 'Fit tables to page width'; that keeps wide tables "
     "intact. Images won't be split if you enable 'Keep images on one page'. {kb}",
     "Docs can be exported as .docx via ... > Export > Word. Comments aren't included, but formatting, "
     "tables and images are. {kb}"])

# --- privacy_deletion -------------------------------------------------------------------------------------
v("en", "privacy_deletion", "delete_account", kb="delete-your-account", tags=["account-deletion"], urg=0.0,
  s=["Please delete my account", "Close my account and remove my data", "How do I delete my profile?"],
  b=["I no longer use Orbitly and would like my account and all my personal data deleted. My email is "
     "{email}.",
     "I want to remove my account completely. The settings page only lets me leave the workspace.",
     "Please erase everything you have about me. I only signed up once to test it."],
  sh=["delete my account please", "how do i delete my account completely"],
  n=["wants account and personal data deleted ({email})"],
  r=["I've started the deletion of your account. Your profile and personal data will be permanently removed "
     "within 30 days; backups are overwritten within a further 35 days. You'll get a confirmation at {email} "
     "once it's complete. {kb}",
     "You can delete your account yourself under Profile > Account > Delete account. If you're the only "
     "owner of a workspace, you'll first need to transfer ownership or delete the workspace. Details: {kb}"])
v("en", "privacy_deletion", "gdpr_erasure", kb="gdpr-data-requests", tags=["gdpr"], urg=0.4,
  s=["Request for erasure under Art. 17 GDPR", "GDPR deletion request", "Right to be forgotten"],
  b=["Under Article 17 GDPR I request the erasure of all personal data relating to me, including backups and "
     "logs. Please confirm in writing within one month as required.",
     "This is a formal request to delete all my personal data. I also want to know which third parties you "
     "have shared my data with."],
  sh=["formal gdpr request to erase my data"],
  n=["formal GDPR Art. 17 erasure request"],
  r=["We've received your erasure request and verified your identity via {email}. Your personal data is "
     "being deleted from our production systems now and will be purged from backups within 35 days. Our list "
     "of subprocessors is in our privacy documentation: {kb}",
     "Confirming receipt of your request under Art. 17 GDPR. Deletion has been completed in our primary "
     "systems today; residual copies in encrypted backups expire automatically within 35 days. We'll send "
     "written confirmation once that period ends. {kb}"])
v("en", "privacy_deletion", "former_employee", kb="gdpr-data-requests", tags=["gdpr", "offboarding"], urg=0.1,
  s=["Remove former employee's data", "Erase data of ex-staff", "Offboarding and personal data"],
  b=["A former employee asked us to delete her personal data. She was a member of our workspace. What do we "
     "need to do and what happens to the tasks she created?",
     "We need to anonymise the accounts of {n} people who left the company, for compliance reasons."],
  sh=["how do we delete an ex employee's data?"],
  n=["needs former employee data anonymised"],
  r=["As the workspace admin you're the controller for that data. Deactivate the member, then use Members > "
     "... > Anonymise user; their name and email are replaced with 'Former member', while the tasks and docs "
     "stay in place. {kb}",
     "I've anonymised the {n} accounts you listed. Their content stays in the workspace but is no longer "
     "linked to their names or email addresses. {kb}"])
v("en", "privacy_deletion", "dsar", kb="gdpr-data-requests", tags=["gdpr", "data-access"], urg=0.1,
  s=["Subject access request", "What data do you store about me?", "Copy of my personal data"],
  b=["Please send me a copy of all personal data you hold about me (Art. 15 GDPR), including login history "
     "and IP addresses.",
     "I'd like to know exactly what information Orbitly stores about me and who it is shared with."],
  sh=["what data do you have about me?"],
  n=["Art. 15 access request"],
  r=["I've compiled your data, including profile details, login history (with IP addresses) and your "
     "content. It's available via a secure link sent to {email}, valid for 7 days. What we store and why: "
     "{kb}",
     "Most of it you can download yourself under Profile > Privacy > Download my data. Login history and "
     "internal records are included in the file I've sent to {email}. {kb}"])
v("en", "privacy_deletion", "marketing_unsub", kb="gdpr-data-requests", tags=["marketing"], urg=-0.6,
  s=["Stop sending me emails", "Unsubscribe from newsletter", "Marketing emails despite opting out"],
  b=["I keep receiving your newsletter even though I unsubscribed twice. Please remove me from all marketing "
     "lists.",
     "Please stop sending product updates and webinar invitations to {email}."],
  sh=["stop emailing me", "how do i unsubscribe"],
  n=["keeps receiving marketing emails after unsubscribing"],
  r=["I've removed {email} from all marketing lists. You'll still get essential account emails such as "
     "password resets. Sorry for the annoyance - the earlier unsubscribe only covered the newsletter, not "
     "webinar invites.",
     "Done - you're unsubscribed from newsletters, webinars and product announcements. It can take up to 48 "
     "hours for already scheduled emails to stop. {kb}"])
v("en", "privacy_deletion", "dpa", kb="gdpr-data-requests", tags=["dpa", "legal"], urg=-0.2, min_tier=2,
  s=["Data Processing Agreement", "Need signed DPA and subprocessor list", "GDPR documentation for our DPO"],
  b=["Our data protection officer needs a signed DPA with Orbitly and your current list of subprocessors "
     "before we can roll out to more teams.",
     "Do you offer standard contractual clauses for transfers outside the EU? Our legal team is reviewing "
     "vendors."],
  sh=["where can i get your dpa?"],
  n=["needs signed DPA and subprocessor list"],
  r=["You can sign our DPA electronically under Settings > Security > Legal documents; it includes the EU "
     "Standard Contractual Clauses. The current subprocessor list is linked there too, and you can subscribe "
     "to change notifications. {kb}",
     "I've sent a countersigned DPA to {email} and attached our latest subprocessor list. If your legal team "
     "needs changes, they can reply to that email and our legal counsel will follow up."])
v("en", "privacy_deletion", "retention", kb="data-retention", tags=["retention"], urg=-0.3,
  s=["How long do you keep deleted data?", "Data retention question", "Where is our data stored?"],
  b=["If we delete a project, how long do you keep it? Is it also removed from backups?",
     "Our security questionnaire asks where our data is hosted and whether we can choose EU data residency.",
     "After we cancel, how long until our workspace data is permanently gone?"],
  sh=["how long do you keep deleted stuff?", "is our data stored in the EU?"],
  n=["asks about retention of deleted data and data residency"],
  r=["Deleted items stay in the trash for 30 days, then are permanently deleted; backups roll over after 35 "
     "days. Cancelled workspaces are deleted 90 days after the end of the subscription. Full details: {kb}",
     "Workspaces created in the EU region are hosted in Frankfurt and Dublin, and Business and Enterprise "
     "customers can request migration to the EU region. Our retention schedule: {kb}"])
v("en", "privacy_deletion", "remove_content", kb="data-retention", tags=["personal-data"], urg=0.2,
  s=["Remove my photo and name from a workspace", "Personal data in someone else's workspace",
     "Please take down my information"],
  b=["I was a guest in a client's workspace years ago and my name, photo and phone number are still visible "
     "there. I want that removed.",
     "A former employer still has my profile and messages in their Orbitly workspace. Can you delete my "
     "personal data from it?"],
  sh=["my data is still in an old client workspace, remove it"],
  n=["wants personal data removed from another customer's workspace"],
  r=["Content inside a customer's workspace is controlled by that customer, so we've forwarded your request "
     "to the workspace owner, who has 30 days to respond. Your own profile (name, photo, phone) we can "
     "remove directly - that's done. {kb}",
     "I've removed your profile photo and phone number and replaced your name with 'Former guest' across all "
     "workspaces. Messages you wrote belong to the workspace owner; we've passed your request on to them. "
     "{kb}"])

# --- feature_request --------------------------------------------------------------------------------------
v("en", "feature_request", "generic_feature", kb="submit-feature-ideas", tags=["idea"], urg=-0.3,
  s=["Feature request", "Suggestion: {feature}", "Idea for Orbitly", "Would love {feature}"],
  b=["It would be really useful to have {feature}. Right now we work around it with spreadsheets, which is "
     "clunky.",
     "Any plans to add {feature}? It's the one thing my team keeps asking me about.",
     "Small suggestion from a happy user: {feature} would make my daily work so much easier."],
  sh=["please add {feature}", "would love {feature}!", "any chance of {feature}?"],
  n=["requests {feature}"],
  d=["We'd be happy to beta test it.", "I know a few other teams who'd want this too."],
  r=["Thanks for the suggestion! I've added your vote to our feature request board, where the product team "
     "reviews requests every month. You can follow it and add details here: {kb}",
     "Great idea - it's already on our list and I've added your workspace to the request so you'll be "
     "notified when there's progress. I can't share a date yet. {kb}",
     "Thanks for taking the time to write this up. I've passed it to the product team with your use case. In "
     "the meantime, some teams get close to this with automations: {kb:custom-fields-and-automations}"])
v("en", "feature_request", "competitor_parity", kb="submit-feature-ideas", tags=["idea", "competitor"],
  urg=-0.1,
  s=["{competitor} has this, why doesn't Orbitly?", "Missing compared to {competitor}",
     "Suggestion after switching from {competitor}"],
  b=["In {competitor} we had {feature} and honestly we miss it. Is anything like this planned?",
     "Our team is comparing Orbitly with {competitor}. The main gap for us is {feature}."],
  sh=["{competitor} has {feature}, pls add", "miss {feature} from {competitor}"],
  n=["compares with {competitor}; wants {feature}"],
  r=["Thanks for the comparison - it's genuinely useful. I've shared it with the product manager for this "
     "area and added your vote. You can follow the request here: {kb}",
     "It's on our roadmap for later this year, though I can't promise a date. I've linked your workspace to "
     "the request so you're notified when it ships. {kb:product-roadmap-faq}"])
v("en", "feature_request", "webhooks", kb="submit-feature-ideas", tags=["api", "webhooks"], urg=-0.2,
  s=["Webhooks for comments?", "API suggestion", "Missing API endpoint"],
  b=["Our developers would love webhooks for new comments and status changes, so we don't have to poll "
     "{endpoint}.",
     "The API doesn't let us manage custom field values. Could that be added? It blocks our automation."],
  sh=["any plans for comment webhooks?"],
  n=["wants webhooks for comments/status changes"],
  r=["Webhooks for task events including comments are in beta. I've enabled the beta for your workspace - "
     "you'll find it under Settings > API > Webhooks. We'd love your feedback!",
     "Custom field values via the API is one of the most requested items and it's planned for this year. "
     "I've added your use case to the request. {kb}"])
v("en", "feature_request", "gantt", kb="submit-feature-ideas", tags=["timeline"], urg=-0.3,
  s=["Task dependencies in timeline", "Gantt chart improvements",
     "Suggestion: dependencies and critical path"],
  b=["The timeline view is nice, but without dependencies between tasks it's hard to plan our {project}. "
     "Could you add finish-to-start dependencies?",
     "Could the timeline show a critical path and automatically move dependent tasks when a date changes?"],
  sh=["need dependencies in timeline view", "gantt dependencies pls"],
  n=["wants task dependencies / critical path in timeline"],
  r=["Basic dependencies are already available on Business and Enterprise - right-click a task bar in "
     "Timeline and choose 'Add dependency'. Automatic rescheduling is on the roadmap and I've added your "
     "vote. {kb:product-roadmap-faq}",
     "Dependencies are one of the top requests and our product team is actively working on them. I've added "
     "your workspace to the early-access list. {kb}"])
v("en", "feature_request", "recurring", kb="custom-fields-and-automations", tags=["automation"], urg=-0.3,
  s=["Recurring tasks with custom schedule", "Repeat task every second Tuesday?", "Recurring task options"],
  b=["We need tasks that repeat on the last working day of each month. The recurrence options only offer "
     "daily, weekly and monthly on a fixed date.",
     "Could recurring tasks keep their checklist and assignees when they're recreated? Right now the "
     "checklist is empty every time."],
  sh=["recurring task on last workday of month?", "recurring tasks lose checklist"],
  n=["wants more flexible recurring task schedules"],
  r=["You can get close with an automation: 'When task is completed > create copy with due date +1 month'. "
     "Rules like 'last working day' aren't supported yet; I've logged your request. Automations guide: {kb}",
     "Checklists are copied when you enable 'Copy checklist' in the recurrence settings (it's off by "
     "default). I've shared the 'last working day' idea with our product team. {kb}"])
v("en", "feature_request", "guest_permissions", kb="submit-feature-ideas", tags=["guests", "permissions"],
  urg=-0.2,
  s=["Finer permissions for guests", "Read-only guests?", "Guest access suggestion"],
  b=["We invite clients as guests, but they can see every task in the project. Could you add a way to hide "
     "some tasks or sections from guests?",
     "It would be great to have comment-only permissions for guests."],
  sh=["can guests be read only?", "need comment-only guests"],
  n=["wants more granular guest permissions"],
  r=["Comment-only guests are available on Business plans (set it when inviting, or in Members > Guests). "
     "Hiding individual tasks isn't possible yet, but private sections are on the roadmap. "
     "{kb:product-roadmap-faq}",
     "Thanks for the detailed use case - I've added it to the permissions request our product team is "
     "reviewing. Vote and follow updates here: {kb}"])
v("en", "feature_request", "roadmap_q", kb="product-roadmap-faq", tags=["roadmap"], urg=-0.4,
  s=["Is {feature} on the roadmap?", "Roadmap question", "When will {feature} be available?"],
  b=["I saw someone in the community mention {feature}. Is that coming, and is there a rough timeline?",
     "Do you publish a public roadmap? We'd like to know what's planned before we renew."],
  sh=["is {feature} coming?", "do you have a public roadmap?"],
  n=["asks whether {feature} is on the roadmap"],
  r=["I can't share exact dates, but it's planned for the second half of the year and your vote has been "
     "recorded. What we're working on now and next is listed here: {kb}",
     "We publish a high-level public roadmap at roadmap.orbitly.example, updated monthly. How we prioritise "
     "requests: {kb}"])
v("en", "feature_request", "mobile_widget", kb="submit-feature-ideas", tags=["mobile"], urg=-0.4,
  s=["iOS widget idea", "Home screen widget for tasks", "Apple Watch app?"],
  b=["It would be amazing to have a home screen widget on my {device} that shows my tasks due today.",
     "Any plans for an Apple Watch or Wear OS app to check off tasks quickly?"],
  sh=["widget for my tasks pls", "apple watch app?"],
  n=["wants home screen widget/watch app"],
  r=["A 'Today' widget for iOS and Android is in development and should ship in one of the next app "
     "releases. I've noted your interest!",
     "Watch apps aren't planned right now, but I've added your vote so the product team sees the demand. "
     "{kb}"])

# --- performance ------------------------------------------------------------------------------------------
v("en", "performance", "slow_board", kb="improve-performance-large-workspaces", tags=["slow", "board"],
  urg=0.3,
  s=["Board takes forever to load", "Project very slow", "Orbitly extremely slow with big projects"],
  b=["Our main project with about {count} tasks takes 15-20 seconds to load in board view. Other projects "
     "are quick.",
     "Opening {project} is painfully slow lately, and scrolling the list view stutters.",
     "Everything in our workspace has become sluggish over the past {days} days, especially switching "
     "between projects."],
  sh=["board view super slow", "orbitly so slow today", "takes 20 sec to open a project"],
  n=["large project ({count} tasks) slow to load"],
  d=["My laptop is fairly new, so I don't think it's the hardware.",
     "It's the same on {browser} and in the desktop app."],
  r=["Projects with more than 10,000 tasks slow down the board view because every card is rendered. "
     "Archiving completed tasks (Project > ... > Archive completed) usually brings load times under 2 "
     "seconds. Other tips: {kb}",
     "We found a slow database query affecting projects with many custom fields, including yours. A fix was "
     "deployed this afternoon and load times for {project} are back to normal in our measurements. Let me "
     "know how it feels on your side.",
     "Thanks for the HAR file. Most of the time is spent loading {count} completed tasks. Enabling 'Hide "
     "completed tasks older than 30 days' in the board settings makes a big difference. More: {kb}"])
v("en", "performance", "typing_lag", kb="improve-performance-large-workspaces", tags=["docs", "lag"], urg=0.1,
  s=["Typing lag in long documents", "Docs editor is laggy", "Delay when typing"],
  b=["In our longer docs there's a noticeable delay between typing and the letters appearing, sometimes a "
     "full second.",
     "The doc editor freezes for a few seconds every time someone else is editing at the same time."],
  sh=["typing in docs is laggy", "doc editor freezes"],
  n=["typing lag in long docs"],
  r=["Very long docs with many embedded tables slow down the editor. Splitting the doc into sub-pages, or "
     "collapsing large tables, helps a lot. We're also improving editor performance in upcoming releases. "
     "{kb}",
     "Your browser has hardware acceleration turned off, which makes the editor render much slower. Turn it "
     "on in {browser} settings and restart the browser. Other tips: {kb}"])
v("en", "performance", "rate_limit", kb="api-rate-limits", tags=["api", "rate-limit"], urg=0.2,
  s=["429 Too Many Requests", "Hitting API rate limits", "API very slow / throttled"],
  b=["Our integration keeps getting \"429 Too Many Requests\" from {endpoint}, even though we only make a "
     "few requests per second.",
     "API response times went from 200 ms to several seconds for our sync job this week."],
  sh=["getting 429 from the api", "api super slow this week"],
  n=["API calls throttled with 429 / slow responses"],
  r=["The limit is 100 requests per minute per token on your plan, and your job bursts above that at the "
     "start of each run. Spreading requests out or using the bulk endpoints avoids it; the Retry-After "
     "header tells you how long to wait. {kb}",
     "Your job requests each task individually. Using ?include=subtasks,comments returns everything in one "
     "call and cuts your request volume by around 90%. Rate limit details: {kb}"])
v("en", "performance", "mobile_slow", kb="improve-performance-large-workspaces", tags=["mobile", "slow"],
  urg=0.1,
  s=["Mobile app slow to open", "App takes ages to sync", "Slow on Android"],
  b=["The mobile app takes almost a minute to show anything after opening on my {device}. On Wi-Fi it's a "
     "bit better.",
     "Switching between projects in the app is very slow and sometimes shows an empty list first."],
  sh=["mobile app takes ages to load", "app super slow on my {device}"],
  n=["mobile app slow to open/sync on {device}"],
  r=["The app syncs all projects you're a member of on startup. Under Settings > Offline & sync, choose "
     "'Only starred projects' to make it much faster. {kb}",
     "Version {app_version} introduced a sync regression that we fixed in the latest release. Please update "
     "the app and let me know if it's still slow."])
v("en", "performance", "search_slow", kb="improve-performance-large-workspaces", tags=["search", "slow"],
  urg=0.0,
  s=["Search is really slow", "Search takes 20+ seconds"],
  b=["Searching anything in our workspace takes 20-30 seconds before results appear.",
     "Search used to be instant, now it spins for a long time before showing results."],
  sh=["search is so slow"],
  n=["search taking 20-30 seconds"],
  r=["Your workspace search index was being rebuilt after the recent import, which is why queries were slow. "
     "The rebuild has finished and searches should be instant again.",
     "We identified a performance issue with search in very large workspaces and deployed an improvement "
     "today. Results should now appear in under two seconds. {kb}"])
v("en", "performance", "network", kb="network-requirements", tags=["network", "proxy"], urg=0.1,
  s=["Slow only in the office network", "Corporate proxy and Orbitly", "Orbitly slow behind firewall"],
  b=["Orbitly is fast at home but very slow in our office, and real-time updates don't work. We have a "
     "corporate proxy.",
     "Our IT department wants to know which domains and ports Orbitly needs, because the app is very slow on "
     "our network."],
  sh=["slow only on office wifi", "which domains need to be whitelisted?"],
  n=["slow behind corporate proxy; needs network requirements"],
  r=["Real-time features use WebSockets on wss://rt.orbitly.example, which many proxies buffer or block; the "
     "app then falls back to slow polling. Your IT team can allow the domains listed here: {kb}",
     "I've sent your IT team the list of domains and ports we use. Once *.orbitly.example and WebSocket "
     "traffic on port 443 are allowed through the proxy, performance should match what you see at home. "
     "{kb}"])
v("en", "performance", "memory", kb="improve-performance-large-workspaces", tags=["memory", "desktop"],
  urg=0.0,
  s=["Orbitly uses a lot of memory", "Desktop app eating RAM", "Laptop fans spin up with Orbitly open"],
  b=["The Orbitly desktop app regularly uses over 3 GB of RAM and makes my laptop slow.",
     "After a few hours with Orbitly open in {browser}, the tab uses a huge amount of memory and gets "
     "sluggish."],
  sh=["desktop app uses 3gb ram", "orbitly tab eats my memory"],
  n=["high memory usage after long sessions"],
  r=["We found a memory leak in the chat view when it stays open for many hours; it's fixed in the latest "
     "desktop version. Please update via Help > Check for updates.",
     "Reloading the app once a day works around it for now, and our team is working on a fix for "
     "long-running sessions. {kb}"])
v("en", "performance", "uploads_slow", kb="network-requirements", tags=["uploads"], urg=0.1,
  s=["File uploads very slow", "Uploading attachments takes forever"],
  b=["Uploading a 50 MB video to a task takes over 10 minutes, while uploading the same file elsewhere takes "
     "one minute.",
     "Attachments upload slowly and often fail at 90%."],
  sh=["uploads are really slow", "attachments fail at 90%"],
  n=["slow/failing uploads"],
  r=["Uploads go to our storage provider's nearest region; your workspace was still set to the US region "
     "while your team is in Europe. Large uploads will be faster after the region migration I've scheduled "
     "for this weekend.",
     "Your network blocks our upload acceleration domain, so files go through a slower fallback. Allowing "
     "uploads.orbitly.example fixes it. {kb}"])

# --- onboarding -------------------------------------------------------------------------------------------
v("en", "onboarding", "invite_team", kb="invite-teammates", tags=["invites"], urg=-0.3,
  s=["How to invite my team", "Adding colleagues to the workspace", "Bulk invite users"],
  b=["We just signed up and I want to invite about {n_users} colleagues. Is there a way to add them all at "
     "once instead of one by one?",
     "What's the easiest way to get my whole team into Orbitly? We use {idp} for our accounts.",
     "I'm new here - how do I add people to my workspace and give some of them admin rights?"],
  sh=["how do i invite my team?", "can i invite people in bulk?", "how to add colleagues"],
  n=["wants to invite {n_users} colleagues in bulk"],
  r=["Go to Settings > Members > Invite, then either paste a list of email addresses or upload a CSV. You "
     "can pick the role (admin, member or guest) for each person before sending. Step-by-step guide: {kb}",
     "Welcome aboard! The fastest option for your size is to enable 'Allow anyone with an @{domain} email to "
     "join' under Settings > Members; colleagues can then join without individual invites. Details: {kb}"])
v("en", "onboarding", "import_tool", kb="import-from-other-tools", tags=["import"], urg=-0.2,
  s=["Importing from {competitor}", "Migrating our projects to Orbitly", "Import from Trello"],
  b=["We're moving from {competitor} to Orbitly. Can we bring our existing projects, tasks and comments "
     "over?",
     "I tried the CSV import but the dates and assignees aren't recognised. What format does the file need?"],
  sh=["can i import from {competitor}?", "csv import not recognising dates"],
  n=["migrating from {competitor}; needs import help"],
  r=["Yes - Settings > Import has direct importers for Trello, Asana and Jira, including comments and "
     "attachments. For {competitor}, the CSV route works well; here's the template and the field mapping: "
     "{kb}",
     "The CSV importer expects dates as YYYY-MM-DD and assignees as email addresses of existing workspace "
     "members. Adjust those two columns and re-run the import. Guide: {kb}"])
v("en", "onboarding", "roles", kb="invite-teammates", tags=["roles", "permissions"], urg=-0.3,
  s=["Difference between admin, member and guest?", "User roles question", "Who can see what?"],
  b=["Could you explain the difference between the admin, member and guest roles? I want to make sure our "
     "freelancers can't see internal projects.",
     "If I make someone a member, can they see all projects, or only the ones they're added to?"],
  sh=["whats the difference between member and guest", "can guests see everything?"],
  n=["asks about roles and visibility"],
  r=["Admins manage the workspace and billing, members can see all public projects and create new ones, and "
     "guests only see projects they're explicitly invited to. For freelancers, guests are the right choice. "
     "Overview: {kb}",
     "Members see public projects plus private ones they've been added to; guests only see what they're "
     "invited to. You can check anyone's access from Members > ... > View access. {kb}"])
v("en", "onboarding", "setup_best_practice", kb="getting-started-admins", tags=["setup"], urg=-0.4,
  s=["How should we structure our workspace?", "Best practices for setting up projects",
     "Getting started tips"],
  b=["We're a {n_users}-person agency and just started our trial. How do other teams structure projects - "
     "one project per client, or per department?",
     "I'm setting up Orbitly for our company. Are there templates we can start from?"],
  sh=["any tips for setting up our workspace?", "are there project templates?"],
  n=["asks for workspace structure best practices"],
  r=["Most agencies use one project per client with a shared template for the phases. You'll find ready-made "
     "templates under New project > Templates > Agency. Our admin getting-started guide covers the rest: "
     "{kb}",
     "I'd start with a team for each department and projects inside them; a 20-minute setup checklist is "
     "here: {kb}"])
v("en", "onboarding", "training", kb="getting-started-admins", tags=["training"], urg=-0.1, min_tier=2,
  s=["Onboarding session for our team", "Can we book a training?", "Training request for new users"],
  b=["We're rolling Orbitly out to {n_users} people next month. Do you offer a live onboarding session or "
     "training for admins?",
     "Our team is struggling to adopt Orbitly. Could someone from your side run a short training?"],
  sh=["do you offer training sessions?"],
  n=["requests onboarding/training for {n_users} users"],
  r=["As a {plan} customer you're entitled to two live onboarding sessions. I've asked your customer success "
     "manager to reach out with available slots this week. Until then, this guide is a good start: {kb}",
     "We run free live webinars every Tuesday and Thursday, and I've also sent you a link to book a "
     "dedicated session for your admins. {kb}"])
v("en", "onboarding", "invite_not_received", kb="invite-teammates", tags=["invites"], urg=0.0,
  s=["Colleague didn't receive invite", "Invitation email never arrived", "Invite link expired"],
  b=["I invited {n} new colleagues yesterday but none of them got the invitation email.",
     "My colleague says the invitation link shows 'This invite has expired'."],
  sh=["invite email not received", "invite link expired"],
  n=["invitation emails not received"],
  r=["The invitations were blocked by your company's spam filter. You can copy the invite link from Settings "
     "> Members > Pending and send it directly, or ask IT to allow no-reply@orbitly.example. {kb}",
     "Invite links expire after 7 days. I've resent the invitations; you can also click 'Resend' next to "
     "each pending invite. {kb}"])
v("en", "onboarding", "plan_choice", kb="plans-and-features", tags=["plans", "trial"], urg=-0.3,
  s=["Which plan do we need?", "Pro vs Business", "Questions before buying"],
  b=["We're in the trial and trying to decide between Pro and Business. We need SSO and guest accounts. "
     "Which plan covers that?",
     "Does the Pro plan include the timeline view and integrations, or only Business?"],
  sh=["pro or business for sso?", "what's included in pro?"],
  n=["choosing between Pro and Business"],
  r=["Based on what you describe, Business is the better fit because SSO is included from Business upwards; "
     "guests are available on all paid plans. I've extended your trial by 14 days so you can test it. {kb}",
     "Timeline and all integrations are part of Pro; Business adds SSO, advanced permissions and invoice "
     "billing. Here's the full comparison: {kb}"])
v("en", "onboarding", "workspace_confusion", kb="getting-started-admins", tags=["setup"], urg=-0.2,
  s=["I have two workspaces by accident", "Confused about workspaces vs teams", "Joined the wrong workspace"],
  b=["I think I accidentally created a second workspace instead of joining my company's one. How do I get "
     "into the right one and get rid of the other?",
     "I'm confused - what's the difference between a workspace, a team and a project?"],
  sh=["i made a second workspace by mistake", "workspace vs team vs project?"],
  n=["created duplicate workspace / confused about structure"],
  r=["Ask your company admin to invite {email}, then switch workspaces via the workspace menu in the "
     "top-left. The empty workspace you created can be removed under Settings > General > Delete workspace. "
     "{kb}",
     "A workspace is your company's space, teams group people inside it, and projects hold the actual work. "
     "This overview explains it with examples: {kb}"])

# --- security_incident ------------------------------------------------------------------------------------
v("en", "security_incident", "suspicious_login", kb="review-audit-log", tags=["suspicious-login"], urg=0.4,
  s=["Login from unknown location", "Suspicious sign-in alert", "Someone logged into my account?"],
  b=["I just got an email saying there was a new sign-in to my account from {place}. That wasn't me. What "
     "should I do?",
     "Our audit log shows logins to an admin account from IP {ip}, which we don't recognise."],
  sh=["got a login alert from {place}, wasnt me", "suspicious login on my account"],
  n=["sign-in alert from {place}, not the customer"],
  r=["I've signed out all active sessions on your account and temporarily blocked logins from that IP. "
     "Please change your password now and turn on two-factor authentication. The audit log shows no changes "
     "were made during that session. How to review it: {kb}",
     "Thanks for reporting it right away. That sign-in came from a VPN exit node, so it might have been you "
     "or a colleague on the VPN - but to be safe we've ended all sessions and you'll need to reset your "
     "password. {kb}"])
v("en", "security_incident", "compromised", kb="report-a-security-issue", tags=["compromised-account"],
  urg=0.7,
  s=["Account hacked", "Someone took over our admin account", "Unauthorized changes in workspace"],
  b=["Someone got into our admin account, changed the email address and removed two of our admins. We need "
     "this locked down immediately.",
     "Projects are being deleted and guests we don't know have been invited. We think an account was "
     "compromised."],
  sh=["our account got hacked", "someone is deleting our projects"],
  n=["admin account compromised; unauthorized changes"],
  r=["We've locked the affected account, revoked all sessions and API tokens, and restored the original "
     "email address and admin roles. The guests that were added have been removed. Our security team is "
     "reviewing the audit log and will send you a full report within 24 hours. {kb}",
     "I've escalated this to our security team, who have frozen the workspace settings and restored the "
     "deleted projects from the trash. Please reset passwords for all admins and enforce 2FA. We'll follow "
     "up with findings. {kb}"])
v("en", "security_incident", "phishing", kb="phishing-emails", tags=["phishing"], urg=-0.2,
  s=["Is this email really from Orbitly?", "Phishing email pretending to be you", "Suspicious invoice email"],
  b=["I received an email that looks like it's from Orbitly asking me to 'verify my billing details' via a "
     "link to orbitly-billing.com. That doesn't look right.",
     "Several of our employees got a fake Orbitly login page in an email today. Just letting you know."],
  sh=["got a weird email claiming to be from orbitly", "phishing email using your logo"],
  n=["reports phishing email impersonating Orbitly"],
  r=["Thank you for reporting it - that email is not from us. We only send email from orbitly.example "
     "addresses, and we never ask for card details by email. We've reported the domain for takedown. If "
     "anyone entered their password, they should change it right away. {kb}",
     "Good catch. This is a known phishing campaign and our security team is working on getting the site "
     "taken down. Here's how to recognise genuine Orbitly emails: {kb}"])
v("en", "security_incident", "public_link", kb="review-audit-log", tags=["sharing", "data-leak"], urg=0.4,
  s=["Confidential doc shared publicly by mistake", "Public link to internal document", "Possible data leak"],
  b=["A colleague accidentally created a public link to a doc with salary information and posted it in a "
     "public forum. We've disabled the link - can you tell us if anyone opened it?",
     "We found that an internal project has had public sharing turned on for weeks. Can we see who accessed "
     "it?"],
  sh=["shared a private doc publicly by accident, who saw it?"],
  n=["confidential doc exposed via public link; wants access logs"],
  r=["The audit log for that doc shows {n} views via the public link; I've exported the entries, including "
     "IP addresses, for you. To prevent this in future, admins can disable public links entirely under "
     "Settings > Security > Sharing. {kb}",
     "I've confirmed the public link is disabled. Access logs show it was opened only from your company's IP "
     "range, so there's no sign of external access. {kb}"])
v("en", "security_incident", "token_leak", kb="report-a-security-issue", tags=["api-token"], urg=0.6,
  s=["API token leaked on GitHub", "Exposed API key", "Committed our Orbitly token by mistake"],
  b=["One of our developers pushed a config file containing an Orbitly API token to a public GitHub "
     "repository. It was up for about {hours} hours. What should we do?",
     "GitHub's secret scanning flagged an Orbitly token in one of our public repos."],
  sh=["leaked our api token on github"],
  n=["API token exposed in public GitHub repo for {hours} hours"],
  r=["Please revoke the token under Settings > API > Tokens right away - I've already revoked it on our side "
     "as a precaution. Our logs show no API calls with that token from outside your usual IP addresses. "
     "Create a new token and store it in your secrets manager. {kb}",
     "We received the GitHub secret scanning alert as well and the token was revoked automatically within "
     "minutes. No unexpected usage was found. Details on our process: {kb}"])
v("en", "security_incident", "vuln", kb="report-a-security-issue", tags=["vulnerability"], urg=0.3,
  s=["Security vulnerability report", "XSS in doc comments", "Responsible disclosure"],
  b=["I'm a security researcher and found a stored XSS issue in doc comments that allows running scripts in "
     "other users' sessions. I'd like to report it responsibly.",
     "I believe I found a way to view task titles of private projects via the API. Where should I send the "
     "details?"],
  sh=["found a security hole, where to report?"],
  n=["security researcher reporting a vulnerability"],
  r=["Thank you for reporting this responsibly. Please send the technical details to "
     "security@orbitly.example or via our bug bounty page; our security team acknowledges reports within one "
     "business day. {kb}",
     "I've forwarded this to our security team, who have reproduced the issue and are working on a fix. "
     "They'll contact you directly about the bounty. {kb}"])
v("en", "security_incident", "ex_employee", kb="review-audit-log", tags=["offboarding", "access"], urg=0.5,
  s=["Former employee still has access", "Ex-employee logging in", "Offboarded user still active"],
  b=["We let someone go last week and just saw in the audit log that they logged in yesterday and downloaded "
     "files.",
     "A former contractor still receives notifications and can see our projects, even though we removed them "
     "in {idp}."],
  sh=["ex employee still logging in!", "removed a contractor in {idp} but they still see our projects"],
  n=["former employee still accessing workspace"],
  r=["The account has been suspended and all its tokens revoked. You can review exactly what was accessed in "
     "the audit log, filtered by that user, and I've attached an export of their activity since last week: "
     "{kb}",
     "I've deactivated the account and ended its sessions. Removing a user in {idp} doesn't affect existing "
     "sessions unless SCIM deprovisioning is enabled; I recommend turning that on under Settings > Security "
     "> Provisioning. {kb}"])
v("en", "security_incident", "mass_deletion", kb="review-audit-log", tags=["deletion"], urg=0.6,
  s=["Many projects deleted overnight", "Who deleted our projects?", "Projects missing - attack?"],
  b=["This morning {n} of our projects were gone. None of our admins deleted them. We need to know who did "
     "it and get them back.",
     "Someone deleted an entire team space last night. Is this an attack?"],
  sh=["projects deleted overnight, who did this?"],
  n=["multiple projects deleted overnight, possibly malicious"],
  r=["The audit log shows the projects were deleted by an API token created by one of your members; it looks "
     "like a misconfigured script rather than an attack. I've restored all {n} projects from the trash and "
     "revoked the token. How to review the audit log: {kb}",
     "I've restored the deleted projects. The deletions came from an account that signed in from a new "
     "device; as a precaution we've signed it out everywhere. Please check with the user and reset their "
     "password. {kb}"])

# --- oos (out of scope) -----------------------------------------------------------------------------------
_OOS_POLITE_EN = [
    "Hi {first}, thanks for your message. This address is for Orbitly customer support, so we're not able to "
    "help with this. All the best!",
    "Hi {first}, thanks for getting in touch. This inbox only handles questions about the Orbitly product, "
    "so I'll close this conversation. Have a good day!",
]
v("en", OOS, "spam_seo", urg=-0.5,
  s=["Boost your website ranking", "Quick question about your website", "Partnership opportunity"],
  b=["Hello, I was checking your website and noticed it isn't ranking on the first page of Google for "
     "important keywords. We are an SEO agency and can get you to page one within 30 days. Can I send you a "
     "proposal?",
     "Dear website owner, we offer high-quality backlinks and guest posts on DA 50+ websites at very "
     "affordable prices. Reply to get our price list."],
  sh=["we can get you on page 1 of google, dm us"],
  n=["cold pitch from an SEO agency"],
  r=_OOS_POLITE_EN)
v("en", OOS, "job_application", urg=-0.5,
  s=["Job application - Customer Support Specialist", "Internship inquiry", "Application for open position"],
  b=["Dear Hiring Manager, I'm writing to apply for the Customer Support Specialist role at Orbitly. I have "
     "three years of experience in SaaS support and I've attached my CV.",
     "Hi, are you hiring developers? I'm a recent graduate and would love to work at Orbitly."],
  sh=["are you hiring?", "any internships open?"],
  n=["job seeker asking about open positions"],
  r=["Hi {first}, thank you for your interest in working at Orbitly! Support can't process applications, but "
     "all open roles are listed at orbitly.example/careers and you can apply there directly. Good luck!",
     "Hi {first}, thanks for reaching out. Please apply via our careers page at orbitly.example/careers - "
     "our recruiting team reviews every application there."])
v("en", OOS, "wrong_company", urg=-0.5,
  s=["My internet is not working", "Order #58213 not delivered", "Cancel my membership"],
  b=["My Orbit broadband connection has been dropping all day and the router light is red. Please send a "
     "technician.",
     "I ordered a phone case from your shop two weeks ago and it still hasn't arrived. Order number 58213.",
     "I want to cancel my gym membership at Orbit Fitness. How do I do that?"],
  sh=["my orbit internet keeps dropping", "where is my order??"],
  n=["caller was looking for a different company"],
  r=["Hi {first}, I think you may have reached the wrong company - Orbitly makes project and team workspace "
     "software, and we're not related to that service. I hope you find the right contact quickly!",
     "Hi {first}, sorry, we're Orbitly, a software company, and can't help with this. You'll want to contact "
     "the provider directly."])
v("en", OOS, "chit_chat", urg=-0.5,
  s=["Just saying thanks", "Hello"],
  b=["Just wanted to say I love using Orbitly, it's made our team so much more organised. Keep it up!",
     "Hi, is anyone there? Just testing this."],
  sh=["hello?", "just testing", "you guys rock"],
  n=["customer just saying hi, no issue"],
  r=["Hi {first}, thank you so much, that made our day! If you ever need anything, we're here.",
     "Hi {first}, yes, we're here! Let us know if there's anything we can help with."])
v("en", OOS, "sales_cold", urg=-0.5,
  s=["Helping SaaS companies scale outbound", "15 minutes next week?", "Reduce your cloud costs by 40%"],
  b=["Hi there, I lead partnerships at LeadRocket. We help SaaS companies like Orbitly book 30+ qualified "
     "demos per month. Would you be open to a 15-minute call next week?",
     "Hello, are you the right person to talk to about your cloud infrastructure spend? We've helped similar "
     "companies save 40% on AWS."],
  sh=["can we book 15 min to talk about growth?"],
  n=["sales cold outreach"],
  r=_OOS_POLITE_EN)
v("en", OOS, "unrelated_product", urg=-0.5,
  s=["Excel formula question", "Printer not working", "Recover deleted WhatsApp messages"],
  b=["How do I make a VLOOKUP that ignores blank cells in Excel? I've been stuck for an hour.",
     "My printer says it's offline even though it's connected to Wi-Fi. Can you help?",
     "How can I recover deleted WhatsApp messages on my phone?"],
  sh=["how do i fix my printer", "excel vlookup help"],
  n=["asked about a non-Orbitly product"],
  r=["Hi {first}, unfortunately that's outside what we can help with, as we only support the Orbitly app. "
     "The product's own support or community forum will be your best bet.",
     "Hi {first}, we're only able to help with Orbitly here, sorry! I'd recommend that product's help "
     "center."])
v("en", OOS, "spam_crypto", urg=-0.5,
  s=["Congratulations!!! You have won", "Invoice attached - payment due"],
  b=["CONGRATULATIONS! Your email has been selected to receive 2.5 BTC. Click the link below to claim your "
     "reward within 24 hours.",
     "Please see the attached invoice and confirm payment today. Download: hxxp://bit.ly/3xInv"],
  sh=["free crypto giveaway, click the link in bio"],
  n=["spam"],
  r=[])
v("en", OOS, "sponsorship", urg=-0.5,
  s=["Sponsorship request for our hackathon", "Donation request", "Would Orbitly sponsor our event?"],
  b=["We're organising a student hackathon in {place} next spring and are looking for sponsors. Would "
     "Orbitly be interested in supporting us? We can offer logo placement and a booth.",
     "Our non-profit runs a coding club for kids. Would you consider donating some licenses or sponsoring a "
     "workshop?"],
  sh=["would you sponsor our hackathon?"],
  n=["sponsorship request for an event"],
  r=["Hi {first}, thanks for thinking of us! Sponsorship requests are handled by our marketing team - please "
     "send the details to community@orbitly.example and they'll get back to you.",
     "Hi {first}, that sounds like a great event. I've forwarded your message to our community team, who "
     "decide on sponsorships. They'll reach out if it's a fit."])


# ---------------------------------------------------------------------------------------------------------
# German problem variants
# ---------------------------------------------------------------------------------------------------------

v("de", "billing", "double_charge", kb="duplicate-charges", tags=["card", "charge"], urg=0.2,
  s=["Doppelte Abbuchung", "Zweimal belastet für dasselbe Abo", "Abbuchung {invoice} doppelt?"],
  b=["Auf unserer Kreditkarte (Endung {last4}) wurden für die Verlängerung im {month} zweimal {amount} "
     "abgebucht. Wir haben nur einen Workspace, da muss ein Fehler vorliegen.",
     "Laut Kontoauszug hat Orbitly am {date} {amount} eingezogen und am Folgetag noch einmal. In der "
     "Rechnungsübersicht sehe ich aber nur die Rechnung {invoice}."],
  sh=["warum wurde ich zweimal belastet?", "zwei gleiche abbuchungen von euch"],
  n=["Kunde sieht zwei Abbuchungen über {amount} für die Verlängerung im {month}"],
  d=["Unsere Buchhaltung ist beim Abgleich darüber gestolpert."],
  r=["Sie haben recht: Durch einen automatischen Wiederholungsversuch unseres Zahlungsanbieters wurde die "
     "Zahlung zweimal eingezogen. Ich habe die zweite Belastung über {amount} storniert; je nach Bank ist "
     "sie in 5-10 Werktagen wieder auf Ihrem Konto. Hintergrund: {kb}",
     "Die zweite Buchung war nur eine Reservierung, keine abgeschlossene Zahlung. Sie wurde bei uns bereits "
     "freigegeben und verschwindet in wenigen Tagen von Ihrer Abrechnung. Berechnet wurde nur {invoice}."])
v("de", "billing", "invoice_details", kb="add-vat-id", tags=["invoice", "vat"], urg=-0.3,
  s=["USt-IdNr. fehlt auf der Rechnung", "Rechnung mit falscher Firmenadresse",
     "Bitte Rechnung {invoice} korrigieren"],
  b=["Unsere Buchhaltung kann die Rechnung {invoice} nicht verbuchen, weil unsere USt-IdNr. und die "
     "Firmenanschrift fehlen. Können Sie die Rechnung für {company} neu ausstellen?",
     "Auf unseren Rechnungen steht immer noch mein Name statt {company}. Wo kann ich das ändern, und lassen "
     "sich die letzten {n} Rechnungen korrigieren?"],
  sh=["wie bekomme ich unsere ust-id auf die rechnung?", "firmenname fehlt auf rechnung"],
  n=["Rechnung {invoice} soll mit USt-IdNr. und Firmenadresse neu ausgestellt werden"],
  d=["Das brauchen wir für den Jahresabschluss."],
  r=["Die USt-IdNr., den Firmennamen und die Rechnungsadresse können Sie unter Einstellungen > Abrechnung > "
     "Rechnungsdaten hinterlegen; alle künftigen Rechnungen übernehmen das. Die Rechnung {invoice} habe ich "
     "bereits korrigiert neu ausgestellt. Anleitung: {kb}",
     "Ich habe das Rechnungsprofil für {company} angepasst und die letzten {n} Rechnungen neu erzeugt. Sie "
     "finden die neuen PDFs in der Rechnungsübersicht."])
v("de", "billing", "card_declined", kb="update-payment-method", tags=["card", "payment-failed"], urg=0.3,
  s=["Zahlung fehlgeschlagen", "Karte abgelehnt - wird unser Workspace herabgestuft?", "Abo überfällig?"],
  b=["Wir haben eine E-Mail bekommen, dass die Zahlung für unseren {plan}-Tarif fehlgeschlagen ist und der "
     "Workspace in {days} Tagen herabgestuft wird. Unsere Bank hat die Karte letzten Monat ausgetauscht. Wie "
     "hinterlege ich die neue Karte?",
     "In der App steht ein roter Hinweis, dass unser Abo überfällig ist. Ich habe die Karte gestern "
     "aktualisiert, aber der Hinweis ist immer noch da."],
  sh=["zahlung schlägt fehl obwohl karte gültig ist", "hinweis abo überfällig??"],
  n=["Zahlung für Verlängerung fehlgeschlagen, neue Karte von der Bank"],
  r=["Keine Sorge: Überfällige Workspaces behalten 14 Tage lang vollen Zugriff. Die neue Karte können Sie "
     "unter Einstellungen > Abrechnung > Zahlungsmethode hinterlegen; danach buchen wir die offene Rechnung "
     "automatisch erneut ab. Schritt für Schritt: {kb}",
     "Die gestern hinterlegte Karte wurde heute früh erfolgreich belastet, die Rechnung {invoice} ist "
     "bezahlt. Nach einem Neuladen der Seite sollte der Hinweis verschwunden sein."])
v("de", "refunds", "annual_mistake", kb="request-a-refund", tags=["annual"], urg=0.2,
  s=["Versehentlich Jahresabo gebucht", "Falschen Tarif gekauft - bitte rückgängig machen",
     "Geld zurück für Jahreszahlung?"],
  b=["Ich habe beim Upgrade aus Versehen das Jahresabo für {plan} gewählt und {amount} bezahlt, wollte aber "
     "nur einen Monat testen. Die Funktionen habe ich noch gar nicht genutzt. Kann man das rückgängig "
     "machen?",
     "Ein Kollege hat ohne Absprache auf den jährlichen {plan}-Tarif umgestellt. Wir möchten die {amount} "
     "zurückhaben und wieder monatlich zahlen."],
  sh=["aus versehen jahresabo gekauft, geld zurück?", "falschen tarif gebucht"],
  n=["versehentliches Jahres-Upgrade ({amount}), möchte Erstattung"],
  r=["Da das Upgrade weniger als 14 Tage zurückliegt, greift unsere Erstattungsrichtlinie. Ich habe {amount} "
     "auf Ihre ursprüngliche Zahlungsmethode erstattet und den Workspace auf monatliche Zahlung umgestellt. "
     "Details: {kb}",
     "Kein Problem, das kommt vor. Ich habe das Jahresabo storniert und anteilig {amount2} erstattet; der "
     "bereits genutzte Monat bleibt bestehen."])
v("de", "refunds", "cancelled_still_charged", kb="refund-policy", tags=["cancellation"], urg=0.4,
  s=["Gekündigt und trotzdem abgebucht", "Abbuchung nach Kündigung",
     "Warum wurde ich nach der Kündigung belastet?"],
  b=["Ich habe mein Abo im {month} gekündigt und eine Bestätigung erhalten. Heute wurden trotzdem {amount} "
     "abgebucht. Bitte erstatten Sie den Betrag.",
     "Wir sind vor Wochen auf den Free-Tarif gewechselt, trotzdem wurde am {date} die Rechnung {invoice} "
     "bezahlt. Ich erwarte die sofortige Rückzahlung."],
  sh=["gekündigt und trotzdem abgebucht!", "warum werde ich noch belastet?"],
  n=["nach Kündigung im {month} mit {amount} belastet"],
  r=["Das tut mir leid. Die Kündigung wurde durch einen Synchronisationsfehler auf unserer Seite nicht "
     "verarbeitet. Ich habe die Rechnung {invoice} über {amount} vollständig erstattet und das Abo beendet. "
     "Unsere Erstattungsrichtlinie: {kb}",
     "Die Herabstufung war zum Ende der Laufzeit geplant statt sofort, deshalb lief diese Verlängerung noch. "
     "Wegen des Missverständnisses habe ich {amount} erstattet und das Abo heute beendet."])
v("de", "refunds", "refund_status", kb="request-a-refund", tags=["refund-status"], urg=0.2,
  s=["Wo bleibt meine Erstattung?", "Rückzahlung noch nicht erhalten", "Status Erstattung {ticket_ref}"],
  b=["Ihr Kollege hat mir am {date} eine Erstattung über {amount} zugesagt (Ticket {ticket_ref}), auf meiner "
     "Karte ist aber noch nichts angekommen.",
     "Seit über zwei Wochen warte ich auf das Geld. Meine Bank sieht keine ausstehende Gutschrift. Bitte "
     "schicken Sie mir einen Nachweis."],
  sh=["warte immer noch auf meine erstattung"],
  n=["zugesagte Erstattung über {amount} noch nicht angekommen"],
  r=["Die Erstattung über {amount} wurde am {date} veranlasst. Je nach Bank dauert es bis zu 10 Werktage. "
     "Sollte bis nächste Woche nichts zu sehen sein, kann Ihre Bank sie mit der Referenz ARN 7415{last4} "
     "nachverfolgen. {kb}",
     "Es tut mir leid: Die Erstattung war genehmigt, wurde aber nie an den Zahlungsanbieter übermittelt. Ich "
     "habe sie eben ausgelöst ({amount}); die Bestätigung hängt an."])
v("de", "login_access", "reset_email_missing", kb="reset-password", tags=["password"], urg=0.2,
  s=["Passwort-Reset-Mail kommt nicht an", "Kann mich nicht anmelden", "Passwort vergessen, kein Link"],
  b=["Ich habe mein Passwort vergessen und {n}-mal einen Link angefordert, aber es kommt keine E-Mail an, "
     "auch nicht im Spam. Meine Adresse ist {email}.",
     "Die E-Mail zum Zurücksetzen des Passworts kommt nie an. Unsere IT hat auch die Quarantäne geprüft."],
  sh=["reset mail kommt nicht", "passwort vergessen, link kommt nicht an"],
  n=["erhält keine Passwort-Reset-Mails ({email})"],
  r=["Laut unseren Logs hat Ihr Mailserver die E-Mails an {email} als Massenmail abgelehnt. Bitte lassen Sie "
     "no-reply@orbitly.example von Ihrer IT freigeben; bis dahin habe ich Ihnen einen einmaligen Anmeldelink "
     "geschickt. Anleitung: {kb}",
     "Die E-Mails hingen in einer Warteschlange fest, das ist behoben. Ich habe einen neuen Link ausgelöst, "
     "er ist 60 Minuten gültig. {kb}"])
v("de", "login_access", "2fa_lost", kb="two-factor-authentication", tags=["2fa"], urg=0.4,
  s=["Neues Handy - kein 2FA-Code mehr", "Ausgesperrt durch Zwei-Faktor-Authentifizierung",
     "2FA zurücksetzen"],
  b=["Ich habe ein neues Handy und die Authenticator-App nicht übertragen. Jetzt komme ich nicht mehr an der "
     "2FA-Abfrage vorbei, Backup-Codes habe ich auch keine.",
     "Mein Handy wurde gestohlen und Orbitly verlangt einen 6-stelligen Code, den ich nicht mehr erzeugen "
     "kann."],
  sh=["2fa code wird nicht akzeptiert", "handy weg, komme nicht mehr rein"],
  n=["2FA-Gerät verloren, keine Backup-Codes"],
  r=["Zum Schutz Ihres Kontos müssen wir Ihre Identität prüfen, bevor wir 2FA entfernen. Ich habe eine "
     "Bestätigungsanfrage an {email} geschickt; sobald ein weiterer Admin zustimmt, wird 2FA zurückgesetzt. "
     "So sichern Sie künftig Ihre Backup-Codes: {kb}",
     "Danke für die Bestätigung. Ich habe die Zwei-Faktor-Authentifizierung zurückgesetzt; beim nächsten "
     "Login richten Sie sie auf dem neuen Handy neu ein."])
v("de", "login_access", "sso_error", kb="troubleshoot-sso-errors", tags=["sso"], urg=0.5, min_tier=2,
  s=["SSO-Anmeldung schlägt fehl", "Fehler bei {idp}-Login: {sso_error}",
     "SAML-Fehler seit Zertifikatswechsel"],
  b=["Seit heute Morgen erhalten unsere Nutzer beim Login über {idp} die Meldung \"{sso_error}\". An der "
     "Konfiguration haben wir nichts geändert.",
     "Wir haben gestern das Signaturzertifikat in {idp} erneuert, seitdem scheitert die Anmeldung mit "
     "\"{sso_error}\"."],
  sh=["sso kaputt: {sso_error}", "login über {idp} geht nicht"],
  n=["SSO über {idp} schlägt fehl: \"{sso_error}\""],
  r=["In unseren Logs sendet {idp} die NameID als persistente ID statt als E-Mail-Adresse. Stellen Sie das "
     "NameID-Format in der Orbitly-App in {idp} auf 'EmailAddress' um. Weitere Tipps: {kb}",
     "Orbitly prüft noch gegen Ihr altes Zertifikat. Laden Sie das neue unter Einstellungen > Sicherheit > "
     "SAML SSO hoch (oder hinterlegen Sie die neue Metadaten-URL), dann funktioniert die Anmeldung sofort. "
     "{kb}"])
v("de", "bug_report", "doc_not_saving", kb="clear-cache-and-reload", tags=["docs"], urg=0.4,
  s=["Änderungen in Dokumenten werden nicht gespeichert", "Text im Dokument verloren", "Fehler: {error}"],
  b=["Wenn ich im Bereich „{area}“ ein Dokument bearbeite, sind nach dem Neuladen die Hälfte der Änderungen "
     "weg. Manchmal erscheint \"{error}\".",
     "Ich habe 20 Minuten an einem Dokument geschrieben, es stand 'Gespeichert' da, und bei meiner Kollegin "
     "war der Text nicht vorhanden."],
  sh=["meine änderungen verschwinden", "dokument speichert nicht"],
  n=["Änderungen in Dokumenten gehen verloren, Meldung \"{error}\""],
  r=["Die Meldung kommt von einer veralteten Version des Editors im Browser-Cache. Ein harter Reload "
     "(Strg/Cmd + Umschalt + R) behebt das. Die verlorenen Änderungen finden Sie im Versionsverlauf des "
     "Dokuments. Anleitung: {kb}",
     "Wir haben einen Fehler gefunden, durch den Änderungen nach kurzen Verbindungsabbrüchen nicht erneut "
     "gesendet wurden. Der Fix ist seit heute Morgen live, und ich habe den fehlenden Inhalt "
     "wiederhergestellt."])
v("de", "bug_report", "mobile_crash", kb="mobile-app-troubleshooting", tags=["mobile", "crash"], urg=0.3,
  s=["App stürzt beim Öffnen einer Aufgabe ab", "iOS-App stürzt ständig ab", "Android-App schließt sofort"],
  b=["Seit dem letzten Update stürzt die Orbitly-App auf meinem {device} ({os}) ab, sobald ich eine Aufgabe "
     "mit Anhängen öffne.",
     "Die App schließt sich direkt nach dem Startbildschirm. Version {app_version} auf {device}, zweimal neu "
     "installiert."],
  sh=["app stürzt ständig ab", "app geht nach update nicht mehr"],
  n=["App v{app_version} stürzt auf {device} ab"],
  r=["Das passt zu einem Fehler in Version {app_version} bei PDF-Anhängen über 20 MB. Eine korrigierte "
     "Version wird heute im Store ausgerollt. Falls es danach weiterhin abstürzt, erklärt dieser Artikel, "
     "wie Sie uns ein Absturzprotokoll senden: {kb}",
     "Bitte melden Sie sich ab, löschen die App, starten das Handy neu und installieren sie erneut - die "
     "lokale Datenbank wurde beim Update beschädigt. Ihre Daten liegen sicher auf unseren Servern. {kb}"])
v("de", "bug_report", "notifications", kb="notifications-not-arriving", tags=["notifications"], urg=-0.1,
  s=["Keine Benachrichtigungen mehr", "E-Mail-Benachrichtigungen kommen nicht", "Push-Nachrichten fehlen"],
  b=["Ich bekomme keine Benachrichtigungen mehr, wenn mich jemand erwähnt oder mir eine Aufgabe zuweist. Die "
     "Einstellungen sehen richtig aus.",
     "Seit ein paar Tagen kommen bei unserem Team keine E-Mail-Benachrichtigungen mehr an."],
  sh=["keine benachrichtigungen mehr bei erwähnungen", "keine e-mail-benachrichtigungen mehr"],
  n=["Benachrichtigungen kommen nicht an"],
  r=["In Ihren Einstellungen war 'Nicht stören' ganztägig geplant, vermutlich versehentlich in der App. Ich "
     "habe das deaktiviert. Sie finden es unter Profil > Benachrichtigungen > Zeitplan: {kb}",
     "Ihr Mailserver lehnt unsere Benachrichtigungen seit Kurzem ab (Code 550). Bitte lassen Sie "
     "notifications@orbitly.example freigeben. {kb}"])
v("de", "outage", "cant_load", kb="status-page-and-incidents", tags=["downtime"], urg=0.5,
  s=["Ist Orbitly down?", "App lädt nicht", "502 Bad Gateway", "Störung?"],
  b=["Seit etwa {time} kann niemand bei uns Orbitly öffnen. Wir sehen nur eine weiße Seite oder \"Error "
     "502\". Unser Internet funktioniert, alles andere läuft.",
     "Web-App und mobile App zeigen bei allen im Büro 'Verbindung zu Orbitly nicht möglich'. Gibt es eine "
     "Störung?"],
  sh=["ist orbitly down??", "nichts lädt, überall 502"],
  n=["App lädt seit {time} für das ganze Team nicht (502)"],
  r=["Ab {time} hatten wir eine größere Störung durch ein fehlgeschlagenes Datenbank-Failover in der Region "
     "{region}. Der Dienst ist vollständig wiederhergestellt, es gingen keine Daten verloren. Der Bericht "
     "folgt auf {status_url}. {kb}",
     "Ein abgelaufenes Zertifikat am Load Balancer hat etwa {minutes} Minuten lang 502-Fehler verursacht. "
     "Das ist behoben und alles läuft wieder normal."])
v("de", "outage", "chat_not_sending", kb="status-page-and-incidents", tags=["chat"], urg=0.3,
  s=["Chat-Nachrichten werden nicht gesendet", "Nachrichten hängen bei 'Wird gesendet'", "Chat geht nicht"],
  b=["Nachrichten im Orbitly-Chat bleiben mit einem Uhr-Symbol hängen und kommen nie an. Seit {time} "
     "betrifft das alle in unserem Workspace.",
     "Keiner unserer Chat-Kanäle aktualisiert sich, neue Nachrichten sieht man erst nach dem Neuladen."],
  sh=["chat nachrichten gehen nicht raus"],
  n=["Chat-Nachrichten hängen seit {time}"],
  r=["Unser Echtzeit-Nachrichtendienst hatte ab {time} etwa 40 Minuten lang Probleme. Die hängenden "
     "Nachrichten wurden inzwischen in der richtigen Reihenfolge zugestellt. Zusammenfassung: {status_url}",
     "Die Nachrichtenwarteschlange für einen Teil der Kunden in der Region {region} war blockiert und wurde "
     "neu gestartet. Es gingen keine Nachrichten verloren. Störungen live verfolgen: {kb}"])
v("de", "outage", "status_green", kb="status-page-and-incidents", tags=["status-page"], urg=0.5,
  s=["Statusseite grün, aber nichts geht", "Ihre Statusseite stimmt nicht"],
  b=["Seit {minutes} Minuten kann bei uns niemand Projekte laden, und Ihre Statusseite zeigt 'Alle Systeme "
     "betriebsbereit'. Wie kann das sein?",
     "Der halbe Workspace bekommt Fehler, die Statusseite ist grün. Bitte aktualisieren Sie sie wenigstens."],
  sh=["statusseite sagt alles ok, aber nichts geht"],
  n=["Workspace lädt nicht, Statusseite grün"],
  r=["Sie haben recht, das tut mir leid. Das Problem betraf nur Workspaces auf einem Datenbank-Shard, "
     "deshalb haben unsere automatischen Checks es nicht erkannt. Gegen {time} wurde es behoben; wir haben "
     "den Vorfall nachträglich auf {status_url} veröffentlicht.",
     "Der Vorfall wurde wenige Minuten nach Ihrer Nachricht gemeldet und ist inzwischen behoben. Über die "
     "Statusseite können Sie E-Mail- oder SMS-Benachrichtigungen abonnieren: {kb}"])
v("de", "integrations", "slack_stopped", kb="slack-integration", tags=["slack"], urg=0.2,
  s=["Slack-Benachrichtigungen kommen nicht mehr", "Slack-Verbindung funktioniert nicht"],
  b=["Seit dem {date} erscheinen keine Orbitly-Updates mehr in unserem Slack-Kanal. Wir haben nichts "
     "geändert.",
     "In Orbitly steht bei Slack 'Verbunden', aber es wird nichts gepostet. Beim Neuverbinden kommt "
     "\"{int_error}\"."],
  sh=["slack postet nichts mehr", "slack fehler {int_error}"],
  n=["Slack-Verbindung postet nicht mehr ({int_error})"],
  r=["Das Slack-Token wurde widerrufen, als der Slack-Nutzer deaktiviert wurde, der die App installiert "
     "hatte. Bitte verbinden Sie Slack unter Einstellungen > Integrationen > Slack als Slack-Admin neu. {kb}",
     "Slack verlangt seit Kurzem neue Berechtigungen. Wenn Sie die Orbitly-App neu verbinden, werden diese "
     "abgefragt; die Kanalzuordnungen bleiben erhalten. {kb}"])
v("de", "integrations", "jira_dupes", kb="jira-integration", tags=["jira"], urg=0.1,
  s=["Jira-Synchronisierung erzeugt Duplikate", "Jira-Status wird nicht übernommen"],
  b=["Bei jeder Jira-Synchronisierung entstehen doppelte Aufgaben in Orbitly. Im Projekt {project} haben wir "
     "inzwischen Hunderte Duplikate.",
     "Statusänderungen aus Jira kommen in Orbitly nicht mehr an, Kommentare schon."],
  sh=["jira sync macht duplikate"],
  n=["Jira-Sync erzeugt Duplikate"],
  r=["Die Duplikate entstanden, weil zwei Verbindungen auf dasselbe Jira-Projekt zeigten. Ich habe die "
     "ältere deaktiviert und {count} doppelte Aufgaben zusammengeführt. Empfohlene Einrichtung: {kb}",
     "Ihr Jira-Admin hat den neuen Status 'In Review' angelegt, der noch nicht zugeordnet ist. Ordnen Sie "
     "ihn unter Einstellungen > Integrationen > Jira > Statuszuordnung zu. {kb}"])
v("de", "integrations", "reconnect_generic", kb="manage-integrations", tags=["reconnect"], urg=0.2,
  s=["{integration} getrennt", "{integration} meldet {int_error}"],
  b=["Seit unser bisheriger Admin weg ist, zeigt {integration} \"{int_error}\" und nichts wird "
     "synchronisiert.",
     "Mehrere verbundene Apps, darunter {integration}, wurden gleichzeitig getrennt. Hat sich bei Ihnen "
     "etwas geändert?"],
  sh=["{integration} geht nicht mehr"],
  n=["{integration} getrennt nach Admin-Wechsel"],
  r=["Integrationen hängen am Konto der Person, die sie eingerichtet hat. Klicken Sie als neuer Admin unter "
     "Einstellungen > Integrationen neben {integration} auf 'Neu verbinden'. {kb}",
     "Wir haben am {date} unsere OAuth-Zugangsdaten erneuert, und einige {integration}-Verbindungen wurden "
     "nicht aktualisiert. Ich habe das für Ihren Workspace angestoßen. {kb}"])
v("de", "data_export", "full_export", kb="export-workspace-data", tags=["export"], urg=0.2,
  s=["Export hängt bei 'Wird verarbeitet'", "Download-Link für Export abgelaufen"],
  b=["Ich habe am {date} einen vollständigen Export gestartet, er steht immer noch auf 'Wird verarbeitet'. "
     "Wir brauchen die Daten für eine Prüfung.",
     "Laut App ist der Export fertig, aber der Link in der E-Mail sagt 'abgelaufen'."],
  sh=["export hängt", "export link abgelaufen"],
  n=["Workspace-Export hängt seit {date}"],
  r=["Ihr Export hing an einem sehr großen Anhang fest. Ich habe ihn neu gestartet; Sie erhalten die "
     "Download-Links innerhalb einer Stunde per E-Mail. Links sind 7 Tage gültig. {kb}",
     "Export-Links laufen aus Sicherheitsgründen nach 7 Tagen ab. Ich habe einen neuen Link an {email} "
     "geschickt. {kb}"])
v("de", "data_export", "csv_fields", kb="export-project-csv", tags=["csv"], urg=-0.1,
  s=["Benutzerdefinierte Felder fehlen im CSV", "Export ohne Kommentare"],
  b=["Beim CSV-Export eines Projekts fehlen unsere eigenen Felder wie 'Budget' und 'Kunde'. Die brauchen wir "
     "fürs Reporting.",
     "Der {file_type}-Export enthält nur Titel und Status, keine Kommentare und keine Unteraufgaben."],
  sh=["csv export ohne eigene felder"],
  n=["CSV-Export ohne benutzerdefinierte Felder"],
  r=["Klicken Sie im Exportdialog auf 'Spalten auswählen' und setzen Sie Häkchen bei den gewünschten Feldern "
     "- sie sind standardmäßig nicht enthalten. Kommentare und Unteraufgaben lassen sich dort ebenfalls "
     "hinzufügen. {kb}",
     "Nutzen Sie Projekt > ... > Exportieren > Excel mit 'Alle Felder', dann sind Kommentare und "
     "Unteraufgaben dabei. {kb}"])
v("de", "data_export", "export_before_leaving", kb="export-workspace-data", tags=["export", "cancellation"],
  urg=0.1,
  s=["Alle Daten vor der Kündigung sichern", "Wie bekommen wir unsere Daten raus?"],
  b=["Wir wechseln zu einem anderen Tool, unser Abo endet am {date}. Wie exportieren wir alles - Projekte, "
     "Dokumente, Chatverlauf und Dateien?",
     "Bevor wir den Workspace schließen, brauche ich eine komplette Sicherung aller Dokumente und Anhänge."],
  sh=["wie exportiere ich alle daten?"],
  n=["möchte Komplettexport vor Kündigung am {date}"],
  r=["Inhaber können unter Einstellungen > Daten > Workspace exportieren alles herunterladen; wählen Sie "
     "'Vollständiger Export'. Nach der Kündigung bleiben die Daten noch 30 Tage verfügbar. {kb}",
     "Schade, dass Sie gehen! Ich habe einen vollständigen Export gestartet, der Link kommt an {email}. "
     "{kb}"])
v("de", "privacy_deletion", "delete_account", kb="delete-your-account", tags=["account-deletion"], urg=0.0,
  s=["Bitte mein Konto löschen", "Konto und Daten entfernen"],
  b=["Ich nutze Orbitly nicht mehr und möchte, dass mein Konto und alle meine Daten gelöscht werden. Meine "
     "Adresse: {email}.",
     "Ich möchte mein Konto vollständig löschen, in den Einstellungen kann ich aber nur den Workspace "
     "verlassen."],
  sh=["bitte konto löschen"],
  n=["möchte Konto und Daten löschen ({email})"],
  r=["Ich habe die Löschung Ihres Kontos gestartet. Ihre personenbezogenen Daten werden innerhalb von 30 "
     "Tagen entfernt, Backups nach weiteren 35 Tagen überschrieben. Sie erhalten eine Bestätigung an "
     "{email}. {kb}",
     "Sie können Ihr Konto unter Profil > Konto > Konto löschen selbst entfernen. Sind Sie alleiniger "
     "Inhaber eines Workspace, müssen Sie diesen vorher übertragen oder löschen. {kb}"])
v("de", "privacy_deletion", "gdpr_erasure", kb="gdpr-data-requests", tags=["gdpr"], urg=0.4,
  s=["Antrag auf Löschung nach Art. 17 DSGVO", "DSGVO-Löschanfrage"],
  b=["Hiermit beantrage ich gemäß Art. 17 DSGVO die Löschung sämtlicher mich betreffender personenbezogener "
     "Daten, einschließlich Backups und Logs. Bitte bestätigen Sie dies fristgerecht schriftlich.",
     "Ich verlange die Löschung aller meiner Daten und möchte wissen, an welche Dritten sie weitergegeben "
     "wurden."],
  sh=["dsgvo löschantrag"],
  n=["formeller Löschantrag nach Art. 17 DSGVO"],
  r=["Wir haben Ihren Antrag erhalten und Ihre Identität über {email} bestätigt. Die Daten werden jetzt aus "
     "unseren Produktivsystemen gelöscht und innerhalb von 35 Tagen aus den Backups entfernt. Unsere "
     "Unterauftragsverarbeiter finden Sie hier: {kb}",
     "Hiermit bestätigen wir die Löschung in unseren Primärsystemen. Verschlüsselte Backups laufen "
     "automatisch innerhalb von 35 Tagen ab; danach erhalten Sie eine schriftliche Bestätigung. {kb}"])
v("de", "privacy_deletion", "dpa", kb="gdpr-data-requests", tags=["dpa", "legal"], urg=-0.2, min_tier=1,
  s=["AV-Vertrag benötigt", "Auftragsverarbeitungsvertrag und Subunternehmer"],
  b=["Unser Datenschutzbeauftragter benötigt einen unterschriebenen AV-Vertrag und die aktuelle Liste Ihrer "
     "Unterauftragsverarbeiter, bevor wir weitere Teams einbinden.",
     "Wo werden unsere Daten gespeichert, und bieten Sie Hosting in der EU an?"],
  sh=["wo bekomme ich den avv?"],
  n=["braucht AV-Vertrag und Liste der Unterauftragsverarbeiter"],
  r=["Den AV-Vertrag können Sie unter Einstellungen > Sicherheit > Rechtliche Dokumente elektronisch "
     "unterzeichnen; dort ist auch die Liste der Unterauftragsverarbeiter verlinkt. {kb}",
     "Workspaces in der EU-Region werden in Frankfurt und Dublin gehostet. Einen gegengezeichneten "
     "AV-Vertrag habe ich an {email} geschickt. {kb}"])
v("de", "feature_request", "generic_feature", kb="submit-feature-ideas", tags=["idea"], urg=-0.3,
  s=["Funktionswunsch", "Vorschlag: {feature}", "Idee für Orbitly"],
  b=["Es wäre sehr hilfreich, {feature} zu haben. Im Moment behelfen wir uns mit Excel-Listen.",
     "Gibt es Pläne für {feature}? Danach fragt mein Team ständig."],
  sh=["bitte {feature} einbauen", "gibt es bald {feature}?"],
  n=["wünscht sich {feature}"],
  r=["Danke für den Vorschlag! Ich habe Ihre Stimme auf unserem Ideen-Board eingetragen, das unser "
     "Produktteam monatlich auswertet. Hier können Sie den Wunsch verfolgen: {kb}",
     "Gute Idee - die steht schon auf unserer Liste, und ich habe Ihren Workspace dazu vermerkt, damit Sie "
     "informiert werden. {kb}"])
v("de", "feature_request", "competitor_parity", kb="submit-feature-ideas", tags=["idea", "competitor"],
  urg=-0.1,
  s=["Bei {competitor} gab es das", "Fehlende Funktion im Vergleich zu {competitor}"],
  b=["Bei {competitor} hatten wir {feature}, das vermissen wir ehrlich gesagt sehr. Ist so etwas geplant?",
     "Wir vergleichen gerade Orbitly mit {competitor}. Die größte Lücke für uns: {feature}."],
  sh=["{competitor} hat {feature}, bitte nachziehen"],
  n=["vergleicht mit {competitor}, wünscht {feature}"],
  r=["Danke für den Vergleich, das hilft uns wirklich. Ich habe ihn an den zuständigen Produktmanager "
     "weitergegeben. {kb}",
     "Das steht für später im Jahr auf der Roadmap, ein Datum kann ich aber nicht nennen. "
     "{kb:product-roadmap-faq}"])
v("de", "feature_request", "mobile_widget", kb="submit-feature-ideas", tags=["mobile"], urg=-0.4,
  s=["Widget für den Startbildschirm", "Idee: Apple-Watch-App"],
  b=["Ein Widget auf meinem {device}, das die heute fälligen Aufgaben zeigt, wäre großartig.",
     "Gibt es Pläne für eine Apple-Watch- oder Wear-OS-App zum schnellen Abhaken?"],
  sh=["widget für aufgaben bitte"],
  n=["wünscht Widget bzw. Watch-App"],
  r=["Ein 'Heute'-Widget für iOS und Android ist in Entwicklung und kommt mit einem der nächsten Updates.",
     "Eine Watch-App ist derzeit nicht geplant, aber ich habe Ihre Stimme eingetragen. {kb}"])
v("de", "performance", "slow_board", kb="improve-performance-large-workspaces", tags=["slow",
  "board"], urg=0.3,
  s=["Board lädt ewig", "Projekt sehr langsam", "Orbitly extrem langsam"],
  b=["Unser Hauptprojekt mit etwa {count} Aufgaben braucht in der Board-Ansicht 15-20 Sekunden zum Laden.",
     "Seit ein paar Tagen ist alles in unserem Workspace zäh, besonders der Wechsel zwischen Projekten."],
  sh=["board super langsam", "orbitly heute so langsam"],
  n=["großes Projekt ({count} Aufgaben) lädt langsam"],
  r=["Projekte mit mehr als 10.000 Aufgaben bremsen die Board-Ansicht. Archivieren Sie erledigte Aufgaben "
     "(Projekt > ... > Erledigte archivieren), dann lädt es meist in unter 2 Sekunden. Weitere Tipps: {kb}",
     "Wir haben eine langsame Datenbankabfrage gefunden, die auch Ihren Workspace betraf. Der Fix ist seit "
     "heute Nachmittag live, die Ladezeiten sind wieder normal."])
v("de", "performance", "typing_lag", kb="improve-performance-large-workspaces", tags=["docs", "lag"], urg=0.1,
  s=["Verzögerung beim Tippen", "Editor hängt"],
  b=["In längeren Dokumenten erscheinen die Buchstaben erst mit deutlicher Verzögerung, manchmal eine "
     "Sekunde.",
     "Der Editor friert jedes Mal ein paar Sekunden ein, wenn jemand anderes gleichzeitig schreibt."],
  sh=["tippen im dokument ruckelt"],
  n=["Verzögerung beim Tippen in langen Dokumenten"],
  r=["Sehr lange Dokumente mit vielen Tabellen bremsen den Editor. Teilen Sie das Dokument in Unterseiten "
     "auf oder klappen Sie große Tabellen ein. {kb}",
     "In Ihrem Browser ist die Hardwarebeschleunigung deaktiviert. Aktivieren Sie sie in den Einstellungen "
     "von {browser} und starten Sie den Browser neu. {kb}"])
v("de", "performance", "network", kb="network-requirements", tags=["network", "proxy"], urg=0.1,
  s=["Nur im Büronetz langsam", "Orbitly hinter Firewall langsam"],
  b=["Zu Hause ist Orbitly schnell, im Büro sehr langsam, und Echtzeit-Updates funktionieren nicht. Wir "
     "haben einen Proxy.",
     "Unsere IT möchte wissen, welche Domains und Ports Orbitly benötigt."],
  sh=["nur im büro langsam"],
  n=["langsam hinter Firmen-Proxy"],
  r=["Echtzeitfunktionen nutzen WebSockets über wss://rt.orbitly.example, die viele Proxys blockieren. Ihre "
     "IT kann die hier aufgeführten Domains freigeben: {kb}",
     "Ich habe Ihrer IT die Liste unserer Domains und Ports geschickt. Sobald *.orbitly.example und "
     "WebSocket-Verkehr auf Port 443 erlaubt sind, sollte es schnell sein. {kb}"])
v("de", "onboarding", "invite_team", kb="invite-teammates", tags=["invites"], urg=-0.3,
  s=["Wie lade ich mein Team ein?", "Kollegen hinzufügen", "Mehrere Nutzer auf einmal einladen"],
  b=["Wir haben uns gerade registriert und ich möchte etwa {n_users} Kollegen einladen. Geht das auf einmal?",
     "Ich bin neu hier - wie füge ich Leute hinzu und gebe einigen Admin-Rechte?"],
  sh=["wie lade ich mein team ein?"],
  n=["möchte {n_users} Kollegen einladen"],
  r=["Unter Einstellungen > Mitglieder > Einladen können Sie eine Liste von E-Mail-Adressen einfügen oder "
     "eine CSV hochladen und für jede Person die Rolle wählen. Anleitung: {kb}",
     "Willkommen! Am schnellsten geht es mit 'Jeder mit einer @{domain}-Adresse darf beitreten' unter "
     "Einstellungen > Mitglieder. {kb}"])
v("de", "onboarding", "import_tool", kb="import-from-other-tools", tags=["import"], urg=-0.2,
  s=["Import aus {competitor}", "Umzug unserer Projekte zu Orbitly"],
  b=["Wir wechseln von {competitor} zu Orbitly. Können wir Projekte, Aufgaben und Kommentare übernehmen?",
     "Beim CSV-Import werden Datum und Zuständige nicht erkannt. Welches Format braucht die Datei?"],
  sh=["import aus {competitor} möglich?"],
  n=["Umzug von {competitor}, braucht Hilfe beim Import"],
  r=["Ja - unter Einstellungen > Import gibt es direkte Importer für Trello, Asana und Jira. Für "
     "{competitor} funktioniert der CSV-Weg gut; Vorlage und Feldzuordnung: {kb}",
     "Der CSV-Import erwartet Datumsangaben als JJJJ-MM-TT und Zuständige als E-Mail-Adressen bestehender "
     "Mitglieder. Passen Sie diese Spalten an und starten Sie den Import neu. {kb}"])
v("de", "onboarding", "training", kb="getting-started-admins", tags=["training"], urg=-0.1, min_tier=1,
  s=["Schulung für unser Team", "Onboarding-Termin anfragen"],
  b=["Wir führen Orbitly nächsten Monat für {n_users} Personen ein. Bieten Sie eine Schulung oder ein "
     "Onboarding für Admins an?",
     "Unser Team tut sich mit der Umstellung schwer. Könnte jemand von Ihnen eine kurze Einführung geben?"],
  sh=["gibt es schulungen?"],
  n=["wünscht Schulung für {n_users} Nutzer"],
  r=["Gerne! Ihr Customer Success Manager meldet sich diese Woche mit Terminvorschlägen. Bis dahin ist "
     "dieser Leitfaden ein guter Einstieg: {kb}",
     "Wir bieten jeden Dienstag kostenlose Live-Webinare an, auch auf Deutsch. Den Link zur Anmeldung habe "
     "ich Ihnen geschickt. {kb}"])
v("de", "security_incident", "suspicious_login", kb="review-audit-log", tags=["suspicious-login"], urg=0.4,
  s=["Anmeldung von unbekanntem Ort", "Verdächtige Anmeldung", "Hat sich jemand in mein Konto eingeloggt?"],
  b=["Ich habe gerade eine E-Mail über eine neue Anmeldung aus {place} bekommen. Das war nicht ich.",
     "Im Audit-Log sehen wir Anmeldungen auf ein Admin-Konto von der IP {ip}, die wir nicht kennen."],
  sh=["login aus {place}, war ich nicht!"],
  n=["Login-Warnung aus {place}, nicht vom Kunden"],
  r=["Ich habe alle aktiven Sitzungen beendet und Anmeldungen von dieser IP vorübergehend gesperrt. Bitte "
     "ändern Sie jetzt Ihr Passwort und aktivieren Sie 2FA. Laut Audit-Log wurden keine Änderungen "
     "vorgenommen. {kb}",
     "Danke für die schnelle Meldung. Die Anmeldung kam von einem VPN-Server; sicherheitshalber haben wir "
     "alle Sitzungen beendet. Bitte setzen Sie Ihr Passwort zurück. {kb}"])
v("de", "security_incident", "phishing", kb="phishing-emails", tags=["phishing"], urg=-0.2,
  s=["Ist diese E-Mail wirklich von Orbitly?", "Phishing-Mail in Ihrem Namen"],
  b=["Ich habe eine E-Mail bekommen, angeblich von Orbitly, in der ich meine Zahlungsdaten über einen Link "
     "zu orbitly-billing.com bestätigen soll. Das sieht komisch aus.",
     "Mehrere Mitarbeitende haben heute eine gefälschte Orbitly-Anmeldeseite per E-Mail erhalten."],
  sh=["komische mail angeblich von orbitly"],
  n=["meldet Phishing-Mail im Namen von Orbitly"],
  r=["Danke für den Hinweis - diese E-Mail stammt nicht von uns. Wir schreiben nur von "
     "orbitly.example-Adressen und fragen nie per E-Mail nach Kartendaten. Wer sein Passwort eingegeben hat, "
     "sollte es sofort ändern. {kb}",
     "Gut aufgepasst! Das ist eine bekannte Phishing-Kampagne, unser Sicherheitsteam lässt die Seite "
     "sperren. So erkennen Sie echte Orbitly-Mails: {kb}"])
v("de", "security_incident", "compromised", kb="report-a-security-issue", tags=[
  "compromised-account"], urg=0.7,
  s=["Konto gehackt", "Unbefugte Änderungen im Workspace"],
  b=["Jemand hat sich Zugang zu unserem Admin-Konto verschafft, die E-Mail-Adresse geändert und zwei Admins "
     "entfernt. Das muss sofort gesperrt werden.",
     "Projekte werden gelöscht und unbekannte Gäste eingeladen. Wir vermuten ein kompromittiertes Konto."],
  sh=["unser konto wurde gehackt"],
  n=["Admin-Konto kompromittiert"],
  r=["Wir haben das Konto gesperrt, alle Sitzungen und API-Tokens widerrufen und die ursprüngliche Adresse "
     "sowie die Admin-Rollen wiederhergestellt. Unser Sicherheitsteam schickt Ihnen innerhalb von 24 Stunden "
     "einen Bericht. {kb}",
     "Ich habe das an unser Sicherheitsteam eskaliert; die gelöschten Projekte sind wiederhergestellt. Bitte "
     "setzen Sie die Passwörter aller Admins zurück und erzwingen Sie 2FA. {kb}"])
_OOS_POLITE_DE = ["Hallo {first}, danke für Ihre Nachricht. Diese Adresse ist für den Orbitly-Kundensupport, "
                  "daher können wir hier leider nicht weiterhelfen. Alles Gute!"]
v("de", OOS, "spam_seo", urg=-0.5,
  s=["Mehr Sichtbarkeit bei Google", "Kooperationsanfrage"],
  b=["Guten Tag, Ihre Website rankt für wichtige Suchbegriffe nicht auf Seite 1. Als SEO-Agentur bringen wir "
     "Sie in 30 Tagen nach oben. Darf ich Ihnen ein Angebot schicken?"],
  sh=["wir bringen euch auf seite 1 bei google"],
  n=["Kaltakquise einer SEO-Agentur"],
  r=_OOS_POLITE_DE)
v("de", OOS, "job_application", urg=-0.5,
  s=["Bewerbung als Werkstudent", "Initiativbewerbung"],
  b=["Sehr geehrte Damen und Herren, hiermit bewerbe ich mich initiativ im Kundenservice. Meinen Lebenslauf "
     "finden Sie im Anhang.",
     "Hallo, sucht ihr gerade Entwickler? Ich bin mit dem Studium fertig und würde gern bei Orbitly "
     "arbeiten."],
  sh=["sucht ihr mitarbeiter?"],
  n=["Bewerber fragt nach offenen Stellen"],
  r=["Hallo {first}, vielen Dank für Ihr Interesse an Orbitly! Bewerbungen kann der Support nicht "
     "bearbeiten, aber alle offenen Stellen finden Sie unter orbitly.example/careers."])
v("de", OOS, "wrong_company", urg=-0.5,
  s=["Internet geht nicht", "Bestellung nicht angekommen"],
  b=["Mein Orbit-Internetanschluss fällt seit heute Morgen ständig aus, die Lampe am Router leuchtet rot.",
     "Ich habe vor zwei Wochen bei Ihnen eine Handyhülle bestellt und sie ist immer noch nicht da."],
  sh=["mein internet geht nicht"],
  n=["Kunde sucht ein anderes Unternehmen"],
  r=["Hallo {first}, da sind Sie wohl beim falschen Unternehmen gelandet - Orbitly ist eine Software für "
     "Projekte und Teamarbeit. Ich hoffe, Sie finden schnell den richtigen Ansprechpartner!"])


# ---------------------------------------------------------------------------------------------------------
# Spanish problem variants
# ---------------------------------------------------------------------------------------------------------

v("es", "billing", "double_charge", kb="duplicate-charges", tags=["card", "charge"], urg=0.2,
  s=["Cobro duplicado", "Me habéis cobrado dos veces", "Dos cargos por la misma suscripción"],
  b=["En la tarjeta acabada en {last4} aparecen dos cargos de {amount} por la renovación de {month}. Solo "
     "tenemos un espacio de trabajo, así que debe de ser un error.",
     "Según el extracto del banco, Orbitly nos cobró {amount} el {date} y otra vez al día siguiente. En la "
     "sección de facturación solo veo la factura {invoice}."],
  sh=["por qué me habéis cobrado dos veces?", "dos cargos iguales en mi tarjeta"],
  n=["cliente ve dos cargos de {amount} por la renovación de {month}"],
  d=["Nuestro contable lo detectó al cuadrar las cuentas."],
  r=["Tienes razón: un reintento automático de nuestro proveedor de pagos cobró la renovación dos veces. He "
     "anulado el segundo cargo de {amount}; según tu banco, lo verás devuelto en 5-10 días hábiles. Más "
     "información: {kb}",
     "El segundo movimiento era solo una retención, no un pago completado. Ya la hemos liberado y "
     "desaparecerá de tu extracto en unos días. Solo se ha facturado la {invoice}."])
v("es", "billing", "invoice_details", kb="add-vat-id", tags=["invoice", "vat"], urg=-0.3,
  s=["Falta el CIF en la factura", "Factura con datos incorrectos",
     "Necesito rectificar la factura {invoice}"],
  b=["Nuestro departamento de contabilidad no puede procesar la factura {invoice} porque no aparece nuestro "
     "CIF ni la dirección fiscal. ¿Podéis emitirla de nuevo a nombre de {company}?",
     "En las facturas sigue saliendo mi nombre en lugar de {company}. ¿Dónde se cambia y podéis corregir las "
     "últimas {n} facturas?"],
  sh=["cómo pongo el cif en la factura?", "la factura sale a mi nombre y no al de la empresa"],
  n=["necesita la factura {invoice} con CIF y dirección fiscal"],
  d=["Lo necesitamos para el cierre del trimestre."],
  r=["Puedes añadir el CIF/NIF, la razón social y la dirección en Configuración > Facturación > Datos de "
     "facturación; se aplicarán a todas las facturas futuras. Ya he reemitido la {invoice} con los datos "
     "correctos. Guía: {kb}",
     "He actualizado el perfil de facturación de {company} y he regenerado las últimas {n} facturas. Las "
     "tienes disponibles en la página de facturación."])
v("es", "billing", "card_declined", kb="update-payment-method", tags=["card", "payment-failed"], urg=0.3,
  s=["Pago rechazado", "Error al renovar la suscripción", "¿Nos vais a bajar de plan?"],
  b=["Nos ha llegado un correo diciendo que el pago del plan {plan} ha fallado y que en {days} días se "
     "bajará el plan del espacio de trabajo. El banco nos cambió la tarjeta el mes pasado. ¿Cómo la "
     "actualizo?",
     "En la aplicación aparece un aviso rojo de que la suscripción está vencida. Ayer actualicé la tarjeta y "
     "el aviso sigue ahí."],
  sh=["el pago falla aunque la tarjeta es válida", "aviso de suscripción vencida"],
  n=["fallo en el pago de la renovación; tarjeta nueva del banco"],
  r=["No te preocupes: los espacios con pagos pendientes mantienen el acceso completo durante 14 días. Añade "
     "la tarjeta nueva en Configuración > Facturación > Método de pago y volveremos a intentar el cobro "
     "automáticamente. Paso a paso: {kb}",
     "La tarjeta que añadiste ayer se cobró correctamente esta mañana y la factura {invoice} ya figura como "
     "pagada. Si recargas la página, el aviso desaparecerá."])
v("es", "refunds", "annual_mistake", kb="request-a-refund", tags=["annual"], urg=0.2,
  s=["Contraté el plan anual por error", "Quiero que me devolváis el pago anual", "Error al cambiar de plan"],
  b=["Al mejorar el plan seleccioné sin querer el pago anual de {plan} y me cobrasteis {amount}. Solo quería "
     "probar un mes y no he usado nada. ¿Se puede deshacer?",
     "Un compañero pasó nuestro espacio al plan {plan} anual sin consultarlo. Queremos recuperar los "
     "{amount} y volver al pago mensual."],
  sh=["pagué un año sin querer, me devolvéis el dinero?", "contraté el plan equivocado"],
  n=["cambio a plan anual por error ({amount}), pide devolución"],
  r=["Como el cambio se hizo hace menos de 14 días, entra en nuestra política de reembolsos. He devuelto "
     "{amount} al método de pago original y he pasado el espacio a pago mensual. Detalles: {kb}",
     "No pasa nada, es algo habitual. He cancelado el plan anual y te he devuelto {amount2}, descontando el "
     "mes que ya estaba en uso."])
v("es", "refunds", "cancelled_still_charged", kb="refund-policy", tags=["cancellation"], urg=0.4,
  s=["Cancelé y me seguís cobrando", "Cobro después de cancelar", "¿Por qué me cobráis si di de baja?"],
  b=["Cancelé la suscripción en {month} y recibí la confirmación, pero hoy veo otro cargo de {amount}. "
     "Quiero que me lo devolváis.",
     "Pasamos al plan gratuito hace semanas y aun así el {date} se pagó la factura {invoice}. Exijo la "
     "devolución inmediata."],
  sh=["cancelé y me habéis vuelto a cobrar!", "sigo pagando después de darme de baja"],
  n=["cobro de {amount} tras cancelar en {month}"],
  r=["Lo siento mucho. Por un error de sincronización nuestro, la cancelación no se procesó. He reembolsado "
     "la factura {invoice} ({amount}) y la suscripción ya está cancelada. Nuestra política: {kb}",
     "El cambio de plan estaba programado para el final del periodo anual, por eso se renovó. Dada la "
     "confusión, te he devuelto {amount} y he finalizado la suscripción hoy."])
v("es", "refunds", "refund_status", kb="request-a-refund", tags=["refund-status"], urg=0.2,
  s=["¿Dónde está mi reembolso?", "No he recibido la devolución", "Estado del reembolso {ticket_ref}"],
  b=["Un compañero vuestro me prometió el {date} un reembolso de {amount} (caso {ticket_ref}) y todavía no "
     "veo nada en la tarjeta.",
     "Hace más de dos semanas que me dijeron que me devolverían el dinero. Mi banco dice que no hay nada "
     "pendiente."],
  sh=["sigo esperando mi reembolso"],
  n=["reembolso prometido de {amount} aún no recibido"],
  r=["El reembolso de {amount} se emitió el {date}. Según el banco, puede tardar hasta 10 días hábiles. Si "
     "la semana que viene no lo ves, tu banco puede rastrearlo con la referencia ARN 7415{last4}. {kb}",
     "Lo siento: el reembolso estaba aprobado pero nunca se envió al proveedor de pagos. Lo acabo de emitir "
     "({amount}) y te adjunto el justificante."])
v("es", "login_access", "reset_email_missing", kb="reset-password", tags=["password"], urg=0.2,
  s=["No me llega el correo para restablecer la contraseña", "No puedo iniciar sesión",
     "Olvidé mi contraseña"],
  b=["He olvidado la contraseña y he pedido el enlace {n} veces, pero no me llega nada, ni siquiera al spam. "
     "Mi correo es {email}.",
     "El correo para cambiar la contraseña no llega nunca. Nuestro equipo de IT ha revisado la cuarentena."],
  sh=["no me llega el correo de la contraseña", "no puedo entrar, olvidé la contraseña"],
  n=["no recibe correos de restablecimiento ({email})"],
  r=["Nuestros registros muestran que tu servidor de correo rechazó los mensajes a {email} como correo "
     "masivo. Pide a IT que permita no-reply@orbitly.example; mientras tanto te he enviado un enlace de "
     "acceso de un solo uso. Guía: {kb}",
     "Los correos se quedaron atascados en una cola que ya está solucionada. Te he enviado un enlace nuevo, "
     "válido durante 60 minutos. {kb}"])
v("es", "login_access", "2fa_lost", kb="two-factor-authentication", tags=["2fa"], urg=0.4,
  s=["Móvil nuevo y no tengo el código 2FA", "Bloqueado por la verificación en dos pasos"],
  b=["Cambié de móvil y no pasé la app de autenticación, así que no puedo pasar la pantalla de 2FA. Tampoco "
     "tengo los códigos de respaldo.",
     "Me robaron el móvil y Orbitly me pide un código de 6 dígitos que ya no puedo generar."],
  sh=["perdí el móvil y no puedo hacer el 2fa", "el código 2fa no funciona"],
  n=["perdió el dispositivo 2FA, sin códigos de respaldo"],
  r=["Para proteger tu cuenta necesitamos verificar tu identidad antes de quitar el 2FA. Te he enviado una "
     "solicitud de verificación a {email}; cuando otro administrador la apruebe, se restablecerá. Cómo "
     "guardar los códigos de respaldo: {kb}",
     "Gracias por verificar tu identidad. He restablecido la verificación en dos pasos; en el próximo inicio "
     "de sesión podrás configurarla en el móvil nuevo."])
v("es", "login_access", "sso_error", kb="troubleshoot-sso-errors", tags=["sso"], urg=0.5, min_tier=2,
  s=["Falla el inicio de sesión con SSO", "Error de {idp}: {sso_error}"],
  b=["Desde esta mañana nuestros usuarios reciben \"{sso_error}\" al entrar con {idp}. No hemos cambiado "
     "nada en la configuración.",
     "Ayer renovamos el certificado de firma en {idp} y desde entonces el SSO falla con \"{sso_error}\"."],
  sh=["el sso no funciona: {sso_error}"],
  n=["SSO con {idp} falla: \"{sso_error}\""],
  r=["En nuestros registros, {idp} envía el NameID como identificador persistente en lugar del correo. "
     "Cambia el formato a 'EmailAddress' en la app de Orbitly en {idp}. Más soluciones: {kb}",
     "Orbitly sigue validando con el certificado antiguo. Sube el nuevo en Configuración > Seguridad > SAML "
     "SSO (o pega la nueva URL de metadatos) y el acceso funcionará al momento. {kb}"])
v("es", "bug_report", "doc_not_saving", kb="clear-cache-and-reload", tags=["docs"], urg=0.4,
  s=["No se guardan los cambios en los documentos", "He perdido texto de un documento", "Error: {error}"],
  b=["Cuando edito un documento en la sección «{area}», al recargar la página ha desaparecido la mitad de "
     "los cambios. A veces sale \"{error}\".",
     "Estuve 20 minutos escribiendo en un documento, ponía 'Guardado' y cuando lo abrió mi compañera el "
     "texto no estaba."],
  sh=["se me borran los cambios del documento", "el documento no guarda"],
  n=["los cambios en documentos se pierden; aparece \"{error}\""],
  r=["El error viene de una versión antigua del editor guardada en la caché. Una recarga forzada (Ctrl/Cmd + "
     "Mayús + R) lo soluciona. Los cambios perdidos están en el historial de versiones del documento. Guía: "
     "{kb}",
     "Encontramos un fallo por el que los cambios hechos durante microcortes de conexión no se reenviaban. "
     "La corrección está activa desde esta mañana y he restaurado el contenido que faltaba."])
v("es", "bug_report", "mobile_crash", kb="mobile-app-troubleshooting", tags=["mobile", "crash"], urg=0.3,
  s=["La app se cierra al abrir una tarea", "La app de iOS no para de cerrarse",
     "La app de Android se cuelga"],
  b=["Desde la última actualización, la app de Orbitly en mi {device} ({os}) se cierra cada vez que abro una "
     "tarea con archivos adjuntos.",
     "La app se cierra justo después de la pantalla de inicio. Versión {app_version} en {device}; la he "
     "reinstalado dos veces."],
  sh=["la app se cierra sola", "la app no abre desde la actualización"],
  n=["la app v{app_version} se cierra en {device}"],
  r=["Coincide con un fallo de la versión {app_version} con adjuntos PDF de más de 20 MB. Hoy se publica una "
     "versión corregida en la tienda. Si sigue fallando después, aquí explicamos cómo enviarnos el registro: "
     "{kb}",
     "Cierra sesión, borra la app, reinicia el móvil y vuelve a instalarla: la base de datos local se dañó "
     "durante la actualización. Tus datos están a salvo en nuestros servidores. {kb}"])
v("es", "bug_report", "notifications", kb="notifications-not-arriving", tags=["notifications"], urg=-0.1,
  s=["No recibo notificaciones", "Las notificaciones por correo han dejado de llegar"],
  b=["Ya no me llegan avisos cuando alguien me menciona o me asigna una tarea. La configuración parece "
     "correcta.",
     "Hace unos días que al equipo no le llegan las notificaciones por correo."],
  sh=["no me llegan avisos cuando me mencionan", "no llegan los correos de notificación"],
  n=["no llegan las notificaciones"],
  r=["Tenías activado 'No molestar' todo el día, seguramente sin querer desde la app. Lo he desactivado; "
     "está en Perfil > Notificaciones > Horario: {kb}",
     "Tu servidor de correo ha empezado a rechazar nuestras notificaciones (código 550). Pide a IT que "
     "permita notifications@orbitly.example. {kb}"])
v("es", "outage", "cant_load", kb="status-page-and-incidents", tags=["downtime"], urg=0.5,
  s=["¿Orbitly está caído?", "La app no carga", "Error 502"],
  b=["Desde las {time} nadie del equipo puede abrir Orbitly. Solo vemos una página en blanco o \"Error "
     "502\". Internet funciona bien.",
     "La web y la app móvil muestran 'No se puede conectar con Orbitly' a todos en la oficina. ¿Hay una "
     "incidencia?"],
  sh=["está caído orbitly??", "no carga nada, error 502"],
  n=["la app no carga para todo el equipo desde las {time}"],
  r=["A partir de las {time} tuvimos una incidencia importante por un fallo de conmutación de la base de "
     "datos en la región {region}. El servicio está totalmente restablecido y no se perdieron datos. Informe "
     "en {status_url}. {kb}",
     "Un certificado caducado en el balanceador provocó errores 502 durante unos {minutes} minutos. Ya está "
     "resuelto y todo funciona con normalidad."])
v("es", "outage", "chat_not_sending", kb="status-page-and-incidents", tags=["chat"], urg=0.3,
  s=["No se envían los mensajes del chat", "Chat caído"],
  b=["Los mensajes del chat se quedan con el icono del reloj y nunca se envían. Nos pasa a todos desde las "
     "{time}.",
     "Ningún canal del chat se actualiza; los mensajes nuevos solo aparecen al recargar."],
  sh=["el chat no envía mensajes"],
  n=["mensajes del chat atascados desde las {time}"],
  r=["Nuestro servicio de mensajería en tiempo real tuvo problemas desde las {time} durante unos 40 minutos. "
     "Los mensajes pendientes ya se han entregado en orden. Resumen en {status_url}.",
     "La cola de mensajes de parte de los clientes de la región {region} se bloqueó y se reinició. No se "
     "perdió ningún mensaje. {kb}"])
v("es", "outage", "status_green", kb="status-page-and-incidents", tags=["status-page"], urg=0.5,
  s=["La página de estado dice que todo va bien y no funciona nada",
     "Vuestra página de estado no se actualiza"],
  b=["Desde hace {minutes} minutos nadie puede cargar proyectos y la página de estado sigue diciendo 'Todos "
     "los sistemas operativos'.",
     "Medio equipo recibe errores y la página de estado está en verde. Actualizadla, por favor."],
  sh=["la página de estado dice ok pero está todo caído"],
  n=["el espacio no carga y la página de estado en verde"],
  r=["Tienes toda la razón y lo siento. El problema solo afectaba a espacios de un fragmento de base de "
     "datos y nuestras comprobaciones no lo detectaron. Se resolvió hacia las {time} y lo hemos publicado en "
     "{status_url}.",
     "La incidencia se declaró pocos minutos después de tu mensaje y ya está resuelta. Puedes suscribirte a "
     "avisos por correo o SMS: {kb}"])
v("es", "integrations", "slack_stopped", kb="slack-integration", tags=["slack"], urg=0.2,
  s=["Slack ya no recibe avisos de Orbitly", "Falla la conexión con Slack"],
  b=["Desde el {date} las actualizaciones de Orbitly ya no aparecen en nuestro canal de Slack. No hemos "
     "cambiado nada.",
     "En Orbitly pone que Slack está 'Conectado', pero no se publica nada. Al reconectar sale "
     "\"{int_error}\"."],
  sh=["slack no publica nada", "error de slack: {int_error}"],
  n=["la conexión con Slack dejó de publicar ({int_error})"],
  r=["El token de Slack se revocó al desactivar al usuario que instaló la app. Vuelve a conectar Slack en "
     "Configuración > Integraciones > Slack con una cuenta de administrador de Slack. Paso a paso: {kb}",
     "Slack exige ahora nuevos permisos. Al reconectar la app de Orbitly se solicitarán; los canales "
     "configurados se mantienen. {kb}"])
v("es", "integrations", "gdrive", kb="google-drive-integration", tags=["google-drive"], urg=0.0,
  s=["No se pueden abrir archivos de Google Drive", "Google Drive pide permisos"],
  b=["Cuando mis compañeros abren un archivo de Google Drive adjunto a una tarea les sale 'Necesitas "
     "acceso'.",
     "El selector de archivos de Google Drive en Orbitly aparece vacío."],
  sh=["drive dice que no tengo acceso"],
  n=["adjuntos de Drive piden acceso / selector vacío"],
  r=["Orbitly no cambia los permisos de Drive por sí solo. Activa 'Compartir con los miembros de la tarea al "
     "adjuntar' en Configuración > Integraciones > Google Drive. {kb}",
     "El selector está vacío porque la autorización de Drive caducó. Desconecta y vuelve a conectar Google "
     "Drive desde tu perfil. {kb}"])
v("es", "integrations", "jira_dupes", kb="jira-integration", tags=["jira"], urg=0.1,
  s=["La sincronización con Jira crea duplicados", "Jira no actualiza los estados"],
  b=["Cada vez que se sincroniza Jira se crean tareas duplicadas en Orbitly. En {project} ya hay cientos.",
     "Los cambios de estado en Jira no llegan a Orbitly, pero los comentarios sí."],
  sh=["jira crea tareas duplicadas"],
  n=["la sincronización con Jira duplica tareas"],
  r=["Había dos conexiones apuntando al mismo proyecto de Jira. He desactivado la más antigua y he fusionado "
     "{count} tareas duplicadas. Configuración recomendada: {kb}",
     "Vuestro administrador de Jira creó el estado 'In Review', que no está asignado. Asígnalo en "
     "Configuración > Integraciones > Jira > Estados. {kb}"])
v("es", "data_export", "full_export", kb="export-workspace-data", tags=["export"], urg=0.2,
  s=["La exportación se queda en 'Procesando'", "El enlace de descarga ha caducado"],
  b=["El {date} inicié una exportación completa y sigue en 'Procesando'. Necesitamos los datos para una "
     "auditoría.",
     "La app dice que la exportación terminó, pero el enlace del correo da error de 'caducado'."],
  sh=["la exportación no termina"],
  n=["exportación completa atascada desde el {date}"],
  r=["La exportación se atascó con un adjunto muy grande. La he reiniciado y recibirás los enlaces por "
     "correo en menos de una hora; son válidos 7 días. {kb}",
     "Los enlaces caducan a los 7 días por seguridad. Te he enviado uno nuevo a {email}. {kb}"])
v("es", "data_export", "csv_fields", kb="export-project-csv", tags=["csv"], urg=-0.1,
  s=["Faltan campos en el CSV", "La exportación no incluye comentarios"],
  b=["Al exportar un proyecto a CSV no aparecen nuestros campos personalizados como 'Presupuesto' o "
     "'Cliente'.",
     "La exportación a {file_type} solo incluye títulos y estados, sin comentarios ni subtareas."],
  sh=["el csv no trae los campos personalizados"],
  n=["CSV sin campos personalizados"],
  r=["En el diálogo de exportación pulsa 'Elegir columnas' y marca los campos que necesites; no vienen por "
     "defecto. Ahí también puedes incluir comentarios y subtareas. {kb}",
     "Usa Proyecto > ... > Exportar > Excel con 'Todos los campos' y tendrás comentarios y subtareas. {kb}"])
v("es", "data_export", "export_before_leaving", kb="export-workspace-data", tags=["export", "cancellation"],
  urg=0.1,
  s=["Descargar todos los datos antes de cancelar", "¿Cómo sacamos nuestros datos?"],
  b=["Nos cambiamos a otra herramienta y la suscripción termina el {date}. ¿Cómo exportamos todo: proyectos, "
     "documentos, chat y archivos?",
     "Antes de cerrar el espacio necesito una copia completa de todos los documentos y adjuntos."],
  sh=["cómo descargo todos mis datos?"],
  n=["quiere exportación completa antes de cancelar el {date}"],
  r=["Los propietarios pueden exportar todo en Configuración > Datos > Exportar espacio de trabajo, opción "
     "'Exportación completa'. Tras cancelar, los datos siguen disponibles 30 días. {kb}",
     "¡Sentimos que os vayáis! He iniciado una exportación completa; el enlace llegará a {email}. {kb}"])
v("es", "privacy_deletion", "delete_account", kb="delete-your-account", tags=["account-deletion"], urg=0.0,
  s=["Eliminar mi cuenta", "Quiero darme de baja y borrar mis datos"],
  b=["Ya no uso Orbitly y quiero que se eliminen mi cuenta y todos mis datos personales. Mi correo es "
     "{email}.",
     "Quiero borrar mi cuenta por completo, pero en la configuración solo puedo salir del espacio de "
     "trabajo."],
  sh=["borrad mi cuenta por favor"],
  n=["quiere eliminar su cuenta y datos ({email})"],
  r=["He iniciado la eliminación de tu cuenta. Tus datos personales se borrarán en un plazo de 30 días y las "
     "copias de seguridad se sobrescriben en 35 días más. Recibirás la confirmación en {email}. {kb}",
     "Puedes eliminar la cuenta tú mismo en Perfil > Cuenta > Eliminar cuenta. Si eres el único propietario "
     "de un espacio, primero tendrás que transferirlo o borrarlo. {kb}"])
v("es", "privacy_deletion", "gdpr_erasure", kb="gdpr-data-requests", tags=["gdpr"], urg=0.4,
  s=["Ejercicio del derecho de supresión (art. 17 RGPD)", "Solicitud de borrado de datos RGPD"],
  b=["Por medio de la presente ejerzo mi derecho de supresión conforme al artículo 17 del RGPD sobre todos "
     "mis datos personales, incluidas copias de seguridad y registros. Solicito confirmación por escrito.",
     "Quiero que borréis todos mis datos y saber con qué terceros los habéis compartido."],
  sh=["solicitud rgpd para borrar mis datos"],
  n=["solicitud formal de supresión (art. 17 RGPD)"],
  r=["Hemos recibido tu solicitud y verificado tu identidad mediante {email}. Tus datos se están eliminando "
     "de nuestros sistemas y desaparecerán de las copias de seguridad en 35 días. Lista de subencargados: "
     "{kb}",
     "Confirmamos la supresión en nuestros sistemas principales. Las copias cifradas caducan automáticamente "
     "en 35 días; después te enviaremos la confirmación por escrito. {kb}"])
v("es", "privacy_deletion", "retention", kb="data-retention", tags=["retention"], urg=-0.3,
  s=["¿Cuánto tiempo guardáis los datos borrados?", "¿Dónde se almacenan nuestros datos?"],
  b=["Si borramos un proyecto, ¿cuánto tiempo lo conserváis? ¿También se elimina de las copias de seguridad?",
     "Nuestro cuestionario de seguridad pregunta dónde se alojan los datos y si podemos elegir la UE."],
  sh=["cuánto tiempo guardáis lo que borramos?", "guardáis los datos en la UE?"],
  n=["pregunta por conservación de datos y ubicación"],
  r=["Los elementos borrados quedan 30 días en la papelera y después se eliminan definitivamente; las copias "
     "de seguridad rotan a los 35 días. Todos los detalles: {kb}",
     "Los espacios de la región UE se alojan en Fráncfort y Dublín, y los planes Business y Enterprise "
     "pueden solicitar la migración. {kb}"])
v("es", "feature_request", "generic_feature", kb="submit-feature-ideas", tags=["idea"], urg=-0.3,
  s=["Sugerencia de funcionalidad", "Propuesta: {feature}", "Idea para Orbitly"],
  b=["Sería muy útil tener {feature}. Ahora mismo lo resolvemos con hojas de cálculo.",
     "¿Tenéis pensado añadir {feature}? Es lo que más me pide mi equipo."],
  sh=["añadid {feature} porfa", "para cuándo {feature}?"],
  n=["pide {feature}"],
  r=["¡Gracias por la sugerencia! He añadido tu voto en nuestro tablero de ideas, que el equipo de producto "
     "revisa cada mes. Puedes seguirla aquí: {kb}",
     "Buena idea: ya está en nuestra lista y he vinculado tu espacio para que te avisemos cuando haya "
     "novedades. {kb}"])
v("es", "feature_request", "competitor_parity", kb="submit-feature-ideas", tags=["idea", "competitor"],
  urg=-0.1,
  s=["En {competitor} sí teníamos esto", "Echamos de menos una función de {competitor}"],
  b=["En {competitor} teníamos {feature} y lo echamos mucho de menos. ¿Está previsto?",
     "Estamos comparando Orbitly con {competitor}; lo que más nos falta es {feature}."],
  sh=["{competitor} tiene {feature}, lo vais a añadir?"],
  n=["compara con {competitor}; quiere {feature}"],
  r=["Gracias por la comparación, nos ayuda mucho. Se la he pasado al responsable de producto de esa área. "
     "{kb}",
     "Está en la hoja de ruta para más adelante este año, aunque no puedo darte fecha. "
     "{kb:product-roadmap-faq}"])
v("es", "feature_request", "recurring", kb="custom-fields-and-automations", tags=["automation"], urg=-0.3,
  s=["Tareas recurrentes más flexibles", "Repetir tarea el último día laborable"],
  b=["Necesitamos tareas que se repitan el último día laborable de cada mes, pero solo hay opciones diarias, "
     "semanales o mensuales en fecha fija.",
     "¿Podrían las tareas recurrentes conservar la lista de comprobación? Ahora se crea vacía cada vez."],
  sh=["tareas recurrentes el último día laborable?"],
  n=["quiere recurrencias más flexibles"],
  r=["Puedes acercarte con una automatización: 'Al completar la tarea > crear copia con vencimiento +1 mes'. "
     "He registrado tu petición. Guía de automatizaciones: {kb}",
     "La lista de comprobación se copia si activas 'Copiar lista' en la configuración de la recurrencia. He "
     "pasado la idea al equipo de producto. {kb}"])
v("es", "performance", "slow_board", kb="improve-performance-large-workspaces", tags=["slow",
  "board"], urg=0.3,
  s=["El tablero tarda muchísimo en cargar", "Proyecto muy lento", "Orbitly va lentísimo"],
  b=["Nuestro proyecto principal, con unas {count} tareas, tarda 15-20 segundos en cargar en vista de "
     "tablero.",
     "Desde hace unos días todo va muy lento en nuestro espacio, sobre todo al cambiar de proyecto."],
  sh=["el tablero va lentísimo", "orbitly va muy lento hoy"],
  n=["proyecto grande ({count} tareas) lento"],
  r=["Los proyectos con más de 10.000 tareas ralentizan la vista de tablero. Archiva las tareas completadas "
     "(Proyecto > ... > Archivar completadas) y normalmente cargará en menos de 2 segundos. Más consejos: "
     "{kb}",
     "Detectamos una consulta lenta a la base de datos que afectaba a tu espacio. La corrección está activa "
     "desde esta tarde y los tiempos de carga han vuelto a la normalidad."])
v("es", "performance", "mobile_slow", kb="improve-performance-large-workspaces", tags=["mobile", "slow"],
  urg=0.1,
  s=["La app móvil tarda en abrir", "La app va lenta al sincronizar"],
  b=["La app tarda casi un minuto en mostrar algo en mi {device}. Con wifi va algo mejor.",
     "Cambiar de proyecto en la app es muy lento y a veces aparece la lista vacía."],
  sh=["la app tarda un montón en cargar"],
  n=["app móvil lenta en {device}"],
  r=["La app sincroniza al abrirse todos los proyectos de los que eres miembro. En Ajustes > Sin conexión y "
     "sincronización elige 'Solo proyectos destacados' y será mucho más rápida. {kb}",
     "La versión {app_version} tenía un problema de sincronización que ya está corregido. Actualiza la app y "
     "dime si sigue lenta."])
v("es", "performance", "rate_limit", kb="api-rate-limits", tags=["api", "rate-limit"], urg=0.2,
  s=["Error 429 en la API", "La API va muy lenta"],
  b=["Nuestra integración recibe \"429 Too Many Requests\" en {endpoint}, aunque solo hacemos unas pocas "
     "peticiones por segundo.",
     "Esta semana el tiempo de respuesta de la API ha pasado de 200 ms a varios segundos."],
  sh=["la api me devuelve 429"],
  n=["API limitada con 429"],
  r=["El límite es de 100 peticiones por minuto y token en tu plan, y vuestro proceso lo supera al arrancar. "
     "Repartid las peticiones o usad los endpoints masivos; la cabecera Retry-After indica cuánto esperar. "
     "{kb}",
     "Vuestro proceso pide cada tarea por separado. Con ?include=subtasks,comments obtenéis todo en una sola "
     "llamada. Detalles de los límites: {kb}"])
v("es", "onboarding", "invite_team", kb="invite-teammates", tags=["invites"], urg=-0.3,
  s=["Cómo invitar a mi equipo", "Añadir compañeros al espacio de trabajo"],
  b=["Acabamos de registrarnos y quiero invitar a unos {n_users} compañeros. ¿Se puede hacer de una vez?",
     "Soy nueva: ¿cómo añado gente al espacio y doy permisos de administrador a algunos?"],
  sh=["cómo invito a mi equipo?"],
  n=["quiere invitar a {n_users} compañeros"],
  r=["En Configuración > Miembros > Invitar puedes pegar una lista de correos o subir un CSV y elegir el rol "
     "de cada persona. Guía paso a paso: {kb}",
     "¡Bienvenida! Lo más rápido es activar 'Cualquiera con correo @{domain} puede unirse' en Configuración "
     "> Miembros. {kb}"])
v("es", "onboarding", "plan_choice", kb="plans-and-features", tags=["plans", "trial"], urg=-0.3,
  s=["¿Qué plan necesitamos?", "Pro o Business"],
  b=["Estamos en la prueba y dudamos entre Pro y Business. Necesitamos SSO e invitados. ¿Qué plan lo "
     "incluye?",
     "¿El plan Pro incluye el cronograma y las integraciones o solo Business?"],
  sh=["pro o business para sso?"],
  n=["duda entre Pro y Business"],
  r=["Por lo que cuentas, Business encaja mejor: el SSO está incluido a partir de ese plan y los invitados "
     "están en todos los planes de pago. Te he ampliado la prueba 14 días para que lo pruebes bien. {kb}",
     "El cronograma y las integraciones forman parte de Pro; Business añade SSO y permisos avanzados. "
     "Comparativa completa: {kb}"])
v("es", "onboarding", "import_tool", kb="import-from-other-tools", tags=["import"], urg=-0.2,
  s=["Importar desde {competitor}", "Migrar nuestros proyectos a Orbitly"],
  b=["Nos pasamos de {competitor} a Orbitly. ¿Podemos traernos proyectos, tareas y comentarios?",
     "He probado a importar un CSV pero no reconoce las fechas ni los responsables."],
  sh=["se puede importar desde {competitor}?"],
  n=["migración desde {competitor}"],
  r=["Sí: en Configuración > Importar hay importadores directos para Trello, Asana y Jira. Para "
     "{competitor}, el CSV funciona bien; plantilla y correspondencia de campos: {kb}",
     "El importador espera las fechas como AAAA-MM-DD y los responsables como correos de miembros "
     "existentes. Ajusta esas columnas y repite la importación. {kb}"])
v("es", "security_incident", "suspicious_login", kb="review-audit-log", tags=["suspicious-login"], urg=0.4,
  s=["Inicio de sesión desde una ubicación desconocida", "Acceso sospechoso a mi cuenta"],
  b=["Me acaba de llegar un aviso de un nuevo inicio de sesión desde {place}. No he sido yo.",
     "En el registro de auditoría vemos accesos a una cuenta de administrador desde la IP {ip}, que no "
     "reconocemos."],
  sh=["alguien ha entrado en mi cuenta desde {place}"],
  n=["aviso de acceso desde {place}, no fue el cliente"],
  r=["He cerrado todas las sesiones activas y bloqueado temporalmente esa IP. Cambia la contraseña ahora y "
     "activa la verificación en dos pasos. El registro no muestra cambios durante esa sesión. {kb}",
     "Gracias por avisar tan rápido. El acceso venía de un servidor VPN; por seguridad hemos cerrado todas "
     "las sesiones y tendrás que restablecer la contraseña. {kb}"])
v("es", "security_incident", "phishing", kb="phishing-emails", tags=["phishing"], urg=-0.2,
  s=["¿Este correo es realmente de Orbitly?", "Correo de phishing suplantando a Orbitly"],
  b=["He recibido un correo supuestamente de Orbitly que me pide 'verificar mis datos de pago' en un enlace "
     "a orbitly-billing.com. No me fío.",
     "Varios empleados han recibido hoy una página falsa de inicio de sesión de Orbitly."],
  sh=["me ha llegado un correo raro de orbitly"],
  n=["informa de phishing suplantando a Orbitly"],
  r=["Gracias por avisar: ese correo no es nuestro. Solo enviamos correos desde direcciones orbitly.example "
     "y nunca pedimos datos de tarjeta por correo. Si alguien introdujo su contraseña, que la cambie ya. "
     "{kb}",
     "Bien visto. Es una campaña de phishing conocida y nuestro equipo de seguridad está gestionando el "
     "cierre del sitio. Cómo reconocer correos auténticos: {kb}"])
v("es", "security_incident", "ex_employee", kb="review-audit-log", tags=["offboarding", "access"], urg=0.5,
  s=["Un exempleado sigue teniendo acceso", "Usuario dado de baja sigue activo"],
  b=["Despedimos a una persona la semana pasada y en el registro vemos que ayer inició sesión y descargó "
     "archivos.",
     "Un antiguo colaborador sigue recibiendo notificaciones y viendo proyectos, aunque lo quitamos de "
     "{idp}."],
  sh=["un exempleado sigue entrando!"],
  n=["exempleado sigue accediendo al espacio"],
  r=["La cuenta está suspendida y sus tokens revocados. Puedes revisar exactamente a qué accedió en el "
     "registro de auditoría filtrando por ese usuario: {kb}",
     "He desactivado la cuenta y cerrado sus sesiones. Quitar a alguien de {idp} no afecta a las sesiones "
     "abiertas salvo que esté activo el desaprovisionamiento SCIM; te recomiendo activarlo. {kb}"])
_OOS_POLITE_ES = ["Hola, {first}: gracias por tu mensaje. Esta dirección es para el soporte de Orbitly, así "
                  "que no podemos ayudarte con esto. ¡Un saludo!"]
v("es", OOS, "spam_seo", urg=-0.5,
  s=["Mejore el posicionamiento de su web", "Propuesta de colaboración"],
  b=["Buenos días, hemos visto que su web no aparece en la primera página de Google. Somos una agencia SEO y "
     "le posicionamos en 30 días. ¿Le envío una propuesta?"],
  sh=["te ponemos en la primera página de google"],
  n=["oferta comercial de agencia SEO"],
  r=_OOS_POLITE_ES)
v("es", OOS, "job_application", urg=-0.5,
  s=["Candidatura espontánea", "Currículum para atención al cliente"],
  b=["Buenos días, les escribo para presentar mi candidatura al puesto de atención al cliente. Adjunto mi "
     "CV.",
     "Hola, ¿estáis contratando desarrolladores? Acabo de terminar la carrera y me encantaría trabajar en "
     "Orbitly."],
  sh=["estáis contratando?"],
  n=["candidato preguntando por empleo"],
  r=["Hola, {first}: ¡gracias por tu interés en Orbitly! Soporte no gestiona candidaturas, pero todas las "
     "ofertas están en orbitly.example/careers."])
v("es", OOS, "unrelated_product", urg=-0.5,
  s=["Duda con fórmula de Excel", "La impresora no funciona"],
  b=["¿Cómo hago un BUSCARV que ignore las celdas vacías en Excel?",
     "Mi impresora dice que está desconectada aunque está en la wifi. ¿Me ayudan?"],
  sh=["ayuda con excel"],
  n=["pregunta sobre un producto ajeno a Orbitly"],
  r=["Hola, {first}: lamentablemente eso queda fuera de lo que podemos resolver, ya que solo damos soporte a "
     "Orbitly. Te recomiendo el centro de ayuda de ese producto."])


# ---------------------------------------------------------------------------------------------------------
# French problem variants
# ---------------------------------------------------------------------------------------------------------

v("fr", "billing", "double_charge", kb="duplicate-charges", tags=["card", "charge"], urg=0.2,
  s=["Double prélèvement", "Débité deux fois pour le même abonnement", "Paiement en double ?"],
  b=["Sur notre carte se terminant par {last4}, nous voyons deux débits de {amount} pour le renouvellement "
     "de {month}. Nous n'avons qu'un seul espace de travail, il doit s'agir d'une erreur.",
     "D'après notre relevé, Orbitly a prélevé {amount} le {date}, puis à nouveau le lendemain. Je ne vois "
     "pourtant que la facture {invoice}."],
  sh=["pourquoi j'ai été débité deux fois ?", "deux prélèvements identiques sur ma carte"],
  n=["le client voit deux débits de {amount} pour le renouvellement de {month}"],
  d=["Notre comptable l'a remarqué lors du rapprochement bancaire."],
  r=["Vous avez raison : une nouvelle tentative automatique de notre prestataire de paiement a encaissé le "
     "renouvellement deux fois. J'ai annulé le second débit de {amount} ; selon votre banque, il sera "
     "recrédité sous 5 à 10 jours ouvrés. En savoir plus : {kb}",
     "Le second mouvement n'était qu'une pré-autorisation, pas un paiement. Elle a déjà été libérée et "
     "disparaîtra de votre relevé d'ici quelques jours. Seule la facture {invoice} a été encaissée."])
v("fr", "billing", "invoice_details", kb="add-vat-id", tags=["invoice", "vat"], urg=-0.3,
  s=["Numéro de TVA absent de la facture", "Facture au mauvais nom",
     "Merci de corriger la facture {invoice}"],
  b=["Notre service comptable ne peut pas traiter la facture {invoice} : notre numéro de TVA "
     "intracommunautaire et l'adresse du siège n'y figurent pas. Pouvez-vous la rééditer au nom de {company} "
     "?",
     "Nos factures sont toujours à mon nom et non à celui de {company}. Où puis-je modifier cela, et les {n} "
     "dernières factures peuvent-elles être corrigées ?"],
  sh=["comment ajouter notre numéro de tva sur les factures ?", "la facture est à mon nom, pas à la société"],
  n=["facture {invoice} à rééditer avec numéro de TVA et adresse"],
  d=["C'est pour notre clôture annuelle."],
  r=["Vous pouvez renseigner le numéro de TVA, la raison sociale et l'adresse dans Paramètres > Facturation "
     "> Informations de facturation ; toutes les factures suivantes en tiendront compte. J'ai déjà réédité "
     "la facture {invoice}. Le guide : {kb}",
     "J'ai mis à jour le profil de facturation de {company} et régénéré les {n} dernières factures. Les "
     "nouveaux PDF sont disponibles dans la page de facturation."])
v("fr", "billing", "card_declined", kb="update-payment-method", tags=["card", "payment-failed"], urg=0.3,
  s=["Échec du paiement", "Carte refusée - notre espace va-t-il être rétrogradé ?", "Abonnement impayé ?"],
  b=["Nous avons reçu un e-mail indiquant que le paiement de notre offre {plan} a échoué et que l'espace "
     "sera rétrogradé dans {days} jours. Notre banque a remplacé la carte le mois dernier. Comment la mettre "
     "à jour ?",
     "Un bandeau rouge dans l'application indique que notre abonnement est impayé. J'ai changé la carte hier "
     "mais le bandeau est toujours là."],
  sh=["le paiement échoue alors que la carte est valide", "bandeau abonnement impayé ??"],
  n=["échec du paiement du renouvellement ; nouvelle carte"],
  r=["Pas d'inquiétude : les espaces en retard de paiement gardent un accès complet pendant 14 jours. "
     "Ajoutez la nouvelle carte dans Paramètres > Facturation > Moyen de paiement ; nous relancerons "
     "automatiquement le paiement. Étape par étape : {kb}",
     "La carte ajoutée hier a bien été débitée ce matin et la facture {invoice} est réglée. Le bandeau "
     "disparaîtra après actualisation de la page."])
v("fr", "refunds", "annual_mistake", kb="request-a-refund", tags=["annual"], urg=0.2,
  s=["Abonnement annuel souscrit par erreur", "Mauvaise offre achetée - annulation ?",
     "Remboursement du paiement annuel"],
  b=["En passant à l'offre supérieure, j'ai choisi par erreur le paiement annuel de {plan} et payé {amount}. "
     "Je voulais seulement tester un mois. Est-ce possible d'annuler ?",
     "Un collègue a basculé notre espace sur l'offre {plan} annuelle sans validation. Nous souhaitons "
     "récupérer les {amount} et repasser au mensuel."],
  sh=["payé un an par erreur, je peux être remboursé ?", "mauvaise offre achetée"],
  n=["passage à l'annuel par erreur ({amount}), demande remboursement"],
  r=["Le changement date de moins de 14 jours, il est donc couvert par notre politique de remboursement. "
     "J'ai remboursé {amount} sur votre moyen de paiement et repassé l'espace en mensuel. Détails : {kb}",
     "Aucun souci, cela arrive. J'ai annulé l'abonnement annuel et remboursé {amount2} au prorata, en "
     "conservant le mois déjà utilisé."])
v("fr", "refunds", "cancelled_still_charged", kb="refund-policy", tags=["cancellation"], urg=0.4,
  s=["Résilié mais toujours prélevé", "Prélèvement après résiliation"],
  b=["J'ai résilié mon abonnement en {month} et reçu une confirmation, mais je vois aujourd'hui un nouveau "
     "débit de {amount}. Merci de me rembourser.",
     "Nous sommes repassés à l'offre gratuite il y a plusieurs semaines et pourtant la facture {invoice} a "
     "été payée le {date}. J'exige un remboursement immédiat."],
  sh=["résilié et encore prélevé !", "pourquoi je paie encore ?"],
  n=["débité de {amount} après résiliation en {month}"],
  r=["Toutes mes excuses. Suite à une erreur de synchronisation chez nous, la résiliation n'avait pas été "
     "prise en compte. J'ai remboursé la facture {invoice} ({amount}) et l'abonnement est bien résilié. "
     "Notre politique : {kb}",
     "La rétrogradation était programmée pour la fin de la période annuelle, d'où ce renouvellement. Vu la "
     "confusion, je vous ai remboursé {amount} et j'ai mis fin à l'abonnement aujourd'hui."])
v("fr", "refunds", "trial_converted", kb="refund-policy", tags=["trial"], urg=0.1,
  s=["Oubli de résilier l'essai", "Essai transformé en abonnement payant"],
  b=["J'ai testé l'essai gratuit et oublié de l'arrêter. On m'a prélevé {amount} pour {plan}. Je n'en ai pas "
     "besoin, pouvez-vous me rembourser ?",
     "Mon essai s'est terminé le {date} et s'est transformé automatiquement en abonnement payant. Je ne m'y "
     "attendais pas."],
  sh=["essai devenu payant, je veux être remboursé"],
  n=["essai converti en {plan} payant ({amount})"],
  r=["Pas de problème : comme vous n'avez pas utilisé l'espace depuis la fin de l'essai, j'ai remboursé "
     "{amount} et repassé votre compte sur l'offre Free. Vos projets sont conservés. {kb}",
     "J'ai résilié l'abonnement et remboursé la totalité, soit {amount}. Pour info, un rappel est envoyé 3 "
     "jours avant la fin de l'essai ; il est peut-être arrivé dans vos spams."])
v("fr", "login_access", "reset_email_missing", kb="reset-password", tags=["password"], urg=0.2,
  s=["E-mail de réinitialisation non reçu", "Impossible de me connecter", "Mot de passe oublié"],
  b=["J'ai oublié mon mot de passe et demandé le lien {n} fois, mais rien n'arrive, même pas dans les spams. "
     "Mon adresse : {email}.",
     "L'e-mail de réinitialisation n'arrive jamais. Notre service informatique a vérifié la quarantaine."],
  sh=["je ne reçois pas le mail de réinitialisation", "mot de passe oublié, pas de lien"],
  n=["ne reçoit pas les e-mails de réinitialisation ({email})"],
  r=["Nos journaux montrent que votre serveur de messagerie a rejeté les e-mails envoyés à {email}. Demandez "
     "à votre service informatique d'autoriser no-reply@orbitly.example ; en attendant, je vous ai envoyé un "
     "lien de connexion à usage unique. Guide : {kb}",
     "Les e-mails étaient bloqués dans une file d'attente, c'est corrigé. Je vous ai envoyé un nouveau lien, "
     "valable 60 minutes. {kb}"])
v("fr", "login_access", "2fa_lost", kb="two-factor-authentication", tags=["2fa"], urg=0.4,
  s=["Nouveau téléphone, plus de code 2FA", "Bloqué par l'authentification à deux facteurs"],
  b=["J'ai changé de téléphone sans transférer l'application d'authentification, et je reste bloqué à "
     "l'étape 2FA. Je n'ai pas non plus les codes de secours.",
     "On m'a volé mon téléphone et Orbitly me demande un code à 6 chiffres que je ne peux plus générer."],
  sh=["téléphone perdu, impossible de faire la 2fa", "code 2fa refusé"],
  n=["appareil 2FA perdu, pas de codes de secours"],
  r=["Pour protéger votre compte, nous devons vérifier votre identité avant de désactiver la 2FA. J'ai "
     "envoyé une demande de vérification à {email} ; dès qu'un autre administrateur l'approuve, elle sera "
     "réinitialisée. Conserver ses codes de secours : {kb}",
     "Merci pour la vérification. J'ai réinitialisé l'authentification à deux facteurs ; vous la "
     "configurerez sur le nouveau téléphone à la prochaine connexion."])
v("fr", "login_access", "owner_left", kb="recover-locked-account", tags=["ownership", "admin"], urg=0.4,
  min_tier=1,
  s=["Le propriétaire de l'espace a quitté l'entreprise", "Besoin des droits administrateur"],
  b=["Le seul administrateur de notre espace a quitté {company} le mois dernier et son compte est désactivé. "
     "Plus personne ne peut gérer la facturation ni ajouter d'utilisateurs.",
     "Notre ancien responsable informatique a créé l'espace avec son adresse personnelle et nous ne pouvons "
     "plus le joindre."],
  sh=["notre admin est parti, plus personne n'a les droits"],
  n=["propriétaire parti, transfert de propriété nécessaire"],
  r=["Nous pouvons transférer la propriété après avoir vérifié que vous êtes habilité à agir pour {company}. "
     "Envoyez-nous un courrier signé sur papier à en-tête (ou depuis une adresse @{domain}) et je vous nomme "
     "propriétaire le jour même. {kb}",
     "Merci pour le courrier d'autorisation. Vous êtes désormais propriétaire de {workspace} ; le compte de "
     "l'ancien administrateur est devenu simple membre."])
v("fr", "bug_report", "doc_not_saving", kb="clear-cache-and-reload", tags=["docs"], urg=0.4,
  s=["Les modifications des documents ne sont pas enregistrées", "Texte perdu dans un document",
     "Erreur : {error}"],
  b=["Quand je modifie un document dans la section « {area} », la moitié des modifications disparaît après "
     "rechargement. Parfois le message \"{error}\" s'affiche.",
     "J'ai écrit pendant 20 minutes, le document indiquait 'Enregistré', et ma collègue ne voyait pas le "
     "texte."],
  sh=["mes modifs disparaissent", "le document ne s'enregistre pas"],
  n=["modifications perdues dans les documents ; \"{error}\""],
  r=["L'erreur vient d'une ancienne version de l'éditeur restée en cache. Un rechargement forcé (Ctrl/Cmd + "
     "Maj + R) règle le problème. Les modifications perdues sont dans l'historique des versions. Guide : "
     "{kb}",
     "Nous avons corrigé un bug qui empêchait le renvoi des modifications après une brève coupure réseau. Le "
     "correctif est en ligne depuis ce matin et j'ai restauré le contenu manquant."])
v("fr", "bug_report", "mobile_crash", kb="mobile-app-troubleshooting", tags=["mobile", "crash"], urg=0.3,
  s=["L'application plante à l'ouverture d'une tâche", "L'app iOS plante sans arrêt",
     "L'app Android se ferme toute seule"],
  b=["Depuis la dernière mise à jour, l'application Orbitly sur mon {device} ({os}) plante dès que j'ouvre "
     "une tâche avec des pièces jointes.",
     "L'app se ferme juste après l'écran de démarrage. Version {app_version} sur {device}, réinstallée deux "
     "fois."],
  sh=["l'app plante tout le temps", "l'app ne s'ouvre plus depuis la mise à jour"],
  n=["l'app v{app_version} plante sur {device}"],
  r=["Cela correspond à un bug de la version {app_version} avec les PDF de plus de 20 Mo. Une version "
     "corrigée est publiée aujourd'hui sur le store. Si l'app plante encore ensuite, voici comment nous "
     "envoyer le journal : {kb}",
     "Déconnectez-vous, supprimez l'app, redémarrez le téléphone puis réinstallez-la : la base locale a été "
     "endommagée pendant la mise à jour. Vos données sont en sécurité sur nos serveurs. {kb}"])
v("fr", "bug_report", "due_date_shift", kb="report-a-bug", tags=["timezone", "tasks"], urg=0.1,
  s=["Les dates d'échéance sont décalées d'un jour", "Mauvaises dates sur les tâches"],
  b=["Quand je fixe une échéance au {date}, mes collègues dans un autre fuseau horaire voient la veille.",
     "Toutes les tâches créées depuis l'app mobile ont une échéance un jour plus tôt que celle choisie."],
  sh=["échéances décalées d'un jour"],
  n=["échéances décalées d'un jour selon le fuseau"],
  r=["C'est un bug connu pour les échéances sans heure ; un correctif est prévu dans la prochaine version. "
     "En attendant, indiquez une heure précise (par exemple 17:00). Pour signaler d'autres cas : {kb}",
     "Votre profil était réglé sur UTC alors que votre téléphone est à l'heure locale. J'ai corrigé le "
     "fuseau ; les nouvelles tâches seront justes."])
v("fr", "outage", "cant_load", kb="status-page-and-incidents", tags=["downtime"], urg=0.5,
  s=["Orbitly est en panne ?", "L'application ne charge plus", "Erreur 502"],
  b=["Depuis {time} environ, personne chez nous ne peut ouvrir Orbitly. Page blanche ou \"Error 502\". Notre "
     "connexion internet fonctionne.",
     "L'application web et mobile affichent 'Impossible de se connecter à Orbitly' pour tout le bureau. Y "
     "a-t-il une panne ?"],
  sh=["orbitly est down ??", "plus rien ne charge, erreur 502"],
  n=["l'app ne charge plus pour toute l'équipe depuis {time}"],
  r=["À partir de {time}, nous avons subi un incident majeur dû à une bascule de base de données ratée dans "
     "la région {region}. Le service est rétabli et aucune donnée n'a été perdue. Rapport à venir sur "
     "{status_url}. {kb}",
     "Un certificat expiré sur l'équilibreur de charge a provoqué des erreurs 502 pendant environ {minutes} "
     "minutes. C'est corrigé et tout fonctionne normalement."])
v("fr", "outage", "sync_stalled", kb="offline-mode", tags=["sync"], urg=0.4,
  s=["Plus aucune synchronisation", "Les modifications n'apparaissent pas chez les autres"],
  b=["Depuis ce matin, ce qui est modifié sur le web n'apparaît pas sur nos téléphones, et inversement.",
     "Des tâches terminées il y a une heure apparaissent encore ouvertes chez mes collègues."],
  sh=["plus rien ne se synchronise"],
  n=["synchronisation web/mobile arrêtée"],
  r=["Le service de synchronisation était dégradé ce matin ; les modifications ont été mises en file "
     "d'attente, pas perdues. Tout est de nouveau cohérent. Les changements faits hors ligne ont été "
     "fusionnés : {kb}",
     "La synchronisation a été retardée à partir de {time} pendant environ deux heures à cause d'une file "
     "surchargée. C'est résolu."])
v("fr", "outage", "api_down", kb="status-page-and-incidents", tags=["api"], urg=0.5,
  s=["L'API renvoie des erreurs 503", "API indisponible"],
  b=["Tous nos appels à {endpoint} renvoient \"503 Service Unavailable\" depuis {time}. Nos synchronisations "
     "internes sont toutes en échec.",
     "Notre synchronisation de nuit a échoué : l'API Orbitly renvoyait des erreurs 5xx à chaque requête."],
  sh=["l'api renvoie 503 partout"],
  n=["API en 503 depuis {time}"],
  r=["Notre passerelle API de la région {region} a été dégradée à partir de {time} pendant environ {minutes} "
     "minutes après un déploiement de configuration, annulé depuis. Les requêtes fonctionnent ; relancez "
     "simplement les tâches en échec. {status_url}",
     "Confirmé, l'API a connu une panne ce matin et c'est résolu. Vous pouvez vous abonner au composant API "
     "de notre page de statut : {kb}"])
v("fr", "integrations", "slack_stopped", kb="slack-integration", tags=["slack"], urg=0.2,
  s=["Plus de notifications dans Slack", "La connexion Slack ne fonctionne plus"],
  b=["Depuis le {date}, les mises à jour Orbitly n'apparaissent plus dans notre canal Slack. Nous n'avons "
     "rien changé.",
     "Slack est indiqué comme 'Connecté' dans Orbitly mais rien n'est publié. En reconnectant, j'obtiens "
     "\"{int_error}\"."],
  sh=["slack ne publie plus rien", "erreur slack {int_error}"],
  n=["la connexion Slack ne publie plus ({int_error})"],
  r=["Le jeton Slack a été révoqué lors de la désactivation de l'utilisateur qui avait installé l'app. "
     "Reconnectez Slack dans Paramètres > Intégrations > Slack avec un compte administrateur Slack. {kb}",
     "Slack exige désormais de nouvelles autorisations. En reconnectant l'app Orbitly, elles seront "
     "demandées ; les canaux configurés sont conservés. {kb}"])
v("fr", "integrations", "github_links", kb="github-integration", tags=["github"], urg=0.0,
  s=["Les PR GitHub ne sont plus liées aux tâches", "Question sur l'app GitHub"],
  b=["Nous mettons l'identifiant de la tâche dans le nom des branches comme indiqué, mais les pull requests "
     "n'apparaissent plus sur les tâches.",
     "Nous avons déplacé nos dépôts vers une nouvelle organisation GitHub et Orbitly ne les voit plus."],
  sh=["les pr github ne sont plus liées"],
  n=["liens PR GitHub absents après changement d'organisation"],
  r=["Dans les noms de branche, l'identifiant doit être au format ORB-123 (avec le préfixe de votre espace). "
     "Détails : {kb}",
     "Quand les dépôts changent d'organisation GitHub, l'app GitHub d'Orbitly doit aussi y être installée : "
     "Paramètres > Intégrations > GitHub > Ajouter une organisation. Les liens des 30 derniers jours seront "
     "récupérés. {kb}"])
v("fr", "integrations", "zapier", kb="zapier-integration", tags=["zapier"], urg=0.0,
  s=["Le déclencheur Zapier ne fonctionne plus", "Zap arrêté"],
  b=["Notre Zap qui ajoute une ligne dans Google Sheets pour chaque nouvelle tâche ne se déclenche plus. "
     "Aucune erreur côté Zapier.",
     "Dans Zapier, le déclencheur 'Tâche terminée' n'affiche pas nos champs personnalisés."],
  sh=["le zap ne se déclenche plus"],
  n=["déclencheur Zapier inactif"],
  r=["Les déclencheurs Zapier utilisent le jeton de la personne qui a connecté le compte ; il a été révoqué "
     "à sa désactivation. Reconnectez le compte Orbitly dans Zapier puis désactivez et réactivez le Zap. "
     "{kb}",
     "Les champs personnalisés sont disponibles dans le déclencheur 'Tâche terminée (détaillé)' de la "
     "nouvelle version de notre app Zapier. {kb}"])
v("fr", "data_export", "full_export", kb="export-workspace-data", tags=["export"], urg=0.2,
  s=["Export bloqué sur 'En cours'", "Lien de téléchargement expiré"],
  b=["J'ai lancé un export complet le {date} et il est toujours 'En cours de traitement'. Nous avons besoin "
     "des données pour un audit.",
     "L'app indique que l'export est terminé mais le lien reçu par e-mail affiche 'expiré'."],
  sh=["export bloqué", "lien d'export expiré"],
  n=["export complet bloqué depuis le {date}"],
  r=["Votre export était bloqué par une pièce jointe très volumineuse. Je l'ai relancé ; vous recevrez les "
     "liens par e-mail d'ici une heure, valables 7 jours. {kb}",
     "Les liens d'export expirent au bout de 7 jours par sécurité. Je vous en ai envoyé un nouveau à "
     "{email}. {kb}"])
v("fr", "data_export", "excel_encoding", kb="export-project-csv", tags=["csv", "excel"], urg=-0.2,
  s=["Caractères accentués illisibles dans le CSV", "Problème d'encodage à l'export"],
  b=["Quand j'ouvre l'export CSV dans Excel, tous les accents s'affichent en caractères bizarres comme 'Ã©'.",
     "Les noms avec des accents sont illisibles dans le fichier exporté."],
  sh=["accents cassés dans le csv"],
  n=["CSV exporté illisible dans Excel (encodage)"],
  r=["Le fichier est en UTF-8, qu'Excel ne détecte pas toujours. Choisissez le format 'Excel (.xlsx)' ou, "
     "dans Excel, utilisez Données > À partir d'un fichier texte/CSV en sélectionnant UTF-8. {kb}",
     "Vous pouvez aussi cocher 'Ajouter un BOM pour Excel' dans la fenêtre d'export ; Excel reconnaîtra "
     "alors l'encodage. {kb}"])
v("fr", "data_export", "export_before_leaving", kb="export-workspace-data", tags=["export", "cancellation"],
  urg=0.1,
  s=["Récupérer toutes nos données avant résiliation", "Comment exporter tout notre espace ?"],
  b=["Nous passons à un autre outil et notre abonnement se termine le {date}. Comment tout exporter : "
     "projets, documents, chat et fichiers ?",
     "Avant de fermer l'espace, j'ai besoin d'une sauvegarde complète des documents et pièces jointes."],
  sh=["comment exporter toutes mes données ?"],
  n=["souhaite un export complet avant résiliation le {date}"],
  r=["Les propriétaires peuvent tout exporter dans Paramètres > Données > Exporter l'espace, option 'Export "
     "complet'. Après résiliation, les données restent disponibles 30 jours. {kb}",
     "Dommage de vous voir partir ! J'ai lancé un export complet ; le lien arrivera à {email}. {kb}"])
v("fr", "privacy_deletion", "delete_account", kb="delete-your-account", tags=["account-deletion"], urg=0.0,
  s=["Supprimer mon compte", "Suppression de mon compte et de mes données"],
  b=["Je n'utilise plus Orbitly et souhaite la suppression de mon compte et de toutes mes données "
     "personnelles. Mon adresse : {email}.",
     "Je veux supprimer complètement mon compte, mais les paramètres me permettent seulement de quitter "
     "l'espace."],
  sh=["supprimez mon compte svp"],
  n=["demande la suppression de son compte ({email})"],
  r=["J'ai lancé la suppression de votre compte. Vos données personnelles seront effacées sous 30 jours, les "
     "sauvegardes écrasées dans les 35 jours suivants. Vous recevrez une confirmation à {email}. {kb}",
     "Vous pouvez supprimer votre compte vous-même dans Profil > Compte > Supprimer le compte. Si vous êtes "
     "seul propriétaire d'un espace, il faut d'abord le transférer ou le supprimer. {kb}"])
v("fr", "privacy_deletion", "gdpr_erasure", kb="gdpr-data-requests", tags=["gdpr"], urg=0.4,
  s=["Demande d'effacement (article 17 RGPD)", "Exercice du droit à l'oubli"],
  b=["Conformément à l'article 17 du RGPD, je demande l'effacement de l'ensemble de mes données "
     "personnelles, y compris dans les sauvegardes et journaux. Merci de me confirmer par écrit dans le "
     "délai légal.",
     "Je souhaite que toutes mes données soient supprimées et savoir à quels tiers elles ont été "
     "transmises."],
  sh=["demande rgpd d'effacement de mes données"],
  n=["demande formelle d'effacement RGPD (art. 17)"],
  r=["Nous avons bien reçu votre demande et vérifié votre identité via {email}. Vos données sont en cours "
     "d'effacement et disparaîtront des sauvegardes sous 35 jours. Liste de nos sous-traitants : {kb}",
     "Nous confirmons l'effacement dans nos systèmes principaux. Les sauvegardes chiffrées expirent "
     "automatiquement sous 35 jours ; une confirmation écrite suivra. {kb}"])
v("fr", "privacy_deletion", "dsar", kb="gdpr-data-requests", tags=["gdpr", "data-access"], urg=0.1,
  s=["Demande d'accès à mes données", "Quelles données conservez-vous sur moi ?"],
  b=["Merci de me transmettre une copie de toutes les données personnelles me concernant (article 15 RGPD), "
     "y compris l'historique de connexion et les adresses IP.",
     "J'aimerais savoir précisément quelles informations Orbitly conserve sur moi et avec qui elles sont "
     "partagées."],
  sh=["quelles données avez-vous sur moi ?"],
  n=["demande d'accès art. 15"],
  r=["J'ai rassemblé vos données (profil, historique de connexion avec adresses IP, contenus). Elles sont "
     "disponibles via un lien sécurisé envoyé à {email}, valable 7 jours. {kb}",
     "Vous pouvez en télécharger l'essentiel dans Profil > Confidentialité > Télécharger mes données ; "
     "l'historique de connexion figure dans le fichier envoyé à {email}. {kb}"])
v("fr", "feature_request", "generic_feature", kb="submit-feature-ideas", tags=["idea"], urg=-0.3,
  s=["Suggestion de fonctionnalité", "Idée : {feature}", "Proposition d'amélioration"],
  b=["Ce serait vraiment utile d'avoir {feature}. Pour l'instant nous bricolons avec des tableurs.",
     "Est-il prévu d'ajouter {feature} ? C'est ce que mon équipe me demande le plus."],
  sh=["ajoutez {feature} svp", "{feature}, c'est prévu ?"],
  n=["souhaite {feature}"],
  r=["Merci pour la suggestion ! J'ai ajouté votre vote sur notre tableau d'idées, que l'équipe produit "
     "étudie chaque mois. Vous pouvez suivre la demande ici : {kb}",
     "Bonne idée : elle figure déjà sur notre liste et j'y ai associé votre espace pour que vous soyez "
     "prévenu. {kb}"])
v("fr", "feature_request", "guest_permissions", kb="submit-feature-ideas", tags=["guests", "permissions"],
  urg=-0.2,
  s=["Droits plus fins pour les invités", "Invités en lecture seule ?"],
  b=["Nous invitons nos clients en tant qu'invités, mais ils voient toutes les tâches du projet. Pourrait-on "
     "masquer certaines sections ?",
     "Ce serait super d'avoir des invités qui peuvent seulement commenter."],
  sh=["invités en lecture seule possible ?"],
  n=["souhaite des droits invités plus fins"],
  r=["Les invités 'commentaire uniquement' sont disponibles avec l'offre Business. Masquer des tâches n'est "
     "pas encore possible, mais les sections privées sont prévues. {kb:product-roadmap-faq}",
     "Merci pour ce cas d'usage détaillé, je l'ai ajouté à la demande étudiée par l'équipe produit. {kb}"])
v("fr", "feature_request", "webhooks", kb="submit-feature-ideas", tags=["api", "webhooks"], urg=-0.2,
  s=["Webhooks pour les commentaires ?", "Suggestion pour l'API"],
  b=["Nos développeurs aimeraient des webhooks pour les nouveaux commentaires et changements de statut, pour "
     "ne plus interroger {endpoint} en boucle.",
     "L'API ne permet pas de modifier les champs personnalisés. Serait-ce possible ?"],
  sh=["des webhooks pour les commentaires, c'est prévu ?"],
  n=["souhaite des webhooks"],
  r=["Les webhooks pour les tâches, commentaires compris, sont en bêta. Je l'ai activée pour votre espace : "
     "Paramètres > API > Webhooks. Vos retours nous intéressent !",
     "La modification des champs personnalisés via l'API est très demandée et prévue cette année. J'ai "
     "ajouté votre cas d'usage. {kb}"])
v("fr", "performance", "slow_board", kb="improve-performance-large-workspaces", tags=["slow",
  "board"], urg=0.3,
  s=["Le tableau met une éternité à charger", "Projet très lent", "Orbitly extrêmement lent"],
  b=["Notre projet principal, avec environ {count} tâches, met 15 à 20 secondes à charger en vue tableau.",
     "Depuis quelques jours tout est lent dans notre espace, surtout le passage d'un projet à l'autre."],
  sh=["le tableau rame énormément", "orbitly très lent aujourd'hui"],
  n=["gros projet ({count} tâches) lent à charger"],
  r=["Au-delà de 10 000 tâches, la vue tableau ralentit. Archivez les tâches terminées (Projet > ... > "
     "Archiver les terminées) : le chargement passe en général sous 2 secondes. Autres conseils : {kb}",
     "Nous avons identifié une requête lente qui touchait votre espace. Le correctif est en ligne depuis cet "
     "après-midi et les temps de chargement sont revenus à la normale."])
v("fr", "performance", "memory", kb="improve-performance-large-workspaces", tags=["memory", "desktop"],
  urg=0.0,
  s=["Orbitly consomme beaucoup de mémoire", "L'application de bureau ralentit mon ordinateur"],
  b=["L'application de bureau utilise régulièrement plus de 3 Go de RAM et ralentit mon ordinateur portable.",
     "Après quelques heures, l'onglet Orbitly dans {browser} consomme énormément de mémoire."],
  sh=["l'app consomme 3 go de ram"],
  n=["forte consommation mémoire après de longues sessions"],
  r=["Nous avons corrigé une fuite de mémoire dans la vue chat restée ouverte longtemps ; mettez à jour "
     "l'application via Aide > Rechercher des mises à jour.",
     "Recharger l'application une fois par jour contourne le problème en attendant le correctif. {kb}"])
v("fr", "performance", "network", kb="network-requirements", tags=["network", "proxy"], urg=0.1,
  s=["Lent uniquement au bureau", "Orbitly lent derrière le pare-feu"],
  b=["À la maison Orbitly est rapide, au bureau c'est très lent et les mises à jour en temps réel ne "
     "fonctionnent pas. Nous avons un proxy.",
     "Notre service informatique veut connaître les domaines et ports nécessaires à Orbitly."],
  sh=["lent seulement sur le wifi du bureau"],
  n=["lent derrière le proxy de l'entreprise"],
  r=["Les fonctions temps réel utilisent des WebSockets sur wss://rt.orbitly.example, souvent bloqués par "
     "les proxys. Votre service informatique peut autoriser les domaines listés ici : {kb}",
     "J'ai envoyé à votre service informatique la liste des domaines et ports. Une fois *.orbitly.example et "
     "le trafic WebSocket sur le port 443 autorisés, ce sera aussi rapide qu'à la maison. {kb}"])
v("fr", "onboarding", "invite_team", kb="invite-teammates", tags=["invites"], urg=-0.3,
  s=["Comment inviter mon équipe ?", "Ajouter des collègues"],
  b=["Nous venons de nous inscrire et je voudrais inviter environ {n_users} collègues. Est-ce possible en "
     "une seule fois ?",
     "Je débute : comment ajouter des personnes à l'espace et donner les droits administrateur à certaines "
     "?"],
  sh=["comment inviter mon équipe ?"],
  n=["souhaite inviter ses collègues en masse"],
  r=["Dans Paramètres > Membres > Inviter, vous pouvez coller une liste d'adresses ou importer un CSV et "
     "choisir le rôle de chacun. Guide : {kb}",
     "Bienvenue ! Le plus rapide : activer 'Toute personne avec une adresse @{domain} peut rejoindre' dans "
     "Paramètres > Membres. {kb}"])
v("fr", "onboarding", "roles", kb="invite-teammates", tags=["roles", "permissions"], urg=-0.3,
  s=["Différence entre administrateur, membre et invité ?", "Question sur les rôles"],
  b=["Pouvez-vous m'expliquer la différence entre administrateur, membre et invité ? Nos prestataires ne "
     "doivent pas voir les projets internes.",
     "Un membre voit-il tous les projets ou seulement ceux auxquels il est ajouté ?"],
  sh=["différence membre et invité ?"],
  n=["question sur les rôles et la visibilité"],
  r=["Les administrateurs gèrent l'espace et la facturation, les membres voient tous les projets publics, et "
     "les invités uniquement les projets auxquels ils sont conviés. Pour des prestataires, choisissez "
     "'invité'. {kb}",
     "Les membres voient les projets publics et les projets privés où ils ont été ajoutés ; les invités "
     "seulement ce qui leur est partagé. {kb}"])
v("fr", "onboarding", "setup_best_practice", kb="getting-started-admins", tags=["setup"], urg=-0.4,
  s=["Comment organiser notre espace ?", "Conseils pour bien démarrer"],
  b=["Nous sommes une agence de {n_users} personnes en période d'essai. Comment les autres équipes "
     "s'organisent-elles : un projet par client ou par service ?",
     "Je mets en place Orbitly pour notre entreprise. Existe-t-il des modèles pour démarrer ?"],
  sh=["des modèles de projet existent ?"],
  n=["demande des bonnes pratiques d'organisation"],
  r=["La plupart des agences utilisent un projet par client avec un modèle commun pour les phases. Vous "
     "trouverez des modèles dans Nouveau projet > Modèles > Agence. Notre guide de démarrage : {kb}",
     "Je vous conseille une équipe par service et des projets à l'intérieur ; une check-list de 20 minutes "
     "est disponible ici : {kb}"])
v("fr", "security_incident", "suspicious_login", kb="review-audit-log", tags=["suspicious-login"], urg=0.4,
  s=["Connexion depuis un lieu inconnu", "Alerte de connexion suspecte"],
  b=["Je viens de recevoir un e-mail signalant une nouvelle connexion à mon compte depuis {place}. Ce "
     "n'était pas moi.",
     "Le journal d'audit montre des connexions à un compte administrateur depuis l'IP {ip}, que nous ne "
     "reconnaissons pas."],
  sh=["connexion depuis {place}, ce n'est pas moi !"],
  n=["alerte de connexion depuis {place}"],
  r=["J'ai fermé toutes les sessions actives et bloqué temporairement cette IP. Changez votre mot de passe "
     "dès maintenant et activez la 2FA. Le journal ne montre aucune modification pendant cette session. {kb}",
     "Merci pour votre réactivité. La connexion venait d'un serveur VPN ; par précaution nous avons fermé "
     "toutes les sessions et vous devrez réinitialiser votre mot de passe. {kb}"])
v("fr", "security_incident", "token_leak", kb="report-a-security-issue", tags=["api-token"], urg=0.6,
  s=["Jeton API publié sur GitHub", "Clé API exposée"],
  b=["Un de nos développeurs a poussé un fichier de configuration contenant un jeton API Orbitly sur un "
     "dépôt GitHub public. Il est resté visible environ {hours} heures.",
     "L'analyse des secrets de GitHub a détecté un jeton Orbitly dans un de nos dépôts publics."],
  sh=["on a publié notre jeton api sur github"],
  n=["jeton API exposé sur GitHub pendant {hours} heures"],
  r=["Révoquez le jeton dans Paramètres > API > Jetons immédiatement ; je l'ai déjà révoqué par précaution. "
     "Nos journaux ne montrent aucun appel suspect avec ce jeton. Créez-en un nouveau et stockez-le dans "
     "votre coffre de secrets. {kb}",
     "Nous avons reçu l'alerte GitHub également et le jeton a été révoqué automatiquement en quelques "
     "minutes. Aucune utilisation anormale. {kb}"])
v("fr", "security_incident", "phishing", kb="phishing-emails", tags=["phishing"], urg=-0.2,
  s=["Cet e-mail vient-il vraiment d'Orbitly ?", "Hameçonnage au nom d'Orbitly"],
  b=["J'ai reçu un e-mail soi-disant d'Orbitly me demandant de 'vérifier mes informations de paiement' via "
     "un lien vers orbitly-billing.com. Ça me paraît louche.",
     "Plusieurs collaborateurs ont reçu aujourd'hui une fausse page de connexion Orbitly par e-mail."],
  sh=["mail bizarre soi-disant d'orbitly"],
  n=["signale un e-mail d'hameçonnage"],
  r=["Merci pour le signalement : cet e-mail ne vient pas de nous. Nous n'écrivons que depuis des adresses "
     "orbitly.example et ne demandons jamais de données bancaires par e-mail. Si quelqu'un a saisi son mot "
     "de passe, il doit le changer. {kb}",
     "Bien vu. C'est une campagne connue et notre équipe sécurité fait fermer le site. Comment reconnaître "
     "nos vrais e-mails : {kb}"])
_OOS_POLITE_FR = ["Bonjour {first}, merci pour votre message. Cette adresse est réservée au support Orbitly, "
                  "nous ne pouvons donc pas vous aider sur ce point. Belle journée !"]
v("fr", OOS, "sales_cold", urg=-0.5,
  s=["Développez votre prospection", "15 minutes la semaine prochaine ?"],
  b=["Bonjour, je m'occupe des partenariats chez LeadFusée. Nous aidons les éditeurs SaaS comme Orbitly à "
     "obtenir 30 démos qualifiées par mois. Seriez-vous disponible pour un appel de 15 minutes ?"],
  sh=["on peut caler 15 min pour parler croissance ?"],
  n=["prospection commerciale"],
  r=_OOS_POLITE_FR)
v("fr", OOS, "wrong_company", urg=-0.5,
  s=["Ma box internet ne marche plus", "Commande non reçue"],
  b=["Ma connexion internet Orbit coupe sans arrêt depuis ce matin et le voyant de la box est rouge.",
     "J'ai commandé une coque de téléphone chez vous il y a deux semaines et je ne l'ai toujours pas reçue."],
  sh=["ma box internet ne marche plus"],
  n=["le client cherchait une autre entreprise"],
  r=["Bonjour {first}, je pense que vous vous êtes trompé d'entreprise : Orbitly est un logiciel de gestion "
     "de projets et de travail en équipe. J'espère que vous trouverez vite le bon interlocuteur !"])
v("fr", OOS, "chit_chat", urg=-0.5,
  s=["Juste un petit merci", "Bonjour"],
  b=["Je voulais simplement vous dire que j'adore Orbitly, notre équipe est bien mieux organisée depuis. "
     "Bravo !",
     "Bonjour, il y a quelqu'un ? Je teste juste."],
  sh=["coucou", "juste un test"],
  n=["simple message sans demande"],
  r=["Bonjour {first}, merci beaucoup, ça nous fait très plaisir ! N'hésitez pas si vous avez besoin de quoi "
     "que ce soit."])


# ---------------------------------------------------------------------------------------------------------
# Knowledge base
# ---------------------------------------------------------------------------------------------------------

KB_FOOTER: dict[str, tuple[str, str]] = {
    "en": ("Still need help?",
           "If these steps didn't solve the problem, contact us from the app via Help > Contact support or "
           "email support@orbitly.example. Please include your workspace name and, for technical issues, a "
           "screenshot and the approximate time the problem happened so we can check our logs."),
    "de": ("Weitere Hilfe",
           "Wenn diese Schritte nicht geholfen haben, erreichen Sie uns in der App über Hilfe > Support "
           "kontaktieren oder per E-Mail an support@orbitly.example. Bitte nennen Sie Ihren Workspace-Namen "
           "und schicken Sie bei technischen Problemen einen Screenshot und die ungefähre Uhrzeit mit."),
    "es": ("¿Necesitas más ayuda?",
           "Si estos pasos no han resuelto el problema, escríbenos desde la aplicación en Ayuda > Contactar "
           "con soporte o por correo a support@orbitly.example. Indica el nombre de tu espacio de trabajo y, "
           "si es un problema técnico, adjunta una captura y la hora aproximada en que ocurrió."),
    "fr": ("Besoin d'aide ?",
           "Si ces étapes n'ont pas résolu le problème, contactez-nous depuis l'application via Aide > "
           "Contacter le support ou par e-mail à support@orbitly.example. Indiquez le nom de votre espace de "
           "travail et, pour un problème technique, joignez une capture d'écran et l'heure approximative de "
           "l'incident."),
}
KB_RELATED: dict[str, str] = {"en": "Related articles", "de": "Verwandte Artikel", "es":
                              "Artículos relacionados",
                              "fr": "Articles associés"}

# --- billing ---
art("update-payment-method", "en", "billing", "Update your payment method", ["billing", "card", "payment"],
    "Owners and billing admins can change the card or payment method used for the workspace at any time. The "
    "new method is used for the next invoice and for any open invoice that is past due.",
    sec("Change the card on file", "steps",
        "Open Settings > Billing in the web app (billing can't be changed from the mobile apps).",
        "Under Payment method, click Update.",
        "Enter the new card details. We support Visa, Mastercard and American Express.",
        "Complete the bank's verification (3-D Secure) if a window opens.",
        "Click Save. If an invoice is past due, we retry it automatically within a few minutes."),
    sec("If a payment failed", "bullets",
        "Past-due workspaces keep full access for 14 days while we retry the payment.",
        "A 'do not honor' or 'declined' reply comes from your bank; ask them to allow payments to Orbitly "
        "Inc.",
        "Once the payment succeeds, the past-due banner disappears after a page refresh."))
art("understanding-your-invoice", "en", "billing", "Understanding your invoice", ["billing", "invoice",
    "seats"],
    "Every Orbitly invoice lists the plan, the number of seats, any prorated adjustments and taxes. This "
    "article explains each line so you can reconcile the amount with what you expected.",
    sec("Invoice lines", "bullets",
        "Plan and seats: the price per seat multiplied by the number of billable members at renewal.",
        "Prorated adjustment: charges or credits for changes made in the middle of a billing period, such as "
        "upgrading a plan or converting guests to members.",
        "Credits: amounts applied from refunds, service credits or courtesy credits.",
        "Tax: VAT or sales tax based on your billing address and tax ID."),
    sec("How seats are counted", "text",
        "Seats are billed on the highest number of active members during the period. Guests are free on paid "
        "plans and don't count as seats. Deactivated members stop counting from the next renewal."),
    sec("Download past invoices", "steps",
        "Go to Settings > Billing > Invoices.",
        "Click the invoice number to open the PDF.",
        "Use Billing contacts to send future invoices to your accounts payable team automatically."))
art("switch-to-invoice-billing", "en", "billing", "Pay by invoice and bank transfer", ["billing", "invoice"],
    "Business and Enterprise customers on annual plans can pay by invoice instead of card. Invoices are "
    "issued with net-30 payment terms and include our bank details and a payment reference.",
    sec("Request invoice billing", "steps",
        "Make sure the workspace is on an annual Business or Enterprise plan.",
        "Contact billing@orbitly.example from an owner or billing admin account.",
        "Send your purchase order (if you use one) and the billing address to print on invoices.",
        "We switch the workspace to invoice payments and confirm by email."),
    sec("Paying the invoice", "bullets",
        "Always include the reference number from the invoice on the transfer.",
        "Transfers from outside the euro area can take 3-5 business days to arrive.",
        "Your card on file is removed once the first transfer is received."))
art("change-billing-cycle", "en", "billing", "Switch between monthly and annual billing",
    ["billing", "annual", "plan-change"],
    "You can move between monthly and annual billing at any time. Annual billing is about 17% cheaper than "
    "paying monthly for the same plan and number of seats.",
    sec("Switch to annual", "steps",
        "Go to Settings > Billing > Billing cycle.",
        "Choose Annual and review the price shown for your current seats.",
        "Confirm. The unused part of your current month is credited on the first annual invoice."),
    sec("Switch to monthly", "steps",
        "Go to Settings > Billing > Billing cycle and choose Monthly.",
        "The change takes effect at the end of your current annual term.",
        "If you need to change earlier, contact support and we'll look at your options."),
    sec("Good to know", "bullets",
        "Seat changes during an annual term are prorated.",
        "Plan and cycle changes are logged in the audit log."))
art("add-vat-id", "en", "billing", "Add a VAT or tax ID to invoices", ["billing", "vat", "tax", "invoice"],
    "Businesses in the EU, UK and several other countries can add a tax ID so invoices show it and, where "
    "applicable, reverse charge applies. You can also change the company name and address printed on "
    "invoices.",
    sec("Add or change invoice details", "steps",
        "Go to Settings > Billing > Invoice details.",
        "Enter the legal company name, billing address and VAT or tax ID.",
        "Optionally add a purchase order or reference number.",
        "Click Save. All future invoices use the new details."),
    sec("Correcting past invoices", "text",
        "Invoices that were already issued can be reissued by our team. Contact support with the invoice "
        "numbers and we'll regenerate them with the current details."),
    sec("Tax-exempt organisations", "text",
        "Upload your exemption certificate under Invoice details. Certificates expire; we'll email you "
        "before yours does."))

# --- refunds ---
art("refund-policy", "en", "refunds", "Orbitly refund policy", ["refunds", "policy", "cancellation"],
    "We want you to pay only for what you use. This policy explains when payments are refunded and when "
    "unused time is turned into account credit instead.",
    sec("When you get a full refund", "bullets",
        "An annual plan purchased or renewed within the last 14 days, if you cancel or downgrade.",
        "Duplicate charges and charges made after a confirmed cancellation.",
        "Trials that converted to a paid plan that was not used afterwards."),
    sec("When you get credit", "bullets",
        "Seats removed in the middle of an annual term are credited to your account.",
        "Downgrades mid-term are credited against future invoices."),
    sec("Chargebacks", "text",
        "If you don't recognise a charge, contact us before opening a dispute with your bank. A chargeback "
        "locks the workspace while it's investigated, which can take several weeks; we can usually resolve "
        "the issue the same day."))
art("request-a-refund", "en", "refunds", "How to request a refund", ["refunds", "billing"],
    "Refund requests are handled by our billing team, usually within one business day. Refunds go back to "
    "the original payment method.",
    sec("Request a refund", "steps",
        "Contact support from the account of a workspace owner or billing admin.",
        "Include the invoice number (it starts with INV-) and the reason for the request.",
        "We confirm the amount and issue the refund, or explain the options if a credit applies.",
        "You receive an email with the refund reference."),
    sec("How long it takes", "bullets",
        "Card refunds appear within 5-10 business days, depending on your bank.",
        "Bank transfers can take up to 10 business days.",
        "If nothing appears after 10 business days, your bank can trace the refund with the ARN reference we "
        "send."))
art("duplicate-charges", "en", "refunds", "Duplicate or unexpected charges", ["refunds", "card", "charge"],
    "Seeing two charges from Orbitly, or a charge you don't recognise, is worrying. Most of the time there's "
    "a simple explanation, and we'll fix any real duplicate quickly.",
    sec("Common causes", "bullets",
        "Authorization holds: your bank shows a pending amount that is released after a few days.",
        "Two workspaces: a colleague created a second workspace with the same card.",
        "Payment retries: a timeout at the payment provider can, rarely, capture a payment twice.",
        "Prorated charges: upgrades in the middle of a period create a separate invoice."),
    sec("What to do", "steps",
        "Check Settings > Billing > Invoices for the invoice numbers that match the charges.",
        "If a charge has no matching invoice, or two invoices look identical, contact support.",
        "We'll reverse any real duplicate and confirm by email."))

# --- login_access ---
art("reset-password", "en", "login_access", "Reset your password", ["login", "password"],
    "If you've forgotten your password, you can set a new one from the sign-in page. Reset links are valid "
    "for 60 minutes and can be used once.",
    sec("Reset your password", "steps",
        "Go to the Orbitly sign-in page and click Forgot password.",
        "Enter the email address you use for Orbitly.",
        "Open the email from no-reply@orbitly.example and click Reset password.",
        "Choose a new password with at least 10 characters and sign in."),
    sec("If the email doesn't arrive", "bullets",
        "Check spam and any quarantine folder your IT team uses.",
        "Ask IT to allow email from no-reply@orbitly.example.",
        "If your workspace uses SSO, reset your password with your identity provider instead.",
        "If your email address has changed, ask a workspace admin to update it."))
art("two-factor-authentication", "en", "login_access", "Set up and recover two-factor authentication",
    ["login", "2fa", "security"],
    "Two-factor authentication (2FA) adds a second step to sign-in using an authenticator app. Admins can "
    "require it for everyone in the workspace.",
    sec("Turn on 2FA", "steps",
        "Go to Profile > Security > Two-factor authentication.",
        "Scan the QR code with an authenticator app such as Google Authenticator, 1Password or Authy.",
        "Enter the 6-digit code to confirm.",
        "Download your backup codes and store them somewhere safe."),
    sec("Lost your phone?", "steps",
        "Use one of your backup codes on the verification screen.",
        "Without backup codes, contact support. We verify your identity and need approval from another "
        "admin.",
        "After the reset, set up 2FA again on your new device."),
    sec("Codes rejected", "text",
        "Authenticator codes depend on your phone's clock. Turn on automatic date and time, or use the time "
        "correction option in your authenticator app."))
art("configure-saml-sso", "en", "login_access", "Configure SAML SSO (Okta, Azure AD and others)",
    ["sso", "saml", "okta", "azure-ad"],
    "On Business and Enterprise plans you can let members sign in with your identity provider (IdP) using "
    "SAML 2.0. We provide ready-made apps for Okta, Azure AD, OneLogin, JumpCloud and Google Workspace.",
    sec("Set up SSO", "steps",
        "In Orbitly, go to Settings > Security > SAML SSO and copy the ACS URL and Entity ID.",
        "In your IdP, add the Orbitly app (or a custom SAML app) and paste these values.",
        "Set the NameID format to EmailAddress.",
        "Assign the users or groups who should have access.",
        "Paste the IdP metadata URL into Orbitly, or upload the certificate and sign-in URL.",
        "Click Test connection, then enable SSO. Optionally enforce it for all members."),
    sec("Certificate rotation", "text",
        "When your IdP's signing certificate changes, upload the new certificate or refresh the metadata in "
        "Orbitly right away, otherwise sign-ins will fail."))
art("troubleshoot-sso-errors", "en", "login_access", "Troubleshoot SSO sign-in errors", ["sso", "saml",
    "login"],
    "Most SSO errors come from a mismatch between the settings in your identity provider and in Orbitly. Use "
    "the error message to find the fix below.",
    sec("Common errors", "bullets",
        "'SAML response signature could not be verified': upload the current signing certificate.",
        "'Invalid InResponseTo': the sign-in took too long or started in another tab; start again from "
        "Orbitly.",
        "'User is not provisioned': the user isn't assigned to the Orbitly app or isn't in a mapped group.",
        "'NameID format mismatch': set the NameID format to EmailAddress.",
        "'Audience restriction mismatch': the Entity ID in your IdP must be urn:orbitly:sp."),
    sec("Collect a SAML trace", "steps",
        "Install a SAML tracer extension in your browser.",
        "Reproduce the failed sign-in.",
        "Export the trace and send it to support together with the time of the attempt."))
art("recover-locked-account", "en", "login_access", "Unlock your account or regain workspace ownership",
    ["login", "locked", "ownership", "admin"],
    "Accounts are locked temporarily after repeated failed sign-ins, and workspaces can become unmanageable "
    "when the only owner leaves. Here's how to get back in.",
    sec("Locked after failed sign-ins", "bullets",
        "After 10 failed attempts the account is locked for 30 minutes.",
        "Saved passwords in browsers or password managers can keep retrying; update them.",
        "If the lock persists, contact support and we'll unlock it after verifying your identity."),
    sec("The workspace owner has left", "steps",
        "Check Settings > Members for any other admin who can transfer ownership.",
        "If there is none, contact support from an email address on your company's domain.",
        "Attach a signed authorisation on company letterhead.",
        "We transfer ownership, usually on the same day."))

# --- bug_report ---
art("clear-cache-and-reload", "en", "bug_report", "Clear your cache and reload Orbitly",
    ["troubleshooting", "cache", "browser"],
    "Many display and saving problems are caused by an outdated version of Orbitly stored in your browser. A "
    "hard reload or clearing site data fixes them in seconds and doesn't delete any of your work.",
    sec("Hard reload", "steps",
        "Close other Orbitly tabs.",
        "Press Ctrl + Shift + R (Windows, Linux) or Cmd + Shift + R (Mac).",
        "Wait for the page to load completely."),
    sec("Clear site data", "steps",
        "Open your browser settings and find Privacy > Site data (or Cookies and site data).",
        "Search for orbitly.example and remove the stored data.",
        "Sign in again."),
    sec("Still not working?", "bullets",
        "Try a private window to rule out browser extensions.",
        "Check the version history of a doc to restore lost edits.",
        "Report the problem with a screenshot and the time it happened."))
art("report-a-bug", "en", "bug_report", "How to report a bug", ["bug", "troubleshooting", "har"],
    "Good bug reports help us fix problems much faster. Before you contact us, collect a few details.",
    sec("What to include", "bullets",
        "What you did, what you expected and what happened instead.",
        "The exact error message and the time it appeared (with your time zone).",
        "Browser and version, or device, OS and Orbitly app version.",
        "A link to the affected task, doc or project."),
    sec("Record a HAR file", "steps",
        "Open your browser's developer tools (F12) and select the Network tab.",
        "Reproduce the problem.",
        "Right-click in the request list and choose Save all as HAR.",
        "Attach the file to your support request. It may contain sensitive data, so send it only to "
        "support."))
art("mobile-app-troubleshooting", "en", "bug_report", "Troubleshoot the iOS and Android apps",
    ["mobile", "ios", "android", "crash"],
    "If the Orbitly app crashes, freezes or shows old data, these steps solve most problems. Your data is "
    "stored on our servers, so reinstalling the app never deletes your work.",
    sec("Quick fixes", "steps",
        "Update the app to the latest version from the App Store or Google Play.",
        "Restart your phone.",
        "In the app, go to Settings > Advanced > Clear local cache.",
        "If it still crashes, sign out, delete the app and reinstall it."),
    sec("Send us a crash log", "steps",
        "Open Settings > Help > Send diagnostics in the app.",
        "Describe what you were doing when the app crashed.",
        "If the app doesn't open at all, send the app version and your device model to support."))
art("notifications-not-arriving", "en", "bug_report", "Notifications not arriving",
    ["notifications", "email", "push"],
    "Orbitly notifies you about mentions, assignments and due dates by email, push and in the app. If you "
    "stop receiving them, work through this checklist.",
    sec("Checklist", "steps",
        "Check Profile > Notifications and make sure the events you care about are enabled.",
        "Look at Profile > Notifications > Schedule: a Do not disturb period may be active.",
        "For push, allow notifications for Orbitly in your phone's settings, then sign out and back in.",
        "For email, ask IT to allow notifications@orbitly.example."),
    sec("Too many notifications?", "text",
        "Switch noisy projects to 'Mentions only' from the project's bell icon, or turn on the daily digest "
        "to get one summary email per day."))

# --- outage ---
art("status-page-and-incidents", "en", "outage", "Check Orbitly status and subscribe to incident updates",
    ["status", "outage", "incident"],
    "Our status page at https://status.orbitly.example shows the health of every Orbitly component: web app, "
    "mobile sync, chat, API, file storage and sign-in, per region.",
    sec("Subscribe to updates", "steps",
        "Open https://status.orbitly.example.",
        "Click Subscribe to updates.",
        "Choose email, SMS, Slack or webhook notifications.",
        "Select the components and regions that matter to you."),
    sec("During an incident", "bullets",
        "We post the first update within 10 minutes of detecting a problem.",
        "Updates follow at least every 30 minutes until the incident is resolved.",
        "Data is not lost during incidents; changes are queued and synced afterwards.",
        "A post-incident report is published within 48 hours for major incidents."),
    sec("Seeing problems that aren't on the status page?", "text",
        "Contact support with your workspace name and the time it started. Partial problems can affect only "
        "some workspaces before automated checks pick them up."))
art("offline-mode", "en", "outage", "Working offline and during an outage", ["offline", "sync", "mobile"],
    "The Orbitly apps keep a local copy of your starred projects, so you can keep working when you're "
    "offline or when our sync service is degraded.",
    sec("What works offline", "bullets",
        "Viewing and editing tasks and docs in projects that were synced before.",
        "Creating new tasks and comments.",
        "Chat messages are queued and sent when the connection is back."),
    sec("Enable offline access", "steps",
        "In the desktop or mobile app, go to Settings > Offline & sync.",
        "Choose which projects are available offline (all, or only starred projects).",
        "Keep the app open once while online to download the data."),
    sec("Conflicts", "text",
        "If two people change the same field while one of them is offline, the most recent change wins and "
        "the other version is kept in the history."))
art("sla-and-service-credits", "en", "outage", "SLA and service credits", ["sla", "outage", "credit",
    "enterprise"],
    "Business and Enterprise plans include a 99.9% monthly uptime commitment. If we miss it, you receive a "
    "service credit on a future invoice.",
    sec("Credit levels", "bullets",
        "Below 99.9% monthly uptime: 10% of the monthly fee.",
        "Below 99.0%: 25% of the monthly fee.",
        "Below 95.0%: 50% of the monthly fee."),
    sec("How to request a credit", "steps",
        "Contact support within 30 days of the end of the affected month.",
        "Include your workspace name and the dates of the incidents.",
        "We calculate uptime for your region and apply the credit to your next invoice."),
    sec("Incident reports", "text",
        "Root cause analyses for major incidents are published on the status page. Enterprise customers can "
        "request a PDF for their vendor records."))

# --- integrations ---
art("slack-integration", "en", "integrations", "Connect Orbitly to Slack", ["slack", "integrations"],
    "The Slack integration posts project updates to channels, lets you create tasks with the /orbitly "
    "command and sends personal notifications as direct messages.",
    sec("Connect Slack", "steps",
        "Go to Settings > Integrations > Slack and click Connect.",
        "Sign in to Slack and approve the requested permissions. Some Slack workspaces require admin "
        "approval.",
        "Open a project and choose ... > Integrations > Slack to pick a channel for its updates.",
        "For private channels, type /invite @Orbitly in the channel."),
    sec("Permissions", "text",
        "The app can post messages, read channel names and use slash commands. It never reads message "
        "history."),
    sec("If updates stop", "bullets",
        "The Slack user who installed the app was deactivated: reconnect as another Slack admin.",
        "New permission scopes are needed: click Reconnect to approve them.",
        "The channel became private: invite the Orbitly bot again."))
art("jira-integration", "en", "integrations", "Sync with Jira", ["jira", "integrations", "sync"],
    "The Jira integration keeps Jira issues and Orbitly tasks in sync, including status, assignee and "
    "comments.",
    sec("Set up the sync", "steps",
        "Go to Settings > Integrations > Jira and connect your Jira Cloud site.",
        "Choose a Jira project and the Orbitly project it should sync with.",
        "Map Jira statuses to Orbitly columns under Status mapping.",
        "Choose one-way or two-way sync and start the first sync."),
    sec("Avoiding duplicates", "bullets",
        "Connect each Jira project to only one Orbitly project.",
        "Remove old connections created by former admins before creating a new one.",
        "When your Jira admin adds a new status, map it in Orbitly too."))
art("github-integration", "en", "integrations", "Link GitHub pull requests and commits", ["github",
    "integrations"],
    "Connect GitHub to see pull requests, commits and deployment status directly on Orbitly tasks.",
    sec("Install the GitHub app", "steps",
        "Go to Settings > Integrations > GitHub and click Add organization.",
        "Choose the GitHub organization and select all or specific repositories.",
        "Confirm the installation in GitHub."),
    sec("Link work to tasks", "bullets",
        "Put the task ID (for example ORB-123) in the branch name or the pull request title.",
        "Merged pull requests can move the task to Done automatically.",
        "When repositories move to another organization, install the app there as well; links for the last "
        "30 days are backfilled."))
art("google-drive-integration", "en", "integrations", "Attach files from Google Drive",
    ["google-drive", "integrations", "files"],
    "Attach Google Drive files to tasks and docs without downloading them. Files stay in Drive and keep "
    "their Drive sharing settings.",
    sec("Connect Google Drive", "steps",
        "Open Profile > Connected accounts and click Connect next to Google Drive.",
        "Allow Orbitly to see and open the files you choose.",
        "In a task, click Attach > Google Drive and pick a file."),
    sec("Access for teammates", "bullets",
        "Orbitly never changes Drive permissions on its own.",
        "Turn on 'Share with task members when attaching' to be prompted to grant access.",
        "If the file picker is empty, disconnect and reconnect Google Drive."))
art("salesforce-integration", "en", "integrations", "Connect Salesforce", ["salesforce", "integrations"],
    "Business and Enterprise workspaces can create Orbitly projects from Salesforce opportunities and show "
    "project progress on the Salesforce record.",
    sec("Set up the connector", "steps",
        "Go to Settings > Integrations > Salesforce and click Connect.",
        "Sign in with a Salesforce integration user whose password doesn't expire.",
        "Choose the trigger, for example 'Opportunity stage is Closed Won'.",
        "Select the project template to use and map fields.",
        "Click Refresh schema whenever you add custom fields in Salesforce."),
    sec("Troubleshooting", "bullets",
        "Nothing is created: check whether the integration user's password or token expired.",
        "Use Sync last 30 days to replay missed opportunities."))
art("zapier-integration", "en", "integrations", "Automate with Zapier", ["zapier", "integrations",
    "automation"],
    "The Orbitly Zapier app connects Orbitly to thousands of other tools with triggers (new task, task "
    "completed, new comment) and actions (create task, update task, post message).",
    sec("Create a Zap", "steps",
        "In Zapier, create a Zap and search for Orbitly.",
        "Choose a trigger or action and connect your Orbitly account.",
        "Map fields, including custom fields in the detailed triggers.",
        "Test the Zap and turn it on."),
    sec("If a Zap stops", "bullets",
        "Zaps use the API token of the person who connected the account; if that person is deactivated, "
        "reconnect with another account.",
        "Triggers poll every 15 minutes on most Zapier plans."))
art("manage-integrations", "en", "integrations", "Manage and reconnect integrations", ["integrations",
    "admin"],
    "Admins can see every connected app in one place, check its status and reconnect it when authorisation "
    "expires.",
    sec("Review connections", "steps",
        "Go to Settings > Integrations.",
        "Each integration shows its status, who connected it and when it last synced.",
        "Click an integration to see recent errors."),
    sec("Reconnect after an admin leaves", "steps",
        "Integrations are tied to the account that created them.",
        "Before deactivating an admin, reconnect their integrations with your own account.",
        "If an integration already shows an error, click Reconnect and authorise again."),
    sec("Common error codes", "bullets",
        "invalid_auth or token_revoked: the authorisation expired or was revoked.",
        "insufficient_scope: new permissions are required; reconnect to approve them.",
        "rate_limited: the other service is throttling requests; syncing resumes automatically."))

# --- data_export ---
art("export-workspace-data", "en", "data_export", "Export your workspace data", ["export", "backup", "data"],
    "Workspace owners can export all data: projects and tasks, docs, chat history and attachments. Exports "
    "are prepared in the background and delivered by email.",
    sec("Start a full export", "steps",
        "Go to Settings > Data > Export workspace.",
        "Choose Full export, or select specific projects.",
        "Tick Include files to add attachments (delivered as separate archives of up to 5 GB).",
        "Click Start export. You'll receive an email with download links when it's ready."),
    sec("Formats", "bullets",
        "Tasks: CSV and JSON.",
        "Docs: Markdown and PDF.",
        "Chat: JSON, one file per channel."),
    sec("Good to know", "bullets",
        "Download links are valid for 7 days; recent exports are listed under Settings > Data > Exports.",
        "After cancellation, data remains available for export for 30 days."))
art("export-project-csv", "en", "data_export", "Export a project to CSV or Excel", ["export", "csv", "excel"],
    "Export a single project's tasks to CSV or Excel for reporting, or export docs as PDF or Word.",
    sec("Export tasks", "steps",
        "Open the project and click ... > Export.",
        "Choose CSV or Excel (.xlsx).",
        "Click Choose columns to add custom fields, assignees' emails and dates.",
        "Tick Include comments or Include subtasks if you need them.",
        "Click Export. The file downloads immediately."),
    sec("Accents and special characters", "text",
        "CSV files are UTF-8. If Excel shows garbled characters, export as .xlsx, tick Add BOM for Excel, or "
        "import the CSV through Data > From Text/CSV."),
    sec("Export docs", "text",
        "Open a doc and choose ... > Export > PDF or Word. For wide tables, choose landscape and fit to "
        "width."))
art("api-bulk-export", "en", "data_export", "Export data with the REST API", ["api", "export", "backup"],
    "The REST API is the best way to copy Orbitly data to a data warehouse or backup system on a schedule.",
    sec("Paginate through results", "steps",
        "Create an API token under Settings > API > Tokens.",
        "Request the first page, for example GET /v2/tasks?limit=500.",
        "Read next_cursor from the response and pass it as ?cursor= to get the next page.",
        "Repeat until next_cursor is empty."),
    sec("Incremental exports", "bullets",
        "Use ?updated_since= with the time of your last run to fetch only changes.",
        "Respect the Retry-After header when you receive a 429 response.",
        "Enterprise workspaces can configure scheduled exports to S3, Azure Blob or Google Cloud Storage."))

# --- privacy_deletion ---
art("delete-your-account", "en", "privacy_deletion", "Delete your account", ["privacy", "account-deletion"],
    "You can delete your Orbitly account at any time. Deletion removes your profile and personal data; "
    "content you created in a company workspace belongs to that workspace.",
    sec("Delete your account", "steps",
        "Go to Profile > Account > Delete account.",
        "If you're the only owner of a workspace, transfer ownership or delete the workspace first.",
        "Confirm with your password or SSO.",
        "You'll receive a confirmation email."),
    sec("What happens next", "bullets",
        "Your personal data is removed from our systems within 30 days.",
        "Backups containing your data are overwritten within a further 35 days.",
        "Marketing emails stop immediately; you can also unsubscribe without deleting your account."))
art("gdpr-data-requests", "en", "privacy_deletion", "GDPR requests: access, deletion and our DPA",
    ["privacy", "gdpr", "dpa"],
    "Orbitly supports the rights of individuals under the GDPR and similar laws. Workspace admins act as "
    "controllers for their workspace's data; Orbitly acts as processor.",
    sec("Individual requests", "bullets",
        "Access (Art. 15): download your data under Profile > Privacy > Download my data, or ask support.",
        "Erasure (Art. 17): delete your account or contact privacy@orbitly.example.",
        "We respond within one month and verify identity before acting."),
    sec("For workspace admins", "steps",
        "Deactivate departed members under Settings > Members.",
        "Use ... > Anonymise user to remove names and email addresses while keeping content.",
        "Sign the Data Processing Agreement under Settings > Security > Legal documents.",
        "Subscribe to changes in our subprocessor list on the same page."))
art("data-retention", "en", "privacy_deletion", "Data retention and data residency",
    ["privacy", "retention", "residency"],
    "This article explains how long we keep data after it's deleted and where workspaces are hosted.",
    sec("Retention", "bullets",
        "Deleted tasks, docs and projects stay in the trash for 30 days and can be restored.",
        "After 30 days they are permanently deleted; backups roll over after 35 days.",
        "Workspaces are deleted 90 days after a subscription ends.",
        "Audit logs are kept for 1 year (Enterprise: configurable up to 7 years)."),
    sec("Where data is stored", "text",
        "Workspaces are hosted in the US or EU region. EU workspaces are stored in Frankfurt and Dublin. "
        "Business and Enterprise customers can ask to migrate an existing workspace to the EU region."))

# --- feature_request ---
art("submit-feature-ideas", "en", "feature_request", "Share feature ideas and vote on the roadmap",
    ["feature-request", "feedback", "roadmap"],
    "Many of Orbitly's features started as customer suggestions. Here's how to share an idea and follow what "
    "happens to it.",
    sec("Submit an idea", "steps",
        "In the app, open Help > Share an idea, or visit the ideas board.",
        "Search first: if the idea exists, vote for it and add your use case as a comment.",
        "If it doesn't, describe the problem you want to solve, not only the solution.",
        "You'll get an email when the status of the idea changes."),
    sec("How ideas are reviewed", "text",
        "Our product team reviews new ideas monthly. Votes matter, but so does the detail of the use cases: "
        "a clear description of who is affected and how often helps us prioritise."))
art("product-roadmap-faq", "en", "feature_request", "Product roadmap FAQ", ["roadmap", "feature-request"],
    "Customers often ask what's coming next. Our public roadmap lists what we're working on now, next and "
    "later.",
    sec("Frequently asked questions", "bullets",
        "Where is the roadmap? At roadmap.orbitly.example, updated every month.",
        "Can I get a release date? We don't commit to dates for items in Next or Later.",
        "Can I join a beta? Many features start as betas; ask support to add your workspace.",
        "Why isn't my idea on the roadmap? Items are prioritised by impact across customers."),
    sec("Stay informed", "steps",
        "Follow items on the roadmap to get email updates.",
        "Read the monthly changelog in Help > What's new."))
art("custom-fields-and-automations", "en", "feature_request", "Custom fields and automations",
    ["automation", "custom-fields", "recurring"],
    "Before requesting a new feature, check whether custom fields and automations already cover your use "
    "case. They're available on Pro and above.",
    sec("Create an automation", "steps",
        "Open a project and click Automations.",
        "Choose a trigger, such as Task completed, Status changed or Due date reached.",
        "Add an action, such as Create copy, Assign to, Move to section or Post to Slack.",
        "Save and test the rule on a sample task."),
    sec("Recurring tasks", "bullets",
        "Daily, weekly and monthly schedules are built in.",
        "Turn on Copy checklist to keep the checklist on each new occurrence.",
        "For custom schedules, use 'When task is completed > create copy with new due date'."))

# --- performance ---
art("improve-performance-large-workspaces", "en", "performance", "Speed up large projects and workspaces",
    ["performance", "slow", "large-workspace"],
    "Orbitly stays fast for most teams, but very large projects, long docs or older devices can slow things "
    "down. These tips make the biggest difference.",
    sec("Projects", "bullets",
        "Archive completed tasks (Project > ... > Archive completed).",
        "Turn on Hide completed tasks older than 30 days in board settings.",
        "Split projects with more than 10,000 tasks into several projects."),
    sec("Docs", "bullets",
        "Split very long docs into sub-pages.",
        "Collapse large tables and avoid pasting very large images.",
        "Turn on hardware acceleration in your browser."),
    sec("Mobile and desktop apps", "steps",
        "Update to the latest app version.",
        "In Settings > Offline & sync, choose Only starred projects.",
        "Restart the desktop app once a day if it has been open for a long time."))
art("api-rate-limits", "en", "performance", "API rate limits", ["api", "rate-limit", "performance"],
    "Rate limits keep the API fast for everyone. Limits apply per API token.",
    sec("Limits by plan", "bullets",
        "Free and Pro: 100 requests per minute.",
        "Business: 300 requests per minute.",
        "Enterprise: 1,000 requests per minute, higher on request."),
    sec("Handling 429 responses", "steps",
        "Read the Retry-After header and wait that many seconds.",
        "Retry with exponential backoff.",
        "Spread requests evenly instead of bursting at the start of a job."),
    sec("Make fewer requests", "bullets",
        "Use ?include=subtasks,comments to get related data in one call.",
        "Use updated_since to fetch only changes.",
        "Use webhooks instead of polling where available."))
art("network-requirements", "en", "performance", "Network and firewall requirements",
    ["network", "firewall", "proxy"],
    "If Orbitly is slow only on your company network, a proxy or firewall is usually blocking or buffering "
    "traffic. Share this list with your IT team.",
    sec("Domains to allow", "bullets",
        "*.orbitly.example on port 443 (HTTPS).",
        "wss://rt.orbitly.example for real-time updates (WebSockets).",
        "uploads.orbitly.example and files.orbitly.example for attachments.",
        "status.orbitly.example for status information."),
    sec("Proxy settings", "steps",
        "Allow WebSocket upgrades and don't buffer WebSocket traffic.",
        "Exclude the domains above from TLS inspection if possible.",
        "Test from the office network at https://orbitly.example/network-check."),
    sec("Why this matters", "text",
        "When WebSockets are blocked, the apps fall back to polling every few seconds. Everything still "
        "works, but updates arrive late, typing in shared docs feels sluggish and uploads may time out."))

# --- onboarding ---
art("getting-started-admins", "en", "onboarding", "Getting started for workspace admins",
    ["onboarding", "setup", "admin"],
    "This checklist helps you set up a new workspace in about 20 minutes so your team can start working "
    "right away.",
    sec("Setup checklist", "steps",
        "Add your logo and workspace name under Settings > General.",
        "Create teams for departments and projects inside them.",
        "Start from a template: New project > Templates.",
        "Invite teammates and assign roles.",
        "Connect the tools you use, such as Slack or Google Drive.",
        "Set notification defaults for new members."),
    sec("Structuring your workspace", "text",
        "A workspace is your company's space, teams group people, and projects hold the work. Agencies "
        "usually use one project per client; internal teams often use one project per initiative."),
    sec("Training", "text",
        "We run free live webinars twice a week. Business and Enterprise customers can book dedicated "
        "sessions."))
art("invite-teammates", "en", "onboarding", "Invite teammates and manage roles", ["onboarding", "invites",
    "roles"],
    "Admins can invite people by email, in bulk or by allowing everyone with a company email domain to join.",
    sec("Invite people", "steps",
        "Go to Settings > Members > Invite.",
        "Paste email addresses or upload a CSV file.",
        "Choose a role for each person: admin, member or guest.",
        "Click Send invites. Invites are valid for 7 days."),
    sec("Roles", "bullets",
        "Admins manage members, billing and settings.",
        "Members see public projects and private projects they're added to.",
        "Guests only see what they're invited to and are free on paid plans."),
    sec("Invites not arriving", "text",
        "Copy the invite link from Settings > Members > Pending and send it directly, or ask IT to allow "
        "no-reply@orbitly.example."))
art("import-from-other-tools", "en", "onboarding", "Import from Trello, Asana, Jira or CSV",
    ["onboarding", "import", "migration"],
    "Move your existing work into Orbitly with our importers. Comments, attachments and assignees come along "
    "where the source tool allows it.",
    sec("Use a direct importer", "steps",
        "Go to Settings > Import and choose Trello, Asana or Jira.",
        "Authorise access to the source tool.",
        "Select the boards or projects to import.",
        "Match users by email and start the import."),
    sec("Import a CSV", "bullets",
        "Download the CSV template from the import page.",
        "Dates must use the format YYYY-MM-DD.",
        "Assignees must be email addresses of existing members.",
        "Custom columns become custom fields."))
art("plans-and-features", "en", "onboarding", "Compare plans", ["plans", "pricing", "onboarding"],
    "Orbitly offers four plans. All paid plans can be billed monthly or annually.",
    sec("Plans at a glance", "bullets",
        "Free: up to 5 members, unlimited tasks, 1 GB storage.",
        "Pro: unlimited members, timeline, integrations, guests and 100 GB storage.",
        "Business: everything in Pro plus SAML SSO, advanced permissions, invoice billing and the 99.9% SLA.",
        "Enterprise: everything in Business plus SCIM, audit log retention, scheduled exports and a "
        "dedicated customer success manager."),
    sec("Trials", "text",
        "New workspaces get a 14-day trial of Business. At the end of the trial you can choose a plan or "
        "continue on Free; we remind you 3 days before it ends."))

# --- security_incident ---
art("report-a-security-issue", "en", "security_incident", "Report a security concern",
    ["security", "incident", "vulnerability"],
    "If you believe your account or workspace has been compromised, or you found a vulnerability, tell us "
    "right away. Security reports are handled around the clock.",
    sec("If an account is compromised", "steps",
        "Change the account's password and sign out all sessions under Profile > Security.",
        "Revoke API tokens under Settings > API > Tokens.",
        "Contact support and mark the request as a security incident.",
        "Review the audit log for changes made by the account."),
    sec("If a token or secret was exposed", "bullets",
        "Revoke it immediately and create a new one.",
        "We automatically revoke Orbitly tokens reported by GitHub secret scanning."),
    sec("Vulnerability reports", "text",
        "Send details to security@orbitly.example. We acknowledge reports within one business day and run a "
        "bug bounty programme."))
art("review-audit-log", "en", "security_incident", "Review the audit log and active sessions",
    ["security", "audit-log", "sessions"],
    "The audit log records sign-ins, permission changes, exports, deletions and sharing changes. Admins on "
    "Business and Enterprise can search and export it.",
    sec("Search the audit log", "steps",
        "Go to Settings > Security > Audit log.",
        "Filter by user, event type, IP address or date.",
        "Click an event to see details such as device and location.",
        "Export the results as CSV for your records."),
    sec("End sessions", "bullets",
        "Members can sign out other devices under Profile > Security > Sessions.",
        "Admins can end all sessions for a member from Settings > Members.",
        "Turn on SCIM deprovisioning so removing a user in your IdP ends their sessions immediately."),
    sec("Public links", "text",
        "Admins can disable public links entirely under Settings > Security > Sharing."))
art("phishing-emails", "en", "security_incident", "Recognise phishing emails that impersonate Orbitly",
    ["security", "phishing"],
    "Criminals sometimes send emails that look like they come from Orbitly. Here's how to tell the "
    "difference.",
    sec("Genuine Orbitly emails", "bullets",
        "Come only from addresses ending in @orbitly.example.",
        "Never ask for your password or card details by email.",
        "Link only to orbitly.example and help.orbitly.example."),
    sec("If you received a suspicious email", "steps",
        "Don't click links or open attachments.",
        "Forward the email to security@orbitly.example.",
        "If you entered your password, change it and sign out all sessions.",
        "Warn your colleagues and your IT team."))

# --- general ---
art("contact-support", "en", "general", "How to contact Orbitly support", ["support", "contact"],
    "Our support team is available by email, chat and phone. Response times depend on your plan and the "
    "urgency of the request.",
    sec("Ways to reach us", "bullets",
        "In the app: Help > Contact support (chat or email).",
        "Email: support@orbitly.example.",
        "Phone: Business and Enterprise plans, Monday to Friday.",
        "Status updates: https://status.orbitly.example."),
    sec("Response times", "bullets",
        "Urgent issues on Business and Enterprise: within 1 hour, 24/7.",
        "Other requests: within 1 business day on paid plans, 2 business days on Free."),
    sec("Help us help you", "text",
        "Include your workspace name, a description of the problem, screenshots and the time it happened."))
art("system-requirements", "en", "general", "Supported browsers and devices", ["browsers", "devices",
    "requirements"],
    "Orbitly works in modern browsers and on recent versions of iOS, iPadOS, Android, macOS and Windows.",
    sec("Browsers", "bullets",
        "Chrome, Edge and Firefox: the two latest versions.",
        "Safari: the two latest major versions.",
        "JavaScript, cookies and WebSockets must be enabled."),
    sec("Apps", "bullets",
        "iOS and iPadOS 17 or later.",
        "Android 12 or later.",
        "Desktop apps for macOS 13+ and Windows 10+."),
    sec("Check your setup", "steps",
        "Open https://orbitly.example/network-check.",
        "Wait for all checks (browser version, cookies, WebSockets, file uploads) to finish.",
        "Share the result with support if anything fails."),
    sec("Older versions", "text",
        "Older browsers and app versions may keep working, but we don't test them and new features can be "
        "missing. Update when prompted to get security fixes."))
art("account-settings", "en", "general", "Manage your profile and account settings",
    ["account", "profile", "settings"],
    "Your profile settings apply to you across all workspaces you belong to.",
    sec("Update your profile", "steps",
        "Click your avatar and choose Profile.",
        "Change your name, photo, time zone and language.",
        "Under Account, change your email address; we send a confirmation to the new address.",
        "Under Security, change your password and set up two-factor authentication."),
    sec("Time zone and language", "text",
        "Due dates and reminders use the time zone in your profile. If dates look shifted by a day, check "
        "that it matches your device. Orbitly is available in English, German, Spanish and French."))

# --- localised articles (most common topics) ---
art("passwort-zuruecksetzen", "de", "login_access", "Passwort zurücksetzen", ["login", "password"],
    "Wenn Sie Ihr Passwort vergessen haben, können Sie auf der Anmeldeseite ein neues festlegen. Der Link "
    "zum Zurücksetzen ist 60 Minuten gültig und kann einmal verwendet werden.",
    sec("So setzen Sie Ihr Passwort zurück", "steps",
        "Öffnen Sie die Anmeldeseite von Orbitly und klicken Sie auf Passwort vergessen.",
        "Geben Sie die E-Mail-Adresse ein, mit der Sie Orbitly nutzen.",
        "Öffnen Sie die E-Mail von no-reply@orbitly.example und klicken Sie auf Passwort zurücksetzen.",
        "Wählen Sie ein neues Passwort mit mindestens 10 Zeichen und melden Sie sich an."),
    sec("Die E-Mail kommt nicht an", "bullets",
        "Prüfen Sie den Spam-Ordner und die Quarantäne Ihrer IT.",
        "Bitten Sie Ihre IT, E-Mails von no-reply@orbitly.example zuzulassen.",
        "Nutzt Ihr Workspace SSO, ändern Sie das Passwort bei Ihrem Identitätsanbieter.",
        "Hat sich Ihre E-Mail-Adresse geändert, kann ein Admin sie aktualisieren."),
    base="reset-password")
art("zahlungsmethode-aendern", "de", "billing", "Zahlungsmethode ändern", ["billing", "card", "payment"],
    "Inhaber und Abrechnungs-Admins können die Karte für den Workspace jederzeit ändern. Die neue "
    "Zahlungsmethode gilt für die nächste Rechnung und für offene, überfällige Rechnungen.",
    sec("Karte ändern", "steps",
        "Öffnen Sie in der Web-App Einstellungen > Abrechnung.",
        "Klicken Sie unter Zahlungsmethode auf Aktualisieren.",
        "Geben Sie die neuen Kartendaten ein (Visa, Mastercard oder American Express).",
        "Bestätigen Sie die Zahlung bei Ihrer Bank (3-D Secure), falls ein Fenster erscheint.",
        "Klicken Sie auf Speichern. Überfällige Rechnungen buchen wir danach automatisch erneut ab."),
    sec("Wenn eine Zahlung fehlgeschlagen ist", "bullets",
        "Überfällige Workspaces behalten 14 Tage lang vollen Zugriff.",
        "Eine Ablehnung kommt von Ihrer Bank; bitten Sie sie, Zahlungen an Orbitly Inc. zuzulassen.",
        "Nach erfolgreicher Zahlung verschwindet der Hinweis nach dem Neuladen der Seite."),
    base="update-payment-method")
art("workspace-daten-exportieren", "de", "data_export", "Workspace-Daten exportieren", ["export", "backup"],
    "Workspace-Inhaber können alle Daten exportieren: Projekte und Aufgaben, Dokumente, Chatverläufe und "
    "Anhänge. Der Export wird im Hintergrund erstellt und per E-Mail zugestellt.",
    sec("Vollständigen Export starten", "steps",
        "Gehen Sie zu Einstellungen > Daten > Workspace exportieren.",
        "Wählen Sie Vollständiger Export oder einzelne Projekte.",
        "Setzen Sie ein Häkchen bei Dateien einschließen, um Anhänge mitzunehmen.",
        "Klicken Sie auf Export starten. Sobald er fertig ist, erhalten Sie eine E-Mail mit den Links."),
    sec("Formate", "bullets",
        "Aufgaben: CSV und JSON.",
        "Dokumente: Markdown und PDF.",
        "Chat: JSON, eine Datei pro Kanal."),
    sec("Gut zu wissen", "bullets",
        "Download-Links sind 7 Tage gültig.",
        "Nach einer Kündigung bleiben die Daten noch 30 Tage exportierbar."),
    base="export-workspace-data")
art("doppelte-abbuchungen", "de", "refunds", "Doppelte oder unerwartete Abbuchungen", ["refunds", "card"],
    "Zwei Abbuchungen von Orbitly oder eine unbekannte Belastung sind beunruhigend. Meist gibt es eine "
    "einfache Erklärung, und echte Doppelbuchungen erstatten wir schnell.",
    sec("Häufige Ursachen", "bullets",
        "Reservierungen: Ihre Bank zeigt einen vorgemerkten Betrag, der nach einigen Tagen freigegeben wird.",
        "Zwei Workspaces: Ein Kollege hat mit derselben Karte einen zweiten Workspace angelegt.",
        "Wiederholungsversuche: Bei einem Timeout kann eine Zahlung selten doppelt eingezogen werden.",
        "Anteilige Beträge: Upgrades während der Laufzeit erzeugen eine eigene Rechnung."),
    sec("So gehen Sie vor", "steps",
        "Prüfen Sie unter Einstellungen > Abrechnung > Rechnungen, welche Rechnungen zu den Abbuchungen "
        "passen.",
        "Gibt es keine passende Rechnung oder zwei identische, kontaktieren Sie den Support.",
        "Wir erstatten echte Doppelbuchungen und bestätigen das per E-Mail."),
    base="duplicate-charges")
art("restablecer-contrasena", "es", "login_access", "Restablecer la contraseña", ["login", "password"],
    "Si has olvidado tu contraseña, puedes crear una nueva desde la página de inicio de sesión. El enlace es "
    "válido durante 60 minutos y solo se puede usar una vez.",
    sec("Cómo restablecer la contraseña", "steps",
        "Abre la página de inicio de sesión de Orbitly y haz clic en He olvidado mi contraseña.",
        "Introduce el correo electrónico con el que usas Orbitly.",
        "Abre el correo de no-reply@orbitly.example y haz clic en Restablecer contraseña.",
        "Elige una contraseña nueva de al menos 10 caracteres e inicia sesión."),
    sec("Si el correo no llega", "bullets",
        "Revisa la carpeta de spam y la cuarentena de tu equipo de IT.",
        "Pide a IT que permita los correos de no-reply@orbitly.example.",
        "Si tu espacio usa SSO, cambia la contraseña en tu proveedor de identidad.",
        "Si tu correo ha cambiado, un administrador puede actualizarlo."),
    base="reset-password")
art("cambiar-metodo-de-pago", "es", "billing", "Cambiar el método de pago", ["billing", "card", "payment"],
    "Los propietarios y administradores de facturación pueden cambiar la tarjeta del espacio de trabajo en "
    "cualquier momento. El nuevo método se usa en la próxima factura y en las facturas vencidas.",
    sec("Cambiar la tarjeta", "steps",
        "En la aplicación web, abre Configuración > Facturación.",
        "En Método de pago, haz clic en Actualizar.",
        "Introduce los datos de la nueva tarjeta (Visa, Mastercard o American Express).",
        "Completa la verificación de tu banco (3-D Secure) si aparece una ventana.",
        "Haz clic en Guardar. Si hay una factura vencida, la volvemos a cobrar automáticamente."),
    sec("Si un pago ha fallado", "bullets",
        "Los espacios con pagos pendientes mantienen el acceso completo durante 14 días.",
        "El rechazo lo decide tu banco; pídele que permita los pagos a Orbitly Inc.",
        "Cuando el pago se completa, el aviso desaparece al recargar la página."),
    base="update-payment-method")
art("integracion-con-slack", "es", "integrations", "Conectar Orbitly con Slack", ["slack", "integrations"],
    "La integración con Slack publica novedades de los proyectos en canales, permite crear tareas con el "
    "comando /orbitly y envía notificaciones personales por mensaje directo.",
    sec("Conectar Slack", "steps",
        "Ve a Configuración > Integraciones > Slack y haz clic en Conectar.",
        "Inicia sesión en Slack y aprueba los permisos. Algunos espacios de Slack requieren aprobación de un "
        "administrador.",
        "Abre un proyecto y elige ... > Integraciones > Slack para seleccionar el canal.",
        "En canales privados, escribe /invite @Orbitly."),
    sec("Si dejan de llegar las novedades", "bullets",
        "Se desactivó al usuario de Slack que instaló la app: vuelve a conectar con otro administrador.",
        "Hacen falta permisos nuevos: pulsa Reconectar para aprobarlos.",
        "El canal pasó a ser privado: vuelve a invitar al bot de Orbitly."),
    base="slack-integration")
art("reinitialiser-mot-de-passe", "fr", "login_access", "Réinitialiser votre mot de passe", ["login",
    "password"],
    "Si vous avez oublié votre mot de passe, vous pouvez en définir un nouveau depuis la page de connexion. "
    "Le lien de réinitialisation est valable 60 minutes et ne peut servir qu'une fois.",
    sec("Réinitialiser le mot de passe", "steps",
        "Ouvrez la page de connexion d'Orbitly et cliquez sur Mot de passe oublié.",
        "Saisissez l'adresse e-mail que vous utilisez pour Orbitly.",
        "Ouvrez l'e-mail de no-reply@orbitly.example et cliquez sur Réinitialiser le mot de passe.",
        "Choisissez un nouveau mot de passe d'au moins 10 caractères et connectez-vous."),
    sec("Si l'e-mail n'arrive pas", "bullets",
        "Vérifiez vos spams et la quarantaine de votre service informatique.",
        "Demandez à votre service informatique d'autoriser no-reply@orbitly.example.",
        "Si votre espace utilise le SSO, changez le mot de passe auprès de votre fournisseur d'identité.",
        "Si votre adresse a changé, un administrateur peut la mettre à jour."),
    base="reset-password")
art("modifier-moyen-de-paiement", "fr", "billing", "Modifier le moyen de paiement", ["billing", "card",
    "payment"],
    "Les propriétaires et administrateurs de facturation peuvent changer la carte de l'espace de travail à "
    "tout moment. Le nouveau moyen de paiement s'applique à la prochaine facture et aux factures impayées.",
    sec("Changer de carte", "steps",
        "Dans l'application web, ouvrez Paramètres > Facturation.",
        "Sous Moyen de paiement, cliquez sur Mettre à jour.",
        "Saisissez les informations de la nouvelle carte (Visa, Mastercard ou American Express).",
        "Validez l'authentification de votre banque (3-D Secure) si une fenêtre s'ouvre.",
        "Cliquez sur Enregistrer. Les factures en retard sont relancées automatiquement."),
    sec("En cas d'échec de paiement", "bullets",
        "Les espaces en retard de paiement conservent un accès complet pendant 14 jours.",
        "Le refus vient de votre banque : demandez-lui d'autoriser les paiements vers Orbitly Inc.",
        "Une fois le paiement accepté, le bandeau disparaît après actualisation."),
    base="update-payment-method")
art("supprimer-votre-compte", "fr", "privacy_deletion", "Supprimer votre compte", ["privacy",
    "account-deletion"],
    "Vous pouvez supprimer votre compte Orbitly à tout moment. La suppression efface votre profil et vos "
    "données personnelles ; les contenus créés dans l'espace d'une entreprise appartiennent à cet espace.",
    sec("Supprimer le compte", "steps",
        "Ouvrez Profil > Compte > Supprimer le compte.",
        "Si vous êtes seul propriétaire d'un espace, transférez-le ou supprimez-le d'abord.",
        "Confirmez avec votre mot de passe ou votre SSO.",
        "Vous recevez un e-mail de confirmation."),
    sec("Et ensuite ?", "bullets",
        "Vos données personnelles sont effacées de nos systèmes sous 30 jours.",
        "Les sauvegardes contenant vos données sont écrasées dans les 35 jours suivants.",
        "Les e-mails marketing s'arrêtent immédiatement."),
    base="delete-your-account")


# ---------------------------------------------------------------------------------------------------------
# Generation parameters
# ---------------------------------------------------------------------------------------------------------

TOPIC_GROUP: dict[str, str] = {
    "billing": "account", "refunds": "account", "privacy_deletion": "account",
    "login_access": "tech", "bug_report": "tech", "outage": "tech", "integrations": "tech",
    "data_export": "tech", "performance": "tech",
    "feature_request": "other", "onboarding": "other", "security_incident": "other", OOS: "other",
}
TOPIC_URGENCY: dict[str, float] = {
    "outage": 1.2, "security_incident": 1.3, "login_access": 0.85, "bug_report": 0.95, "performance": 0.9,
    "integrations": 0.85, "billing": 0.85, "refunds": 0.7, "privacy_deletion": 0.75, "data_export": 0.75,
    "onboarding": 0.5, "feature_request": 0.3, OOS: 0.6,
}
REGISTER_URGENCY: dict[str, float] = {"calm": 0.0, "polite": -0.15, "confused": 0.0, "frustrated": 0.35,
                                      "angry": 0.75}
TIER_URGENCY: dict[str, float] = {"free": -0.1, "pro": 0.0, "business": 0.05, "enterprise": 0.2}
VIP_URGENCY = 0.25
FLAG_URGENCY: dict[str, float] = {"prod_down": 1.0, "all_users": 0.6, "deadline": 0.45, "legal": 0.7,
                                  "cancel": 0.5, "no_rush": -0.8}
CHANNEL_URGENCY: dict[str, float] = {"email": 0.0, "chat": 0.1, "phone": 0.25, "social": 0.05, "app": -0.1}
URGENCY_CUTS: tuple[float, float, float] = (0.55, 1.6, 2.4)
URGENCY_FLIP_P = 0.04
URGENCY_NOISE_SD = 0.15
VIP_MENTION_P = 0.5

REGISTER_WEIGHTS: dict[str, tuple[float, ...]] = {
    "default": (0.40, 0.20, 0.12, 0.18, 0.10),
    "outage": (0.25, 0.08, 0.07, 0.35, 0.25),
    "security_incident": (0.35, 0.12, 0.13, 0.25, 0.15),
    "login_access": (0.35, 0.17, 0.18, 0.20, 0.10),
    "refunds": (0.32, 0.14, 0.10, 0.28, 0.16),
    "privacy_deletion": (0.50, 0.15, 0.07, 0.16, 0.12),
    "feature_request": (0.45, 0.38, 0.07, 0.08, 0.02),
    "onboarding": (0.42, 0.28, 0.24, 0.05, 0.01),
    OOS: (0.6, 0.4, 0.0, 0.0, 0.0),
}
FLAG_P: dict[str, dict[str, float]] = {
    "outage": {"prod_down": 0.45, "all_users": 0.35, "deadline": 0.08, "cancel": 0.06, "legal": 0.01},
    "security_incident": {"prod_down": 0.05, "all_users": 0.08, "legal": 0.06, "deadline": 0.03,
    "no_rush": 0.03},
    "login_access": {"prod_down": 0.06, "all_users": 0.08, "deadline": 0.07, "cancel": 0.02, "no_rush": 0.04},
    "bug_report": {"prod_down": 0.06, "all_users": 0.08, "deadline": 0.06, "cancel": 0.04, "no_rush": 0.06},
    "performance": {"prod_down": 0.06, "all_users": 0.12, "deadline": 0.04, "cancel": 0.06, "no_rush": 0.05},
    "integrations": {"prod_down": 0.05, "all_users": 0.06, "deadline": 0.04, "cancel": 0.03, "no_rush": 0.07},
    "billing": {"legal": 0.03, "cancel": 0.06, "deadline": 0.04, "no_rush": 0.12},
    "refunds": {"legal": 0.07, "cancel": 0.12, "deadline": 0.02, "no_rush": 0.06},
    "data_export": {"deadline": 0.08, "legal": 0.02, "cancel": 0.04, "no_rush": 0.12},
    "privacy_deletion": {"legal": 0.14, "deadline": 0.03, "no_rush": 0.08},
    "feature_request": {"cancel": 0.03, "deadline": 0.01, "no_rush": 0.30},
    "onboarding": {"deadline": 0.06, "all_users": 0.02, "no_rush": 0.20},
    OOS: {},
}
CHANNEL_TOPIC_MULT: dict[str, dict[str, float]] = {
    "outage": {"social": 2.5, "chat": 1.3, "app": 0.7},
    "feature_request": {"app": 2.2, "social": 0.8},
    "privacy_deletion": {"social": 0.2, "email": 1.4},
    "security_incident": {"social": 0.3, "phone": 1.5},
    "billing": {"phone": 1.3, "social": 0.6},
    "refunds": {"phone": 1.3},
    "login_access": {"chat": 1.2},
    OOS: {"email": 1.6, "social": 0.6, "phone": 0.5},
}
TIER_TOPIC_MULT: dict[str, dict[str, float]] = {
    "free": {"billing": 0.6, "refunds": 0.7, "security_incident": 0.6},
    "business": {"login_access": 1.1},
    "enterprise": {"security_incident": 1.5, "login_access": 1.2, "outage": 1.2},
}
APP_CATEGORY: dict[str, str] = {
    "billing": "account", "refunds": "account", "privacy_deletion": "account", "login_access": "problem",
    "bug_report": "problem", "outage": "problem", "integrations": "problem", "performance": "problem",
    "security_incident": "problem", "data_export": "question", "onboarding": "question",
    "feature_request": "idea", OOS: "other",
}
RESOLVE_MEDIAN_HOURS: dict[str, float] = {"urgent": 1.5, "high": 6.0, "normal": 26.0, "low": 60.0}
CHANNEL_DELAY_MULT: dict[str, float] = {"email": 1.0, "chat": 0.25, "phone": 0.35, "social": 0.8, "app": 1.3}
SENSITIVE_SLOTS: tuple[str, ...] = ("invoice", "email", "last4", "new_email", "ip", "workspace")
MULTI_ISSUE_P = 0.095
CUSTOMERS_PER_LANG: dict[str, int] = {"en": 320, "de": 28, "es": 28, "fr": 24}
# Relative ticket volume per UTC hour (English writers span the Americas too).
EN_HOUR_WEIGHTS: tuple[float, ...] = (
    1, 0.6, 0.4, 0.3, 0.3, 0.4, 0.8, 1.5, 3, 4, 4.5, 4.5, 4, 4.5, 5, 5, 5, 4.5, 3.5, 3, 2.5, 2, 1.6, 1.2,
)
EU_HOUR_WEIGHTS: tuple[float, ...] = (
    0.2, 0.1, 0.1, 0.1, 0.1, 0.3, 1, 3, 5, 5.5, 5, 4, 4, 5, 5, 4.5, 3.5, 2, 1.2, 0.8, 0.6, 0.5, 0.4, 0.3,
)
COMPANY_PARTS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "en": (("Brightwater", "Northgate", "Kestrel", "Bluebird", "Harborview", "Quill", "Meridian", "Tallgrass",
            "Lumen", "Copperleaf", "Fernway", "Orchard", "Redwood", "Sable", "Atlas", "Pinecrest",
            "Greenline",
            "Juniper", "Cobalt", "Silverbirch", "Hillcrest", "Ironwood", "Tidewater", "Summit", "Nimbus",
            "Riverside", "Heron", "Crescent", "Vantage", "Peakform", "Lakeshore", "Starling", "Evergreen",
            "Hexa",
            "Coral", "Bayside", "Wildflower", "Granite", "Polaris", "Mosaic"),
           ("Analytics", "Logistics", "Design", "Health", "Labs", "Studio", "Consulting", "Media", "Partners",
            "Group", "Software", "Foods", "Legal", "Capital", "Travel", "Systems")),
    "de": (("Nordlicht", "Alpenblick", "Datenwerk", "Grünwerk", "Hafenkontor", "Blauweiss", "Lindenhof",
            "Sonnenberg", "Elbufer", "Rheinblick", "Feldmark", "Isarwerk", "Kranich", "Waldhaus"),
           ("GmbH", "Medien GmbH", "Logistik AG", "Consulting", "Design GmbH", "Software GmbH", "Immobilien",
            "Steuerberatung")),
    "es": (("Alameda", "Terracota", "Mirasol", "Brisa", "Marea", "Olmo", "Horizonte", "Sierra", "Albero",
            "Levante", "Tramontana", "Azahar"),
           ("Grupo", "Estudio", "Soluciones", "Consultora", "Viajes", "Editorial", "Clínica", "Agencia")),
    "fr": (("Lumière", "Valmont", "Littoral", "Mistral", "Papillon", "Tilleuls", "Horizon", "Azur",
    "Marronnier",
            "Cèdre", "Garonne", "Alizé"),
           ("Atelier", "Groupe", "Agence", "Studio", "Cabinet", "Éditions", "Conseil", "Transports")),
}
PERSONAL_DOMAINS: tuple[str, ...] = ("mailbox.example", "inbox.example", "post.example", "webmail.example")
REGIONS: tuple[str, ...] = ("EU", "US", "US", "EU")
DISCLAIMER_P = 0.12
SEAT_RANGE: dict[str, tuple[int, int]] = {"free": (1, 5), "pro": (2, 25), "business": (10, 120),
                                          "enterprise": (60, 1400)}
TIER_ACTIVITY: dict[str, float] = {"free": 0.9, "pro": 1.0, "business": 1.15, "enterprise": 1.3}

# Variants whose bodies (and short texts) describe different sub-problems: the i-th body/short is answered by
# the i-th reply (modulo the number of replies). Other variants have interchangeable replies.
# Out-of-scope variants whose subject lines also follow the chosen body.
SUBJECT_PAIRED: frozenset[tuple[str, str]] = frozenset(
    [("en", "wrong_company"), ("en", "spam_crypto"), ("en", "chit_chat"), ("en", "unrelated_product"),
     ("de", "wrong_company"), ("es", "unrelated_product"), ("fr", "wrong_company"), ("fr", "chit_chat")]
)
PAIRED: frozenset[tuple[str, str]] = frozenset(
    [("en", k) for k in (
        "invoice_details", "card_declined", "seat_charge", "tax_charged", "2fa_lost", "sso_error",
        "email_change",
        "google_login", "mobile_crash", "notifications", "due_date_shift", "search_broken", "formatting",
        "comments_vanish", "jira_dupes", "github_links", "gdrive", "salesforce", "zapier", "slack_approval",
        "full_export_stuck", "csv_fields", "api_pagination", "docs_pdf", "former_employee", "retention",
        "webhooks",
        "recurring", "roadmap_q", "mobile_widget", "rate_limit", "network", "import_tool",
        "invite_not_received",
        "plan_choice", "workspace_confusion", "token_leak", "ex_employee")]
    + [("de", k) for k in (
        "invoice_details", "card_declined", "sso_error", "mobile_crash", "notifications", "jira_dupes",
        "full_export", "csv_fields", "dpa", "mobile_widget", "network", "import_tool")]
    + [("es", k) for k in (
        "invoice_details", "card_declined", "sso_error", "mobile_crash", "notifications", "gdrive",
        "jira_dupes",
        "full_export", "csv_fields", "retention", "recurring", "rate_limit", "plan_choice", "import_tool",
        "ex_employee")]
    + [("fr", k) for k in (
        "invoice_details", "card_declined", "mobile_crash", "due_date_shift", "github_links", "zapier",
        "full_export", "webhooks", "network", "token_leak")]
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
    lang: str
    topic: str
    customer: Customer
    created: datetime
    agent: str
    values: dict[str, str] = field(default_factory=dict)
    device_family: str = ""
    shown_register: bool = False
    sub: dict[str, int] = field(default_factory=dict)


# ---------------------------------------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------------------------------------


def _pick(rng: random.Random, items: Sequence[str]) -> str:
    return items[rng.randrange(len(items))]


def _ascii(text: str) -> str:
    text = text.replace("ß", "ss").replace("ł", "l").replace("ı", "i").replace("'", "")
    norm = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in norm if not unicodedata.combining(ch) and ch.isascii())


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", _ascii(text).lower()).strip("-")


def _fmt_int(value: int, lang: str) -> str:
    text = f"{value:,}"
    if lang == "en":
        return text
    return text.replace(",", " " if lang == "fr" else ".")


def _money(value: float, lang: str) -> str:
    text = f"{value:,.2f}"
    if lang == "en":
        return "$" + text
    sep = " " if lang == "fr" else "."
    return text.replace(",", "X").replace(".", ",").replace("X", sep) + " €"


def _fmt_date(day: datetime, lang: str) -> str:
    month = MONTHS[lang][day.month - 1]
    if lang == "en":
        return f"{month} {day.day}"
    if lang == "de":
        return f"{day.day}. {month}"
    if lang == "es":
        return f"{day.day} de {month}"
    return f"{'1er' if day.day == 1 else day.day} {month}"


def _fmt_time(moment: datetime, lang: str) -> str:
    if lang == "en":
        hour = moment.hour % 12 or 12
        return f"{hour}:{moment.minute:02d}{'am' if moment.hour < 12 else 'pm'}"
    if lang == "de":
        return f"{moment.hour}:{moment.minute:02d} Uhr"
    if lang == "fr":
        return f"{moment.hour}h{moment.minute:02d}"
    return f"{moment.hour}:{moment.minute:02d}"


def _fmt_quote_date(moment: datetime, lang: str) -> str:
    month = MONTHS[lang][moment.month - 1]
    weekday = WEEKDAYS[lang][moment.weekday()]
    hm = f"{moment.hour}:{moment.minute:02d}"
    if lang == "en":
        return f"{weekday[:3]}, {month[:3]} {moment.day}, {moment.year} at {_fmt_time(moment, 'en')}"
    if lang == "de":
        return f"{moment.day:02d}.{moment.month:02d}.{moment.year} um {hm}"
    if lang == "es":
        return f"{weekday}, {moment.day} de {month} de {moment.year}, a las {hm}"
    return f"{weekday[:3]}. {moment.day} {month} {moment.year} à {hm}"


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _sentences(text: str) -> list[str]:
    parts = re.split(r"(?<=[.!?])\s+(?=[A-Z0-9ÄÖÜÁÉÍÓÚÑÇÀÈÊ¿¡\"'(])", text.strip())
    return [p for p in parts if p]


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


PROPER_STARTS: tuple[str, ...] = ("I ", "I'", "Orbitly", "Slack", "Jira", "GitHub", "Google", "Zapier",
                                  "Salesforce", "Excel", "Word", "Trello", "Asana", "Okta", "Azure", "SSO",
                                  "API")


GERMAN_LOWER_STARTS: tuple[str, ...] = (
    "Ich ", "Wir ", "Seit ", "Laut ", "Bei ", "Beim ", "Unser ", "Unsere ", "Die ", "Der ", "Das ", "Wenn ",
    "Auf ", "Im ", "In ", "Mein ", "Meine ", "Es ", "Hiermit ", "Jemand ", "Ein ", "Eine ", "Mehrere ",
)


def _lower_first(text: str, lang: str = "en") -> str:
    if lang == "de" and not text.startswith(GERMAN_LOWER_STARTS):
        return text
    if text.startswith(PROPER_STARTS) or (len(text) > 1 and text[1].isupper()):
        return text
    return text[:1].lower() + text[1:]


def _truncate(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + "..."


# ---------------------------------------------------------------------------------------------------------
# Slots
# ---------------------------------------------------------------------------------------------------------

_SLOT_RE = re.compile(r"\{([a-z0-9_]+)(?::([a-z0-9-]+))?\}")


def _amount_value(ctx: Ctx) -> float:
    if "_amount" not in ctx.values:
        seats = int(_slot(ctx, "seats_raw"))
        price = SEAT_PRICE[ctx.customer.tier]
        months = ctx.rng.choice((1, 1, 1, 10))
        ctx.values["_amount"] = f"{seats * price * months:.2f}"
    return float(ctx.values["_amount"])


def _ensure_device(ctx: Ctx, family: str | None = None) -> None:
    if "device" in ctx.values:
        return
    options = [d for d in DEVICES if family is None or d[1] == family]
    device, fam = options[ctx.rng.randrange(len(options))]
    ctx.values["device"] = device
    ctx.values["os"] = _pick(ctx.rng, OS_VERSIONS[fam])
    ctx.device_family = fam


def _make_slot(ctx: Ctx, name: str) -> str:
    rng, lang, cust = ctx.rng, ctx.lang, ctx.customer
    created = ctx.created
    simple: dict[str, Callable[[], str]] = {
        "first": lambda: cust.first,
        "name": lambda: cust.name,
        "company": lambda: cust.company,
        "email": lambda: cust.email,
        "workspace": lambda: cust.workspace,
        "domain": lambda: cust.domain if cust.domain not in PERSONAL_DOMAINS else _slug(cust.company) +
        ".example",
        "handle": lambda: cust.handle,
        "agent": lambda: ctx.agent,
        "agent2": lambda: _pick(rng, AGENTS[lang]),
        "card_brand": lambda: _pick(rng, CARD_BRANDS),
        "last4": lambda: f"{rng.randint(0, 9999):04d}",
        "invoice": lambda: f"INV-{rng.randint(20000, 48999)}",
        "ticket_ref": lambda: f"#{rng.randint(40000, 99999)}",
        "browser": lambda: _pick(rng, BROWSERS),
        "app_version": lambda: f"5.{rng.randint(8, 14)}.{rng.randint(0, 4)}",
        "area": lambda: _pick(rng, AREAS[lang]),
        "feature": lambda: _pick(rng, FEATURES[lang]),
        "project": lambda: _pick(rng, PROJECTS[lang]),
        "place": lambda: _pick(rng, PLACES[lang]),
        "error": lambda: _pick(rng, ERRORS[lang]),
        "integration": lambda: _pick(rng, INTEGRATIONS),
        "idp": lambda: _pick(rng, IDPS),
        "sso_error": lambda: _pick(rng, SSO_ERRORS),
        "int_error": lambda: _pick(rng, INT_ERRORS),
        "competitor": lambda: _pick(rng, COMPETITORS),
        "endpoint": lambda: _pick(rng, ENDPOINTS),
        "file_type": lambda: _pick(rng, FILE_TYPES),
        "region": lambda: _pick(rng, REGIONS),
        "status_url": lambda: STATUS_URL,
        "n": lambda: str(rng.randint(2, 6)),
        "hours": lambda: str(rng.randint(2, 9)),
        "days": lambda: str(rng.randint(3, 10)),
        "minutes": lambda: str(rng.choice((15, 20, 30, 40, 45, 50, 90))),
        "count": lambda: _fmt_int(rng.choice((3400, 8200, 12000, 18500, 27500, 45000)), lang),
        "size": lambda: f"{rng.randint(1, 9)}{',' if lang != 'en' else '.'}{rng.randint(1, 9)} GB",
        "ip": lambda: f"{rng.choice(('203.0.113', '198.51.100', '192.0.2'))}.{rng.randint(2, 254)}",
        "seats_raw": lambda: str(rng.randint(*SEAT_RANGE[cust.tier])),
    }
    if name in simple:
        return simple[name]()
    if name in ("seats", "n_users"):
        return _fmt_int(int(_slot(ctx, "seats_raw")), lang)
    if name == "plan":
        if cust.tier == "free" and ctx.topic in ("billing", "refunds"):
            return "Pro"
        return PLAN_NAMES[cust.tier]
    if name == "amount":
        return _money(_amount_value(ctx), lang)
    if name == "amount2":
        return _money(round(_amount_value(ctx) * rng.uniform(0.15, 0.6), 2), lang)
    if name == "month":
        return MONTHS[lang][(created.month - 1 - rng.choice((0, 0, 1))) % 12]
    if name == "date":
        return _fmt_date(created - timedelta(days=rng.randint(1, 20)), lang)
    if name == "weekday":
        return WEEKDAYS[lang][rng.randrange(5)]
    if name == "time":
        return _fmt_time(created - timedelta(minutes=rng.randint(5, 180)), lang)
    if name == "qdate":
        return _fmt_quote_date(created - timedelta(days=rng.randint(1, 5), minutes=rng.randint(0, 600)), lang)
    if name in ("device", "os"):
        _ensure_device(ctx)
        return ctx.values[name]
    if name == "new_email":
        first, last = cust.name.split(" ", 1)[0], cust.name.rsplit(" ", 1)[-1]
        domain = cust.domain if cust.domain not in PERSONAL_DOMAINS else _slug(cust.company) + ".example"
        return f"{_ascii(first).lower()}.{_ascii(last).lower()}@{domain}".replace(" ", "")
    raise KeyError(f"unknown slot {{{name}}}")


def _slot(ctx: Ctx, name: str) -> str:
    if name not in ctx.values:
        ctx.values[name] = _make_slot(ctx, name)
    return ctx.values[name]


KB_INDEX: dict[tuple[str, str], str] = {}


def _kb_url(slug: str, ctx: Ctx) -> str:
    local = KB_INDEX.get((ctx.lang, slug))
    if local is not None:
        return local
    return KB_INDEX[("en", slug)] + PACKS[ctx.lang]["english_suffix"][0]


def _fill(text: str, ctx: Ctx, kb: str | None = None) -> str:
    def repl(match: re.Match[str]) -> str:
        name, arg = match.group(1), match.group(2)
        if name == "kb":
            slug = arg or kb
            if slug is None:
                raise KeyError(f"{{kb}} used without an article in: {text}")
            return _kb_url(slug, ctx)
        return _slot(ctx, name)

    return _SLOT_RE.sub(repl, text)


# ---------------------------------------------------------------------------------------------------------
# Noise
# ---------------------------------------------------------------------------------------------------------

_WORD_RE = re.compile(r"[^\W\d_]{4,}")


def _mutate(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word) - 1)
    op = rng.random()
    if op < 0.4:
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    if op < 0.7:
        return word[:i] + word[i + 1:]
    return word[:i] + word[i] + word[i:]


def _typos(text: str, rate: float, rng: random.Random) -> str:
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


def _casual(text: str, ctx: Ctx, *, lower_p: float, punct_p: float, typo_rate: float) -> str:
    rng = ctx.rng
    if rng.random() < punct_p:
        text = re.sub(r"\.(?=\s|$)", "", text)
        if ctx.lang == "en" and rng.random() < 0.6:
            text = text.replace("'", "")
        if ctx.lang == "es":
            text = text.replace("¿", "").replace("¡", "")
    if rng.random() < lower_p:
        text = text.lower()
    return _typos(text, typo_rate, rng)


def _shout(sentences: list[str], rng: random.Random) -> list[str]:
    if not sentences:
        return sentences
    i = rng.randrange(len(sentences))
    loud = sentences[i].upper()
    loud = re.sub(r"[.]$", "!!", loud) if rng.random() < 0.6 else loud
    return [*sentences[:i], loud, *sentences[i + 1:]]


def _html_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _htmlify(paras: list[str], rng: random.Random) -> str:
    esc = [_html_escape(p) for p in paras]
    style = rng.randrange(3)
    if style == 0:
        return "".join("<p>" + p.replace("\n", "<br>") + "</p>" for p in esc)
    if style == 1:
        return '<div dir="ltr">' + "<br><br>".join(p.replace("\n", "<br>") for p in esc) + "</div>"
    return "\n".join("<div>" + p.replace("\n", "<br>\n") + "</div><div><br></div>" for p in esc)


# ---------------------------------------------------------------------------------------------------------
# Ticket composition
# ---------------------------------------------------------------------------------------------------------


@dataclass
class Features:
    """What was drawn for one ticket before writing it."""

    register: str
    flags: list[str]
    channel: str
    second: Variant | None
    vip: bool = False


def _pick_text(ctx: Ctx, var: Variant, pool: str, allowed: Sequence[int] | None = None) -> str:
    """Pick a body/short/note of ``var``; remember its index for paired replies."""
    texts = {"bodies": var.bodies, "shorts": var.shorts, "notes": var.notes}[pool]
    choices = list(allowed) if allowed is not None else list(range(len(texts)))
    i = choices[ctx.rng.randrange(len(choices))]
    if (pool != "notes" or len(texts) > 1) and var.key not in ctx.sub:
        ctx.sub[var.key] = i
    return _fill(texts[i], ctx, var.kb)


def _pick_reply(ctx: Ctx, var: Variant) -> str:
    if (var.lang, var.key) in PAIRED and var.key in ctx.sub:
        return var.replies[ctx.sub[var.key] % len(var.replies)]
    return _pick(ctx.rng, var.replies)


def _safe_short_indexes(var: Variant) -> list[int]:
    return [i for i, s in enumerate(var.shorts) if not any("{" + k + "}" in s for k in SENSITIVE_SLOTS)]


def _safe_shorts(var: Variant) -> list[str]:
    safe = [s for s in var.shorts if not any("{" + k + "}" in s for k in SENSITIVE_SLOTS)]
    first = _sentences(var.bodies[0])[:1]
    return safe or [s for s in first if not any("{" + k in s for k in SENSITIVE_SLOTS)]


def _core_short(ctx: Ctx, var: Variant, short_p: float) -> str:
    if var.shorts and ctx.rng.random() < short_p:
        return _pick_text(ctx, var, "shorts")
    sents = _sentences(_pick_text(ctx, var, "bodies"))
    return " ".join(sents[: ctx.rng.choice((1, 1, 2))])


def _flag_sentences(ctx: Ctx, flags: list[str], form: str) -> list[str]:
    key = {"long": "flag_", "short": "flags_", "note": "flagn_"}[form]
    return [_fill(_pick(ctx.rng, PACKS[ctx.lang][key + f]), ctx) for f in flags]


def _register_sentences(ctx: Ctx, register: str, short: bool) -> list[str]:
    if register == "calm":
        return []
    p_use = {"polite": 0.75, "confused": 0.7, "frustrated": 0.85, "angry": 0.95}[register]
    if ctx.rng.random() > p_use:
        return []
    pool = PACKS[ctx.lang][("regs_" if short else "reg_") + register]
    count = 2 if register == "angry" and not short and ctx.rng.random() < 0.4 else 1
    picked: list[str] = []
    ctx.shown_register = True
    for _ in range(count):
        choice = _pick(ctx.rng, pool)
        if choice not in picked:
            picked.append(choice)
    return picked


def _second_issue_text(ctx: Ctx, second: Variant, short: bool) -> str:
    intro = _pick(ctx.rng, PACKS[ctx.lang]["second_intro"])
    if short and second.shorts:
        text = _pick_text(ctx, second, "shorts")
    else:
        text = " ".join(_sentences(_pick_text(ctx, second, "bodies"))[:2])
    text = _lower_first(text, ctx.lang) if intro.endswith(",") else _upper_first(text)
    return f"{intro} {text}"


def _details(ctx: Ctx, var: Variant, count: int) -> list[str]:
    pk = PACKS[ctx.lang]
    group = TOPIC_GROUP[var.topic]
    pool = list(var.details)
    if var.topic in ("bug_report", "outage", "performance", "integrations"):
        pool += pk["tried"]
    elif group == "tech" or var.topic == "security_incident":
        pool += pk["tried_generic"]
    elif group == "account":
        pool += pk["details_account"]
    ctx.rng.shuffle(pool)
    return [_fill(d, ctx, var.kb) for d in pool[:count]]


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


def _email(ctx: Ctx, var: Variant, ft: Features) -> tuple[str, str]:
    rng, lang = ctx.rng, ctx.lang
    pk = PACKS[lang]
    length = rng.choices(("short", "normal", "long"), weights=(0.25, 0.55, 0.20))[0]
    if var.topic == OOS:
        length = "short"
    quoted = rng.random() < 0.08 and var.topic != OOS
    body_sents = _sentences(_pick_text(ctx, var, "bodies"))
    if ft.register == "angry" and rng.random() < 0.35:
        body_sents = _shout(body_sents, rng)
        ctx.shown_register = True

    paras: list[str] = []
    if quoted and rng.random() < 0.6:
        paras.append(_fill(_pick(rng, pk["followup"]), ctx))
    if rng.random() < 0.78 and var.topic != OOS:
        paras.append(_pick(rng, pk["greet_email"]))
    main: list[str] = []
    if (length == "normal" and rng.random() < 0.35) or length == "long":
        contexts = list(pk["context"])
        rng.shuffle(contexts)
        main += [_fill(c, ctx) for c in contexts[: 2 if length == "long" and rng.random() < 0.5 else 1]]
    main += body_sents
    paras.append(" ".join(main))
    n_details = {"short": 0, "normal": rng.choice((0, 0, 1)), "long": rng.choice((2, 3, 4))}[length]
    extra = _details(ctx, var, n_details)
    if length == "long":
        stories = list(pk["story"])
        rng.shuffle(stories)
        extra += [_fill(t, ctx) for t in stories[: rng.choice((1, 2))]]
    if extra:
        paras.append(" ".join(extra))
    tail = _flag_sentences(ctx, ft.flags, "long") + _register_sentences(ctx, ft.register, short=False)
    if ft.vip:
        tail.insert(0, _pick(rng, pk["tier_enterprise"]))
    if length == "long":
        extras = list(pk["long_extra"])
        rng.shuffle(extras)
        tail += [_fill(e, ctx) for e in extras[: rng.choice((2, 3, 4))]]
    if ft.register == "angry" and tail and rng.random() < 0.5:
        tail = _shout(tail, rng)
    if ft.second is not None:
        paras.append(_second_issue_text(ctx, ft.second, short=False))
    if var.topic != OOS and (length != "short" or rng.random() < 0.4):
        question = var.topic in ("feature_request", "onboarding") or var.urg <= -0.3
        tail.append(_pick(rng, pk["ask_question" if question else "ask"]))
    if tail:
        paras.append(" ".join(tail))
    if rng.random() < 0.2 and len(paras) > 2:
        paras = [paras[0], " ".join(paras[1:])]
    if rng.random() < 0.5:
        paras = [_typos(p, 0.006, rng) for p in paras]
    if rng.random() < 0.85:
        paras.append("\n".join([_pick(rng, pk["signoff"]), *_signature(ctx)]))
        if ctx.customer.tier in ("business", "enterprise") and rng.random() < DISCLAIMER_P:
            paras.append(_pick(rng, pk["disclaimer"]))
    if rng.random() < 0.05:
        paras.append(_pick(rng, pk["sent_from"]))

    if rng.random() < 0.08 and not quoted:
        body = _htmlify(paras, rng)
    else:
        body = "\n\n".join(paras)
        if quoted:
            sign = _pick(rng, pk["reply_sign"]).replace("{agent}", "{agent2}")
            quote = [
                _fill(_pick(rng, pk["quote_header"]), ctx),
                _fill(_pick(rng, pk["reply_greet"]), ctx),
                "",
                _pick(rng, pk["quote_lines"]),
                "",
                *_fill(sign, ctx).split("\n"),
            ]
            body += "\n\n" + "\n".join(("> " + q).rstrip() if i else q for i, q in enumerate(quote))

    roll = rng.random()
    if (var.lang, var.key) in SUBJECT_PAIRED and var.key in ctx.sub:
        subject = var.subjects[ctx.sub[var.key] % len(var.subjects)]
    elif roll < 0.8:
        subject = _fill(_pick(rng, var.subjects), ctx, var.kb)
    elif roll < 0.92:
        subject = _pick(rng, pk["generic_subjects"])
    else:
        subject = _truncate(body_sents[0])
    if ("prod_down" in ft.flags or ft.register == "angry") and rng.random() < 0.35:
        subject = _pick(rng, pk["urgent_prefix"]) + subject
    if quoted and rng.random() < 0.75:
        reply_prefix = {"de": rng.choice(("AW: ", "Re: ")), "fr": rng.choice(("RE : ", "Re: "))}
        subject = reply_prefix.get(lang, "Re: ") + subject
    elif rng.random() < 0.02:
        subject = ("WG: " if lang == "de" else "TR : " if lang == "fr" else "Fwd: ") + subject
    if rng.random() < 0.06:
        subject = subject.lower()
    return subject, body


def _chat(ctx: Ctx, var: Variant, ft: Features) -> tuple[str, str]:
    rng, pk = ctx.rng, PACKS[ctx.lang]
    lines: list[str] = []
    if rng.random() < 0.55:
        lines.append(_pick(rng, pk["hello"]))
    core = _core_short(ctx, var, 0.6)
    lines.append(core)
    if rng.random() < 0.25:
        lines += _details(ctx, var, 1)
    lines += _flag_sentences(ctx, ft.flags, "short" if rng.random() < 0.7 else "long")
    lines += _register_sentences(ctx, ft.register, short=True)
    if ft.vip:
        lines.append(_pick(rng, pk["tier_enterprise_s"]))
    if ft.second is not None:
        lines.append(_second_issue_text(ctx, ft.second, short=True))
    if ft.register == "angry" and rng.random() < 0.5:
        lines = _shout(lines, rng)
        ctx.shown_register = True
    body = _casual("\n".join(lines), ctx, lower_p=0.35, punct_p=0.45, typo_rate=0.035)
    use_name = rng.random() < 0.5
    subject = _fill(_pick(rng, pk["chat_subject"]), ctx) if use_name else _truncate(core.split("\n")[0])
    return subject, body


def _phone(ctx: Ctx, var: Variant, ft: Features) -> tuple[str, str]:
    rng, lang, pk = ctx.rng, ctx.lang, PACKS[ctx.lang]
    cust = pk["phone_cust"][0]
    if rng.random() < 0.5:
        lines = [_fill(_pick(rng, pk["phone_open"]), ctx)]
        sents = _sentences(_pick_text(ctx, var, "bodies"))
        filler = _pick(rng, pk["phone_filler"])
        first = filler + (_lower_first(sents[0], lang) if filler else sents[0])
        said = [first] + (sents[1:] if rng.random() < 0.6 else [])
        said += [s.replace("I'm writing about", "I'm calling about")
                 for s in _register_sentences(ctx, ft.register, short=False)[:1]]
        lines.append(f"{cust} {' '.join(said)}")
        verify = rng.randrange(len(pk["phone_verify_q"]))
        lines.append(_fill(pk["phone_verify_q"][verify], ctx))
        lines.append(f"{cust} {_fill(pk['phone_verify_a'][verify % len(pk['phone_verify_a'])], ctx)}")
        question, answers = CLARIFY[lang][TOPIC_GROUP[var.topic]][rng.randrange(
            len(CLARIFY[lang][TOPIC_GROUP[var.topic]]))]
        lines.append(_fill(question, ctx))
        answer = _fill(_pick(rng, answers), ctx)
        extra = _flag_sentences(ctx, ft.flags, "long")
        if ft.vip:
            extra.append(_pick(rng, pk["tier_enterprise"]))
        lines.append(f"{cust} {' '.join([answer, *extra])}")
        if ft.second is not None:
            lines.append(f"{cust} {_second_issue_text(ctx, ft.second, short=False)}")
        if rng.random() < 0.12:
            i = rng.randrange(1, len(lines))
            lines[i] = lines[i] + " " + _pick(rng, pk["inaudible"])
        lines.append(_fill(_pick(rng, pk["phone_close"]), ctx))
        body = "\n".join(lines)
    else:
        note = _pick_text(ctx, var, "notes")
        tpl = _pick(rng, pk["note_tpl"])
        head = _fill(tpl.replace("{note}", _upper_first(note) if rng.random() < 0.5 else note), ctx)
        parts = [head, *(s + "." for s in _flag_sentences(ctx, ft.flags, "note"))]
        if ft.vip:
            parts.append(_pick(rng, pk["tier_enterprise_n"]) + ".")
        if ft.register != "calm" and rng.random() < 0.7:
            parts.append(_pick(rng, pk["mood_" + ft.register]))
            ctx.shown_register = True
        if ft.second is not None:
            parts.append(_pick(rng, pk["second_intro"]) + " " + _pick_text(ctx, ft.second, "notes") + ".")
        parts.append(_pick(rng, pk["note_action"]))
        body = " ".join(parts)
        if lang == "en" and rng.random() < 0.3:
            body = body.replace("customer", "cust").replace("Customer", "Cust")
        body = _typos(body, 0.01, rng)
    subject = _fill(_pick(rng, pk["phone_subjects"]), ctx)
    return subject, body


def _social(ctx: Ctx, var: Variant, ft: Features) -> tuple[str, str]:
    rng, pk = ctx.rng, PACKS[ctx.lang]
    safe = _safe_short_indexes(var)
    core = _pick_text(ctx, var, "shorts", safe) if safe else _fill(_safe_shorts(var)[0], ctx, var.kb)
    parts = [_pick(rng, pk["social_prefix"]), core]
    parts += _flag_sentences(ctx, [f for f in ft.flags if f != "legal" or rng.random() < 0.5], "short")
    parts += _register_sentences(ctx, ft.register, short=True)
    parts.append(_pick(rng, pk["social_suffix"]))
    if ft.register == "angry" and rng.random() < 0.5:
        parts = [parts[0], *_shout(parts[1:], rng)]
        ctx.shown_register = True
    body = _casual(" ".join(p for p in parts if p), ctx, lower_p=0.3, punct_p=0.5, typo_rate=0.025)
    return _fill(_pick(rng, pk["social_subjects"]), ctx), body


def _app(ctx: Ctx, var: Variant, ft: Features) -> tuple[str, str]:
    rng, pk = ctx.rng, PACKS[ctx.lang]
    lines = [_core_short(ctx, var, 0.65)]
    if rng.random() < 0.2:
        lines += _details(ctx, var, 1)
    lines += _flag_sentences(ctx, ft.flags, "short")
    lines += _register_sentences(ctx, ft.register, short=True)
    if ft.second is not None:
        lines.append(_second_issue_text(ctx, ft.second, short=True))
    text = _casual(" ".join(lines), ctx, lower_p=0.2, punct_p=0.35, typo_rate=0.025)
    if "device" in ctx.values:
        platform = "iOS" if ctx.device_family == "ios" else "Android"
    else:
        platform = rng.choice(("iOS", "Android", "Web", "iOS", "Android", "Desktop"))
        if platform in ("iOS", "Android"):
            _ensure_device(ctx, platform.lower())
    ctx.values["platform"] = platform
    footer = _fill(_pick(rng, pk["app_footer"]), ctx)
    if platform in ("iOS", "Android"):
        footer += f" ({ctx.values['device']}, {ctx.values['os']})"
    category_key = APP_CATEGORY[var.topic] if rng.random() < 0.8 else rng.choice(
        ("problem", "question", "idea", "account", "other"))
    category = pk["cat_" + category_key][0]
    subject = _pick(rng, pk["app_subject"]).replace("{category}", category)
    return subject, f"{text}\n\n---\n{footer}"


COMPOSERS: dict[str, Callable[[Ctx, Variant, Features], tuple[str, str]]] = {
    "email": _email, "chat": _chat, "phone": _phone, "social": _social, "app": _app,
}


def _resolution(ctx: Ctx, var: Variant, ft: Features) -> str | None:
    if not var.replies:
        return None
    rng, pk = ctx.rng, PACKS[ctx.lang]
    chosen = _pick_reply(ctx, var)
    core = _fill(chosen, ctx, var.kb)
    if var.topic == OOS:
        return core + "\n\n" + _fill(_pick(rng, pk["reply_sign"]), ctx)
    intro: list[str] = []
    if ft.channel == "phone" and rng.random() < 0.7:
        intro.append(_pick(rng, pk["reply_phone"]))
    elif ft.channel == "social" and rng.random() < 0.6:
        intro.append(_pick(rng, pk["reply_social"]))
    apologetic = re.search(r"sorry|leid|siento|désolé|excuses|apolog", core.split(".")[0], re.IGNORECASE)
    if (ft.register in ("frustrated", "angry") or
                        "prod_down" in ft.flags) and not apologetic and rng.random() < 0.8:
        intro.append(_pick(rng, pk["reply_empathy"]))
    elif rng.random() < 0.35 and not re.match(r"\W*(thank|danke|gracias|merci)", core, re.IGNORECASE):
        intro.append(_pick(rng, pk["reply_thanks"]))
    if var.kb and "{kb" not in chosen and rng.random() < 0.3:
        core += " " + _fill(_pick(rng, pk["reply_kb"]), ctx, var.kb)
    blocks = [" ".join([*intro, core])]
    if ft.second is not None and ft.second.replies:
        blocks.append(_pick(rng, pk["reply_second"]) +
                                    " " + _fill(_pick_reply(ctx, ft.second), ctx, ft.second.kb))
    if ft.channel == "chat":
        greet = _fill(_pick(rng, pk["reply_greet_chat"]), ctx)
        text = greet + " " + " ".join(blocks)
        if rng.random() < 0.6:
            text += " " + _pick(rng, pk["reply_chat_close"])
        return text + ("\n" + ctx.agent if rng.random() < 0.4 else "")
    greet = _fill(_pick(rng, pk["reply_greet"]), ctx)
    if rng.random() < 0.6:
        issue = var.topic in ("bug_report", "outage", "performance", "integrations", "login_access")
        blocks.append(_pick(rng, pk["reply_close_issue" if issue and rng.random() < 0.5 else "reply_close"]))
    return "\n\n".join([greet, *blocks, _fill(_pick(rng, pk["reply_sign"]), ctx)])


# ---------------------------------------------------------------------------------------------------------
# Customers, dates and drawing features
# ---------------------------------------------------------------------------------------------------------


def _company_names(lang: str, rng: random.Random) -> list[str]:
    first, second = COMPANY_PARTS[lang]
    if lang in ("en", "de"):  # "Nordlicht Medien GmbH" / "Grupo Alameda", "Atelier Lumière"
        combos = [f"{a} {b}" for a in first for b in second]
    else:
        combos = [f"{b} {a}" for a in first for b in second]
    rng.shuffle(combos)
    names = list(COMPANIES[lang])
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


def _make_customers(rng: random.Random) -> list[Customer]:
    total = sum(CUSTOMERS_PER_LANG.values())
    tiers: list[str] = []
    for tier, share in zip(TIERS, TIER_SHARE, strict=True):
        tiers += [tier] * round(total * share)
    tiers = (tiers + ["free"] * total)[:total]
    rng.shuffle(tiers)
    langs = [lang for lang in LANGS for _ in range(CUSTOMERS_PER_LANG[lang])]
    companies = {lang: _company_names(lang, rng) for lang in LANGS}
    used_emails: set[str] = set()
    customers: list[Customer] = []
    for idx, (lang, tier) in enumerate(zip(langs, tiers, strict=True)):
        cultures = CULTURE_WEIGHTS[lang]
        culture = rng.choices(list(cultures), weights=list(cultures.values()))[0]
        firsts, lasts = CULTURES[culture]
        first, last = _pick(rng, firsts), _pick(rng, lasts)
        if lang == "es" and rng.random() < 0.35:
            last = f"{last} {_pick(rng, lasts)}"
        name = f"{first} {last}"
        freelancer = tier in ("free", "pro") and rng.random() < 0.35
        if freelancer:
            company = f"{last.split(' ')[0]} {rng.choice(('Design', 'Consulting', 'Studio', 'Media'))}"
            domain = _pick(rng, PERSONAL_DOMAINS) if rng.random() < 0.7 else _slug(company) + ".example"
        else:
            company = companies[lang].pop(0)
            domain = _slug(re.sub(r"\b(GmbH|AG|S\.L\.|S\.A\.|SARL|SAS|LLP|Co\.)", "", company)) + ".example"
        fa, la = _ascii(first).lower().replace(" ", ""), _ascii(last.split(" ")[0]).lower().replace("-", "")
        local = rng.choice((f"{fa}.{la}", f"{fa[0]}{la}", fa, f"{fa}_{la}"))
        email = f"{local}@{domain}"
        while email in used_emails:
            email = f"{local}{rng.randint(2, 99)}@{domain}"
        used_emails.add(email)
        suffix = rng.choice(("workspace", "projects", "team"))
        workspace = _slug(company) if not freelancer else f"{fa}-{suffix}"
        handle = rng.choice((f"{fa}{la[:1]}{rng.randint(1, 99)}", f"{fa}_{la}", f"{la}{fa[:1]}", f"the{fa}"))
        weight = rng.lognormvariate(0.0, 0.9) * TIER_ACTIVITY[tier]
        customers.append(Customer(
            id=f"C-{idx + 1:04d}", first=first, name=name, lang=lang, tier=tier, company=company,
            domain=domain, email=email, workspace=workspace, phone=_phone_number(lang, rng),
            title=_pick(rng, TITLES[lang]), handle=handle, weight=weight))
    return customers


def _ticket_customers(customers: list[Customer], n_tickets: int, rng: random.Random) -> list[Customer]:
    quotas = {lang: round(n_tickets * LANG_SHARE[lang]) for lang in LANGS}
    quotas["en"] += n_tickets - sum(quotas.values())
    chosen: list[Customer] = []
    for lang in LANGS:
        pool = [c for c in customers if c.lang == lang]
        base = pool[: quotas[lang]]
        extra = rng.choices(pool, weights=[c.weight for c in pool], k=max(0, quotas[lang] - len(base)))
        chosen += base + extra
    rng.shuffle(chosen)
    return chosen


def _random_created(rng: random.Random, lang: str) -> datetime:
    span_days = (END.date() - START.date()).days
    while True:
        day = START + timedelta(days=rng.randint(0, span_days))
        if day.weekday() < 5 or rng.random() < 0.35:
            break
    weights = EN_HOUR_WEIGHTS if lang == "en" else EU_HOUR_WEIGHTS
    hour = rng.choices(range(24), weights=weights)[0]
    return day + timedelta(hours=hour, minutes=rng.randint(0, 59), seconds=rng.randint(0, 59))


def _incidents(rng: random.Random) -> list[datetime]:
    return [_random_created(rng, "de").replace(hour=rng.randint(7, 16)) for _ in range(9)]


def _topic_quotas(n_tickets: int) -> dict[str, int]:
    total = sum(TOPIC_WEIGHTS.values())
    quotas = {t: int(n_tickets * TOPIC_WEIGHTS[t] / total) for t in ALL_TOPICS}
    by_remainder = sorted(ALL_TOPICS, key=lambda t: -(n_tickets * TOPIC_WEIGHTS[t] / total - quotas[t]))
    for t in by_remainder[: n_tickets - sum(quotas.values())]:
        quotas[t] += 1
    return quotas


def _draw_topic(rng: random.Random, tier: str, remaining: dict[str, int]) -> str:
    """Draw from the remaining per-topic quota (exact totals), tilted by the customer's tier."""
    mult = TIER_TOPIC_MULT.get(tier, {})
    topics = [t for t in ALL_TOPICS if remaining[t] > 0]
    topic = rng.choices(topics, weights=[remaining[t] * mult.get(t, 1.0) for t in topics])[0]
    remaining[topic] -= 1
    return topic


def _draw_channel(rng: random.Random, topic: str) -> str:
    mult = CHANNEL_TOPIC_MULT.get(topic, {})
    return rng.choices(CHANNELS, weights=[CHANNEL_WEIGHTS[c] * mult.get(c, 1.0) for c in CHANNELS])[0]


def _draw_flags(rng: random.Random, topic: str, register: str) -> list[str]:
    flags: list[str] = []
    for flag, p in FLAG_P[topic].items():
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
    no_rush = FLAG_P[topic].get("no_rush", 0.0)
    if not flags and register not in ("frustrated", "angry") and rng.random() < no_rush:
        flags.append("no_rush")
    return flags


def _urgency(
    rng: random.Random, topic: str, var: Variant, tier: str, ft: Features, shown_register: bool
) -> str:
    register = REGISTER_URGENCY[ft.register] * (1.0 if shown_register else 0.3)
    score = (TOPIC_URGENCY[topic] + var.urg + register + TIER_URGENCY[tier] + (VIP_URGENCY if ft.vip else 0.0)
             + sum(FLAG_URGENCY[f] for f in ft.flags) + CHANNEL_URGENCY[ft.channel]
             + rng.gauss(0.0, URGENCY_NOISE_SD))
    level = sum(score >= cut for cut in URGENCY_CUTS)
    if rng.random() < URGENCY_FLIP_P:
        level = min(3, max(0, level + rng.choice((-1, 1))))
    if topic == OOS:
        level = min(level, 1)
    return URGENCIES[level]


def _tags(ctx: Ctx, var: Variant, ft: Features) -> list[str]:
    tags = list(var.tags)
    vals = ctx.values
    if "integration" in vals:
        tags.append(_slug(vals["integration"]))
    if "idp" in vals:
        tags += ["sso", _slug(vals["idp"])]
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


def _by_lang_topic() -> dict[tuple[str, str], list[Variant]]:
    index: dict[tuple[str, str], list[Variant]] = {}
    for var in VARIANTS:
        index.setdefault((var.lang, var.topic), []).append(var)
    return index


def _choose_variant(rng: random.Random, pool: list[Variant], tier: str) -> Variant:
    level = TIERS.index(tier)
    allowed = [v_ for v_ in pool if v_.min_tier <= level] or pool
    return allowed[rng.randrange(len(allowed))]


def _make_ticket(rng: random.Random, cust: Customer, created: datetime, topic: str,
                 index: dict[tuple[str, str], list[Variant]]) -> dict[str, object]:
    lang = cust.lang
    var = _choose_variant(rng, index[(lang, topic)], cust.tier)
    regs = REGISTER_WEIGHTS.get(topic, REGISTER_WEIGHTS["default"])
    register = rng.choices(REGISTERS, weights=regs)[0]
    channel = _draw_channel(rng, topic)
    flags = _draw_flags(rng, topic, register)
    second: Variant | None = None
    if topic != OOS and channel != "social" and rng.random() < MULTI_ISSUE_P:
        other = rng.choice([t for t in TOPICS if t != topic])
        second = _choose_variant(rng, index[(lang, other)], cust.tier)
    vip = cust.tier == "enterprise" and channel in ("email", "chat", "phone") and rng.random() < VIP_MENTION_P
    ft = Features(register=register, flags=flags, channel=channel, second=second, vip=vip)
    ctx = Ctx(rng=rng, lang=lang, topic=topic, customer=cust, created=created, agent=_pick(rng, AGENTS[lang]))
    subject, body = COMPOSERS[channel](ctx, var, ft)
    urgency = _urgency(rng, topic, var, cust.tier, ft, ctx.shown_register)

    resolution: str | None = None
    resolved_at: datetime | None = None
    p_open = 0.22 + (0.1 if topic == "feature_request" else 0.0) + (0.15 if topic == OOS else 0.0)
    if created > END - timedelta(days=12):
        p_open = 0.6
    if rng.random() >= p_open:
        resolution = _resolution(ctx, var, ft)
        if resolution is not None:
            hours = RESOLVE_MEDIAN_HOURS[urgency] * CHANNEL_DELAY_MULT[channel] * rng.lognormvariate(0.0, 0.8)
            resolved_at = created + timedelta(hours=max(hours, 0.05), seconds=rng.randint(0, 59))
            if resolved_at > END:
                resolution, resolved_at = None, None
    return {
        "id": "",
        "subject": subject.strip(),
        "body": body.strip(),
        "channel": channel,
        "language": lang,
        "customer": {"id": cust.id, "name": cust.name, "tier": cust.tier},
        "topic": topic,
        "urgency": urgency,
        "status": "resolved" if resolution is not None else "open",
        "resolution": resolution,
        "created_at": _iso(created),
        "resolved_at": _iso(resolved_at) if resolved_at is not None else None,
        "tags": _tags(ctx, var, ft),
    }


# ---------------------------------------------------------------------------------------------------------
# Knowledge-base rendering and validation
# ---------------------------------------------------------------------------------------------------------


def _render_article(article: Article) -> str:
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
    related = [a for a in ARTICLES
               if a.lang == article.lang and a.topic == article.topic and a.slug != article.slug]
    if related:
        lines += [f"## {KB_RELATED[article.lang]}", ""]
        lines += [f"- [{a.title}]({HELP_BASE}{a.slug})" for a in related[:3]]
        lines.append("")
    heading, text = KB_FOOTER[article.lang]
    lines += [f"## {heading}", "", text]
    body = "\n".join(lines)
    words = len(body.split())
    if not 150 <= words <= 600:
        raise ValueError(f"article {article.slug} has {words} words (expected 150-600)")
    return body


def _validate() -> None:
    slugs = [a.slug for a in ARTICLES]
    if len(set(slugs)) != len(slugs):
        raise ValueError("duplicate article slugs")
    keys = set(PACKS["en"])
    for lang in LANGS:
        if set(PACKS[lang]) != keys:
            raise ValueError(f"pack {lang} keys differ: {sorted(keys ^ set(PACKS[lang]))}")
    index = _by_lang_topic()
    for lang in LANGS:
        for topic in ALL_TOPICS:
            if not index.get((lang, topic)):
                raise ValueError(f"no variants for {lang}/{topic}")
    for var in VARIANTS:
        refs = [var.kb] if var.kb else []
        for text in var.replies + var.bodies:
            refs += [m.group(2) for m in _SLOT_RE.finditer(text) if m.group(1) == "kb" and m.group(2)]
            if "{kb}" in text and not var.kb:
                raise ValueError(f"{var.lang}/{var.key} uses {{kb}} without kb")
        for ref in refs:
            if ("en", ref) not in KB_INDEX:
                raise ValueError(f"{var.lang}/{var.key} links unknown article {ref}")
        if not _safe_shorts(var):
            raise ValueError(f"{var.lang}/{var.key} has no short text without account details")


def _write_jsonl(path: Path, rows: Sequence[dict[str, object]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")


# ---------------------------------------------------------------------------------------------------------
# Entry points
# ---------------------------------------------------------------------------------------------------------


def generate(*, out_dir: Path, n_tickets: int = 2400, seed: int = 7) -> dict[str, int]:
    """Write ``tickets.jsonl`` and ``articles.jsonl`` into ``out_dir`` and return summary counts."""
    KB_INDEX.clear()
    KB_INDEX.update({(a.lang, a.base): HELP_BASE + a.slug for a in ARTICLES})
    _validate()
    rng = random.Random(seed)
    customers = _make_customers(rng)
    incidents = _incidents(rng)
    index = _by_lang_topic()

    drafts: list[tuple[datetime, int, dict[str, object]]] = []
    ticket_customers = _ticket_customers(customers, n_tickets, rng)
    remaining = _topic_quotas(n_tickets)
    for i, cust in enumerate(ticket_customers):
        topic = _draw_topic(rng, cust.tier, remaining)
        if topic == "outage" and rng.random() < 0.75:
            offset = timedelta(minutes=rng.randint(2, 150), seconds=rng.randint(0, 59))
            created = rng.choice(incidents) + offset
        else:
            created = _random_created(rng, cust.lang)
        drafts.append((created, i, _make_ticket(rng, cust, created, topic, index)))
    drafts.sort(key=lambda item: (item[0], item[1]))
    tickets = [row for _, _, row in drafts]
    for number, row in enumerate(tickets, 1):
        row["id"] = f"T-{number:06d}"

    articles: list[dict[str, object]] = []
    for number, article in enumerate(ARTICLES, 1):
        articles.append({
            "id": f"KB-{number:03d}",
            "title": article.title,
            "body": _render_article(article),
            "url": HELP_BASE + article.slug,
            "language": article.lang,
            "tags": list(article.tags),
            "topic": article.topic,
        })

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
    parser.add_argument("--n-tickets", type=int, default=2400, help="number of tickets (default: 2400)")
    parser.add_argument("--out-dir", type=Path, default=DEFAULT_OUT_DIR,
                        help="output directory (default: data/demo)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    counts = generate(out_dir=args.out_dir, n_tickets=args.n_tickets, seed=args.seed)
    for name in ("tickets.jsonl", "articles.jsonl"):
        digest = hashlib.sha256((args.out_dir / name).read_bytes()).hexdigest()
        sys.stdout.write(f"{name}: sha256 {digest}\n")
    sys.stdout.write(json.dumps(counts, sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
