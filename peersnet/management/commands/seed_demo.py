from django.conf import settings
from django.core.management.base import BaseCommand
from django.urls import reverse

from accounts.demo import seed_accounts
from bookings.demo import seed_bookings
from seekers.demo import seed_seekers
from supporters.demo import seed_supporters


class Command(BaseCommand):
    help = "Create demo data (idempotent) and print the demo logins."

    def handle(self, *args, **options):
        lines = seed_accounts()
        lines += seed_seekers()
        lines += seed_supporters()
        lines += seed_bookings()
        self.stdout.write(
            self.style.SUCCESS(f"Demo data is ready. Log in at {settings.SITE_URL}{reverse('account_login')}")
        )
        for line in lines:
            self.stdout.write(line)
