"""Credential emails: reminders before expiry, the supporter unlisted (to them and to operations), listed
again. Subjects reveal nothing; the bodies name the kind of credential and dates only."""

import datetime as dt

from django.conf import settings
from django.urls import reverse

from notifications.services import Email, notification_queue
from supporters.models import SupporterProfile

from ..models import Credential, ListingEvent


def _when(day: dt.date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def email_credential_reminder(credential: Credential, *, days: int) -> None:
    """To the supporter, once per (credential, expiry date, threshold): it expires in about ``days`` days."""
    user = credential.supporter.user
    subject = "A credential of yours is due for renewal"
    lines = [
        f"Your {credential.get_kind_display().lower()} expires on {_when(credential.expires_on)}.",
        "Once it has expired, your profile is taken out of the directory until we've recorded the renewal "
        "(sessions already confirmed go ahead).",
        "When you have the renewed credential, reply to this email with it and we'll update your record.",
    ]
    notification_queue(
        Email(
            key=f"credential-reminder-{credential.pk}-{credential.expires_on:%Y%m%d}-{days}",
            to=user.email,
            subject=subject,
            template="email/notice",
            context={
                "subject": subject,
                "name": user.get_short_name(),
                "lines": lines,
                "action_label": "See your credentials",
                "action_url": settings.SITE_URL + reverse("workforce:credentials"),
            },
        )
    )


def email_unlisted(event: ListingEvent, *, credential: Credential) -> None:
    """To the supporter and to operations, once per unlisting."""
    supporter: SupporterProfile = event.supporter
    user = supporter.user
    subject = "Your profile is paused"
    lines = [
        f"Your {credential.get_kind_display().lower()} expired on {_when(credential.expires_on)}, so your "
        "profile is out of the directory for now and seekers can't send you new requests.",
        "Sessions already confirmed go ahead as planned.",
        "As soon as we've recorded your renewal, your profile is listed again. Reply to this email if you "
        "need help with it.",
    ]
    notification_queue(
        Email(
            key=f"credential-unlisted-{event.pk}",
            to=user.email,
            subject=subject,
            template="email/notice",
            context={
                "subject": subject,
                "name": user.get_short_name(),
                "lines": lines,
                "action_label": "See your credentials",
                "action_url": settings.SITE_URL + reverse("workforce:credentials"),
            },
        )
    )
    staff_subject = "A supporter was unlisted: credential expired"
    notification_queue(
        Email(
            key=f"credential-unlisted-ops-{event.pk}",
            to=settings.OPERATIONS_EMAIL,
            subject=staff_subject,
            template="email/notice",
            context={
                "subject": staff_subject,
                "name": "team",
                "lines": [
                    f"{supporter.display_name} (supporter #{supporter.pk}) is no longer listed: their "
                    f"{credential.get_kind_display().lower()} expired on {_when(credential.expires_on)}.",
                    "Their confirmed sessions stay; new requests are refused until a renewal is recorded.",
                    "Record the renewal under Workforce › Credentials to list them again.",
                ],
                "action_label": "Open their credentials",
                "action_url": settings.SITE_URL
                + reverse("admin:workforce_credential_changelist")
                + f"?supporter__id__exact={supporter.pk}",
            },
        )
    )


def email_relisted(event: ListingEvent) -> None:
    """To the supporter, once per relisting."""
    user = event.supporter.user
    subject = "Your profile is listed again"
    notification_queue(
        Email(
            key=f"credential-relisted-{event.pk}",
            to=user.email,
            subject=subject,
            template="email/notice",
            context={
                "subject": subject,
                "name": user.get_short_name(),
                "lines": [
                    "Thank you for renewing. Your profile is back in the directory and seekers can book you "
                    "again in the hours you offer."
                ],
                "action_label": "See your profile",
                "action_url": settings.SITE_URL + reverse("supporters:profile", args=[event.supporter_id]),
            },
        )
    )
