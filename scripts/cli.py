"""`deskmate` command line: thin typer commands over plain functions in models/, index/ and service/."""

from __future__ import annotations

import json
import logging
import os
import shlex
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from models.classifier import HeadConfig
from models.data import FieldMapping
from models.embedding.base import Embedder
from models.embedding.use_tokenizer import USE_MODEL_ID
from models.errors import DeskmateError
from models.registry import ModelRegistry
from scripts.cold_start import train_topics_command
from scripts.desks import app as desks_app
from scripts.erase import erase_command
from scripts.eval_set import app as eval_set_app
from scripts.export_use_onnx import export_use_onnx_command
from scripts.feedback import db_upgrade_command, export_feedback_command
from scripts.fit_retrieval import fit_retrieval_command
from scripts.jobs import app as jobs_app
from scripts.jobs import worker_command
from scripts.keys import app as keys_app
from scripts.label_queue import label_queue_command
from scripts.labels import new_label_report
from scripts.language_eval import evaluate_languages_command
from scripts.redact import redact_existing_command
from scripts.roles import train_roles_command
from scripts.snapshot import index_snapshot_command
from scripts.zendesk_app import app as zendesk_app
from service.components import build_cross_lingual_embedder, build_embedder
from service.logging import configure_logging
from service.settings import REPO_ROOT, Settings

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Deskmate: help-desk routing and replies.")
console = Console(stderr=True)
logger = logging.getLogger("deskmate.cli")

DEMO_TICKETS = REPO_ROOT / "data" / "demo" / "tickets.jsonl"
DEMO_ARTICLES = REPO_ROOT / "data" / "demo" / "articles.jsonl"

DataOpt = Annotated[list[Path], typer.Option("--data", help="CSV, JSONL or JSON file with labelled rows (repeatable).")]
TextField = Annotated[str | None, typer.Option(help="Field with the whole text (else --subject-field + --body-field).")]
RedactTrainingOpt = Annotated[bool, typer.Option(
    help="Redact personal data (names, e-mails, phones, cards, ids: the PII settings, as the index does) in the "
         "training texts first; recorded in the manifest. --no-redact only for data that holds none.")]
SubjectField = Annotated[str | None, typer.Option(help="Subject field (dotted paths reach into JSON objects).")]
BodyField = Annotated[str | None, typer.Option(help="Body field.")]
TopicField = Annotated[str, typer.Option(help="Topic label field.")]
UrgencyField = Annotated[str | None, typer.Option(help="Urgency label field; pass '' for none.")]
OosLabel = Annotated[str | None, typer.Option(help="Topic value marking out-of-scope rows (default: settings).")]


def _embedder(settings: Settings) -> Embedder:
    return build_embedder(settings)


def _mapping(text_field: str | None, subject_field: str | None, body_field: str | None, topic_field: str,
             urgency_field: str | None) -> FieldMapping:
    return FieldMapping(text=text_field or None, subject=subject_field or None, body=body_field or None,
                        topic=topic_field, urgency=urgency_field or None)


def _named_fields(ctx: typer.Context) -> tuple[str, ...]:
    """The field flags given on the command line (a field named by a flag must exist in the data)."""
    names = {"text_field": "text", "subject_field": "subject", "body_field": "body", "topic_field": "topic",
             "urgency_field": "urgency"}
    return tuple(field for param, field in names.items()  # typer may vendor click: compare the source's name
                 if getattr(ctx.get_parameter_source(param), "name", None) == "COMMANDLINE" and ctx.params.get(param))


def _training_notes(metrics: dict[str, Any], urgency_field: str | None) -> None:
    """Say what training decided by itself: the background set tuned the abstain rule; no urgency head."""
    background = metrics.get("background")
    if background:
        console.print(f"[yellow]note:[/yellow] {escape(background['note'])}; it catches "
                      f"{background['heldout_caught']:.1%} of the set's {background['heldout_rows']} held-out "
                      f"requests (in-scope validation reject rate {background['validation_false_reject']:.1%})")
    if urgency_field and "urgency" not in metrics.get("validation", {}):
        console.print(f"[yellow]note:[/yellow] no urgency labels in field {urgency_field!r}: no urgency head; the "
                      "routing policy's default urgency applies (pass --urgency-field '' to say so)")


def _aux_embedders(given: list[str] | None) -> tuple[str, ...]:
    from models.training import DEFAULT_AUX_EMBEDDER

    if not given:
        return (DEFAULT_AUX_EMBEDDER,)
    return tuple(name for name in given if name.lower() != "none")


