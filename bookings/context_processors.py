from django.http import HttpRequest

from .policy import policy_terms


def policy(request: HttpRequest) -> dict:
    """``POLICY``: the booking windows as numbers for page copy ("free up to
    {{ POLICY.free_cancellation_hours }} hours before"), read from the one policy."""
    return {"POLICY": policy_terms()}
