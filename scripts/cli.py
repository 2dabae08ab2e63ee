"""`deskmate` command line: thin typer commands over plain functions in models/, index/ and service/."""

from __future__ import annotations

import json
import logging
import shlex
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from models.classifier import HeadConfig
from models.data import FieldMapping
from models.embedder import Embedder, make_embedder
from models.errors import DeskmateError
from service.logging import configure_logging
from service.settings import REPO_ROOT, Settings

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Deskmate: help-desk routing and replies.")
console = Console(stderr=True)
logger = logging.getLogger("deskmate.cli")

DEMO_TICKETS = REPO_ROOT / "data" / "demo" / "tickets.jsonl"
DEMO_ARTICLES = REPO_ROOT / "data" / "demo" / "articles.jsonl"

DataOpt = Annotated[list[Path], typer.Option("--data", help="CSV, JSONL or JSON file with labelled rows (repeatable).")]
TextField = Annotated[str | None, typer.Option(help="Field with the whole text (else --subject-field + --body-field).")]
SubjectField = Annotated[str | None, typer.Option(help="Subject field (dotted paths reach into JSON objects).")]
BodyField = Annotated[str | None, typer.Option(help="Body field.")]
TopicField = Annotated[str, typer.Option(help="Topic label field.")]
UrgencyField = Annotated[str | None, typer.Option(help="Urgency label field; pass '' for none.")]
OosLabel = Annotated[str | None, typer.Option(help="Topic value marking out-of-scope rows (default: settings).")]


def _embedder(settings: Settings) -> Embedder:
    cfg = settings.embedder
    return make_embedder(cfg.backend, cfg.model, device=cfg.device, max_seq_length=cfg.max_seq_length,
                         num_threads=cfg.num_threads)


def _mapping(text_field: str | None, subject_field: str | None, body_field: str | None, topic_field: str,
             urgency_field: str | None) -> FieldMapping:
    return FieldMapping(text=text_field or None, subject=subject_field or None, body=body_field or None,
                        topic=topic_field, urgency=urgency_field or None)


def _aux_embedders(given: list[str] | None) -> tuple[str, ...]:
    from models.training import DEFAULT_AUX_EMBEDDER

    if not given:
        return (DEFAULT_AUX_EMBEDDER,)
    return tuple(name for name in given if name.lower() != "none")


def _fail(exc: Exception) -> typer.Exit:
    console.print(f"[red]error:[/red] {exc}")
    return typer.Exit(code=2)


def _command_line(ctx: typer.Context) -> str:
    """The command as it could be typed again, rebuilt from the parsed parameters and their option names."""
    parts = ["deskmate", ctx.info_name or ""]
    for param in ctx.command.params:
        value = ctx.params.get(param.name or "")
        if value is None or not getattr(param, "opts", None):
            continue
        flag = max(param.opts, key=len)  # the long form, e.g. --json for json_out
        if isinstance(value, bool):
            secondary = getattr(param, "secondary_opts", [])
            if value:
                parts.append(flag)
            elif secondary:
                parts.append(secondary[0])
        elif isinstance(value, list | tuple):
            for item in value:
                parts += [flag, str(item)]
        else:
            parts += [flag, str(value)]
    return shlex.join(parts)


def _summary_table(title: str, values: dict[str, Any]) -> Table:
    table = Table(title=title)
    table.add_column("metric")
    table.add_column("value", justify="right")
    for key, value in values.items():
        table.add_row(key, f"{value:.4f}" if isinstance(value, float) else str(value))
    return table


