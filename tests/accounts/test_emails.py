"""allauth's emails: our words, text and HTML, the crisis line, and always through the outbox.

The mail server is a real SMTP server (aiosmtpd, the ``smtp_server`` fixture) on a loopback port that the
tests stop and start.
"""

import datetime as dt
import re

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from accounts.models import User
from notifications.models import Notification
from notifications.services import notification_sweep
from tests.accounts.test_views import signup
from tests.factories import PASSWORD, SeekerFactory

pytestmark = pytest.mark.django_db(transaction=True)  # the outbox sends after commit


def sweep_now() -> int:
    return notification_sweep(older_than=dt.timedelta(0))


def link_in(text: str, pattern: str) -> str:
    """The path of the first link matching ``pattern`` (quoted-printable soft breaks undone)."""
    text = text.replace("=\n", "").replace("=3D", "=")
    url = re.search(rf"https?://[^\s\"<>]+{pattern}[^\s\"<>]*", text).group(0)
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def test_signup_with_the_mail_server_down_answers_normally_and_the_email_follows(client, smtp_server):
    smtp_server.stop()
    response = signup(client)
    assert response.status_code == 302  # no error page: the account is made and the email waits
    assert response.url == reverse("account_email_verification_sent")
    user = User.objects.get(email="alex@example.com")
    notification = Notification.objects.get(to="alex@example.com")
    assert notification.status == Notification.Status.PENDING
    assert notification.attempts == 1 and notification.last_error
    assert notification.carries_secret and "confirm-email" in notification.body_text
    assert smtp_server.inbox.messages == []

    # The mail server comes back; the periodic sweep sends the email.
    smtp_server.start()
    assert sweep_now() == 1
    [(recipients, raw)] = smtp_server.inbox.messages
    assert recipients == ["alex@example.com"]
    assert "Subject: peersnet: Confirm your email address" in raw
    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT
    assert (notification.body_text, notification.body_html) == ("", "")  # the link is gone from the database
    assert sweep_now() == 0  # never twice

    # The link in the email that arrived confirms the address and signs the person in.
    path = link_in(raw, "/accounts/confirm-email/")
    assert client.post(path).status_code == 302
    assert EmailAddress.objects.get(user=user).verified
    assert client.get(reverse("accounts:home")).status_code == 200


def test_password_reset_with_the_mail_server_down_answers_normally_and_the_email_follows(client, smtp_server):
    SeekerFactory(user__email="maya@example.com")
    smtp_server.stop()
    response = client.post(reverse("account_reset_password"), {"email": "maya@example.com"})
    assert response.status_code == 302
    assert response.url == reverse("account_reset_password_done")
    assert Notification.objects.get(to="maya@example.com").status == Notification.Status.PENDING
    smtp_server.start()
    assert sweep_now() == 1
    [(_recipients, raw)] = smtp_server.inbox.messages
    assert "Subject: peersnet: Reset your password" in raw
    path = link_in(raw, "/accounts/password/reset/key/")
    response = client.get(path, follow=True)
    assert response.status_code == 200
    response = client.post(
        response.redirect_chain[-1][0],
        {"password1": "a-new-calm-password-8", "password2": "a-new-calm-password-8"},
    )
    assert response.status_code == 302
    assert User.objects.get(email="maya@example.com").check_password("a-new-calm-password-8")


def test_a_mail_server_that_keeps_refusing_never_loses_the_row_and_the_link_is_blanked_at_the_end(
    client, settings
):
    """The failing backend stands in for a server that accepts connections and refuses every email."""
    settings.EMAIL_BACKEND = "tests.notifications.failing_backend.FailingBackend"
    signup(client)
    notification = Notification.objects.get()
    from notifications.services import MAX_ATTEMPTS

    for _ in range(MAX_ATTEMPTS):
        sweep_now()
    notification.refresh_from_db()
    assert notification.status == Notification.Status.FAILED
    assert (notification.body_text, notification.body_html) == ("", "")
    assert notification.subject == "peersnet: Confirm your email address"  # staff can still see what failed


def test_signup_email_is_ours_in_text_and_html(client, mailoutbox):
    signup(client)
    [message] = mailoutbox
    assert message.subject == "peersnet: Confirm your email address"
    html = dict((mimetype, body) for body, mimetype in message.alternatives)["text/html"]
    for body in (message.body, html):
        assert "Alex" in body
        assert "988" in body and "911" in body
        assert "Hello from" not in body and "Thank you for using" not in body
        assert "/accounts/confirm-email/" in body
    assert 'href="tel:988"' in html and "<a href=" in html
    assert Notification.objects.get().key.startswith("account-email_confirmation_signup-")


@pytest.mark.parametrize(
    ("action", "to", "subject"),
    [
        ("reset_unknown", "nobody@example.com", "peersnet: About your password reset request"),
        ("signup_existing", "maya@example.com", "peersnet: You already have an account"),
        ("change_password", "maya@example.com", "peersnet: Your password was changed"),
        ("reset", "maya@example.com", "peersnet: Reset your password"),
    ],
)
def test_every_allauth_email_goes_through_the_outbox(client, mailoutbox, action, to, subject):
    seeker = SeekerFactory(user__email="maya@example.com")
    if action in ("reset", "reset_unknown"):
        client.post(reverse("account_reset_password"), {"email": to})
    elif action == "signup_existing":
        signup(client, email="maya@example.com")
    elif action == "change_password":
        client.force_login(seeker.user)
        client.post(
            reverse("account_change_password"),
            {
                "oldpassword": PASSWORD,
                "password1": "a-new-calm-password-8",
                "password2": "a-new-calm-password-8",
            },
        )
    notification = Notification.objects.get(to=to)
    assert notification.subject == subject
    assert notification.status == Notification.Status.SENT
    [message] = [m for m in mailoutbox if m.to == [to]]
    assert message.subject == subject
    assert "988" in message.body and "Hello from" not in message.body
    assert any(mimetype == "text/html" for _body, mimetype in message.alternatives)


def test_the_outbox_admin_hides_a_pending_link_from_staff(client, settings):
    from allauth.mfa.totp.internal.auth import TOTP

    from tests.factories import StaffFactory

    settings.EMAIL_BACKEND = "tests.notifications.failing_backend.FailingBackend"
    signup(client)
    notification = Notification.objects.get()
    assert notification.status == Notification.Status.PENDING and notification.body_text
    staff = StaffFactory(is_superuser=True)
    TOTP.activate(staff, "JBSWY3DPEHPK3PXP")
    client.force_login(staff)
    page = client.get(reverse("admin:notifications_notification_change", args=[notification.pk]))
    assert page.status_code == 200
    assert "confirm-email" not in page.content.decode()
    assert "Confirm your email address" in page.content.decode()