def _fail(exc: Exception) -> typer.Exit:
    console.print(f"[red]error:[/red] {escape(str(exc))}")  # messages may hold brackets (extras, paths)
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
        help="Extra embedder joined to the features (repeatable); default: multilingual USE; 'none' for none; "
             "'<id>+skip-en' computes it only for tickets not detected as English (zeros for those).")] = None,
    max_false_reject: Annotated[float, typer.Option(help="Out-of-scope threshold's in-scope reject budget.")] = 0.03,
    target_accuracy: Annotated[float, typer.Option(help="Accuracy accepted rows must reach.")] = 0.9,
    cache_dir: Annotated[Path | None, typer.Option(help="Reuse embeddings of identical inputs across runs.")] = None,
    refit: Annotated[bool, typer.Option(help="Refit heads on train+validation after tuning.")] = True,
    group_threshold: Annotated[float, typer.Option(
        help="Cosine above which same-label rows stay on one side of the validation split.")] = 0.9,
    background: Annotated[bool, typer.Option(
        help="Without out-of-scope rows, tune the abstain rule on the built-in off-topic background set.")] = True,
    segment_head: Annotated[bool, typer.Option(
        help="Fit the segment head: topic support of lone sentences, for tickets with several issues.")] = True,
    redact: RedactTrainingOpt = True,
) -> None:
    """Train topic (and urgency) heads, calibrate, tune the abstain rule, write a model directory."""
    from models.routing_policy import RoutingPolicy
    from models.training import TrainOptions, train_from_file
    from service.privacy import training_redactor

    settings = Settings()
    configure_logging(settings.log_level, json_lines=False)
    if estimator not in ("logreg", "linear_svm", "mlp"):
        raise _fail(ValueError("--estimator must be logreg, linear_svm or mlp"))
    options = TrainOptions(
        oos_label=oos_label or settings.oos_label, val_size=val_size, test_size=test_size, seed=seed,
        head=HeadConfig(estimator=estimator, C=c, tfidf=tfidf, seed=seed),  # type: ignore[arg-type]
        aux_embedders=_aux_embedders(aux_embedder), max_false_reject=max_false_reject, target_accuracy=target_accuracy,
        batch_size=settings.embedder.batch_size, cache_dir=cache_dir, refit=refit,
        group_threshold=group_threshold, background=background, segment_head=segment_head,
    )
    command = _command_line(ctx)
    try:
        policy = RoutingPolicy.from_yaml(settings.routing_rules)
        redactor, redaction = training_redactor(settings, enabled=redact)
        with console.status("training…"):
            path, metrics = train_from_file(
                data=list(data), out_dir=out, embedder=_embedder(settings),
                mapping=_mapping(text_field, subject_field, body_field, topic_field, urgency_field),
                options=options, command=command, show_progress=True, policy=policy,
                named_fields=_named_fields(ctx), redact=redactor, redaction=redaction)
    except DeskmateError as exc:
        raise _fail(exc) from exc
    _training_notes(metrics, urgency_field)
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
    from models.routing_heads import RoutingModel

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
    redact: Annotated[bool, typer.Option(
        help="Redact personal data in cases (text, resolution, metadata, names in metadata; ids holding personal "
             "data become keyed hashes) before embedding; recorded in the manifest. --no-redact only for data "
             "that holds none.")] = True,
    redact_articles: Annotated[bool, typer.Option(
        help="Also redact articles (off: the knowledge base is our own text, its contact details are meant to be "
             "shown).")] = False,
    fit_retrieval: Annotated[bool, typer.Option(
        help="Then fit the retrieval adapter on the new index's cases, gated (`deskmate fit-retrieval`).")] = False,
) -> None:
    """Embed cases and articles into a FAISS + BM25 index directory with a manifest."""
    from index.build import build_index
    from service.privacy import build_case_redactor

    settings = Settings()
    configure_logging(settings.log_level, json_lines=False)
    try:
        privacy = build_case_redactor(settings, articles=redact_articles) if redact or redact_articles else None
        manifest = build_index(
            redact_case=privacy if privacy is not None and redact else None,
            redact_article=privacy.article if privacy is not None and redact_articles else None,
            redaction=privacy.info() if privacy is not None else None,
            cases_path=cases, articles_path=articles, out_dir=out, embedder=_embedder(settings), id_field=id_field,
            case_text_field=text_field, subject_field=subject_field, body_field=body_field,
            resolution_field=resolution_field, topic_field=topic_field, tenant_field=tenant_field,
            index_type=index_type, dedup_threshold=None if dedup_threshold >= 1 else dedup_threshold,
            overwrite=True, show_progress=True, cross_lingual_embedder=build_cross_lingual_embedder(settings))
    except DeskmateError as exc:
        raise _fail(exc) from exc
    console.print(_summary_table(f"index written to {out}", {
        "version": manifest.version, "cases": manifest.counts.get("cases", 0),
        "articles": manifest.counts.get("articles", 0), "passages": manifest.counts.get("passages", 0),
        "index type": manifest.case_index.kind, "embedder": manifest.embedder_id,
        "redacted": "yes" if manifest.options.get("redaction") else "NO"}))
    if fit_retrieval:
        fit_retrieval_command(index_dir=out)


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
    from index.build import search as search_index

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
    workers: Annotated[int, typer.Option(min=1, max=64, help="Worker processes (N > 1: they follow the store's "
                                                             "change log; docs/scale-out.md).")] = 1,
) -> None:
    """Start the HTTP service with the models configured in settings (exporting the ONNX embedder on first run)."""
    import uvicorn

    from service.app import create_app

    settings = Settings()
    configure_logging(settings.log_level, json_lines=settings.log_json)
    _bootstrap_onnx_export(settings)
    if workers > 1:
        from scripts.serve_workers import serve_workers

        serve_workers(settings=settings, host=host or settings.host, port=port or settings.port, workers=workers)
        return
    # Past limit_concurrency connections and requests in progress, uvicorn answers 503 at once; idle keep-alive
    # connections close after keep_alive_seconds (slow request bodies: DESKMATE_API__BODY_TIMEOUT_SECONDS, 408).
    uvicorn.run(create_app(settings), host=host or settings.host, port=port or settings.port,
                log_config=None, access_log=False, limit_concurrency=settings.api.limit_concurrency,
                timeout_keep_alive=settings.api.keep_alive_seconds)


