"""Applying and moving an application along the hiring path. ``application_move`` is the one writer of
``Application.stage``; the steps below check who may take them and what they need, then call it.

Who moves what:
- the applicant: submits the application, links their free peer support session, submits the video
  interview (→ video), accepts the offer, gives background-check consent (→ consent), withdraws;
- staff holding the trainer or operations role: confirm the peer session (→ peer_session), schedule the
  interview (→ interview), make the offer (→ offer), clear the background check (→ cleared), send to
  training (→ training, or → onboarding for an already-certified applicant: orientation), reject.

Every move writes an ``ApplicationEvent`` and queues one outbox email to the applicant (after commit).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from bookings.models import Booking
from peersnet.errors import DomainError
from privacy.roles import OPERATIONS, TRAINER, has_role

from .. import files
from ..emails.hiring import email_stage_moved
from ..letters import CONSENT_TEXT_VERSION, offer_letter_text
from ..models import Application, ApplicationEvent, BackgroundCheckConsent
from ..stages import OPEN, Stage, can_move, next_stage
from .onboarding import onboarding_begin


class StageMoveRefused(DomainError):
    """The move is not allowed from the application's current stage (shown to the person who tried)."""


class HiringError(DomainError):
    """A hiring step can't be taken (wrong person, missing detail); ``message`` says why."""


@dataclass(frozen=True)
class ApplicationDetails:
    """What the apply form collects (the shape only; the form checks each value)."""

    phone: str
    state: str
    availability: str
    commits_five_hours: bool
    lived_experience: str
    already_certified: bool


def is_hiring_staff(user: User | None) -> bool:
    """Trainers and operations staff (and superusers) work the hiring board."""
    return user is not None and (has_role(user, TRAINER) or has_role(user, OPERATIONS))


def _require_staff(by: User | None) -> None:
    if not is_hiring_staff(by):
        raise HiringError("Only trainers and operations staff can take this step.", code="not_staff")


def _lock_own(application_id: int, user: User) -> Application:
    """The applicant's own application, locked; another person's is "not found" (never confirmed)."""
    application = Application.objects.select_for_update().filter(pk=application_id, user=user).first()
    if application is None:
        raise HiringError("We couldn't find that application.", code="not_found")
    return application


def _require_stage(application: Application, stage: Stage, to: Stage) -> None:
    if application.stage != stage:
        raise StageMoveRefused(
            f"This application is at “{application.get_stage_display()}” "
            f"and cannot move to “{Stage(to).label}”.",
            code="bad_stage",
        )


def application_submit(
    *,
    user: User,
    already_certified: bool,
    details: ApplicationDetails | None = None,
    resume: tuple[bytes, str] | None = None,
) -> Application:
    """Open an application at "submitted" (one per person), with the form's details and the resume
    (already checked by ``files.check_resume``: its bytes and kind). The resume is encrypted and stored
    first; if the application can't be saved (a second application, say) the stored file is removed.
    Queues the "we received your application" email after commit."""
    if Application.objects.filter(user=user).exists():
        raise HiringError(
            "You've already applied. Your application page shows where it stands.", code="duplicate"
        )
    stored = files.store(folder="resumes", data=resume[0]) if resume else ""
    now = timezone.now()
    fields = {}
    if details is not None:
        fields = {
            "phone": details.phone,
            "state": details.state,
            "availability": details.availability,
            "commits_five_hours": details.commits_five_hours,
            "lived_experience": details.lived_experience,
        }
        already_certified = details.already_certified
    try:
        with transaction.atomic():
            application = Application.objects.create(
                user=user,
                already_certified=already_certified,
                stage=Stage.SUBMITTED,
                stage_changed_at=now,
                resume_file=stored,
                resume_kind=resume[1] if resume else "",
                resume_size=len(resume[0]) if resume else 0,
                **fields,
            )
            event = ApplicationEvent.objects.create(
                application=application, from_stage=Stage.SUBMITTED, to_stage=Stage.SUBMITTED, by=user, at=now
            )
            email_stage_moved(event)
    except IntegrityError:
        files.delete(stored)
        raise HiringError(
            "You've already applied. Your application page shows where it stands.", code="duplicate"
        ) from None
    except BaseException:
        files.delete(stored)
        raise
    return application


