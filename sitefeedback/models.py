"""What visitors tell us about the site itself (the footer's "Share feedback"), and the tags staff sort
it by. Not about sessions: a session's rating lives with its booking (bookings.SessionFeedback)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class FeedbackTag(models.Model):
    """A word staff sort site feedback by ("bug", "idea", "booking")."""

    name = models.CharField(max_length=40, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SiteFeedback(models.Model):
    """One message from the footer's form. ``email`` only if they want a reply; ``user`` when signed in."""

    what = models.TextField(_("what"), max_length=2000)
    email = models.EmailField(_("email for a reply"), blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    tags = models.ManyToManyField(FeedbackTag, blank=True, related_name="feedback")
    handled = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "site feedback"
        verbose_name_plural = "site feedback"

    def __str__(self) -> str:
        return f"Feedback {self.pk} ({self.created_at:%Y-%m-%d})"
