"""Onboarding and credentials in a person's export and their account's deletion (privacy.registry;
registered in WorkforceConfig.ready()). Deletion keeps the rows past records point at (the onboarding, the
credential's kind and dates, the listing events) and erases what identifies the documents: numbers,
issuers and the files themselves; code of ethics acknowledgements go."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from accounts.models import User
from privacy.registry import iso
from supporters.models import SupporterProfile

from .models import Credential, EthicsAcknowledgement, Onboarding


def export_onboarding(user: User) -> dict | None:
    """One query for anyone who is not a supporter (only supporters onboard and acknowledge the code)."""
    supporter_id = SupporterProfile.objects.filter(user=user).values_list("pk", flat=True).first()
    if supporter_id is None:
        return None
    onboarding = Onboarding.objects.filter(supporter_id=supporter_id).first()
    credentials = list(Credential.objects.filter(supporter_id=supporter_id).order_by("kind", "expires_on"))
    acknowledgements = list(EthicsAcknowledgement.objects.filter(user=user))
    return {
        "onboarding": onboarding
        and {
            "started_at": iso(onboarding.started_at),
            "due_at": iso(onboarding.due_at),
            "orientation_attended_at": iso(onboarding.orientation_attended_at),
            "activated_at": iso(onboarding.activated_at),
        },
        "code_of_ethics": [
            {"version": a.version, "acknowledged_at": iso(a.acknowledged_at)} for a in acknowledgements
        ],
        "credentials": [
            {
                "kind": c.get_kind_display(),
                "number": c.number,
                "issuer": c.issuer,
                "issued_on": iso(c.issued_on),
                "expires_on": iso(c.expires_on),
                "document_on_file": bool(c.document),
            }
            for c in credentials
        ],
    }


def erase(user: User, *, now: dt.datetime) -> None:
    """Blank credential numbers and issuers, delete their documents after commit, drop acknowledgements."""
    credentials = Credential.objects.filter(supporter__user=user)
    files = [c.document.name for c in credentials if c.document]
    credentials.update(number="", issuer="", document="")
    EthicsAcknowledgement.objects.filter(user=user).delete()
    if files:
        storage = Credential._meta.get_field("document").storage
        transaction.on_commit(lambda: [storage.delete(name) for name in files])
