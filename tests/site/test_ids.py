"""Ids from input are parsed and range-checked by one parser (issue 9, black-box defect 3).

``POST /supporters/me/profile/`` and its preview answered 500 (OverflowError on PostgreSQL) for a tag id
of 2^63 or more: Django's forms and its ``int`` URL converter accept any size of integer, and the
database cannot compare it with a bigint. Every id from a URL, a form or a query string now goes through
``peersnet.kernel.ids``: a bad one is a clear form error or a 404, changes nothing, and is never a 500.
These run on SQLite and on PostgreSQL (where the overflow happened).
"""

import datetime as dt
import re

import pytest
import time_machine
from allauth.mfa.totp.internal.auth import TOTP
from django import forms
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.converters import IntConverter
from django.urls.exceptions import Resolver404

from bookings.models import Booking
from payments.models import Payment
from peersnet.kernel.ids import MAX_ID, IdConverter, IdModelChoiceField, IdModelMultipleChoiceField, parse_id
from supporters.models import Slot, SupporterProfile, Tag
from tests.factories import BookingFactory, SlotFactory, StaffFactory, SupporterFactory, TagFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 24, 18, 0, tzinfo=dt.UTC)  # a Tuesday, 10:00 in Los Angeles

# Values that are not an id of any row: too big for a bigint, zero, signed, spaced, decimal, non-ASCII
# digits (which str.isdigit() and int() both accept), empty, words.
TOO_BIG = [str(2**63), str(2**64), "9" * 30, "1" + "0" * 5000]
MALFORMED = ["0", "00", "007", "-1", "+1", " 1", "1 ", "1\n", "1.0", "1e3", "0x10", "١", "²", "", "abc"]
NOT_IDS = TOO_BIG + MALFORMED


def label(value) -> str:
    """A short, printable test id for a value (one of them has 5,001 digits)."""
    text = repr(value)
    return text if len(text) <= 24 else f"{text[:12]}…{len(str(value))}chars"


@pytest.fixture(autouse=True)
def frozen_time():
    with time_machine.travel(NOW, tick=False):
        yield


# --- The parser --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "expected"), [("1", 1), ("42", 42), (str(MAX_ID), MAX_ID), (7, 7)])
def test_parse_id_accepts_positive_ids_up_to_the_bigint_maximum(value, expected):
    assert parse_id(value) == expected


@pytest.mark.parametrize("value", [*NOT_IDS, 0, -1, 2**63, True, None, 1.0, b"1", ["1"]], ids=label)
def test_parse_id_refuses_everything_else(value):
    assert parse_id(value) is None


def test_parse_id_largest_is_the_bigint_maximum():
    assert MAX_ID == 2**63 - 1


@pytest.mark.parametrize("value", NOT_IDS, ids=label)
def test_id_form_fields_give_a_form_error_for_a_bad_id(value):
    tag = TagFactory()

    class Form(forms.Form):
        one = IdModelChoiceField(queryset=Tag.objects.all())
        many = IdModelMultipleChoiceField(queryset=Tag.objects.all())

    form = Form({"one": value, "many": [str(tag.pk), value]})
    assert not form.is_valid()
    assert set(form.errors) == {"one", "many"}
    good = Form({"one": str(tag.pk), "many": [str(tag.pk)]})
    assert good.is_valid(), good.errors
    assert (good.cleaned_data["one"], list(good.cleaned_data["many"])) == (tag, [tag])


# --- The profile form and its preview (the reported 500) ---------------------------------------------


@pytest.fixture
def supporter_client(client):
    supporter = SupporterFactory(display_name="Robin", intro="Hello there.")
    TOTP.activate(supporter.user, "JBSWY3DPEHPK3PXP")
    client.force_login(supporter.user)
    client.supporter = supporter
    return client


def profile_data(supporter: SupporterProfile, tags: list) -> dict:
    return {
        "display_name": "Changed",
        "pronouns": "",
        "intro": "Changed too.",
        "story": "",
        "time_zone": supporter.time_zone,
        "tags": tags,
    }


