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
import re

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django import forms
from django.conf import settings
from django.core import checks, validators
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.db import models
from django.dispatch import receiver

# What a Fernet token looks like as text: version byte 0x80 and a timestamp whose high bytes are zero (so
# "gAAAAA"), then padded url-safe base64, at least 100 characters (73 bytes: the shortest token).
_TOKEN_SHAPE = re.compile(r"gAAAAA[A-Za-z0-9_-]+={0,2}")


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


@functools.cache
def _newest() -> Fernet:
    return Fernet(validate_keys(settings.FIELD_ENCRYPTION_KEYS)[0])


@receiver(setting_changed)
def _forget_keys(*, setting: str, **kwargs) -> None:
    if setting == "FIELD_ENCRYPTION_KEYS":
        _fernet.cache_clear()
        _newest.cache_clear()


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


def encrypt_bytes(data: bytes) -> bytes:
    """``data`` as one Fernet token under the newest key (for files: see workforce/files.py, which
    encrypts an upload chunk by chunk)."""
    return _fernet().encrypt(data)


def decrypt_bytes(token: bytes) -> bytes:
    """The bytes ``encrypt_bytes`` hid, with whichever configured key made the token."""
    try:
        return _fernet().decrypt(token)
    except InvalidToken:
        raise DecryptionFailed(
            "A stored file can't be decrypted with any key in FIELD_ENCRYPTION_KEYS."
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
        _newest().decrypt(token.encode())
    except InvalidToken:
        return False
    return True


def is_readable_token(value: str) -> bool:
    """Whether ``value`` is a token some configured key decrypts (plaintext and lost-key tokens aren't)."""
    try:
        _fernet().decrypt(value.encode())
    except InvalidToken:
        return False
    return True


def looks_like_token(value: str) -> bool:
    """Whether ``value`` has the shape of a Fernet token, whichever key made it (human text never has)."""
    return len(value) >= 100 and len(value) % 4 == 0 and _TOKEN_SHAPE.fullmatch(value) is not None


class EncryptedTextField(models.TextField):
    """A TextField whose value is encrypted before it reaches the database and decrypted when read.

    Use it for anything a person told us in confidence: intake answers, private reasons, messages,
    safety plans, reports. ``max_length`` is checked on the plaintext (forms and ``full_clean``); the
    column is unbounded text because the token is longer than what it hides.
    """

    description = "Text encrypted at rest (Fernet, FIELD_ENCRYPTION_KEYS)"
    encrypted = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.max_length is not None:
            # TextField hands max_length to the form field only; this makes full_clean() check it too
            # (on the plaintext: validators see the Python value, never the token).
            self.validators.append(validators.MaxLengthValidator(self.max_length))

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


class EncryptedCharField(EncryptedTextField):
    """A one-line answer (a name, a phone number) encrypted at rest: the same storage as
    EncryptedTextField, a one-line input in forms, and a required ``max_length`` checked on the
    plaintext (in forms and by ``full_clean``)."""

    description = "One-line text encrypted at rest (Fernet, FIELD_ENCRYPTION_KEYS)"

    def check(self, **kwargs):
        return [*super().check(**kwargs), *self._check_max_length()]

    def _check_max_length(self):
        if not isinstance(self.max_length, int) or isinstance(self.max_length, bool) or self.max_length <= 0:
            return [
                checks.Error(
                    "EncryptedCharField needs a positive integer max_length (checked on the plaintext).",
                    obj=self,
                    id="peersnet.E101",
                )
            ]
        return []

    def formfield(self, **kwargs):
        return super().formfield(**{"widget": forms.TextInput, **kwargs})


def encrypted_fields(model: type[models.Model]) -> list[EncryptedTextField]:
    """The model's own encrypted columns (used by the rotation command and the privacy tests)."""
    return [
        field
        for field in model._meta.concrete_fields
        if isinstance(field, EncryptedTextField) and field.model is model
    ]
