"""Public views: the directory, next available sessions, a supporter's profile. Anyone may see them.

Each URL serves its full page, or (for an htmx request) just the region htmx swaps in. Every filter,
page and week lives in the URL, so links can be shared and everything works without JavaScript.
Odd parameters are ignored or clamped, never an error page.
"""

from zoneinfo import ZoneInfo

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from peersnet.kernel.htmx import render_page_or_fragment

from ..forms_directory import DirectoryFilterForm
from ..models import SupporterProfile
from ..selectors import (
    clamp_week,
    slot_list_for_week,
    slot_list_next_available,
    slots_by_local_day,
    supporter_get_listed,
    supporter_ids_hidden_from,
    supporter_page_directory,
    supporter_tags_by_kind,
    tag_list_for_filters,
)


def _viewer_tz() -> ZoneInfo:
    # TimezoneMiddleware has activated the viewer's zone (account, else the browser's tz cookie).
    return timezone.get_current_timezone()


def _viewer_can_book(request: HttpRequest) -> bool:
    """Signed-out visitors (booking sends them to log in or sign up) and seekers can book; supporters and
    staff can't, so they see open times without a booking link. The lookup is cached on the user object,
    where the header reads it too."""
    user = request.user
    return not user.is_authenticated or hasattr(user, "seeker")


def _filter_form(request: HttpRequest) -> DirectoryFilterForm:
    tags = tag_list_for_filters()
    return DirectoryFilterForm.from_query(request.GET, tags=tags)


def _page_number(raw: str | None) -> int:
    """The requested page number; anything that is not a whole number means page 1. The selector
    clamps it to the pages there are."""
    try:
        return max(1, int((raw or "").strip()[:9]))
    except ValueError:
        return 1


def _join(query: str, **extra: int | str) -> str:
    parts = [query] if query else []
    parts += [f"{key}={value}" for key, value in extra.items() if value != ""]
    return "?" + "&".join(parts) if parts else ""


# From this page on, "Next" carries a cursor (the keyset of the last row shown), so a deep page is an
# index range instead of an OFFSET that walks every row before it. The first pages are cheap either way
# and keep short links.
KEYSET_FROM_PAGE = 4


def _cursor(page) -> dict[str, str]:
    """``after=`` for the next page's link, when that page is deep enough to need it. The link still says
    its page number, so it works when the cursor no longer does (it is from another day: page 1)."""
    if page.number + 1 >= KEYSET_FROM_PAGE and page.next_cursor:
        return {"after": page.next_cursor}
    return {}


@require_GET
def directory_view(request: HttpRequest) -> HttpResponse:
    form = _filter_form(request)
    filters = form.to_filters()
    page = supporter_page_directory(
        filters=filters,
        viewer_tz=_viewer_tz(),
        page=_page_number(request.GET.get("page")),
        exclude_ids=supporter_ids_hidden_from(user=request.user),
        after=request.GET.get("after", "")[:100],
    )
    query = filters.querystring()
    context = {
        "title": "Find a supporter",
        "form": form,
        "filters": filters,
        "page": page,
        "filter_query": _join(query),
        "previous_url": _join(query, page=page.number - 1) if page.has_previous else "",
        "next_url": _join(query, page=page.number + 1, **_cursor(page)) if page.has_next else "",
    }
    return render_page_or_fragment(request, "supporters/directory.html", "results", context)


@require_GET
def next_available_view(request: HttpRequest) -> HttpResponse:
    form = _filter_form(request)
    filters = form.to_filters()
    tz = _viewer_tz()
    slots = slot_list_next_available(
        filters=filters, viewer_tz=tz, exclude_ids=supporter_ids_hidden_from(user=request.user)
    )
    context = {
        "title": "Next available sessions",
        "filters": filters,
        "chosen": form.chosen_labels(),
        "days": slots_by_local_day(slots, viewer_tz=tz),
        "slot_count": len(slots),
        "filter_query": _join(filters.querystring()),
        "viewer_can_book": _viewer_can_book(request),
    }
    return render(request, "supporters/next_available.html", context)


@require_GET
def profile_view(request: HttpRequest, supporter_id: int) -> HttpResponse:
    try:
        supporter = supporter_get_listed(
            supporter_id=supporter_id, exclude_ids=supporter_ids_hidden_from(user=request.user)
        )
    except SupporterProfile.DoesNotExist:
        raise Http404("No supporter here.") from None
    week = slot_list_for_week(
        supporter=supporter, week=clamp_week(request.GET.get("week")), viewer_tz=_viewer_tz()
    )
    context = {
        "title": supporter.display_name,
        "supporter": supporter,
        "tag_groups": supporter_tags_by_kind(supporter=supporter),
        "week": week,
        "viewer_can_book": _viewer_can_book(request),
    }
    return render_page_or_fragment(request, "supporters/profile.html", "week", context)