@app.command()
def demo(
    host: Annotated[str | None, typer.Option(help="Bind address (default: settings).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default: settings).")] = None,
    retrain: Annotated[bool, typer.Option(help="Retrain even if a model for the demo data exists.")] = False,
) -> None:
    """Train on the shipped demo data if needed (reusing earlier artifacts), then serve."""
    from models.routing_heads import read_manifest
    from models.training import TrainOptions, file_sha256, train_from_file

    settings = Settings()
    configure_logging(settings.log_level, json_lines=False)
    model_dir = settings.resolved_model_dir
    try:
        manifest = read_manifest(model_dir)
        # a model trained before training texts were redacted holds the demo's (made-up) personal data: retrained
        current = (manifest.get("data", {}).get("sha256"), manifest.get("embedder", {}).get("id"),
                   bool(manifest.get("redaction")))
    except DeskmateError:
        current = None
    _bootstrap_onnx_export(settings)
    embedder = _embedder(settings)
    embedder.load()
    promoted = ModelRegistry(settings.model_registry_dir).active_version() if settings.model_dir is None else None
    if promoted is not None:  # never retrain a registered version in place; `deskmate retrain` makes new ones
        console.print(f"serving the promoted model version {promoted} (use `deskmate retrain` to replace it)")
    elif retrain or current != (file_sha256(DEMO_TICKETS), embedder.model_id, True):
        console.print(f"training the demo model into {model_dir} (first run only)…")
        from service.privacy import training_redactor

        redactor, redaction = training_redactor(settings)  # the demo tickets hold (made-up) names, emails, phones
        train_from_file(data=DEMO_TICKETS, out_dir=model_dir, embedder=embedder,
                        options=TrainOptions(oos_label=settings.oos_label, batch_size=settings.embedder.batch_size),
                        command="deskmate demo", show_progress=True, redact=redactor, redaction=redaction)
    else:
        console.print(f"reusing the demo model in {model_dir}")
    _ensure_demo_index(settings, embedder, rebuild=retrain)
    _ensure_role_model(settings, retrain=retrain)
    _demo_key(settings)
    os.environ.setdefault("DESKMATE_API__DOCS", "true")  # the local demo shows /docs; `serve` keeps them off
    serve(host=host, port=port)


def _ensure_role_model(settings: Settings, *, retrain: bool) -> None:
    """Train the learned sentence-role model on our labelled sentences (`scripts.roles.ROLE_SETS`) unless one made
    from the same files exists (or learned roles are off)."""
    from models.routing_heads import make_aux_embedder
    from models.training import file_sha256
    from scripts.roles import BITEXT, ROLE_SETS, train_roles
    from service.components import configure_use

    if not settings.drafting.learned_roles:
        return
    directory = settings.resolved_role_model_dir
    try:
        manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
        files = [f["sha256"] for f in manifest["training"]["source"]["files"]]
    except (OSError, ValueError, KeyError, TypeError):
        files = None
    if files == [file_sha256(p) for p in ROLE_SETS] and not retrain:
        console.print(f"reusing the learned role model in {directory}")
        return
    console.print(f"training the learned role model into {directory} (first run only, about a minute)…")
    configure_use(settings)
    embedder = make_aux_embedder(USE_MODEL_ID)
    embedder.load()
    try:
        train_roles(data=ROLE_SETS, out=directory, embedder=embedder, bitext=BITEXT)
    except DeskmateError as exc:
        raise _fail(exc) from exc


