"""`manage.py rotate_encryption_keys`: written under key A, B put in front, rotated, A dropped, and
everything still reads, with new tokens in every raw column (on PostgreSQL and SQLite)."""

import io
import time

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command

from peersnet.kernel import crypto
from tests.factories import StaffFactory
from tests.privacy.encrypted_rows import ENCRYPTED_COLUMNS, MAKERS, plaintext_for, raw_columns

pytestmark = pytest.mark.django_db

KEY_A = Fernet.generate_key().decode()
KEY_B = Fernet.generate_key().decode()
SECRET = "JBSWY3DPEHPK3PXP"


def rotate(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("rotate_encryption_keys", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def authenticator_tokens() -> dict:
    return {pk: dict(data) for pk, data in Authenticator.objects.values_list("pk", "data")}


def current_totp_code() -> str:
    return format_hotp_value(hotp_value(SECRET, int(time.time()) // 30))


@pytest.fixture
def written_under_a(settings):
    settings.FIELD_ENCRYPTION_KEYS = [KEY_A]
    rows = {label: make() for label, make in MAKERS.items()}
    staff = StaffFactory()
    TOTP.activate(staff, SECRET)
    codes = RecoveryCodes.activate(staff).get_unused_codes()
    return rows, staff, codes


def reads_back(rows, staff, codes):
    for model, field in ENCRYPTED_COLUMNS:
        row = model._base_manager.get(pk=rows[model._meta.label].pk)
        assert getattr(row, field.name) == plaintext_for(field)
    totp = Authenticator.objects.get(user=staff, type="totp").wrap()
    with time_machine.travel(time.time(), tick=False):  # the code stays current while it is checked
        assert totp.validate_code(current_totp_code())
    assert Authenticator.objects.get(user=staff, type="recovery_codes").wrap().get_unused_codes() == codes


def test_rotation_re_encrypts_everything_and_the_old_key_can_go(settings, written_under_a):
    rows, staff, codes = written_under_a
    before_columns, before_mfa = raw_columns(), authenticator_tokens()
    expected = len(before_columns) + 2  # every encrypted column of every row, the TOTP secret, the seed

    settings.FIELD_ENCRYPTION_KEYS = [KEY_B, KEY_A]
    out, _ = rotate("--dry-run")
    assert "Dry run" in out
    assert "seekers.Intake: 5 value(s) would be re-encrypted, 0 already under the newest key" in out
    assert "No key can be retired yet" in out.splitlines()[-1]
    assert raw_columns() == before_columns and authenticator_tokens() == before_mfa  # nothing changed

    out, err = rotate("--batch-size", "1")
    counted = sum(
        int(line.split(": ")[1].split(" ")[0]) for line in out.splitlines() if "re-encrypted" in line
    )
    assert counted == expected
    assert out.splitlines()[-1] == (
        "Every encrypted value is under the newest key: the 1 older key(s) can now be removed from "
        "FIELD_ENCRYPTION_KEYS."
    )
    assert "seekers.Intake: 1/1 rows (100%)" in err  # the progress line

    after_columns, after_mfa = raw_columns(), authenticator_tokens()
    assert after_columns.keys() == before_columns.keys()
    for where, token in after_columns.items():
        assert token != before_columns[where]
        assert crypto.is_token_under_newest_key(token)
    for pk, data in after_mfa.items():
        for key in ("secret", "seed"):
            if key in data:
                assert data[key] != before_mfa[pk][key]
        assert data.get("used_mask") == before_mfa[pk].get("used_mask")

    settings.FIELD_ENCRYPTION_KEYS = [KEY_B]  # A retired
    reads_back(rows, staff, codes)

    out, _ = rotate()  # a rerun has nothing left to do and changes nothing
    assert " 0 value(s) re-encrypted" in out and raw_columns() == after_columns
    assert "there is no older key to retire" in out.splitlines()[-1]


def test_an_interrupted_rotation_resumes_where_it_stopped(settings, written_under_a):
    rows, staff, codes = written_under_a
    settings.FIELD_ENCRYPTION_KEYS = [KEY_B, KEY_A]
    # As if a first run had stopped after re-encrypting one row: that row is skipped the second time.
    intake = rows["seekers.Intake"]
    intake.save()  # saved again under B
    out, _ = rotate()
    assert "seekers.Intake: 0 value(s) re-encrypted, 5 already under the newest key" in out
    settings.FIELD_ENCRYPTION_KEYS = [KEY_B]
    reads_back(rows, staff, codes)


def test_values_no_key_can_read_stop_the_retirement(settings, written_under_a):
    settings.FIELD_ENCRYPTION_KEYS = [KEY_B]  # A dropped before rotating: its values are unreadable
    before = raw_columns()
    with pytest.raises(CommandError, match="No key can be retired"):
        rotate()
    assert raw_columns() == before  # nothing was rewritten


def test_rows_without_a_value_are_left_alone(settings):
    settings.FIELD_ENCRYPTION_KEYS = [KEY_A]
    MAKERS["bookings.Booking"]()
    settings.FIELD_ENCRYPTION_KEYS = [KEY_B, KEY_A]
    out, _ = rotate()
    assert "bookings.SessionFeedback: 0 value(s) re-encrypted, 0 already under the newest key" in out


def test_a_bad_key_list_is_refused_before_anything_is_read(settings):
    settings.FIELD_ENCRYPTION_KEYS = ["not-a-key"]
    with pytest.raises(CommandError, match="not a Fernet key"):
        rotate()