def application_move(
    *, application_id: int, to: Stage, by: User | None, note: str = "", notify: bool = True
) -> Application:
    """Move one step forward, or to rejected/withdrawn, under a row lock; refuse anything else
    (``StageMoveRefused``). Writes an ApplicationEvent and, unless ``notify`` is False (an account being
    erased), queues one email to the applicant for it. Callers that need details saved with the move
    (an interview time) save them on the locked row first, inside the same transaction."""
    with transaction.atomic():
        application = Application.objects.select_for_update().select_related("user").get(pk=application_id)
        if not can_move(application.stage, to, already_certified=application.already_certified):
            raise StageMoveRefused(
                f"This application is at “{application.get_stage_display()}” "
                f"and cannot move to “{Stage(to).label}”.",
                code="bad_stage",
            )
        now = timezone.now()
        event = ApplicationEvent.objects.create(
            application=application, from_stage=application.stage, to_stage=to, by=by, note=note, at=now
        )
        application.stage = to
        application.stage_changed_at = now
        application.save(update_fields=["stage", "stage_changed_at", "updated_at"])
        if to == Stage.ONBOARDING:
            onboarding_begin(application=application)
        if notify:
            email_stage_moved(event)
    return application


# --- The applicant's steps ---------------------------------------------------------------------


@transaction.atomic
def peer_session_link(*, application_id: int, user: User, booking_id: int) -> Application:
    """The applicant names their free peer support session: one of their own completed bookings. Staff
    then confirm it. Only while the application is at "submitted"."""
    application = _lock_own(application_id, user)
    if application.stage != Stage.SUBMITTED:
        raise HiringError("Your peer support session can no longer be changed.", code="bad_stage")
    booking = Booking.objects.filter(
        pk=booking_id, seeker__user=user, status__in=[Booking.Status.COMPLETED, Booking.Status.REFUNDED]
    ).first()
    if booking is None:
        raise HiringError("Please pick one of your own sessions that has taken place.", code="bad_booking")
    application.peer_session_booking = booking
    application.save(update_fields=["peer_session_booking", "updated_at"])
    return application


def video_submit(
    *, application_id: int, user: User, link: str = "", upload: UploadedFile | None = None
) -> Application:
    """The applicant's recorded video interview, as an https link or an uploaded video (checked by
    ``files.check_video``, encrypted into the private storage): peer_session → video. Exactly one of
    the two."""
    if bool(link) == bool(upload):
        raise HiringError("Please either share a link or upload a video, not both.", code="one_of")
    if link and not link.lower().startswith("https://"):
        raise HiringError("Please share a secure link (one that starts with https://).", code="https")
    with transaction.atomic():
        application = _lock_own(application_id, user)
        _require_stage(application, Stage.PEER_SESSION, Stage.VIDEO)
    stored = files.store(folder="videos", upload=upload) if upload else ""
    kind = files.sniff_video(_head(upload)).kind if upload else ""
    try:
        with transaction.atomic():
            application = _lock_own(application_id, user)
            _require_stage(application, Stage.PEER_SESSION, Stage.VIDEO)
            old = application.video_file
            application.video_link = link
            application.video_file = stored
            application.video_kind = kind
            application.video_submitted_at = timezone.now()
            application.save(
                update_fields=["video_link", "video_file", "video_kind", "video_submitted_at", "updated_at"]
            )
            application = application_move(application_id=application.pk, to=Stage.VIDEO, by=user)
    except BaseException:
        files.delete(stored)
        raise
    if old:
        transaction.on_commit(lambda: files.delete(old))
    return application


def _head(upload: UploadedFile) -> bytes:
    upload.seek(0)
    return upload.read(64)


@transaction.atomic
def offer_accept(*, application_id: int, user: User) -> Application:
    """The applicant accepts the contract offer (recorded as an event on the "offer" stage; the stage
    moves on with their background-check consent). Safe to repeat."""
    application = _lock_own(application_id, user)
    if application.stage != Stage.OFFER:
        raise HiringError("There is no offer waiting for you to accept.", code="bad_stage")
    if application.offer_accepted_at is None:
        now = timezone.now()
        application.offer_accepted_at = now
        application.save(update_fields=["offer_accepted_at", "updated_at"])
        ApplicationEvent.objects.create(
            application=application,
            from_stage=Stage.OFFER,
            to_stage=Stage.OFFER,
            by=user,
            note="Offer accepted.",
            at=now,
        )
    return application


