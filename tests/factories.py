"""The one factory module: people, supporters and slots, bookings, the payments ledger, gifts and credits.

Factories write rows directly (no Stripe). A test that needs Stripe to know a payment goes through the
services against localstripe (tests/payments/helpers.py); ``BookingFactory(paid=True)`` writes the real
ledger rows a paid session has (a paid payable and its succeeded attempt) without a PaymentIntent.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import factory
from allauth.account.models import EmailAddress
from django.conf import settings
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import User
from bookings.models import Booking
from bookings.policy import request_deadline
from giftcards.models import Gift, SessionCredit
from payments.models import Payable, Payment
from seekers.models import SeekerProfile
from supporters.models import AvailabilityRule, LeaveOfAbsence, Slot, SupporterProfile, Tag, TimeOff
from supporters.services import next_open_update

PASSWORD = "a-Long-and-calm-password-7"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    first_name = factory.Faker("first_name")
    time_zone = "America/Los_Angeles"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        obj.save()
        if create and extracted is not False:
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)


class SeekerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SeekerProfile

    user = factory.SubFactory(
        UserFactory,
        date_of_birth=dt.date(2001, 4, 27),
        terms_accepted_at=factory.LazyFunction(timezone.now),
    )


class StaffFactory(UserFactory):
    is_staff = True


# --- Supporters and slots --------------------------------------------------------------------------


class SupporterFactory(factory.django.DjangoModelFactory):
    """An active supporter in Pacific time with a verified user account."""

    class Meta:
        model = SupporterProfile
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    display_name = factory.Faker("name")
    time_zone = "America/Los_Angeles"
    status = SupporterProfile.Status.ACTIVE

    @factory.post_generation
    def tags(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.tags.set(extracted)


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag
        django_get_or_create = ("kind", "slug")

    kind = Tag.Kind.TOPIC
    name = factory.Sequence(lambda n: f"Topic {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class RuleFactory(factory.django.DjangoModelFactory):
    """A weekly window, Mondays 09:00–12:00 in the supporter's zone unless told otherwise."""

    class Meta:
        model = AvailabilityRule

    supporter = factory.SubFactory(SupporterFactory)
    weekday = AvailabilityRule.Weekday.MONDAY
    start_time = dt.time(9)
    end_time = dt.time(12)


class TimeOffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TimeOff

    supporter = factory.SubFactory(SupporterFactory)
    start_date = factory.LazyFunction(lambda: timezone.now().date() + dt.timedelta(days=7))
    end_date = factory.LazyAttribute(lambda o: o.start_date + dt.timedelta(days=2))


class LeaveFactory(factory.django.DjangoModelFactory):
    """An open-ended leave starting today (in the supporter's zone) unless told otherwise."""

    class Meta:
        model = LeaveOfAbsence

    supporter = factory.SubFactory(SupporterFactory)
    start_date = factory.LazyAttribute(lambda o: timezone.localdate(timezone=o.supporter.tzinfo))
    end_date = None


class SlotFactory(factory.django.DjangoModelFactory):
    """An open 50-minute slot starting on the hour, a day from now unless told otherwise."""

    class Meta:
        model = Slot

    supporter = factory.SubFactory(SupporterFactory)
    start = factory.LazyFunction(
        lambda: (timezone.now() + dt.timedelta(days=1)).replace(minute=0, second=0, microsecond=0)
    )
    end = factory.LazyAttribute(lambda o: o.start + dt.timedelta(minutes=50))
    status = Slot.Status.OPEN

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        slot = super()._create(model_class, *args, **kwargs)
        # As the slot services do: the supporter's stored next open time follows their slots.
        next_open_update(supporter_ids=[slot.supporter_id])
        return slot


# --- Bookings --------------------------------------------------------------------------------------


def hour_from_now(hours: float) -> dt.datetime:
    start = timezone.now() + dt.timedelta(hours=hours)
    return start.replace(minute=0, second=0, microsecond=0)


