from django.test import RequestFactory
from django.urls import reverse
from django_htmx.middleware import HtmxDetails

from peersnet.kernel.htmx import redirect_page, wants_fragment


def _request(**headers):
    request = RequestFactory().post("/somewhere/", **headers)
    request.htmx = HtmxDetails(request)
    return request


def test_redirect_page_is_a_302_without_htmx_and_a_client_redirect_with_it():
    plain = redirect_page(_request(), "pages:contact")
    assert (plain.status_code, plain["Location"]) == (302, reverse("pages:contact"))
    htmx = redirect_page(_request(HTTP_HX_REQUEST="true"), "pages:contact")
    assert (htmx.status_code, htmx["HX-Redirect"]) == (200, reverse("pages:contact"))


def test_wants_fragment_except_for_a_history_restore():
    assert not wants_fragment(_request())
    assert wants_fragment(_request(HTTP_HX_REQUEST="true"))
    assert not wants_fragment(_request(HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"))


def test_render_page_or_fragment_serves_both_and_varies_on_hx_request(client, db):
    page = client.get(reverse("supporters:directory"))
    fragment = client.get(reverse("supporters:directory"), HTTP_HX_REQUEST="true")
    assert page.status_code == fragment.status_code == 200
    assert "HX-Request" in page["Vary"] and "HX-Request" in fragment["Vary"]
    assert "<html" in page.content.decode() and "<html" not in fragment.content.decode()
