"""One function per gift email.

The receipt and the gift email carry a link with a raw token, which must never be stored (only its hash
is): they are rendered and sent here, directly, by the task that has just made the token, and the gift
row records that they went out (``receipt_sent_at``, ``delivered_at``). A failed send is tried again by
the periodic task, with a new token. Emails without a secret (all sessions used, refunded) go through
the outbox like every other email.

What the buyer hears is limited on purpose: delivered, claimed, all used. Never who, when, or how many.
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.timezones import zone
from notifications.services import Email, notification_queue
from payments.selectors import payable_paid_payment
from peersnet.kernel.money import format_cents

from .models import Gift

TEMPLATE = "giftcards/email/message"


def _url(name: str, *args) -> str:
    return settings.SITE_URL + reverse(name, args=args)


def _sessions(n: int) -> str:
    return f"{n} peer support session{'s' if n != 1 else ''}"


def _buyer_day(gift: Gift, value) -> str:
    return f"{timezone.localtime(value, zone(gift.buyer_time_zone)):%A %-d %B %Y}"


def _context(subject: str, name: str, lines: list[str], action: tuple[str, str], why: str, **extra) -> dict:
    return {
        "SITE_URL": settings.SITE_URL,
        "SUPPORT_EMAIL": settings.SUPPORT_EMAIL,
        "subject": subject,
        "name": name,
        "lines": lines,
        "action_label": action[0],
        "action_url": action[1],
        "why": why,
        **extra,
    }


def _send_now(to: str, subject: str, context: dict) -> None:
    """Send at once (raises on failure). Only for emails whose link must not be stored anywhere."""
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"{TEMPLATE}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
    )
    message.attach_alternative(render_to_string(f"{TEMPLATE}.html", context), "text/html")
    message.send()


def email_gift(gift: Gift, *, token: str) -> None:
    """To the recipient: who it's from, their message, how many sessions, and the claim link."""
    # The subject says nothing about support: someone may glance at the recipient's inbox.
    subject = f"{gift.from_name} sent you a gift"
    lines = [
        f"{gift.from_name} has given you {_sessions(gift.sessions)} on peersnet. Each one is a "
        f"{settings.SESSION_MINUTES}-minute video session with a trained peer supporter: someone who has "
        "lived through mental-health challenges themselves and is there to listen.",
        "You choose the supporter and the time. To use the gift, open the link below and create an "
        "account, or log in if you already have one. The sessions are then ready in your account, and "
        "booking asks for no card.",
        "The link is just for you, so please don't share it. peersnet accounts are for people aged 18 to 30.",
    ]
    context = _context(
        subject,
        gift.recipient_name,
        lines,
        ("Claim your sessions", _url("giftcards:claim_link", token)),
        "Someone sent you a gift on peersnet. If you weren't expecting it, you can ignore this email.",
        quote=gift.message,
        quote_from=gift.from_name,
    )
    _send_now(gift.recipient_email, subject, context)


def email_receipt(gift: Gift, *, token: str) -> None:
    """To the buyer: the receipt, when the gift is delivered, and the status link."""
    subject = "Your gift receipt"
    paid = payable_paid_payment(payable_id=gift.payable_id)
    card = (
        f" with your {paid.card_brand.title()} card ending {paid.card_last4}"
        if paid and paid.card_last4
        else ""
    )
    if gift.deliver_at and gift.deliver_at > timezone.now():
        when = (
            f"We'll email {gift.recipient_name} ({gift.recipient_email}) on "
            f"{_buyer_day(gift, gift.deliver_at)}."
        )
    else:
        when = f"We're emailing {gift.recipient_name} at {gift.recipient_email} now."
    lines = [
        f"Thank you. You paid {format_cents(gift.amount_cents)}{card} on {_buyer_day(gift, gift.issued_at)} "
        f"for {_sessions(gift.sessions)} for {gift.recipient_name} (gift {gift.pk}).",
        when,
        "We'll let you know three things, and only these: when the gift is delivered, when it's claimed, "
        "and when all the sessions have been used. Who they talk to, when, and what about stays theirs.",
        "Gift sessions can be used with any supporter. Peer support isn't therapy or crisis care.",
    ]
    context = _context(
        subject,
        gift.buyer_name,
        lines,
        ("Follow your gift", _url("giftcards:status", token)),
        "You bought a gift on peersnet. Keep this email: its link shows how the gift is doing.",
    )
    _send_now(gift.buyer_email, subject, context)


def email_all_used(gift: Gift) -> None:
    """To the buyer, once: every session of the gift has been used. Nothing about when or with whom."""
    subject = "All your gift sessions have been used"
    notification_queue(
        Email(
            key=f"gift-{gift.pk}-all-used",
            to=gift.buyer_email,
            subject=subject,
            template=TEMPLATE,
            context=_context(
                subject,
                gift.buyer_name,
                [
                    f"All the sessions you gave {gift.recipient_name} have now been used. "
                    "Thank you for giving them that time.",
                    "If you'd like to give more, you can send another gift whenever you like.",
                ],
                ("Give another gift", _url("giftcards:buy")),
                "You bought a gift on peersnet.",
            ),
        )
    )


def email_refunded(gift: Gift) -> None:
    """To the buyer: the gift was refunded in full and its link no longer works."""
    subject = "Your gift has been refunded"
    notification_queue(
        Email(
            key=f"gift-{gift.pk}-refunded",
            to=gift.buyer_email,
            subject=subject,
            template=TEMPLATE,
            context=_context(
                subject,
                gift.buyer_name,
                [
                    f"We've refunded your gift for {gift.recipient_name} in full: "
                    f"{format_cents(gift.amount_cents)} goes back to your card. "
                    "Banks usually take 5 to 10 days to show it.",
                    "The gift's link no longer works.",
                ],
                ("Contact us", _url("pages:contact")),
                "You bought a gift on peersnet.",
            ),
        )
    )


def _buyer_notice(gift: Gift, kind: str, subject: str, lines: list[str]) -> None:
    notification_queue(
        Email(
            key=f"gift-{gift.pk}-{kind}",
            to=gift.buyer_email,
            subject=subject,
            template=TEMPLATE,
            context=_context(
                subject,
                gift.buyer_name,
                lines,
                ("Give another gift", _url("giftcards:buy")),
                "You bought a gift on peersnet. We tell you when it's delivered, when it's claimed, and "
                "when it's all used; nothing else.",
            ),
        )
    )


def email_delivered(gift: Gift) -> None:
    """To the buyer, once: the gift email reached the recipient's inbox (as the receipt promised)."""
    _buyer_notice(
        gift,
        "delivered",
        "Your gift was delivered",
        [f"We've emailed your gift to {gift.recipient_name}. We'll let you know when they claim it."],
    )


def email_claimed(gift: Gift) -> None:
    """To the buyer, once: the recipient claimed the gift. Nothing about who they'll talk to, or when."""
    _buyer_notice(
        gift,
        "claimed",
        "Your gift was claimed",
        [
            f"{gift.recipient_name} has claimed your gift: the sessions are now in their account, ready "
            "whenever they want them. Who they talk to, when, and what about stays theirs.",
        ],
    )
