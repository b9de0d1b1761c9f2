from django.db import transaction
from django.utils.translation import gettext as _

from peersnet.errors import DomainError

from .models import User
from .timezones import validate_timezone


@transaction.atomic
def user_update_settings(*, user: User, first_name: str, time_zone: str) -> User:
    """Change the name and time zone a person sees the site with."""
    validate_timezone(time_zone)
    user = User.objects.select_for_update().get(pk=user.pk)
    user.first_name = first_name.strip()
    user.time_zone = time_zone
    user.full_clean(validate_unique=False, exclude=["password"])
    user.save(update_fields=["first_name", "time_zone"])
    return user


class AccountClosed(DomainError):
    """The account was deleted (or switched off by staff) while a request was on its way."""


def user_lock_active(*, user_id: int) -> User:
    """Lock the person's user row for the rest of the caller's transaction and return it; AccountClosed
    when the account is no longer active. Writes that add personal data (a booking request, an intake)
    take this lock first, the same row account deletion locks first: so a deletion and such a write run
    one after the other, and a write that comes second finds the account closed (it can't bring back
    data the deletion erased). Call inside a transaction."""
    user = User.objects.select_for_update().filter(pk=user_id).first()
    if user is None or not user.is_active:
        raise AccountClosed(_("This account has been closed."), code="account_closed")
    return user
