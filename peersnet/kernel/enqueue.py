"""Queue a Celery task once the current transaction commits, and survive a broker outage.

Every task we queue is also covered by a periodic sweep (the outbox sweep, retry_money, the daily
slot roll, ...), so a task that can't be queued is logged, not raised: the person's request already
succeeded and the sweep catches up. Outside a transaction the task is queued at once."""

import logging

from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue(task, *args) -> bool:
    """``task.delay(*args)`` now; False (logged) when the broker can't take it."""
    try:
        task.delay(*args)
    except Exception:  # the broker is down: the periodic sweep covers it
        logger.warning("could not queue %s%s; the sweep catches up", task.name, args, exc_info=True)
        return False
    return True


def enqueue_on_commit(task, *args, using: str | None = None) -> None:
    """``task.delay(*args)`` after the current transaction commits (nothing if it rolls back)."""
    transaction.on_commit(lambda: enqueue(task, *args), using=using)
