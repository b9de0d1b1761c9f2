"""Every stage move of the hiring path and every refused one, by who may take it; one email per move."""

import datetime as dt

import pytest
from django.utils import timezone

from notifications.models import Notification
from peersnet.errors import DomainError
from tests.factories import SeekerFactory, StaffFactory, SupporterFactory, UserFactory
from tests.workforce.hiring_helpers import application_at, completed_booking_of, details, pdf_bytes, staff
from workforce import services
from workforce.emails.hiring import SUBJECT
from workforce.models import Application, ApplicationEvent, BackgroundCheckConsent
from workforce.stages import Stage

pytestmark = pytest.mark.django_db

STAGES = [
    Stage.SUBMITTED,
    Stage.PEER_SESSION,
    Stage.VIDEO,
    Stage.INTERVIEW,
    Stage.OFFER,
    Stage.CONSENT,
    Stage.CLEARED,
    Stage.TRAINING,
    Stage.REJECTED,
    Stage.WITHDRAWN,
]
OPEN_HERE = set(STAGES) - {Stage.REJECTED, Stage.WITHDRAWN}


def _close(application, stage):
    if stage == Stage.REJECTED:
        services.application_reject(application_id=application.pk, by=staff("operations"))
    elif stage == Stage.WITHDRAWN:
        services.application_withdraw(application_id=application.pk, user=application.user)


def at(stage):
    application = application_at(Stage.TRAINING if stage in (Stage.REJECTED, Stage.WITHDRAWN) else stage)
    _close(application, stage)
    return Application.objects.get(pk=application.pk)


def confirm_session(application, actor):
    if application.stage == Stage.SUBMITTED:
        booking = completed_booking_of(application.user)
        services.peer_session_link(
            application_id=application.pk, user=application.user, booking_id=booking.pk
        )
    return services.peer_session_confirm(application_id=application.pk, by=actor)


def give_consent(application, actor):
    if application.stage == Stage.OFFER and actor == application.user:
        services.offer_accept(application_id=application.pk, user=actor)
    return services.consent_give(application_id=application.pk, user=actor, ip_address="198.51.100.7")


# action -> (the stage it moves from (None: any open stage), where it goes, who takes it, how)
ACTIONS = {
    "confirm_session": (Stage.SUBMITTED, Stage.PEER_SESSION, "staff", confirm_session),
    "video": (
        Stage.PEER_SESSION,
        Stage.VIDEO,
        "applicant",
        lambda a, who: services.video_submit(application_id=a.pk, user=who, link="https://videos.example/x"),
    ),
    "interview": (
        Stage.VIDEO,
        Stage.INTERVIEW,
        "staff",
        lambda a, who: services.interview_schedule(
            application_id=a.pk, by=who, at=timezone.now() + dt.timedelta(days=2), note="On video"
        ),
    ),
    "offer": (
        Stage.INTERVIEW,
        Stage.OFFER,
        "staff",
        lambda a, who: services.offer_make(application_id=a.pk, by=who, rate_cents=3000),
    ),
    "consent": (Stage.OFFER, Stage.CONSENT, "applicant", give_consent),
    "clear": (
        Stage.CONSENT,
        Stage.CLEARED,
        "staff",
        lambda a, who: services.background_check_clear(application_id=a.pk, by=who),
    ),
    "training": (
        Stage.CLEARED,
        Stage.TRAINING,
        "staff",
        lambda a, who: services.application_to_training(application_id=a.pk, by=who),
    ),
    "reject": (
        None,
        Stage.REJECTED,
        "staff",
        lambda a, who: services.application_reject(application_id=a.pk, by=who),
    ),
    "withdraw": (
        None,
        Stage.WITHDRAWN,
        "applicant",
        lambda a, who: services.application_withdraw(application_id=a.pk, user=who),
    ),
}


def allowed(action: str, stage: Stage) -> bool:
    from_stage = ACTIONS[action][0]
    return stage in OPEN_HERE if from_stage is None else stage == from_stage


@pytest.mark.parametrize("stage", STAGES)
@pytest.mark.parametrize("action", ACTIONS)
def test_each_step_moves_from_its_stage_only(action, stage, django_capture_on_commit_callbacks, mailoutbox):
    application = at(stage)
    _from, to, mover, do = ACTIONS[action]
    actor = application.user if mover == "applicant" else staff("trainer")
    events_before = ApplicationEvent.objects.filter(application=application).count()
    mailoutbox.clear()
    if allowed(action, stage):
        with django_capture_on_commit_callbacks(execute=True):
            do(application, actor)
        application.refresh_from_db()
        assert application.stage == to
        last = ApplicationEvent.objects.filter(application=application).last()
        assert (last.from_stage, last.to_stage) == (stage, to)
        assert [m.subject for m in mailoutbox] == [SUBJECT]
        assert mailoutbox[0].to == [application.user.email]
    else:
        with pytest.raises(DomainError), django_capture_on_commit_callbacks(execute=True):
            do(application, actor)
        application.refresh_from_db()
        assert application.stage == stage
        # consent's refused tries still record nothing; offer acceptance writes its own event only at "offer"
        new_events = ApplicationEvent.objects.filter(application=application).count() - events_before
        assert new_events == (1 if action == "consent" and stage == Stage.OFFER else 0)
        assert mailoutbox == []


def _others():
    return {
        "another applicant": application_at(Stage.SUBMITTED).user,
        "seeker": SeekerFactory().user,
        "supporter": SupporterFactory().user,
        "supervisor": staff("supervisor"),
        "staff without a role": StaffFactory(),
    }


