"""Waitlist pages: join (or change) a supporter's list, the lists you're on, and leave in one click, from
the site or from the email's link (which works signed out). Thin: a form, one service call, a message."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from peersnet.kernel.htmx import redirect_page
from seekers.decorators import seeker_required
from supporters.models import SupporterProfile
from supporters.selectors import supporter_get_listed

from . import selectors, services
from .forms import WaitlistForm
from .models import WaitlistEntry


@require_http_methods(["GET", "POST"])
@seeker_required
def join_view(request: HttpRequest, supporter_id: int) -> HttpResponse:
    """ "Tell me when Ana has a time": the days and hours that suit the seeker, in their zone."""
    try:
        supporter = supporter_get_listed(supporter_id=supporter_id)
    except SupporterProfile.DoesNotExist:
        raise Http404("No supporter here.") from None
    entry = selectors.entry_get_waiting(seeker=request.seeker, supporter_id=supporter.pk)
    initial = (
        {
            "weekdays": [str(d) for d in entry.days],
            "from_hour": entry.from_hour,
            "until_hour": entry.until_hour,
        }
        if entry
        else {"weekdays": ["0", "1", "2", "3", "4"]}
    )
    form = WaitlistForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.waitlist_join(
                seeker=request.seeker,
                supporter_id=supporter.pk,
                weekdays=form.cleaned_data["weekdays"],
                from_hour=form.cleaned_data["from_hour"],
                until_hour=form.cleaned_data["until_hour"],
            )
        except services.WaitlistError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                f"You're on {supporter.display_name}'s waitlist. When a time that suits you opens, "
                "we'll email you and hold it for you for a while.",
            )
            return redirect_page(request, "waitlist:mine")
    return render(
        request,
        "waitlist/join.html",
        {
            "title": f"Tell me when {supporter.display_name} has a time",
            "supporter": supporter,
            "entry": entry,
            "form": form,
            "hold_hours": services.hold_hours(),
        },
    )


@require_GET
@seeker_required
def mine_view(request: HttpRequest) -> HttpResponse:
    """The lists the seeker is on, a time held for them, and a Leave button for each."""
    return render(
        request,
        "waitlist/mine.html",
        {"title": "Your waitlists", "entries": list(selectors.entry_list_waiting(seeker=request.seeker))},
    )


@require_POST
@seeker_required
def leave_view(request: HttpRequest, entry_id: int) -> HttpResponse:
    """Leave one list in one click (the seeker's own entry; anyone else's is a 404)."""
    entry = get_object_or_404(
        WaitlistEntry.objects.select_related("supporter"), pk=entry_id, seeker=request.seeker
    )
    services.waitlist_leave(entry_id=entry.pk, seeker=request.seeker)
    messages.success(request, f"You left {entry.supporter.display_name}'s waitlist.")
    return redirect_page(request, "waitlist:mine")


@require_http_methods(["GET", "POST"])
def leave_link_view(request: HttpRequest, token: str) -> HttpResponse:
    """The email's link: one button to leave, signed in or not (the signed token says which list). A GET
    changes nothing, so a mail scanner opening the link can't take anyone off a list."""
    entry = services.entry_from_leave_token(token)
    if entry is None:
        raise Http404("No such waitlist.")
    left = entry.status != WaitlistEntry.Status.WAITING
    if request.method == "POST" and not left:
        entry = services.waitlist_leave(entry_id=entry.pk)
        left = True
        messages.success(request, f"You left {entry.supporter.display_name}'s waitlist.")
    return render(
        request,
        "waitlist/leave.html",
        {"title": "Leave the waitlist", "entry": entry, "left": left, "token": token},
    )
