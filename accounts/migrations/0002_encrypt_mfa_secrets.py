"""Encrypt the two-factor secrets allauth stored before accounts.mfa_adapter encrypted them: TOTP
secrets, recovery-code seeds and carried-over recovery codes in ``mfa_authenticator.data``.

Idempotent (a value some configured key already reads is left alone) and reversible (going back
decrypts them). The keys are spelled out here rather than imported, so this migration keeps meaning
what it meant when it was written.
"""

from django.db import migrations

from peersnet.kernel import crypto

ENCRYPTED_TYPES = ("totp", "recovery_codes")


def _map(data, change):
    data = dict(data)
    for key in ("secret", "seed"):
        if isinstance(data.get(key), str):
            data[key] = change(data[key])
    if isinstance(data.get("migrated_codes"), list):
        data["migrated_codes"] = [change(code) for code in data["migrated_codes"]]
    return data


def _encrypt(value):
    if crypto.is_readable_token(value):
        return value
    if crypto.looks_like_token(value):
        raise RuntimeError(
            "A two-factor secret is a token no key in FIELD_ENCRYPTION_KEYS can read: put the key back."
        )
    return crypto.encrypt(value)


def _decrypt(value):
    return crypto.decrypt(value) if crypto.looks_like_token(value) else value


def _rewrite(apps, change):
    Authenticator = apps.get_model("mfa", "Authenticator")
    for authenticator in Authenticator.objects.filter(type__in=ENCRYPTED_TYPES).order_by("pk").iterator():
        data = _map(authenticator.data, change)
        if data != authenticator.data:
            Authenticator.objects.filter(pk=authenticator.pk).update(data=data)


def forward(apps, schema_editor):
    _rewrite(apps, _encrypt)


def backward(apps, schema_editor):
    _rewrite(apps, _decrypt)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("mfa", "0003_authenticator_type_uniq"),
    ]

    operations = [migrations.RunPython(forward, backward)]
