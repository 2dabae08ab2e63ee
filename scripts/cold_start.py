"""`deskmate train-topics`: a routing model from a topic list (docs/cold-start.md), optionally after fine-tuning.

A thin command over `models.cold_start.train_from_topics`; `--fine-tune` first adapts the embedder to the examples
(`models.contrastive`) and builds the model on the fine-tuned embedder, whose directory the service must then use.
`--unlabelled FILE` (JSONL/CSV tickets, as `deskmate label-queue --input` reads them) adds self-training on the
desk's unlabelled tickets.
"""

from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from models.classifier import HeadConfig
from models.cold_start import ColdStartOptions, load_topics, train_from_topics
from models.contrastive import FineTuneOptions, fine_tune
from models.embedding.base import Embedder
from models.errors import DeskmateError, InvalidInputError
from scripts.label_queue import tickets_from_file
from service.components import build_embedder
from service.privacy import configured_redactor
from service.settings import Settings


def train_topics(*, topics: Path, out: Path, settings: Settings, options: ColdStartOptions,
                 fine_tune_options: FineTuneOptions | None = None, embedder_out: Path | None = None,
                 command: str | None = None, embedder: Embedder | None = None,
                 unlabelled: Path | None = None) -> dict[str, Any]:
    """Build and save the cold-start model; returns a summary (path, method, embedder, metrics)."""
    extra: dict[str, Any] = {}
    pool: list[str] = []
    if unlabelled is not None:
        if not unlabelled.is_file():
            raise InvalidInputError(f"--unlabelled {unlabelled}: no such file")
        tickets = tickets_from_file(unlabelled)
        if not tickets:
            raise InvalidInputError(f"--unlabelled {unlabelled}: no ticket without a topic in it (id, subject/body "
                                    "or text; rows with a topic are labelled already)")
        # raw exports: redacted before the head learns their words (its TF-IDF vocabulary is saved with the model)
        redactor = configured_redactor(settings)
        redactor.load()
        pool = [redactor.redact(t.text) for t in tickets]
        extra["unlabelled"] = {"path": str(unlabelled), "tickets": len(pool), "redacted": redactor.enabled}
    if fine_tune_options is not None:
        if embedder_out is None:
            raise InvalidInputError("--fine-tune needs --embedder-out DIR (where the fine-tuned embedder is written)")
        listed = load_topics(topics, oos_label=options.oos_label)
        texts = [e for t in listed.topics for e in t.examples]
        labels = [t.name for t in listed.topics for _ in t.examples]
        if not texts:
            raise InvalidInputError("--fine-tune needs examples in the topic list (zero-shot has nothing to learn)")
        texts += [options.templates[-1].format(description=t.description) for t in listed.topics]
        labels += [t.name for t in listed.topics]
        from models.embedding.sentence_transformer import SentenceTransformerEmbedder

        path = fine_tune(texts=texts, labels=labels, out_dir=embedder_out, options=fine_tune_options)
        embedder = SentenceTransformerEmbedder(str(path.resolve()))
        extra["fine_tuned_embedder"] = str(path.resolve())
    if embedder is None:
        embedder = build_embedder(settings)
    embedder.load()
    path, result = train_from_topics(topics_path=topics, out_dir=out, embedder=embedder, options=options,
                                     command=command, extra=extra, unlabelled=pool)
    return {"path": str(path), "method": result.manifest["cold_start"]["method"], "embedder": embedder.model_id,
            "topics": len(result.model.topic.labels), "abstain": result.model.abstain.to_dict(),
            "validation": result.metrics.get("validation", {}), **extra}


def train_topics_command(
    topics: Annotated[Path, typer.Option("--topics", help="Topic list YAML: name, description, examples.")],
    out: Annotated[Path, typer.Option("--out", help="Model directory to write.")],
    seed: Annotated[int, typer.Option(help="Seed of the folds, the background split and fine-tuning.")] = 13,
    c: Annotated[float, typer.Option("--c", help="Inverse regularization strength of the few-shot head.")] = 10.0,
    tfidf: Annotated[bool, typer.Option(help="Join TF-IDF word/char n-grams to the embeddings (few-shot).")] = True,
    background: Annotated[bool, typer.Option(
        help="Tune the out-of-scope threshold on the built-in off-topic background set.")] = True,
    fine_tune_embedder: Annotated[bool, typer.Option(
        "--fine-tune", help="Contrastive fine-tune of the embedder on the examples first (needs torch).")] = False,
    embedder_out: Annotated[Path | None, typer.Option(help="Where --fine-tune writes the embedder.")] = None,
    epochs: Annotated[int, typer.Option(help="Fine-tuning epochs.")] = 2,
    max_false_reject: Annotated[float, typer.Option(
        help="In-scope reject budget of the abstain rule (higher catches more off-topic tickets).")] = 0.03,
    unlabelled: Annotated[Path | None, typer.Option(
        help="JSONL/CSV of the desk's tickets without a topic (id, subject/body or text): self-training.")] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Train a routing model from a desk's topic list (zero-shot from descriptions, or few-shot from examples)."""
    settings = Settings()
    if not 0.0 < max_false_reject < 1.0:
        typer.echo(f"error: --max-false-reject must be between 0 and 1, got {max_false_reject}", err=True)
        raise typer.Exit(code=2)
    options = ColdStartOptions(oos_label=settings.oos_label, seed=seed, background=background,
                               max_false_reject=max_false_reject,
                               head=HeadConfig(C=c, tfidf=tfidf, seed=seed), batch_size=settings.embedder.batch_size)
    ft = None
    if fine_tune_embedder:
        base = settings.embedder.model
        ft = FineTuneOptions(base_model=base, epochs=epochs, seed=seed)
    command = shlex.join(["deskmate", "train-topics", *sys.argv[2:]])
    try:
        summary = train_topics(topics=topics, out=out, settings=settings, options=options, fine_tune_options=ft,
                               embedder_out=embedder_out, command=command, unlabelled=unlabelled)
    except DeskmateError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(code=2) from exc
    if json_out:
        typer.echo(json.dumps(summary, indent=2))
        return
    typer.echo(f"model written to {summary['path']} ({summary['method']}, {summary['topics']} topics, "
               f"embedder {summary['embedder']})")
    topic = summary["validation"].get("topic")
    if topic:
        typer.echo(f"out-of-fold accuracy {topic['accuracy']:.4f} on {topic['n']} rows")
    st = summary["validation"].get("self_training")
    if st:
        typer.echo(f"self-training: {st['pseudo_rows']} of {st['unlabelled']} unlabelled tickets joined the training "
                   f"rows (weight {st['weight']})")
    if "fine_tuned_embedder" in summary:
        typer.echo("serve it with DESKMATE_EMBEDDER__BACKEND=sentence-transformers "
                   f"DESKMATE_EMBEDDER__MODEL={summary['fine_tuned_embedder']} (or `deskmate export-onnx` it)")
