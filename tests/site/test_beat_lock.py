"""Exactly one beat (README "Operations"): two real `celery beat` processes against a redis-server of the
test's own; only the lock holder sends periodic tasks, and when it is killed the other takes over within
the lock's time to live. Beat's own log line for each task it sends ("Sending due task") is the marker.
Real time throughout: processes can't share a frozen clock."""

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis

from peersnet.beat import LOCK_KEY
from tests.concurrency import postgresql_only
from tests.notifications.test_worker_killed import worker_env

ROOT = Path(__file__).resolve().parents[2]
TTL = 4


def start_beat(env: dict, tmp_path: Path, name: str) -> tuple[subprocess.Popen, Path]:
    log = tmp_path / f"{name}.log"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "peersnet",
            "beat",
            "--loglevel=INFO",
            "--schedule",
            str(tmp_path / f"{name}-schedule"),
            "--max-interval",
            "1",
        ],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    return proc, log


def sends(log: Path) -> int:
    return len(re.findall(r"Sending due task heartbeat", log.read_text()))


def wait_for(condition, *, what: str, logs: list[Path], timeout: float = 30) -> float:
    start = time.monotonic()
    while not condition():
        if time.monotonic() - start > timeout:
            tails = "\n".join(f"--- {log.name}\n{log.read_text()[-3000:]}" for log in logs)
            raise AssertionError(f"timed out waiting until {what}\n{tails}")
        time.sleep(0.1)
    return time.monotonic() - start


def stop(proc: subprocess.Popen, sig: int = signal.SIGTERM) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, sig)
        proc.wait(timeout=20)


@postgresql_only
@pytest.mark.fault
@pytest.mark.django_db(transaction=True)
def test_two_beats_only_one_sends_and_the_other_takes_over_when_it_dies(redis_server, settings, tmp_path):
    env = {
        **worker_env(redis_server.url, 1, settings.SITE_URL),
        "HEALTH_HEARTBEAT_SECONDS": "1",
        "BEAT_LOCK_TTL_SECONDS": str(TTL),
    }
    first, first_log = start_beat(env, tmp_path, "beat1")
    second = None
    logs = [first_log]
    try:
        wait_for(
            lambda: "beat lock acquired" in first_log.read_text(), what="the first beat locks", logs=logs
        )
        second, second_log = start_beat(env, tmp_path, "beat2")
        logs.append(second_log)
        wait_for(
            lambda: "another beat holds the lock" in second_log.read_text(),
            what="the second beat waits",
            logs=logs,
        )
        before = sends(first_log)
        time.sleep(2 * TTL)  # longer than the lock's TTL: the holder keeps renewing it
        assert sends(first_log) >= before + TTL  # a heartbeat a second
        assert sends(second_log) == 0
        assert redis.Redis.from_url(redis_server.url).ttl(LOCK_KEY) > 0

        stop(first, signal.SIGKILL)  # no clean release: the lock must expire
        took = wait_for(
            lambda: "beat lock acquired" in second_log.read_text(),
            what="the second beat takes over",
            logs=logs,
        )
        assert took <= TTL + 2  # within the TTL (plus one check of the waiting beat)
        wait_for(lambda: sends(second_log) >= 2, what="the second beat sends", logs=logs)

        third, third_log = start_beat(env, tmp_path, "beat3")  # a clean stop hands over at once
        logs.append(third_log)
        try:
            wait_for(
                lambda: "another beat holds the lock" in third_log.read_text(), what="beat3 waits", logs=logs
            )
            stop(second)
            assert "beat lock released" in second_log.read_text()
            took = wait_for(
                lambda: "beat lock acquired" in third_log.read_text(), what="beat3 takes over", logs=logs
            )
            assert took < TTL
        finally:
            stop(third)
    finally:
        for proc in (first, second):
            if proc is not None:
                stop(proc, signal.SIGKILL)
