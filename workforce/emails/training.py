"""Training emails: enrolled in a cohort (its dates), a practice log returned, a certificate issued. Each is
one outbox row (sent once) and carries no private text: never a reflection or a supervisor's feedback,
only a link back to the training page."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import formats

from notifications.services import Email, notification_queue

from ..models import Certificate, Enrolment, PracticeLog


def _date(value) -> str:
    return formats.date_format(value, "l j F Y")


def _send(*, key: str, user, subject: str, lines: list[str], action_label: str, action_url: str) -> None:
    notification_queue(
        Email(
            key=key,
            to=user.email,
            subject=subject,
            template="email/notice",
            context={
                "subject": subject,
                "name": user.get_short_name(),
                "lines": lines,
                "action_label": action_label,
                "action_url": settings.SITE_URL + action_url,
            },
        )
    )


def email_enrolled(enrolment: Enrolment) -> None:
    """To the trainee: you have a place in the cohort, with its dates. One per enrolment."""
    cohort = enrolment.cohort
    _send(
        key=f"workforce-enrolled-{enrolment.pk}",
        user=enrolment.application.user,
        subject="Your place in a training cohort",
        lines=[
            f"You have a place in the {cohort.name} training cohort.",
            f"The course starts on {_date(cohort.kickoff)} and runs until {_date(cohort.end)}.",
            f"It asks for {cohort.total_hours_required} hours of training, with weekly live sessions, "
            f"and {cohort.practice_hours_required} hours of practice with an experienced supporter.",
            "Your training page shows the live sessions and your progress as you go.",
        ],
        action_label="Open your training page",
        action_url=reverse("workforce:training"),
    )


def email_practice_returned(log: PracticeLog) -> None:
    """To the trainee: a supervisor returned a practice log. One per return (a log can come back twice)."""
    _send(
        key=f"workforce-practice-returned-{log.pk}-{log.times_returned}",
        user=log.enrolment.application.user,
        subject="A practice log needs a change",
        lines=[
            "A supervisor looked at one of your practice logs and returned it with a note.",
            "Read the note on your training page, correct the log and send it again.",
        ],
        action_label="Open your training page",
        action_url=reverse("workforce:training"),
    )


def email_certificate_issued(certificate: Certificate) -> None:
    """To the trainee: training is complete; the certificate is on the training page. One per certificate."""
    enrolment = certificate.enrolment
    _send(
        key=f"workforce-certificate-{certificate.pk}",
        user=enrolment.application.user,
        subject="You have completed your training",
        lines=[
            f"Congratulations: you have completed the {enrolment.cohort.name} training.",
            "Your certificate of completion is ready to download from your training page. "
            "Next comes onboarding; we'll be in touch about it.",
        ],
        action_label="Download your certificate",
        action_url=reverse("workforce:training"),
    )
