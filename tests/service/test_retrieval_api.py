import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from index.build import build_index
from models.embedding.hashing import HashingEmbedder
from service.app import create_app
from service.settings import EmbedderSettings, RetrievalSettings, Settings

CASES = [
    {"id": "c1", "subject": "Charged twice", "body": "my credit card invoice was charged twice this month",
     "resolution": "I refunded the duplicate charge on invoice INV-1.", "topic": "billing", "language": "en",
     "channel": "email", "tenant": "orbitly", "resolved_at": "2026-03-01T10:00:00Z"},
    {"id": "c2", "subject": "Password reset", "body": "cannot log in, password reset link expired, locked out",
     "resolution": "I sent a fresh reset link valid for 24 hours.", "topic": "login_access", "language": "en",
     "channel": "chat", "tenant": "orbitly", "resolved_at": "2026-03-02T10:00:00Z"},
    {"id": "c3", "subject": "Doppelte Abbuchung", "body": "Rechnung wurde doppelt von der Kreditkarte abgebucht",
     "resolution": "Ich habe die doppelte Abbuchung erstattet.", "topic": "billing", "language": "de",
     "channel": "email", "tenant": "other-brand", "resolved_at": "2026-03-03T10:00:00Z"},
    {"id": "c4", "subject": "Still open", "body": "a ticket nobody answered yet", "resolution": "",
     "topic": "billing", "language": "en"},
]
ARTICLES = [
    {"id": "KB-1", "title": "Refunds for duplicate charges", "url": "https://help.example/refunds",
     "body": "## When you were charged twice\n\nOpen Billing, pick the invoice and request a refund of the "
             "duplicate charge.\n\n## Timing\n\nRefunds reach your card within 5 to 10 days.", "language": "en"},
    {"id": "KB-2", "title": "Resetting your password", "url": "https://help.example/password",
     "body": "## Reset link\n\nUse Forgot password on the login page; links expire after 24 hours.",
     "language": "en"},
]


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def make_index(tmp: Path, name: str, cases: list[dict[str, Any]],
               articles: list[dict[str, Any]] | None = None) -> Path:
    out = tmp / name
    # no cases: an articles-only index (a cases file with no usable row is refused by build_index)
    build_index(cases_path=write_jsonl(tmp / f"{name}-cases.jsonl", cases) if cases else None,
                articles_path=write_jsonl(tmp / f"{name}-articles.jsonl", ARTICLES if articles is None else articles),
                out_dir=out,
                embedder=HashingEmbedder(256), show_progress=False)
    return out


@pytest.fixture()
def index_dir(tmp_path: Path) -> Path:
    return make_index(tmp_path, "index", CASES)


def make_settings(model_dir: Path, index_dir: Path, data_dir: Path, **extra: Any) -> Settings:
    return Settings(data_dir=data_dir, model_dir=model_dir, embedder=EmbedderSettings(backend="hashing", model="256"),
                    retrieval=RetrievalSettings(index_dir=index_dir), **extra)


@pytest.fixture()
def client(trained_model_dir: Path, index_dir: Path, tmp_path: Path) -> Iterator[TestClient]:
    with TestClient(create_app(make_settings(trained_model_dir, index_dir, tmp_path / "var",
                                             admin_token="s3cret"))) as c:
        yield c


def similar(client: TestClient, **body: Any) -> dict[str, Any]:
    response = client.post("/v1/similar", json=body)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def test_similar_returns_cases_and_article_passages(client: TestClient) -> None:
    out = similar(client, subject="double charge", body="my invoice was charged twice on my card", k_cases=2)
    assert out["cases"][0]["id"] == "c1"
    assert out["cases"][0]["resolution_excerpt"].startswith("I refunded")
    assert "c4" not in {c["id"] for c in out["cases"]}  # open tickets are not resolved cases
    assert out["articles"][0]["id"] == "KB-1" and out["articles"][0]["url"] == "https://help.example/refunds"
    assert out["articles"][0]["passage"] and out["mode"] == "hybrid"
    assert client.get("/readyz").json()["index_version"] == out["index_version"]