def _demo_key(settings: Settings) -> None:
    """A fresh key for the demo (scopes route, agent, ingest, metrics), in <data_dir>/demo-key.txt (mode 0600);
    earlier demo keys are revoked. Nothing when auth is off."""
    import os

    from service.components import open_store
    from service.store.keys import create_key, list_keys, revoke_key

    if settings.auth.disabled:
        console.print("API keys are off (DESKMATE_AUTH__DISABLED=true): every endpoint is open")
        return
    store = open_store(settings)
    try:
        for old in list_keys(store):
            if old.name == "demo" and old.revoked_at is None:
                revoke_key(store, old.key_id)
        _, secret = create_key(store, name="demo", scopes=["route", "agent", "ingest", "metrics"])
    finally:
        store.close()
    path = settings.data_dir / "demo-key.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(secret + "\n")
    console.print(f"demo API key (scopes route, agent, ingest, metrics) in {path}: "
                  f"curl -H \"Authorization: Bearer $(cat {path})\" …")


def _bootstrap_onnx_export(settings: Settings) -> None:
    """First run of backend=onnx: export the configured model before the app starts (a build step; the service
    itself never exports), in a child process so that torch is not left loaded in the server. Exits with the
    reason when exporting needs torch and torch is not installed."""
    import subprocess
    import sys

    from models.embedding.export import has_export, require_export_packages

    target = settings.onnx_export_target()
    if target is None or has_export(target[0]):
        return
    directory, source = target
    try:
        require_export_packages(out_dir=directory, source=source)
    except DeskmateError as exc:
        raise _fail(exc) from exc
    console.print(f"no ONNX embedder export at {directory}: exporting {source} (first run only)…")
    command = ["export-onnx", "--out", str(directory), "--source", source, "--if-missing"]
    if subprocess.run([sys.executable, "-m", "scripts.cli", *command], check=False).returncode != 0:
        raise _fail(DeskmateError(f"exporting {source} to {directory} failed (see above); retry with "
                                  f"`deskmate {shlex.join(command)}`"))
    console.print(f"ONNX embedder exported to {directory}")


def _ensure_demo_index(settings: Settings, embedder: Embedder, *, rebuild: bool) -> None:
    """Build the demo index (resolved demo tickets + articles) unless one for the same files exists."""
    from index.build import build_index
    from models.atomic import atomic_write_json
    from models.training import file_sha256
    from service.privacy import build_case_redactor

    index_dir = settings.resolved_index_dir
    marker = index_dir.parent / f"{index_dir.name}.source.json"
    privacy = build_case_redactor(settings)  # the demo tickets hold (made-up) emails, phones and names
    source = {"tickets": file_sha256(DEMO_TICKETS), "articles": file_sha256(DEMO_ARTICLES),
              "embedder": embedder.model_id, "redaction": privacy.info(),
              "cross_lingual": settings.retrieval.cross_lingual_embedder}
    fresh = marker.is_file() and (index_dir / "manifest.json").is_file() and json.loads(marker.read_text()) == source
    if fresh and not rebuild:
        console.print(f"reusing the demo index in {index_dir}")
        return
    console.print(f"building the demo index into {index_dir} (first run only)…")
    build_index(cases_path=DEMO_TICKETS, articles_path=DEMO_ARTICLES, out_dir=index_dir, embedder=embedder,
                overwrite=True, show_progress=True, redact_case=privacy, redaction=privacy.info(),
                cross_lingual_embedder=build_cross_lingual_embedder(settings))
    atomic_write_json(marker, source)


@app.command("export-onnx")
def export_onnx_command(
    out: Annotated[Path | None, typer.Option(
        "--out", help="Directory to write (model.onnx, tokenizer, manifest); default: the one settings serve.")] = None,
    source: Annotated[str | None, typer.Option(help="sentence-transformers model (default: settings).")] = None,
    quantize: Annotated[bool, typer.Option(help="Dynamic int8 quantization of the weights.")] = True,
    if_missing: Annotated[bool, typer.Option(help="Keep an existing export instead of writing it again.")] = False,
) -> None:
    """Export the embedder to ONNX for the `onnx` backend (a build step; needs the `export` extra, i.e. torch).

    Without --out it writes the directory the service reads (DESKMATE_EMBEDDER__ONNX_DIR, default
    <data_dir>/onnx/<model>-int8); serve another one with DESKMATE_EMBEDDER__ONNX_DIR=<out>."""
    from models.embedding.export import ensure_onnx_export, export_onnx

    settings = Settings()
    configure_logging(settings.log_level, json_lines=False)
    out = out or settings.resolved_onnx_dir
    model = source or settings.embedder.model
    try:
        if if_missing:
            manifest = ensure_onnx_export(out_dir=out, source=model, quantize=quantize,
                                          max_seq_length=settings.embedder.max_seq_length)
        else:
            manifest = export_onnx(out_dir=out, source=model, quantize=quantize,
                                   max_seq_length=settings.embedder.max_seq_length)
    except DeskmateError as exc:
        raise _fail(exc) from exc
    if manifest is None:
        console.print(f"keeping the ONNX embedder export in {out}")
        return
    console.print(_summary_table(f"ONNX embedder written to {out}", {k: v for k, v in manifest.items()
                                                                     if isinstance(v, str | int)}))


