"""``manage.py rotate_encryption_keys``: re-encrypt every value encrypted at rest with the newest key.

What it walks: every column of every installed model that is an encrypted field
(``peersnet.kernel.crypto.encrypted_fields``, so a new encrypted field is covered without touching this
file), and the two-factor secrets allauth keeps in ``mfa_authenticator.data`` (accounts.mfa_adapter).

How: rows in primary-key order, a batch at a time, each batch in its own short transaction with its
rows locked (``SELECT … FOR UPDATE`` where the database has it), so the site keeps running and an
interrupted run loses at most one batch's work. A value already under the newest key is skipped, so a
rerun only does what is left (resumable, idempotent). Rotation writes the raw columns directly: no
``save()``, no ``auto_now`` timestamps moved, no signals.

Afterwards it reads everything once more and says whether an older key can now be retired.
See docs/privacy.md, "Encryption at rest".
"""

from __future__ import annotations

from dataclasses import dataclass, field

from allauth.mfa.models import Authenticator
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from accounts.mfa_adapter import map_secrets
from peersnet.kernel import crypto

SHOWN_UNREADABLE = 10  # how many unreadable places are named (the count is always given)


@dataclass
class Tally:
    rotated: int = 0  # re-encrypted now (or, in a dry run, that would be)
    current: int = 0  # already under the newest key
    unreadable: list[str] = field(default_factory=list)  # "label.field #pk": no configured key reads it

    def add(self, other: Tally) -> None:
        self.rotated += other.rotated
        self.current += other.current
        self.unreadable += other.unreadable


