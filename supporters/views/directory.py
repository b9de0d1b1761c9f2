"""Public views: the directory, next available sessions, a supporter's profile. Anyone may see them.

Each URL serves its full page, or (for an htmx request) just the region htmx swaps in. Every filter,
page and week lives in the URL, so links can be shared and everything works without JavaScript.
Odd parameters are ignored or clamped, never an error page.
"""

from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from peersnet.kernel.htmx import render_page_or_fragment, wants_fragment
from peersnet.kernel.http_cache import public_page

from .. import directory_cache
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
    supporter_topic_tags_attach,
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
    tags = directory_cache.filter_tags(tag_list_for_filters)
    return DirectoryFilterForm.from_query(request.GET, tags=tags)


def _filters_html(form: DirectoryFilterForm, filters) -> str:
    """The filter form as HTML, from the cache when these filters were rendered with these tags before.
    It depends on nothing but the filters chosen and the tags offered (no user, no zone, no token: the
    form is a GET)."""
    key = directory_cache.filters_key(querystring=filters.querystring(), tags=form.tags)
    html = directory_cache.get(key)
    if html is None:
        html = render_to_string("supporters/directory.html#filters", {"form": form, "filters": filters})
        directory_cache.put(key, html)
    return mark_safe(html)  # noqa: S308 (our own template's output, escaped when rendered)


def _same_for_every_visitor(request: HttpRequest) -> bool:
    """Signed out, without a session and without a message waiting: the whole directory page is the same
    for everyone asking for these filters and page in this zone."""
    return (
        not request.user.is_authenticated
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and CookieStorage.cookie_name not in request.COOKIES
    )


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


def _cards(supporters: list[SupporterProfile], *, zone: str) -> list[str]:
    """The directory cards of these supporters (read without their topic tags), from the cache where their
    version, the common epoch, the viewer's zone and their next open time match (one round trip for the
    versions and the common epoch, one for the cards); the others get their topic tags (one query for
    them all) and are rendered. After a booking, that is one card, not twelve."""
    if not directory_cache.enabled():
        supporter_topic_tags_attach(supporters)
        return [_card(supporter) for supporter in supporters]
    versions, common = directory_cache.card_versions(s.pk for s in supporters)
    keys = [
        directory_cache.card_key(
            supporter_id=s.pk, version=versions[s.pk], common=common, zone=zone, next_open=s.next_open
        )
        for s in supporters
    ]
    found = directory_cache.get_many(keys)
    missing = [s for s, key in zip(supporters, keys, strict=True) if key not in found]
    supporter_topic_tags_attach(missing)
    new = {}
    cards = []
    for supporter, key in zip(supporters, keys, strict=True):
        html = found.get(key)
        if html is None:
            html = new[key] = _card(supporter)
        cards.append(mark_safe(html))  # noqa: S308 (our own template's output, escaped when rendered)
    directory_cache.put_many(new)
    return cards


def _card(supporter: SupporterProfile) -> str:
    html = render_to_string(
        "supporters/_card.html", {"supporter": supporter, "link": True, "show_no_times": True}
    )
    return mark_safe(html)  # noqa: S308 (our own template's output, escaped when rendered)


def _results(request: HttpRequest, filters, page_number: int, zone: str, after: str) -> str:
    """The directory's results region (heading, cards, pager) as HTML. The signed-out one is the same for
    everyone with these filters, page, cursor and zone, so it is kept in the cache
    (supporters/directory_cache.py); a signed-in one (which leaves out the supporters this person must
    not see) is always rendered afresh."""
    now = timezone.now()
    key = None
    if not request.user.is_authenticated and directory_cache.enabled():
        key = directory_cache.results_key(
            querystring=_join(filters.querystring(), after=after), page=page_number, zone=zone, now=now
        )
        html = directory_cache.get(key)
        if html is not None:
            return html
    page = supporter_page_directory(
        filters=filters,
        viewer_tz=_viewer_tz(),
        page=page_number,
        after=after,
        now=now,
        exclude_ids=supporter_ids_hidden_from(user=request.user),
        with_topic_tags=False,  # _cards reads them for the cards it renders
    )
    query = filters.querystring()
    html = render_to_string(
        "supporters/directory.html#results",
        {
            "filters": filters,
            "page": page,
            "cards": _cards(page.supporters, zone=zone),
            "filter_query": _join(query),
            "previous_url": _join(query, page=page.number - 1) if page.has_previous else "",
            "next_url": _join(query, page=page.number + 1, **_cursor(page)) if page.has_next else "",
        },
    )
    if key is not None:
        directory_cache.put(key, html)
    return html


