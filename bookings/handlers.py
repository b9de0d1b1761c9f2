"""How bookings reacts to what the apps below it announce (registered in BookingsConfig.ready()).

Every handler here runs synchronously inside the announcer's transaction: what it writes commits or
rolls back with the announcer's change, and its side effects (emails) go after commit through the
outbox. Lock order: payments has locked the payable and the payment before announcing; the handler
then locks the booking (bookings never locks a payable while holding an unpaid booking, so the two
orders never cross: it closes an unpaid payable after its own commit)."""

from payments import services as payments
from payments.events import PaymentFailed, PaymentRefunded, PaymentSucceeded
from payments.models import Payment, Refund

from . import emails, services
from .models import Booking


def _booking_id(payable_id: int) -> int | None:
    return Booking.objects.filter(payable_id=payable_id).values_list("pk", flat=True).first()


def on_payment_succeeded(event: PaymentSucceeded) -> None:
    """A session's fee is paid: confirm the booking (payment_pending -> confirmed, with its email). If the
    booking no longer wants the money (released or cancelled a moment before), hand it back at once
    (payments.payment_refuse). Runs in payments' transaction, payable and payment locked; locks the
    booking."""
    if event.purpose != Booking.PAYABLE_PURPOSE:
        return
    # A booking's payable is named after it (booking_accept: reference=booking.pk); the service checks
    # under the booking's lock that it really is this booking's payable.
    booking_id = int(event.reference) if event.reference.isdigit() else _booking_id(event.payable_id)
    if booking_id is None:
        return
    confirmed = services.booking_payment_succeeded(
        booking_id=booking_id,
        amount_cents=event.amount_cents,
        payable_id=event.payable_id,
        receipt=emails.Receipt(
            card_brand=event.card_brand, card_last4=event.card_last4, paid_at=event.succeeded_at
        ),
    )
    if not confirmed:
        payments.payment_refuse(payment_id=event.payment_id)


def on_payment_failed(event: PaymentFailed) -> None:
    """The automatic (off-session) charge of a session failed or needs the seeker: ask them, once, to pay
    on the site before the deadline. A failed try on the pay page is shown there and needs no email.
    Runs in payments' transaction, payable and payment locked; locks the booking."""
    if event.purpose != Booking.PAYABLE_PURPOSE or not event.off_session:
        return
    booking_id = _booking_id(event.payable_id)
    if booking_id is not None:
        services.booking_payment_failed(booking_id=booking_id)


def on_payment_refunded(event: PaymentRefunded) -> None:
    """Stripe confirmed a refund of a session's fee, whatever its cause: the seeker gets one email with
    the amount and when to expect it. A staff refund that hands back the whole fee also records the
    booking's money outcome as a full refund (the admin and the seeker's page then read "refunded").
    Runs in payments' transaction, payable, payment and refund locked; locks the booking."""
    if event.purpose != Booking.PAYABLE_PURPOSE:
        return
    booking_id = _booking_id(event.payable_id)
    if booking_id is None:
        return
    booking = (
        Booking.objects.select_for_update().select_related("seeker__user", "supporter").get(pk=booking_id)
    )
    if event.reason == Refund.Reason.STAFF and booking.money != Booking.Money.REFUND_FULL:
        payment = Payment.objects.get(pk=event.payment_id)
        if payment.refundable_cents == 0:
            booking.money = Booking.Money.REFUND_FULL
            booking.save(update_fields=["money", "updated_at"])
    emails.email_refunded(booking, refund_id=event.refund_id, amount_cents=event.amount_cents)
