"""workforce's periodic work: thin tasks that call one service; each is safe to run twice at once."""

from celery import shared_task

from peersnet.kernel.tasks import RETRY_ON_DB_ERROR

from .services import pay, supervision


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
