"""Builders for the hiring tests: real small files (a PDF, a DOCX, a video header) and applications
taken to a stage through the real services."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import zipfile

from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from fpdf import FPDF

from bookings.models import Booking
from tests.factories import BookingFactory, SeekerFactory, StaffFactory
from workforce import services
from workforce.models import Application
from workforce.stages import Stage


def private_files_in(settings, directory) -> None:
    """Keep the private storage (resumes, videos) of a test in ``directory``."""
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(directory)},
        },
    }


def pdf_bytes(text: str = "Resume of a test applicant") -> bytes:
    pdf = FPDF()
    pdf.set_creation_date(dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC))  # the same bytes on every call
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text=text)
    return bytes(pdf.output())


def docx_bytes(text: str = "Resume of a test applicant") -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName='
            '"/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'wordprocessingml.document.main+xml"/></Types>',
        )
        archive.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
        )
        archive.writestr(
            "word/document.xml",
            '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
            f'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body></w:document>',
        )
    return out.getvalue()


def mp4_bytes() -> bytes:
    """The start of an MP4 file (an ftyp box) and some payload: what the sniffer reads."""
    return b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 4000


def upload(name: str, data: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def staff(role: str, **kwargs):
    user = StaffFactory(**kwargs)
    user.groups.add(Group.objects.get(name=role))
    return user


def details(**overrides) -> services.ApplicationDetails:
    values = {
        "phone": "+1 555 010 2030",
        "state": "CA",
        "availability": "Weekday evenings",
        "commits_five_hours": True,
        "lived_experience": "Private story of recovery",
        "already_certified": False,
    }
    return services.ApplicationDetails(**{**values, **overrides})


_past = itertools.count(1)


def completed_booking_of(user) -> Booking:
    """A session of ``user``'s (as a seeker) that took place some days ago."""
    seeker = getattr(user, "seeker", None) or SeekerFactory(user=user)
    return BookingFactory(seeker=seeker, status=Booking.Status.COMPLETED, hours_ahead=-24 * next(_past))


def application_at(stage: Stage, *, user=None, already_certified: bool = False, by=None) -> Application:
    """An application taken to ``stage`` through the services, as the people who move each step would."""
    user = user or SeekerFactory().user
    by = by or staff("trainer")
    application = services.application_submit(
        user=user,
        already_certified=already_certified,
        details=details(already_certified=already_certified),
        resume=(pdf_bytes(), "pdf"),
    )
    pk = application.pk
    steps = [
        (Stage.PEER_SESSION, lambda: _session(pk, user, by)),
        (
            Stage.VIDEO,
            lambda: services.video_submit(application_id=pk, user=user, link="https://v.example/1"),
        ),
        (
            Stage.INTERVIEW,
            lambda: services.interview_schedule(
                application_id=pk, by=by, at=timezone.now() + dt.timedelta(days=3), note="Video call"
            ),
        ),
        (Stage.OFFER, lambda: services.offer_make(application_id=pk, by=by)),
        (Stage.CONSENT, lambda: _consent(pk, user)),
        (Stage.CLEARED, lambda: services.background_check_clear(application_id=pk, by=by)),
        (Stage.TRAINING, lambda: services.application_to_training(application_id=pk, by=by)),
    ]
    order = [Stage.SUBMITTED] + [s for s, _ in steps]
    # The last step sends a certified applicant to onboarding instead of training.
    target = Stage.TRAINING if already_certified and stage == Stage.ONBOARDING else stage
    for _to, step in steps[: order.index(target)]:
        step()
    return Application.objects.get(pk=pk)


def _session(pk, user, by):
    booking = completed_booking_of(user)
    services.peer_session_link(application_id=pk, user=user, booking_id=booking.pk)
    services.peer_session_confirm(application_id=pk, by=by)


def _consent(pk, user):
    services.offer_accept(application_id=pk, user=user)
    services.consent_give(application_id=pk, user=user, ip_address="203.0.113.9")
