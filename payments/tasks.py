import contextlib

from celery import shared_task

from peersnet.kernel.tasks import DB_ERRORS, RETRY_ON_DB_ERROR

from . import gateway, services


@shared_task(
    autoretry_for=(gateway.GatewayUnavailable, *DB_ERRORS), retry_backoff=10, retry_jitter=True, max_retries=6
)
def charge_off_session(payable_id: int) -> None:
    """Charge an open payable with its seeker's saved card. Safe to run twice (attempt rows + keys)."""
    services.payment_charge_off_session(payable_id=payable_id)


@shared_task(**RETRY_ON_DB_ERROR)
def close_payable(payable_id: int) -> None:
    """Close a payable its owner no longer wants paid, and cancel its open intents. Safe to run twice."""
    services.payable_close(payable_id=payable_id)


@shared_task(**RETRY_ON_DB_ERROR)
def send_refund(refund_id: int) -> None:
    """Send one refund to Stripe. Safe to run twice; failures are retried by retry_money."""
    services.refund_send(refund_id=refund_id)


@shared_task(**RETRY_ON_DB_ERROR)
def retry_money() -> None:
    """Every few minutes: charges and refunds that could not reach Stripe are sent again (same keys),
    webhook events left unprocessed (Stripe unreachable, or their worker died) are processed, and deleted
    accounts' Stripe customers still at Stripe are deleted."""
    services.payments_retry_pending()
    services.refunds_retry_due()
    services.webhooks_process_stuck()
    services.customers_erase_due()


@shared_task(**RETRY_ON_DB_ERROR)
def erase_customer(customer_id: int) -> None:
    """Delete a deleted account's Stripe customer. Safe to run twice; retried by retry_money."""
    with contextlib.suppress(gateway.GatewayUnavailable):  # logged by the gateway; retry_money retries
        services.customer_erase_send(customer_id=customer_id)
