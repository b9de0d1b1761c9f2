from django.conf import settings


def site(request):
    """Constants every page shows: the crisis line, support hours, the session price."""
    return {
        "CRISIS_LINE": settings.CRISIS_LINE,
        "EMERGENCY_NUMBER": settings.EMERGENCY_NUMBER,
        "SUPPORT_HOURS": settings.SUPPORT_HOURS,
        "SUPPORT_EMAIL": settings.SUPPORT_EMAIL,
        "SESSION_PRICE_CENTS": settings.SESSION_PRICE_CENTS,
        "SESSION_MINUTES": settings.SESSION_MINUTES,
    }
