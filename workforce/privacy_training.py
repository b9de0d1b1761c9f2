"""What training holds about a person, for their export and their account's deletion (privacy.registry;
registered in WorkforceConfig.ready()): their enrolments with attendance, coursework, practice logs
(reflections and feedback included: they are the person's own record) and certificates. Deletion removes
them all; a deleted certificate's code then reads "not found" on the verification page."""

from __future__ import annotations

import datetime as dt

from privacy.registry import iso

from .models import Enrolment


def export(user) -> list[dict]:
    enrolments = (
        Enrolment.objects.filter(application__user=user)
        .select_related("cohort", "certificate")
        .prefetch_related("attendance__session", "coursework", "practice_logs__experienced_supporter")
        .order_by("enrolled_at")
    )
    result = []
    for enrolment in enrolments:
        certificate = getattr(enrolment, "certificate", None)
        result.append(
            {
                "cohort": enrolment.cohort.name,
                "status": enrolment.status,
                "enrolled_at": iso(enrolment.enrolled_at),
                "completed_at": iso(enrolment.completed_at),
                "live_sessions": [
                    {"start": iso(a.session.start), "present": a.present} for a in enrolment.attendance.all()
                ],
                "coursework": [
                    {"minutes": c.minutes, "note": c.note, "recorded_at": iso(c.recorded_at)}
                    for c in enrolment.coursework.all()
                ],
                "practice": [
                    {
                        "date": iso(p.date),
                        "minutes": p.minutes,
                        "with": p.experienced_supporter.display_name,
                        "reflection": p.reflection,
                        "status": p.status,
                        "feedback": p.feedback,
                    }
                    for p in enrolment.practice_logs.all()
                ],
                "certificate": (
                    {
                        "code": certificate.code,
                        "name": certificate.name,
                        "issued_at": iso(certificate.issued_at),
                    }
                    if certificate
                    else None
                ),
            }
        )
    return result


def erase(user, *, now: dt.datetime) -> None:
    Enrolment.objects.filter(application__user=user).delete()  # attendance, hours, logs, certificate cascade
