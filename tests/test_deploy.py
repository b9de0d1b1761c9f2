"""The deployment recipe in deploy/ and the lock files: each file says what README "Deploying" says it does.

`make prod-smoke` (tools/prod_smoke.sh, run by .ci/run) runs the Procfile and the gunicorn config for real
and books a session through them; these tests check what a smoke run cannot see: the systemd units, the
proxy's logging rule, the lock files against pyproject.toml's ranges, and the SMTP sink on its own.
"""

import configparser
import email
import email.policy
import re
import runpy
import shutil
import smtplib
import socket
import subprocess
import sys
import time
import tomllib
from email.message import EmailMessage
from pathlib import Path

import pytest
from gunicorn.config import Config
from honcho.environ import parse_procfile
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
UNITS = sorted((DEPLOY / "systemd").glob("peersnet-*.service"))


def test_procfile_runs_gunicorn_with_its_config_one_worker_and_beat_at_info_level():
    processes = parse_procfile((DEPLOY / "Procfile").read_text()).processes
    assert set(processes) == {"web", "worker", "beat"}
    assert processes["web"] == "gunicorn peersnet.wsgi --config deploy/gunicorn.conf.py"
    assert processes["worker"].startswith("celery -A peersnet worker ")
    assert processes["beat"].startswith("celery -A peersnet beat ")
    for name in ("worker", "beat"):
        assert "--loglevel=INFO" in processes[name].split()
    assert "--schedule var/celerybeat-schedule" in processes["beat"]


