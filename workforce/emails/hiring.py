"""Emails to applicants: one per stage move (and one when the application arrives). Kind and plain; they
never carry the applicant's statements, the staff's notes or the offer's terms, and every subject is the
same neutral line, so an inbox preview reveals nothing. One outbox row per event (key = the event's id)."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from accounts.timezones import format_when
from notifications.services import Email, notification_queue

from ..models import Application, ApplicationEvent
from ..stages import Stage

SUBJECT = "An update on your peersnet application"

# What each move means for the applicant, in a sentence or two. The interview adds its time.
_LINES: dict[str, list[str]] = {
    Stage.SUBMITTED: [
        "Thank you for applying to become a peer supporter. We have your application.",
        "Your next step is a free peer support session, so you know what our sessions feel like from the "
        "other side. Once you've had it, link it on your application page.",
    ],
    Stage.PEER_SESSION: [
        "We've confirmed your free peer support session. Thank you for taking it.",
        "Your next step is a short recorded video interview (about 15 minutes). The questions are on your "
        "application page.",
    ],
    Stage.VIDEO: [
        "Thank you for your recorded video interview. We've received it.",
        "We'll watch it carefully and be in touch to arrange a one-to-one conversation.",
    ],
    Stage.INTERVIEW: [
        "We'd like to meet you for a one-to-one interview.",
    ],
    Stage.OFFER: [
        "We'd like to offer you a place as a peer supporter.",
        "Your offer letter is on your application page. Please read it, and accept it there when "
        "you're ready.",
    ],
    Stage.CONSENT: [
        "Thank you for accepting our offer and for your consent to a background check.",
        "We've started the check. It usually takes a few working days; we'll let you know when it's done.",
    ],
    Stage.CLEARED: [
        "Your background check is complete and all is well.",
        "We'll be in touch shortly about your next step.",
    ],
    Stage.TRAINING: [
        "You're ready for training. Welcome!",
        "Your application page shows the training cohorts and what happens next.",
    ],
    Stage.ONBOARDING: [
        "You've reached onboarding: the last steps before you welcome your first seekers.",
        "Your application page shows what's left to do.",
    ],
    Stage.ONBOARDED: [
        "You're all set. Thank you for everything you've put into getting here.",
    ],
    Stage.REJECTED: [
        "Thank you for the time and care you've put into your application.",
        "After thinking about it carefully, we won't be going ahead with your application this time. This "
        "isn't a judgement of you or of your experience; we have only a limited number of places.",
        "Peer support sessions remain open to you. If you'd like to talk about this, write to us at the "
        "address below.",
    ],
    Stage.WITHDRAWN: [
        "You've withdrawn your application. We're sorry to see you go, and we understand.",
        "If you change your mind or have questions, write to us at the address below.",
    ],
}


def email_stage_moved(event: ApplicationEvent) -> None:
    """To the applicant: what the move means and where to look. Queued inside the move's transaction;
    one outbox row per event."""
    application: Application = event.application
    user = application.user
    lines = list(_LINES[event.to_stage])
    if event.to_stage == Stage.INTERVIEW and application.interview_at:
        lines.append(
            f"We've set it for {format_when(application.interview_at, user.tzinfo)} (your time). "
            "The details are on your application page."
        )
    action = event.to_stage not in (Stage.WITHDRAWN, Stage.REJECTED)
    notification_queue(
        Email(
            key=f"application-event-{event.pk}",
            to=user.email,
            subject=SUBJECT,
            template="email/notice",
            context={
                "subject": SUBJECT,
                "name": user.get_short_name(),
                "lines": lines,
                "action_label": "Your application" if action else "",
                "action_url": settings.SITE_URL + reverse("workforce:progress") if action else "",
            },
        )
    )
