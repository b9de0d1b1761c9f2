"""What a supporter says about themselves: the profile text, tags, time zone and photos."""

import logging

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.services import user_update_settings
from peersnet.errors import DomainError

from ..directory_cache import directory_changed
from ..models import SupporterProfile, Tag
from .slots import slots_regenerate

logger = logging.getLogger("supporters.services")  # one logger for the package, as before the split


class ProfileError(DomainError):
    pass


PHOTO_FIELDS = ("photo_small", "photo_medium", "photo_large")


def _photos_store(*, supporter: SupporterProfile, photos: dict[str, object]) -> dict[str, str]:
    """Write the photo files to storage (object storage in production: a network call, so never inside a
    transaction). Returns field -> stored name. On failure removes what it wrote and raises ProfileError."""
    stored: dict[str, str] = {}
    try:
        for field_name, content in photos.items():
            field = SupporterProfile._meta.get_field(field_name)
            name = field.generate_filename(supporter, content.name)
            stored[field_name] = field.storage.save(name, content, max_length=field.max_length)
    except Exception:  # any storage failure (bucket unreachable, disk full): the person gets a message
        logger.exception("supporter %s: storing a new photo failed", supporter.pk)
        _photos_delete(list(stored.values()))
        raise ProfileError(
            _(
                "We couldn't save your photo just now, so nothing was changed. "
                "Please try again in a few minutes."
            ),
            code="photo_storage",
        ) from None
    return stored


def _photos_delete(names: list[str]) -> None:
    """Remove stored photo files. A file left behind harms no one, so a failure is logged, not raised
    (this runs after commit, when the person's save has already succeeded)."""
    storage = SupporterProfile._meta.get_field("photo_large").storage
    for name in names:
        try:
            storage.delete(name)
        except Exception:  # any storage failure: keep going, the file stays
            logger.warning("could not delete the old photo file %s", name, exc_info=True)


def profile_update(
    *,
    supporter: SupporterProfile,
    display_name: str,
    pronouns: str,
    intro: str,
    story: str,
    time_zone: str,
    tags: list[Tag],
    photos: dict[str, object] | None = None,
) -> SupporterProfile:
    """Save what a supporter says about themselves. A zone change regenerates slots (rules are wall-clock).

    New photo files are written to storage first, outside the transaction, and removed again if the save
    fails; the files they replace are deleted after commit. Raises ProfileError when storage fails.
    """
    stored = _photos_store(supporter=supporter, photos=photos) if photos else {}
    try:
        return _profile_save(
            supporter=supporter,
            display_name=display_name,
            pronouns=pronouns,
            intro=intro,
            story=story,
            time_zone=time_zone,
            tags=tags,
            stored_photos=stored,
        )
    except Exception:  # the save failed (a DomainError, a lost race): the new files are not needed
        _photos_delete(list(stored.values()))
        raise


@transaction.atomic
def _profile_save(
    *,
    supporter: SupporterProfile,
    display_name: str,
    pronouns: str,
    intro: str,
    story: str,
    time_zone: str,
    tags: list[Tag],
    stored_photos: dict[str, str],
) -> SupporterProfile:
    """The database half of profile_update: locks the profile row, saves, queues the old files' removal."""
    supporter = SupporterProfile.objects.select_for_update().get(pk=supporter.pk)
    zone_changed = supporter.time_zone != time_zone
    supporter.display_name = display_name.strip()
    supporter.pronouns = pronouns.strip()
    supporter.intro = intro.strip()
    supporter.story = story.strip()
    supporter.time_zone = time_zone
    old_files = []
    for field, name in stored_photos.items():
        old = getattr(supporter, field)
        if old:
            old_files.append(old.name)
        setattr(supporter, field, name)
    supporter.full_clean(exclude=["user", *PHOTO_FIELDS])
    supporter.save()
    supporter.tags.set(tags)
    if zone_changed:
        # Rules, time off and leave are wall-clock dates and times: they move with the zone.
        for leave in supporter.leaves.select_for_update():
            leave.save()
        slots_regenerate(supporter_id=supporter.pk)
        # The person sees the site in the zone they work in.
        user_update_settings(user=supporter.user, first_name=supporter.user.first_name, time_zone=time_zone)
    if old_files:
        transaction.on_commit(lambda: _photos_delete(old_files))
    directory_changed(supporter_id=supporter.pk)  # text, tags, photo: the card and the profile
    return supporter
