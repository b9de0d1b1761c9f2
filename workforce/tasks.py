"""Periodic work for workforce (beat entries: settings CELERY_BEAT_SCHEDULE). Thin, safe to run twice."""

from celery import shared_task

from peersnet.kernel.tasks import RETRY_ON_DB_ERROR

from .services import credentials, onboarding, pay, supervision


@shared_task(**RETRY_ON_DB_ERROR)
def nudge_onboarding() -> int:
    """Hourly: remind supporters whose onboarding has run 10 days of what is left (once each)."""
    return onboarding.onboarding_nudge_due()


@shared_task(**RETRY_ON_DB_ERROR)
def sweep_credentials() -> tuple[int, int]:
    """Hourly: unlist supporters whose credentials expired (staff told once) and send the reminders due
    60, 30 and 7 days before expiry (once each)."""
    return credentials.credentials_sweep()


@shared_task(**RETRY_ON_DB_ERROR)
def generate_pay_statements() -> None:
    """Hourly; acts on the 1st of the month (Pacific, from 02:00): the previous month's statements, one
    per supporter and month whatever the number of runs."""
    pay.statements_generate_due()


@shared_task(**RETRY_ON_DB_ERROR)
def send_supervision_reminders() -> None:
    """Hourly; acts from the 20th (Pacific): one reminder per supporter and month below the 1:1
    supervision requirement."""
    supervision.supervision_reminders_send()