@transaction.atomic
def consent_give(*, application_id: int, user: User, ip_address: str | None) -> Application:
    """The applicant consents to a background check (after accepting the offer): a consent record with
    the time, their address and the consent text's version; offer → consent."""
    application = _lock_own(application_id, user)
    _require_stage(application, Stage.OFFER, Stage.CONSENT)
    if application.offer_accepted_at is None:
        raise HiringError("Please accept the offer first.", code="offer_not_accepted")
    BackgroundCheckConsent.objects.create(
        application=application,
        consented_at=timezone.now(),
        ip_address=ip_address or None,
        text_version=CONSENT_TEXT_VERSION,
    )
    return application_move(application_id=application.pk, to=Stage.CONSENT, by=user)


@transaction.atomic
def application_withdraw(*, application_id: int, user: User) -> Application:
    """The applicant withdraws, from any open stage."""
    application = _lock_own(application_id, user)
    return application_move(application_id=application.pk, to=Stage.WITHDRAWN, by=user)


# --- Staff steps ---------------------------------------------------------------------------------


@transaction.atomic
def peer_session_confirm(*, application_id: int, by: User) -> Application:
    """Staff confirm the applicant's free peer support session (linked, completed): submitted →
    peer_session."""
    _require_staff(by)
    application = Application.objects.select_for_update().get(pk=application_id)
    _require_stage(application, Stage.SUBMITTED, Stage.PEER_SESSION)
    if application.peer_session_booking_id is None:
        raise HiringError(
            "The applicant hasn't linked their free peer support session yet.", code="no_session"
        )
    return application_move(application_id=application.pk, to=Stage.PEER_SESSION, by=by)


@transaction.atomic
def interview_schedule(*, application_id: int, by: User, at: dt.datetime, note: str = "") -> Application:
    """Staff set the one-to-one interview's time (in the future) and a note for the applicant (how to
    join, who they'll meet): video → interview."""
    _require_staff(by)
    application = Application.objects.select_for_update().get(pk=application_id)
    _require_stage(application, Stage.VIDEO, Stage.INTERVIEW)
    if at <= timezone.now():
        raise HiringError("Please pick a time in the future for the interview.", code="past")
    application.interview_at = at
    application.interview_note = note
    application.save(update_fields=["interview_at", "interview_note", "updated_at"])
    return application_move(application_id=application.pk, to=Stage.INTERVIEW, by=by)


@transaction.atomic
def offer_make(*, application_id: int, by: User, rate_cents: int | None = None) -> Application:
    """Staff make the contract offer (the offer letter, with the hourly rate; the default rate is
    ``WORKFORCE_HOURLY_RATE_CENTS``): interview → offer. The letter's text is frozen on the row."""
    _require_staff(by)
    rate = settings.WORKFORCE_HOURLY_RATE_CENTS if rate_cents is None else rate_cents
    if rate <= 0:
        raise HiringError("The hourly rate must be more than zero.", code="rate")
    application = Application.objects.select_for_update().select_related("user").get(pk=application_id)
    _require_stage(application, Stage.INTERVIEW, Stage.OFFER)
    application.offer_rate_cents = rate
    application.offer_text = offer_letter_text(first_name=application.user.first_name, rate_cents=rate)
    application.offer_made_at = timezone.now()
    application.save(update_fields=["offer_rate_cents", "offer_text", "offer_made_at", "updated_at"])
    return application_move(application_id=application.pk, to=Stage.OFFER, by=by)


@transaction.atomic
def background_check_clear(*, application_id: int, by: User) -> Application:
    """Staff record that the background check came back clear: consent → cleared."""
    _require_staff(by)
    application = Application.objects.select_for_update().get(pk=application_id)
    _require_stage(application, Stage.CONSENT, Stage.CLEARED)
    return application_move(application_id=application.pk, to=Stage.CLEARED, by=by)