def _gunicorn_config(monkeypatch, **env) -> Config:
    """Load deploy/gunicorn.conf.py as gunicorn does: every name it sets must be a gunicorn setting."""
    for name in ("GUNICORN_BIND", "PORT", "WEB_CONCURRENCY", "FORWARDED_ALLOW_IPS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    namespace = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))
    config = Config()
    names = {k for k, v in namespace.items() if not k.startswith("_") and not callable(v) and k != "os"}
    assert names - set(config.settings) == set(), "not gunicorn settings (a typo?)"
    for name in names:
        config.set(name, namespace[name])
    return config


def test_gunicorn_config_defaults_are_production_shaped(monkeypatch):
    config = _gunicorn_config(monkeypatch)
    assert config.bind == ["127.0.0.1:8000"]
    assert config.workers == 4
    assert config.timeout == 30 and config.graceful_timeout == 30
    assert config.max_requests == 1000 and 0 < config.max_requests_jitter < config.max_requests
    assert config.accesslog is None  # gift claim links carry a secret in their path
    assert config.forwarded_allow_ips == ["127.0.0.1", "::1"]


def test_gunicorn_config_follows_the_environment(monkeypatch):
    config = _gunicorn_config(monkeypatch, PORT="5100", WEB_CONCURRENCY="3", FORWARDED_ALLOW_IPS="10.0.0.2")
    assert config.bind == ["127.0.0.1:5100"]  # honcho's PORT
    assert config.workers == 3
    assert config.forwarded_allow_ips == ["10.0.0.2"]
    config = _gunicorn_config(monkeypatch, PORT="5100", GUNICORN_BIND="10.0.0.5:8000")
    assert config.bind == ["10.0.0.5:8000"]


def _unit(path: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # systemd keys are case-sensitive
    parser.read_string(path.read_text())
    return parser


def test_systemd_units_run_as_an_unprivileged_user_with_hardening_and_info_logs():
    assert [p.name for p in UNITS] == [
        "peersnet-beat.service",
        "peersnet-web.service",
        "peersnet-worker.service",
    ]
    for path in UNITS:
        service = _unit(path)["Service"]
        assert service["User"] == "peersnet" and service["Group"] == "peersnet", path.name
        assert service["EnvironmentFile"] == "/etc/peersnet/peersnet.env"
        assert service["WorkingDirectory"] == "/srv/peersnet"
        assert service["NoNewPrivileges"] == "yes"
        assert service["ProtectSystem"] == "strict"
        assert service["ReadWritePaths"] == "/srv/peersnet/var"  # only var/ is writable
        assert service["PrivateTmp"] == "yes" and service["ProtectHome"] == "yes"
        assert service["CapabilityBoundingSet"] == ""
    web, worker, beat = (
        _unit(DEPLOY / "systemd" / f"peersnet-{n}.service")["Service"]["ExecStart"]
        for n in ("web", "worker", "beat")
    )
    assert web.endswith("gunicorn peersnet.wsgi --config deploy/gunicorn.conf.py")
    assert worker.endswith("celery -A peersnet worker --loglevel=INFO")
    assert beat.endswith("celery -A peersnet beat --loglevel=INFO --schedule var/celerybeat-schedule")


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_systemd_units_pass_systemd_analyze_verify(tmp_path):
    """systemd's own checker, with /srv/peersnet pointed at this checkout so the executables exist."""
    assert (ROOT / ".venv" / "bin" / "gunicorn").exists(), "run `make setup` first"
    for path in UNITS:
        (tmp_path / path.name).write_text(path.read_text().replace("/srv/peersnet", str(ROOT)))
    result = subprocess.run(
        ["systemd-analyze", "verify", *(str(tmp_path / p.name) for p in UNITS)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0 and not result.stderr.strip(), result.stderr


def test_nginx_example_logs_no_gift_path_and_sets_the_forwarded_headers():
    conf = (DEPLOY / "nginx.conf").read_text()
    code = "\n".join(line.split("#", 1)[0] for line in conf.splitlines())
    assert re.search(r"map \$uri \$peersnet_loggable \{\s*~\^/gift/\s+0;\s*default\s+1;\s*\}", code)
    access_logs = re.findall(r"^\s*access_log\s+([^;]+);", code, flags=re.M)
    assert access_logs, "no access_log directive"
    for directive in access_logs:
        assert directive == "off" or directive.endswith("if=$peersnet_loggable"), directive
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in code
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in code  # overwritten, never appended to
    assert "proxy_set_header Host $host;" in code
    assert "ssl_certificate " in code and "listen 443 ssl http2;" in code


# --- Lock files ------------------------------------------------------------------------------------------


def _pins(path: Path) -> dict[str, tuple[str, int]]:
    """{name: (version, number of hashes)} of a pip-compile --generate-hashes file."""
    pins: dict[str, tuple[str, int]] = {}
    current = None
    for line in path.read_text().splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line.startswith(" "):
            requirement = line.rstrip(" \\")
            match = re.fullmatch(r"([A-Za-z0-9._-]+)==([^\s;]+)", requirement)
            assert match, f"{path.name}: not an exact pin: {requirement!r}"
            current = canonicalize_name(match.group(1))
            pins[current] = (match.group(2), 0)
        else:
            assert current and line.strip().startswith("--hash=sha256:"), f"{path.name}: {line!r}"
            version, hashes = pins[current]
            pins[current] = (version, hashes + 1)
    return pins


def test_lock_files_pin_every_range_of_pyproject_with_hashes():
    """Fails when a dependency is added or a range changed in pyproject.toml without `make lock`."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime = _pins(ROOT / "requirements.txt")
    dev = _pins(ROOT / "requirements-dev.txt")
    for locked in (runtime, dev):
        assert all(hashes > 0 for _version, hashes in locked.values())
    for name, (version, _hashes) in runtime.items():
        assert dev.get(name, (None,))[0] == version, (
            f"{name}: requirements-dev.txt differs from requirements.txt"
        )
    for spec, lock, lock_name in [
        *((s, runtime, "requirements.txt") for s in project["dependencies"]),
        *((s, dev, "requirements-dev.txt") for s in project["dependencies"]),
        *((s, dev, "requirements-dev.txt") for s in project["optional-dependencies"]["dev"]),
    ]:
        requirement = Requirement(spec)
        name = canonicalize_name(requirement.name)
        assert name in lock, f"{requirement.name} is not in {lock_name}: run `make lock`"
        version = lock[name][0]
        assert requirement.specifier.contains(version, prereleases=True), (
            f"{lock_name}: {requirement.name}=={version} is outside {requirement.specifier}; run `make lock`"
        )


# --- The SMTP sink of `make prod-smoke` ---------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_smtp_sink_keeps_each_message_whole_as_a_file(tmp_path):
    port = _free_port()
    sink = subprocess.Popen(
        [sys.executable, str(ROOT / "tools" / "smtp_sink.py"), "--port", str(port), "--dir", str(tmp_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                client = smtplib.SMTP("127.0.0.1", port, timeout=5)
                break
            except OSError:
                assert time.monotonic() < deadline, "the sink did not start"
                time.sleep(0.1)
        with client:
            for n in (1, 2):
                message = EmailMessage()
                message["From"], message["To"], message["Subject"] = (
                    "a@example.test",
                    "b@example.test",
                    f"n{n}",
                )
                message.set_content(f"body {n}")
                message.add_attachment(
                    b"BEGIN:VCALENDAR", maintype="text", subtype="calendar", filename="x.ics"
                )
                client.send_message(message)
    finally:
        sink.terminate()
        sink.wait(timeout=10)
    assert sink.returncode == 0
    files = sorted(tmp_path.glob("*.eml"))
    assert [f.suffix for f in tmp_path.iterdir()] == [".eml", ".eml"]  # no .tmp left behind
    saved = [email.message_from_bytes(f.read_bytes(), policy=email.policy.default) for f in files]
    assert [str(m["Subject"]) for m in saved] == ["n1", "n2"]
    assert [a.get_filename() for a in saved[1].iter_attachments()] == ["x.ics"]


def test_readme_beat_table_names_every_scheduled_task_and_nothing_else():
    from django.conf import settings

    readme = (ROOT / "README.md").read_text()
    table = readme[readme.index("Beat's schedule (`CELERY_BEAT_SCHEDULE`") :].split("\n\n", 2)[1]
    listed = set(re.findall(r"^\| `([a-z_.]+)` \|", table, flags=re.MULTILINE))
    assert listed == {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
