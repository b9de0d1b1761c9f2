"""seed_demo makes one staff login per role, with two-factor, and prints them."""

from io import StringIO

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.core.management import call_command

from accounts.models import User
from privacy import roles
from privacy.demo import DEMO_ROLE_LOGINS

pytestmark = pytest.mark.django_db


def test_seed_demo_makes_one_two_factor_login_per_role_and_prints_them(settings, client):
    settings.DEBUG = True
    out = StringIO()
    call_command("seed_demo", stdout=out)
    call_command("seed_demo", stdout=out)  # a rerun changes nothing
    printed = out.getvalue()
    for role, (email, _name) in DEMO_ROLE_LOGINS.items():
        user = User.objects.get(email=email)
        assert email in printed
        assert user.is_staff and not user.is_superuser and is_mfa_enabled(user)
        assert list(user.groups.values_list("name", flat=True)) == [role]
        assert roles.has_role(user, role)
        assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).count() == 1
    client.force_login(User.objects.get(email=DEMO_ROLE_LOGINS[roles.TRAINER][0]))
    assert client.get("/admin/supporters/supporterprofile/").status_code == 200
    assert client.get("/admin/payments/payment/").status_code == 403
