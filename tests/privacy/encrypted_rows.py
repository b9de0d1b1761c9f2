"""Every encrypted column in the project, found by introspection, and one way to make a row of each
model that has one. The at-rest and rotation tests run over ENCRYPTED_COLUMNS, so a new encrypted field
is covered as soon as it exists; a new *model* with one fails test_every_encrypted_model_has_a_maker
until a maker is added here."""

from django.apps import apps
from django.db import connection
from django.utils import timezone

from bookings.models import Booking, BookingEvent, SessionFeedback
from matching.models import MatchAnswers, TeamRequest
from messaging.models import Conversation, Message, MessageReport
from peersnet.kernel.crypto import encrypted_fields
from privacy.models import DataExport
from safety.models import (
    BackupRequest,
    CrisisFlag,
    MandatoryReport,
    ReportAddendum,
    ReportReview,
    SafetyPlan,
    SafetyPlanVersion,
)
from seekers.models import Intake
from tests.factories import BookingFactory, SeekerFactory, StaffFactory, SupporterFactory, UserFactory
from tests.workforce.training_helpers import application_at, cohort
from workforce.models import Application, PayAdjustment, PracticeLog, SupervisionSession
from workforce.services.training import enrolment_create

ENCRYPTED_COLUMNS = [
    (model, field)
    for model in apps.get_models()
    for field in encrypted_fields(model)
    if not model._meta.proxy
]
ENCRYPTED_MODELS = sorted({model._meta.label for model, _ in ENCRYPTED_COLUMNS})


def plaintext_for(field) -> str:
    """A value nobody would write by chance, within the field's max_length, with non-ASCII letters."""
    text = f"private {field.model._meta.model_name} {field.name} ünï"
    return text[: field.max_length] if field.max_length else text


def _intake():
    now = timezone.now()
    return Intake.objects.create(
        seeker=SeekerFactory(),
        **{f.name: plaintext_for(f) for f in encrypted_fields(Intake)},
        acknowledged_at=now,
        completed_at=now,
    )


def _booking():
    return BookingFactory(**{f.name: plaintext_for(f) for f in encrypted_fields(Booking)})


def _booking_event():
    return BookingEvent.objects.create(
        booking=BookingFactory(),
        at=timezone.now(),
        to_status="declined",
        **{f.name: plaintext_for(f) for f in encrypted_fields(BookingEvent)},
    )


def _feedback():
    return SessionFeedback.objects.create(
        booking=BookingFactory(status="completed"),
        loved=False,
        **{f.name: plaintext_for(f) for f in encrypted_fields(SessionFeedback)},
    )


def _match_answers():
    return MatchAnswers.objects.create(
        seeker=SeekerFactory(),
        answered_at=timezone.now(),
        **{f.name: plaintext_for(f) for f in encrypted_fields(MatchAnswers)},
    )


def _team_request():
    now = timezone.now()
    return TeamRequest.objects.create(
        seeker=SeekerFactory(),
        created_at=now,
        due_at=now,
        **{f.name: plaintext_for(f) for f in encrypted_fields(TeamRequest)},
    )


def _data_export():
    return DataExport.objects.create(
        user=SeekerFactory().user,
        requested_at=timezone.now(),
        **{f.name: plaintext_for(f) for f in encrypted_fields(DataExport)},
    )


def _conversation():
    booking = BookingFactory()
    return Conversation.objects.create(
        seeker=booking.seeker,
        supporter=booking.supporter,
        last_session_end=booking.end,
        **{f.name: plaintext_for(f) for f in encrypted_fields(Conversation)},
    )


def _message():
    conversation = _conversation()
    return Message.objects.create(
        conversation=conversation,
        sender=conversation.seeker.user,
        side="seeker",
        sent_at=timezone.now(),
        **{f.name: plaintext_for(f) for f in encrypted_fields(Message)},
    )


def _message_report():
    message = _message()
    return MessageReport.objects.create(
        message=message,
        reporter=message.sender,
        created_at=timezone.now(),
        **{f.name: plaintext_for(f) for f in encrypted_fields(MessageReport)},
    )


def _crisis_flag():
    conversation = _conversation()
    now = timezone.now()
    return CrisisFlag.objects.create(
        source="message",
        seeker=conversation.seeker,
        conversation=conversation,
        opened_at=now,
        last_matched_at=now,
        due_at=now,
        **{f.name: plaintext_for(f) for f in encrypted_fields(CrisisFlag)},
    )