@app.command()
def train(
    ctx: typer.Context,
    data: DataOpt,
    out: Annotated[Path, typer.Option("--out", help="Model directory to write.")],
    text_field: TextField = None,
    subject_field: SubjectField = "subject",
    body_field: BodyField = "body",
    topic_field: TopicField = "topic",
    urgency_field: UrgencyField = "urgency",
    oos_label: OosLabel = None,
    val_size: Annotated[float, typer.Option(help="Share of in-scope rows for calibration/abstain tuning.")] = 0.1,
    test_size: Annotated[float, typer.Option(help="Share held out for a final test (0 = none).")] = 0.0,
    seed: Annotated[int, typer.Option(help="Seed of the stratified splits.")] = 13,
    estimator: Annotated[str, typer.Option(help="logreg, linear_svm or mlp.")] = "logreg",
    c: Annotated[float, typer.Option("--c", help="Inverse regularization strength of the topic head.")] = 10.0,
    tfidf: Annotated[bool, typer.Option(help="Join TF-IDF word/char n-grams to the embeddings.")] = True,
    aux_embedder: Annotated[list[str] | None, typer.Option(
        help="Extra embedder joined to the features (repeatable); default: multilingual USE; 'none' for none.")] = None,
    max_false_reject: Annotated[float, typer.Option(help="Out-of-scope threshold's in-scope reject budget.")] = 0.03,
    target_accuracy: Annotated[float, typer.Option(help="Accuracy accepted rows must reach.")] = 0.9,
    cache_dir: Annotated[Path | None, typer.Option(help="Reuse embeddings of identical inputs across runs.")] = None,
    refit: Annotated[bool, typer.Option(help="Refit heads on train+validation after tuning.")] = True,
    group_threshold: Annotated[float, typer.Option(
        help="Cosine above which same-label rows stay on one side of the validation split.")] = 0.9,
) -> None:
    """Train topic (and urgency) heads, calibrate, tune the abstain rule, write a model directory."""
    from models.training import TrainOptions, train_from_file

    settings = Settings()
    configure_logging(settings.log_level, json_lines=False)
    if estimator not in ("logreg", "linear_svm", "mlp"):
        raise _fail(ValueError("--estimator must be logreg, linear_svm or mlp"))
    options = TrainOptions(
        oos_label=oos_label or settings.oos_label, val_size=val_size, test_size=test_size, seed=seed,
        head=HeadConfig(estimator=estimator, C=c, tfidf=tfidf, seed=seed),  # type: ignore[arg-type]
        aux_embedders=_aux_embedders(aux_embedder), max_false_reject=max_false_reject, target_accuracy=target_accuracy,
        batch_size=settings.embedder.batch_size, cache_dir=cache_dir, refit=refit,
        group_threshold=group_threshold,
    )
    command = _command_line(ctx)
    try:
        with console.status("training…"):
            path, metrics = train_from_file(
                data=list(data), out_dir=out, embedder=_embedder(settings),
                mapping=_mapping(text_field, subject_field, body_field, topic_field, urgency_field),
                options=options, command=command, show_progress=True)
    except DeskmateError as exc:
        raise _fail(exc) from exc
    val = metrics["validation"]
    summary: dict[str, Any] = {"validation accuracy": val["topic"]["accuracy"],
                               "validation macro-F1": val["topic"]["macro_f1"], "validation ECE": val["topic"]["ece"]}
    if "urgency" in val:
        summary["urgency accuracy (val)"] = val["urgency"]["accuracy"]
    if "test" in metrics:
        summary["test accuracy"] = metrics["test"]["topic"]["accuracy"]
        summary["test macro-F1"] = metrics["test"]["topic"]["macro_f1"]
    summary.update({f"abstain {k}": v for k, v in val["abstain"].items()})
    summary["train seconds"] = metrics["timing"]["total_seconds"]
    console.print(_summary_table(f"model written to {path}", summary))


