"""Outgoing Message-IDs use the site's domain (from SITE_URL), never the machine's host name.

Every email goes through peersnet.mail.SiteMessageIdBackend; here it delivers with Django's file backend,
so the assertions read the bytes of the message exactly as they would go to the mail server.
"""

import socket
from email import message_from_bytes

import pytest
from django.core.mail import EmailMessage, mail_admins
from django.db import transaction

from notifications.services import Email, notification_queue
from tests.settings_env import load_settings


@pytest.fixture
def sent(settings, tmp_path):
    """Mail through the production wrapper into files; returns a reader of the messages written."""
    settings.EMAIL_BACKEND = "peersnet.mail.SiteMessageIdBackend"
    settings.EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = tmp_path
    settings.EMAIL_MESSAGE_ID_DOMAIN = "peersnet.example"

    def read() -> list:
        messages = []
        for path in sorted(tmp_path.iterdir()):
            # The file backend writes each message followed by a line of dashes.
            for chunk in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
                if chunk.strip():
                    messages.append(message_from_bytes(chunk))
        return messages

    return read


@pytest.mark.django_db(transaction=True)
def test_outbox_email_message_id_is_in_the_site_domain(sent):
    with transaction.atomic():
        notification_queue(
            Email(
                key="message-id-1",
                to="maya@example.com",
                subject="Hello from peersnet",
                template="notifications/test/hello",
                context={"name": "Maya"},
            )
        )
    [message] = sent()
    message_id = message["Message-ID"]
    assert message_id.startswith("<") and message_id.endswith("@peersnet.example>")
    assert socket.getfqdn() not in message_id


def test_error_email_to_admins_has_a_message_id_in_the_site_domain(sent, settings):
    settings.ADMINS = [("Ops", "ops@peersnet.example")]
    mail_admins("Something broke", "details")
    [message] = sent()
    assert message["To"] == "ops@peersnet.example"
    assert message["Message-ID"].endswith("@peersnet.example>")


def test_a_message_id_given_by_the_sender_is_kept(sent):
    EmailMessage("Hi", "body", to=["a@example.com"], headers={"Message-ID": "<kept@peersnet.example>"}).send()
    [message] = sent()
    assert message.get_all("Message-ID") == ["<kept@peersnet.example>"]


@pytest.mark.parametrize(
    ("site_url", "domain"),
    [
        ("https://peersnet.example", "peersnet.example"),
        ("https://www.peersnet.example:8443/", "www.peersnet.example"),
    ],
)
def test_message_id_domain_comes_from_site_url(monkeypatch, site_url, domain):
    assert load_settings(monkeypatch, SITE_URL=site_url)["EMAIL_MESSAGE_ID_DOMAIN"] == domain
