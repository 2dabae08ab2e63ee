"""Personal data at the edges: ids that hold personal data become keyed hashes, and cases are redacted before
anything indexes them (see docs/redaction.md, "Where redaction happens").

- `IdGuard.stored(id)`: the form of a ticket, agent or case id that may be stored. An id in which the regex
  redactor finds personal data (an email, phone, card, IBAN, ...) is replaced by `pii_` + 32 hex digits of
  HMAC-SHA256 under the deployment's pseudonym key; any other id is stored as given. The mapping is a pure
  function of (key, id), so every door (path parameters and bodies) applies it and lookups keep working.
- `CaseRedactor`: a case with its text, resolution and string metadata redacted (names from the case's own
  metadata and from the request are redacted wherever they appear) and its id guarded.
- `pseudonym_key(settings)`: `DESKMATE_PII__PSEUDONYM_KEY`, else a random key made once in
  `<data_dir>/secrets/pseudonym.key` (created atomically, mode 0600; every worker and CLI on the host reads it).
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import re
import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import models.pii as pii
from index.documents import Article, Case
from models.errors import ArtifactError, InvalidInputError
from models.pii import Redactor
from service.settings import Settings

PSEUDONYM_PREFIX = "pii_"
PSEUDONYM_RE = re.compile(r"pii_[0-9a-f]{32}")
KEY_FILE = Path("secrets") / "pseudonym.key"
_MIN_KEY_BYTES = 16


def read_or_create_key(path: Path) -> bytes:
    """The key stored at `path`; made (64 hex characters from `secrets`) when missing. Creation is race-free:
    the key is written to a temporary file and linked into place, so concurrent workers all read one key."""
    try:
        key = path.read_bytes().strip()
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(secrets.token_hex(32).encode() + b"\n")
                handle.flush()
                os.fsync(handle.fileno())
            with contextlib.suppress(FileExistsError):  # another process made it first: use theirs
                os.link(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)
        key = path.read_bytes().strip()
    if len(key) < _MIN_KEY_BYTES:
        raise InvalidInputError(f"the pseudonym key in {path} is shorter than {_MIN_KEY_BYTES} bytes")
    return key


def pseudonym_key(settings: Settings) -> bytes:
    """The deployment's secret for keyed hashes of personal ids (see the module docstring)."""
    configured = settings.pii.pseudonym_key
    if configured is not None:
        key = configured.get_secret_value().encode()
        if len(key) < _MIN_KEY_BYTES:
            raise InvalidInputError(f"DESKMATE_PII__PSEUDONYM_KEY must be at least {_MIN_KEY_BYTES} characters")
        return key
    path = settings.data_dir / KEY_FILE
    try:
        return read_or_create_key(path)
    except OSError as exc:
        raise ArtifactError(f"cannot read or create the pseudonym key {path}: {exc.strerror or exc}") from exc


class IdGuard:
    """Maps ids to what may be stored: ids with personal data become `pii_<hmac>`, others stay as they are.

    With `key=None` nothing can be pseudonymized, so an id with personal data is refused (InvalidInputError,
    a 422 at the edge) rather than stored raw. Disabled (PII redaction off): every id is kept as given.
    """

    def __init__(self, key: bytes | None, *, enabled: bool = True) -> None:
        self.enabled = enabled
        self._key = key
        self._detector = Redactor(enabled=enabled, names=False)  # the regex path: microseconds per id
        self.stored = lru_cache(maxsize=8192)(self._stored)

    @property
    def keyed(self) -> bool:
        return self._key is not None

    def holds_personal_data(self, value: str) -> bool:
        """Whether the regex redactor finds personal data in `value` (pseudonyms themselves never count)."""
        if not self.enabled or PSEUDONYM_RE.fullmatch(value):
            return False
        return bool(self._detector.find(value))

    def pseudonym(self, value: str) -> str:
        """`pii_` + 32 hex digits of HMAC-SHA256(key, value): stable per key, not reversible without it."""
        if self._key is None:
            raise InvalidInputError("no pseudonym key is configured")
        digest = hmac.new(self._key, value.encode("utf-8"), hashlib.sha256).hexdigest()
        return PSEUDONYM_PREFIX + digest[:32]

    def _stored(self, value: str) -> str:
        if not self.holds_personal_data(value):
            return value
        if self._key is None:
            raise InvalidInputError(f"an id holds personal data ({self._kinds(value)}); use an opaque id")
        return self.pseudonym(value)

    def stored_optional(self, value: str | None) -> str | None:
        return None if value is None else self.stored(value)

    def _kinds(self, value: str) -> str:
        return ", ".join(sorted({r.kind for r in self._detector.find(value)}))


