"""Encryption at rest for sensitive text: one field class over ``cryptography``'s MultiFernet.

Keys come from ``settings.FIELD_ENCRYPTION_KEYS`` (newest first; Fernet keys, url-safe base64 of 32
bytes), independent of ``SECRET_KEY``. The newest key encrypts; every key in the list can decrypt, so a
key is rotated by putting a new one in front, running ``manage.py rotate_encryption_keys`` (which
re-encrypts every stored value with the newest key), and then dropping the old one.

What the database holds is the Fernet token (AES-128-CBC + HMAC-SHA256, with a timestamp), as text.
``None`` stays NULL; every string, the empty one included, is encrypted, so a column never tells whether
someone answered a question. Encrypted columns can't be searched or compared in SQL: the field refuses
every lookup except ``isnull``, so a query that could never match fails loudly instead.
"""

from __future__ import annotations

import functools

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.db import models
from django.dispatch import receiver


class DecryptionFailed(Exception):
    """A stored value could not be decrypted with any configured key (a key was retired too early)."""


def validate_keys(keys: object) -> list[str]:
    """The configured keys as strings, or ImproperlyConfigured saying what is wrong (never the key)."""
    if not keys:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS is empty: sensitive fields can't be stored. Generate a key with "
            "`python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'`."
        )
    if isinstance(keys, str):
        keys = [keys]
    result = []
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key)
        except (ValueError, TypeError):
            raise ImproperlyConfigured(
                f"FIELD_ENCRYPTION_KEYS entry {position} is not a Fernet key (url-safe base64 of 32 bytes)."
            ) from None
        result.append(key if isinstance(key, str) else key.decode())
    return result


@functools.cache
def _fernet() -> MultiFernet:
    return MultiFernet([Fernet(key) for key in validate_keys(settings.FIELD_ENCRYPTION_KEYS)])


@receiver(setting_changed)
def _forget_keys(*, setting: str, **kwargs) -> None:
    if setting == "FIELD_ENCRYPTION_KEYS":
        _fernet.cache_clear()


def encrypt(plaintext: str) -> str:
    return _fernet().encrypt(plaintext.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        raise DecryptionFailed(
            "A stored value can't be decrypted with any key in FIELD_ENCRYPTION_KEYS "
            "(was a key removed before `rotate_encryption_keys` ran?)."
        ) from None


def reencrypt(token: str) -> str:
    """The same plaintext under the newest key (a token already under it is re-issued all the same)."""
    try:
        return _fernet().rotate(token.encode()).decode()
    except InvalidToken:
        raise DecryptionFailed(
            "A stored value can't be decrypted with any key in FIELD_ENCRYPTION_KEYS."
        ) from None


def is_token_under_newest_key(token: str) -> bool:
    try:
        Fernet(validate_keys(settings.FIELD_ENCRYPTION_KEYS)[0]).decrypt(token.encode())
    except InvalidToken:
        return False
    return True


class EncryptedTextField(models.TextField):
    """A TextField whose value is encrypted before it reaches the database and decrypted when read.

    Use it for anything a person told us in confidence: intake answers, private reasons, messages,
    safety plans, reports. ``max_length`` is checked on the plaintext (forms and ``full_clean``); the
    column is unbounded text because the token is longer than what it hides.
    """

    description = "Text encrypted at rest (Fernet, FIELD_ENCRYPTION_KEYS)"
    encrypted = True

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None:
            return None
        return encrypt(str(value))

    def from_db_value(self, value, expression, connection):
        if value is None:
            return None
        return decrypt(value)

    def get_lookup(self, lookup_name):
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        return None

    def get_transform(self, lookup_name):
        return None


def encrypted_fields(model: type[models.Model]) -> list[EncryptedTextField]:
    """The model's own encrypted columns (used by the rotation command and the privacy tests)."""
    return [
        field
        for field in model._meta.concrete_fields
        if isinstance(field, EncryptedTextField) and field.model is model
    ]
