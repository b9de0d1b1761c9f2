"""What payments announces (peersnet.kernel.events). Each names the payable's purpose and id, so the app
that owns the payable (``Booking.payable``, ``Gift.payable``) finds its row; payments never looks up."""

from dataclasses import dataclass
from datetime import datetime

from peersnet.kernel.events import Event


@dataclass(frozen=True)
class PaymentSucceeded(Event):
    """The first successful attempt of an open payable: the payable is now paid. Announced with the
    payable and the payment rows locked. A handler that finds its thing no longer wants the money calls
    ``payments.services.payment_refuse`` in the same transaction (the money goes back)."""

    payable_id: int
    purpose: str
    payment_id: int
    amount_cents: int
    # The owner's own name for the payable (``reference`` given to payable_create: a booking's id), so
    # it finds its row without a lookup, and what a receipt shows, so it needn't read the payment again.
    reference: str = ""
    card_brand: str = ""
    card_last4: str = ""
    succeeded_at: datetime | None = None


@dataclass(frozen=True)
class PaymentFailed(Event):
    """An attempt failed or needs the card holder (3-D Secure). The payable stays open."""

    payable_id: int
    purpose: str
    payment_id: int
    off_session: bool
    message: str


@dataclass(frozen=True)
class PaymentRefunded(Event):
    """Stripe confirmed a refund of one of the payable's payments."""

    payable_id: int
    purpose: str
    payment_id: int
    refund_id: int
    amount_cents: int
    reason: str


@dataclass(frozen=True)
class PaymentDisputed(Event):
    """The card holder disputed a payment with their bank (staff are alerted by payments itself)."""

    payable_id: int
    purpose: str
    payment_id: int
