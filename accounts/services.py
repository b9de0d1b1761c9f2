from django.db import transaction

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
