"""Demo accounts for `manage.py seed_demo`. Idempotent: reruns find what exists and change nothing."""

from allauth.account.models import EmailAddress
from allauth.mfa.adapter import get_adapter as get_mfa_adapter
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from django.db import transaction

from .models import User

DEMO_PASSWORD = "peersnet-demo-2026"
# A fixed demo TOTP secret so the demo staff login is repeatable; never used outside seed_demo.
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def verified_user(email: str, **fields) -> tuple[User, bool]:
    """A demo login with a verified email address and the demo password, made once."""
    user, created = User.objects.get_or_create(email=email, defaults=fields)
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user, created


def demo_staff(email: str, **fields) -> tuple[User, str, list[str]]:
    """A demo staff login with TOTP (the fixed demo secret) and recovery codes, made once. Returns the
    user, the TOTP secret and the unused recovery codes."""
    staff, _ = verified_user(email, is_staff=True, time_zone="America/Los_Angeles", **fields)
    if not Authenticator.objects.filter(user=staff, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(staff, DEMO_TOTP_SECRET)
    codes_auth = Authenticator.objects.filter(user=staff, type=Authenticator.Type.RECOVERY_CODES).first()
    codes = RecoveryCodes(codes_auth) if codes_auth else RecoveryCodes.activate(staff)
    secret = get_mfa_adapter().decrypt(
        Authenticator.objects.get(user=staff, type=Authenticator.Type.TOTP).data["secret"]
    )
    return staff, secret, codes.get_unused_codes()


@transaction.atomic
def seed_accounts() -> list[str]:
    """A superuser staff login with TOTP and recovery codes. Returns lines describing the login. (The demo
    seekers are seekers.demo's, the role logins privacy.demo's: accounts imports no other app.)"""
    _staff, secret, unused = demo_staff("staff@peersnet.example", first_name="Robin", is_superuser=True)
    return [
        f"Every demo password: {DEMO_PASSWORD}",
        "Staff, superuser (admin at /admin/): staff@peersnet.example",
        f"  two-factor: add TOTP secret {secret} to an authenticator app,",
        f"  or use a recovery code: {', '.join(unused[:3])}",
    ]
