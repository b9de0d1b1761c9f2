"""Deployment checks: with DEBUG off, ``manage.py check --deploy`` refuses a configuration that would
quietly do the wrong thing in production.

Each rule is one function registered with ``deploy=True`` and returning a list of messages with an id
``peersnet.E0xx``. A new rule is one more such function.
All of them stay silent while DEBUG is on: development runs on the embedded defaults by design.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks

# Backends that print or store mail instead of sending it: in production every email (names, session
# times) would end up in a log or on one machine's disk, and nobody would receive it.
NON_DELIVERING_EMAIL_BACKENDS = {
    "peersnet.mail.ConsoleAndFileEmailBackend",
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
}


def _email_delivery_backend() -> str:
    return getattr(settings, "EMAIL_DELIVERY_BACKEND", settings.EMAIL_BACKEND)


@checks.register(checks.Tags.security, deploy=True)
def check_email_is_sent(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """peersnet.E001: email must really be sent (EMAIL_URL)."""
    if settings.DEBUG or _email_delivery_backend() not in NON_DELIVERING_EMAIL_BACKENDS:
        return []
    return [
        checks.Error(
            "Email is not being sent: EMAIL_URL is unset (or names a console, file or memory backend), so "
            "every email, with people's names and session times, would be printed to the log and written "
            "to disk, and nobody would receive it.",
            hint="Set EMAIL_URL to your mail server, e.g. smtp+tls://user:password@smtp.example.com:587.",
            id="peersnet.E001",
        )
    ]


@checks.register(checks.Tags.security, deploy=True)
def check_site_url_is_https(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """peersnet.E002: SITE_URL, the base of every link in emails, must be https."""
    if settings.DEBUG:
        return []
    parts = urlsplit(settings.SITE_URL)
    if parts.scheme == "https" and parts.hostname:
        return []
    return [
        checks.Error(
            f"SITE_URL is {settings.SITE_URL!r}, not an https address: links in emails (gift claim links, "
            "password resets, session pages) would travel unencrypted or point at the wrong place.",
            hint="Set SITE_URL to the public https address of the site, e.g. https://peersnet.example.",
            id="peersnet.E002",
        )
    ]


@checks.register(checks.Tags.security, deploy=True)
def check_media_url_is_https(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """peersnet.E003: photos on object storage must come over https, or browsers block them on our pages."""
    if settings.DEBUG or settings.MEDIA_URL.startswith("/") or settings.MEDIA_URL.startswith("https://"):
        return []
    return [
        checks.Error(
            f"Uploaded files are served from {settings.MEDIA_URL!r}, not an https address: browsers block "
            "such images on https pages, so supporter photos would not show.",
            hint="Set MEDIA_PUBLIC_URL (or AWS_S3_ENDPOINT_URL) to an https address.",
            id="peersnet.E003",
        )
    ]


@checks.register(checks.Tags.security, deploy=True)
def check_field_encryption_keys(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """peersnet.E004: FIELD_ENCRYPTION_KEYS must hold valid keys (never the development key file)."""
    from django.core.exceptions import ImproperlyConfigured

    from peersnet.kernel.crypto import validate_keys

    if settings.DEBUG:
        return []
    try:
        validate_keys(settings.FIELD_ENCRYPTION_KEYS)
    except ImproperlyConfigured as problem:
        return [
            checks.Error(
                f"{problem} Intake answers, private reasons and two-factor secrets are stored encrypted "
                "with these keys, so without them the site can neither write nor read them.",
                hint="Set FIELD_ENCRYPTION_KEYS to one or more Fernet keys, newest first, kept apart from "
                "SECRET_KEY and the database backups (docs/privacy.md).",
                id="peersnet.E004",
            )
        ]
    return []
