"""Every allauth page is ours: our layout (crisis line, header), sentence-case headings, labels and
buttons in plain words, and none of allauth's Title Case defaults left. Walked in the test client."""

import re
from html import unescape

import pytest
from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.account.utils import user_pk_to_url_str
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from django.urls import reverse

from tests.factories import PASSWORD, SeekerFactory, StaffFactory

pytestmark = pytest.mark.django_db

# allauth's own wording, which must not be left anywhere on our pages.
ALLAUTH_DEFAULTS = [
    "Sign In",
    "Sign in",
    "Sign Out",
    "Sign Up",
    "Remember Me",
    "Forgot Password",
    "Password Reset",
    "Reset My Password",
    "Change Password",
    "Set Password",
    "Verify Your Email",
    "Confirm Email Address",
    "is an email address for user",
    "Email Address",
    "Email Addresses",
    "Re-send Verification",
    "Change Email",
    "Cancel Change",
    "Confirm Access",
    "reauthenticate",
    "Two-Factor Authentication",
    "Authenticator App",
    "Recovery Codes",
    "Activate Authenticator",
    "Deactivate Authenticator",
    "Bad Token",
    "Current Password",
    "New Password",
    "Account Inactive",
    "Hello from",
]
# Words that may be capitalised inside a sentence-case phrase.
PROPER = {"I", "QR"}


def main_of(response) -> str:
    body = response.content.decode()
    return body[body.index("<main") : body.index("</main>")]


def texts(html: str, tag: str) -> list[str]:
    found = re.findall(rf"<{tag}\b[^>]*>(.*?)</{tag}>", html, re.S)
    return [unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", t))).strip() for t in found]


def title_case_words(text: str) -> list[str]:
    words = re.findall(r"[A-Za-z][\w'-]*", text)
    return [w for w in words[1:] if w[0].isupper() and w not in PROPER]


def seeker(client, *, verified=True):
    person = SeekerFactory(user__email="maya@example.com", user__first_name="Maya", user__verified=verified)
    if not verified:
        EmailAddress.objects.create(user=person.user, email="maya@example.com", primary=True)
    client.force_login(person.user)
    return person.user


def staff_with_mfa(client, *, codes=False):
    user = StaffFactory(email="ops@example.com")
    TOTP.activate(user, "JBSWY3DPEHPK3PXP")
    if codes:
        RecoveryCodes.activate(user)
    client.force_login(user)
    return user


def fresh_login_session(client):
    """Confirm it's you with the password (as the page asks), so allauth lets sensitive pages open."""
    response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]


def anon_confirm_key(client):
    person = SeekerFactory(user__email="new@example.com", user__verified=False)
    address = EmailAddress.objects.create(user=person.user, email="new@example.com", primary=True)
    return reverse("account_confirm_email", args=[EmailConfirmationHMAC(address).key])


def anon_reset_key(client):
    user = SeekerFactory(user__email="maya@example.com").user
    return reverse(
        "account_reset_password_from_key",
        kwargs={"uidb36": user_pk_to_url_str(user), "key": default_token_generator.make_token(user)},
    )


def mfa_stage(client):
    """Password accepted, the two-factor code still to come."""
    TOTP.activate(StaffFactory(email="ops@example.com"), "JBSWY3DPEHPK3PXP")
    client.post(reverse("account_login"), {"login": "ops@example.com", "password": PASSWORD})
    return reverse("mfa_authenticate")


def code_requested(client):
    staff_with_mfa(client)
    response = client.post(reverse("account_request_reauthentication_code"), {"recipient": "ops@example.com"})
    assert response.status_code == 302
    return reverse("account_confirm_reauthentication_code")


def static(url_name):
    return lambda client: reverse(url_name)


def signed_in(url_name, **kw):
    def setup(client):
        seeker(client, **kw)
        return reverse(url_name)

    return setup


def as_staff(url_name, *, fresh=False, codes=False):
    def setup(client):
        staff_with_mfa(client, codes=codes)
        if fresh:
            fresh_login_session(client)
        return reverse(url_name)

    return setup