PACIFIC = ZoneInfo("America/Los_Angeles")  # the factories' supporters and the operations zone


def offered_hour_from_now(hours: float) -> dt.datetime:
    """The first whole hour at least ``hours`` from now that a supporter in Pacific time can offer under
    the default operating hours (Monday to Friday, a paid hour inside 09:00–21:00 Pacific)."""
    start = hour_from_now(hours)
    while True:
        local = start.astimezone(PACIFIC)
        if local.weekday() < 5 and 9 <= local.hour <= 19:
            return start
        start += dt.timedelta(hours=1)


def offered_booking(hours_ahead: float = 72, **kwargs) -> Booking:
    """A booking at an hour its supporter still offers (a weekly rule covers it), so that the slot opens
    again when the booking lets go of it. Slots of plain factory bookings match no rule and are closed."""
    return offer_the_hour_of(BookingFactory(slot__start=offered_hour_from_now(hours_ahead), **kwargs))


def offer_the_hour_of(booking: Booking) -> Booking:
    """Give the booking's supporter a weekly rule covering its hour (one from offered_hour_from_now)."""
    local = booking.start.astimezone(booking.supporter.tzinfo)
    RuleFactory(
        supporter=booking.supporter,
        weekday=local.weekday(),
        start_time=dt.time(local.hour),
        end_time=dt.time(local.hour + 1),
    )
    return booking


class BookingFactory(factory.django.DjangoModelFactory):
    """A booking holding its own slot (status and slot status agree)."""

    class Meta:
        model = Booking
        skip_postgeneration_save = True

    seeker = factory.SubFactory(SeekerFactory)
    slot = factory.SubFactory(
        SlotFactory,
        start=factory.LazyAttribute(lambda o: hour_from_now(o.factory_parent.hours_ahead)),
        status=factory.LazyAttribute(
            lambda o: (
                Slot.Status.HELD
                if o.factory_parent.status in (Booking.Status.REQUESTED, Booking.Status.PAYMENT_PENDING)
                else Slot.Status.BOOKED
            )
        ),
    )
    supporter = factory.LazyAttribute(lambda o: o.slot.supporter)
    start = factory.LazyAttribute(lambda o: o.slot.start)
    end = factory.LazyAttribute(lambda o: o.slot.end)
    status = Booking.Status.REQUESTED
    requested_at = factory.LazyFunction(timezone.now)
    respond_by = factory.LazyAttribute(
        lambda o: request_deadline(requested_at=o.requested_at, start=o.slot.start)
    )
    price_cents = settings.SESSION_PRICE_CENTS
    # Accepted bookings in these tests count as paid (amount_paid_cents) without ledger rows, unless
    # made with paid=True; payment rows themselves are tested in tests/payments.
    amount_paid_cents = factory.LazyAttribute(
        lambda o: (
            0 if o.status in (Booking.Status.REQUESTED, Booking.Status.PAYMENT_PENDING) else o.price_cents
        )
    )
    money = factory.LazyAttribute(
        lambda o: Booking.Money.CHARGE if o.status not in (Booking.Status.REQUESTED,) else Booking.Money.NONE
    )

    class Params:
        hours_ahead = 72
        paid = factory.Trait(
            status=Booking.Status.CONFIRMED,
            payable=factory.LazyAttribute(
                lambda o: PayableFactory(
                    key_prefix=f"booking-pending-{o.seeker.pk}-{o.slot.pk}",
                    amount_cents=o.price_cents,
                    seeker=o.seeker,
                    status=Payable.Status.PAID,
                    paid_at=timezone.now(),
                )
            ),
        )

    @factory.post_generation
    def ledger(obj, create, extracted, **kwargs):
        """With paid=True: name the payable after the booking and write its succeeded attempt."""
        if not (create and obj.payable_id):
            return
        Payable.objects.filter(pk=obj.payable_id).update(key_prefix=f"booking-{obj.pk}")
        if not obj.payable.payments.exists():
            PaymentFactory(payable=obj.payable, amount_cents=obj.payable.amount_cents)
        obj.payable.refresh_from_db()


