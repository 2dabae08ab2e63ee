"""Rate limits per API key and scope (service/ratelimit/): token buckets in memory, Redis and PostgreSQL.

Redis comes from DESKMATE_TEST_REDIS_URL (default: the local server); PostgreSQL from the store fixtures
(tests/service/conftest.py). A Redis that cannot be reached FAILS the Redis tests; set the variable to `none`
to skip them knowingly.
"""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import anyio
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import SecretStr, ValidationError
from sqlalchemy import create_engine, text
from starlette.types import Message

from service.app import create_app
from service.ratelimit import RateLimiter, build_limiter, choose_backend
from service.ratelimit.base import BackendError, BucketStore, Take
from service.ratelimit.memory import MemoryBuckets
from service.settings import AuthSettings, BucketSettings, RateLimitSettings, Settings, StoreSettings
from service.state import state_of
from service.store import db
from service.store.keys import create_key
from tests.service.test_api import assert_error_shape
from tests.service.test_auth import TICKET
from tests.service.test_retrieval_api import index_dir, make_settings  # noqa: F401

pytestmark = pytest.mark.keys_on

DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
ADMIN_TOKEN = "adm-bootstrap-token"


class FakeClock:
    """Wall-clock seconds that move only when told."""

    def __init__(self, start: float = 1_700_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture(scope="session")
def redis_url() -> str:
    url = os.environ.get("DESKMATE_TEST_REDIS_URL", DEFAULT_REDIS_URL)
    if url.lower() in {"", "none", "off"}:
        pytest.skip("Redis tests switched off with DESKMATE_TEST_REDIS_URL=none")
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        pytest.fail(f"Redis is NOT reachable at {url} ({exc}); start it, point DESKMATE_TEST_REDIS_URL at one, or "
                    "set it to 'none' to skip these tests knowingly.", pytrace=False)
    return url


def limits(**scopes: tuple[float, int]) -> dict[str, Any]:
    return {scope: BucketSettings(rate=rate, burst=burst) for scope, (rate, burst) in scopes.items()}


def service_settings(tmp_path: Path, *, store_url: str | None = None, **rate_limit: Any) -> Settings:
    """A service without routing models (the endpoints used here need none), keys on, the given rate limits."""
    return Settings(data_dir=tmp_path / "var", model_dir=tmp_path / "no-model", store=StoreSettings(url=store_url),
                    auth=AuthSettings(disabled=False, cache_seconds=60), admin_token=ADMIN_TOKEN,
                    rate_limit=RateLimitSettings(**rate_limit), model_reload_seconds=0)


def started(stack: ExitStack, settings: Settings, clock: FakeClock | None = None) -> TestClient:
    client = stack.enter_context(TestClient(create_app(settings)))
    limiter = state_of(client.app).rate_limiter
    assert limiter is not None
    if clock is not None:
        limiter.clock = clock
    return client


def new_key(client: TestClient, *scopes: str, name: str = "desk-plugin") -> dict[str, str]:
    _, secret = create_key(state_of(client.app).require_store(), name=name, scopes=list(scopes))
    return {"authorization": f"Bearer {secret}"}


def metrics(client: TestClient, headers: dict[str, str]) -> Any:
    return client.get("/v1/metrics/quality", headers=headers)


def assert_limited(response: Any) -> dict[str, Any]:
    payload = assert_error_shape(response, 429, "rate_limited")
    assert int(response.headers["retry-after"]) >= 1
    return payload


# -- the bucket ----------------------------------------------------------------------------------------------------
def test_a_burst_goes_through_then_429_with_retry_after_then_the_bucket_refills(tmp_path: Path) -> None:
    clock = FakeClock()
    with ExitStack() as stack:
        client = started(stack, service_settings(tmp_path, metrics=BucketSettings(rate=0.5, burst=3)), clock)
        headers = new_key(client, "metrics")
        remaining = [metrics(client, headers).headers["ratelimit-remaining"] for _ in range(3)]
        assert remaining == ["2", "1", "0"]
        refused = metrics(client, headers)
        payload = assert_limited(refused)
        assert refused.headers["ratelimit-remaining"] == "0"
        assert refused.headers["retry-after"] == "2"  # one token at 0.5/s
        assert refused.headers["x-ratelimit-limit"] == "3" and "'metrics'" in payload["error"]["message"]
        clock.advance(1.9)
        assert refused.headers["retry-after"] == "2" and metrics(client, headers).status_code == 429
        clock.advance(0.1)
        ok = metrics(client, headers)
        assert ok.status_code == 200 and ok.headers["ratelimit-remaining"] == "0"
        assert_limited(metrics(client, headers))
        clock.advance(3600)  # a long pause fills the bucket, never more than the burst
        assert [metrics(client, headers).status_code for _ in range(4)] == [200, 200, 200, 429]


def test_buckets_are_per_key_and_per_scope_and_the_admin_token_has_its_own(tmp_path: Path) -> None:
    with ExitStack() as stack:
        client = started(stack, service_settings(tmp_path, **limits(metrics=(0.001, 2), agent=(0.001, 2),
                                                                     admin=(0.001, 1))), FakeClock())
        first, second = new_key(client, "metrics", "agent", name="a"), new_key(client, "metrics", name="b")
        assert [metrics(client, first).status_code for _ in range(3)] == [200, 200, 429]
        assert metrics(client, second).status_code == 200  # another key: its own bucket
        # The same key in another scope: its own bucket (a 4xx past the check still takes a token).
        feedback = {"action": "accepted", "agent_id": "a"}
        statuses = [client.post("/v1/suggestions/sug_x/feedback", json=feedback, headers=first).status_code
                    for _ in range(3)]
        assert 429 not in statuses[:2] and statuses[2] == 429
        admin = {"authorization": f"Bearer {ADMIN_TOKEN}"}
        swaps = [client.post("/v1/admin/index/swap", json={"path": "/nowhere"}, headers=admin) for _ in range(2)]
        assert swaps[0].status_code not in (401, 403, 429)
        assert_limited(swaps[1])
        assert metrics(client, second).status_code == 200


def test_refused_requests_are_not_limited_and_wrong_scopes_take_no_token(tmp_path: Path) -> None:
    with ExitStack() as stack:
        client = started(stack, service_settings(tmp_path, **limits(metrics=(0.001, 1))), FakeClock())
        headers = new_key(client, "agent", "metrics")
        for _ in range(5):  # no key / a key without the scope: 401 / 403, before any bucket
            assert metrics(client, {}).status_code == 401
            assert client.post("/v1/cases", json={"cases": []}, headers=headers).status_code == 403
        assert metrics(client, headers).status_code == 200


def test_a_batch_costs_one_token_per_ticket(trained_model_dir: Path, index_dir: Path,  # noqa: F811
                                            tmp_path: Path) -> None:
    settings = make_settings(trained_model_dir, index_dir, tmp_path / "var", auth=AuthSettings(disabled=False),
                             rate_limit=RateLimitSettings(route=BucketSettings(rate=0.001, burst=5)))
    with ExitStack() as stack:
        client = started(stack, settings, FakeClock())
        headers = new_key(client, "route")
        batch = {"tickets": [{**TICKET, "id": f"ZD-{i}"} for i in range(3)]}
        first = client.post("/v1/route/batch", json=batch, headers=headers)
        assert first.status_code == 200, first.text
        assert first.headers["ratelimit-remaining"] == "2"  # 5 - 3 tickets
        refused = client.post("/v1/route/batch", json=batch, headers=headers)
        assert_limited(refused)  # 2 tokens left: the scope check took one, the other 2 tickets found one
        assert refused.headers["ratelimit-remaining"] == "1"
        assert client.post("/v1/route", json=TICKET, headers=headers).status_code == 200
        assert_limited(client.post("/v1/route", json=TICKET, headers=headers))


def test_auth_disabled_means_no_limits(tmp_path: Path) -> None:
    settings = service_settings(tmp_path, **limits(metrics=(0.001, 1)))
    settings.auth.disabled = True
    with TestClient(create_app(settings)) as client:
        assert state_of(client.app).rate_limiter is None
        assert [metrics(client, {}).status_code for _ in range(3)] == [200, 200, 200]


def test_openapi_declares_the_429_with_retry_after_on_scoped_operations(tmp_path: Path) -> None:
    app = create_app(service_settings(tmp_path))
    schema = app.openapi()
    for path, method in [("/v1/route", "post"), ("/v1/metrics/quality", "get"), ("/v1/cases", "post")]:
        response = schema["paths"][path][method]["responses"]["429"]
        assert response["headers"]["Retry-After"]["schema"]["type"] == "integer"
    assert "429" not in schema["paths"]["/healthz"]["get"]["responses"]


# -- settings and the backend choice -------------------------------------------------------------------------------
def test_settings_per_scope_keep_their_defaults_when_given_in_part(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DESKMATE_RATE_LIMIT__ROUTE__RATE", "50")
    settings = Settings()
    assert settings.rate_limit.route == BucketSettings(rate=50, burst=200)
    assert settings.rate_limit.admin.rate < settings.rate_limit.route.rate
    monkeypatch.setenv("DESKMATE_RATE_LIMIT__ROUTE__BURST", "0")
    with pytest.raises(ValidationError, match="burst"):
        Settings()
    monkeypatch.delenv("DESKMATE_RATE_LIMIT__ROUTE__BURST")
    monkeypatch.setenv("DESKMATE_RATE_LIMIT__BACKEND", "redis")
    with pytest.raises(ValidationError, match="redis_url"):
        Settings()
    monkeypatch.setenv("DESKMATE_RATE_LIMIT__BACKEND", "postgresql")
    with pytest.raises(ValidationError, match="PostgreSQL store"):
        Settings()


def test_the_backend_follows_the_store_unless_redis_is_set() -> None:
    pg, sqlite = "postgresql+psycopg://u@db:5432/deskmate", "sqlite:////tmp/x.db"
    assert choose_backend(RateLimitSettings(), store_url=sqlite) == "memory"
    assert choose_backend(RateLimitSettings(), store_url=pg) == "postgresql"
    with_redis = RateLimitSettings(redis_url=SecretStr("redis://r:6379/0"))
    assert choose_backend(with_redis, store_url=pg) == "redis"
    assert choose_backend(RateLimitSettings(backend="memory"), store_url=pg) == "memory"


# -- shared buckets: two apps ("two worker processes") on one Redis, one PostgreSQL -------------------------------
def shared_bucket_is_shared(tmp_path: Path, *, store_url: str | None, **rate_limit: Any) -> None:
    clock = FakeClock()
    with ExitStack() as stack:
        settings = service_settings(tmp_path, store_url=store_url, **limits(metrics=(1.0, 4)), **rate_limit)
        one, two = started(stack, settings, clock), started(stack, settings, clock)
        assert state_of(one.app).rate_limiter is not state_of(two.app).rate_limiter
        headers = new_key(one, "metrics")
        assert [metrics(client, headers).headers["ratelimit-remaining"] for client in (one, two, one, two)] == \
            ["3", "2", "1", "0"]
        assert_limited(metrics(one, headers))
        assert_limited(metrics(two, headers))
        clock.advance(1.0)  # one token for both workers together, not one each
        assert [metrics(client, headers).status_code for client in (two, one)] == [200, 429]
        assert state_of(one.app).rate_limiter.stats.backend_errors == 0  # type: ignore[union-attr]


def test_two_workers_share_one_bucket_in_redis(tmp_path: Path, redis_url: str) -> None:
    shared_bucket_is_shared(tmp_path, store_url=None, redis_url=SecretStr(redis_url),
                            redis_prefix=f"dm-test-{uuid.uuid4()}:")


def test_two_workers_share_one_bucket_in_postgresql(tmp_path: Path, pg_store_url: str) -> None:
    shared_bucket_is_shared(tmp_path, store_url=pg_store_url)
    engine = create_engine(pg_store_url)
    with engine.connect() as connection:  # one row per key and scope, in an UNLOGGED table (no fsync per check)
        rows = connection.execute(text("SELECT bucket, tokens FROM rate_buckets")).all()
        persistence = connection.scalar(text("SELECT relpersistence FROM pg_class "
                                             "WHERE oid = 'rate_buckets'::regclass"))
    engine.dispose()
    assert [bucket.endswith(":metrics") for bucket, _ in rows] == [True] and persistence == "u"


def concurrent_takes(limiter: RateLimiter, *, checks: int) -> list[bool]:
    async def run() -> list[bool]:
        answers: list[bool] = []

        async def one() -> None:
            answers.append((await limiter.check("k1", "metrics")).allowed)

        await limiter.open()
        try:
            async with anyio.create_task_group() as tasks:
                for _ in range(checks):
                    tasks.start_soon(one)
        finally:
            await limiter.close()
        return answers

    return anyio.run(run)


@pytest.fixture()
def pg_store_url(postgres_url: str) -> Iterator[str]:
    """A fresh schema on the PostgreSQL server, migrated (the rate_buckets table is migration 0004)."""
    with db.scratch_schema(postgres_url, migrate=True) as url:
        yield url


@pytest.mark.parametrize("backend", ["redis", "postgresql"])
def test_concurrent_checks_never_take_more_than_the_bucket_holds(backend: str, request: pytest.FixtureRequest) -> None:
    # A generous timeout: this is about atomicity, on a shared, busy test machine.
    settings = RateLimitSettings(**limits(metrics=(0.001, 20)), backend_timeout_ms=5000)
    if backend == "redis":
        settings = RateLimitSettings(**limits(metrics=(0.001, 20)), backend_timeout_ms=5000, redis_url=SecretStr(
            request.getfixturevalue("redis_url")), redis_prefix=f"dm-test-{uuid.uuid4()}:")
        limiter = build_limiter(settings, store_url="sqlite:///unused.db")
    else:
        limiter = build_limiter(settings, store_url=request.getfixturevalue("pg_store_url"))
    assert limiter.backend == backend
    answers = concurrent_takes(limiter, checks=60)
    assert len(answers) == 60 and answers.count(True) == 20
    assert limiter.stats.backend_errors == 0


# -- floods and failures -------------------------------------------------------------------------------------------
async def asgi_status(app: FastAPI, method: str, path: str, headers: dict[str, str]) -> int:
    """One request straight into the ASGI app (no HTTP client: 10,000 of them take seconds, not minutes)."""
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method, "scheme": "http",
             "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "", "client": ("10.0.0.9", 1),
             "server": ("deskmate", 80),
             "headers": [(b"host", b"deskmate"), *((k.encode(), v.encode()) for k, v in headers.items())]}
    status: list[int] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        if message["type"] == "http.response.start":
            status.append(message["status"])

    await app(scope, receive, send)
    return status[0]


def test_ten_thousand_requests_from_one_key_get_429s_while_others_are_served(tmp_path: Path) -> None:
    app = create_app(service_settings(tmp_path, **limits(metrics=(0.001, 50))))
    logging.getLogger("deskmate").setLevel(logging.WARNING)  # one log line per request is not what is measured
    counts: dict[int, int] = {}
    others: list[int] = []

    async def flood() -> None:
        async with app.router.lifespan_context(app):
            state = state_of(app)
            state.rate_limiter.clock = FakeClock()  # type: ignore[union-attr]
            store = state.require_store()
            attacker = {"authorization": f"Bearer {create_key(store, name='noisy', scopes=['metrics'])[1]}"}
            other = {"authorization": f"Bearer {create_key(store, name='quiet', scopes=['metrics'])[1]}"}

            async def one() -> None:
                status = await asgi_status(app, "GET", "/v1/metrics/quality", attacker)
                counts[status] = counts.get(status, 0) + 1

            for _ in range(50):  # 50 waves of 200 concurrent requests; the others ask between waves
                async with anyio.create_task_group() as tasks:
                    for _ in range(200):
                        tasks.start_soon(one)
                others.append(await asgi_status(app, "GET", "/healthz", {}))
                others.append(await asgi_status(app, "GET", "/v1/metrics/quality", other))

    try:
        anyio.run(flood)
    finally:
        logging.getLogger("deskmate").setLevel(logging.NOTSET)
    assert counts == {200: 50, 429: 9_950}
    assert set(others) == {200} and len(others) == 100


class FlakyStore:
    """A shared store that fails while `down` is set, else counts in memory."""

    name = "flaky"
    shared = True

    def __init__(self) -> None:
        self.down = True
        self.memory = MemoryBuckets()

    async def open(self) -> None:
        return None

    async def take(self, bucket: str, *, rate: float, burst: float, cost: float, now: float) -> Take:
        if self.down:
            raise BackendError("flaky: connection refused")
        return await self.memory.take(bucket, rate=rate, burst=burst, cost=cost, now=now)

    async def close(self) -> None:
        return None


def test_a_failed_backend_is_logged_counted_retried_and_recovers(caplog: pytest.LogCaptureFixture) -> None:
    store = FlakyStore()
    checked: BucketStore = store
    limiter = RateLimiter(RateLimitSettings(**limits(metrics=(0.001, 2))), checked, clock=FakeClock(),
                          retry_backend_s=0.0)

    async def checks(n: int) -> list[bool]:
        return [(await limiter.check("k", "metrics")).allowed for _ in range(n)]

    with caplog.at_level(logging.INFO, logger="service.ratelimit.limiter"):
        assert anyio.run(checks, 3) == [True, True, False]  # policy local: a per-process bucket meanwhile
        store.down = False
        assert anyio.run(checks, 3) == [True, True, False]  # the shared bucket again
    assert limiter.stats.backend_errors == 3 and limiter.stats.degraded == 3
    messages = [r.getMessage() for r in caplog.records]
    assert messages.count("rate limit backend failed") == 1 and "rate limit backend is back" in messages


@pytest.mark.parametrize(("policy", "expected"), [("local", [200, 200, 429]), ("open", [200, 200, 200]),
                                                  ("closed", [503, 503, 503])])
def test_redis_down_follows_the_failure_policy(tmp_path: Path, policy: str, expected: list[int],
                                               caplog: pytest.LogCaptureFixture) -> None:
    with ExitStack() as stack:
        client = started(stack, service_settings(tmp_path, **limits(metrics=(0.001, 2)), on_backend_error=policy,
                                                 redis_url=SecretStr("redis://127.0.0.1:1/0")))
        headers = new_key(client, "metrics")
        with caplog.at_level(logging.ERROR, logger="service.ratelimit.limiter"):
            responses = [metrics(client, headers) for _ in range(3)]
        assert [r.status_code for r in responses] == expected
        if policy == "closed":
            assert_error_shape(responses[0], 503, "rate_limit_unavailable")
            assert responses[0].headers["retry-after"] == "1"
        limiter = state_of(client.app).rate_limiter
        assert limiter is not None and limiter.backend == "redis" and limiter.stats.backend_errors >= 1
        assert any(r.getMessage() == "rate limit backend failed" for r in caplog.records)
        assert client.get("/healthz").status_code == 200


@pytest.fixture(autouse=True)
def _no_leftover_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The settings tests read the environment: start each test without rate-limit variables."""
    for name in [n for n in os.environ if n.startswith("DESKMATE_RATE_LIMIT__")]:
        monkeypatch.delenv(name)
    yield
