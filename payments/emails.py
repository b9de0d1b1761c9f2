from django.conf import settings

from notifications.services import Email, notification_queue

from .models import Payment


def email_dispute_alert(*, payment: Payment | None, dispute_id: str, charge_id: str) -> None:
    """Staff hear of a card dispute at once. Says what was paid for ("booking 12", "gift 3"), never what
    was said in a session."""
    if payment is not None:
        payable = payment.payable
        booking = f"{payable.purpose} {payable.key_prefix.removeprefix(payable.purpose + '-')}"
    else:
        booking = "an unknown payment"
    notification_queue(
        Email(
            key=f"dispute-{dispute_id or charge_id}",
            to=settings.STAFF_ALERT_EMAIL,
            subject="A card payment is disputed",
            template="email/notice",
            context={
                "subject": "A card payment is disputed",
                "name": "team",
                "lines": [
                    f"Stripe reports a dispute ({dispute_id}) on charge {charge_id}, for {booking}.",
                    "Please respond in the Stripe dashboard before the deadline.",
                ],
                "action_label": "Open the payments admin",
                "action_url": settings.SITE_URL + "/admin/payments/payment/",
            },
        )
    )


def email_paid_twice_alert(*, payment: Payment) -> None:
    """Staff hear at once that a payable was paid twice: the second payment is refunded automatically;
    they check the refund went through and look at why. Says what was paid for, nothing else."""
    payable = payment.payable
    what = f"{payable.purpose} {payable.key_prefix.removeprefix(payable.purpose + '-')}"
    notification_queue(
        Email(
            key=f"paid-twice-{payment.pk}",
            to=settings.STAFF_ALERT_EMAIL,
            subject="A payment was taken twice",
            template="email/notice",
            context={
                "subject": "A payment was taken twice",
                "name": "team",
                "lines": [
                    f"A second card payment succeeded for {what} (payment {payment.pk}, "
                    f"Stripe {payment.stripe_payment_intent_id}).",
                    "It is being refunded automatically. Please check that the refund went through.",
                ],
                "action_label": "Open the payments paid twice",
                "action_url": settings.SITE_URL + "/admin/payments/payable/?paid_twice_at__isempty=0",
            },
        )
    )
