"""allauth's MFA adapter: two-factor secrets are encrypted at rest with our field keys.

allauth stores a TOTP secret (``data["secret"]``) and the seed of the recovery codes (``data["seed"]``,
or ``data["migrated_codes"]`` for codes carried over from django-allauth-2fa) in
``mfa_authenticator.data`` and passes each through the adapter's ``encrypt``/``decrypt`` hooks. Ours
encrypt with ``FIELD_ENCRYPTION_KEYS`` (peersnet.kernel.crypto), so a database dump holds no usable
second factor and ``manage.py rotate_encryption_keys`` re-encrypts these values with the rest.
"""

from __future__ import annotations

from collections.abc import Callable

from allauth.mfa.adapter import DefaultMFAAdapter

from peersnet.kernel import crypto


class MFAAdapter(DefaultMFAAdapter):
    def encrypt(self, text: str) -> str:
        return crypto.encrypt(text)

    def decrypt(self, encrypted_text: str) -> str:
        return crypto.decrypt(encrypted_text)


def map_secrets(data: dict, change: Callable[[str], str]) -> dict:
    """A copy of an authenticator's ``data`` with ``change`` applied to every value allauth encrypts
    (the rotation command re-encrypts through this; anything else in ``data`` is kept as it is)."""
    data = dict(data)
    for key in ("secret", "seed"):
        if isinstance(data.get(key), str):
            data[key] = change(data[key])
    if isinstance(data.get("migrated_codes"), list):
        data["migrated_codes"] = [change(code) for code in data["migrated_codes"]]
    return data
