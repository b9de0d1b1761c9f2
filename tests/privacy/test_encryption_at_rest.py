"""What the database holds for every encrypted column is a token, never the text (read through a plain
SQL cursor, on PostgreSQL and SQLite alike); the field still reads back the text, checks its length on
the plaintext, and refuses queries that could never match. Two-factor secrets are encrypted too."""

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from django import forms
from django.core.exceptions import FieldError, ValidationError
from django.db import connection

from peersnet.kernel import crypto
from seekers.forms import IntakeForm
from seekers.models import Intake
from tests.factories import StaffFactory
from tests.privacy.encrypted_rows import (
    ENCRYPTED_COLUMNS,
    ENCRYPTED_MODELS,
    MAKERS,
    plaintext_for,
    raw_columns,
    raw_value,
)

pytestmark = pytest.mark.django_db


def test_the_private_answers_and_reasons_are_the_encrypted_columns():
    """The list the issue names (and what we judged private in bookings) is encrypted; a new encrypted
    field only adds to it."""
    found = {f"{model._meta.label}.{field.name}" for model, field in ENCRYPTED_COLUMNS}
    assert found >= {
        "seekers.Intake.preferred_name",
        "seekers.Intake.pronouns",
        "seekers.Intake.hopes",
        "seekers.Intake.emergency_contact_name",
        "seekers.Intake.emergency_contact_phone",
        "bookings.Booking.decline_reason",
        "bookings.BookingEvent.reason",
        "bookings.SessionFeedback.comment",
    }


def test_every_encrypted_model_has_a_maker():
    assert sorted(MAKERS) == ENCRYPTED_MODELS, (
        "add a maker for the new model in tests/privacy/encrypted_rows.py"
    )


@pytest.mark.parametrize(
    ("model", "field"), ENCRYPTED_COLUMNS, ids=[f"{m._meta.label}.{f.name}" for m, f in ENCRYPTED_COLUMNS]
)
def test_the_raw_column_holds_a_token_and_never_the_text(model, field):
    row = MAKERS[model._meta.label]()
    text = plaintext_for(field)

    def check(expected):
        raw = raw_value(model, row.pk, field.column)
        assert expected not in raw and "private" not in raw
        assert crypto.looks_like_token(raw)
        assert getattr(model._base_manager.get(pk=row.pk), field.name) == expected

    check(text)  # written by create()
    if getattr(model, "append_only", False):
        # Append-only records (mandatory reports) are written once and never saved again: tests/safety
        # shows the model and the database refuse it. Only key rotation rewrites them (test_rotate_keys).
        return
    setattr(row, field.name, "saved again")
    row.save(update_fields=[field.name])
    check("saved again")
    model._base_manager.filter(pk=row.pk).update(**{field.name: "updated in bulk"})
    check("updated in bulk")
    if field.blank:
        model._base_manager.filter(pk=row.pk).update(**{field.name: ""})
        assert crypto.looks_like_token(raw_value(model, row.pk, field.column))  # empty is hidden too
        assert getattr(model._base_manager.get(pk=row.pk), field.name) == ""


def test_no_raw_value_anywhere_contains_what_was_written():
    for make in MAKERS.values():
        make()
    values = raw_columns()
    assert len(values) >= len(ENCRYPTED_COLUMNS)
    for (table, column, _), raw in values.items():
        assert "private" not in raw and "ünï" not in raw, f"{table}.{column} holds plaintext"
        assert crypto.looks_like_token(raw), f"{table}.{column} is not a token"


@pytest.mark.parametrize("lookup", ["", "__icontains", "__startswith", "__in", "__gt"])
def test_queries_on_an_encrypted_field_fail_loudly_except_isnull(lookup):
    value = ["Al"] if lookup == "__in" else "Al"
    with pytest.raises(FieldError):
        list(Intake.objects.filter(**{f"preferred_name{lookup}": value}))
    assert list(Intake.objects.filter(preferred_name__isnull=True)) == []


def test_max_length_is_checked_on_the_plaintext_by_forms_and_full_clean():
    intake = MAKERS["seekers.Intake"]()
    field = Intake._meta.get_field("preferred_name")
    assert field.max_length == 80
    intake.preferred_name = "x" * 80
    intake.full_clean()  # the token is far longer than 80 characters; only the text counts
    intake.preferred_name = "x" * 81
    with pytest.raises(ValidationError) as excinfo:
        intake.full_clean()
    assert "preferred_name" in excinfo.value.message_dict

    form = IntakeForm(data={"preferred_name": "x" * 81, "hopes": "y" * 2001})
    assert not form.is_valid()
    assert "preferred_name" in form.errors and "hopes" in form.errors
    # One-line answers stay one-line inputs with maxlength in the page; the long answer a textarea.
    assert isinstance(form.fields["preferred_name"].widget, forms.TextInput)
    assert form.fields["preferred_name"].widget.attrs["maxlength"] == "80"
    assert isinstance(form.fields["hopes"].widget, forms.Textarea)
    assert form.fields["hopes"].max_length == 2000


def test_an_encrypted_char_field_without_max_length_is_refused_by_the_checks():
    field = crypto.EncryptedCharField()
    field.set_attributes_from_name("oops")
    assert [error.id for error in field._check_max_length()] == ["peersnet.E101"]


# --- allauth's two-factor secrets (accounts.mfa_adapter) ----------------------------------------------


def raw_authenticator_data(pk) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT data FROM mfa_authenticator WHERE id = %s", [pk])
        value = cursor.fetchone()[0]
    return value if isinstance(value, str) else str(value)


def test_totp_secret_and_recovery_seed_are_stored_encrypted():
    staff = StaffFactory()
    totp = TOTP.activate(staff, "JBSWY3DPEHPK3PXP")
    codes = RecoveryCodes.activate(staff)
    raw_totp = raw_authenticator_data(totp.instance.pk)
    assert "JBSWY3DPEHPK3PXP" not in raw_totp
    assert crypto.looks_like_token(totp.instance.data["secret"])
    assert crypto.decrypt(totp.instance.data["secret"]) == "JBSWY3DPEHPK3PXP"

    seed = crypto.decrypt(codes.instance.data["seed"])
    raw_codes = raw_authenticator_data(codes.instance.pk)
    assert seed not in raw_codes
    for code in codes.get_unused_codes():
        assert code not in raw_codes
    assert set(Authenticator.objects.filter(user=staff).values_list("type", flat=True)) == {
        "totp",
        "recovery_codes",
    }
