from celery import shared_task
from django.utils import timezone

from .services import heartbeat_worker_ran

HEARTBEAT_TASK = "health.tasks.heartbeat"


@shared_task(name=HEARTBEAT_TASK)
def heartbeat() -> None:
    """Sent by beat every HEALTH_HEARTBEAT_SECONDS: a worker running it proves tasks are taken. Idempotent."""
    heartbeat_worker_ran(at=timezone.now())
