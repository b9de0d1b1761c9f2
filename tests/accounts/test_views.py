import datetime as dt
import re

import pytest
import time_machine
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.urls import reverse

from accounts.models import User
from notifications.models import Notification
from seekers.models import SeekerProfile
from tests.factories import PASSWORD, SeekerFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

SIGNUP = {
    "first_name": "Alex",
    "email": "alex@example.com",
    "password1": "calm-river-stones-42",
    "password2": "calm-river-stones-42",
    "date_of_birth": "2002-03-04",
    "time_zone": "America/Chicago",
    "agree_terms": "on",
}


def signup(client, **changes):
    data = {**SIGNUP, **changes}
    data = {key: value for key, value in data.items() if value is not None}
    return client.post(reverse("account_signup"), data)


@pytest.mark.django_db(transaction=True)  # the email leaves the outbox after commit
def test_signup_creates_seeker_and_sends_verification_email(client, mailoutbox):
    response = signup(client)
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    user = User.objects.get(email="alex@example.com")
    assert (user.first_name, user.time_zone, user.date_of_birth) == (
        "Alex",
        "America/Chicago",
        dt.date(2002, 3, 4),
    )
    assert user.terms_accepted_at is not None
    assert SeekerProfile.objects.filter(user=user).exists()
    assert not EmailAddress.objects.get(user=user).verified
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["alex@example.com"]
    assert mailoutbox[0].from_email.endswith("<hello@peersnet.example>")
    # Not signed in until the address is confirmed.
    assert client.get(reverse("accounts:home")).status_code == 302


@pytest.mark.django_db(transaction=True)  # the email leaves the outbox after commit
def test_signup_email_verification_link_confirms_and_signs_in(client, mailoutbox):
    signup(client)
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mailoutbox[0].body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    assert client.get("/" + path).status_code == 200
    response = client.post("/" + path)
    assert response.status_code == 302
    # A new seeker lands on the welcome page's next step, not on the settings form.
    assert response.url == reverse("accounts:welcome")
    welcome = client.get(response.url).content.decode()
    assert "Welcome to peersnet" in welcome
    assert f'<a class="button" href="{reverse("supporters:directory")}">Find a supporter</a>' in welcome
    assert "questionnaire" not in welcome.lower()
    assert EmailAddress.objects.get(email="alex@example.com").verified
    assert client.get(reverse("accounts:home")).status_code == 200


@pytest.mark.django_db(transaction=True)  # the email leaves the outbox after commit
def test_login_unverified_email_is_refused_until_confirmed(client, mailoutbox):
    UserFactory(email="new@example.com", verified=False)
    EmailAddress.objects.create(user=User.objects.get(email="new@example.com"), email="new@example.com")
    response = client.post(reverse("account_login"), {"login": "new@example.com", "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert client.get(reverse("accounts:home")).status_code == 302
    assert any("confirm" in m.subject.lower() for m in mailoutbox)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"email": "not-an-email"}, "email", "valid email"),
        ({"time_zone": "Mars/Olympus_Mons"}, "time_zone", "Choose a time zone"),
        ({"agree_terms": None}, "agree_terms", "agree"),
        ({"date_of_birth": "2031-01-01"}, "date_of_birth", "in the future"),
        ({"date_of_birth": "04/03/2002x"}, "date_of_birth", "Enter your date of birth"),
        ({"first_name": "   "}, "first_name", "what to call you"),
        ({"password2": "different-password-9"}, None, "same password"),
    ],
)
def test_signup_bad_input_shows_field_error_and_creates_nothing(client, mailoutbox, changes, field, message):
    response = signup(client, **changes)
    assert response.status_code == 200
    form = response.context["form"]
    errors = form.errors.get(field) if field else sum(form.errors.values(), [])
    assert errors and any(message.lower() in str(e).lower() for e in errors), form.errors
    assert not User.objects.exists()
    assert not SeekerProfile.objects.exists()
    assert mailoutbox == []
    assert not Notification.objects.exists()
    assert 'aria-invalid="true"' in response.content.decode()


@time_machine.travel(dt.datetime(2026, 6, 15, 18, 0, tzinfo=dt.UTC), tick=False)
@pytest.mark.parametrize(
    ("born", "created"),
    [
        ("2008-06-15", True),
        ("2008-06-16", False),
        ("1995-06-16", True),
        ("1995-06-15", False),
        ("1995-06-14", False),
    ],
)
def test_signup_age_gate_boundaries(client, born, created):
    response = signup(client, date_of_birth=born, time_zone="America/New_York")
    assert User.objects.exists() is created
    if not created:
        body = response.content.decode()
        assert "aged 18 to 30" in body
        assert 'id="age-refused"' in body
        assert "tel:988" in body


