"""The component report: each part's status, with the clock frozen and real PostgreSQL/Redis rows."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from health.models import Heartbeat
from health.selectors import health_report
from health.services import heartbeat_beat_sent, heartbeat_worker_ran
from notifications.models import Notification

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 8, 10, 30, tzinfo=dt.UTC)  # a Sunday, the morning US clocks change
MINUTE = dt.timedelta(minutes=1)


@pytest.fixture
def redis_url(settings, redis_server):
    """Redis, the broker and the cache all on a redis-server of this test's own, which it may stop."""
    settings.REDIS_URL = redis_server.url
    settings.CELERY_BROKER_URL = redis_server.url
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_server.url,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    return redis_server


def components(client) -> dict:
    response = client.get(reverse("health:report"))
    assert response.status_code == 200  # the verdict is in the body, never in the status code
    return response.json()["components"]


def run_heartbeats(*, start: dt.datetime, end: dt.datetime, worker_until: dt.datetime | None) -> None:
    """Beat sends a heartbeat every minute from ``start`` up to ``end`` (the last one exactly at ``end``);
    a worker runs each one a second later, until ``worker_until``."""
    sends = []
    at = end
    while at >= start:
        sends.insert(0, at)
        at -= MINUTE
    for at in sends:
        heartbeat_beat_sent(at=at)
        if worker_until is not None and at <= worker_until:
            heartbeat_worker_ran(at=at + dt.timedelta(seconds=1))


@time_machine.travel(NOW, tick=False)
def test_report_all_ok_when_beat_and_worker_keep_up(client, redis_url):
    run_heartbeats(start=NOW - 30 * MINUTE, end=NOW - 20 * dt.timedelta(seconds=1), worker_until=NOW)
    report = components(client)
    assert {name: c["status"] for name, c in report.items()} == {
        "database": "ok",
        "redis": "ok",
        "outbox_backlog": "ok",
        "outbox_oldest": "ok",
        "failed_emails": "ok",
        "beat": "ok",
        "worker": "ok",
    }
    assert report["worker"]["waiting_seconds"] == 0
    assert report["beat"]["last_run_seconds"] == 20


@time_machine.travel(NOW, tick=False)
def test_report_worker_stopped_fails_the_worker_not_beat_nor_readiness(client, redis_url):
    run_heartbeats(
        start=NOW - 60 * MINUTE, end=NOW - 10 * dt.timedelta(seconds=1), worker_until=NOW - 15 * MINUTE
    )
    report = components(client)
    assert report["beat"]["status"] == "ok"
    assert report["worker"]["status"] == "fail"
    # The first heartbeat no worker ran was sent 14 min 10 s ago; the last one a worker ran, 15 min ago.
    assert report["worker"]["waiting_seconds"] == 14 * 60 + 10
    assert report["worker"]["last_run_seconds"] == 15 * 60 + 9
    assert client.get(reverse("health:ready")).status_code == 200


@time_machine.travel(NOW, tick=False)
def test_report_worker_warns_before_it_fails(client, redis_url, settings):
    run_heartbeats(start=NOW - 10 * MINUTE, end=NOW, worker_until=NOW - 4 * MINUTE)
    assert components(client)["worker"]["status"] == "warn"  # waiting 3 min: warn at 180 s, fail at 600 s
    settings.HEALTH_WORKER_WARN_SECONDS = 240
    assert components(client)["worker"]["status"] == "ok"


@time_machine.travel(NOW, tick=False)
def test_report_beat_stale_fails_beat_and_leaves_a_caught_up_worker_ok(client, redis_url):
    run_heartbeats(start=NOW - 60 * MINUTE, end=NOW - 20 * MINUTE, worker_until=NOW)
    report = components(client)
    assert (report["beat"]["status"], report["beat"]["last_run_seconds"]) == ("fail", 20 * 60)
    assert (report["worker"]["status"], report["worker"]["waiting_seconds"]) == ("ok", 0)
    assert client.get(reverse("health:ready")).status_code == 200


@time_machine.travel(NOW, tick=False)
def test_report_beat_warns_after_three_missed_minutes(client, redis_url):
    run_heartbeats(start=NOW - 10 * MINUTE, end=NOW - 4 * MINUTE, worker_until=NOW)
    assert components(client)["beat"]["status"] == "warn"


@time_machine.travel(NOW, tick=False)
def test_report_beat_that_never_ran_fails_and_the_worker_is_unknown(client, redis_url):
    report = components(client)
    assert report["beat"] == {
        "status": "fail",
        "last_run_seconds": None,
        "warn_after_seconds": 180,
        "fail_after_seconds": 600,
    }
    assert report["worker"]["status"] == "unknown"


