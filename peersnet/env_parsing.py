"""Parsers for settings read from the environment that django-environ has no type for.

Imported by settings.py: nothing here may read Django settings or import an app.
"""

from email.utils import getaddresses

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.validators import validate_email


def parse_admins(value: str) -> list[tuple[str, str]]:
    """``'Ana Ops <ana@example.com>, bo@example.com'`` -> ``[("Ana Ops", "ana@…"), ("", "bo@…")]``.

    Empty -> ``[]``. Anything that is not a list of email addresses raises ``ImproperlyConfigured``, so a
    typo stops the deployment instead of silently losing the error emails.
    """
    value = ",".join(part for part in value.split(",") if part.strip())  # "a@b.com," is fine
    if not value:
        return []
    admins = []
    for name, address in getaddresses([value]):
        try:
            validate_email(address)
        except ValidationError:
            raise ImproperlyConfigured(
                f"ADMINS={value!r} is not a list of email addresses. "
                "Write 'Name <address>' entries separated by commas."
            ) from None
        admins.append((name, address))
    return admins


def dev_field_encryption_key(path) -> str:
    """The development encryption key kept at ``path`` (made on first use, readable by its owner only).

    Only settings with DEBUG on call this: production reads FIELD_ENCRYPTION_KEYS from the environment.
    The key stays on disk so a development database stays readable between runs; `make clean` drops both.
    """
    from cryptography.fernet import Fernet

    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(Fernet.generate_key().decode() + "\n")
    return path.read_text().strip()