# (what, how to get there, the heading, the buttons and links that must be there, the labels)
PAGES = [
    (
        "log in",
        static("account_login"),
        "Log in",
        ["Log in", "Forgot your password?"],
        ["Email address", "Password", "Remember me on this device"],
    ),
    ("sign up", static("account_signup"), "Create your account", ["Create account"], ["First name", "Email"]),
    (
        "reset password",
        static("account_reset_password"),
        "Reset your password",
        ["Email me a reset link"],
        ["Email address"],
    ),
    (
        "reset password sent",
        static("account_reset_password_done"),
        "Check your email",
        ["Back to log in"],
        [],
    ),
    (
        "reset password link",
        anon_reset_key,
        "Choose a new password",
        ["Save my new password", "Cancel"],
        ["New password", "New password (again)"],
    ),
    (
        "reset password bad link",
        lambda c: "/accounts/password/reset/key/1-bad-key/",
        "This reset link doesn't work",
        ["Email me a new link"],
        [],
    ),
    (
        "reset password done",
        static("account_reset_password_from_key_done"),
        "Your password is changed",
        ["Log in"],
        [],
    ),
    ("confirm email sent", static("account_email_verification_sent"), "Confirm your email address", [], []),
    ("confirm email link", anon_confirm_key, "Confirm your email address", ["Yes, confirm my address"], []),
    (
        "confirm email bad link",
        lambda c: "/accounts/confirm-email/bad-key/",
        "Confirm your email address",
        ["Log in"],
        [],
    ),
    ("account inactive", static("account_inactive"), "This account is closed", [], []),
    (
        "email",
        signed_in("account_email"),
        "Your email address",
        ["Change my email address"],
        ["New email address"],
    ),
    (
        "email unconfirmed",
        signed_in("account_email", verified=False),
        "Your email address",
        ["Send the confirmation email again", "Change my email address"],
        ["New email address"],
    ),
    (
        "change password",
        signed_in("account_change_password"),
        "Change your password",
        ["Save my new password", "Forgot your password?"],
        ["Current password", "New password", "New password (again)"],
    ),
    ("log out", signed_in("account_logout"), "Log out", ["Log out", "Stay logged in"], []),
    ("confirm it's you", signed_in("account_reauthenticate"), "Confirm it's you", ["Confirm"], ["Password"]),
    ("two-factor", signed_in("mfa_index"), "Two-factor authentication", ["Set up an authenticator app"], []),
    (
        "two-factor setup",
        as_staff("mfa_index"),
        "Two-factor authentication",
        ["Turn off two-factor authentication", "Make new codes"],
        [],
    ),
    (
        "two-factor activate",
        lambda c: (seeker(c), fresh_login_session(c), reverse("mfa_activate_totp"))[-1],
        "Set up an authenticator app",
        ["Turn on two-factor authentication"],
        ["Secret", "Code from your app"],
    ),
    (
        "two-factor deactivate",
        as_staff("mfa_deactivate_totp", fresh=True),
        "Turn off two-factor authentication",
        ["Turn it off", "Keep it on"],
        [],
    ),
    ("two-factor code at log in", mfa_stage, "Enter your two-factor code", ["Log in", "Cancel"], ["Code"]),
    (
        "two-factor confirm it's you",
        as_staff("mfa_reauthenticate"),
        "Confirm it's you",
        ["Confirm"],
        ["Code"],
    ),
    (
        "confirm it's you by email",
        as_staff("account_request_reauthentication_code"),
        "Confirm it's you",
        ["Email me a code"],
        ["Email the code to"],
    ),
    (
        "confirm it's you by email, the code",
        code_requested,
        "Enter the code we emailed you",
        ["Confirm", "Cancel"],
        ["Code"],
    ),
    (
        "recovery codes",
        as_staff("mfa_view_recovery_codes", fresh=True, codes=True),
        "Recovery codes",
        ["Download my codes", "Make new codes"],
        ["Your unused codes"],
    ),
    (
        "recovery codes generate",
        as_staff("mfa_generate_recovery_codes", fresh=True, codes=True),
        "Make new recovery codes",
        ["Make new codes", "Cancel"],
        [],
    ),
]


@pytest.mark.parametrize(("what", "setup", "heading", "actions", "labels"), PAGES, ids=[p[0] for p in PAGES])
def test_allauth_page_is_ours_in_sentence_case(client, what, setup, heading, actions, labels):
    url = setup(client)
    response = client.get(url, follow=True)
    assert response.status_code == 200, what
    final = response.redirect_chain[-1][0] if response.redirect_chain else url
    assert final.split("?")[0] == url.split("?")[0] or "reset/key" in url, (what, response.redirect_chain)
    body = response.content.decode()
    assert 'href="tel:988"' in body and 'href="tel:911"' in body  # our layout, with the crisis line
    assert 'class="site-header"' in body
    main = main_of(response)
    assert texts(main, "h1") == [heading]
    found = texts(main, "button") + texts(main, "a")
    for action in actions:
        assert action in found, (what, found)
    page_labels = texts(main, "label")
    for label in labels:
        assert label in page_labels, (what, page_labels)
    for text in texts(main, "h1") + texts(main, "h2") + texts(main, "button") + page_labels:
        if text.startswith("I understand"):
            continue
        assert not title_case_words(text), f"{what}: '{text}' is not sentence case"
    visible = unescape(re.sub(r"<[^>]+>", " ", main))
    for default in ALLAUTH_DEFAULTS:
        assert default not in visible, f"{what}: allauth's '{default}' is still on the page"
    assert f"<title>{heading} · peersnet</title>" in body or what == "sign up"


def test_confirm_email_page_says_whose_address_in_plain_words(client):
    body = client.get(anon_confirm_key(client)).content.decode()
    assert "Is <strong>new@example.com</strong> your email address?" in body
    assert "for user" not in body


def test_log_in_with_remember_me_unticked_ends_with_the_browser(client):
    SeekerFactory(user__email="maya@example.com")
    client.post(reverse("account_login"), {"login": "maya@example.com", "password": PASSWORD})
    assert client.session.get_expire_at_browser_close()
