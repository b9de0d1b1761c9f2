from django.core.management.base import BaseCommand

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
            self.style.SUCCESS("Demo data is ready. Log in at http://127.0.0.1:8000/accounts/login/")
        )
        for line in lines:
            self.stdout.write(line)
