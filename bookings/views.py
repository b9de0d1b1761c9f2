from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from supporters.models import Slot, SupporterProfile


@require_GET
def booking_request_view(request: HttpRequest, slot_id: int) -> HttpResponse:
    """The booking step for one open slot. Requesting arrives with the booking lifecycle issue; until then
    this page confirms the time and says so plainly."""
    slot = get_object_or_404(
        Slot.objects.select_related("supporter").filter(supporter__in=SupporterProfile.objects.listed()),
        pk=slot_id,
        status=Slot.Status.OPEN,
    )
    return render(request, "bookings/request.html", {"title": "Book a session", "slot": slot})
