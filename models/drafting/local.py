"""A local chat model loaded with transformers (a model directory, or a .gguf file with the `gguf` package).

`TransformersChat` implements `ChatBackend`, so `LLMDrafter(TransformersChat(path), ...)` drafts with no
server at all, and `models.drafting.llm_server` can serve it over the OpenAI protocol. Greedy decoding.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from models.drafting.llm import LLMError
from models.errors import ArtifactError


class TransformersChat:
    def __init__(self, path: Path, *, threads: int | None = None) -> None:
        self.path = Path(path)
        self.threads = threads
        self._model: Any = None
        self._tokenizer: Any = None
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        return f"local:{self.path.stem if self.path.is_file() else self.path.name}"

    def load(self) -> None:
        with self._lock:
            if self._model is not None:
                return
            if not self.path.exists():
                raise ArtifactError(f"local model {self.path} does not exist")
            import torch
            from transformers import AutoModelForCausalLM, AutoTokenizer

            if self.threads:
                torch.set_num_threads(self.threads)
            if self.path.suffix == ".gguf":
                where, extra = str(self.path.parent), {"gguf_file": self.path.name}
            else:
                where, extra = str(self.path), {}
            try:
                self._tokenizer = AutoTokenizer.from_pretrained(where, **extra)
                self._model = AutoModelForCausalLM.from_pretrained(where, **extra)
            except (OSError, ValueError, ImportError) as exc:
                raise ArtifactError(f"cannot load local model {self.path}: {exc}") from exc
            self._model.eval()

    def _inputs(self, messages: list[dict[str, str]]) -> Any:
        self.load()
        return self._tokenizer.apply_chat_template(messages, add_generation_prompt=True, return_tensors="pt",
                                                   return_dict=True)

    def complete(self, messages: list[dict[str, str]], *, max_tokens: int) -> str:
        import torch

        inputs = self._inputs(messages)
        try:
            with torch.inference_mode():
                output = self._model.generate(**inputs, max_new_tokens=max_tokens, do_sample=False)
        except RuntimeError as exc:
            raise LLMError(f"local generation failed: {exc}") from exc
        text: str = self._tokenizer.decode(output[0][inputs["input_ids"].shape[1]:], skip_special_tokens=True)
        return text.strip()

    def stream(self, messages: list[dict[str, str]], *, max_tokens: int) -> Iterator[str]:
        import torch
        from transformers import TextIteratorStreamer

        inputs = self._inputs(messages)
        streamer: Any = TextIteratorStreamer(self._tokenizer, skip_prompt=True, skip_special_tokens=True)
        failure: list[BaseException] = []

        def run() -> None:
            try:
                with torch.inference_mode():
                    self._model.generate(**inputs, max_new_tokens=max_tokens, do_sample=False, streamer=streamer)
            except BaseException as exc:  # surfaced to the caller after the stream ends
                failure.append(exc)
                streamer.end()

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        try:
            for piece in streamer:
                if piece:
                    yield piece
        finally:  # also when the consumer stops early: never leave generation running unattended
            thread.join()
        if failure:
            raise LLMError(f"local generation failed: {failure[0]}")