def _practice_log():
    enrolment = enrolment_create(cohort_id=cohort().pk, application_id=application_at().pk, by=None)
    return PracticeLog.objects.create(
        enrolment=enrolment,
        date=timezone.localdate(),
        minutes=60,
        experienced_supporter=SupporterFactory(),
        submitted_at=timezone.now(),
        **{f.name: plaintext_for(f) for f in encrypted_fields(PracticeLog)},
    )


def _supervision_session():
    return SupervisionSession.objects.create(
        kind=SupervisionSession.Kind.GROUP,
        supervisor=StaffFactory(),
        starts_at=timezone.now(),
        minutes=60,
        **{f.name: plaintext_for(f) for f in encrypted_fields(SupervisionSession)},
    )


def _pay_adjustment():
    return PayAdjustment.objects.create(
        supporter=SupporterFactory(),
        amount_cents=100,
        created_at=timezone.now(),
        **{f.name: plaintext_for(f) for f in encrypted_fields(PayAdjustment)},
    )


def _mandatory_report():
    booking = BookingFactory(status="confirmed")
    return MandatoryReport.objects.create(
        booking=booking,
        supporter=booking.supporter,
        concern_type="other",
        **{f.name: plaintext_for(f) for f in encrypted_fields(MandatoryReport)},
    )


def _report_addendum():
    report = _mandatory_report()
    return ReportAddendum.objects.create(
        report=report,
        by=report.supporter.user,
        **{f.name: plaintext_for(f) for f in encrypted_fields(ReportAddendum)},
    )


def _report_review():
    return ReportReview.objects.create(
        report=_mandatory_report(),
        kind="reported",
        by=StaffFactory(),
        reported_at=timezone.now(),
        **{f.name: plaintext_for(f) for f in encrypted_fields(ReportReview)},
    )


def _backup_request():
    booking = BookingFactory(status="confirmed")
    return BackupRequest.objects.create(
        booking=booking,
        supporter=booking.supporter,
        **{f.name: plaintext_for(f) for f in encrypted_fields(BackupRequest)},
    )


def _application():
    return Application.objects.create(
        user=UserFactory(),
        stage_changed_at=timezone.now(),
        **{f.name: plaintext_for(f) for f in encrypted_fields(Application)},
    )


def _safety_plan_version():
    plan = SafetyPlan.objects.create(seeker=SeekerFactory(), version=1, updated_at=timezone.now())
    return SafetyPlanVersion.objects.create(
        plan=plan,
        number=1,
        author=plan.seeker.user,
        author_role="seeker",
        author_name="Robin",
        created_at=timezone.now(),
        **{f.name: plaintext_for(f) for f in encrypted_fields(SafetyPlanVersion)},
    )


MAKERS = {
    "safety.CrisisFlag": _crisis_flag,
    "safety.MandatoryReport": _mandatory_report,
    "safety.ReportAddendum": _report_addendum,
    "safety.ReportReview": _report_review,
    "safety.BackupRequest": _backup_request,
    "workforce.Application": _application,
    "messaging.Conversation": _conversation,
    "messaging.Message": _message,
    "messaging.MessageReport": _message_report,
    "matching.MatchAnswers": _match_answers,
    "matching.TeamRequest": _team_request,
    "privacy.DataExport": _data_export,
    "seekers.Intake": _intake,
    "bookings.Booking": _booking,
    "bookings.BookingEvent": _booking_event,
    "bookings.SessionFeedback": _feedback,
    "workforce.PracticeLog": _practice_log,
    "workforce.SupervisionSession": _supervision_session,
    "workforce.PayAdjustment": _pay_adjustment,
    "safety.SafetyPlanVersion": _safety_plan_version,
}


def raw_value(model, pk, column: str):
    """The column as the database holds it, through a plain cursor (no field class in between)."""
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {qn(column)} FROM {qn(model._meta.db_table)} WHERE {qn(model._meta.pk.column)} = %s",
            [pk],
        )
        return cursor.fetchone()[0]


def raw_columns() -> dict[tuple[str, str, object], str]:
    """Every non-NULL raw value of every encrypted column: {(table, column, pk): token}."""
    qn = connection.ops.quote_name
    values = {}
    with connection.cursor() as cursor:
        for model, field in ENCRYPTED_COLUMNS:
            table, pk = model._meta.db_table, model._meta.pk.column
            cursor.execute(
                f"SELECT {qn(pk)}, {qn(field.column)} FROM {qn(table)} WHERE {qn(field.column)} IS NOT NULL"
            )
            for row_pk, value in cursor.fetchall():
                values[(table, field.column, row_pk)] = value
    return values