class Progress:
    """One honest line on stderr: rows done of rows counted at the start (new rows may come in meanwhile).
    On a terminal it is redrawn in place; in a log it is written every tenth of the way."""

    def __init__(self, stream, label: str, total: int):
        self.stream, self.label, self.total = stream, label, total
        self.done = 0
        self.tty = hasattr(stream, "isatty") and stream.isatty()
        self.last_tenth = -1

    def advance(self, rows: int) -> None:
        self.done += rows
        percent = 100 if not self.total else min(100, self.done * 100 // self.total)
        line = f"{self.label}: {self.done}/{self.total} rows ({percent}%)"
        if self.tty:
            self.stream.write(f"\r{line}", ending="")
            self.stream.flush()
        elif percent // 10 > self.last_tenth:
            self.last_tenth = percent // 10
            self.stream.write(line)

    def finish(self) -> None:
        if self.tty:
            self.stream.write("")


def _rewrite(write: bool, token: str, where: str, tally: Tally) -> str | None:
    """The new token for ``token`` (None when it stays): counts it as current, rotated or unreadable."""
    if crypto.is_token_under_newest_key(token):
        tally.current += 1
        return None
    try:
        new = crypto.reencrypt(token)
    except crypto.DecryptionFailed:
        tally.unreadable.append(where)
        return None
    tally.rotated += 1
    return new if write else None


class EncryptedColumns:
    """One model's encrypted columns, read and written as raw tokens through a plain cursor."""

    def __init__(self, model, fields):
        self.label = model._meta.label
        self.table = model._meta.db_table
        self.pk = model._meta.pk.column
        self.columns = [(f.name, f.column) for f in fields]

    def count(self) -> int:
        qn = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM {qn(self.table)}")  # noqa: S608 (our own quoted names)
            return cursor.fetchone()[0]

    def batches(self, size: int, write: bool):
        """Yields (rows, Tally) per batch; re-encrypts when ``write``, else only counts."""
        qn = connection.ops.quote_name
        select = ", ".join(qn(column) for _, column in self.columns)
        lock = " FOR UPDATE" if write and connection.features.has_select_for_update else ""
        last = None
        while True:
            tally = Tally()
            with transaction.atomic(), connection.cursor() as cursor:
                after = "" if last is None else f" WHERE {qn(self.pk)} > %s"
                cursor.execute(
                    f"SELECT {qn(self.pk)}, {select} FROM {qn(self.table)}{after} "  # noqa: S608
                    f"ORDER BY {qn(self.pk)} LIMIT {int(size)}{lock}",
                    [] if last is None else [last],
                )
                rows = cursor.fetchall()
                if write and rows and connection.vendor == "postgresql":
                    # Append-only tables (safety's mandatory reports) let their encrypted columns be
                    # rewritten only inside a transaction that says it is re-encrypting (their trigger).
                    cursor.execute("SELECT set_config('peersnet.reencrypting', 'on', true)")
                for pk, *tokens in rows:
                    updates = {}
                    for (name, column), token in zip(self.columns, tokens, strict=True):
                        if token is not None:
                            new = _rewrite(write, token, f"{self.label}.{name} #{pk}", tally)
                            if new is not None:
                                updates[column] = new
                    if updates:
                        cursor.execute(
                            f"UPDATE {qn(self.table)} SET "  # noqa: S608
                            f"{', '.join(f'{qn(c)} = %s' for c in updates)} WHERE {qn(self.pk)} = %s",
                            [*updates.values(), pk],
                        )
            if not rows:
                return
            last = rows[-1][0]
            yield len(rows), tally


class AuthenticatorSecrets:
    """allauth's two-factor secrets inside ``mfa_authenticator.data`` (a JSON column, read as is)."""

    label = "mfa.Authenticator"
    types = (Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES)

    def _rows(self):
        return Authenticator.objects.filter(type__in=self.types).order_by("pk")

    def count(self) -> int:
        return self._rows().count()

    def batches(self, size: int, write: bool):
        last = 0
        while True:
            tally = Tally()
            with transaction.atomic():
                rows = self._rows().filter(pk__gt=last)
                if write:
                    rows = rows.select_for_update()
                rows = list(rows.values_list("pk", "data")[:size])
                for pk, data in rows:

                    def rotate(token, pk=pk, tally=tally):
                        return _rewrite(write, token, f"{self.label}.data #{pk}", tally) or token

                    new = map_secrets(data, rotate)
                    if new != data:
                        Authenticator.objects.filter(pk=pk).update(data=new)
            if not rows:
                return
            last = rows[-1][0]
            yield len(rows), tally


def targets():
    found = []
    for model in apps.get_models():
        fields = crypto.encrypted_fields(model)
        if fields and not model._meta.proxy:
            found.append(EncryptedColumns(model, fields))
    found.sort(key=lambda target: target.label)
    return [*found, AuthenticatorSecrets()]


class Command(BaseCommand):
    help = (
        "Re-encrypt every value encrypted at rest (encrypted fields and two-factor secrets) with the newest "
        "key in FIELD_ENCRYPTION_KEYS, in short batches; resumable. Then says whether an older key can go."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Only count what would be re-encrypted; change nothing.",
        )
        parser.add_argument("--batch-size", type=int, default=500, help="Rows per transaction (default 500).")

    def handle(self, *args, dry_run: bool, batch_size: int, **options):
        try:
            keys = crypto.validate_keys(settings.FIELD_ENCRYPTION_KEYS)
        except ImproperlyConfigured as problem:
            raise CommandError(str(problem)) from None
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        verb = "would be re-encrypted" if dry_run else "re-encrypted"
        self.stdout.write(
            f"{len(keys)} key(s) configured; the newest one encrypts."
            + (" Dry run: nothing is changed." if dry_run else "")
        )

        total = Tally()
        for target in targets():
            tally = self.walk(target, batch_size, write=not dry_run)
            total.add(tally)
            self.stdout.write(
                f"{target.label}: {tally.rotated} value(s) {verb}, "
                f"{tally.current} already under the newest key"
                + (f", {len(tally.unreadable)} unreadable" if tally.unreadable else "")
            )

        if dry_run:
            remaining = total
        else:
            # Read everything again: a process still running with the old key list (not restarted after
            # the key was added) could have written under an older key meanwhile.
            remaining = Tally()
            for target in targets():
                remaining.add(self.walk(target, batch_size, write=False, label="checking"))
        self.report(keys, total, remaining, dry_run)

    def walk(self, target, batch_size: int, *, write: bool, label: str = "") -> Tally:
        progress = Progress(self.stderr, f"{label} {target.label}".strip(), target.count())
        tally = Tally()
        progress.advance(0)  # shows the line even for an empty table
        for rows, batch in target.batches(batch_size, write):
            tally.add(batch)
            progress.advance(rows)
        progress.finish()
        return tally

    def report(self, keys: list[str], total: Tally, remaining: Tally, dry_run: bool) -> None:
        for where in remaining.unreadable[:SHOWN_UNREADABLE]:
            self.stdout.write(f"  unreadable: {where}")
        if remaining.unreadable:
            more = len(remaining.unreadable) - SHOWN_UNREADABLE
            if more > 0:
                self.stdout.write(f"  … and {more} more")
            raise CommandError(
                f"No key can be retired: {len(remaining.unreadable)} value(s) can't be decrypted with any "
                "key in FIELD_ENCRYPTION_KEYS (a key they need is missing; see docs/privacy.md)."
            )
        if remaining.rotated:
            self.stdout.write(
                self.style.WARNING(
                    f"No key can be retired yet: {remaining.rotated} value(s) are still under an older key"
                    + (
                        "; run this command without --dry-run."
                        if dry_run
                        else "; is every process running with the new key list? Restart them and run again."
                    )
                )
            )
        elif len(keys) > 1:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Every encrypted value is under the newest key: the {len(keys) - 1} older key(s) can "
                    "now be removed from FIELD_ENCRYPTION_KEYS."
                )
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    "Every encrypted value is under the only key: there is no older key to retire."
                )
            )
