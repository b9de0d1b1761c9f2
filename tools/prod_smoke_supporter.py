"""Create the one supporter `make prod-smoke` books with, and print their login as JSON.

Supporters are created by staff, not by signing up, so the smoke makes one directly in the database it
is given (DATABASE_URL and the rest of the smoke's production environment): a verified email, a random
password, two-factor authentication (TOTP) with a random secret, an active profile and weekday hours
that cover the whole of operating hours, so there are open slots whatever day the smoke runs.

    python tools/prod_smoke_supporter.py  # {"email": ..., "password": ..., "totp_secret": ..., "id": ...}
"""

import datetime as dt
import json
import os
import secrets
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peersnet.settings")

import django  # noqa: E402

django.setup()

from allauth.account.models import EmailAddress  # noqa: E402
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret  # noqa: E402
from django.db import transaction  # noqa: E402

from accounts.models import User  # noqa: E402
from supporters.models import SupporterProfile  # noqa: E402
from supporters.services import rule_create  # noqa: E402


@transaction.atomic
def main() -> None:
    email = "smoke-supporter@peersnet.test"
    password = secrets.token_urlsafe(18)
    totp_secret = generate_totp_secret()
    user = User.objects.create_user(
        email=email, password=password, first_name="Riley", time_zone="America/Los_Angeles"
    )
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    TOTP.activate(user, totp_secret)
    supporter = SupporterProfile.objects.create(
        user=user,
        display_name="Riley Smoke",
        intro="The supporter of the production smoke test.",
        time_zone="America/Los_Angeles",
        status=SupporterProfile.Status.ACTIVE,
    )
    for weekday in range(5):  # operating hours: Monday to Friday, 09:00 to 21:00 Pacific
        rule_create(supporter=supporter, weekday=weekday, start_time=dt.time(9), end_time=dt.time(21))
    print(json.dumps({"email": email, "password": password, "totp_secret": totp_secret, "id": supporter.pk}))


if __name__ == "__main__":
    main()
