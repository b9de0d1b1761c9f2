"""Buying gifts against localstripe the way the pay page does, and reading links out of the sent emails."""

import datetime as dt
import json
import re
import urllib.request

from django.conf import settings
from django.utils import timezone

from giftcards import services
from giftcards.models import Gift, SessionCredit
from payments.models import Payable, Payment
from tests.payments.helpers import GOOD, NEEDS_3DS, sdk

CLAIM_RE = re.compile(r"/gift/claim/([A-Za-z0-9_-]+)/")
STATUS_RE = re.compile(r"/gift/status/([A-Za-z0-9_-]+)/")


def new_gift(**overrides) -> Gift:
    """An unpaid gift, made by the service the buy page calls."""
    fields = {
        "buyer_name": "Sam Lee",
        "buyer_email": "sam@example.com",
        "recipient_name": "Jamie",
        "recipient_email": "jamie@example.com",
        "message": "Thinking of you. This is for you, whenever you're ready.",
        "sessions": 3,
        "delivery_date": None,
        "buyer_time_zone": "America/Los_Angeles",
    }
    fields.update(overrides)
    return services.gift_create(**fields)


def confirmed_setup(gift: Gift, number: str = GOOD) -> str:
    """What Stripe.js does on the pay page: confirm the page's SetupIntent with the card. Returns its id."""
    secret = services.gift_checkout_start(gift_id=gift.pk)
    setup_intent_id = secret.split("_secret_")[0]
    method = sdk().v1.payment_methods.create(
        params={"type": "card", "card": {"number": number, "exp_month": 12, "exp_year": 2031, "cvc": "123"}}
    )
    result = sdk().v1.setup_intents.confirm(setup_intent_id, params={"payment_method": method.id})
    if number == NEEDS_3DS and result.status == "requires_action":
        # localstripe's "Complete authentication": Stripe.js confirms again with the client secret.
        sdk().v1.setup_intents.confirm(setup_intent_id, params={"client_secret": secret})
    return setup_intent_id


def pay(gift: Gift, number: str = GOOD) -> services.PayResult:
    return services.gift_pay(gift_id=gift.pk, setup_intent_id=confirmed_setup(gift, number))


def authenticate(client_secret: str, *, success: bool = True) -> None:
    """Press "Complete authentication" (or "Fail authentication") in localstripe's 3-D Secure modal."""
    intent_id = client_secret.split("_secret_")[0]
    url = f"{settings.STRIPE_API_BASE}/v1/payment_intents/{intent_id}/_authenticate"
    url += f"?success={str(success).lower()}"
    body = json.dumps({"key": settings.STRIPE_PUBLISHABLE_KEY, "client_secret": client_secret}).encode()
    urllib.request.urlopen(urllib.request.Request(url, data=body, method="POST"), timeout=5).close()


def token_in(mailoutbox, to: str, pattern=CLAIM_RE) -> str:
    """The token of the newest email to ``to`` carrying such a link."""
    for message in reversed(mailoutbox):
        if message.to == [to]:
            found = pattern.search(message.body)
            if found:
                return found.group(1)
    raise AssertionError(f"no link for {to} in {[m.subject for m in mailoutbox]}")


def claimed_gift(seeker, *, sessions: int = 1, buyer_name: str = "Sam Lee", **fields) -> Gift:
    """A paid gift already claimed by ``seeker``, written directly (for the credit rules, which don't
    depend on how the gift was bought)."""
    now = timezone.now()
    gift = Gift.objects.create(
        buyer_name=buyer_name,
        buyer_email=fields.pop("buyer_email", "sam@example.com"),
        recipient_name=seeker.user.get_short_name(),
        recipient_email=seeker.user.email,
        message=fields.pop("message", "For you."),
        sessions=sessions,
        amount_cents=sessions * settings.SESSION_PRICE_CENTS,
        status=Gift.Status.CLAIMED,
        issued_at=now - dt.timedelta(days=1),
        delivered_at=now - dt.timedelta(days=1),
        receipt_sent_at=now - dt.timedelta(days=1),
        claimed_at=now,
        claimed_by=seeker,
        **fields,
    )
    SessionCredit.objects.bulk_create([SessionCredit(gift=gift, seeker=seeker) for _ in range(sessions)])
    return gift


def subjects(mailoutbox, to=None) -> list[str]:
    return [m.subject for m in mailoutbox if to is None or m.to == [to]]


def attempts(gift: Gift) -> list[Payment]:
    """The gift's payment attempts in the ledger, first to last."""
    return list(Payment.objects.filter(payable_id=gift.payable_id).order_by("attempt"))


def paid_attempt(gift: Gift) -> Payment | None:
    """The attempt that paid the gift, or None."""
    return Payment.objects.filter(payable_id=gift.payable_id, status=Payment.Status.SUCCEEDED).first()


def latest_intent_id(gift: Gift) -> str | None:
    """The PaymentIntent of the gift's latest attempt that reached Stripe."""
    latest = [a for a in attempts(gift) if a.stripe_payment_intent_id]
    return latest[-1].stripe_payment_intent_id if latest else None


def paid_intent_id(gift: Gift) -> str:
    return paid_attempt(gift).stripe_payment_intent_id


def customer_of(gift: Gift) -> str:
    """The gift's own Stripe customer (the buyer has no account)."""
    return Payable.objects.values_list("stripe_customer_id", flat=True).get(pk=gift.payable_id)
