"""Credentials with expiry: reminders at 60, 30 and 7 days (once each), unlisting on expiry (directory and
booking refuse; confirmed sessions stay; staff told once), relisting on renewal, and the directory's
``listed()`` with the rule in it at the same query count."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from bookings.models import Booking
from bookings.services import BookingError, booking_request
from notifications.models import Notification
from supporters.models import Slot, SupporterProfile
from tests.factories import BookingFactory, SeekerFactory, StaffFactory, SupporterFactory
from tests.workforce.onboarding_helpers import LA, WEDNESDAY, offer_hours
from workforce.models import Credential, ListingEvent
from workforce.services.credentials import (
    credential_record,
    credential_save,
    credentials_remind,
    credentials_sweep,
)

pytestmark = pytest.mark.django_db

TODAY = WEDNESDAY.date()  # 2 December 2026, Pacific


def listed(supporter) -> bool:
    return SupporterProfile.objects.listed().filter(pk=supporter.pk).exists()


def record(supporter, *, expires_on, kind=Credential.Kind.CERTIFICATION, issued_on=dt.date(2024, 1, 10)):
    return credential_record(
        supporter=supporter,
        kind=kind,
        issued_on=issued_on,
        expires_on=expires_on,
        issuer="State board",
        by=None,
    )


def at(day: dt.date, hour: int = 0, minute: int = 30) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=LA)


def subjects(mailoutbox) -> list[str]:
    return [m.subject for m in mailoutbox]


def test_reminders_at_60_30_and_7_days_each_once(mailoutbox, django_capture_on_commit_callbacks):
    supporter = SupporterFactory()
    with time_machine.travel(WEDNESDAY, tick=False):
        record(supporter, expires_on=TODAY + dt.timedelta(days=61))
    sent = []
    with django_capture_on_commit_callbacks(execute=True):
        for days_later in range(0, 62):
            for hour in (1, 13):  # the sweep runs every hour; twice a day is enough to show "once"
                with time_machine.travel(at(TODAY + dt.timedelta(days=days_later), hour), tick=False):
                    credentials_sweep()
            sent.append(Notification.objects.filter(key__startswith="credential-reminder-").count())
    reminders = [m for m in mailoutbox if m.subject == "A credential of yours is due for renewal"]
    assert len(reminders) == 3
    # The day each first went out: 60, 30 and 7 days before the expiry.
    firsts = [sent.index(n) for n in (1, 2, 3)]
    assert firsts == [1, 31, 54]
    assert "expires on Monday 1 February 2027" in reminders[0].body
    assert all("988" in m.body for m in reminders)
    keys = set(
        Notification.objects.filter(key__startswith="credential-reminder-").values_list("key", flat=True)
    )
    assert {k.rsplit("-", 1)[1] for k in keys} == {"60", "30", "7"}


@time_machine.travel(WEDNESDAY, tick=False)
def test_a_credential_entered_late_gets_only_the_nearest_reminder(
    mailoutbox, django_capture_on_commit_callbacks
):
    supporter = SupporterFactory()
    record(supporter, expires_on=TODAY + dt.timedelta(days=20))
    with django_capture_on_commit_callbacks(execute=True):
        credentials_remind()
        credentials_remind()
    assert subjects(mailoutbox) == ["A credential of yours is due for renewal"]
    assert Notification.objects.get().key.endswith("-30")


@time_machine.travel(WEDNESDAY, tick=False)
def test_a_renewed_credential_is_not_reminded_about(mailoutbox, django_capture_on_commit_callbacks):
    supporter = SupporterFactory()
    record(supporter, expires_on=TODAY + dt.timedelta(days=20))
    record(supporter, expires_on=TODAY + dt.timedelta(days=400), issued_on=TODAY)
    with django_capture_on_commit_callbacks(execute=True):
        credentials_remind()
    assert mailoutbox == []


def test_on_expiry_the_supporter_is_unlisted_once_and_staff_are_told(
    client, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.OPERATIONS_EMAIL = "ops@peersnet.example"
    with time_machine.travel(WEDNESDAY, tick=False):
        supporter = SupporterFactory(display_name="Jess Rivera")
        offer_hours(supporter)
        confirmed = BookingFactory(
            supporter=supporter, slot__supporter=supporter, status=Booking.Status.CONFIRMED
        )
        record(supporter, expires_on=TODAY + dt.timedelta(days=1))
        credentials_sweep()
        assert listed(supporter)
    with time_machine.travel(at(TODAY + dt.timedelta(days=1)), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            assert credentials_sweep()[0] == 1
            assert credentials_sweep()[0] == 0  # the next hour's run: nothing more
        assert not listed(supporter)
        # The directory no longer shows them and a new request is refused.
        page = client.get(reverse("supporters:directory")).content.decode()
        assert "Jess Rivera" not in page
        slot = Slot.objects.filter(supporter=supporter, status=Slot.Status.OPEN).first()
        with pytest.raises(BookingError) as exc:
            booking_request(
                seeker=SeekerFactory(),
                slot_id=slot.pk,
                confirms_no_personal_relationship=True,
                require_payment_method=False,
            )
        assert exc.value.code == "not_listed"
    confirmed.refresh_from_db()
    assert confirmed.status == Booking.Status.CONFIRMED  # sessions already confirmed stay
    assert list(ListingEvent.objects.values_list("kind", flat=True)) == [ListingEvent.Kind.UNLISTED]
    to_staff = [m for m in mailoutbox if m.to == ["ops@peersnet.example"]]
    assert [m.subject for m in to_staff] == ["A supporter was unlisted: credential expired"]
    assert "Jess Rivera" in to_staff[0].body
    assert subjects(mailoutbox).count("Your profile is paused") == 1


def test_renewal_lists_the_supporter_again(mailoutbox, django_capture_on_commit_callbacks):
    staff = StaffFactory()
    with time_machine.travel(WEDNESDAY, tick=False):
        supporter = SupporterFactory()
        old = record(supporter, expires_on=TODAY + dt.timedelta(days=1))
    with time_machine.travel(at(TODAY + dt.timedelta(days=3), 9), tick=False):
        credentials_sweep()
        assert not listed(supporter)
        with django_capture_on_commit_callbacks(execute=True):
            credential_record(
                supporter=supporter,
                kind=Credential.Kind.CERTIFICATION,
                issued_on=TODAY + dt.timedelta(days=2),
                expires_on=TODAY + dt.timedelta(days=730),
                by=staff,
            )
        assert listed(supporter)
        credentials_sweep()
        assert listed(supporter)  # the older, expired one no longer counts
    assert Credential.objects.filter(pk=old.pk).exists()
    assert list(ListingEvent.objects.order_by("at", "pk").values_list("kind", flat=True)) == [
        "unlisted",
        "relisted",
    ]
    assert subjects(mailoutbox) == ["Your profile is listed again"]


def test_an_extended_expiry_lists_the_supporter_again():
    with time_machine.travel(WEDNESDAY, tick=False):
        supporter = SupporterFactory()
        credential = record(supporter, expires_on=TODAY)
        assert not listed(supporter)  # recorded already expired: unlisted at once
        credential.expires_on = TODAY + dt.timedelta(days=365)
        credential_save(credential=credential, by=None)
        assert listed(supporter)


@time_machine.travel(WEDNESDAY, tick=False)
def test_any_kind_expired_unlists_even_when_others_are_current():
    supporter = SupporterFactory()
    record(supporter, expires_on=TODAY + dt.timedelta(days=300))
    record(supporter, kind=Credential.Kind.BACKGROUND_CHECK, expires_on=TODAY - dt.timedelta(days=1))
    assert not listed(supporter)


def test_supporters_without_credentials_stay_listed_and_listed_needs_no_join():
    supporter = SupporterFactory()
    assert listed(supporter)
    sql = str(SupporterProfile.objects.listed().query)
    assert "workforce" not in sql and "credentials_lapsed_at" in sql


@time_machine.travel(WEDNESDAY, tick=False)
def test_an_expired_credential_keeps_an_activated_onboarding_supporter_out():
    supporter = SupporterFactory(status=SupporterProfile.Status.ONBOARDING)
    record(supporter, expires_on=TODAY - dt.timedelta(days=1))
    SupporterProfile.objects.filter(pk=supporter.pk).update(status=SupporterProfile.Status.ACTIVE)
    assert not listed(supporter)


@time_machine.travel(WEDNESDAY, tick=False)
def test_moving_a_credential_to_the_right_supporter_reapplies_the_rule_to_both():
    wrong, right = SupporterFactory(), SupporterFactory()
    credential = record(wrong, expires_on=TODAY - dt.timedelta(days=1))
    assert not listed(wrong)
    credential.supporter = right
    credential_save(credential=credential, by=None)
    assert listed(wrong) and not listed(right)
