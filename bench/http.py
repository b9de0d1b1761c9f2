"""Throughput over HTTP (issue 19): gunicorn with 2 sync workers on the bench database, driven by wrk.

``manage.py bench --http`` seeds the throwaway database as usual, then starts gunicorn from
``deploy/gunicorn.conf.py`` (``WEB_CONCURRENCY=2``, production settings: ``DEBUG`` off, the configured
cache: Redis when ``REDIS_URL`` is set, else each worker's local memory) on a free loopback port, and runs
wrk against the public pages one after another in the same run: ``/pricing/`` (the floor), ``/supporters/``,
next available and one profile. Each page gets a warm-up, then a timed run; the table gives requests per
second and wrk's 50th and 99th latency percentiles. Requests are signed out and send no cookie, as a
visitor's first page or a search engine would.

wrk is the Debian package ``wrk`` (``apt-get install wrk``); without it the HTTP mode says so and stops.
"""

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connection

BASE_DIR = Path(__file__).resolve().parent.parent
WORKERS = 2
CLIENTS = 8
HTTP_TARGET_P99_MS = 100
HTTP_TARGET_RATIO = 1 / 3  # /supporters/ throughput at least a third of /pricing/'s


class WrkMissing(RuntimeError):
    pass


@dataclass
class HttpRow:
    name: str
    path: str
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: str = ""


def require_wrk() -> str:
    path = shutil.which("wrk")
    if path is None:
        raise WrkMissing(
            "wrk is not installed: `apt-get install wrk` (Debian's package), then run `manage.py bench "
            "--http` again."
        )
    return path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _database_url() -> str:
    """The URL of the throwaway database the bench made (the default connection points at it now)."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    user = quote(db.get("USER") or "", safe="")
    password = quote(db.get("PASSWORD") or "", safe="")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    return f"postgres://{auth}{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


def _server_env(port: int, *, cache_seconds: int | None) -> dict[str, str]:
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "bench-only-" + "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_HSTS_SECONDS": "0",
        "STRIPE_SECRET_KEY": settings.STRIPE_SECRET_KEY,
        "STRIPE_PUBLISHABLE_KEY": settings.STRIPE_PUBLISHABLE_KEY,
        "STRIPE_WEBHOOK_SECRET": settings.STRIPE_WEBHOOK_SECRET,
        "DATABASE_URL": _database_url(),
        "WEB_CONCURRENCY": str(WORKERS),
        # No recycling while measuring: a worker restarting (about a second of imports, while its share of
        # the connections waits) every thousand requests would be most of p99, and says nothing of a page.
        "GUNICORN_MAX_REQUESTS": "0",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "peersnet.settings",
    }
    if cache_seconds is not None:
        env["DIRECTORY_CACHE_SECONDS"] = str(cache_seconds)
    return env


def _wait_until_up(port: int, process: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode} before answering")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/pricing/", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer within 30 s")


_LATENCY = re.compile(r"^\s*(50|99)%\s+([\d.]+)(us|ms|s)\s*$", re.MULTILINE)
_RPS = re.compile(r"^Requests/sec:\s+([\d.]+)", re.MULTILINE)
_ERRORS = re.compile(r"^\s*(Non-2xx or 3xx responses: \d+|Socket errors: .*)$", re.MULTILINE)


def _to_ms(value: str, unit: str) -> float:
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def parse_wrk(output: str) -> tuple[float, float, float, str]:
    """(requests per second, p50 ms, p99 ms, errors) from wrk's ``--latency`` report."""
    latencies = {pct: _to_ms(value, unit) for pct, value, unit in _LATENCY.findall(output)}
    rps = _RPS.search(output)
    if rps is None or "50" not in latencies or "99" not in latencies:
        raise RuntimeError(f"could not read wrk's report:\n{output}")
    errors = "; ".join(match.strip() for match in _ERRORS.findall(output))
    return float(rps.group(1)), latencies["50"], latencies["99"], errors


def _wrk(wrk: str, url: str, *, seconds: int, clients: int) -> str:
    threads = min(2, clients)
    result = subprocess.run(  # noqa: S603 (our own arguments)
        [wrk, f"-t{threads}", f"-c{clients}", f"-d{seconds}s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


def measure_http(
    *,
    pages: list[tuple[str, str]],
    seconds: int = 10,
    warmup_seconds: int = 3,
    clients: int = CLIENTS,
    cache_seconds: int | None = None,
) -> list[HttpRow]:
    """Start gunicorn on the current (seeded) database and run wrk on each (name, path) in turn.
    ``cache_seconds``: DIRECTORY_CACHE_SECONDS for the server (0: the directory renders every time)."""
    wrk = require_wrk()
    # A fresh database behind a cache that may hold an earlier run's pages: start a new generation.
    from supporters.services import directory_changed

    directory_changed()
    port = _free_port()
    env = _server_env(port, cache_seconds=cache_seconds)
    # With DEBUG off the pages name hashed static files: collect them first, as a deploy does.
    subprocess.run(  # noqa: S603 (our own arguments)
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=BASE_DIR, env=env, check=True
    )
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    process = subprocess.Popen(  # noqa: S603 (our own arguments)
        [gunicorn, "peersnet.wsgi", "--config", str(BASE_DIR / "deploy" / "gunicorn.conf.py")],
        cwd=BASE_DIR,
        env=env,
        start_new_session=True,
    )
    rows = []
    try:
        _wait_until_up(port, process)
        for name, path in pages:
            url = f"http://127.0.0.1:{port}{path}"
            _wrk(wrk, url, seconds=warmup_seconds, clients=clients)
            rps, p50, p99, errors = parse_wrk(_wrk(wrk, url, seconds=seconds, clients=clients))
            rows.append(HttpRow(name, path, rps, p50, p99, errors))
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    return rows


def format_http(rows: list[HttpRow], *, clients: int = CLIENTS, seconds: int, label: str = "") -> str:
    floor = rows[0].requests_per_second if rows else 0
    title = f"HTTP: gunicorn, {WORKERS} sync workers, wrk with {clients} connections, {seconds} s per page"
    lines = [
        title + (f" ({label})" if label else "") + ":",
        "",
        "| page | requests/s | share of the floor | p50 | p99 | errors |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for row in rows:
        share = row.requests_per_second / floor if floor else 0
        lines.append(
            f"| {row.name} `{row.path}` | {row.requests_per_second:.0f} | {share:.2f} | {row.p50_ms:.1f} ms "
            f"| {row.p99_ms:.1f} ms | {row.errors or '–'} |"
        )
    directory = next((r for r in rows if r.path == "/supporters/"), None)
    if directory and floor:
        ratio_ok = directory.requests_per_second >= HTTP_TARGET_RATIO * floor
        p99_ok = directory.p99_ms <= HTTP_TARGET_P99_MS
        lines += [
            "",
            f"Targets: `/supporters/` at least 1/3 of `/pricing/`'s throughput: "
            f"{'met' if ratio_ok else 'missed'} ({directory.requests_per_second / floor:.2f}); "
            f"p99 ≤ {HTTP_TARGET_P99_MS} ms: {'met' if p99_ok else 'missed'} ({directory.p99_ms:.1f} ms).",
        ]
    return "\n".join(lines) + "\n"