def test_filters_restrict_language_and_tenant(client: TestClient) -> None:
    out = similar(client, body="charged twice invoice", filters={"language": "de"}, k_cases=3)
    assert [c["id"] for c in out["cases"]] == ["c3"]
    out = similar(client, body="charged twice invoice", filters={"tenant": ["orbitly"]}, k_cases=3)
    assert "c3" not in {c["id"] for c in out["cases"]}


def test_add_and_delete_cases_persist_across_restart(trained_model_dir: Path, index_dir: Path,
                                                     tmp_path: Path) -> None:
    settings = make_settings(trained_model_dir, index_dir, tmp_path / "var")
    new_case = {"id": "c9", "subject": "Export to CSV fails", "body": "csv export button gives an error",
                "resolution": "Fixed in release 4.2; please retry the export.", "topic": "data_export"}
    with TestClient(create_app(settings)) as c:
        added = c.post("/v1/cases", json={"cases": [new_case]}).json()
        assert added["added"] == ["c9"]
        assert c.delete("/v1/cases/c1").json()["deleted"] is True
        assert c.delete("/v1/cases/c1").status_code == 404
    with TestClient(create_app(settings)) as c:
        ids = {h["id"] for h in similar(c, body="csv export error charged twice", k_cases=5)["cases"]}
        assert "c9" in ids and "c1" not in ids
        readded = c.post("/v1/cases", json={"cases": [{**CASES[0]}]}).json()
        assert readded["refused_deleted"] == ["c1"]


def test_bad_case_payloads_are_422(client: TestClient) -> None:
    assert client.post("/v1/cases", json={"cases": []}).status_code == 422
    response = client.post("/v1/cases", json={"cases": [{"id": "x", "subject": "", "body": "", "resolution": "r"}]})
    assert response.status_code == 422 and response.json()["error"]["code"] == "empty_text"
    assert client.post("/v1/cases", json={"cases": [{"id": "x", "body": "b"}]}).status_code == 422
    assert client.post("/v1/similar", json={"body": "x", "k_cases": 500}).status_code == 422


def test_admin_swap_replaces_index_atomically(client: TestClient, tmp_path: Path) -> None:
    """(Keys off here; tests/service/test_auth.py checks that the swap needs an admin key.)"""
    rebuilt = make_index(tmp_path, "rebuilt", [*CASES[:2], {**CASES[0], "id": "c5", "body": "refund the second "
                                                             "charge on my card invoice", "resolved_at": "2026-04-01"}])
    headers = {"authorization": "Bearer s3cret"}
    before = client.get("/readyz").json()["index_version"]
    errors: list[str] = []
    versions: set[str] = set()
    stop = threading.Event()

    def hammer() -> None:
        while not stop.is_set():
            response = client.post("/v1/similar", json={"body": "charged twice refund", "k_cases": 2})
            if response.status_code != 200:
                errors.append(response.text)
            else:
                versions.add(response.json()["index_version"])

    threads = [threading.Thread(target=hammer) for _ in range(3)]
    for thread in threads:
        thread.start()
    swapped = client.post("/v1/admin/index/swap", json={"path": str(rebuilt)}, headers=headers)
    stop.set()
    for thread in threads:
        thread.join()
    assert swapped.status_code == 200, swapped.text
    after = swapped.json()["index_version"]
    assert errors == [] and after != before and versions <= {before, after}
    assert client.get("/readyz").json()["index_version"] == after
    bad = client.post("/v1/admin/index/swap", json={"path": str(tmp_path)}, headers=headers)
    assert bad.status_code == 422
    assert client.get("/readyz").json()["index_version"] == after


def test_similar_without_index_is_503_but_routing_works(trained_model_dir: Path, tmp_path: Path) -> None:
    with TestClient(create_app(make_settings(trained_model_dir, tmp_path / "none", tmp_path / "var"))) as c:
        response = c.post("/v1/similar", json={"body": "charged twice"})
        assert response.status_code == 503 and response.json()["error"]["code"] == "not_ready"
        assert c.post("/v1/route", json={"body": "charged twice invoice"}).status_code == 200
        ready = c.get("/readyz").json()
        assert ready["ready"] is True and ready["index_ready"] is False and ready["index_reason"]
