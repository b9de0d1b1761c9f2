"""workforce's reads worth naming."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from accounts.models import User
from bookings.models import Booking

from ..models import Application, ApplicationEvent
from ..stages import Stage


def application_get_for_user(*, user: User) -> Application | None:
    """The person's own application (one per person), with its consent, or None."""
    if not user.is_authenticated:
        return None
    return (
        Application.objects.select_related("consent", "peer_session_booking__supporter")
        .filter(user=user)
        .first()
    )


def application_events_for_applicant(*, application: Application) -> QuerySet[ApplicationEvent]:
    return application.events.order_by("at", "pk")


def booking_list_for_peer_session(*, user: User) -> QuerySet[Booking]:
    """The person's own sessions that took place (as a seeker): what they may link as their free peer
    support session."""
    return (
        Booking.objects.filter(
            seeker__user=user, status__in=[Booking.Status.COMPLETED, Booking.Status.REFUNDED]
        )
        .select_related("supporter")
        .order_by("-start")
    )


def application_counts_by_stage() -> list[tuple[Stage, int]]:
    """Every stage with how many applications are at it (one query), in path order."""
    counts = dict(Application.objects.values_list("stage").annotate(n=Count("pk")).order_by())
    return [(stage, counts.get(stage.value, 0)) for stage in Stage]
