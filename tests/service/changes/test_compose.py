"""docs/deploy/docker-compose.yml: PostgreSQL + 2 replicas + a load balancer on one artifacts volume. No Docker
engine here to run `docker compose config`, so the file is loaded as YAML and checked for what the shape needs."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

DEPLOY = Path(__file__).resolve().parents[3] / "docs" / "deploy"


def compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())
    return data


def test_compose_has_postgres_two_replicas_and_a_load_balancer() -> None:
    services = compose()["services"]
    assert set(services) == {"db", "setup", "deskmate-1", "deskmate-2", "lb"}
    assert services["db"]["image"].startswith("postgres:")
    replicas = [services["deskmate-1"], services["deskmate-2"]]
    for replica in replicas:
        env = replica["environment"]
        assert env["DESKMATE_CHANGES__ENABLED"] == "true"
        url = env["DESKMATE_STORE__URL"]
        assert url.startswith("postgresql+psycopg://") and "@db:5432/" in url
        assert env["DESKMATE_DATA_DIR"] == "/data"
        assert "DESKMATE_PII__PSEUDONYM_KEY" in env  # the same key everywhere, or ids hash differently per replica
        assert replica["volumes"] == ["artifacts:/data"]
        assert replica["depends_on"]["setup"]["condition"] == "service_completed_successfully"
        assert replica["command"][:2] == ["deskmate", "serve"]
    assert services["setup"]["volumes"] == ["artifacts:/data"]
    assert "deskmate db-upgrade" in services["setup"]["command"][-1]
    assert set(compose()["volumes"]) == {"pgdata", "artifacts"}


def test_load_balancer_config_names_both_replicas() -> None:
    lb = compose()["services"]["lb"]
    assert lb["image"].startswith("nginx:") and "./nginx.conf:/etc/nginx/nginx.conf:ro" in lb["volumes"]
    conf = (DEPLOY / "nginx.conf").read_text()
    upstream = re.search(r"upstream deskmate \{(.*?)\}", conf, re.S)
    assert upstream is not None
    assert re.findall(r"server (deskmate-\d):8000", upstream.group(1)) == ["deskmate-1", "deskmate-2"]
    assert "proxy_pass http://deskmate;" in conf and "listen 8080;" in conf
    assert conf.count("{") == conf.count("}")
