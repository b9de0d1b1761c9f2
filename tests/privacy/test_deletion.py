"""Deleting an account: future sessions cancelled by the normal rules, personal fields and free text
erased, money and bookings kept and consistent, the Stripe customer deleted (localstripe), no more
sign-in with that email until a fresh sign-up, and no booking slipping in during the deletion."""

import pytest
import stripe
from allauth.account.models import EmailAddress
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from bookings import services as bookings
from bookings.models import Booking, BookingEvent, SessionFeedback
from giftcards.models import Gift
from notifications.models import Notification
from payments.models import Payment, Refund, StripeCustomer
from privacy import services
from privacy.models import DataExport, Erasure
from seekers.models import Intake, SeekerProfile
from supporters.models import Slot, SupporterProfile
from tests.accounts.test_allauth_pages import fresh_login_session
from tests.accounts.test_views import signup
from tests.concurrency import postgresql_only, race
from tests.factories import (
    PASSWORD,
    BookingFactory,
    CreditFactory,
    SeekerFactory,
    SlotFactory,
    StaffFactory,
    SupporterFactory,
    offered_booking,
    offered_hour_from_now,
)
from tests.payments.helpers import give_card, sdk
from tests.privacy.test_export import intake_for

pytestmark = pytest.mark.django_db

Status = Booking.Status


def money_sums() -> tuple[int, int, int]:
    paid = Payment.objects.filter(status=Payment.Status.SUCCEEDED).aggregate(s=Sum("amount_cents"))["s"] or 0
    refunded = Refund.objects.aggregate(s=Sum("amount_cents"))["s"] or 0
    return paid, refunded, Payment.objects.count()


@pytest.fixture
def paid_session(after_commit):
    """A confirmed session paid by card through localstripe, ``hours`` ahead, for ``seeker``."""

    def make(seeker, *, hours: float, supporter=None) -> Booking:
        booking = offered_booking(
            hours,
            seeker=seeker,
            status=Status.REQUESTED,
            **({"slot__supporter": supporter} if supporter else {}),
        )
        if not StripeCustomer.objects.filter(seeker=seeker).exclude(payment_method_id="").exists():
            give_card(seeker)
        with after_commit():
            bookings.booking_accept(booking_id=booking.pk, supporter=booking.supporter)
        booking.refresh_from_db()
        assert booking.status == Status.CONFIRMED
        return booking

    return make


@pytest.fixture
def seeker_with_history(paid_session):
    seeker = SeekerFactory(user__email="leaving@example.com", user__first_name="Leaving")
    intake_for(seeker, "hopes to feel less alone")
    far = paid_session(seeker, hours=72)  # free cancellation: refunded
    near = paid_session(seeker, hours=6)  # late: the fee is kept
    request = BookingFactory(seeker=seeker, hours_ahead=100)  # a request: withdrawn
    past = BookingFactory(seeker=seeker, hours_ahead=-72, status=Status.COMPLETED, decline_reason="")
    SessionFeedback.objects.create(booking=past, loved=True, comment="it helped with my exams")
    declined = BookingFactory(
        seeker=seeker, hours_ahead=120, status=Status.DECLINED, decline_reason="not a fit"
    )
    BookingEvent.objects.create(
        booking=declined,
        at=timezone.now(),
        actor=declined.supporter.user,
        to_status="declined",
        reason="not a fit",
    )
    CreditFactory(seeker=seeker, gift__recipient_name="Leaving L.", gift__message="Take care of you")
    return seeker, {"far": far, "near": near, "request": request, "past": past, "declined": declined}


