from celery import shared_task

from . import gateway, services


@shared_task(autoretry_for=(gateway.GatewayUnavailable,), retry_backoff=10, max_retries=6)
def charge_booking(booking_id: int) -> None:
    """Charge an accepted booking off-session. Safe to run twice (attempt rows + idempotency keys)."""
    services.payment_charge_off_session(booking_id=booking_id)


@shared_task
def send_refund(refund_id: int) -> None:
    """Send one refund to Stripe. Safe to run twice; failures are retried by retry_money."""
    services.refund_send(refund_id=refund_id)


@shared_task
def retry_money() -> None:
    """Every few minutes: charges and refunds that could not reach Stripe are sent again, same keys."""
    services.payments_retry_pending()
    services.refunds_retry_due()


@shared_task(autoretry_for=(gateway.GatewayUnavailable,), retry_backoff=10, max_retries=6)
def process_webhook(event_id: int) -> None:
    services.webhook_process(event_id=event_id)
