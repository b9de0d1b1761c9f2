from celery import shared_task

from peersnet.kernel.tasks import RETRY_ON_DB_ERROR

from . import services


@shared_task(**RETRY_ON_DB_ERROR)
def send_gift_emails(gift_id: int) -> None:
    """Send a gift's receipt and, when due, its gift email. Safe to run twice (the gift row records what
    went out and who is sending)."""
    services.gift_emails_send(gift_id=gift_id)


@shared_task(**RETRY_ON_DB_ERROR)
def deliver_gifts() -> None:
    """Every few minutes: gift emails whose delivery date has come, and receipts or gift emails that failed
    or were queued while Redis was down (refunds are retried by payments' retry_money). Safe to run twice."""
    services.gifts_send_due()
