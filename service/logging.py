"""JSON-lines logging for the service: one object per line, with any `extra=` fields included.

Every line passes `RedactingFilter` first: the message, string `extra=` values (also inside lists and dicts) and
formatted tracebacks go through the regex redactor (models/pii.py, no NER), so a log line never carries an
email, phone, card, IBAN or another kind the detectors know, whoever logged it (uvicorn's lines too).
"""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from models.pii import Redactor

_RESERVED = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None)).keys()) | {"message", "asctime"}
# Fields whose values never hold text from a request (numbers and names the code chose).
_NOT_TEXT = frozenset({"level", "logger", "ms", "status", "method", "request_id"})
# URLs and paths ("/v1/tickets/415-555-0199/resolution"): each segment is redacted on its own as well, since an id
# in a path has no context words around it and is glued to slashes.
_PATH_LIKE = re.compile(r"[^\s\"'<>]*/[^\s\"'<>]*")
_PATH_SEPARATORS = re.compile(r"([/?&=#;,])")
_CACHED_CHARS = 256


def _extra_fields(record: logging.LogRecord) -> list[str]:
    return [k for k in record.__dict__ if k not in _RESERVED and not k.startswith("_")]


class RedactingFilter(logging.Filter):
    """Redacts personal data in a record before any handler formats it (see the module docstring).

    Attach it to a handler (a logger's own filters do not see records propagated from its children). It never
    drops a record. The formatted message replaces `msg`/`args`, so a `%s` argument is redacted as well.
    """

    def __init__(self, redactor: Redactor | None = None, *, cache_size: int = 4096) -> None:
        super().__init__()
        self.redactor = redactor if redactor is not None else Redactor(enabled=True, names=False)
        # Log values repeat (messages, paths, key names): short ones are redacted once per process.
        self._cached = lru_cache(maxsize=cache_size)(self._redact)

    def redact(self, text: str) -> str:
        """`text` redacted, and each segment of the paths and URLs in it redacted on its own."""
        return self._cached(text) if len(text) <= _CACHED_CHARS else self._redact(text)

    def _redact(self, text: str) -> str:
        if "/" in text and _PATH_LIKE.fullmatch(text):  # a bare path or URL: segment by segment is enough
            return self._redact_segments(text)
        text = self.redactor.redact(text)
        if "/" not in text:
            return text
        return _PATH_LIKE.sub(lambda m: self._redact_segments(m.group(0)), text)

    def _redact_segments(self, path: str) -> str:
        parts = _PATH_SEPARATORS.split(path)  # segments repeat ("v1", "tickets"): each goes through the cache
        return "".join(part if i % 2 or not part else self.redact(part) for i, part in enumerate(parts))

    def filter(self, record: logging.LogRecord) -> bool:
        redact = self.redact
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a malformed %-format: log what was given, redacted
            message = f"{record.msg} {record.args}"
        record.msg, record.args = redact(message), None
        for key in _extra_fields(record):
            value = record.__dict__[key]
            if isinstance(value, str):
                if key not in _NOT_TEXT:
                    record.__dict__[key] = redact(value)
            elif isinstance(value, list | tuple | dict):
                record.__dict__[key] = _redact_values(value, redact)
        if record.exc_info and not record.exc_text:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


def _redact_values(value: Any, redact: Callable[[str], str]) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {key: _redact_values(item, redact) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_redact_values(item, redact) for item in value)
    return value


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        for key in _extra_fields(record):
            payload[key] = record.__dict__[key]
        if record.exc_text:  # set (redacted) by RedactingFilter
            payload["exc"] = record.exc_text
        elif record.exc_info:
            payload["exc"] = self.formatException(record.exc_info)
        return json.dumps(payload, default=str, ensure_ascii=False)


def configure_logging(level: str = "INFO", *, json_lines: bool = True, redact: bool = True) -> None:
    """Route every logger (uvicorn's too) through one stderr handler that redacts personal data first."""
    handler = logging.StreamHandler(sys.stderr)
    if json_lines:
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    if redact:
        handler.addFilter(RedactingFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        uv = logging.getLogger(name)
        uv.handlers[:] = []
        uv.propagate = True
    logging.getLogger("uvicorn.access").disabled = True  # the request middleware logs each request