# --- The payments ledger ------------------------------------------------------------------------------


class PayableFactory(factory.django.DjangoModelFactory):
    """Something to be paid: open unless told otherwise."""

    class Meta:
        model = Payable

    purpose = "booking"
    key_prefix = factory.Sequence(lambda n: f"test-{n}")
    amount_cents = settings.SESSION_PRICE_CENTS
    currency = "usd"
    status = Payable.Status.OPEN


class PaymentFactory(factory.django.DjangoModelFactory):
    """A succeeded attempt (no PaymentIntent behind it: Stripe doesn't know it)."""

    class Meta:
        model = Payment

    payable = factory.SubFactory(
        PayableFactory, status=Payable.Status.PAID, paid_at=factory.LazyFunction(timezone.now)
    )
    attempt = factory.Sequence(lambda n: n + 1)
    off_session = True
    amount_cents = factory.LazyAttribute(lambda o: o.payable.amount_cents)
    status = Payment.Status.SUCCEEDED
    idempotency_key = factory.LazyAttribute(lambda o: f"{o.payable.key_prefix}-charge-{o.attempt}")
    card_brand = "visa"
    card_last4 = "4242"
    succeeded_at = factory.LazyFunction(timezone.now)


# --- Gifts and credits ----------------------------------------------------------------------------------


class GiftFactory(factory.django.DjangoModelFactory):
    """A paid gift of three sessions with its paid payable and attempt, not delivered yet."""

    class Meta:
        model = Gift
        skip_postgeneration_save = True

    buyer_name = "Sam Lee"
    buyer_email = "sam@example.com"
    recipient_name = "Jamie"
    recipient_email = "jamie@example.com"
    message = "For you."
    sessions = 3
    amount_cents = factory.LazyAttribute(lambda o: o.sessions * settings.SESSION_PRICE_CENTS)
    status = Gift.Status.PAID
    issued_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def ledger(obj, create, extracted, **kwargs):
        if not create or obj.payable_id:
            return
        paid = obj.status != Gift.Status.PENDING_PAYMENT
        obj.payable = PayableFactory(
            purpose=Gift.PAYABLE_PURPOSE,
            key_prefix=f"gift-{obj.pk}",
            amount_cents=obj.amount_cents,
            payer_name=obj.buyer_name,
            payer_email=obj.buyer_email,
            status=Payable.Status.PAID if paid else Payable.Status.OPEN,
            paid_at=obj.issued_at if paid else None,
        )
        obj.save(update_fields=["payable"])
        if paid:
            PaymentFactory(payable=obj.payable, attempt=1, off_session=False)


class CreditFactory(factory.django.DjangoModelFactory):
    """An available session credit of a claimed gift, bound to ``seeker``."""

    class Meta:
        model = SessionCredit

    seeker = factory.SubFactory(SeekerFactory)
    gift = factory.SubFactory(
        GiftFactory,
        status=Gift.Status.CLAIMED,
        claimed_by=factory.SelfAttribute("..seeker"),
        claimed_at=factory.LazyFunction(timezone.now),
    )
    status = SessionCredit.Status.AVAILABLE


# --- Messaging -------------------------------------------------------------------------------------


def conversation_for(booking: Booking):
    """The conversation of a factory booking's two people, opened the way bookings' events open it."""
    from messaging.services import conversation_open

    return conversation_open(
        seeker_id=booking.seeker_id, supporter_id=booking.supporter_id, until=booking.end
    )


def a_conversation(**booking_kwargs):
    """A confirmed booking (72 hours ahead by default) and its conversation."""
    booking_kwargs.setdefault("status", Booking.Status.CONFIRMED)
    return conversation_for(BookingFactory(**booking_kwargs))
