"""Safety plan pages: who gets which page (404 for everyone else), writing and the conflict message,
bad input, supervisors' reads in the access log, the print view and the PDF, the pinned link on the
portal and the session page, and query counts."""

import datetime as dt
import re
import zlib

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from privacy.models import AccessLog
from safety import services
from safety.models import SafetyPlan, SafetyPlanVersion
from safety.models.plans import PLAN_SECTIONS

from .plan_helpers import form_data, plan_world, sections

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 30, 18, 0, tzinfo=dt.UTC)
SECRET_TEXT = "Private-plan-words"


@pytest.fixture
def world():
    with time_machine.travel(NOW, tick=False):
        world = plan_world()
        services.plan_save(
            seeker=world.seeker,
            author=world.seeker.user,
            author_role="seeker",
            sections=sections(warning_signs=SECRET_TEXT, reasons="My sister"),
            base_version=0,
            now=timezone.now(),
        )
        yield world


def urls(seeker_id):
    return {
        "plan": reverse("safety:plan", args=[seeker_id]),
        "edit": reverse("safety:plan_edit", args=[seeker_id]),
        "versions": reverse("safety:plan_versions", args=[seeker_id]),
        "version": reverse("safety:plan_version", args=[seeker_id, 1]),
        "print": reverse("safety:plan_print", args=[seeker_id]),
        "pdf": reverse("safety:plan_pdf", args=[seeker_id]),
    }


# page -> who gets it (200); everyone else signed in gets a 404.
WHO_GETS = {
    "plan": {"seeker", "supporter", "supervisor"},
    "edit": {"seeker", "supporter"},
    "versions": {"seeker", "supporter", "supervisor"},
    "version": {"seeker", "supporter", "supervisor"},
    "print": {"seeker"},
    "pdf": {"seeker"},
}


def person(world, name):
    return {
        "seeker": world.seeker.user,
        "supporter": world.supporter.user,
        "supervisor": world.supervisor,
        "past_supporter": world.past_supporter.user,
        "other_supporter": world.other_supporter.user,
        "other_seeker": world.other_seeker.user,
        "operations": world.operations,
    }[name]


@pytest.mark.parametrize(
    "name",
    ["seeker", "supporter", "supervisor", "past_supporter", "other_supporter", "other_seeker", "operations"],
)
def test_each_person_gets_exactly_their_plan_pages(client, world, name):
    client.force_login(person(world, name))
    for page, url in urls(world.seeker.pk).items():
        response = client.get(url)
        wanted = 200 if name in WHO_GETS[page] else 404
        assert response.status_code == wanted, (page, response.status_code)
        if wanted == 404:
            assert SECRET_TEXT.encode() not in response.content
    # Writing is refused the same way, and changes nothing.
    response = client.post(urls(world.seeker.pk)["edit"], form_data(1, reasons="Overwritten"))
    if name not in WHO_GETS["edit"]:
        assert response.status_code == 404
        assert SafetyPlanVersion.objects.count() == 1


def test_a_missing_seeker_or_version_is_a_404(client, world):
    client.force_login(world.seeker.user)
    assert client.get(reverse("safety:plan", args=[999999])).status_code == 404
    assert client.get(reverse("safety:plan_version", args=[world.seeker.pk, 7])).status_code == 404


def test_signed_out_people_are_sent_to_log_in(client, world):
    response = client.get(urls(world.seeker.pk)["plan"])
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_my_plan_takes_the_seeker_to_their_own_plan(client, world):
    client.force_login(world.seeker.user)
    response = client.get(reverse("safety:my_plan"))
    assert response["Location"] == urls(world.seeker.pk)["plan"]
    client.force_login(world.supporter.user)
    assert client.get(reverse("safety:my_plan")).status_code == 404


@time_machine.travel(NOW + dt.timedelta(minutes=5), tick=False)
def test_the_supporter_then_the_seeker_save_two_versions(client, world):
    client.force_login(world.supporter.user)
    page = client.get(urls(world.seeker.pk)["edit"]).content.decode()
    assert 'name="base_version" value="1"' in page and SECRET_TEXT in page
    response = client.post(
        urls(world.seeker.pk)["edit"], form_data(1, warning_signs=SECRET_TEXT, coping="Walk")
    )
    assert response.status_code == 302 and response["Location"] == urls(world.seeker.pk)["plan"]
    client.force_login(world.seeker.user)
    client.post(urls(world.seeker.pk)["edit"], form_data(2, warning_signs=SECRET_TEXT, coping="Walk\nMusic"))
    plan = SafetyPlan.objects.get(seeker=world.seeker)
    assert plan.version == 3
    assert [(v.number, v.author_role) for v in plan.versions.all()] == [
        (3, "seeker"),
        (2, "supporter"),
        (1, "seeker"),
    ]
    page = client.get(urls(world.seeker.pk)["versions"]).content.decode()
    assert "Version 2" in page and "Jess Rivera" in page and "Version 3" in page
    old = client.get(reverse("safety:plan_version", args=[world.seeker.pk, 2])).content.decode()
    assert "Walk" in old and "Music" not in old and "earlier version" in old


