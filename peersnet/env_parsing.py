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