@app.command("evaluate-suggest")
def evaluate_suggest_command(
    ctx: typer.Context,
    data: Annotated[Path, typer.Option(help="Bitext-style CSV (instruction, intent, response).")] = (
        REPO_ROOT.parent / "shared" / "data" / "bitext" / "bitext_cs_4514.csv"),
    corpus: Annotated[list[str] | None, typer.Option(
        help="Corpora to evaluate (repeatable): bitext, demo. Default: both.")] = None,
    split: Annotated[str, typer.Option(help="test (report) or validation (tune; never sees test groups).")] = "test",
    router: Annotated[str, typer.Option(
        help="Routing of the queries: linear (logistic regression on the indexed cases) or neighbours.")] = "linear",
    seed: Annotated[int, typer.Option(help="Seed of the grouped split and the samples.")] = 13,
    max_cases: Annotated[int, typer.Option(help="Resolved cases to index.")] = 6000,
    max_queries: Annotated[int, typer.Option(help="Held-out queries to draft for.")] = 400,
    channel: Annotated[str, typer.Option(help="Channel style of the Bitext drafts (demo: each ticket's own).")] = (
        "email"),
    agent_name: Annotated[str | None, typer.Option(
        help="Name in the sign-off, as a deployment configures it (default: DESKMATE_DRAFTING__AGENT_NAME; "
             "unset leaves the `\\[agent name]` placeholder in every draft).")] = None,
    json_out: Annotated[Path | None, typer.Option("--json", help="Write the metrics here.")] = None,
) -> None:
    """Drafts vs the verbatim nearest reply on grouped held-out splits of Bitext and the demo tickets: similarity
    (MiniLM cosine, ROUGE-L), unsupported actions, other customers' identifiers, topic agreement, ready to send."""
    from service.components import build_composer
    from service.draft_evaluation import comparison_rows, evaluate_demo, evaluate_suggest

    settings = Settings()
    configure_logging("WARNING", json_lines=False)
    wanted = corpus or ["bitext", "demo"]
    results: dict[str, Any] = {}
    try:
        embedder = _embedder(settings)
        drafter = build_composer(settings, agent_name=agent_name or settings.drafting.agent_name)
        for name in wanted:
            if name == "bitext":
                results[name] = evaluate_suggest(data=data, embedder=embedder, drafter=drafter, seed=seed,
                                                 max_cases=max_cases, max_queries=max_queries, channel=channel,
                                                 split=split, router=router, show_progress=True)
            elif name == "demo":
                results[name] = evaluate_demo(tickets=DEMO_TICKETS, articles=DEMO_ARTICLES,
                                              templates=DEMO_TICKETS.parent / "templates", embedder=embedder,
                                              drafter=drafter, seed=seed, max_queries=max_queries, split=split,
                                              router=router, show_progress=True)
            else:
                raise typer.BadParameter(f"unknown corpus {name!r} (bitext, demo)")
    except DeskmateError as exc:
        raise _fail(exc) from exc
    for name, metrics in results.items():
        table = Table(title=f"suggested replies: {name} ({metrics['split']}, {metrics['queries']} queries, "
                            f"{metrics['cases']} cases, {metrics['groups']} groups)")
        for column in ("metric", "draft", "verbatim nearest", "verbatim consensus"):
            table.add_column(column, justify="left" if column == "metric" else "right")
        for row in comparison_rows(metrics):
            table.add_row(*row)
        console.print(table)
    results["command"] = _command_line(ctx)
    if json_out is not None:
        json_out.parent.mkdir(parents=True, exist_ok=True)
        json_out.write_text(json.dumps(results, indent=2))
    typer.echo(json.dumps(results))


@app.command("generate-demo-data")
def generate_demo_data(
    out: Annotated[Path, typer.Option(help="Output folder.")] = DEMO_TICKETS.parent,
    tickets: Annotated[int, typer.Option(help="Number of tickets.")] = 4800,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 7,
    templates: Annotated[Path | None, typer.Option(
        help="Folder of the JSON text templates (default: data/demo/templates).")] = None,
) -> None:
    """Regenerate the fictional Orbitly demo tickets and knowledge-base articles."""
    from scripts.generate_demo_data import generate

    counts = generate(out_dir=out, n_tickets=tickets, seed=seed, templates=templates)
    console.print(_summary_table(f"demo data written to {out}", dict(counts)))