def test_deletion_cancels_by_the_rules_erases_the_person_and_keeps_the_money(
    seeker_with_history, after_commit, mailoutbox
):
    seeker, b = seeker_with_history
    user = seeker.user
    customer_id = StripeCustomer.objects.get(seeker=seeker).stripe_customer_id
    paid_before, refunded_before, payments_before = money_sums()
    mailoutbox.clear()
    lines = services.deletion_consequences(user=user, now=timezone.now())
    assert len(lines) == 3
    assert any("cancelled for free; the $65 is refunded" in line for line in lines)
    assert any("the full fee is kept" in line for line in lines)
    assert any(line.startswith("Your request for") for line in lines)

    with after_commit():
        erasure = services.account_erase(user_id=user.pk, by=user)

    # Sessions: cancelled by the normal rules; bookings kept for the supporters' records.
    for booking in b.values():
        booking.refresh_from_db()
    assert b["far"].status == Status.CANCELLED and b["far"].money == Booking.Money.REFUND_FULL
    assert b["near"].status == Status.LATE_CANCELLED and b["near"].money == Booking.Money.KEEP_FEE
    assert b["request"].status == Status.WITHDRAWN
    assert b["past"].status == Status.COMPLETED
    assert Booking.objects.filter(seeker=seeker).count() == 5
    # Money: nothing lost or changed; the only new refund is the free cancellation's, sent to Stripe.
    paid_after, refunded_after, payments_after = money_sums()
    assert (paid_after, payments_after) == (paid_before, payments_before)
    assert refunded_after == refunded_before + 6500
    refund = Refund.objects.get(payment__payable_id=b["far"].payable_id)
    assert refund.status == Refund.Status.SUCCEEDED and refund.stripe_refund_id
    # Supporters heard of it as of any cancellation; nothing went to the deleted address.
    to = sorted(m.to[0] for m in mailoutbox)
    assert b["far"].supporter.user.email in to and b["near"].supporter.user.email in to
    assert "leaving@example.com" not in to
    assert not Notification.objects.filter(to__iexact="leaving@example.com").exists()
    assert not Notification.objects.filter(status__in=["pending", "sending"], to__endswith="deleted.invalid")

    # The person: anonymised, signed out everywhere, no way back in with that email.
    user.refresh_from_db()
    assert user.email == f"deleted-{user.pk}@deleted.invalid"
    assert (user.first_name, user.date_of_birth, user.is_active, user.is_staff) == ("", None, False, False)
    assert not user.has_usable_password()
    assert not EmailAddress.objects.filter(user=user).exists()
    assert erasure.by == user and not erasure.by_staff
    # Free text and personal fields elsewhere.
    assert not Intake.objects.filter(seeker=seeker).exists()
    assert SessionFeedback.objects.get(booking=b["past"]).comment == ""
    assert Booking.objects.get(pk=b["declined"].pk).decline_reason == ""
    assert set(BookingEvent.objects.filter(booking=b["declined"]).values_list("reason", flat=True)) <= {""}
    gift = Gift.objects.get(claimed_by=seeker)
    assert (gift.recipient_name, gift.message) == ("", "")
    assert gift.recipient_email.endswith("@deleted.invalid")
    assert gift.buyer_email == "sam@example.com"  # the buyer's, kept for their receipt
    # The card: forgotten here, the customer deleted at Stripe.
    customer = StripeCustomer.objects.get(seeker=seeker)
    assert customer.payment_method_id == "" and customer.card_last4 == ""
    assert customer.stripe_deleted_at is not None
    with pytest.raises(stripe.InvalidRequestError):
        sdk().v1.customers.retrieve(customer_id)
    # A second call changes nothing.
    assert services.account_erase(user_id=user.pk, by=user) == erasure


def test_deletion_with_no_future_sessions_leaves_every_money_sum_unchanged(after_commit):
    seeker = SeekerFactory()
    BookingFactory(seeker=seeker, hours_ahead=-72, status=Status.COMPLETED, paid=True)
    refunded = BookingFactory(seeker=seeker, hours_ahead=-96, status=Status.CANCELLED, paid=True)
    Refund.objects.create(
        payment=refunded.payable.payments.get(),
        amount_cents=6500,
        reason="policy",
        idempotency_key="r-1",
        status=Refund.Status.SUCCEEDED,
    )
    BookingFactory(hours_ahead=-72, status=Status.COMPLETED, paid=True)  # someone else's
    before = money_sums()
    with after_commit():
        services.account_erase(user_id=seeker.user_id, by=None)
    assert money_sums() == before


