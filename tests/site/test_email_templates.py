"""Every email template in the repository carries the crisis line and no health details, and every email
allauth can send is rendered by our adapter (text and HTML) in our words."""

import datetime as dt
from pathlib import Path

import allauth
import pytest
from allauth.core import context as allauth_context
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string

from accounts.models import User
from peersnet.account_adapter import AccountAdapter

TEMPLATES = Path(settings.BASE_DIR) / "templates"
ALLAUTH_TEMPLATES = Path(allauth.__file__).parent / "templates"
SENSITIVE = "SENSITIVE-HEALTH-DETAIL"
# Words that would tell a reader about someone's health or support. None belongs in any email template.
HEALTH_WORDS = (
    "diagnos",
    "medication",
    "suicid",
    "self-harm",
    "depress",
    "anxiety",
    "bipolar",
    "intake",
    "safety plan",
    "mandatory report",
    SENSITIVE.lower(),
)


def email_templates() -> list[str]:
    """Every template under a folder named ``email`` (ours and our allauth overrides), plus the outbox's
    own test email."""
    found = [
        p.relative_to(TEMPLATES).as_posix()
        for p in TEMPLATES.rglob("*")
        if p.is_file() and ("email" in p.relative_to(TEMPLATES).parts[:-1])
    ]
    found += [p.relative_to(TEMPLATES).as_posix() for p in (TEMPLATES / "notifications" / "test").iterdir()]
    return sorted(found)


def allauth_prefixes() -> list[str]:
    """Every email allauth (account and mfa) can send: from its own templates and our overrides."""
    prefixes = set()
    for root in (TEMPLATES, ALLAUTH_TEMPLATES):
        for app in ("account", "mfa"):
            for path in (root / app / "email").glob("*_message.txt"):
                if not path.name.startswith("base_"):
                    prefixes.add(f"{app}/email/{path.name.removesuffix('_message.txt')}")
    return sorted(prefixes)


def sample_context() -> dict:
    user = User(first_name="Maya", email="maya@example.com")
    return {
        "SITE_URL": settings.SITE_URL,
        "SUPPORT_EMAIL": settings.SUPPORT_EMAIL,
        "user": user,
        "name": "Maya",
        "subject": "A subject",
        "email": "maya@example.com",
        "lines": ["A line of the email."],
        "action_label": "Open",
        "action_url": "https://peersnet.example/x/",
        "why": "You have a peersnet account.",
        "activate_url": "https://peersnet.example/accounts/confirm-email/key/",
        "password_reset_url": "https://peersnet.example/accounts/password/reset/key/1-abc/",
        "signup_url": "https://peersnet.example/accounts/signup/",
        "from_email": "old@example.com",
        "to_email": "maya@example.com",
        "deleted_email": "old@example.com",
        "code": "123456",
        "key": "a-key",
        "timestamp": dt.datetime(2026, 11, 30, 17, 0, tzinfo=dt.UTC),
        "ip": "192.0.2.1",
        "user_agent": "Firefox",
        # What must never reach an email, whatever a template does with its context.
        "intake_answers": SENSITIVE,
        "message_text": SENSITIVE,
        "private_reason": SENSITIVE,
        "report_text": SENSITIVE,
    }


def assert_safe(text: str, where: str) -> None:
    lowered = text.lower()
    found = [word for word in HEALTH_WORDS if word in lowered]
    assert not found, f"{where} mentions {found}"


def test_there_are_email_templates_to_check():
    names = email_templates()
    assert "email/notice.txt" in names and "giftcards/email/message.html" in names
    assert "account/email/password_reset_key_message.txt" in names
    prefixes = allauth_prefixes()
    assert "account/email/email_confirmation_signup" in prefixes and "mfa/email/totp_activated" in prefixes


@pytest.mark.parametrize("name", email_templates())
def test_every_email_template_carries_the_crisis_line_and_no_health_details(name, rf):
    """Bodies carry 988 and 911; subjects say nothing about health. Rendered as the outbox does, without a
    request (allauth's are also rendered with one, below)."""
    request = rf.get("/")
    request.user = AnonymousUser()
    with allauth_context.request_context(request):
        text = render_to_string(name, sample_context())
    assert_safe(text, name)
    if name.endswith("_subject.txt"):
        assert "\n" not in text.strip() and len(text.strip()) < 80
        return
    assert "988" in text and "911" in text, name


@pytest.mark.parametrize("prefix", allauth_prefixes())
def test_every_allauth_email_is_ours_in_text_and_html(prefix, rf):
    request = rf.get("/")
    request.user = AnonymousUser()
    with allauth_context.request_context(request):
        message = AccountAdapter(request).render_mail(prefix, "maya@example.com", sample_context())
    html = dict((mimetype, body) for body, mimetype in message.alternatives)["text/html"]
    assert message.subject.startswith("peersnet: ")
    assert_safe(message.subject, f"{prefix} subject")
    for body in (message.body, html):
        assert "988" in body and "911" in body
        assert "Hello from" not in body and "Thank you for using" not in body
        assert_safe(body, prefix)
    assert 'href="tel:988"' in html