@require_GET
@public_page
def directory_view(request: HttpRequest) -> HttpResponse:
    form = _filter_form(request)
    filters = form.to_filters()
    zone = timezone.get_current_timezone_name()
    page_number = _page_number(request.GET.get("page"))
    after = request.GET.get("after", "")[:100]
    fragment = wants_fragment(request)
    page_key = None
    if not fragment and _same_for_every_visitor(request) and directory_cache.enabled():
        page_key = directory_cache.results_key(
            querystring=_join(filters.querystring(), after=after),
            page=page_number,
            zone=zone,
            now=timezone.now(),
            whole_page=True,
        )
        html = directory_cache.get(page_key)
        if html is not None:
            response = HttpResponse(html)
            patch_vary_headers(response, ["HX-Request"])
            return response
    results = mark_safe(_results(request, filters, page_number, zone, after))  # noqa: S308 (our template, see _results)
    if fragment:
        response = HttpResponse(results)
    else:
        context = {
            "title": "Find a supporter",
            "filters_html": _filters_html(form, filters),
            "filters": filters,
            "results": results,
        }
        response = render(request, "supporters/directory.html", context)
        if page_key is not None:
            directory_cache.put(page_key, response.content.decode())
    patch_vary_headers(response, ["HX-Request"])
    return response


_ID = 987654321  # stands for an id in a reversed URL, replaced per row (one reverse per page, not per row)


def _link(slots) -> None:
    """Give each slot its profile and booking links (next available shows up to 20 slots and a profile's
    week often 30 or more: reversing URLs for each was a fifth of the page's time)."""
    profile = reverse("supporters:profile", args=[_ID])
    book = reverse("bookings:request", args=[_ID])
    for slot in slots:
        slot.profile_url = profile.replace(str(_ID), str(slot.supporter_id))
        slot.book_url = book.replace(str(_ID), str(slot.pk))


@require_GET
@public_page
def next_available_view(request: HttpRequest) -> HttpResponse:
    form = _filter_form(request)
    filters = form.to_filters()
    tz = _viewer_tz()
    page_key = None
    if _same_for_every_visitor(request) and directory_cache.enabled():
        # The same for every signed-out visitor with these filters in this zone, until the directory
        # changes (any slot taken or freed bumps the generation) or the quarter hour turns.
        page_key = directory_cache.results_key(
            querystring="next-available" + _join(filters.querystring()),
            page=1,
            zone=timezone.get_current_timezone_name(),
            now=timezone.now(),
            whole_page=True,
        )
        html = directory_cache.get(page_key)
        if html is not None:
            return HttpResponse(html)
    slots = slot_list_next_available(
        filters=filters, viewer_tz=tz, exclude_ids=supporter_ids_hidden_from(user=request.user)
    )
    _link(slots)
    context = {
        "title": "Next available sessions",
        "filters": filters,
        "chosen": form.chosen_labels(),
        "days": slots_by_local_day(slots, viewer_tz=tz),
        "slot_count": len(slots),
        "filter_query": _join(filters.querystring()),
        "viewer_can_book": _viewer_can_book(request),
    }
    response = render(request, "supporters/next_available.html", context)
    if page_key is not None:
        directory_cache.put(page_key, response.content.decode())
    return response


@require_GET
@public_page
def profile_view(request: HttpRequest, supporter_id: int) -> HttpResponse:
    week_number = clamp_week(request.GET.get("week"))
    shared = _same_for_every_visitor(request) and directory_cache.enabled()
    page_key = None
    if shared:
        # Kept under the supporter's version (a known one only: unknown ids never fill the cache).
        page_key = _profile_key(request, supporter_id, week_number, directory_cache.version(supporter_id))
        html = directory_cache.get(page_key) if page_key else None
        if html is not None:
            response = HttpResponse(html)
            patch_vary_headers(response, ["HX-Request"])
            return response
    try:
        supporter = supporter_get_listed(
            supporter_id=supporter_id, exclude_ids=supporter_ids_hidden_from(user=request.user)
        )
    except SupporterProfile.DoesNotExist:
        raise Http404("No supporter here.") from None
    week = slot_list_for_week(supporter=supporter, week=week_number, viewer_tz=_viewer_tz())
    _link(slot for day in week.days for slot in day.slots)
    context = {
        "title": supporter.display_name,
        "supporter": supporter,
        "tag_groups": supporter_tags_by_kind(supporter=supporter),
        "week": week,
        "viewer_can_book": _viewer_can_book(request),
    }
    response = render_page_or_fragment(request, "supporters/profile.html", "week", context)
    if shared and response.status_code == 200:
        version = directory_cache.versions([supporter.pk])[supporter.pk]
        directory_cache.put(
            _profile_key(request, supporter.pk, week_number, version), response.content.decode()
        )
    return response


def _profile_key(request: HttpRequest, supporter_id: int, week: int, version: int | None) -> str | None:
    if version is None:
        return None
    return directory_cache.profile_key(
        supporter_id=supporter_id,
        version=version,
        week=week,
        fragment=wants_fragment(request),
        zone=timezone.get_current_timezone_name(),
        now=timezone.now(),
    )