def make_notification(key: str, *, created: dt.datetime, status=Notification.Status.PENDING, **fields):
    with time_machine.travel(created, tick=False):
        return Notification.objects.create(
            key=key, to="someone@example.com", subject="Your session", body_text="-", status=status, **fields
        )


@time_machine.travel(NOW, tick=False)
def test_report_old_outbox_backlog_fails_and_readiness_stays_200(client, settings):
    settings.HEALTH_OUTBOX_BACKLOG_WARN = 3
    make_notification("a", created=NOW - 40 * MINUTE)
    make_notification(
        "b", created=NOW - 2 * MINUTE, status=Notification.Status.SENDING, claimed_at=NOW - MINUTE
    )
    make_notification("c", created=NOW - MINUTE)
    make_notification("sent", created=NOW - 90 * MINUTE, status=Notification.Status.SENT, sent_at=NOW)
    report = components(client)
    assert report["outbox_backlog"] == {"status": "warn", "unsent": 3, "warn_at": 3, "fail_at": 500}
    assert report["outbox_oldest"] == {
        "status": "fail",
        "oldest_unsent_seconds": 40 * 60,
        "warn_after_seconds": 300,
        "fail_after_seconds": 1800,
    }
    assert client.get(reverse("health:ready")).status_code == 200

    Notification.objects.filter(key="a").update(status=Notification.Status.SENT, sent_at=NOW)
    report = components(client)
    assert (report["outbox_oldest"]["status"], report["outbox_oldest"]["oldest_unsent_seconds"]) == (
        "ok",
        120,
    )
    assert report["outbox_backlog"]["status"] == "ok"


@time_machine.travel(NOW, tick=False)
def test_report_outbox_oldest_warns_after_five_minutes(client):
    make_notification("a", created=NOW - 6 * MINUTE)
    assert components(client)["outbox_oldest"]["status"] == "warn"


@time_machine.travel(NOW, tick=False)
def test_report_counts_failed_emails_of_the_last_day_only(client, settings):
    failed = Notification.Status.FAILED
    make_notification(
        "old", created=NOW - dt.timedelta(days=3), status=failed, claimed_at=NOW - dt.timedelta(days=2)
    )
    assert components(client)["failed_emails"]["status"] == "ok"
    make_notification(
        "new", created=NOW - dt.timedelta(hours=5), status=failed, claimed_at=NOW - dt.timedelta(hours=4)
    )
    assert components(client)["failed_emails"] == {
        "status": "warn",
        "failed": 1,
        "window_hours": 24,
        "warn_at": 1,
        "fail_at": 10,
    }
    settings.HEALTH_FAILED_EMAILS_FAIL = 1
    assert components(client)["failed_emails"]["status"] == "fail"


@time_machine.travel(NOW, tick=False)
def test_redis_down_fails_redis_in_the_report_but_not_readiness(client, redis_url):
    run_heartbeats(start=NOW - 5 * MINUTE, end=NOW, worker_until=NOW)
    assert components(client)["redis"]["status"] == "ok"
    redis_url.stop()
    report = components(client)
    assert report["redis"] == {"status": "fail"}
    assert (report["beat"]["status"], report["worker"]["status"]) == ("ok", "ok")  # not stale yet
    ready = client.get(reverse("health:ready"))
    assert (ready.status_code, ready.json()) == (200, {"status": "ok", "database": "ok"})
    assert client.get(reverse("home")).status_code == 200  # and pages still work without Redis


def test_report_without_redis_has_no_queue_components(client, settings):
    """Embedded mode: no REDIS_URL, tasks run inline, so there is no Redis, beat or worker to report."""
    settings.REDIS_URL = ""
    assert set(components(client)) == {"database", "outbox_backlog", "outbox_oldest", "failed_emails"}


def test_report_with_the_database_unreachable(client, redis_url, unreachable_database):
    data = client.get(reverse("health:report")).json()
    assert data["status"] == "fail"
    assert {name: c["status"] for name, c in data["components"].items()} == {
        "database": "fail",
        "redis": "ok",
        "outbox_backlog": "unknown",
        "outbox_oldest": "unknown",
        "failed_emails": "unknown",
        "beat": "unknown",
        "worker": "unknown",
    }


@time_machine.travel(NOW, tick=False)
def test_overall_status_is_the_worst_component(redis_url, settings):
    run_heartbeats(start=NOW - 10 * MINUTE, end=NOW, worker_until=NOW)
    assert health_report().status == "ok"
    make_notification("a", created=NOW - 6 * MINUTE)
    assert health_report().status == "warn"
    Heartbeat.objects.filter(name="beat").update(at=timezone.now() - 11 * MINUTE)
    assert health_report().status == "fail"