@pytest.mark.parametrize("value", NOT_IDS, ids=label)
def test_profile_with_a_bad_tag_id_is_a_form_error_and_saves_nothing(supporter_client, value):
    supporter = supporter_client.supporter
    kept = TagFactory(name="Grief")
    supporter.tags.set([kept])
    before = SupporterProfile.objects.values().get(pk=supporter.pk)

    response = supporter_client.post("/supporters/me/profile/", profile_data(supporter, [kept.pk, value]))

    assert response.status_code == 200
    assert "One of the choices is no longer available" in str(response.context["form"].errors["tags"])
    assert SupporterProfile.objects.values().get(pk=supporter.pk) == before
    assert list(supporter.tags.all()) == [kept]


@pytest.mark.parametrize("value", NOT_IDS, ids=label)
def test_profile_preview_with_a_bad_tag_id_answers_and_saves_nothing(supporter_client, value):
    supporter = supporter_client.supporter
    kept = TagFactory(name="Grief")
    supporter.tags.set([kept])
    data = profile_data(supporter, [kept.pk, value])
    for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
        response = supporter_client.post("/supporters/me/profile/preview/", data, **headers)
        assert response.status_code == 200
        assert "Changed too." in response.content.decode()
    supporter.refresh_from_db()
    assert (supporter.display_name, list(supporter.tags.all())) == ("Robin", [kept])


# --- URLs: one converter for every id in a path ---------------------------------------------------------


