"""An application to become a supporter, and every move it made."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from peersnet.kernel.crypto import EncryptedCharField, EncryptedTextField

from ..stages import Stage
from ..us_states import US_STATES


class Application(models.Model):
    """One person's way from applying to being a listed supporter. The stage is written only by
    ``services.hiring.application_move``, which also writes an ``ApplicationEvent``."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="application"
    )
    stage = models.CharField(max_length=16, choices=Stage.choices, default=Stage.SUBMITTED, db_index=True)
    already_certified = models.BooleanField(
        _("already trained or certified as a peer support specialist"), default=False
    )
    stage_changed_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # What the applicant told us. The statements and the phone number are private text (encrypted).
    phone = EncryptedCharField(_("phone number"), max_length=40, blank=True)
    state = models.CharField(_("state of residence"), max_length=2, choices=US_STATES, blank=True)
    availability = EncryptedTextField(_("availability"), max_length=2000, blank=True)
    commits_five_hours = models.BooleanField(_("commits to at least 5 hours a week"), default=False)
    lived_experience = EncryptedTextField(_("lived experience"), max_length=4000, blank=True)
    # The resume: an encrypted file in the private storage (workforce/files.py); never a public URL.
    resume_file = models.CharField(max_length=200, blank=True, editable=False)
    resume_kind = models.CharField(max_length=8, blank=True, editable=False)  # "pdf" or "docx"
    resume_size = models.PositiveIntegerField(default=0, editable=False)

    # The free peer support session the applicant had: one of their own completed bookings.
    peer_session_booking = models.ForeignKey(
        "bookings.Booking", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The recorded video interview: a link (https) or an uploaded file (private storage, encrypted).
    video_link = EncryptedCharField(_("video link"), max_length=500, blank=True)
    video_file = models.CharField(max_length=200, blank=True, editable=False)
    video_kind = models.CharField(max_length=8, blank=True, editable=False)
    video_submitted_at = models.DateTimeField(null=True, blank=True)
    # The one-to-one interview, scheduled by staff (the note is shown to the applicant).
    interview_at = models.DateTimeField(null=True, blank=True)
    interview_note = models.TextField(blank=True)
    # The contract offer: the letter's text as sent (frozen), the hourly rate, and when it was accepted.
    offer_rate_cents = models.PositiveIntegerField(null=True, blank=True)
    offer_text = models.TextField(blank=True)
    offer_made_at = models.DateTimeField(null=True, blank=True)
    offer_accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["stage", "stage_changed_at"], name="application_stage_age_idx")]

    def __str__(self) -> str:
        return f"Application {self.pk} ({self.get_stage_display()})"


class ApplicationEvent(models.Model):
    """A stage move: from, to, who moved it (None for the applicant's own or the system's) and a note
    the applicant may see. Append-only in practice: nothing edits or deletes these rows."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    from_stage = models.CharField(max_length=16, choices=Stage.choices)
    to_stage = models.CharField(max_length=16, choices=Stage.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.TextField(blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["application", "at"], name="appevent_app_at_idx")]

    def __str__(self) -> str:
        return f"{self.from_stage} → {self.to_stage}"


class BackgroundCheckConsent(models.Model):
    """The applicant's consent to a background check: when, from which address, and which version of the
    consent text they agreed to (workforce/consent.py). One per application; kept as the record."""

    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="consent")
    consented_at = models.DateTimeField()
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    text_version = models.CharField(max_length=20)

    def __str__(self) -> str:
        return f"Consent for application {self.application_id} ({self.text_version})"
