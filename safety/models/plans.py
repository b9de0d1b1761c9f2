"""Crisis safety plans: one plan per seeker, and every save a new, immutable version.

A plan is written by the seeker and their current supporters (``safety.plans_selectors`` defines
"current"). The sections follow the widely used safety-planning structure (warning signs, coping on
your own, people and places that distract, people to ask for help, professionals and agencies, making
the surroundings safe, reasons for living). The contents of a version are one JSON document
(section key -> text), encrypted at rest as a whole. A version is never changed after it is written:
the services only add versions, the admin is read-only, and a save based on an older version than
the newest is refused (``base_version``), so two people writing at once never overwrite each other
silently.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from peersnet.kernel.crypto import EncryptedTextField
from seekers.models import SeekerProfile

# (key, heading, help text). The order is the order on the page, the print view and the PDF.
PLAN_SECTIONS: tuple[tuple[str, str, str], ...] = (
    (
        "warning_signs",
        "Warning signs",
        "Thoughts, feelings, situations or behaviour that tell you a crisis may be building.",
    ),
    (
        "coping",
        "Things I can do on my own",
        "Ways to take your mind off things without contacting anyone: a walk, music, a shower, a game.",
    ),
    (
        "distractions",
        "People and places that help take my mind off things",
        "People you can spend time with, and places you can go, that help you feel better.",
    ),
    (
        "help_people",
        "People I can ask for help",
        "Family members or friends you can tell that you are struggling, with a phone number.",
    ),
    (
        "professionals",
        "Professionals and services I can contact",
        "Your counsellor, doctor, clinic or a local service, with their numbers. "
        "988 and 911 are always on your plan.",
    ),
    (
        "environment",
        "Making my surroundings safer",
        "Steps to keep things you might use to hurt yourself out of reach, and who can help with that.",
    ),
    (
        "reasons",
        "My reasons for living",
        "The people, pets, plans and things that matter most to you.",
    ),
)
SECTION_KEYS = tuple(key for key, _heading, _help in PLAN_SECTIONS)

# Always on every plan, before the person's own entries in "professionals": nobody can remove them.
STANDING_CONTACTS: tuple[str, ...] = (
    "988 Suicide & Crisis Lifeline: call or text 988, any time.",
    "Emergency: call 911.",
)


class SafetyPlan(models.Model):
    """The seeker's plan. ``version`` is the number of its newest version (0 before the first save);
    the services move it forward under this row's lock."""

    seeker = models.OneToOneField(SeekerProfile, on_delete=models.CASCADE, related_name="safety_plan")
    version = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(
        null=True, blank=True, help_text=_("When the newest version was saved.")
    )

    class Meta:
        verbose_name = _("safety plan")

    def __str__(self) -> str:
        return f"Safety plan {self.pk}"


class SafetyPlanVersion(models.Model):
    """One saved state of a plan: who saved it, when, and the whole plan as encrypted JSON."""

    class Role(models.TextChoices):
        SEEKER = "seeker", _("The seeker")
        SUPPORTER = "supporter", _("A supporter")

    plan = models.ForeignKey(SafetyPlan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    # Who saved it; kept as the role and a display name if their account is deleted later.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_role = models.CharField(max_length=10, choices=Role.choices)
    author_name = models.CharField(max_length=150)
    created_at = models.DateTimeField()
    contents = EncryptedTextField(_("plan contents (JSON)"))

    class Meta:
        verbose_name = _("safety plan version")
        ordering = ["plan", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="safetyplanversion_one_number"),
            models.CheckConstraint(condition=Q(number__gte=1), name="safetyplanversion_number_positive"),
        ]

    def __str__(self) -> str:
        return f"Version {self.number} of safety plan {self.plan_id}"

    @property
    def sections(self) -> dict[str, str]:
        """{section key: text}, every key present (a key missing from older contents reads as "")."""
        try:
            stored = json.loads(self.contents or "{}")
        except ValueError:
            stored = {}
        if not isinstance(stored, dict):
            stored = {}
        return {key: str(stored.get(key, "")) for key in SECTION_KEYS}


def encode_contents(sections: dict[str, str]) -> str:
    """The JSON document a version stores (every section key, in page order)."""
    return json.dumps({key: sections.get(key, "") for key in SECTION_KEYS}, ensure_ascii=False)
