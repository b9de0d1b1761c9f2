from celery import shared_task

from peersnet.kernel.tasks import RETRY_ON_DB_ERROR

from . import services


@shared_task(**RETRY_ON_DB_ERROR)
def sweep_messaging() -> None:
    """Every minute: unread-message emails (one per unread batch) and reply-by nudges. Safe to overlap."""
    services.messaging_sweep()