app.command("export-feedback")(export_feedback_command)
app.command("erase")(erase_command)
app.command("export-use-onnx")(export_use_onnx_command)
app.command("db-upgrade")(db_upgrade_command)
app.command("index-snapshot")(index_snapshot_command)
app.command("redact-existing")(redact_existing_command)
app.command("evaluate-languages")(evaluate_languages_command)
app.command("train-topics")(train_topics_command)
app.command("label-queue")(label_queue_command)
app.command("fit-retrieval")(fit_retrieval_command)
app.command("train-roles")(train_roles_command)
app.add_typer(keys_app, name="keys")
app.add_typer(eval_set_app, name="eval-set")
app.command("worker")(worker_command)
app.add_typer(jobs_app, name="jobs")
app.add_typer(zendesk_app, name="zendesk-app")
app.add_typer(desks_app, name="desks")


@app.command()
def report(
    ctx: typer.Context,
    model: Annotated[Path, typer.Option("--model", help="Model directory.")],
    data: DataOpt,
    out: Annotated[Path, typer.Option("--out", help="Folder for report.html and report.json.")],
    index_dir: Annotated[Path | None, typer.Option("--index", help="Index directory: adds the hit@k curve.")] = None,
    id_field: Annotated[str, typer.Option(help="Row id field; a query's own case is left out of its hits.")] = "id",
    text_field: TextField = None,
    subject_field: SubjectField = "subject",
    body_field: BodyField = "body",
    topic_field: TopicField = "topic",
    urgency_field: UrgencyField = "urgency",
    oos_label: OosLabel = None,
    baseline_json: Annotated[Path | None, typer.Option(
        help="Compare with this bench/quality.py JSON instead of training TF-IDF + LinearSVC on the data.")] = None,
    seed: Annotated[int, typer.Option(help="Seed of the baseline's train / held-out split.")] = 13,
) -> None:
    """Self-contained HTML evaluation report: metrics, plots, coverage curve, hit@k, per-class, baseline."""
    from index.retrieval_curve import IndexCurve
    from models.report import ReportOptions, build_report

    settings = Settings()
    configure_logging(settings.log_level, json_lines=False)
    try:
        embedder = _embedder(settings)
        with console.status("evaluating…"):
            result = build_report(
                model_dir=model, embedder=embedder, data=list(data), out_dir=out,
                mapping=_mapping(text_field, subject_field, body_field, topic_field, urgency_field),
                oos_label=oos_label, id_field=id_field, baseline_json=baseline_json,
                retrieval=None if index_dir is None else IndexCurve(index_dir=index_dir, embedder=embedder),
                options=ReportOptions(seed=seed, batch_size=settings.embedder.batch_size),
                command=_command_line(ctx), show_progress=True)
    except DeskmateError as exc:
        raise _fail(exc) from exc
    topic, abstain = result["evaluation"]["topic"], result["evaluation"]["abstain"]
    summary: dict[str, Any] = {"accuracy": topic["accuracy"], "macro-F1": topic["macro_f1"], "ECE": topic["ece"],
                               "false-reject rate": abstain["false_reject_rate"]}
    if result["data"]["oos_rows"]:
        summary["oos recall"] = abstain["oos_recall"]
    if "retrieval" in result:
        summary["hit@1"] = result["retrieval"]["hit_at_k"][0]
    console.print(_summary_table(f"report written to {out / 'report.html'}", summary))


ModelsDirOpt = Annotated[Path | None, typer.Option(
    "--models-dir", help="Model registry folder (default: <data_dir>/models).")]


def _registry(settings: Settings, models_dir: Path | None, keep: int = 5) -> ModelRegistry:
    if settings.model_dir is not None and models_dir is None:
        console.print(f"[yellow]note:[/yellow] DESKMATE_MODEL_DIR={settings.model_dir} pins the served model; "
                      "registry promotions do not change what the service serves until it is unset")
    return ModelRegistry(models_dir or settings.model_registry_dir, keep=keep)


def _fmt(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}"


