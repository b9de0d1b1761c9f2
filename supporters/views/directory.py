"""Public views: the directory, next available sessions, a supporter's profile. (Being built.)"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET


@require_GET
def directory_view(request: HttpRequest) -> HttpResponse:
    return render(request, "supporters/directory.html", {"title": "Find a supporter"})


@require_GET
def next_available_view(request: HttpRequest) -> HttpResponse:
    return render(request, "supporters/directory.html", {"title": "Find a supporter"})


@require_GET
def profile_view(request: HttpRequest, supporter_id: int) -> HttpResponse:
    return render(request, "supporters/directory.html", {"title": "Find a supporter"})
