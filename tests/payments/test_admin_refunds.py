"""Staff refunds in the admin: typed in dollars, confirmed on a page that names the seeker, the session and
the amount, refunded for real through localstripe; the booking then reads "refunded"; admin times carry
their zone. The admin also links from the site header for staff."""

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.urls import reverse

from bookings.models import Booking
from payments.admin import parse_dollars
from payments.models import Refund
from tests.factories import StaffFactory
from tests.payments.test_services import accepted, paid, the_payment  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    staff = StaffFactory(is_superuser=True, time_zone="America/New_York")
    TOTP.activate(staff, "JBSWY3DPEHPK3PXP")
    client.force_login(staff)
    return client


def test_parse_dollars_takes_what_staff_type_and_refuses_the_rest():
    assert parse_dollars("65") == 6500
    assert parse_dollars("$32.50") == 3250
    assert parse_dollars("1,300.05") == 130005
    for bad in ("", "abc", "0", "-5", "6.505", "nan", "inf"):
        with pytest.raises(Exception, match="dollars"):
            parse_dollars(bad)


def test_staff_refund_in_dollars_confirms_then_refunds_and_the_booking_reads_refunded(
    paid,  # noqa: F811
    after_commit,
    staff_client,
    mailoutbox,
):
    booking = paid(hours_ahead=30)
    url = reverse("admin:bookings_booking_refund", args=[booking.pk])
    change = staff_client.get(reverse("admin:bookings_booking_change", args=[booking.pk])).content.decode()
    assert f'href="{url}"' in change
    form = staff_client.get(url).content.decode()
    assert "Amount to refund, in dollars" in form and 'value="65"' in form

    # Step 1: the amount in dollars leads to a confirmation naming the seeker, the session and the amount.
    confirm = staff_client.post(url, {"amount": "65", "note": "goodwill"}).content.decode()
    seeker = booking.seeker.user
    assert seeker.email in confirm
    assert booking.supporter.display_name in confirm and "Eastern Time" in confirm
    assert "Yes, refund $65" in confirm
    assert not Refund.objects.exists()  # nothing happens before the confirmation

    # Bad input: a clear message, nothing changed.
    too_much = staff_client.post(url, {"amount": "70", "confirm": "yes"}).content.decode()
    assert "At most $65 is left to refund." in too_much
    assert not Refund.objects.exists()

    # Step 2: confirmed, refunded for real; the booking now reads refunded; the seeker is told.
    with after_commit():
        response = staff_client.post(url, {"amount": "65", "note": "goodwill", "confirm": "yes"})
    assert response.status_code == 302
    refund = Refund.objects.get()
    assert (refund.amount_cents, refund.reason, refund.status) == (6500, "staff", Refund.Status.SUCCEEDED)
    booking.refresh_from_db()
    assert booking.money == Booking.Money.REFUND_FULL
    assert booking.get_money_display() == "Refunded in full"
    assert any(m.subject == "Your refund is on its way" and "$65" in m.body for m in mailoutbox)


def test_payment_admin_refund_is_in_dollars_with_a_confirmation_too(paid, staff_client):  # noqa: F811
    booking = paid(hours_ahead=30)
    payment = the_payment(booking)
    url = reverse("admin:payments_payment_refund", args=[payment.pk])
    confirm = staff_client.post(url, {"amount": "20.50"}).content.decode()
    assert "Yes, refund $20.50" in confirm and booking.seeker.user.email in confirm
    assert not Refund.objects.exists()


def test_admin_times_carry_their_zone_and_staff_see_an_admin_link(paid, staff_client):  # noqa: F811
    booking = paid(hours_ahead=30)
    page = staff_client.get(reverse("admin:bookings_booking_changelist")).content.decode()
    assert " EST" in page or " EDT" in page
    home = staff_client.get("/").content.decode()
    assert f'href="{reverse("admin:index")}">Admin</a>' in home
    assert booking  # the list shows this booking's start with its zone