@app.command("retrain")
def retrain_command(
    ctx: typer.Context,
    data: DataOpt,
    feedback: Annotated[list[Path] | None, typer.Option(
        "--feedback", help="Feedback export (JSONL from `deskmate export-feedback`; repeatable).")] = None,
    eval_data: Annotated[list[Path] | None, typer.Option(
        "--eval-data", help="Held-out file for the gate (repeatable); default: a split of the merged rows.")] = None,
    models_dir: ModelsDirOpt = None,
    text_field: TextField = None,
    subject_field: SubjectField = "subject",
    body_field: BodyField = "body",
    topic_field: TopicField = "topic",
    urgency_field: UrgencyField = "urgency",
    id_field: Annotated[str, typer.Option(help="Ticket id field (feedback for an id replaces its labels).")] = "id",
    oos_label: OosLabel = None,
    holdout: Annotated[float, typer.Option(help="Share of merged rows held out when no --eval-data.")] = 0.2,
    seed: Annotated[int, typer.Option(help="Seed of the held-out split.")] = 13,
    tolerance: Annotated[float, typer.Option(help="Largest allowed drop of a gated metric.")] = 0.01,
    oos_miss_weight: Annotated[float, typer.Option(
        help="In the gate's abstention cost, an out-of-scope ticket let through counts this many false rejects.")
    ] = 3.0,
    topic_max_drop: Annotated[float, typer.Option(
        help="Largest allowed drop of one topic's held-out recall (negative: no per-topic checks).")] = 0.10,
    topic_min_rows: Annotated[int, typer.Option(help="Per-topic checks only for topics with this many held-out "
                                                     "rows.")] = 10,
    frozen: Annotated[bool, typer.Option(
        help="Gate on the registry's frozen evaluation set (carved on first use); --no-frozen: a fresh split.")
    ] = True,
    keep: Annotated[int, typer.Option(help="Old versions kept besides the active one.")] = 5,
    dry_run: Annotated[bool, typer.Option(help="Train and evaluate, but do not promote.")] = False,
    cache_dir: Annotated[Path | None, typer.Option(help="Reuse embeddings of identical inputs across runs.")] = None,
    fit_retrieval: Annotated[bool, typer.Option(
        help="Then refit the retrieval adapter of --index on its resolved cases, gated on the same frozen "
             "evaluation set (hit@1 / hit@5 may not drop; docs/retrieval-learning.md).")] = False,
    index_dir: Annotated[Path | None, typer.Option(
        "--index", help="Index whose adapter --fit-retrieval refits (default: the served one).")] = None,
    redact: RedactTrainingOpt = True,
) -> None:
    """Retrain on base data + agent feedback; promote the candidate only if the held-out gate passes."""
    from models.retraining import retrain as run_retrain
    from models.routing_policy import RoutingPolicy
    from service.privacy import training_redactor

    settings = Settings()
    configure_logging(settings.log_level, json_lines=False)
    try:
        registry = _registry(settings, models_dir, keep)
        policy = RoutingPolicy.from_yaml(settings.routing_rules)
        redactor, redaction = training_redactor(settings, enabled=redact)
        with console.status("retraining…"):
            report = run_retrain(
                registry=registry, embedder=_embedder(settings), data=list(data), feedback=list(feedback or []),
                eval_data=list(eval_data or []), mapping=_mapping(text_field, subject_field, body_field, topic_field,
                                                                  urgency_field),
                id_field=id_field, oos_label=oos_label or settings.oos_label, holdout=holdout, seed=seed,
                tolerance=tolerance, oos_miss_weight=oos_miss_weight, dry_run=dry_run, cache_dir=cache_dir,
                batch_size=settings.embedder.batch_size, frozen=frozen, policy=policy,
                topic_max_drop=topic_max_drop if topic_max_drop >= 0 else None, topic_min_rows=topic_min_rows,
                named_fields=_named_fields(ctx), command=_command_line(ctx), show_progress=True,
                redact=redactor, redaction=redaction)
    except DeskmateError as exc:
        raise _fail(exc) from exc
    where = {"frozen": "frozen evaluation set", "file": "--eval-data", "split": "split"}[report.eval_source]
    gate_table = Table(title=f"held-out gate on the {where}: current {report.current_version or '-'} "
                             f"({report.current_basis}) vs candidate {report.candidate_version} "
                             f"({report.counts['eval_rows']} rows)")
    for column in ("metric", "current", "candidate", "change", "allowed drop", "pass"):
        gate_table.add_column(column, justify="left" if column == "metric" else "right")
    for check in report.checks:
        gate_table.add_row(check.metric, _fmt(check.current), _fmt(check.candidate), f"{check.change:+.4f}",
                           _fmt(check.allowed_drop), "[green]yes[/green]" if check.passed else "[red]NO[/red]")
    if not report.checks:
        gate_table.add_row("topic accuracy", "", _fmt(report.candidate_metrics["topic"]["accuracy"]), "", "", "")
    console.print(gate_table)
    per_class = Table(title="held-out F1 per topic")
    for column in ("topic", "current", "candidate", "change"):
        per_class.add_column(column, justify="left" if column == "topic" else "right")
    for label, (cur, cand) in report.per_class_f1().items():
        per_class.add_row(label, _fmt(cur), _fmt(cand), "" if cur is None else f"{cand - cur:+.4f}")
    console.print(per_class)
    colour = {"promoted": "green", "rejected": "red"}.get(report.decision, "yellow")
    console.print(f"[{colour}]{report.decision}[/{colour}]: {report.reason}")
    for note in report.notes:
        console.print(f"[yellow]note:[/yellow] {note}")
    console.print(f"report: {report.candidate_dir / 'retrain_report.md'}")
    if report.promoted:  # every process of the deployment reloads now (docs/scale-out.md)
        from service.changes.writes import log_model_change

        log_model_change(settings, version=report.candidate_version, action="promote")
    summary: dict[str, Any] = {"candidate": report.candidate_version, "current": report.current_version,
                               "decision": report.decision, "promoted": report.promoted}
    if fit_retrieval:  # the adapter has its own gate: it is refit whatever the classifier's decision
        summary["retrieval"] = _refit_retrieval(settings, index_dir or settings.resolved_index_dir,
                                                registry.root, frozen=frozen, seed=seed, dry_run=dry_run)
    typer.echo(json.dumps(summary))


