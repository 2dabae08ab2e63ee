"""The review page's files: served without a key (they hold no data), packaged, locked down by CSP, and the script
never renders data as markup."""

from __future__ import annotations

import re
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from service.app import create_app
from service.routers.app_pages import STATIC
from tests.service.test_api import assert_error_shape
from tests.service.test_retrieval_api import index_dir, make_settings  # noqa: F401

pytestmark = pytest.mark.keys_on  # the page itself needs no key, with keys on


@pytest.fixture()
def client(trained_model_dir: Path, index_dir: Path, tmp_path: Path) -> Iterator[TestClient]:  # noqa: F811
    with TestClient(create_app(make_settings(trained_model_dir, index_dir, tmp_path / "var"))) as c:
        yield c


def test_the_page_and_its_assets_are_served_without_a_key(client: TestClient) -> None:
    page = client.get("/app")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "default-src 'none'" in csp and "unsafe-inline" not in csp
    assert page.headers["x-content-type-options"] == "nosniff"
    assert '<script src="/app/static/app.js"' in page.text and "/app/static/app.css" in page.text
    assert not re.search(r"https?://", page.text)  # nothing from a CDN: works offline
    for name, media_type in STATIC.items():
        asset = client.get(f"/app/static/{name}")
        assert asset.status_code == 200 and asset.headers["content-type"] == media_type
    assert_error_shape(client.get("/app/static/../../settings.py"), 404, "not_found")
    assert_error_shape(client.get("/app/static/index.py"), 404, "not_found")
    assert_error_shape(client.get("/v1/suggestions"), 401, "unauthorized")  # the data still needs a key


def test_the_script_never_renders_markup_and_loads_nothing_external() -> None:
    script = resources.files("service.web").joinpath("app", "app.js").read_text()
    code = "\n".join(line for line in script.splitlines() if not line.lstrip().startswith("//"))
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"):
        assert sink not in code, sink
    assert not re.search(r"https?://", code)
    assert "textContent" in code and "Idempotency-Key" in code and "sessionStorage" in code


def test_every_control_has_a_label() -> None:
    page = resources.files("service.web").joinpath("app", "index.html").read_text()
    labelled = set(re.findall(r'<label[^>]*for="([^"]+)"', page))
    for tag, control_id in re.findall(r'<(input|select|textarea)[^>]*id="([^"]+)"', page):
        wrapped = re.search(rf'<label class="check"><input[^>]*id="{control_id}"', page)
        assert control_id in labelled or wrapped, f"{tag}#{control_id} has no label"


def test_the_pages_are_package_data() -> None:
    pyproject = (Path(__file__).parents[2] / "pyproject.toml").read_text()
    assert '"service.web" = ["**/*"]' in pyproject
    for name in ("index.html", *STATIC):
        assert resources.files("service.web").joinpath("app", name).is_file()
