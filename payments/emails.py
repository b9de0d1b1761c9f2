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