def test_the_person_cant_log_in_and_signing_up_again_starts_empty(client, seeker_with_history, after_commit):
    seeker, _b = seeker_with_history
    with after_commit():
        services.account_erase(user_id=seeker.user_id, by=seeker.user)
    response = client.post(reverse("account_login"), {"login": "leaving@example.com", "password": PASSWORD})
    assert response.status_code == 200 and not response.wsgi_request.user.is_authenticated
    with after_commit():
        assert signup(client, email="leaving@example.com").status_code == 302
    fresh = User.objects.get(email="leaving@example.com")
    assert fresh.pk != seeker.user_id and fresh.is_active
    new_seeker = SeekerProfile.objects.get(user=fresh)
    assert not Booking.objects.filter(seeker=new_seeker).exists()
    assert not Intake.objects.filter(seeker=new_seeker).exists()
    assert not StripeCustomer.objects.filter(seeker=new_seeker).exists()


def test_a_signed_in_session_ends_with_the_deletion(client):
    seeker = SeekerFactory()
    client.force_login(seeker.user)
    assert client.get(reverse("accounts:home")).status_code == 200
    services.account_erase(user_id=seeker.user_id, by=None)
    assert client.get(reverse("accounts:home")).status_code == 302


def test_the_delete_page_asks_to_sign_in_again_then_explains_and_needs_the_typed_word(
    client, paid_session, after_commit
):
    seeker = SeekerFactory(user__email="me@example.com")
    far = paid_session(seeker, hours=72)
    DataExport.objects.create(user=seeker.user, requested_at=timezone.now(), status="ready", content="{}")
    client.force_login(seeker.user)
    url = reverse("privacy:delete")
    response = client.get(url)
    assert response.status_code == 302 and reverse("account_reauthenticate") in response.url
    fresh_login_session(client)
    page = client.get(url).content.decode()
    assert "Payment records" in page and "cancelled for free; the $65 is refunded" in page
    assert "988" in page
    shown = page.split('name="shown" value="')[1].split('"')[0]

    response = client.post(url, {"confirm": "yes please", "shown": shown})
    assert response.status_code == 200
    assert "Please type DELETE to confirm" in response.content.decode()
    seeker.user.refresh_from_db()
    assert seeker.user.is_active and Booking.objects.get(pk=far.pk).status == Status.CONFIRMED

    with after_commit():
        response = client.post(url, {"confirm": "delete", "shown": shown})
    assert response.status_code == 302 and response.url == reverse("privacy:deleted")
    assert "Your account is deleted" in client.get(response.url).content.decode()
    assert client.get(reverse("accounts:home")).status_code == 302
    assert Booking.objects.get(pk=far.pk).status == Status.CANCELLED
    assert not User.objects.get(pk=seeker.user_id).is_active
    assert DataExport.objects.get(user=seeker.user).content == ""


def test_a_change_since_the_page_was_shown_asks_to_check_again(client):
    seeker = SeekerFactory()
    client.force_login(seeker.user)
    fresh_login_session(client)
    response = client.post(reverse("privacy:delete"), {"confirm": "DELETE", "shown": "stale"})
    assert response.status_code == 200
    assert "Something changed" in response.content.decode()
    assert User.objects.get(pk=seeker.user_id).is_active


@pytest.mark.parametrize("who", ["supporter", "staff"])
def test_supporters_and_staff_cant_delete_themselves_on_the_site(client, who):
    user = SupporterFactory().user if who == "supporter" else StaffFactory()
    client.force_login(user)
    fresh_login_session(client)
    assert client.get(reverse("privacy:delete")).status_code == 404
    assert "deleted by our team" in client.get(reverse("privacy:home")).content.decode()


