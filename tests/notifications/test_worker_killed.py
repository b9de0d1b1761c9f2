"""A Celery worker SIGKILLed in the middle of a burst of email (README "Operations": at least once).

Real processes throughout: a `celery worker` on the `email` queue against a redis-server of the test's
own and the test database, sending to a real SMTP server (aiosmtpd, slowed to 0.2 s per message so the
kill lands mid-burst). The whole worker (parent and children) is killed with SIGKILL: nothing gets to
reject or requeue its tasks. A second worker takes what is still queued; the outbox sweep, run here with
the clock moved past the claim's staleness (time-machine: processes can't share a frozen clock), sends
what the dead worker held. Every email arrives; a duplicate is possible only for a message the mail
server took just before the kill, so duplicates are counted and bounded by the worker's concurrency.
"""

import datetime as dt
import email
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
import time_machine
from django.db import connection, transaction
from django.utils import timezone

from notifications.models import Notification
from notifications.services import Email, notification_queue, notification_sweep
from peersnet.celery import app as celery_app
from tests.concurrency import postgresql_only
from tests.notifications.test_retries import SlowInbox

ROOT = Path(__file__).resolve().parents[2]
BURST = 30
CONCURRENCY = 2


def worker_env(redis_url: str, smtp_port: int, site_url: str) -> dict:
    db = connection.settings_dict
    return {
        **os.environ,
        "DEBUG": "true",
        "DATABASE_URL": "postgres://{}:{}@{}{}/{}".format(
            quote(db["USER"] or "", safe=""),
            quote(db["PASSWORD"] or "", safe=""),
            db["HOST"] or "127.0.0.1",
            f":{db['PORT']}" if db["PORT"] else "",
            db["NAME"],  # the test database, which this test commits to (transaction=True)
        ),
        "REDIS_URL": redis_url,
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "SITE_URL": site_url,  # the Message-ID domain, as in this process
    }


def use_broker(url: str, *, eager: bool) -> None:
    """Point this process's Celery app at ``url``, dropping connections (and producers) made for another."""
    celery_app.conf.update(task_always_eager=eager, broker_url=url)
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


def start_worker(env: dict, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "peersnet",
            "worker",
            "-Q",
            "email",
            "--pool=prefork",
            f"--concurrency={CONCURRENCY}",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=INFO",
        ],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: one killpg takes the parent and its children
    )


def kill_group(proc: subprocess.Popen, sig: int = signal.SIGKILL) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, sig)
        proc.wait(timeout=20)


def wait_for(condition, *, what: str, logs: list[Path], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            tails = "\n".join(f"--- {log.name}\n{log.read_text()[-3000:]}" for log in logs if log.exists())
            raise AssertionError(f"timed out waiting until {what}\n{tails}")
        time.sleep(0.1)


@postgresql_only
@pytest.mark.fault
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_burst_loses_no_email(smtp_server, redis_server, settings, tmp_path):
    smtp_server.stop()
    smtp_server.inbox = SlowInbox()
    smtp_server.start()
    inbox = smtp_server.inbox.messages
    env = worker_env(redis_server.url, smtp_server.port, settings.SITE_URL)
    logs = [tmp_path / "worker1.log", tmp_path / "worker2.log"]

    # The burst: each email's task goes to the `email` queue of our own Redis after commit.
    broker_url = celery_app.conf.broker_url
    use_broker(redis_server.url, eager=False)
    try:
        with transaction.atomic():
            for i in range(BURST):
                notification_queue(
                    Email(
                        key=f"burst-{i}",
                        to=f"person{i}@example.com",
                        subject="Your session is confirmed",
                        template="notifications/test/hello",
                        context={"name": "Maya"},
                    )
                )
    finally:
        use_broker(broker_url, eager=True)
    assert redis.Redis.from_url(redis_server.url).llen("email") == BURST

    worker = start_worker(env, logs[0])
    worker2 = None
    try:
        wait_for(lambda: len(inbox) >= 6, what="the worker is sending", logs=logs)
        kill_group(worker)  # mid-burst: no warm shutdown, nothing requeued by the worker
        delivered_before_kill = len(inbox)
        assert delivered_before_kill < BURST

        worker2 = start_worker(env, logs[1])
        queue = redis.Redis.from_url(redis_server.url)
        wait_for(lambda: queue.llen("email") == 0, what="the second worker drains the queue", logs=logs)
        last = {"sent": -1, "since": time.monotonic()}

        def settled() -> bool:  # nothing more sent for two seconds: the second worker is done
            sent = Notification.objects.filter(status=Notification.Status.SENT).count()
            if sent != last["sent"]:
                last.update(sent=sent, since=time.monotonic())
            return time.monotonic() - last["since"] > 2

        wait_for(settled, what="the second worker is done sending", logs=logs)
    finally:
        for proc in (worker, worker2):
            if proc is not None:
                kill_group(proc, signal.SIGTERM)

    # What the dead worker held (claimed mid-send, or taken off the queue and never acknowledged): beat's
    # sweep sends it once its claim is stale (10 min) or it is due. Redis would hand the unacknowledged
    # tasks out again after the visibility timeout; by then their rows are sent and they do nothing.
    stuck = Notification.objects.exclude(status=Notification.Status.SENT).count()
    assert stuck <= 2 * CONCURRENCY, "only what the killed worker held may be left"
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=11), tick=True):
        assert notification_sweep() == stuck

    rows = list(Notification.objects.all())
    assert {row.status for row in rows} == {Notification.Status.SENT}
    expected = {f"<{row.message_id}@{settings.EMAIL_MESSAGE_ID_DOMAIN}>" for row in rows}
    received = [email.message_from_string(raw)["Message-ID"] for _rcpt, raw in inbox]
    assert set(received) == expected  # every email arrived
    duplicates = len(received) - len(set(received))
    print(f"{BURST} emails, {delivered_before_kill} before the kill, {stuck} left, {duplicates} duplicates")
    assert duplicates <= CONCURRENCY  # at most one per message in flight at the kill