@transaction.atomic
def application_to_training(*, application_id: int, by: User) -> Application:
    """Staff send a cleared applicant on: to training, or, already certified, to onboarding (their
    orientation takes the place of training)."""
    _require_staff(by)
    application = Application.objects.select_for_update().get(pk=application_id)
    to = Stage.ONBOARDING if application.already_certified else Stage.TRAINING
    _require_stage(application, Stage.CLEARED, to)
    return application_move(application_id=application.pk, to=to, by=by)


@transaction.atomic
def application_reject(*, application_id: int, by: User, note: str = "") -> Application:
    """Staff decide not to go ahead, from any open stage. The applicant gets a kind email; ``note``
    stays with the staff (it is never emailed)."""
    _require_staff(by)
    return application_move(application_id=application_id, to=Stage.REJECTED, by=by, note=note)


# The staff step that takes each stage forward, for the board's "move to the next step" action. A stage
# missing here is moved by the applicant, needs details (the interview's time), or belongs to training
# and onboarding, which have their own pages.
_STAFF_NEXT = {
    Stage.SUBMITTED: peer_session_confirm,
    Stage.INTERVIEW: offer_make,
    Stage.CONSENT: background_check_clear,
    Stage.CLEARED: application_to_training,
}
_WHY_NOT = {
    Stage.PEER_SESSION: "the applicant sends their video interview",
    Stage.OFFER: "the applicant accepts the offer and gives consent",
    Stage.VIDEO: "the interview needs a date and time: schedule it on the application's page",
    Stage.TRAINING: "training moves on from the training pages",
    Stage.ONBOARDING: "onboarding moves on from the onboarding pages",
}


def application_advance(*, application_id: int, by: User) -> Application:
    """Take the staff step that moves this application forward (the offer at the default rate); refuse
    (``StageMoveRefused``) when the next step isn't staff's to take here."""
    _require_staff(by)
    application = Application.objects.get(pk=application_id)
    step = _STAFF_NEXT.get(application.stage)
    if step is None:
        why = _WHY_NOT[application.stage] if application.stage in OPEN else "it is closed"
        raise StageMoveRefused(f"Not moved: {why}.", code="not_staff_step")
    return step(application_id=application_id, by=by)


def application_erase(*, application: Application) -> None:
    """For an account's deletion: remove the resume and video files and blank what the applicant wrote;
    an open application is withdrawn without an email. The row and its events stay (anonymised with the
    user row) so the board's counts remain true."""
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        if application.stage in OPEN:
            application_move(application_id=application.pk, to=Stage.WITHDRAWN, by=None, notify=False)
        names = [application.resume_file, application.video_file]
        Application.objects.filter(pk=application.pk).update(
            phone="",
            availability="",
            lived_experience="",
            video_link="",
            resume_file="",
            resume_kind="",
            resume_size=0,
            video_file="",
            video_kind="",
            interview_note="",
        )
        ApplicationEvent.objects.filter(application=application).update(note="")
        transaction.on_commit(lambda: [files.delete(name) for name in names])


def application_files_reencrypt(*, application_id: int) -> int:
    """Re-encrypt the application's resume and video under the newest key (after a key rotation): each
    file is copied, the row is pointed at the copy under a row lock, and the old file is deleted after
    commit. Returns how many files were re-encrypted. Safe to repeat and to run twice at once (the loser
    of the lock finds the row already pointing elsewhere and removes its own copy)."""
    application = Application.objects.get(pk=application_id)
    done = 0
    for field in ("resume_file", "video_file"):
        old = getattr(application, field)
        if not old:
            continue
        new = files.reencrypt(old)
        with transaction.atomic():
            locked = Application.objects.select_for_update().get(pk=application_id)
            if getattr(locked, field) != old:
                transaction.on_commit(lambda new=new: files.delete(new))
                continue
            Application.objects.filter(pk=application_id).update(**{field: new})
            transaction.on_commit(lambda old=old: files.delete(old))
        done += 1
    return done


def next_step_is_staffs(application: Application) -> bool:
    """Whether the board's "next step" action can move this application (for the admin's column)."""
    return (
        application.stage in _STAFF_NEXT
        and next_stage(application.stage, already_certified=application.already_certified) is not None
    )
