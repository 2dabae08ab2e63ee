"""SetFit-style contrastive fine-tuning of a sentence-transformers embedder on a few labelled examples (CPU).

Pairs of texts with the same label are pulled together and every other text in the batch is pushed away
(multiple-negatives ranking loss, i.e. in-batch softmax over cosine similarities), for a few epochs at a small
learning rate. The result is a sentence-transformers directory plus a `deskmate.json` manifest; serve it with
`DESKMATE_EMBEDDER__BACKEND=sentence-transformers DESKMATE_EMBEDDER__MODEL=<dir>`, or export it to ONNX with
`deskmate export-onnx --source <dir>` for the default backend. torch and sentence-transformers are imported in
`fine_tune` only (the `export` extra).
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from models.embedding.base import DEFAULT_MODEL, packaged_minilm_path, resolve_model_id
from models.errors import ArtifactError, InvalidInputError

logger = logging.getLogger(__name__)

FINETUNE_FORMAT = "deskmate-finetuned-embedder"


@dataclass(frozen=True, slots=True)
class FineTuneOptions:
    base_model: str = DEFAULT_MODEL
    epochs: int = 2
    pairs_per_text: int = 2  # positives drawn per text and epoch
    batch_size: int = 32
    learning_rate: float = 3e-5
    max_seq_length: int = 64
    seed: int = 13
    threads: int | None = None
    device: str = "cpu"  # a torch device ("cuda"): the same recipe, faster where one is lent


def make_pairs(labels: list[str], *, pairs_per_text: int, rng: np.random.Generator) -> list[tuple[int, int]]:
    """(anchor, positive) index pairs of the same label; labels with one text get none."""
    by_label: dict[str, list[int]] = {}
    for i, label in enumerate(labels):
        by_label.setdefault(label, []).append(i)
    pairs: list[tuple[int, int]] = []
    for i, label in enumerate(labels):
        others = [j for j in by_label[label] if j != i]
        if others:
            pairs += [(i, int(j)) for j in rng.choice(others, size=min(pairs_per_text, len(others)), replace=False)]
    return pairs


def _batches(pairs: list[tuple[int, int]], labels: list[str], batch_size: int,
             rng: np.random.Generator) -> list[list[tuple[int, int]]]:
    """Shuffled batches in which no two pairs share a label (an in-batch negative of the same label is wrong)."""
    pending = [pairs[i] for i in rng.permutation(len(pairs))]
    batches: list[list[tuple[int, int]]] = []
    while pending:
        batch: list[tuple[int, int]] = []
        used: set[str] = set()
        rest: list[tuple[int, int]] = []
        for pair in pending:
            if len(batch) < batch_size and labels[pair[0]] not in used:
                batch.append(pair)
                used.add(labels[pair[0]])
            else:
                rest.append(pair)
        batches.append(batch)
        pending = rest
    return batches


def _on(features: dict[str, Any], device: str) -> dict[str, Any]:
    """Tokenizer output with its tensors on `device` (other entries, such as text lists, as they are)."""
    return {k: v.to(device) if hasattr(v, "to") else v for k, v in features.items()}


def fine_tune(*, texts: list[str], labels: list[str], out_dir: Path,
              options: FineTuneOptions = FineTuneOptions()) -> Path:
    """Fine-tune `options.base_model` on (text, label) rows; writes a sentence-transformers dir + deskmate.json."""
    if len(texts) != len(labels) or not texts:
        raise InvalidInputError("fine-tuning needs texts with one label each")
    try:
        import torch
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:
        raise ArtifactError("fine-tuning needs torch and sentence-transformers: pip install 'deskmate[export]'") \
            from exc
    started = time.perf_counter()
    torch.manual_seed(options.seed)
    if options.threads:
        torch.set_num_threads(options.threads)
    location = options.base_model
    if location in (DEFAULT_MODEL, "all-MiniLM-L6-v2"):
        location = str(packaged_minilm_path() or location)
    model = SentenceTransformer(location, device=options.device)
    model.max_seq_length = options.max_seq_length
    rng = np.random.default_rng(options.seed)
    optimizer = torch.optim.AdamW(model.parameters(), lr=options.learning_rate)
    scale = 20.0
    steps = 0
    losses: list[float] = []
    model.train()
    for _ in range(options.epochs):
        pairs = make_pairs(labels, pairs_per_text=options.pairs_per_text, rng=rng)
        for batch in _batches(pairs, labels, options.batch_size, rng):
            if len(batch) < 2:
                continue
            anchors = _on(model.tokenize([texts[a] for a, _ in batch]), options.device)
            positives = _on(model.tokenize([texts[p] for _, p in batch]), options.device)
            a = torch.nn.functional.normalize(model(anchors)["sentence_embedding"], dim=-1)
            p = torch.nn.functional.normalize(model(positives)["sentence_embedding"], dim=-1)
            logits = scale * a @ p.T
            target = torch.arange(len(batch), device=options.device)
            loss = (torch.nn.functional.cross_entropy(logits, target)
                    + torch.nn.functional.cross_entropy(logits.T, target)) / 2
            optimizer.zero_grad()
            loss.backward()  # type: ignore[no-untyped-call]
            optimizer.step()
            losses.append(float(loss.detach()))
            steps += 1
            if steps % 20 == 0:
                logger.info("fine-tuning", extra={"step": steps, "loss": round(losses[-1], 4)})
    model.eval()
    out_dir.mkdir(parents=True, exist_ok=True)
    model.save(str(out_dir))
    manifest: dict[str, Any] = {
        "format": FINETUNE_FORMAT, "base_model": resolve_model_id(options.base_model), "options": asdict(options),
        "rows": len(texts), "labels": len(set(labels)), "steps": steps,
        "loss_first": losses[0] if losses else None, "loss_last": losses[-1] if losses else None,
        "seconds": round(time.perf_counter() - started, 1),
        "created_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "package_versions": {name: metadata.version(name) for name in ("torch", "sentence-transformers")},
    }
    (out_dir / "deskmate.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    logger.info("embedder fine-tuned", extra={"steps": steps, "seconds": manifest["seconds"], "out": str(out_dir)})
    return out_dir
