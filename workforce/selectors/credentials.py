"""Reads for credentials."""

from __future__ import annotations

from dataclasses import dataclass

from supporters.models import SupporterProfile

from ..models import Credential
from ..services.credentials import ops_today


@dataclass(frozen=True)
class CredentialRow:
    credential: Credential
    days_left: int
    superseded: bool  # a later one of the same kind is on record

    @property
    def expired(self) -> bool:
        return self.days_left <= 0


def credential_list_for_supporter(*, supporter: SupporterProfile) -> list[CredentialRow]:
    """The supporter's credentials, latest of each kind first, with the days left (one query)."""
    today = ops_today()
    rows, seen = [], set()
    for credential in Credential.objects.filter(supporter=supporter).order_by("kind", "-expires_on", "-pk"):
        rows.append(
            CredentialRow(
                credential=credential,
                days_left=(credential.expires_on - today).days,
                superseded=credential.kind in seen,
            )
        )
        seen.add(credential.kind)
    return rows
