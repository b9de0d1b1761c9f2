from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject


def unread(request: HttpRequest) -> dict:
    """``MESSAGES_UNREAD``: the signed-in person's unread count (the portal's Messages link);
    ``IS_SUPERVISOR`` for the admin's link to the supervisors' messages page. Lazy: a page that doesn't
    show them costs nothing. (The header's count is fetched by htmx from ``messaging:unread``.)"""

    def count() -> int:
        from .selectors import unread_total  # selectors import models: only once apps are ready

        user = getattr(request, "user", None)
        return unread_total(user=user) if user is not None else 0

    def supervisor() -> bool:
        from privacy.roles import is_supervisor

        user = getattr(request, "user", None)
        return bool(user is not None and is_supervisor(user))

    return {"MESSAGES_UNREAD": SimpleLazyObject(count), "IS_SUPERVISOR": SimpleLazyObject(supervisor)}
