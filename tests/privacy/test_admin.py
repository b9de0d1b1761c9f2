"""Staff-assisted export and deletion on the user admin: for supporters and staff (who can't delete
themselves on the site), by the same rules."""

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.urls import reverse

from accounts.models import User
from bookings.models import Booking
from privacy.models import DataExport, Erasure
from supporters.models import SupporterProfile
from tests.factories import BookingFactory, SeekerFactory, StaffFactory, SupporterFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client):
    staff = StaffFactory(is_superuser=True)
    TOTP.activate(staff, "JBSWY3DPEHPK3PXP")
    client.force_login(staff)
    return staff


def test_staff_prepare_an_export_for_a_supporter(client, staff, after_commit):
    supporter = SupporterFactory()
    with after_commit():
        response = client.post(
            reverse("admin:accounts_user_changelist"),
            {"action": "prepare_data_export", "_selected_action": [supporter.user_id]},
        )
    assert response.status_code == 302
    export = DataExport.objects.get(user=supporter.user)
    assert export.status == DataExport.Status.READY


def test_staff_delete_a_supporters_account_after_seeing_what_happens(client, staff, after_commit):
    supporter = SupporterFactory(display_name="Casey")
    booking = BookingFactory(slot__supporter=supporter, hours_ahead=72, status=Booking.Status.CONFIRMED)
    change = reverse("admin:accounts_user_change", args=[supporter.user_id])
    url = reverse("admin:accounts_user_delete_account", args=[supporter.user_id])
    assert url in client.get(change).content.decode()
    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "delete_account", "_selected_action": [supporter.user_id]},
    )
    assert response.status_code == 302 and response.url == url
    page = client.get(url).content.decode()
    assert "cancelled by the supporter; the seeker is refunded in full" in page
    response = client.post(url, {"confirm": "nope"})
    assert response.status_code == 200 and "Please type DELETE" in response.content.decode()
    assert User.objects.get(pk=supporter.user_id).is_active
    with after_commit():
        response = client.post(url, {"confirm": "DELETE"})
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED_BY_SUPPORTER
    assert SupporterProfile.objects.get(pk=supporter.pk).status == SupporterProfile.Status.INACTIVE
    erasure = Erasure.objects.get(user=supporter.user)
    assert erasure.by == staff and erasure.by_staff


def test_staff_delete_another_staff_account_which_loses_its_rights(client, staff):
    other = StaffFactory(is_superuser=True)
    client.post(reverse("admin:accounts_user_delete_account", args=[other.pk]), {"confirm": "DELETE"})
    other.refresh_from_db()
    assert (other.is_active, other.is_staff, other.is_superuser) == (False, False, False)


def test_staff_cant_delete_their_own_account_here(client, staff):
    response = client.post(
        reverse("admin:accounts_user_delete_account", args=[staff.pk]), {"confirm": "DELETE"}
    )
    assert response.status_code == 302
    assert User.objects.get(pk=staff.pk).is_active


def test_staff_without_the_delete_permission_get_no_deletion_page(client):
    plain = StaffFactory()
    TOTP.activate(plain, "JBSWY3DPEHPK3PXP")
    client.force_login(plain)
    seeker = SeekerFactory()
    response = client.post(
        reverse("admin:accounts_user_delete_account", args=[seeker.user_id]), {"confirm": "DELETE"}
    )
    assert response.status_code in (403, 404)
    assert User.objects.get(pk=seeker.user_id).is_active
