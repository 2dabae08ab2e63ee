"""Anger signal quality per language on our labelled set (bench/data/sentiment/anger_set.jsonl).

The set: 110 short customer messages per language (en, de, es, fr), written by the Deskmate team, half `angry`
(the negative-sentiment urgency signal should fire) and half `calm` (questions, plain bug reports, polite
complaints, negated anger, thanks). The four languages are translations of one list (`pair` links them), so the
languages are compared on the same content; the split is by pair (even pairs dev, odd pairs test), so no test
message is in dev in any language. The lexicon (config/sentiment.yaml) and the threshold were tuned on dev only.

Systems, in the same run, firing when the score is at or below the threshold:
- `lexicon`: the signal as served (`SentimentScorer`, config/sentiment.yaml), at the routing policy's threshold;
- `vader`: the previous signal, VADER's compound score at -0.6 (the old threshold), language ignored.

    python -m bench.sentiment_quality [--split test|dev|all] [--out reports/sentiment_quality.json]
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.common import REPO_ROOT
from models.routing_policy import RoutingPolicy
from models.sentiment import SentimentScorer

DATA = Path(__file__).resolve().parent / "data" / "sentiment" / "anger_set.jsonl"
LANGS = ("en", "de", "es", "fr")
VADER_THRESHOLD = -0.6


def load_rows(split: str, path: Path = DATA) -> list[dict[str, Any]]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r for r in rows if split == "all" or r["split"] == split]


def scores(rows: list[dict[str, Any]], fires: Callable[[str, str], bool]) -> dict[str, dict[str, float]]:
    """Precision, recall, F1 and false-fire rate of `fires(text, language)` per language and over all."""
    out: dict[str, dict[str, float]] = {}
    for lang in (*LANGS, "all"):
        part = [r for r in rows if lang == "all" or r["language"] == lang]
        fired = [(r["label"] == "angry", fires(r["text"], r["language"])) for r in part]
        tp = sum(1 for gold, hit in fired if gold and hit)
        fp = sum(1 for gold, hit in fired if not gold and hit)
        angry = sum(1 for gold, _ in fired if gold)
        calm = len(fired) - angry
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / angry if angry else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        out[lang] = {"n": len(part), "precision": round(precision, 3), "recall": round(recall, 3),
                     "f1": round(f1, 3), "false_fire_rate": round(fp / calm, 3) if calm else 0.0}
    return out


def run(*, split: str = "test", out: Path | None = None) -> dict[str, Any]:
    rows = load_rows(split)
    policy = RoutingPolicy.from_yaml(REPO_ROOT / "config" / "routing.yaml")
    spec = policy.spec.urgency_signals.sentiment
    threshold = spec.threshold if spec is not None else -0.5
    scorer = SentimentScorer()
    scorer.load()
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    vader = SentimentIntensityAnalyzer()
    started = time.process_time()
    lexicon = scores(rows, lambda text, lang: scorer.compound(text, lang) <= threshold)
    lexicon_us = (time.process_time() - started) / max(1, len(rows)) * 1e6
    started = time.process_time()
    baseline = scores(rows, lambda text, _lang: float(vader.polarity_scores(text)["compound"]) <= VADER_THRESHOLD)
    vader_us = (time.process_time() - started) / max(1, len(rows)) * 1e6
    report = {"split": split, "rows": len(rows), "threshold": threshold, "vader_threshold": VADER_THRESHOLD,
              "lexicon": lexicon, "vader": baseline,
              "cpu_us_per_text": {"lexicon": round(lexicon_us, 1), "vader": round(vader_us, 1)}}
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(report, indent=2), encoding="utf-8")
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--split", choices=("dev", "test", "all"), default="test")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    report = run(split=args.split, out=args.out)
    print(f"anger signal on the {report['split']} split ({report['rows']} texts); lexicon at "  # noqa: T201
          f"{report['threshold']}, VADER at {report['vader_threshold']}")
    print(f"{'lang':5} {'system':8} {'P':>6} {'R':>6} {'F1':>6} {'false fire':>10}")  # noqa: T201
    for lang in (*LANGS, "all"):
        for system in ("lexicon", "vader"):
            m = report[system][lang]
            print(f"{lang:5} {system:8} {m['precision']:6.3f} {m['recall']:6.3f} {m['f1']:6.3f} "  # noqa: T201
                  f"{m['false_fire_rate']:10.3f}")
    print(f"CPU per text: lexicon {report['cpu_us_per_text']['lexicon']} µs, "  # noqa: T201
          f"VADER {report['cpu_us_per_text']['vader']} µs")


if __name__ == "__main__":
    main()
