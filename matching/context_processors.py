from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject


def suggested(request: HttpRequest) -> dict:
    """``SUGGESTED_FOR_YOU``: the viewer's saved suggestions as they stand now, for the top of the
    directory (supporters can't import matching). Lazy: no query unless a template reads it, and none for
    a visitor who never took the questionnaire."""

    def load():
        # Imported when first read: context processors load with the settings, before the apps.
        from .selectors import suggestion_list_saved
        from .views import _viewer_answers

        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not hasattr(user, "seeker"):
            return []
        return suggestion_list_saved(_viewer_answers(request), user=user)

    return {"SUGGESTED_FOR_YOU": SimpleLazyObject(load)}
