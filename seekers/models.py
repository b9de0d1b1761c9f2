from django.conf import settings
from django.db import models


class SeekerProfile(models.Model):
    """A person aged 18–30 who books sessions. Intake, matching and conflicts attach here (later issues)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="seeker")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.user.get_short_name()
