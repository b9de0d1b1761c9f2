"""Demo bookings for `manage.py seed_demo`. Idempotent: a seeker who already has bookings gets none."""

from django.db import transaction

from accounts.models import User
from supporters.models import Slot, SupporterProfile

from .models import Booking
from .services import BookingError, booking_request


@transaction.atomic
def seed_bookings() -> list[str]:
    """Maya asks supporter01 for their first open time, so that supporter's dashboard has a request to
    accept. Accepting charges Maya's card (she has none yet, so she is asked to pay on the site: the
    whole payment flow runs against the local fake Stripe)."""
    maya = User.objects.filter(email="maya@peersnet.example").select_related("seeker").first()
    supporter = SupporterProfile.objects.listed().filter(user__email="supporter01@peersnet.example").first()
    if maya is None or supporter is None:
        return []
    if Booking.objects.filter(seeker=maya.seeker).exists():
        return ["Bookings: Maya's request to supporter01 is already there."]
    slot = Slot.objects.filter(supporter=supporter, status=Slot.Status.OPEN).order_by("start")[4:5].first()
    if slot is None:
        return []
    try:
        booking_request(
            seeker=maya.seeker,
            slot_id=slot.pk,
            confirms_no_personal_relationship=True,
            require_payment_method=False,  # Maya saves a card when she pays on the site
        )
    except BookingError:
        return []
    return ["Bookings: Maya asked supporter01 for a session; log in as supporter01 to accept it."]
