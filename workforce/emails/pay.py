"""workforce's emails. Subjects say nothing private; bodies carry no notes."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.urls import reverse

from notifications.services import Email, notification_queue_many


def email_supervision_reminder_many(*, rows, month: dt.date) -> None:
    """To each supporter below the month's 1:1 supervision requirement: how many minutes are still
    needed. One outbox row per supporter and month (the key), so a rerun sends nothing new."""
    emails = []
    for row in rows:
        user = row.supporter.user
        subject = f"Supervision for {month:%B}"
        emails.append(
            Email(
                key=f"supervision-reminder-{row.supporter.pk}-{month:%Y-%m}",
                to=user.email,
                subject=subject,
                template="email/notice",
                context={
                    "subject": subject,
                    "name": user.get_short_name() or row.supporter.display_name,
                    "lines": [
                        f"Each month includes 60 minutes of 1:1 supervision (one hour, or two half hours). "
                        f"So far this {month:%B} we have {row.minutes} minutes on record for you.",
                        "Please book the rest with your supervisor before the month ends. "
                        "It is paid time, at your usual rate.",
                    ],
                    "action_label": "See your supervision log",
                    "action_url": settings.SITE_URL + reverse("workforce:my_supervision"),
                },
            )
        )
    notification_queue_many(emails)
