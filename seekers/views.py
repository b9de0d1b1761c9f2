from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from peersnet.kernel import crisis_resources

from .decorators import seeker_required
from .forms import IntakeForm
from .services import intake_has_crisis_language, intake_save


@require_http_methods(["GET", "POST"])
@seeker_required
def intake_view(request: HttpRequest) -> HttpResponse:
    """The intake form, requested after the first booking request and needed before the first session.
    Answers with crisis language are saved as any others, and the next page shows the crisis resources."""
    intake = getattr(request.seeker, "intake", None)
    form = IntakeForm(
        request.POST if request.method == "POST" else None,
        instance=intake,
        initial=None if intake else {"preferred_name": request.user.first_name},
    )
    if request.method == "POST" and form.is_valid():
        answers = {k: v for k, v in form.cleaned_data.items() if k != "acknowledge"}
        intake = intake_save(seeker=request.seeker, answers=answers)
        messages.success(request, "Thank you. Your intake is saved.")
        if intake_has_crisis_language(intake):  # saved all the same; the next page shows the resources
            crisis_resources.show_after_redirect(request, "intake")
        next_url = request.GET.get("next", "")
        if url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
            return redirect(next_url)
        return redirect("bookings:portal")
    return render(request, "seekers/intake.html", {"title": "Before your first session", "form": form})