@app.command()
def evaluate(
    model: Annotated[Path, typer.Option("--model", help="Model directory.")],
    data: DataOpt,
    text_field: TextField = None,
    subject_field: SubjectField = "subject",
    body_field: BodyField = "body",
    topic_field: TopicField = "topic",
    urgency_field: UrgencyField = "urgency",
    oos_label: OosLabel = None,
    json_out: Annotated[Path | None, typer.Option("--json", help="Write all metrics as JSON here.")] = None,
    plots: Annotated[Path | None, typer.Option("--plots", help="Write confusion/reliability PNGs here.")] = None,
) -> None:
    """Accuracy, macro-F1, per-class report, ECE and abstention metrics of a model on a labelled file."""
    from models.evaluation import evaluate_model, write_plots
    from models.routing_model import RoutingModel

    settings = Settings()
    configure_logging(settings.log_level, json_lines=False)
    embedder = _embedder(settings)
    try:
        loaded = RoutingModel.load(model, embedder=embedder)
        result = evaluate_model(model=loaded, embedder=embedder, data=list(data), oos_label=oos_label,
                                mapping=_mapping(text_field, subject_field, body_field, topic_field, urgency_field),
                                batch_size=settings.embedder.batch_size, show_progress=True)
    except DeskmateError as exc:
        raise _fail(exc) from exc
    per_class = Table(title="per class")
    for column in ("label", "precision", "recall", "f1", "support"):
        per_class.add_column(column, justify="right" if column != "label" else "left")
    for label, row in result["topic"]["per_class"].items():
        per_class.add_row(label, f"{row['precision']:.3f}", f"{row['recall']:.3f}", f"{row['f1-score']:.3f}",
                          str(int(row["support"])))
    console.print(per_class)
    summary: dict[str, Any] = {"rows": result["rows"], "accuracy": result["topic"]["accuracy"],
                               "macro-F1": result["topic"]["macro_f1"], "ECE": result["topic"]["ece"]}
    summary.update(result["abstain"])
    if "urgency" in result:
        summary["urgency accuracy"] = result["urgency"]["accuracy"]
    console.print(_summary_table(f"model {result['model_version']} on {result['data']}", summary))
    if json_out:
        json_out.parent.mkdir(parents=True, exist_ok=True)
        json_out.write_text(json.dumps(result, indent=2) + "\n")
    if plots:
        for path in write_plots(result, plots):
            console.print(f"wrote {path}")
    typer.echo(json.dumps({k: v for k, v in summary.items()}))


