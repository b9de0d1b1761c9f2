from celery import shared_task

from peersnet.kernel.tasks import RETRY_ON_DB_ERROR

from .services import (
    bookings_complete_due,
    bookings_expire_due,
    bookings_release_due,
    bookings_send_reminders,
    credits_settle_due,
    intake_send_reminders,
)


@shared_task(**RETRY_ON_DB_ERROR)
def expire_requests() -> None:
    """Every few minutes: expire requests past their deadline and free their slots. Safe to rerun."""
    bookings_expire_due()


@shared_task(**RETRY_ON_DB_ERROR)
def complete_sessions() -> None:
    """Every few minutes: sessions whose end has passed become completed, and gift credits of sessions
    that kept their fee are settled (a safety net). Safe to rerun."""
    bookings_complete_due()
    credits_settle_due()


@shared_task(**RETRY_ON_DB_ERROR)
def send_reminders() -> None:
    """Every 5 minutes: queue 24-hour and 1-hour reminders (the outbox sends each once)."""
    bookings_send_reminders()


@shared_task(**RETRY_ON_DB_ERROR)
def send_intake_reminders() -> None:
    """Hourly: nudge seekers with an upcoming session to complete their intake (once a day each)."""
    intake_send_reminders()


@shared_task(**RETRY_ON_DB_ERROR)
def release_unpaid() -> None:
    """Every 5 minutes: accepted sessions not paid by their deadline are released."""
    bookings_release_due()
