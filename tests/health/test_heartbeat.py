"""The heartbeat: beat records what it sends, a worker records what it runs; and with real processes."""

import datetime as dt
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
import time_machine
from allauth.mfa.totp.internal.auth import TOTP
from celery.signals import before_task_publish
from django.db import connection

from health.models import Heartbeat
from health.selectors import health_report
from health.services import heartbeat_beat_sent, heartbeat_worker_ran
from health.tasks import HEARTBEAT_TASK, heartbeat
from tests.concurrency import postgresql_only
from tests.factories import SeekerFactory, StaffFactory

NOW = dt.datetime(2026, 11, 1, 9, 0, tzinfo=dt.UTC)  # the morning US clocks fall back
SECOND = dt.timedelta(seconds=1)
ROOT = Path(__file__).resolve().parents[2]


def rows() -> dict:
    return {row.name: (row.at, row.waiting_since) for row in Heartbeat.objects.all()}


@pytest.mark.django_db
def test_beat_sending_starts_the_workers_wait_once_and_a_worker_run_clears_it():
    heartbeat_beat_sent(at=NOW)
    assert rows() == {"beat": (NOW, None), "worker": (None, NOW)}
    heartbeat_beat_sent(at=NOW + 60 * SECOND)  # still not run: the wait started with the first one
    assert rows() == {"beat": (NOW + 60 * SECOND, None), "worker": (None, NOW)}
    heartbeat_worker_ran(at=NOW + 61 * SECOND)
    assert rows() == {"beat": (NOW + 60 * SECOND, None), "worker": (NOW + 61 * SECOND, None)}
    heartbeat_worker_ran(at=NOW + 62 * SECOND)  # several workers, or a rerun: harmless
    heartbeat_beat_sent(at=NOW + 120 * SECOND)
    assert rows() == {"beat": (NOW + 120 * SECOND, None), "worker": (NOW + 62 * SECOND, NOW + 120 * SECOND)}


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_heartbeat_task_records_the_worker_run():
    heartbeat.delay()  # eager in tests: runs here, as a worker would
    assert rows() == {"worker": (NOW, None)}


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_publishing_the_heartbeat_records_beat_and_other_tasks_do_not():
    """The receiver beat runs, called through Celery's own signal as the publisher calls it."""
    common = {"body": ((), {}, {}), "exchange": "", "routing_key": "celery", "headers": {}, "properties": {}}
    before_task_publish.send(sender="notifications.tasks.send_notification", **common)
    assert rows() == {}
    before_task_publish.send(sender=HEARTBEAT_TASK, **common)
    assert rows() == {"beat": (NOW, None), "worker": (None, NOW)}


def test_beat_schedule_sends_the_heartbeat(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["heartbeat"]
    assert entry == {"task": HEARTBEAT_TASK, "schedule": float(settings.HEALTH_HEARTBEAT_SECONDS)}


# --- Staff ------------------------------------------------------------------------------------------


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_staff_read_the_report_in_the_admin(client, settings, redis_server):
    settings.REDIS_URL = redis_server.url
    staff = StaffFactory(is_superuser=True)
    TOTP.activate(staff, "JBSWY3DPEHPK3PXP")
    client.force_login(staff)
    heartbeat_beat_sent(at=NOW - 700 * SECOND)
    heartbeat_worker_ran(at=NOW - 699 * SECOND)
    response = client.get("/admin/health/heartbeat/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "System health" in body
    assert "Beat last sent a heartbeat 700 s ago" in body
    assert "Workers have run every heartbeat beat sent." in body
    assert "no-store" in response["Cache-Control"]  # signed-in pages are never cached


@pytest.mark.django_db
def test_the_admin_report_is_for_staff_only(client):
    client.force_login(SeekerFactory().user)
    response = client.get("/admin/health/heartbeat/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


# --- With real processes ----------------------------------------------------------------------------


def _start(args: list[str], env: dict, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "peersnet", *args, "--loglevel=INFO"],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def _wall_clock() -> dt.datetime:
    """The real time, even under ``pytest --clock``: beat and the worker write their real clock's time.
    (time-machine's escape hatch is only safe to call while it is travelling.)"""
    hatch = time_machine.escape_hatch
    return dt.datetime.fromtimestamp(hatch.time.time() if hatch.is_travelling() else time.time(), tz=dt.UTC)


def _wait_for(condition, *, what: str, logs: list[Path], timeout: float = 60) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        report = {c.name: c.status for c in health_report(now=_wall_clock()).components}
        if condition(report):
            return report
        if time.monotonic() > deadline:
            tails = "\n".join(f"--- {log.name}\n{log.read_text()[-2000:]}" for log in logs)
            raise AssertionError(f"timed out waiting until {what}; last report {report}\n{tails}")
        time.sleep(0.3)


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_real_beat_and_worker_are_told_apart(settings, redis_server, tmp_path):
    """A real `celery beat` and `celery worker` on a redis-server of the test's own and the test database.

    Heartbeats every second and thresholds of a few seconds, so it runs in real time (processes in
    other interpreters can't share a frozen clock; the report is read at the real time too).
    Stopping the worker fails the worker, not beat; a restarted worker catches up; stopping beat fails
    beat and leaves the running worker ok.
    """
    settings.REDIS_URL = redis_server.url
    settings.HEALTH_BEAT_WARN_SECONDS = settings.HEALTH_WORKER_WARN_SECONDS = 4
    settings.HEALTH_BEAT_FAIL_SECONDS = settings.HEALTH_WORKER_FAIL_SECONDS = 6
    db = connection.settings_dict
    env = {
        **os.environ,
        "DEBUG": "true",
        "DATABASE_URL": "postgres://{}:{}@{}{}/{}".format(
            quote(db["USER"] or "", safe=""),
            quote(db["PASSWORD"] or "", safe=""),
            db["HOST"] or "127.0.0.1",
            f":{db['PORT']}" if db["PORT"] else "",
            db["NAME"],  # the test database, which this test commits to (transaction=True)
        ),
        "REDIS_URL": redis_server.url,
        "HEALTH_HEARTBEAT_SECONDS": "1",
    }
    beat_log, worker_log, worker2_log = (
        tmp_path / "beat.log",
        tmp_path / "worker.log",
        tmp_path / "worker2.log",
    )
    logs = [beat_log, worker_log, worker2_log]
    worker_args = ["worker", "--pool=solo", "--without-gossip", "--without-mingle", "--without-heartbeat"]
    beat = _start(
        ["beat", "--schedule", str(tmp_path / "beat-schedule"), "--max-interval", "1"], env, beat_log
    )
    worker = _start(worker_args, env, worker_log)
    worker2 = None
    try:
        _wait_for(lambda r: r["beat"] == r["worker"] == "ok", what="beat and worker are ok", logs=logs)

        _stop(worker)
        report = _wait_for(lambda r: r["worker"] == "fail", what="the stopped worker fails", logs=logs)
        assert report["beat"] == "ok"

        worker2 = _start(worker_args, env, worker2_log)
        _wait_for(lambda r: r["beat"] == r["worker"] == "ok", what="a new worker catches up", logs=logs)

        _stop(beat)
        report = _wait_for(lambda r: r["beat"] == "fail", what="the stopped beat fails", logs=logs)
        assert report["worker"] == "ok"
    finally:
        for proc in (beat, worker, worker2):
            if proc is not None:
                _stop(proc)
