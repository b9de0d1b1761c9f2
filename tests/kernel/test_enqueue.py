"""enqueue_on_commit: after commit only, and a broker outage costs a log line, not the request."""

import logging

import pytest
from celery import shared_task
from django.db import transaction

from peersnet.celery import app as celery_app
from peersnet.kernel.enqueue import enqueue, enqueue_on_commit

CALLS: list[int] = []


@shared_task(name="tests.kernel.record")
def record(value: int) -> None:
    CALLS.append(value)


@pytest.fixture(autouse=True)
def _no_calls():
    CALLS.clear()
    yield
    CALLS.clear()


@pytest.mark.django_db(transaction=True)
def test_enqueue_on_commit_runs_the_task_after_commit_and_never_on_rollback():
    with transaction.atomic():
        enqueue_on_commit(record, 1)
        assert CALLS == []  # not inside the transaction
    assert CALLS == [1]
    with pytest.raises(RuntimeError), transaction.atomic():
        enqueue_on_commit(record, 2)
        raise RuntimeError("the change fails")
    assert CALLS == [1]


@pytest.mark.django_db(transaction=True)
def test_enqueue_with_the_broker_down_logs_and_lets_the_request_finish(redis_server, caplog):
    """Redis (the broker) is really stopped; the committed change stays, the task is left to its sweep."""
    redis_server.stop()
    broker_url = celery_app.conf.broker_url
    celery_app.conf.update(task_always_eager=False, broker_url=redis_server.url)
    celery_app._pool = celery_app.amqp._producer_pool = None  # no connection left from earlier tests
    try:
        with caplog.at_level(logging.WARNING, logger="peersnet.kernel.enqueue"), transaction.atomic():
            enqueue_on_commit(record, 3)
        assert enqueue(record, 4) is False
    finally:
        celery_app.conf.update(task_always_eager=True, broker_url=broker_url)
        celery_app._pool = celery_app.amqp._producer_pool = None
    assert CALLS == []
    assert "could not queue tests.kernel.record(3,)" in caplog.text
    assert enqueue(record, 5) is True
    assert CALLS == [5]