def _refit_retrieval(settings: Settings, index_dir: Path, models_dir: Path, *, frozen: bool, seed: int,
                     dry_run: bool) -> dict[str, Any]:
    """`deskmate fit-retrieval` after a retrain: fit, gate on the registry's frozen set, activate if it passes."""
    from scripts.fit_retrieval import fit_retrieval as run_fit_retrieval
    from scripts.fit_retrieval import print_fit

    try:
        with console.status("refitting the retrieval adapter…"):
            result = run_fit_retrieval(settings=settings, index_dir=index_dir, models_dir=models_dir, frozen=frozen,
                                       seed=seed, dry_run=dry_run)
    except DeskmateError as exc:
        raise _fail(exc) from exc
    return print_fit(result, dry_run=dry_run, label="retrieval adapter: ")


@app.command()
def rollback(
    models_dir: ModelsDirOpt = None,
    reason: Annotated[str, typer.Option(help="Why (recorded in the registry's event log).")] = "manual rollback",
) -> None:
    """Re-activate the previous active model version (a running service reloads it by itself)."""
    settings = Settings()
    configure_logging(settings.log_level, json_lines=False)
    try:
        registry = _registry(settings, models_dir)
        previous = registry.active_version()
        version = registry.rollback(reason=reason)
    except DeskmateError as exc:
        raise _fail(exc) from exc
    from service.changes.writes import log_model_change

    log_model_change(settings, version=version, action="rollback")
    console.print(f"rolled back from {previous} to {version}; a running service picks it up within "
                  f"{settings.model_reload_seconds:g} s (or POST /v1/admin/model/reload)")
    typer.echo(json.dumps({"previous": previous, "active": version}))


@app.command()
def models(models_dir: ModelsDirOpt = None) -> None:
    """List registered model versions with their metrics; marks the active one and the rollback target; lists the
    labels requests brought as new (`new_label: true`) and whether the active model and policy know them now."""
    from models.retraining import read_report

    settings = Settings()
    configure_logging("WARNING", json_lines=False)
    try:
        registry = _registry(settings, models_dir)
        versions = registry.versions()
        active_dir = registry.active_dir()
    except DeskmateError as exc:
        raise _fail(exc) from exc
    table = Table(title=f"model versions in {registry.root}")
    for column in ("version", "state", "registered", "rows", "val acc", "val macro-F1", "held-out acc", "gate"):
        table.add_column(column, justify="right" if column in {"rows", "val acc", "val macro-F1", "held-out acc"}
                         else "left", no_wrap=column == "version",
                         min_width=max((len(v.version) for v in versions), default=7) if column == "version" else None)
    for entry in versions:
        state = "active" if entry.active else ("rollback target" if entry.rollback_target else "")
        report = read_report(entry.path) or {}
        held = (report.get("candidate") or {}).get("topic", {}).get("accuracy")
        table.add_row(entry.version, state, (entry.registered_at or "")[:19], str(entry.data_rows or ""),
                      _fmt(entry.metrics.get("topic_accuracy")), _fmt(entry.metrics.get("topic_macro_f1")),
                      _fmt(held), str(report.get("decision", "")))
    console.print(table)
    if registry.active_version() is None and active_dir is not None:
        console.print(f"no version promoted yet; the service serves the legacy directory {active_dir}")
    try:  # labels that requests brought as new (`new_label: true`), from the feedback store
        labels: list[dict[str, Any]] | None = new_label_report(settings=settings,
                                                               active_dir=settings.model_dir or active_dir)
    except DeskmateError as exc:
        console.print(f"[yellow]note:[/yellow] new labels not listed: {escape(str(exc))}")
        labels = None
    if labels:
        label_table = Table(title="new labels (accepted with new_label: true)")
        for column in ("kind", "label", "uses", "sources", "last seen", "known now"):
            label_table.add_column(column, justify="right" if column == "uses" else "left")
        for row in labels:
            known = {True: "yes", False: "no", None: "?"}[row["known_now"]]
            label_table.add_row(row["kind"], escape(row["label"]), str(row["uses"]), ", ".join(row["sources"]),
                                row["last_seen"], known)
        console.print(label_table)
    typer.echo(json.dumps({"active": registry.active_version(), "versions": [v.version for v in versions],
                           "new_labels": labels}))


if __name__ == "__main__":
    app()