@app.command("build-index")
def build_index_command(
    out: Annotated[Path, typer.Option("--out", help="Index directory to write (replaced atomically).")],
    cases: Annotated[Path | None, typer.Option(help="Resolved cases (CSV/JSONL/JSON).")] = None,
    articles: Annotated[Path | None, typer.Option(help="Knowledge-base articles (CSV/JSONL/JSON).")] = None,
    id_field: Annotated[str, typer.Option(help="Case id field.")] = "id",
    text_field: TextField = None,
    subject_field: Annotated[str, typer.Option(help="Case subject field.")] = "subject",
    body_field: Annotated[str, typer.Option(help="Case body field.")] = "body",
    resolution_field: Annotated[str, typer.Option(help="Field with the agent's reply.")] = "resolution",
    topic_field: Annotated[str, typer.Option(help="Case topic field.")] = "topic",
    tenant_field: Annotated[str, typer.Option(help="Tenant/brand field used by filters.")] = "tenant",
    index_type: Annotated[str, typer.Option(help="auto, flat, hnsw or ivf.")] = "auto",
    dedup_threshold: Annotated[float, typer.Option(help="Collapse cases more similar than this (1 = off).")] = 0.95,
) -> None:
    """Embed cases and articles into a FAISS + BM25 index directory with a manifest."""
    from index.api import build_index

    settings = Settings()
    configure_logging(settings.log_level, json_lines=False)
    try:
        manifest = build_index(
            cases_path=cases, articles_path=articles, out_dir=out, embedder=_embedder(settings), id_field=id_field,
            case_text_field=text_field, subject_field=subject_field, body_field=body_field,
            resolution_field=resolution_field, topic_field=topic_field, tenant_field=tenant_field,
            index_type=index_type, dedup_threshold=None if dedup_threshold >= 1 else dedup_threshold,
            overwrite=True, show_progress=True)
    except DeskmateError as exc:
        raise _fail(exc) from exc
    console.print(_summary_table(f"index written to {out}", {
        "version": manifest.version, "cases": manifest.counts.get("cases", 0),
        "articles": manifest.counts.get("articles", 0), "passages": manifest.counts.get("passages", 0),
        "index type": manifest.case_index.kind, "embedder": manifest.embedder_id}))


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="Query text.")],
    index_dir: Annotated[Path, typer.Option("--index", help="Index directory.")],
    k: Annotated[int, typer.Option(help="Cases to show.")] = 5,
    k_articles: Annotated[int, typer.Option(help="Articles to show.")] = 3,
    mode: Annotated[str | None, typer.Option(help="dense, lexical or hybrid (default: the index's).")] = None,
    language: Annotated[str | None, typer.Option(help="Only this language.")] = None,
    topic: Annotated[str | None, typer.Option(help="Only cases of this topic.")] = None,
) -> None:
    """Print the top similar cases and article passages for a query."""
    from index.api import search as search_index

    settings = Settings()
    configure_logging("WARNING", json_lines=False)
    try:
        results = search_index(index_dir=index_dir, query=query, embedder=_embedder(settings), k_cases=k,
                               k_articles=k_articles, mode=mode, language=language, topic=topic)
    except DeskmateError as exc:
        raise _fail(exc) from exc
    table = Table(title=f"cases ({results.mode}, index {results.index_version})")
    for column in ("score", "id", "topic", "text", "resolution"):
        table.add_column(column)
    for hit in results.cases:
        table.add_row(f"{hit.score:.3f}", hit.id, hit.topic or "", hit.snippet[:80], hit.resolution_excerpt[:80])
    console.print(table)
    articles = Table(title="articles")
    for column in ("score", "id", "title", "passage"):
        articles.add_column(column)
    for art in results.articles:
        articles.add_row(f"{art.score:.3f}", art.id, art.title, art.passage[:100])
    console.print(articles)
    typer.echo(json.dumps(results.to_dict(), ensure_ascii=False))


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Bind address (default: settings).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default: settings).")] = None,
) -> None:
    """Start the HTTP service with the models configured in settings."""
    import uvicorn

    from service.app import create_app

    settings = Settings()
    configure_logging(settings.log_level, json_lines=settings.log_json)
    uvicorn.run(create_app(settings), host=host or settings.host, port=port or settings.port,
                log_config=None, access_log=False)


@app.command()
def demo(
    host: Annotated[str | None, typer.Option(help="Bind address (default: settings).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default: settings).")] = None,
    retrain: Annotated[bool, typer.Option(help="Retrain even if a model for the demo data exists.")] = False,
) -> None:
    """Train on the shipped demo data if needed (reusing earlier artifacts), then serve."""
    from models.routing_model import read_manifest
    from models.training import TrainOptions, file_sha256, train_from_file

    settings = Settings()
    configure_logging(settings.log_level, json_lines=False)
    model_dir = settings.resolved_model_dir
    try:
        current = read_manifest(model_dir).get("data", {}).get("sha256")
    except DeskmateError:
        current = None
    embedder = _embedder(settings)
    if retrain or current != file_sha256(DEMO_TICKETS):
        console.print(f"training the demo model into {model_dir} (first run only)…")
        train_from_file(data=DEMO_TICKETS, out_dir=model_dir, embedder=embedder,
                        options=TrainOptions(oos_label=settings.oos_label, batch_size=settings.embedder.batch_size),
                        command="deskmate demo", show_progress=True)
    else:
        console.print(f"reusing the demo model in {model_dir}")
    _ensure_demo_index(settings, embedder, rebuild=retrain)
    serve(host=host, port=port)


