from celery import shared_task
from django.utils import timezone

from peersnet.kernel.tasks import RETRY_ON_DB_ERROR

from .services import heartbeat_worker_ran

HEARTBEAT_TASK = "health.tasks.heartbeat"


@shared_task(name=HEARTBEAT_TASK, **RETRY_ON_DB_ERROR)
def heartbeat() -> None:
    """Sent by beat every HEALTH_HEARTBEAT_SECONDS: a worker running it proves tasks are taken. Idempotent.
    It goes to the ``default`` queue (settings.CELERY_TASK_ROUTES), so it measures that queue's workers."""
    heartbeat_worker_ran(at=timezone.now())
