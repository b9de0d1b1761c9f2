"""Misconfiguration is refused: `check --deploy` with DEBUG off, seed_demo with DEBUG off, bad env values."""

from io import StringIO

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError, SystemCheckError

from accounts.models import User
from supporters.models import SupporterProfile
from tests.settings_env import load_settings

# What .ci/run and the README's Deploying section set: the accepted production configuration.
PRODUCTION = {
    "DEBUG": False,
    "SITE_URL": "https://peersnet.example",
    "EMAIL_DELIVERY_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
}


def deploy_check_ids() -> set[str]:
    """Run `manage.py check --deploy` and return the ids of what it reported from peersnet."""
    try:
        call_command("check", deploy=True, fail_level="ERROR", stdout=StringIO(), stderr=StringIO())
    except SystemCheckError as exc:
        return {line.split(")")[0].split("(")[1] for line in str(exc).splitlines() if "(peersnet." in line}
    return set()


@pytest.fixture
def production(settings):
    for name, value in PRODUCTION.items():
        setattr(settings, name, value)
    return settings


def test_check_deploy_accepts_production_settings(production):
    assert deploy_check_ids() == set()


@pytest.mark.parametrize(
    "backend",
    [
        "peersnet.mail.ConsoleAndFileEmailBackend",  # EMAIL_URL unset
        "django.core.mail.backends.console.EmailBackend",  # EMAIL_URL=consolemail://
        "django.core.mail.backends.filebased.EmailBackend",
    ],
)
def test_check_deploy_refuses_email_that_is_never_sent(production, backend):
    production.EMAIL_DELIVERY_BACKEND = backend
    assert deploy_check_ids() == {"peersnet.E001"}


@pytest.mark.parametrize(
    "site_url", ["http://peersnet.example", "http://127.0.0.1:8000", "peersnet.example", "https://"]
)
def test_check_deploy_refuses_a_site_url_that_is_not_https(production, site_url):
    production.SITE_URL = site_url
    assert deploy_check_ids() == {"peersnet.E002"}


@pytest.mark.parametrize(
    ("media_url", "ids"),
    [
        ("/media/", set()),
        ("https://media.peersnet.example/", set()),
        ("http://media.peersnet.example/", {"peersnet.E003"}),
    ],
)
def test_check_deploy_refuses_media_served_over_plain_http(production, media_url, ids):
    production.MEDIA_URL = media_url
    assert deploy_check_ids() == ids


@pytest.mark.parametrize(
    ("keys", "ids"),
    [
        ([], {"peersnet.E004"}),
        (["not-a-fernet-key"], {"peersnet.E004"}),
        (["tVbV2ia9mmwXbJ1GDU3xgqSuzKu5PxOZI6m-7Xy7qVU=", "short"], {"peersnet.E004"}),
        (["tVbV2ia9mmwXbJ1GDU3xgqSuzKu5PxOZI6m-7Xy7qVU="], set()),
    ],
)
def test_check_deploy_refuses_missing_or_broken_field_encryption_keys(production, keys, ids):
    production.FIELD_ENCRYPTION_KEYS = keys
    assert deploy_check_ids() == ids


def test_settings_with_debug_off_take_no_development_encryption_key(monkeypatch):
    """Only DEBUG makes a key under var/; production without FIELD_ENCRYPTION_KEYS has none (E004)."""
    production = load_settings(monkeypatch, DEBUG="false", SECRET_KEY="x" * 50)
    assert production["FIELD_ENCRYPTION_KEYS"] == []
    rotated = load_settings(monkeypatch, DEBUG="false", SECRET_KEY="x" * 50, FIELD_ENCRYPTION_KEYS="k2,k1")
    assert rotated["FIELD_ENCRYPTION_KEYS"] == ["k2", "k1"]


def test_check_deploy_refusal_explains_what_is_wrong(production):
    production.EMAIL_DELIVERY_BACKEND = "peersnet.mail.ConsoleAndFileEmailBackend"
    with pytest.raises(SystemCheckError) as excinfo:
        call_command("check", deploy=True, stdout=StringIO(), stderr=StringIO())
    assert "EMAIL_URL" in str(excinfo.value)
    assert "printed to the log" in str(excinfo.value)


def test_check_deploy_is_quiet_about_the_embedded_defaults_in_debug(settings):
    settings.DEBUG = True
    settings.SITE_URL = "http://127.0.0.1:8000"
    settings.EMAIL_DELIVERY_BACKEND = "peersnet.mail.ConsoleAndFileEmailBackend"
    assert deploy_check_ids() == set()


def test_settings_without_email_url_choose_the_printing_backend_that_the_check_refuses(monkeypatch):
    """The check looks at what settings.py really builds from the environment."""
    unset = load_settings(monkeypatch, SITE_URL="https://peersnet.example")
    assert unset["EMAIL_DELIVERY_BACKEND"] == "peersnet.mail.ConsoleAndFileEmailBackend"
    smtp = load_settings(monkeypatch, EMAIL_URL="smtp+tls://mailer:secret@smtp.example.com:587")
    assert smtp["EMAIL_DELIVERY_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert smtp["EMAIL_BACKEND"] == "peersnet.mail.SiteMessageIdBackend"


# --- seed_demo -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_seed_demo_refuses_with_debug_off_and_says_why(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError) as excinfo:
        call_command("seed_demo", stdout=StringIO())
    message = str(excinfo.value)
    assert "public" in message and "password" in message and "TOTP secret" in message
    assert "--create-public-demo-logins" in message
    assert not User.objects.exists()


@pytest.mark.django_db
def test_seed_demo_runs_with_debug_off_when_told_it_creates_public_logins(settings):
    settings.DEBUG = False
    out = StringIO()
    call_command("seed_demo", create_public_demo_logins=True, stdout=out)
    assert "staff@peersnet.example" in out.getvalue()
    assert SupporterProfile.objects.exists()


# --- Values that settings.py refuses at start --------------------------------------------------


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"MEDIA_STORAGE": "s3"}, "AWS_STORAGE_BUCKET_NAME"),
        ({"MEDIA_STORAGE": "ftp"}, "MEDIA_STORAGE must be"),
        ({"AWS_STORAGE_BUCKET_NAME": "b", "MEDIA_PUBLIC_URL": "media.example"}, "MEDIA_PUBLIC_URL"),
        ({"LOG_FORMAT": "xml"}, "LOG_FORMAT"),
        ({"ADMINS": "Ana Ops <ana-at-example.com>"}, "ADMINS"),
    ],
)
def test_settings_refuse_values_that_cannot_work(monkeypatch, variables, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        load_settings(monkeypatch, **variables)


@pytest.mark.parametrize(
    ("value", "admins"),
    [
        ("", []),
        ("Ana Ops <ana@peersnet.example>", [("Ana Ops", "ana@peersnet.example")]),
        (
            'Ana Ops <ana@peersnet.example>, bo@peersnet.example, "Night, Shift" <night@peersnet.example>,',
            [
                ("Ana Ops", "ana@peersnet.example"),
                ("", "bo@peersnet.example"),
                ("Night, Shift", "night@peersnet.example"),
            ],
        ),
    ],
    ids=["empty", "one", "several-with-comma-in-name-and-trailing-comma"],
)
def test_admins_are_read_from_the_environment(monkeypatch, value, admins):
    assert load_settings(monkeypatch, ADMINS=value)["ADMINS"] == admins
