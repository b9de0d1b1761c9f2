"""Every task is retried on database errors, and each goes to its queue (README "Operations")."""

import pytest
from django.conf import settings
from django.db import InterfaceError, OperationalError

from peersnet.celery import app

OUR_APPS = (
    "peersnet.",
    "accounts.",
    "bookings.",
    "giftcards.",
    "health.",
    "notifications.",
    "payments.",
    "seekers.",
    "supporters.",
)


def our_tasks() -> dict:
    app.loader.import_default_modules()
    return {name: task for name, task in app.tasks.items() if name.startswith(OUR_APPS)}


def test_every_task_of_ours_retries_when_the_database_drops_out():
    """Each task is safe to run twice (it takes ids and checks what is already done), so each one is
    retried with backoff on OperationalError/InterfaceError rather than waiting for the next sweep."""
    tasks = our_tasks()
    assert len(tasks) >= 15
    for name, task in tasks.items():
        assert {OperationalError, InterfaceError} <= set(task.autoretry_for), name
        assert task.max_retries and task.retry_backoff, name


@pytest.mark.parametrize(
    ("task", "queue"),
    [
        ("notifications.tasks.send_notification", "email"),
        ("notifications.tasks.sweep_outbox", "email"),
        ("payments.tasks.charge_off_session", "payments"),
        ("payments.tasks.send_refund", "payments"),
        ("payments.tasks.retry_money", "payments"),
        ("bookings.tasks.expire_requests", "default"),
        ("giftcards.tasks.send_gift_emails", "default"),
        ("health.tasks.heartbeat", "default"),
    ],
)
def test_tasks_go_to_their_queue(task, queue):
    assert app.amqp.router.route({}, task)["queue"].name == queue


def test_every_queue_has_a_worker_in_the_procfile_and_make_worker_takes_them_all():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    procfile = (root / "deploy" / "Procfile").read_text()
    makefile = (root / "Makefile").read_text()
    queues = {"default", "email", "payments"}
    assert {route["queue"] for route in settings.CELERY_TASK_ROUTES.values()} | {
        settings.CELERY_TASK_DEFAULT_QUEUE
    } == queues
    for queue in queues:
        assert f" -Q {queue} " in procfile
    assert "worker --loglevel=INFO -Q default,email,payments" in makefile


def test_a_lost_task_waits_for_less_than_redis_default_hour():
    """acks_late + reject_on_worker_lost: a task whose worker died goes to another worker after the
    visibility timeout, set on purpose to 15 minutes (over any task's hard time limit)."""
    assert app.conf.task_acks_late and app.conf.task_reject_on_worker_lost
    assert app.conf.broker_transport_options["visibility_timeout"] == 15 * 60
    hard_limits = [app.conf.task_time_limit] + [
        options["time_limit"]
        for options in settings.CELERY_TASK_ANNOTATIONS.values()
        if "time_limit" in options
    ]
    assert max(hard_limits) < app.conf.broker_transport_options["visibility_timeout"]
