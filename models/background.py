"""The built-in off-topic background set: requests no help desk serves, for tuning the abstain rule.

Most help-desk exports have no out-of-scope label, and a model trained without out-of-scope rows never abstains.
`models/resources/offtopic_background.jsonl` holds a few hundred such requests (weather, recipes, sports,
homework, jokes, travel, small talk, health, shopping, pets, films, household questions) in English, German,
Spanish and French, written for Deskmate (no rows copied from any data set). Training without out-of-scope rows
tunes the abstain rule on a seeded share of them and reports what it catches of the rest (`models.training`).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from models.errors import ArtifactError

BACKGROUND_PATH = Path(__file__).resolve().parent / "resources" / "offtopic_background.jsonl"
BACKGROUND_NOTE = (
    "the training data has no out-of-scope rows: the abstain rule was tuned against Deskmate's built-in "
    "off-topic background set (models/resources/offtopic_background.jsonl: weather, recipes, sports, homework, "
    "... in en/de/es/fr); add rows labelled with the out-of-scope label to tune it on your own traffic"
)


@dataclass(frozen=True, slots=True)
class BackgroundRow:
    text: str
    language: str
    category: str


@dataclass(frozen=True, slots=True)
class BackgroundSplit:
    """Texts that tune the abstain rule and the held-out texts that measure it."""

    tune: list[str]
    heldout: list[str]
    source: str
    sha256: str


def load_background(path: Path = BACKGROUND_PATH) -> list[BackgroundRow]:
    """The background rows (text, language, category)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise ArtifactError(f"cannot read the off-topic background set {path}: {exc}") from exc
    rows: list[BackgroundRow] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
            rows.append(BackgroundRow(text=str(raw["text"]), language=str(raw["language"]),
                                      category=str(raw["category"])))
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise ArtifactError(f"{path}:{number}: not a background row ({exc})") from exc
    return rows


def background_split(*, seed: int, heldout_share: float = 0.3, path: Path = BACKGROUND_PATH) -> BackgroundSplit:
    """A seeded split of the background set, stratified by language and category."""
    rows = load_background(path)
    groups: dict[tuple[str, str], list[str]] = {}
    for row in rows:
        groups.setdefault((row.language, row.category), []).append(row.text)
    rng = np.random.default_rng(seed)
    tune: list[str] = []
    heldout: list[str] = []
    for key in sorted(groups):
        texts = list(groups[key])
        order = rng.permutation(len(texts))
        n_held = int(round(len(texts) * heldout_share)) if len(texts) >= 2 else 0
        heldout += [texts[i] for i in order[:n_held]]
        tune += [texts[i] for i in order[n_held:]]
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return BackgroundSplit(tune=tune, heldout=heldout, source=path.name, sha256=digest)
