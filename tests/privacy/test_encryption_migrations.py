"""The data migrations that encrypt what was stored as plaintext before encryption at rest:
seekers 0004 (intake answers), bookings 0009 (feedback comments) and 0011 (private reasons), accounts 0002
(allauth's two-factor secrets). Rows are written with the historical models, the migrations run for
real, and going back decrypts them again. On PostgreSQL and SQLite."""

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from peersnet.kernel import crypto
from peersnet.kernel.encrypted_migrations import UnreadableToken, encrypt_columns
from tests.migrations import migrated_back_to

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [
    ("seekers", "0002_intake"),
    ("bookings", "0007_money_reads_refunded"),
    ("accounts", "0001_initial"),
    ("mfa", "0003_authenticator_type_uniq"),
]
INTAKE = {
    "preferred_name": "Ali",
    "pronouns": "they/them",
    "hopes": "To talk about my brother",
    "emergency_contact_name": "Ruth Ng",
    "emergency_contact_phone": "+1 555 010 2030",
}
TOTP_SECRET = "JBSWY3DPEHPK3PXP"
SEED = "ab" * 40


def raw(table, columns, pk):
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(qn(c) for c in columns)} FROM {qn(table)} WHERE id = %s",  # noqa: S608
            [pk],
        )
        return dict(zip(columns, cursor.fetchone(), strict=True))


def write_plaintext_rows(apps):
    User = apps.get_model("accounts", "User")
    Seeker = apps.get_model("seekers", "SeekerProfile")
    Intake = apps.get_model("seekers", "Intake")
    Supporter = apps.get_model("supporters", "SupporterProfile")
    Slot = apps.get_model("supporters", "Slot")
    Booking = apps.get_model("bookings", "Booking")
    BookingEvent = apps.get_model("bookings", "BookingEvent")
    SessionFeedback = apps.get_model("bookings", "SessionFeedback")
    Authenticator = apps.get_model("mfa", "Authenticator")
    now = timezone.now().replace(microsecond=0)

    def user(email):
        return User.objects.create(email=email, password="!", time_zone="America/Los_Angeles")

    seeker = Seeker.objects.create(user=user("seeker@example.com"))
    intake = Intake.objects.create(seeker=seeker, acknowledged_at=now, completed_at=now, **INTAKE)
    supporter = Supporter.objects.create(
        user=user("supporter@example.com"), display_name="Jess", time_zone="America/Los_Angeles"
    )
    start = (now + dt.timedelta(days=3)).replace(minute=0, second=0)
    slot = Slot.objects.create(supporter=supporter, start=start, end=start + dt.timedelta(minutes=50))
    common = {"seeker": seeker, "supporter": supporter, "slot": slot, "start": slot.start, "end": slot.end}
    declined = Booking.objects.create(
        **common, status="declined", requested_at=now, respond_by=now, decline_reason="Too close to home"
    )
    event = BookingEvent.objects.create(
        booking=declined, at=now, from_status="requested", to_status="declined", reason="Too close to home"
    )
    quiet = BookingEvent.objects.create(booking=declined, at=now, to_status="requested", reason="")
    completed = Booking.objects.create(**common, status="completed", requested_at=now, respond_by=now)
    feedback = SessionFeedback.objects.create(booking=completed, loved=False, comment="Felt rushed")
    staff = user("staff@example.com")
    totp = Authenticator.objects.create(user=staff, type="totp", data={"secret": TOTP_SECRET})
    codes = Authenticator.objects.create(
        user=staff, type="recovery_codes", data={"seed": SEED, "used_mask": 3, "migrated_codes": ["123456"]}
    )
    return {
        "intake": intake.pk,
        "declined": declined.pk,
        "event": event.pk,
        "quiet": quiet.pk,
        "feedback": feedback.pk,
        "totp": totp.pk,
        "codes": codes.pk,
    }