@time_machine.travel(dt.datetime(2026, 11, 24, 5, 0, tzinfo=dt.UTC), tick=False)
def test_signup_age_gate_uses_the_chosen_time_zone(client):
    # Their 18th birthday has begun in London but not yet in Los Angeles.
    signup(client, date_of_birth="2008-11-24", time_zone="America/Los_Angeles")
    assert not User.objects.exists()
    signup(client, date_of_birth="2008-11-24", time_zone="Europe/London")
    assert User.objects.filter(email="alex@example.com").exists()


def test_login_rate_limit_blocks_after_repeated_failures(client):
    user = UserFactory(email="limit@example.com")
    url = reverse("account_login")
    for _ in range(5):
        response = client.post(url, {"login": user.email, "password": "wrong-password"})
        assert "Too many failed login attempts" not in response.content.decode()
    response = client.post(url, {"login": user.email, "password": PASSWORD})
    assert "Too many failed login attempts" in response.content.decode()
    assert client.get(reverse("accounts:home")).status_code == 302  # still not signed in


def test_account_page_updates_name_and_time_zone(client):
    seeker = SeekerFactory()
    client.force_login(seeker.user)
    response = client.post(reverse("accounts:home"), {"first_name": "Riley", "time_zone": "Europe/London"})
    assert response.status_code == 302
    seeker.user.refresh_from_db()
    assert (seeker.user.first_name, seeker.user.time_zone) == ("Riley", "Europe/London")


def test_account_page_bad_time_zone_changes_nothing(client):
    seeker = SeekerFactory()
    client.force_login(seeker.user)
    response = client.post(reverse("accounts:home"), {"first_name": "Riley", "time_zone": "Nowhere/Land"})
    assert response.status_code == 200
    assert "Choose a time zone" in response.content.decode()
    seeker.user.refresh_from_db()
    assert seeker.user.time_zone == "America/Los_Angeles"
    assert seeker.user.first_name != "Riley"


def test_account_page_requires_login_and_is_never_cached(client):
    assert client.get(reverse("accounts:home")).url.startswith(reverse("account_login"))
    client.force_login(SeekerFactory().user)
    response = client.get(reverse("accounts:home"))
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_pages_for_signed_in_people_are_no_store_and_public_pages_are_not(client):
    assert "no-store" not in client.get(reverse("pages:pricing")).get("Cache-Control", "")
    client.force_login(SeekerFactory().user)
    assert "no-store" in client.get(reverse("pages:pricing"))["Cache-Control"]


def test_admin_sends_anonymous_visitors_to_allauth_login(client):
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("account_login"))


def test_admin_refuses_staff_without_mfa_and_sends_them_to_set_it_up(client):
    staff = StaffFactory(is_superuser=True)
    client.force_login(staff)
    response = client.get("/admin/", follow=True)
    hops = [url for url, _status in response.redirect_chain]
    assert reverse("mfa_activate_totp") in hops  # then allauth asks for the password again
    assert "two-factor" in response.content.decode()
    assert client.get("/admin/accounts/user/").status_code == 302


def test_admin_opens_for_staff_with_mfa(client):
    staff = StaffFactory(is_superuser=True)
    TOTP.activate(staff, "JBSWY3DPEHPK3PXP")
    client.force_login(staff)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/accounts/user/").status_code == 200


def test_admin_is_forbidden_to_seekers(client):
    seeker = SeekerFactory()
    TOTP.activate(seeker.user, "JBSWY3DPEHPK3PXP")
    client.force_login(seeker.user)
    assert client.get("/admin/login/").status_code == 403
    assert client.get("/admin/accounts/user/").status_code == 302


def test_admin_login_with_mfa_requires_the_code(client):
    staff = StaffFactory(is_superuser=True, email="ops@example.com")
    TOTP.activate(staff, "JBSWY3DPEHPK3PXP")
    response = client.post(
        reverse("account_login") + "?next=/admin/", {"login": "ops@example.com", "password": PASSWORD}
    )
    assert response.url == reverse("mfa_authenticate")
    assert client.get("/admin/").status_code == 302  # the password alone does not open the admin
    assert Authenticator.objects.filter(user=staff).exists()