def test_deleting_a_supporter_refunds_their_seekers_and_unlists_and_erases_the_profile(
    paid_session, after_commit, mailoutbox
):
    supporter = SupporterFactory(display_name="Casey", story="my story", pronouns="she/her")
    seeker = SeekerFactory(user__email="stays@example.com")
    session = paid_session(seeker, hours=6, supporter=supporter)  # even late: the supporter cancels, refund
    request = BookingFactory(slot__supporter=supporter, hours_ahead=80)
    SlotFactory(supporter=supporter, start=offered_hour_from_now(120))
    mailoutbox.clear()
    with after_commit():
        services.account_erase(user_id=supporter.user_id, by=StaffFactory())
    session.refresh_from_db()
    request.refresh_from_db()
    assert session.status == Status.CANCELLED_BY_SUPPORTER
    assert Refund.objects.get(payment__payable_id=session.payable_id).amount_cents == 6500
    assert request.status == Status.DECLINED
    assert "stays@example.com" in [m.to[0] for m in mailoutbox]
    supporter.refresh_from_db()
    assert supporter.status == SupporterProfile.Status.INACTIVE
    assert (supporter.display_name, supporter.story, supporter.pronouns) == ("Former supporter", "", "")
    assert not SupporterProfile.objects.listed().filter(pk=supporter.pk).exists()
    assert not Slot.objects.filter(supporter=supporter, status=Slot.Status.OPEN).exists()
    assert Erasure.objects.get(user=supporter.user).by_staff


@postgresql_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round_", range(3))
def test_a_booking_racing_the_deletion_cant_bring_the_seeker_back(round_):
    """Deletion and a booking request for the same seeker at once: the request either lands first and is
    withdrawn by the deletion, or finds the account closed. Never a live booking of a deleted person."""
    seeker = SeekerFactory()
    slot = SlotFactory(start=offered_hour_from_now(72))
    CreditFactory(seeker=seeker)  # pays for the request, so no card is needed

    def delete():
        return services.account_erase(user_id=seeker.user_id, by=None)

    def book():
        return bookings.booking_request(
            seeker=SeekerProfile.objects.get(pk=seeker.pk),
            slot_id=slot.pk,
            confirms_no_personal_relationship=True,
        )

    results = race([delete, book] if round_ % 2 else [book, delete])
    erasure = next(r for r in results if isinstance(r, Erasure))
    other = next(r for r in results if not isinstance(r, Erasure))
    assert erasure.user_id == seeker.user_id
    if isinstance(other, Exception):
        assert isinstance(other, bookings.BookingError) and other.code == "account_closed"
        assert not Booking.objects.filter(seeker=seeker).exists()
    else:
        assert Booking.objects.get(pk=other.pk).status == Status.WITHDRAWN
    assert not Booking.objects.filter(seeker=seeker, status__in=Booking.HOLDING).exists()
    assert not User.objects.get(pk=seeker.user_id).is_active
    assert Slot.objects.get(pk=slot.pk).status != Slot.Status.HELD


def test_the_stripe_customer_is_deleted_by_the_money_sweep_when_stripe_was_down(after_commit, stripe_down):
    from payments.tasks import retry_money

    seeker = SeekerFactory()
    customer = give_card(seeker)
    with stripe_down(), after_commit():
        services.account_erase(user_id=seeker.user_id, by=None)
    customer.refresh_from_db()
    assert customer.erase_wanted_at is not None and customer.stripe_deleted_at is None
    assert customer.payment_method_id == ""  # forgotten here at once
    retry_money()
    customer.refresh_from_db()
    assert customer.stripe_deleted_at is not None
    with pytest.raises(stripe.InvalidRequestError):
        sdk().v1.customers.retrieve(customer.stripe_customer_id)


def test_an_email_for_a_deleted_account_is_dropped_never_sent(after_commit, mailoutbox):
    from notifications.services import Email, notification_queue

    seeker = SeekerFactory()
    services.account_erase(user_id=seeker.user_id, by=None)
    seeker.user.refresh_from_db()
    with after_commit():
        row = notification_queue(
            Email(key="late-refund", to=seeker.user.email, subject="Refund", template="email/notice")
        )
    assert row.status == Notification.Status.DROPPED and row.body_text == ""
    assert mailoutbox == []