def test_a_save_from_an_old_version_shows_the_newer_text_and_keeps_mine(client, world):
    client.force_login(world.supporter.user)
    client.post(
        urls(world.seeker.pk)["edit"], form_data(1, warning_signs=SECRET_TEXT, coping="Their-newer-line")
    )
    client.force_login(world.seeker.user)
    response = client.post(urls(world.seeker.pk)["edit"], form_data(1, coping="My-own-line"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "saved a newer version of this plan while you were editing" in page
    assert "Their-newer-line" in page and "My-own-line" in page
    assert 'name="base_version" value="2"' in page  # saving again is a choice made with both in view
    assert SafetyPlanVersion.objects.count() == 2
    response = client.post(
        urls(world.seeker.pk)["edit"], form_data(2, coping="My-own-line\nTheir-newer-line")
    )
    assert response.status_code == 302
    assert SafetyPlan.objects.get().version == 3


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (form_data(1, reasons="x" * 2001), "at most 2000 characters"),
        ({**form_data(1), "base_version": "abc"}, "This page was out of date"),
        ({"reasons": "no base"}, "This page was out of date"),
        (form_data(1, warning_signs=SECRET_TEXT, reasons="My sister"), "Nothing was changed"),
    ],
)
def test_bad_input_shows_a_message_and_changes_nothing(client, world, data, message):
    client.force_login(world.seeker.user)
    response = client.post(urls(world.seeker.pk)["edit"], data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert SafetyPlanVersion.objects.count() == 1


def test_supervisor_reads_are_access_logged_and_others_are_not(client, world):
    client.force_login(world.seeker.user)
    for page in ("plan", "versions", "version"):
        client.get(urls(world.seeker.pk)[page])
    client.force_login(world.supporter.user)
    client.get(urls(world.seeker.pk)["plan"])
    assert not AccessLog.objects.exists()
    client.force_login(world.supervisor)
    page = client.get(urls(world.seeker.pk)["plan"]).content.decode()
    assert SECRET_TEXT in page and "Edit the plan" not in page and "recorded in the access log" in page
    client.get(urls(world.seeker.pk)["versions"])
    client.get(urls(world.seeker.pk)["version"])
    rows = list(AccessLog.objects.order_by("pk"))
    assert [(r.actor, r.kind) for r in rows] == [(world.supervisor, AccessLog.Kind.READ)] * 3
    plan = SafetyPlan.objects.get()
    assert [r.record for r in rows] == [
        f"Safety plan {plan.pk} (current version)",
        f"Safety plan {plan.pk} (list of versions)",
        f"Safety plan {plan.pk} version 1",
    ]
    assert all(SECRET_TEXT not in r.record for r in rows)


def pdf_text(content: bytes) -> str:
    """The text strings drawn in a PDF made with the built-in Helvetica: every stream inflated, the
    literal strings of its text operators read back. (With DejaVu embedded, text is written as glyph ids,
    so the text checks run with the fallback font; the file itself is made the same way.)"""
    chunks = []
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", content, re.DOTALL):
        try:
            chunks.append(zlib.decompress(stream))
        except zlib.error:
            chunks.append(stream)
    strings = re.findall(rb"\(((?:[^()\\]|\\.)*)\)\s*Tj", b"\n".join(chunks))
    return "\n".join(re.sub(rb"\\(.)", rb"\1", s).decode("latin-1") for s in strings)


def test_the_pdf_is_an_attachment_without_personal_data_in_its_name(client, world, settings):
    settings.PDF_FONT_PATH = "/nonexistent/font.ttf"  # Helvetica: text stays readable in the file
    client.force_login(world.seeker.user)
    response = client.get(urls(world.seeker.pk)["pdf"])
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="safety-plan.pdf"'
    assert "no-store" in response["Cache-Control"]
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    for _key, heading, _help in PLAN_SECTIONS:
        assert heading in text
    assert SECRET_TEXT in text and "My sister" in text
    assert "988" in text and "911" in text
    assert world.seeker.user.email not in text  # nothing about who it is, beyond what they wrote


def test_the_pdf_with_the_embedded_font_is_a_pdf(client, world):
    client.force_login(world.seeker.user)
    response = client.get(urls(world.seeker.pk)["pdf"])
    assert response.content.startswith(b"%PDF") and response.content.rstrip().endswith(b"%%EOF")


def test_the_print_view_links_the_print_stylesheet_and_has_the_whole_plan(client, world):
    client.force_login(world.seeker.user)
    page = client.get(urls(world.seeker.pk)["print"]).content.decode()
    assert "/static/css/print.css" in page
    assert SECRET_TEXT in page and "Call or text 988" in page
    for _key, heading, _help in PLAN_SECTIONS:
        assert heading in page


def test_the_portal_pins_my_safety_plan_and_the_account_page_links_it(client, world):
    client.force_login(world.seeker.user)
    portal = client.get(reverse("bookings:portal")).content.decode()
    assert 'id="pin-safety_plan"' in portal and reverse("safety:my_plan") in portal
    assert "Last saved November 30, 2026" in portal
    account = client.get(reverse("accounts:home")).content.decode()
    assert reverse("safety:my_plan") in account


def test_the_session_page_links_the_plan_for_its_current_supporter(client, world):
    booking_url = reverse("bookings:detail", args=[world.booking.pk])
    client.force_login(world.supporter.user)
    page = client.get(booking_url).content.decode()
    assert "Safety plan with Robin" in page and urls(world.seeker.pk)["plan"] in page
    client.force_login(world.seeker.user)
    assert reverse("safety:my_plan") in client.get(booking_url).content.decode()


def test_the_versions_page_costs_the_same_queries_for_many_versions(
    client, world, django_assert_max_num_queries
):
    for number in range(1, 30):
        services.plan_save(
            seeker=world.seeker,
            author=world.seeker.user,
            author_role="seeker",
            sections=sections(reasons=f"Reason {number}"),
            base_version=number,
            now=timezone.now(),
        )
    client.force_login(world.seeker.user)
    with django_assert_max_num_queries(12):
        response = client.get(urls(world.seeker.pk)["versions"])
    assert response.content.decode().count("Version ") >= 30
