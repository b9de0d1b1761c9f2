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


@transaction.atomic
def seed_accounts() -> list[str]:
    """A staff user with TOTP and recovery codes. Returns lines describing the login. (The demo seekers are
    seekers.demo's: accounts imports no other app.)"""
    staff, _ = verified_user(
        "staff@peersnet.example",
        first_name="Robin",
        is_staff=True,
        is_superuser=True,
        time_zone="America/Los_Angeles",
    )
    if not Authenticator.objects.filter(user=staff, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(staff, DEMO_TOTP_SECRET)
    codes_auth = Authenticator.objects.filter(user=staff, type=Authenticator.Type.RECOVERY_CODES).first()
    codes = RecoveryCodes(codes_auth) if codes_auth else RecoveryCodes.activate(staff)
    unused = codes.get_unused_codes()
    secret = get_mfa_adapter().decrypt(
        Authenticator.objects.get(user=staff, type=Authenticator.Type.TOTP).data["secret"]
    )
    return [
        f"Every demo password: {DEMO_PASSWORD}",
        "Staff (admin at /admin/): staff@peersnet.example",
        f"  two-factor: add TOTP secret {secret} to an authenticator app,",
        f"  or use a recovery code: {', '.join(unused[:3])}",
    ]
