"""Data migrations for columns that become encrypted (peersnet.kernel.crypto).

A migration first changes the field to an encrypted one (AlterField), then runs ``encrypt_columns``:
it reads the raw column values with a plain cursor (the field would try to decrypt them) and writes each
plaintext back as a token under the newest key. Reversing decrypts the tokens back to plaintext, so the
AlterField before it can turn the column into its old type again.

Both directions are idempotent: a value that is already a readable token is left alone going forward,
and a value that is not a token is left alone going back, so a migration interrupted half-way can run
again. A value that has the shape of a token but that no configured key can read stops the migration
with a clear message: it means a key is missing, and encrypting the token again would hide it for good.
"""

from __future__ import annotations

from django.db import migrations

from peersnet.kernel import crypto

BATCH = 500


class UnreadableToken(Exception):
    pass


def _rewrite(connection, table: str, columns: list[str], change) -> int:
    """Apply ``change(value) -> new value or None (unchanged)`` to every non-NULL value, batch by batch
    in primary-key order. Returns the number of values written."""
    qn = connection.ops.quote_name
    written = 0
    last_pk = None
    with connection.cursor() as cursor:
        while True:
            where = "" if last_pk is None else f"WHERE {qn('id')} > %s "
            cursor.execute(
                f"SELECT {qn('id')}, {', '.join(qn(c) for c in columns)} FROM {qn(table)} "  # noqa: S608 (names are ours, quoted)
                f"{where}ORDER BY {qn('id')} LIMIT {BATCH}",
                [] if last_pk is None else [last_pk],
            )
            rows = cursor.fetchall()
            if not rows:
                return written
            for pk, *values in rows:
                updates = {}
                for column, value in zip(columns, values, strict=True):
                    if value is None:
                        continue
                    new = change(table, column, pk, value)
                    if new is not None:
                        updates[column] = new
                if updates:
                    cursor.execute(
                        f"UPDATE {qn(table)} SET {', '.join(f'{qn(c)} = %s' for c in updates)} "  # noqa: S608
                        f"WHERE {qn('id')} = %s",
                        [*updates.values(), pk],
                    )
                    written += len(updates)
            last_pk = rows[-1][0]


def _encrypt_value(table, column, pk, value):
    if crypto.is_readable_token(value):
        return None  # already encrypted (a rerun)
    if crypto.looks_like_token(value):
        raise UnreadableToken(
            f"{table}.{column} of row {pk} holds a token no key in FIELD_ENCRYPTION_KEYS can read: "
            "put the missing key back before migrating."
        )
    return crypto.encrypt(value)


def _decrypt_value(table, column, pk, value):
    if not crypto.looks_like_token(value):
        return None  # plaintext already
    try:
        return crypto.decrypt(value)
    except crypto.DecryptionFailed:
        raise UnreadableToken(
            f"{table}.{column} of row {pk} can't be decrypted with any key in FIELD_ENCRYPTION_KEYS."
        ) from None


def encrypt_columns(table: str, columns: list[str]) -> migrations.RunPython:
    """A reversible RunPython that encrypts (forward) or decrypts (backward) ``table``'s ``columns``
    (a table whose primary key column is ``id``, as every table of ours is)."""

    def forward(apps, schema_editor):
        _rewrite(schema_editor.connection, table, columns, _encrypt_value)

    def backward(apps, schema_editor):
        _rewrite(schema_editor.connection, table, columns, _decrypt_value)

    return migrations.RunPython(forward, backward, elidable=False)