@pytest.mark.parametrize("action", ACTIONS)
def test_only_the_right_people_take_each_step(action, mailoutbox):
    from_stage, to, mover, do = ACTIONS[action]
    application = at(from_stage or Stage.VIDEO)
    refused = _others()
    if mover == "staff":
        refused["the applicant"] = application.user
        permitted = [staff("trainer"), staff("operations"), StaffFactory(is_superuser=True)]
    else:
        refused["a trainer"] = staff("trainer")
        permitted = [application.user]
    for who, person in refused.items():
        with pytest.raises(services.HiringError):
            do(application, person)
        application.refresh_from_db()
        assert application.stage == (from_stage or Stage.VIDEO), who
    do(application, permitted[0])
    application.refresh_from_db()
    assert application.stage == to


def test_already_certified_go_from_cleared_to_onboarding(mailoutbox, django_capture_on_commit_callbacks):
    application = application_at(Stage.CLEARED, already_certified=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.application_to_training(application_id=application.pk, by=staff("operations"))
    application.refresh_from_db()
    assert application.stage == Stage.ONBOARDING


def test_the_whole_path_sends_one_email_per_move_and_repeats_send_none(
    django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        application = application_at(Stage.TRAINING)
    events = ApplicationEvent.objects.filter(application=application).exclude(note="Offer accepted.")
    assert events.count() == 8  # submitted + 7 moves
    assert len(mailoutbox) == 8
    assert Notification.objects.filter(key__startswith="application-event-").count() == 8
    for message in mailoutbox:
        assert message.subject == SUBJECT
        body = message.body
        for private in ("Private story of recovery", "Weekday evenings", "+1 555 010 2030", "Video call"):
            assert private not in body
        assert "988" in body
    # A double click on a step already taken is refused and mails nobody.
    with pytest.raises(DomainError), django_capture_on_commit_callbacks(execute=True):
        services.application_to_training(application_id=application.pk, by=staff("trainer"))
    assert len(mailoutbox) == 8


def test_rejection_email_is_kind_and_does_not_carry_the_staff_note(
    django_capture_on_commit_callbacks, mailoutbox
):
    application = application_at(Stage.VIDEO)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.application_reject(
            application_id=application.pk, by=staff("trainer"), note="Team-only reason"
        )
    (message,) = mailoutbox
    assert "Team-only reason" not in message.body
    assert "Thank you for the time and care" in message.body
    assert ApplicationEvent.objects.filter(application=application).last().note == "Team-only reason"


def test_one_application_per_person():
    user = UserFactory()
    services.application_submit(
        user=user, already_certified=False, details=details(), resume=(pdf_bytes(), "pdf")
    )
    with pytest.raises(services.HiringError, match="already applied"):
        services.application_submit(
            user=user, already_certified=False, details=details(), resume=(pdf_bytes(), "pdf")
        )
    assert Application.objects.filter(user=user).count() == 1


def test_the_peer_session_must_be_a_completed_booking_of_the_applicants_own():
    application = application_at(Stage.SUBMITTED)
    someone_elses = completed_booking_of(SeekerFactory().user)
    with pytest.raises(services.HiringError):
        services.peer_session_link(
            application_id=application.pk, user=application.user, booking_id=someone_elses.pk
        )
    upcoming = completed_booking_of(application.user)
    upcoming.status = "confirmed"
    upcoming.save(update_fields=["status"])
    with pytest.raises(services.HiringError):
        services.peer_session_link(
            application_id=application.pk, user=application.user, booking_id=upcoming.pk
        )
    with pytest.raises(services.HiringError, match="hasn't linked"):
        services.peer_session_confirm(application_id=application.pk, by=staff("trainer"))


def test_video_link_must_be_https_and_interview_in_the_future():
    application = application_at(Stage.PEER_SESSION)
    with pytest.raises(services.HiringError, match="https"):
        services.video_submit(application_id=application.pk, user=application.user, link="http://v.example/x")
    services.video_submit(application_id=application.pk, user=application.user, link="https://v.example/x")
    with pytest.raises(services.HiringError, match="future"):
        services.interview_schedule(
            application_id=application.pk, by=staff("trainer"), at=timezone.now() - dt.timedelta(hours=1)
        )


def test_consent_needs_the_offer_accepted_and_records_time_ip_and_text_version():
    application = application_at(Stage.OFFER)
    with pytest.raises(services.HiringError, match="accept the offer"):
        services.consent_give(application_id=application.pk, user=application.user, ip_address="203.0.113.1")
    services.offer_accept(application_id=application.pk, user=application.user)
    services.consent_give(application_id=application.pk, user=application.user, ip_address="203.0.113.1")
    consent = BackgroundCheckConsent.objects.get(application=application)
    assert consent.ip_address == "203.0.113.1" and consent.text_version and consent.consented_at


def test_the_offer_letter_names_the_rate_and_1099():
    application = application_at(Stage.OFFER)
    assert "$25" in application.offer_text and "1099" in application.offer_text


def test_advance_moves_staff_steps_and_refuses_the_others_with_a_reason():
    trainer = staff("trainer")
    cleared = application_at(Stage.CLEARED)
    services.application_advance(application_id=cleared.pk, by=trainer)
    assert Application.objects.get(pk=cleared.pk).stage == Stage.TRAINING
    waiting_video = application_at(Stage.PEER_SESSION)
    with pytest.raises(services.StageMoveRefused, match="applicant sends their video"):
        services.application_advance(application_id=waiting_video.pk, by=trainer)
    needs_time = application_at(Stage.VIDEO)
    with pytest.raises(services.StageMoveRefused, match="date and time"):
        services.application_advance(application_id=needs_time.pk, by=trainer)
