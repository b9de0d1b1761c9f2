"""Options shared by our Celery tasks.

``RETRY_ON_DB_ERROR``: a task that is safe to run twice (every task here: they take ids, re-read their
rows and check what is already done) is retried when the database drops out under it (a failover, a
restart, a connection the server closed), instead of failing and waiting for the next periodic sweep.
Spread as ``@shared_task(**RETRY_ON_DB_ERROR)``; a task with its own ``autoretry_for`` adds
``DB_ERRORS`` to it.
"""

from django.db import InterfaceError, OperationalError

DB_ERRORS: tuple[type[Exception], ...] = (OperationalError, InterfaceError)

RETRY_ON_DB_ERROR = {
    "autoretry_for": DB_ERRORS,
    "retry_backoff": 5,  # 5, 10, 20, 40, 80 s (jittered), capped at 5 minutes
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 5,
}
