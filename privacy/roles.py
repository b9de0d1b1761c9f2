"""Staff roles: who may see what. The groups and their permissions are kept here, in code.

- operations: bookings, payments, refunds, gifts, supporters' listings
- supervisor: supervision of supporters; later the supervisor queue, reports, safety plans and the
  messages of flagged threads; the access log
- trainer: applicants and cohorts (later)
Superusers (the few who run the system) have every permission.
"""

from __future__ import annotations

OPERATIONS = "operations"
SUPERVISOR = "supervisor"
TRAINER = "trainer"
ROLES = (OPERATIONS, SUPERVISOR, TRAINER)


def has_role(user, role: str) -> bool:
    """Is ``user`` active staff holding ``role`` (superusers hold every role)? Cached on the user object."""
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return False
    if user.is_superuser:
        return True
    cache = getattr(user, "_peersnet_roles", None)
    if cache is None:
        cache = set(user.groups.filter(name__in=ROLES).values_list("name", flat=True))
        user._peersnet_roles = cache
    return role in cache


def is_supervisor(user) -> bool:
    return has_role(user, SUPERVISOR)
