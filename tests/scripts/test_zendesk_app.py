"""`deskmate zendesk-app package`: a zip Zendesk accepts (manifest at the root, assets, translations, logos)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from scripts.cli import app as cli
from scripts.zendesk_app import AppPackageError, app_files, check_app, package_app


def test_the_zip_holds_a_valid_sidebar_app(tmp_path: Path) -> None:
    target = package_app(out=tmp_path / "dist", url="https://deskmate.acme.test/")
    with zipfile.ZipFile(target) as archive:
        names = set(archive.namelist())
        manifest = json.loads(archive.read("manifest.json"))
        iframe = archive.read("assets/iframe.html").decode()
        translations = json.loads(archive.read("translations/en.json"))
    assert {"manifest.json", "assets/iframe.html", "assets/sidebar.js", "assets/sidebar.css", "assets/logo.png",
            "assets/logo-small.png", "translations/en.json"} <= names
    assert not any(n.startswith("/") or ".." in n or n.endswith(".py") for n in names)
    assert manifest["location"] == {"support": {"ticket_sidebar": {"url": "assets/iframe.html", "flexible": True}}}
    assert manifest["frameworkVersion"] == "2.0" and manifest["private"] is True
    params = {p["name"]: p for p in manifest["parameters"]}
    assert params["deskmate_key"]["secure"] is True and params["deskmate_url"]["type"] == "text"
    assert params["deskmate_url"]["default"] == "https://deskmate.acme.test"
    assert manifest["domainWhitelist"] == ["deskmate.acme.test"]
    assert set(translations["app"]["parameters"]) == {"deskmate_url", "deskmate_key"}
    # The SDK is the one Zendesk serves; every other script is in the package.
    assert "https://static.zdassets.com/zendesk_app_framework_sdk/2.0/zaf_sdk.min.js" in iframe
    assert '<script src="sidebar.js">' in iframe
    record = json.loads((tmp_path / "dist" / "zendesk-app.json").read_text())
    assert record["zip"] == target.name and len(record["sha256"]) == 64
    again = package_app(out=tmp_path / "again", url="https://deskmate.acme.test/")
    assert again.read_bytes() == target.read_bytes()  # reproducible


def test_what_zendesk_would_refuse_is_refused(tmp_path: Path) -> None:
    with pytest.raises(AppPackageError, match="https"):
        package_app(out=tmp_path, url="http://deskmate.acme.test")
    with pytest.raises(AppPackageError, match="base URL"):
        package_app(out=tmp_path, url="https://deskmate.acme.test/v1/suggest")
    files = app_files()
    manifest = json.loads(files["manifest.json"])
    assert check_app(manifest, files) == []
    broken = {**manifest, "frameworkVersion": "1.0", "parameters": [
        {"name": "deskmate_url", "type": "text"}, {"name": "deskmate_key", "type": "text"}]}
    problems = check_app(broken, {**files, "assets/logo.png": b"not a png"})
    assert any("frameworkVersion" in p for p in problems) and any("secure" in p for p in problems)
    assert any("logo.png" in p for p in problems)


def test_the_command(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["zendesk-app", "package", "--out", str(tmp_path), "--url",
                                      "https://dm.acme.test", "--version", "1.2.3"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "deskmate-zendesk-1.2.3.zip").is_file()
    bad = CliRunner().invoke(cli, ["zendesk-app", "package", "--out", str(tmp_path), "--url", "ftp://x"])
    assert bad.exit_code == 2