@lru_cache(maxsize=1)
def detector_fingerprint() -> str:
    """First 12 hex digits of the SHA-256 of models/pii.py and the detector modules beside it (pii_detectors.py,
    pii_names.py): changes whenever the detectors change."""
    folder = Path(pii.__file__).parent
    digest = hashlib.sha256()
    for name in ("pii.py", "pii_detectors.py", "pii_names.py"):
        digest.update((folder / name).read_bytes())
    return digest.hexdigest()[:12]


def _names_in_metadata(metadata: Mapping[str, Any]) -> list[str]:
    """Customer names a case's metadata carries (`customer.name`, `customer_name`), to redact everywhere."""
    names: list[str] = []
    customer = metadata.get("customer")
    if isinstance(customer, Mapping) and isinstance(customer.get("name"), str):
        names.append(customer["name"])
    if isinstance(metadata.get("customer_name"), str):
        names.append(metadata["customer_name"])
    return [n for n in names if n.strip() and n.strip() != pii.PLACEHOLDERS["name"]]


class CaseRedactor:
    """Redacts cases (and, when asked, articles) before they are indexed; `info()` goes into the manifest."""

    def __init__(self, redactor: Redactor, ids: IdGuard, *, articles: bool = False) -> None:
        self.redactor = redactor
        self.ids = ids
        self.articles = articles

    def __call__(self, case: Case, *, known_names: Sequence[str] = ()) -> Case:
        names = [*known_names, *_names_in_metadata(case.metadata)]
        redact = self.redactor
        return replace(case, id=self.ids.stored(case.id), text=redact.redact(case.text, known_names=names),
                       resolution=redact.redact(case.resolution, known_names=names),
                       metadata=redact.redact_mapping(dict(case.metadata), known_names=names))

    def article(self, article: Article) -> Article:
        """An article with title, body and string metadata redacted (only used when `articles` is on)."""
        redact = self.redactor
        return replace(article, title=redact.redact(article.title), body=redact.redact(article.body),
                       metadata=redact.redact_mapping(dict(article.metadata)))

    def info(self) -> dict[str, Any]:
        """What the index manifest records as `options.redaction`."""
        return {**redaction_info(self.redactor), "ids": "hmac-sha256" if self.ids.keyed else "refused",
                "articles": self.articles}


def configured_redactor(settings: Settings) -> Redactor:
    """The redactor of the configured PII settings (not loaded yet: `load()` reads the NER model if names are on)."""
    return Redactor(enabled=settings.pii.enabled, names=settings.pii.names, spacy_model=settings.pii.spacy_model)


def redaction_info(redactor: Redactor) -> dict[str, Any]:
    """What a manifest records about `redactor`: on or off, the kinds, NER names, the detectors' fingerprint."""
    return {"enabled": redactor.enabled, "kinds": sorted(pii.PLACEHOLDERS),
            "names_ner": redactor.enabled and redactor.names, "detectors": detector_fingerprint(),
            "version": getattr(pii, "VERSION", None)}


def training_redactor(settings: Settings, *, enabled: bool = True,
                      ) -> tuple[Callable[[str], str] | None, dict[str, Any] | None]:
    """What `deskmate train`, `retrain`, `eval-set refresh` and `demo` redact training texts with (the configured PII
    settings, as the index uses), and what the model manifest records as `redaction`; (None, None) when off."""
    if not enabled:
        return None, None
    redactor = configured_redactor(settings)
    redactor.load()
    return redactor.redact, redaction_info(redactor)


def build_case_redactor(settings: Settings, *, redactor: Redactor | None = None,
                        articles: bool = False) -> CaseRedactor:
    """The case redactor of the configured PII settings (loads the pseudonym key; the NER model if names are on)."""
    if redactor is None:
        redactor = configured_redactor(settings)
        redactor.load()
    return CaseRedactor(redactor, IdGuard(pseudonym_key(settings), enabled=settings.pii.enabled),
                        articles=articles)
