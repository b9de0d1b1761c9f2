"""Credentials a supporter must keep current to stay listed, and the listing changes they caused."""

import secrets

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.utils.translation import gettext_lazy as _


def private_storage():
    # Documents are personal: never at a public address (settings STORAGES["private"]).
    return storages["private"]


def document_path(instance: "Credential", filename: str) -> str:
    return f"credentials/{secrets.token_urlsafe(16)}-{filename[-80:]}"


class Credential(models.Model):
    """A certification, certificate, check or requirement with the day it expires. The latest expiry of
    each kind counts: recording a renewal (a new row, or a later expiry on this one) is the renewal."""

    class Kind(models.TextChoices):
        CERTIFICATION = "certification", _("Peer support certification")
        STATE_CERTIFICATE = "state_certificate", _("State certificate")
        BACKGROUND_CHECK = "background_check", _("Background check")
        CONTINUING_EDUCATION = "continuing_education", _("Continuing-education requirement")

    supporter = models.ForeignKey(
        "supporters.SupporterProfile", on_delete=models.PROTECT, related_name="credentials"
    )
    kind = models.CharField(max_length=24, choices=Kind.choices)
    number = models.CharField(_("number or reference"), max_length=80, blank=True)
    issuer = models.CharField(max_length=120, blank=True)
    issued_on = models.DateField()
    # The first day it is no longer valid (in the operations zone): the supporter is unlisted that day.
    expires_on = models.DateField()
    document = models.FileField(storage=private_storage, upload_to=document_path, blank=True, max_length=200)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["supporter", "kind", "-expires_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(issued_on__lt=models.F("expires_on")),
                name="credential_issued_before_expiry",
            )
        ]
        indexes = [
            models.Index(fields=["expires_on"], name="credential_expires_idx"),
            models.Index(fields=["supporter", "kind", "expires_on"], name="credential_sup_kind_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} (expires {self.expires_on:%Y-%m-%d})"


class ListingEvent(models.Model):
    """The credentials rule unlisted or listed a supporter again (append-only; one row per change)."""

    class Kind(models.TextChoices):
        UNLISTED = "unlisted", _("Unlisted: a credential expired")
        RELISTED = "relisted", _("Listed again: renewed")

    supporter = models.ForeignKey(
        "supporters.SupporterProfile", on_delete=models.CASCADE, related_name="listing_events"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    credential = models.ForeignKey(
        Credential, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField()

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {self.at:%Y-%m-%d %H:%M}"
