"""Re-encrypt applicants' private files (resumes, videos) under the newest FIELD_ENCRYPTION_KEYS key.

Run it after ``rotate_encryption_keys`` when a new key was put first, and before the old key is dropped.
"""

from django.core.management.base import BaseCommand
from django.db.models import Q

from workforce.models import Application
from workforce.services import application_files_reencrypt


class Command(BaseCommand):
    help = "Re-encrypt applicants' resumes and videos under the newest FIELD_ENCRYPTION_KEYS key."

    def handle(self, *args, **options):
        ids = (
            Application.objects.exclude(Q(resume_file="") & Q(video_file=""))
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        total = sum(application_files_reencrypt(application_id=pk) for pk in ids.iterator())
        self.stdout.write(f"{total} private file(s) re-encrypted under the newest key.")
