"""`deskmate zendesk-app package`: the Zendesk ticket-sidebar app (service/web/zendesk/) as an uploadable zip.

The zip holds what `zcli apps:validate` and Zendesk's private-app upload expect at its root: `manifest.json`,
`assets/` (iframe.html, the script, styles and logos) and `translations/`. `--url` sets the Deskmate URL's
default and the manifest's `domainWhitelist` (Zendesk fills the secure key setting only into requests to
whitelisted domains). The zip is reproducible: fixed timestamps, sorted entries. Beside it,
`zendesk-app.json` records the command, the files and the zip's SHA-256.
"""

from __future__ import annotations

import hashlib
import json
import struct
import zipfile
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

import typer

app = typer.Typer(add_completion=False, no_args_is_help=True, help="The Zendesk ticket-sidebar app.")

LOGOS = {"assets/logo.png": (320, 320), "assets/logo-small.png": (128, 128)}  # Zendesk's required sizes
ZIP_TIME = (2026, 1, 1, 0, 0, 0)


class AppPackageError(ValueError):
    """The app's files or the options would make a package Zendesk refuses."""


def app_files() -> dict[str, bytes]:
    """The app's files by their path in the zip."""
    root = resources.files("service.web").joinpath("zendesk")
    files: dict[str, bytes] = {}

    def walk(node: Traversable, prefix: str) -> None:
        for child in node.iterdir():
            name = f"{prefix}{child.name}"
            if child.is_dir():
                walk(child, name + "/")
            elif not child.name.startswith(".") and not child.name.endswith(".py"):
                files[name] = child.read_bytes()

    walk(root, "")
    return files


def png_size(data: bytes) -> tuple[int, int] | None:
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        return None
    width, height = struct.unpack(">II", data[16:24])
    return int(width), int(height)


def check_app(manifest: dict[str, Any], files: dict[str, bytes]) -> list[str]:
    """What Zendesk would refuse in this manifest and these files (empty: nothing)."""
    problems: list[str] = []
    author = manifest.get("author") or {}
    problems += [f"author.{k} is missing" for k in ("name", "email", "url") if not author.get(k)]
    if manifest.get("frameworkVersion") != "2.0":
        problems.append("frameworkVersion must be \"2.0\"")
    locale = manifest.get("defaultLocale")
    if f"translations/{locale}.json" not in files:
        problems.append(f"no translations/{locale}.json for defaultLocale {locale!r}")
    sidebar = ((manifest.get("location") or {}).get("support") or {}).get("ticket_sidebar") or {}
    if sidebar.get("url") not in files:
        problems.append(f"location.support.ticket_sidebar.url {sidebar.get('url')!r} is not in the package")
    params = {p.get("name"): p for p in manifest.get("parameters") or []}
    if set(params) != {"deskmate_url", "deskmate_key"}:
        problems.append("parameters must be deskmate_url and deskmate_key")
    elif params["deskmate_key"].get("secure") is not True:
        problems.append("the deskmate_key parameter must be secure")
    if not manifest.get("domainWhitelist"):
        problems.append("domainWhitelist is empty: Zendesk would not send the secure key anywhere")
    for name, size in LOGOS.items():
        if png_size(files.get(name, b"")) != size:
            problems.append(f"{name} must be a {size[0]}x{size[1]} PNG")
    return problems


def _host(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme != "https" and parts.hostname not in {"localhost", "127.0.0.1"}:
        raise AppPackageError(f"--url {url!r}: Zendesk calls Deskmate over https (http only for localhost)")
    if not parts.hostname or parts.path not in {"", "/"} or parts.query:
        raise AppPackageError(f"--url {url!r}: give the server's base URL, e.g. https://deskmate.example.com")
    return parts.hostname if parts.port is None else f"{parts.hostname}:{parts.port}"


def package_app(*, out: Path, url: str, version: str | None = None) -> Path:
    """Write the app's zip (and its record `zendesk-app.json`) into `out`; returns the zip's path."""
    host = _host(url)
    files = app_files()
    manifest: dict[str, Any] = json.loads(files["manifest.json"])
    manifest["domainWhitelist"] = [host]
    for param in manifest.get("parameters", []):
        if param.get("name") == "deskmate_url":
            param["default"] = url.rstrip("/")
    if version is not None:
        manifest["version"] = version
    files["manifest.json"] = (json.dumps(manifest, indent=2) + "\n").encode()
    problems = check_app(manifest, files)
    if problems:
        raise AppPackageError("; ".join(problems))
    out.mkdir(parents=True, exist_ok=True)
    target = out / f"deskmate-zendesk-{manifest['version']}.zip"
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, files[name])
    record = {"command": f"deskmate zendesk-app package --out {out} --url {url}"
                         + (f" --version {version}" if version else ""),
              "zip": target.name, "sha256": hashlib.sha256(target.read_bytes()).hexdigest(),
              "version": manifest["version"], "domain_whitelist": manifest["domainWhitelist"],
              "files": sorted(files)}
    (out / "zendesk-app.json").write_text(json.dumps(record, indent=2) + "\n")
    return target


@app.command("package")
def package_command(
    out: Annotated[Path, typer.Option("--out", help="Folder for the zip (created if missing).")] = Path("dist"),
    url: Annotated[str, typer.Option("--url", help="Deskmate's base URL as Zendesk reaches it (https).")]
        = "https://deskmate.example.com",
    version: Annotated[str | None, typer.Option("--version", help="App version (default: the manifest's).")] = None,
) -> None:
    """Package the Zendesk sidebar app as a zip to upload as a private app (docs/zendesk-app.md)."""
    try:
        target = package_app(out=out, url=url, version=version)
    except AppPackageError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(code=2) from exc
    typer.echo(str(target))
