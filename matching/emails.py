"""Matching's emails. Never any answer, note or topic: only that something is ready, and a link."""

from django.conf import settings
from django.urls import reverse

from notifications.services import Email, notification_queue

from .models import TeamRequest


def email_team_answered(team_request: TeamRequest) -> None:
    """Our team answered: the seeker gets a link to the page with the suggestions."""
    user = team_request.seeker.user
    subject = "Our team has suggestions for you"
    notification_queue(
        Email(
            key=f"team-request-{team_request.pk}-answered",
            to=user.email,
            subject=subject,
            template="email/notice",
            context={
                "subject": subject,
                "name": user.get_short_name(),
                "lines": [
                    "Someone from our team has picked supporters they think could be a good fit for you.",
                    "Read why on the site, and book a time if one feels right.",
                ],
                "action_label": "See the suggestions",
                "action_url": settings.SITE_URL + reverse("matching:team_request", args=[team_request.pk]),
            },
        )
    )