def all_routes(patterns=None, prefix="/"):
    """(route, URLPattern) of every URL the site answers, found by walking the URL conf."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from all_routes(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            yield route, pattern


def converters_of(pattern: URLPattern) -> list:
    return list(pattern.pattern.converters.values())


def id_routes() -> list[tuple[str, object]]:
    """(route, view) of every URL pattern with an ``<id:…>`` part."""
    return [
        (route, pattern.callback)
        for route, pattern in all_routes()
        if any(isinstance(c, IdConverter) for c in converters_of(pattern))
    ]


def fill(route: str, value: str) -> str:
    path = re.sub(r"<id:[a-z_]+>", lambda _match: value, route)
    assert "<" not in path, route
    return path


def test_every_id_in_our_urls_uses_the_id_converter():
    routes = [route for route, _view in id_routes()]
    for expected in (
        "/book/<id:slot_id>/",
        "/sessions/<id:booking_id>/",
        "/sessions/<id:booking_id>/pay/check/",
        "/supporters/<id:supporter_id>/",
        "/supporters/me/availability/<id:rule_id>/delete/",
        "/supporters/me/time-off/<id:time_off_id>/delete/",
        "/supporters/me/leave/<id:leave_id>/end/",
        "/admin/giftcards/gift/<id:gift_id>/recipient/",
        "/admin/payments/payment/<id:payment_id>/refund/",
    ):
        assert expected in routes
    # Django's own int converter remains only in Django's own views (the admin's "view on site").
    leftovers = [
        route
        for route, pattern in all_routes()
        if any(isinstance(c, IntConverter) for c in converters_of(pattern))
        and not pattern.callback.__module__.startswith("django.")
    ]
    assert leftovers == []


@pytest.mark.parametrize("value", [v for v in NOT_IDS if v and v.strip() == v], ids=label)
def test_every_id_url_refuses_a_bad_id(value):
    for route, view in id_routes():
        path = fill(route, value)
        try:
            match = resolve(path)
        except Resolver404:
            match = None
        assert match is None or match.func is not view, path  # never reaches the view
        assert resolve(fill(route, "1")).func is view


@pytest.mark.parametrize("value", [v for v in NOT_IDS if v.isascii() and v.isdigit()], ids=label)
def test_every_id_url_answers_a_bad_id_with_not_found(client, value):
    """Digits are what reach the converter (anything else fails its pattern): never a server error,
    whoever asks, however they ask."""
    staff = StaffFactory(is_superuser=True)
    TOTP.activate(staff, "JBSWY3DPEHPK3PXP")
    for user in (None, staff):
        if user:
            client.force_login(user)
        for route, _view in id_routes():
            path = fill(route, value)
            for method in (client.get, client.post):
                status = method(path).status_code
                if route.startswith("/admin/"):  # the admin's catch-all sends it to the index or to log in
                    assert status in (302, 404), (path, status)
                else:
                    assert status == 404, (path, status)


# --- Other places ids come from input ------------------------------------------------------------------


@pytest.fixture
def seeker_booking(client):
    booking = BookingFactory(status=Booking.Status.CONFIRMED, hours_ahead=72)
    client.force_login(booking.seeker.user)
    return booking


@pytest.mark.parametrize("value", NOT_IDS, ids=label)
def test_reschedule_with_a_bad_slot_id_is_a_form_error_and_moves_nothing(client, seeker_booking, value):
    other = SlotFactory(supporter=seeker_booking.supporter, start=seeker_booking.start + dt.timedelta(days=1))
    response = client.post(f"/sessions/{seeker_booking.pk}/reschedule/", {"slot": value})
    assert response.status_code == 200
    unavailable = "That time isn't available any more. Please pick another."
    expected = "This field is required." if value == "" else unavailable
    assert response.context["form"].errors["slot"] == [expected]
    seeker_booking.refresh_from_db()
    assert seeker_booking.slot_id != other.pk
    assert Slot.objects.get(pk=other.pk).status == Slot.Status.OPEN


@pytest.mark.parametrize("value", NOT_IDS, ids=label)
def test_payment_check_with_a_bad_payment_id_is_not_found(client, seeker_booking, value):
    response = client.post(f"/sessions/{seeker_booking.pk}/pay/check/", {"payment": value})
    assert response.status_code == 404
    assert not Payment.objects.exists()


@pytest.mark.parametrize("value", NOT_IDS, ids=label)
def test_admin_tag_filter_with_a_bad_id_lists_and_never_fails(client, value):
    staff = StaffFactory(is_superuser=True)
    TOTP.activate(staff, "JBSWY3DPEHPK3PXP")
    client.force_login(staff)
    SupporterFactory(tags=[TagFactory()])
    response = client.get("/admin/supporters/supporterprofile/", {"tag": value})
    assert response.status_code in (200, 302)


@pytest.fixture
def staff_client(client):
    staff = StaffFactory(is_superuser=True)
    TOTP.activate(staff, "JBSWY3DPEHPK3PXP")  # the admin opens only with two-factor set up
    client.force_login(staff)
    return client


@pytest.mark.parametrize("value", TOO_BIG + ["0", "-1", "١", "abc"], ids=label)
def test_admin_supporter_form_with_a_bad_tag_or_user_id_is_a_form_error(staff_client, value):
    from tests.supporters.test_admin import change_data  # the admin form as a browser posts it

    kept = TagFactory(name="Grief")
    supporter = SupporterFactory(display_name="Robin", tags=[kept])
    url = f"/admin/supporters/supporterprofile/{supporter.pk}/change/"
    for changes in ({"tags": [kept.pk, value]}, {"user": value}):
        response = staff_client.post(url, change_data(supporter, display_name="Changed", **changes))
        assert response.status_code == 200
        assert set(response.context["adminform"].form.errors) == set(changes)
    supporter.refresh_from_db()
    assert (supporter.display_name, list(supporter.tags.all())) == ("Robin", [kept])


@pytest.mark.parametrize("value", TOO_BIG + ["0", "-1", "١", "abc"], ids=label)
def test_admin_user_form_with_a_bad_group_id_is_a_form_error(staff_client, value):
    user = StaffFactory(first_name="Sam")
    response = staff_client.post(
        f"/admin/accounts/user/{user.pk}/change/",
        {
            "email": user.email,
            "first_name": "Changed",
            "time_zone": user.time_zone,
            "is_active": "on",
            "groups": [value],
            "date_joined_0": "2026-11-24",
            "date_joined_1": "10:00:00",
        },
    )
    assert response.status_code == 200
    assert "groups" in response.context["adminform"].form.errors
    user.refresh_from_db()
    assert user.first_name == "Sam"
