"""What hiring holds about a person, for their export and their account's deletion (privacy.registry;
registered in WorkforceConfig.ready()). The export has the application with what they wrote, its steps
and their consent record (the resume itself is downloadable from their application page while the account
exists). Deletion removes the resume and video files and blanks the statements, the phone number, the
video link and the staff's notes; an open application is withdrawn (without an email)."""

from __future__ import annotations

import datetime as dt

from privacy.registry import iso

from .models import Application, BackgroundCheckConsent
from .services import application_erase


def export(user) -> dict:
    application = Application.objects.filter(user=user).first()
    if application is None:
        return {}
    consent = BackgroundCheckConsent.objects.filter(application=application).first()
    return {
        "stage": application.stage,
        "applied_at": iso(application.created_at),
        "already_certified": application.already_certified,
        "phone": application.phone,
        "state": application.state,
        "commits_five_hours": application.commits_five_hours,
        "availability": application.availability,
        "lived_experience": application.lived_experience,
        "resume": {"kind": application.resume_kind, "size_bytes": application.resume_size}
        if application.resume_file
        else None,
        "video_link": application.video_link,
        "video_uploaded": bool(application.video_file),
        "video_submitted_at": iso(application.video_submitted_at),
        "interview_at": iso(application.interview_at),
        "interview_note": application.interview_note,
        "offer": {
            "hourly_rate_cents": application.offer_rate_cents,
            "letter": application.offer_text,
            "made_at": iso(application.offer_made_at),
            "accepted_at": iso(application.offer_accepted_at),
        }
        if application.offer_made_at
        else None,
        "background_check_consent": {
            "consented_at": iso(consent.consented_at),
            "ip_address": consent.ip_address,
            "text_version": consent.text_version,
        }
        if consent
        else None,
        "steps": [
            {"from": event.from_stage, "to": event.to_stage, "at": iso(event.at)}
            for event in application.events.order_by("at", "pk")
        ],
    }


def erase(user, *, now: dt.datetime) -> None:
    application = Application.objects.filter(user=user).first()
    if application is not None:
        application_erase(application=application)
