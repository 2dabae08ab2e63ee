"""Peak and current memory (VmHWM / VmRSS) of a running server after routing and drafting demo tickets.

Starts the server command (settings from the environment; default `deskmate serve`) on a free port, waits for
/readyz, sends `--tickets` demo tickets to /v1/route and /v1/suggest, then reads /proc/<pid>/status and whether
libtorch is mapped into the process. Usage (README of the numbers: docs/deployment.md, Serving without torch):

    DESKMATE_DATA_DIR=var python -m bench.serve_memory --label onnx
    DESKMATE_DATA_DIR=var python -m bench.serve_memory --label onnx+torch -- \\
        python -c "import sys, torch; from scripts.cli import app; sys.argv[1:] = ['serve']; app()"
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from typing import Any

import httpx

from bench.common import REPO_ROOT, free_port, load_demo_tickets


def measure(*, command: list[str], label: str, tickets: int, timeout_s: float = 600.0) -> dict[str, Any]:
    """Run `command` as the server and return its memory after `tickets` route + suggest calls."""
    port = free_port()
    env = {**os.environ, "DESKMATE_HOST": "127.0.0.1", "DESKMATE_PORT": str(port), "DESKMATE_LOG_LEVEL": "WARNING",
           "DESKMATE_AUTH__DISABLED": "true"}  # the load sends no key
    base = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen(command, cwd=REPO_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        started = time.perf_counter()
        while True:
            if proc.poll() is not None or time.perf_counter() - started > timeout_s:
                raise SystemExit(f"{label}: the server did not become ready")
            try:
                if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        ready_s = time.perf_counter() - started
        rows = load_demo_tickets(tickets)
        with httpx.Client(base_url=base, timeout=60) as client:
            for row in rows:
                client.post("/v1/route", json=row).raise_for_status()
                client.post("/v1/suggest", json=row).raise_for_status()
        with open(f"/proc/{proc.pid}/status") as status_file:
            status = dict(line.split(":", 1) for line in status_file)
        with open(f"/proc/{proc.pid}/maps") as maps:
            torch_loaded = "libtorch" in maps.read()
        return {"label": label, "ready_s": round(ready_s, 1), "tickets": len(rows),
                "VmHWM": status["VmHWM"].strip(), "VmRSS": status["VmRSS"].strip(), "torch_loaded": torch_loaded}
    finally:
        proc.terminate()
        proc.wait(30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--label", default="serve")
    parser.add_argument("--tickets", type=int, default=50)
    parser.add_argument("command", nargs="*", help="server command after --; default: deskmate serve")
    args = parser.parse_args()
    command = args.command or [sys.executable, "-m", "scripts.cli", "serve"]
    result = measure(command=command, label=args.label, tickets=args.tickets)
    sys.stdout.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
