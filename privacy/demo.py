"""Demo staff logins, one per role, for `manage.py seed_demo`. Idempotent."""

from django.contrib.auth.models import Group
from django.db import transaction

from accounts.demo import demo_staff

from .roles import OPERATIONS, ROLES, SUPERVISOR, TRAINER

DEMO_ROLE_LOGINS = {
    OPERATIONS: ("ops@peersnet.example", "Ari"),
    SUPERVISOR: ("supervisor@peersnet.example", "Noor"),
    TRAINER: ("trainer@peersnet.example", "Kai"),
}


@transaction.atomic
def seed_role_logins() -> list[str]:
    """A staff login in each role group (not superusers), with the demo TOTP secret and their own recovery
    codes. Returns lines describing them."""
    lines = ["Staff by role (same TOTP secret as above; only that role's admin pages):"]
    for role in ROLES:
        email, first_name = DEMO_ROLE_LOGINS[role]
        user, _secret, codes = demo_staff(email, first_name=first_name)
        user.groups.add(Group.objects.get(name=role))
        lines.append(f"  {role}: {email} (recovery code {codes[0]})")
    return lines
