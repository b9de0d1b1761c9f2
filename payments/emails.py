from django.conf import settings

from notifications.services import Email, notification_queue


def email_dispute_alert(*, payment, dispute_id: str, charge_id: str) -> None:
    """Staff hear of a card dispute at once. Says which booking, never what was said in it."""
    booking = f"booking {payment.booking_id}" if payment else "an unknown payment"
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
