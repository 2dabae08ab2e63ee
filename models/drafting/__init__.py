"""Reply drafting: a deterministic composer (default), an OpenAI-compatible LLM client and a local model.

Nothing here imports `service/` or FastAPI; the service builds a `Drafter` once and calls `draft()`.
"""
