from celery import shared_task

from peersnet.kernel.tasks import RETRY_ON_DB_ERROR

from .services import notification_send, notification_sweep


@shared_task(**RETRY_ON_DB_ERROR)
def send_notification(notification_id: int) -> None:
    """Send one outbox email. Safe to run twice: a sent row is skipped."""
    notification_send(notification_id=notification_id)


@shared_task(**RETRY_ON_DB_ERROR)
def sweep_outbox() -> None:
    """Every minute: send any email still pending (e.g. queued while Redis was down)."""
    notification_sweep()
