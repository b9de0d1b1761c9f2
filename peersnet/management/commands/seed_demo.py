from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from accounts.demo import seed_accounts
from bookings.demo import seed_bookings
from privacy.demo import seed_role_logins
from seekers.demo import seed_seekers
from supporters.demo import seed_supporters
from workforce.demo import seed_cohorts
from workforce.demo_pay import seed_pay

REFUSAL = (
    "seed_demo refuses to run with DEBUG off. It creates demo accounts whose password is public "
    "(it is printed here and written in the README), among them a staff account whose two-factor "
    "TOTP secret and recovery codes are public too, so anyone could log in to the admin. On a real "
    "deployment that is an open door. If this really is a public demo site, run it again with "
    "--create-public-demo-logins."
)


class Command(BaseCommand):
    help = "Create demo data (idempotent) and print the demo logins."

    def add_arguments(self, parser):
        parser.add_argument(
            "--create-public-demo-logins",
            action="store_true",
            help="Run even with DEBUG off: creates logins with public passwords and a public TOTP secret.",
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["create_public_demo_logins"]:
            raise CommandError(REFUSAL)
        lines = seed_accounts()
        lines += seed_role_logins()
        lines += seed_seekers()
        lines += seed_supporters()
        lines += seed_bookings()
        lines += seed_cohorts()
        lines += seed_pay()
        self.stdout.write(
            self.style.SUCCESS(f"Demo data is ready. Log in at {settings.SITE_URL}{reverse('account_login')}")
        )
        for line in lines:
            self.stdout.write(line)
