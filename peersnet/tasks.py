from celery import shared_task
from django.core import management

from peersnet.kernel.tasks import RETRY_ON_DB_ERROR


@shared_task(**RETRY_ON_DB_ERROR)
def clear_expired_sessions() -> None:
    """Delete expired login sessions (daily, from beat). Safe to run twice."""
    management.call_command("clearsessions")
