"""LLM drafting over any OpenAI-compatible chat-completions server (vLLM, Ollama, llama.cpp server, hosted APIs).

`OpenAIChatClient` speaks the protocol with httpx (JSON, or server-sent events with `stream: true`).
`LLMDrafter` builds the prompt (models/drafting/prompts.py), checks the answer's citations against the
numbered sources (unknown ones are dropped and flagged; promises no source backs are removed), reviews it like
the default drafter's sources (models/drafting/llm_review.py: actions become `agent_actions`, details the ticket
does not state become placeholders), and falls back to the default drafter on timeouts and errors. `stream`
buffers the model's answer and sends only the reviewed draft's text, in pieces.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Protocol

import httpx

from models.drafting.llm_review import PROMISE, review
from models.drafting.phrasebook import PhraseBook
from models.drafting.prompts import build_prompt
from models.drafting.types import Draft, DraftingError, DraftRequest, Sentence, Source, SourceKind, citations_for

_CITE = re.compile(r"\s*\[(\d+(?:\s*,\s*\d+)*)\]")
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=\S)")
_PIECE_END = re.compile(r"[.!?…]+\s+|\n\s*\n\s*")  # a streamed piece ends after one of these
NO_CITATION_WARNING = "the draft cites no source: review carefully"


class LLMError(DraftingError):
    """The model server failed, timed out or answered something that is not a chat completion."""

    code = "llm_failed"


class ChatBackend(Protocol):
    """Something that completes a chat: an HTTP client or a local model."""

    @property
    def name(self) -> str: ...

    def complete(self, messages: list[dict[str, str]], *, max_tokens: int) -> str: ...

    def stream(self, messages: list[dict[str, str]], *, max_tokens: int) -> Iterator[str]: ...


class OpenAIChatClient:
    """POST {base_url}/chat/completions. `timeout` bounds the whole call (connect, first token and stream)."""

    def __init__(self, base_url: str, model: str, *, api_key: str | None = None, timeout: float = 20.0,
                 transport: httpx.BaseTransport | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.model = model
        self.timeout = timeout
        headers = {"authorization": f"Bearer {api_key}"} if api_key else {}
        self._client = httpx.Client(base_url=self.base_url, headers=headers, timeout=httpx.Timeout(timeout),
                                    transport=transport)

    @property
    def name(self) -> str:
        return f"llm:{self.model}"

    def close(self) -> None:
        self._client.close()

    def _body(self, messages: list[dict[str, str]], max_tokens: int, stream: bool) -> dict[str, Any]:
        return {"model": self.model, "messages": messages, "max_tokens": max_tokens, "temperature": 0.0,
                "stream": stream}

    @contextmanager
    def _errors(self, malformed: str) -> Iterator[None]:
        """Every transport or format failure becomes one LLMError (the caller falls back on it)."""
        try:
            yield
        except httpx.TimeoutException as exc:
            raise LLMError(f"timeout after {self.timeout:g}s") from exc
        except httpx.HTTPStatusError as exc:
            raise LLMError(f"server answered {exc.response.status_code}") from exc
        except httpx.HTTPError as exc:
            raise LLMError(f"request failed: {type(exc).__name__}") from exc
        except (ValueError, KeyError, IndexError, TypeError) as exc:
            raise LLMError(malformed) from exc

    def complete(self, messages: list[dict[str, str]], *, max_tokens: int) -> str:
        with self._errors("the answer is not a chat completion"):
            response = self._client.post("/chat/completions", json=self._body(messages, max_tokens, False))
            response.raise_for_status()
            content = response.json()["choices"][0]["message"]["content"]
        if not isinstance(content, str):
            raise LLMError("the answer has no text content")
        return content

    def stream(self, messages: list[dict[str, str]], *, max_tokens: int) -> Iterator[str]:
        deadline = time.monotonic() + self.timeout
        body = self._body(messages, max_tokens, True)
        with (self._errors("the stream is not chat-completion chunks"),
              self._client.stream("POST", "/chat/completions", json=body) as response):
            response.raise_for_status()
            for line in response.iter_lines():
                if time.monotonic() > deadline:
                    raise LLMError(f"timeout after {self.timeout:g}s")
                if not line.startswith("data:"):
                    continue
                data = line[5:].strip()
                if data == "[DONE]":
                    return
                chunk = json.loads(data)
                if "error" in chunk:
                    raise LLMError(f"server error: {chunk['error']}")
                delta = chunk["choices"][0].get("delta", {}).get("content")
                if delta:
                    yield delta


def check_citations(text: str, sources: list[Source]) -> tuple[list[Sentence], list[str]]:
    """Sentences with the sources they cite; citations to no provided source are dropped and flagged, and
    sentences promising what no source says (refunds, credits...) are removed and flagged, cited or not."""
    warnings: list[str] = []
    evidence = " ".join(s.text for s in sources)
    sentences: list[Sentence] = []
    for raw in (part for line in text.strip().splitlines() for part in _SENTENCE_END.split(line.strip())):
        cited: list[str] = []
        for match in _CITE.finditer(raw):
            for number in (int(n) for n in match.group(1).split(",")):
                if 1 <= number <= len(sources):
                    if sources[number - 1].id not in cited:
                        cited.append(sources[number - 1].id)
                else:
                    warnings.append(f"dropped citation [{number}]: no such source")
        clean = _CITE.sub("", raw).strip()
        if not clean:
            continue
        promise = PROMISE.search(clean)
        if promise and not re.search(rf"\b{re.escape(promise.group(0))}", evidence, re.IGNORECASE):
            warnings.append(f"removed an unsupported promise: {clean[:80]!r}")
            continue
        sentences.append(Sentence(text=clean, sources=tuple(cited)))
    if sentences and not any(s.sources for s in sentences):
        warnings.append(NO_CITATION_WARNING)
    return sentences, warnings


def _join(sentences: list[Sentence]) -> str:
    return " ".join(s.text for s in sentences)


class LLMDrafter:
    """Drafts with a chat backend; falls back to `fallback` (the default drafter) when the backend fails.
    Placeholders the review writes come from `book` (default: the fallback's phrase book, if it has one)."""

    def __init__(self, backend: ChatBackend, *, fallback: Any, max_tokens: int = 400,
                 book: PhraseBook | None = None) -> None:
        self.backend = backend
        self.fallback = fallback
        self.max_tokens = max_tokens
        self.book: PhraseBook | None = book if book is not None else getattr(fallback, "book", None)

    @property
    def name(self) -> str:
        return self.backend.name

    def _placeholders(self, language: str) -> dict[str, str]:
        if self.book is None or not self.book.supports(language):
            return {}
        return {kind: text for text, kind in self.book.placeholder_kinds(language).items()}

    def _finish(self, text: str, request: DraftRequest, sources: list[Source], notes: tuple[str, ...] = ()) -> Draft:
        sentences, warnings = check_citations(text, sources)
        if not sentences:
            raise LLMError("the model returned no usable text")
        kinds: dict[str, SourceKind] = {s.id: s.kind for s in sources}
        cited = [s for s in sentences if s.sources]
        top = max((s.score for s in sources), default=0.0)
        confidence = max(0.0, min(1.0, top)) * (len(cited) / len(sentences))
        draft = Draft(text=_join(sentences), sentences=sentences, citations=citations_for(sentences, kinds),
                      language=request.language, tone="neutral", drafter=self.name, confidence=round(confidence, 4),
                      warnings=[*notes, *warnings])
        reviewed = review(draft, request, placeholders=self._placeholders(request.language),
                          roles=getattr(self.fallback, "roles", None))  # the composer's learned role model
        if not reviewed.sentences:
            raise LLMError("nothing usable was left after the review")
        return reviewed

    def _fallback(self, request: DraftRequest, reason: str) -> Draft:
        draft: Draft = self.fallback.draft(request)
        draft.warnings.insert(0, f"llm drafter failed ({reason}); used the {draft.drafter} drafter")
        return draft

    def _unchecked_language(self, request: DraftRequest) -> bool:
        """Whether the review cannot check a draft in the customer's language (its rules and the phrase book cover
        the composed languages only): the fallback then answers (a hand-off in Italian, never Spanish)."""
        return self.book is not None and not self.book.supports((request.language or "").strip().lower())

    def draft(self, request: DraftRequest) -> Draft:
        if self._unchecked_language(request):
            return self._fallback(request, f"the customer's language ({request.language}) is not reviewed")
        prompt = build_prompt(request)
        try:
            text = self.backend.complete(prompt.messages, max_tokens=self.max_tokens)
            return self._finish(text, request, prompt.sources, prompt.warnings)
        except LLMError as exc:
            return self._fallback(request, str(exc))

    def stream(self, request: DraftRequest) -> Iterator[str | Draft]:
        """Pieces of the REVIEWED draft's text (sentence by sentence; joined they are exactly `Draft.text`), then
        the `Draft`. The model's own output is buffered and never leaves: a piece of it could carry an invalid
        citation, an unsupported promise, another customer's details or an action asserted as done, which only
        the review of the whole answer removes. On failure the fallback's draft is sent the same way."""
        if self._unchecked_language(request):
            draft = self._fallback(request, f"the customer's language ({request.language}) is not reviewed")
            yield from text_pieces(draft.text)
            yield draft
            return
        prompt = build_prompt(request)
        try:
            text = "".join(self.backend.stream(prompt.messages, max_tokens=self.max_tokens))
            draft = self._finish(text, request, prompt.sources, prompt.warnings)
        except LLMError as exc:
            draft = self._fallback(request, str(exc))
        yield from text_pieces(draft.text)
        yield draft


def text_pieces(text: str) -> Iterator[str]:
    """`text` in pieces, each ending after a sentence end or a paragraph break (with the whitespace that follows);
    the pieces concatenate to `text` exactly."""
    start = 0
    for match in _PIECE_END.finditer(text):
        yield text[start:match.end()]
        start = match.end()
    if start < len(text):
        yield text[start:]