def _ensure_demo_index(settings: Settings, embedder: Embedder, *, rebuild: bool) -> None:
    """Build the demo index (resolved demo tickets + articles) unless one for the same files exists."""
    from index.api import build_index
    from models.training import file_sha256

    index_dir = settings.resolved_index_dir
    marker = index_dir.parent / f"{index_dir.name}.source.json"
    source = {"tickets": file_sha256(DEMO_TICKETS), "articles": file_sha256(DEMO_ARTICLES),
              "embedder": embedder.model_id}
    fresh = marker.is_file() and (index_dir / "manifest.json").is_file() and json.loads(marker.read_text()) == source
    if fresh and not rebuild:
        console.print(f"reusing the demo index in {index_dir}")
        return
    console.print(f"building the demo index into {index_dir} (first run only)…")
    build_index(cases_path=DEMO_TICKETS, articles_path=DEMO_ARTICLES, out_dir=index_dir, embedder=embedder,
                overwrite=True, show_progress=True)
    marker.write_text(json.dumps(source))


@app.command("export-onnx")
def export_onnx_command(
    out: Annotated[Path, typer.Option("--out", help="Directory to write (model.onnx, tokenizer, manifest).")],
    source: Annotated[str | None, typer.Option(help="sentence-transformers model (default: settings).")] = None,
    quantize: Annotated[bool, typer.Option(help="Dynamic int8 quantization of the weights.")] = True,
) -> None:
    """Export the embedder to ONNX for the `onnx` backend (DESKMATE_EMBEDDER__BACKEND=onnx, MODEL=<dir>)."""
    from models.onnx_embedder import export_onnx

    settings = Settings()
    configure_logging(settings.log_level, json_lines=False)
    manifest = export_onnx(out_dir=out, source=source or settings.embedder.model, quantize=quantize,
                           max_seq_length=settings.embedder.max_seq_length)
    console.print(_summary_table(f"ONNX embedder written to {out}", {k: v for k, v in manifest.items()
                                                                     if isinstance(v, str | int)}))


@app.command("evaluate-suggest")
def evaluate_suggest_command(
    ctx: typer.Context,
    data: Annotated[Path, typer.Option(help="Bitext-style CSV (instruction, intent, response).")] = (
        REPO_ROOT.parent / "shared" / "data" / "bitext" / "bitext_cs_4514.csv"),
    seed: Annotated[int, typer.Option(help="Seed of the grouped split and the samples.")] = 13,
    max_cases: Annotated[int, typer.Option(help="Resolved cases to index.")] = 6000,
    max_queries: Annotated[int, typer.Option(help="Held-out queries to draft for.")] = 400,
    channel: Annotated[str, typer.Option(help="Channel style of the drafts.")] = "email",
    json_out: Annotated[Path | None, typer.Option("--json", help="Write the metrics here.")] = None,
) -> None:
    """Cited-right-intent and draft-to-reference similarity of the default drafter vs the verbatim baseline."""
    from models.drafting.evaluation import evaluate_suggest

    settings = Settings()
    configure_logging("WARNING", json_lines=False)
    try:
        metrics = evaluate_suggest(data=data, embedder=_embedder(settings), phrasebook=settings.drafting.phrasebook,
                                   seed=seed, max_cases=max_cases, max_queries=max_queries, channel=channel,
                                   show_progress=True)
    except DeskmateError as exc:
        raise _fail(exc) from exc
    metrics["command"] = _command_line(ctx)
    console.print(_summary_table("suggested replies", metrics))
    if json_out is not None:
        json_out.parent.mkdir(parents=True, exist_ok=True)
        json_out.write_text(json.dumps(metrics, indent=2))
    typer.echo(json.dumps(metrics))


@app.command("generate-demo-data")
def generate_demo_data(
    out: Annotated[Path, typer.Option(help="Output folder.")] = DEMO_TICKETS.parent,
    tickets: Annotated[int, typer.Option(help="Number of tickets.")] = 2400,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 7,
) -> None:
    """Regenerate the fictional Orbitly demo tickets and knowledge-base articles."""
    from scripts.generate_demo_data import generate

    counts = generate(out_dir=out, n_tickets=tickets, seed=seed)
    console.print(_summary_table(f"demo data written to {out}", dict(counts)))


if __name__ == "__main__":
    app()
