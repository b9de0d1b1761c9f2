"""Two-factor secrets are encrypted at rest (accounts.mfa_adapter), and signing in with them works as
before: the TOTP code from an authenticator app, or a recovery code, opens the admin."""

import time

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.db import connection
from django.urls import reverse

from peersnet.kernel import crypto
from tests.factories import PASSWORD, StaffFactory

pytestmark = pytest.mark.django_db

SECRET = "JBSWY3DPEHPK3PXP"


def raw_data(user) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT data FROM mfa_authenticator WHERE user_id = %s ORDER BY id", [user.pk])
        return " ".join(str(value) for (value,) in cursor.fetchall())


def password_step(client, email):
    response = client.post(reverse("account_login") + "?next=/admin/", {"login": email, "password": PASSWORD})
    assert response.url == reverse("mfa_authenticate")


def test_staff_sign_in_with_the_code_from_their_app(client):
    staff = StaffFactory(is_superuser=True, email="ops@example.com")
    TOTP.activate(staff, SECRET)
    assert SECRET not in raw_data(staff)
    password_step(client, "ops@example.com")

    with time_machine.travel(time.time(), tick=False):  # the code stays current while it is checked
        code = format_hotp_value(hotp_value(SECRET, int(time.time()) // 30))
        response = client.post(reverse("mfa_authenticate"), {"code": code})
    assert response.status_code == 302 and response.url == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_a_wrong_code_is_refused(client):
    TOTP.activate(StaffFactory(is_superuser=True, email="ops@example.com"), SECRET)
    password_step(client, "ops@example.com")
    response = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert response.status_code == 200
    assert client.get("/admin/").status_code == 302


def test_staff_sign_in_with_a_recovery_code_and_it_is_used_up(client):
    staff = StaffFactory(is_superuser=True, email="ops@example.com")
    TOTP.activate(staff, SECRET)
    codes = RecoveryCodes.activate(staff)
    first = codes.get_unused_codes()[0]
    raw = raw_data(staff)
    assert first not in raw and crypto.decrypt(codes.instance.data["seed"]) not in raw
    password_step(client, "ops@example.com")

    response = client.post(reverse("mfa_authenticate"), {"code": first})
    assert response.status_code == 302 and client.get("/admin/").status_code == 200
    used = Authenticator.objects.get(user=staff, type="recovery_codes").wrap()
    assert first not in used.get_unused_codes()
