"""Onboarding emails: the 10-day nudge and "you're listed". They say what is left, never anything private."""

from django.conf import settings
from django.urls import reverse

from accounts.timezones import format_when
from notifications.services import Email, notification_queue

from ..models import Onboarding


def email_onboarding_nudge(onboarding: Onboarding, *, missing: list[str]) -> None:
    """To the supporter, once: onboarding is due soon and these items are still open."""
    user = onboarding.supporter.user
    subject = "A few steps left to finish onboarding"
    lines = [
        f"Your onboarding is due to be complete by {format_when(onboarding.due_at, user.tzinfo)}.",
        "These steps are still open:",
        *[f"- {label}" for label in missing],
        "Each one links to where it's done from your onboarding checklist. If something is in the way, "
        "reply to this email and we'll help.",
    ]
    notification_queue(
        Email(
            key=f"onboarding-nudge-{onboarding.pk}",
            to=user.email,
            subject=subject,
            template="email/notice",
            context={
                "subject": subject,
                "name": user.get_short_name(),
                "lines": lines,
                "action_label": "Open your checklist",
                "action_url": settings.SITE_URL + reverse("workforce:onboarding"),
            },
        )
    )


def email_onboarding_activated(onboarding: Onboarding) -> None:
    """To the supporter, once: onboarding is complete and their profile is in the directory."""
    user = onboarding.supporter.user
    subject = "Welcome: your profile is listed"
    lines = [
        "Your onboarding is complete and your profile is now in the directory, so seekers can find and "
        "book you in the hours you offer.",
        "You'll get an email for every new request. Your sessions dashboard has everything in one place.",
    ]
    notification_queue(
        Email(
            key=f"onboarding-activated-{onboarding.pk}",
            to=user.email,
            subject=subject,
            template="email/notice",
            context={
                "subject": subject,
                "name": user.get_short_name(),
                "lines": lines,
                "action_label": "See your profile",
                "action_url": settings.SITE_URL
                + reverse("supporters:profile", args=[onboarding.supporter_id]),
            },
        )
    )