def test_existing_plaintext_is_encrypted_and_going_back_decrypts_it():
    with migrated_back_to(BEFORE) as apps:
        pks = write_plaintext_rows(apps)

    # Forward (migrate_forward ran on leaving the block): tokens in the raw rows, text through the models.
    from allauth.mfa.models import Authenticator

    from bookings.models import Booking, BookingEvent, SessionFeedback
    from seekers.models import Intake

    raw_intake = raw("seekers_intake", list(INTAKE), pks["intake"])
    for column, text in INTAKE.items():
        assert text not in raw_intake[column] and crypto.looks_like_token(raw_intake[column])
    assert {name: getattr(Intake.objects.get(pk=pks["intake"]), name) for name in INTAKE} == INTAKE
    assert crypto.looks_like_token(
        raw("bookings_booking", ["decline_reason"], pks["declined"])["decline_reason"]
    )
    assert Booking.objects.get(pk=pks["declined"]).decline_reason == "Too close to home"
    assert crypto.looks_like_token(raw("bookings_bookingevent", ["reason"], pks["event"])["reason"])
    assert BookingEvent.objects.get(pk=pks["event"]).reason == "Too close to home"
    assert crypto.looks_like_token(raw("bookings_bookingevent", ["reason"], pks["quiet"])["reason"])
    assert BookingEvent.objects.get(pk=pks["quiet"]).reason == ""  # the empty reason is hidden too
    assert crypto.looks_like_token(raw("bookings_sessionfeedback", ["comment"], pks["feedback"])["comment"])
    assert SessionFeedback.objects.get(pk=pks["feedback"]).comment == "Felt rushed"
    totp = Authenticator.objects.get(pk=pks["totp"])
    assert TOTP_SECRET not in str(totp.data) and crypto.decrypt(totp.data["secret"]) == TOTP_SECRET
    codes = Authenticator.objects.get(pk=pks["codes"])
    assert SEED not in str(codes.data) and codes.data["used_mask"] == 3
    assert [crypto.decrypt(c) for c in codes.data["migrated_codes"]] == ["123456"]
    assert len(codes.wrap().get_unused_codes()) == 1  # allauth reads the carried-over code

    # Backward: plaintext again, in columns of the old types.
    with migrated_back_to(BEFORE) as apps:
        assert raw("seekers_intake", list(INTAKE), pks["intake"]) == INTAKE
        assert raw("bookings_booking", ["decline_reason"], pks["declined"]) == {
            "decline_reason": "Too close to home"
        }
        assert raw("bookings_bookingevent", ["reason"], pks["quiet"]) == {"reason": ""}
        assert raw("bookings_sessionfeedback", ["comment"], pks["feedback"]) == {"comment": "Felt rushed"}
        OldAuthenticator = apps.get_model("mfa", "Authenticator")
        assert OldAuthenticator.objects.get(pk=pks["totp"]).data == {"secret": TOTP_SECRET}
        assert OldAuthenticator.objects.get(pk=pks["codes"]).data == {
            "seed": SEED,
            "used_mask": 3,
            "migrated_codes": ["123456"],
        }


class Editor:
    connection = connection


def test_the_data_migration_can_run_again_and_refuses_tokens_it_cannot_read():
    with migrated_back_to(BEFORE) as apps:
        pks = write_plaintext_rows(apps)
    operation = encrypt_columns("seekers_intake", list(INTAKE))
    once = raw("seekers_intake", list(INTAKE), pks["intake"])
    operation.code(None, Editor())  # a rerun leaves readable tokens as they are
    assert raw("seekers_intake", list(INTAKE), pks["intake"]) == once
    operation.reverse_code(None, Editor())
    operation.reverse_code(None, Editor())  # plaintext stays plaintext
    assert raw("seekers_intake", list(INTAKE), pks["intake"]) == INTAKE
    operation.code(None, Editor())

    from cryptography.fernet import Fernet

    foreign = Fernet(Fernet.generate_key()).encrypt(b"under a lost key").decode()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE seekers_intake SET hopes = %s WHERE id = %s", [foreign, pks["intake"]])
    with pytest.raises(UnreadableToken, match="seekers_intake.hopes of row"):
        operation.code(None, Editor())
    assert raw("seekers_intake", ["hopes"], pks["intake"]) == {"hopes": foreign}  # not encrypted twice
