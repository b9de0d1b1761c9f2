from celery import shared_task
from django.core import management


@shared_task
def clear_expired_sessions() -> None:
    """Delete expired login sessions (daily, from beat). Safe to run twice."""
    management.call_command("clearsessions")
