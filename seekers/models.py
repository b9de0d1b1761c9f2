from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from peersnet.kernel.crypto import EncryptedCharField, EncryptedTextField


class SeekerProfile(models.Model):
    """A person aged 18–30 who books sessions. Intake, matching and conflicts attach here."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="seeker")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.user.get_short_name()

    @property
    def intake_completed_at(self):
        intake = getattr(self, "intake", None)
        return intake.completed_at if intake else None


class Intake(models.Model):
    """What a seeker tells us before their first session. Private: the supporter sees only that it is
    complete and the answers the seeker chose to share. Never sent by email. Every answer is encrypted
    at rest (peersnet.kernel.crypto): none can be searched, filtered or ordered on in SQL."""

    seeker = models.OneToOneField(SeekerProfile, on_delete=models.CASCADE, related_name="intake")
    preferred_name = EncryptedCharField(_("preferred name"), max_length=80)
    pronouns = EncryptedCharField(_("pronouns"), max_length=40, blank=True)
    hopes = EncryptedTextField(_("what you hope to get from peer support"), max_length=2000)
    emergency_contact_name = EncryptedCharField(_("emergency contact's name"), max_length=120)
    emergency_contact_phone = EncryptedCharField(_("emergency contact's phone"), max_length=40)
    share_preferred_name = models.BooleanField(default=True)
    share_pronouns = models.BooleanField(default=True)
    share_hopes = models.BooleanField(default=False)
    acknowledged_at = models.DateTimeField()
    completed_at = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True)

    # The answers written in the seeker's own words, checked for crisis language when saved.
    FREE_TEXT_FIELDS = ("hopes",)

    def __str__(self) -> str:
        return f"Intake of {self.seeker}"

    def shared_answers(self) -> dict[str, str]:
        """Only what the seeker agreed to show their supporter."""
        shared = {}
        if self.share_preferred_name:
            shared["Preferred name"] = self.preferred_name
        if self.share_pronouns and self.pronouns:
            shared["Pronouns"] = self.pronouns
        if self.share_hopes:
            shared["What they hope to get from peer support"] = self.hopes
        return shared
