"""Site-wide views: the public pages. The health probes are in ``health/``."""

import logging

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from peersnet.kernel.http_cache import public_page

logger = logging.getLogger(__name__)

# URL name -> (path, title). The template is pages/<name>.html; the URL name is "pages:<name>".
# "pages:become_a_supporter" is not static: it shows the training cohorts (workforce.views.training).
PAGES: dict[str, tuple[str, str]] = {
    "how_it_works": ("how-it-works/", "How it works"),
    "pricing": ("pricing/", "Pricing"),
    "faq": ("faq/", "Questions from seekers"),
    "faq_supporters": ("faq/supporters/", "Questions from supporters"),
    "faq_gifts": ("faq/gifts/", "Questions about gift sessions"),
    "crisis": ("crisis/", "Crisis resources"),
    "contact": ("contact/", "Contact us"),
    "privacy": ("privacy/", "Privacy"),
    "terms": ("terms/", "Terms of use"),
}


@require_GET
@public_page
def home_view(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/home.html", {"title": "Peer support from people who have been there"})


@require_GET
@public_page
def page_view(request: HttpRequest, name: str) -> HttpResponse:
    if name not in PAGES:
        raise Http404
    return render(request, f"pages/{name}.html", {"title": PAGES[name][1]})
