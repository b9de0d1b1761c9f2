"""Conflicts of interest: a seeker and a supporter who know each other are never matched."""

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from peersnet.errors import DomainError

from ..models import SupporterConflict, SupporterProfile


class ConflictError(DomainError):
    pass


@transaction.atomic
def conflict_hide(*, seeker_user: User, supporter_id: int) -> SupporterConflict:
    """The seeker says "I know this person": the supporter disappears for them everywhere. Safe to repeat;
    a block the supporter raised stays the supporter's. Raises ConflictError for an unknown supporter."""
    if not SupporterProfile.objects.filter(pk=supporter_id).exists():
        raise ConflictError(_("We couldn't find that supporter."), code="unknown")
    conflict, _created = SupporterConflict.objects.get_or_create(
        seeker_user=seeker_user,
        supporter_id=supporter_id,
        defaults={"raised_by": SupporterConflict.RaisedBy.SEEKER},
    )
    return conflict


@transaction.atomic
def conflict_unhide(*, seeker_user: User, conflict_id: int) -> None:
    """Undo the seeker's own "I know this person". Only a conflict the seeker raised can be undone; any
    other id (someone else's, or one the supporter raised, which the seeker never sees) is refused."""
    deleted, _rows = SupporterConflict.objects.filter(
        pk=conflict_id, seeker_user=seeker_user, raised_by=SupporterConflict.RaisedBy.SEEKER
    ).delete()
    if not deleted:
        raise ConflictError(_("There is nothing to undo here."), code="unknown")


@transaction.atomic
def conflict_block(*, seeker_user: User, supporter: SupporterProfile) -> SupporterConflict:
    """The supporter recognised the seeker: the pair is blocked both ways, for good. A hide the seeker
    had raised becomes the supporter's (so the seeker can no longer undo it). Safe to repeat."""
    conflict, _created = SupporterConflict.objects.update_or_create(
        seeker_user=seeker_user,
        supporter=supporter,
        defaults={"raised_by": SupporterConflict.RaisedBy.SUPPORTER},
    )
    return conflict
