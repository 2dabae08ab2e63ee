"""A minimal OpenAI-compatible chat-completions server over any `ChatBackend` (standard library only).

Serves `POST /v1/chat/completions` (JSON, or server-sent events with `"stream": true`, ending with
`data: [DONE]`) and `GET /v1/models`, on loopback only. It lets the local transformers model stand in for a
vLLM / llama.cpp server in tests and on a laptop:

    python -m models.drafting.llm_server --model path/to/model.gguf --port 8081
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import logging
import threading
import time
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from models.drafting.llm import ChatBackend

logger = logging.getLogger(__name__)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _handler(backend: ChatBackend, model_name: str) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        timeout = 60  # seconds a connection may sit idle


        def log_message(self, format: str, *args: Any) -> None:
            logger.debug("llm server: %s", format % args)

        def _json(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            self.send_header("connection", "close")  # one request per connection: stop() never waits on idle ones
            self.end_headers()
            self.close_connection = True
            self.wfile.write(data)

        def do_GET(self) -> None:
            if self.path.rstrip("/") == "/v1/models":
                self._json(200, {"object": "list", "data": [{"id": model_name, "object": "model"}]})
            else:
                self._json(404, {"error": {"message": "not found", "type": "invalid_request_error"}})

        def do_POST(self) -> None:
            if self.path.rstrip("/") != "/v1/chat/completions":
                self._json(404, {"error": {"message": "not found", "type": "invalid_request_error"}})
                return
            try:
                body = json.loads(self.rfile.read(int(self.headers.get("content-length", "0"))))
                messages = [{"role": str(m["role"]), "content": str(m["content"])} for m in body["messages"]]
                max_tokens = int(body.get("max_tokens") or 256)
            except (ValueError, KeyError, TypeError):
                self._json(400, {"error": {"message": "invalid request", "type": "invalid_request_error"}})
                return
            completion_id = f"chatcmpl-{uuid.uuid4().hex[:24]}"
            if body.get("stream"):
                self._stream(completion_id, backend.stream(messages, max_tokens=max_tokens))
                return
            try:
                text = backend.complete(messages, max_tokens=max_tokens)
            except Exception as exc:  # any backend failure is a 500 for the client, like real servers
                logger.warning("llm backend failed", extra={"error": str(exc)})
                self._json(500, {"error": {"message": "backend failed", "type": "server_error"}})
                return
            self._json(200, {"id": completion_id, "object": "chat.completion", "created": int(time.time()),
                             "model": model_name,
                             "choices": [{"index": 0, "message": {"role": "assistant", "content": text},
                                          "finish_reason": "stop"}]})

        def _stream(self, completion_id: str, deltas: Iterator[str]) -> None:
            self.send_response(200)
            self.send_header("content-type", "text/event-stream")
            self.send_header("cache-control", "no-cache")
            self.send_header("connection", "close")
            self.end_headers()
            self.close_connection = True

            def event(payload: dict[str, Any] | str) -> None:
                data = payload if isinstance(payload, str) else json.dumps(payload)
                self.wfile.write(f"data: {data}\n\n".encode())
                self.wfile.flush()

            def chunk(delta: dict[str, str], finish: str | None = None) -> dict[str, Any]:
                return {"id": completion_id, "object": "chat.completion.chunk", "created": int(time.time()),
                        "model": model_name, "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}

            try:
                event(chunk({"role": "assistant"}))
                for delta in deltas:
                    event(chunk({"content": delta}))
                event(chunk({}, "stop"))
            except Exception as exc:
                logger.warning("llm backend failed while streaming", extra={"error": str(exc)})
                event({"error": {"message": "backend failed", "type": "server_error"}})
            event("[DONE]")

    return Handler


class ChatServer:
    """Runs the server in a daemon thread: `with ChatServer(backend) as server: server.url`."""

    def __init__(self, backend: ChatBackend, *, host: str = "127.0.0.1", port: int = 0,
                 model_name: str = "local") -> None:
        if not _is_loopback(host):
            raise ValueError(f"refusing to bind {host}: this server is for loopback use only")
        self._server = ThreadingHTTPServer((host, port), _handler(backend, model_name))
        # stop() waits for requests in flight (a model thread killed at interpreter exit aborts the process)
        self._server.daemon_threads = False
        self._server.block_on_close = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/v1"

    def start(self) -> ChatServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> ChatServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def main() -> None:
    from models.drafting.local import TransformersChat

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, required=True, help="model directory or .gguf file")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    args = parser.parse_args()
    backend = TransformersChat(args.model)
    backend.load()
    server = ChatServer(backend, host=args.host, port=args.port, model_name=backend.name)
    logger.warning("serving %s at %s", backend.name, server.url)
    server._server.serve_forever()


if __name__ == "__main__":
    main()
