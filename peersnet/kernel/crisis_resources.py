"""Showing the crisis resources to someone whose words just matched the crisis phrase list.

A view that saved the text calls ``show_after_redirect(request, what)`` before redirecting (post/redirect/
get): the next full page pops the mark and shows ``includes/crisis_resources.html`` at the top of its main
content (base.html, through the ``crisis_resources`` context processor). An htmx answer renders the same
include itself, out of band, in the same response. Nothing is blocked: the text was already saved.
"""

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

SESSION_KEY = "crisis_resources"
KINDS = {"message": "Your message was sent.", "intake": "Your answers are saved."}


def show_after_redirect(request: HttpRequest, what: str) -> None:
    """The next full page this person sees shows the crisis resources (``what``: "message" or "intake")."""
    request.session[SESSION_KEY] = what if what in KINDS else "message"


def context_processor(request: HttpRequest) -> dict:
    """``CRISIS_RESOURCES``: the sentence about what was saved, once, on the first full page that shows it
    (lazy: a fragment that never reads it leaves the mark for the next page); "" otherwise."""

    def pop() -> str:
        session = getattr(request, "session", None)
        if session is None or settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return ""  # no session yet: nothing to show, and a cacheable public page stays cacheable
        if SESSION_KEY not in session:
            return ""
        return KINDS.get(session.pop(SESSION_KEY), "")

    return {"CRISIS_RESOURCES": SimpleLazyObject(pop)}
