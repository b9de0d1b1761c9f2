"""Mandatory report pages: filing with the state guidance beside the form, addenda, supervisors' review,
who may see what (everyone else: 404), and access-log rows for every supervisor read."""

import pytest
from django.urls import reverse

from privacy.models import AccessLog
from safety import guidance
from safety.models import MandatoryReport
from tests.factories import a_conversation
from tests.safety.people import DISCLOSED, filed, outsiders, session, supervisor, with_mfa

pytestmark = pytest.mark.django_db


def test_the_form_shows_the_guidance_for_every_state_and_files_a_report(
    client, django_capture_on_commit_callbacks, mailoutbox
):
    supervisor()
    booking = session()
    client.force_login(booking.supporter.user)
    page = client.get(reverse("safety:report_new") + f"?booking={booking.pk}").content.decode()
    for state in guidance.STATES.values():
        assert f"Who to call in {state.name}" in page
    assert "ask your supervisor" in page and "not legal advice" in page
    assert f'<option value="{booking.pk}" selected>' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("safety:report_new"),
            {
                "booking": booking.pk,
                "concern_type": "elder",
                "disclosed": DISCLOSED,
                "steps_taken": "Called APS",
            },
        )
    report = MandatoryReport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "safety:report_detail", args=[report.pk]
    )
    assert report.concern_type == "elder" and len(mailoutbox) == 1
    page = client.get(response["Location"]).content.decode()
    assert DISCLOSED in page and "Waiting for a supervisor to acknowledge it" in page
    assert not AccessLog.objects.exists()  # the filer reading their own report is not a staff read


def test_bad_input_says_so_and_files_nothing(client):
    booking, other = session(), session()
    client.force_login(booking.supporter.user)
    response = client.post(
        reverse("safety:report_new"),
        {"booking": other.pk, "concern_type": "child", "disclosed": "", "steps_taken": "x"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Please choose one of your sessions." in page and "This field is required." in page
    assert not MandatoryReport.objects.exists()


def test_the_filer_adds_an_addendum_and_cannot_review(client):
    report = filed()
    client.force_login(report.supporter.user)
    response = client.post(reverse("safety:report_addendum", args=[report.pk]), {"text": "ADDENDUM-text"})
    assert response.status_code == 302
    assert "ADDENDUM-text" in client.get(reverse("safety:report_detail", args=[report.pk])).content.decode()
    response = client.post(reverse("safety:report_review", args=[report.pk]), {"step": "acknowledge"})
    assert response.status_code == 404
    response = client.post(reverse("safety:report_addendum", args=[report.pk]), {"text": ""})
    assert response.status_code == 200 and "This field is required." in response.content.decode()
    assert report.addenda.count() == 1


def test_a_supervisor_reviews_and_every_read_is_logged(client):
    boss = supervisor(first_name="Ada")
    report = filed()
    url = reverse("safety:report_detail", args=[report.pk])
    client.force_login(boss)
    page = client.get(url).content.decode()
    assert DISCLOSED in page and "Acknowledge" in page
    assert AccessLog.objects.filter(actor=boss, object_id=str(report.pk), kind="read").count() == 1
    client.post(reverse("safety:report_review", args=[report.pk]), {"step": "acknowledge"})
    response = client.post(
        reverse("safety:report_review", args=[report.pk]),
        {"step": "reported", "agency_name": "County CWS", "reference": "", "reported_at": "2020-01-01T10:00"},
    )
    assert response.status_code == 200 and "This field is required." in response.content.decode()
    assert not report.reviews.filter(kind="reported").exists()
    response = client.post(
        reverse("safety:report_review", args=[report.pk]),
        {
            "step": "reported",
            "agency_name": "County CWS",
            "reference": "REF-77",
            "reported_at": "2020-01-01T10:00",
        },
    )
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "REF-77" in page and "Closed: reported to the agency" in page
    assert AccessLog.objects.filter(actor=boss, object_id=str(report.pk)).count() == 3  # three pages shown


def test_the_same_supervisor_cannot_confirm_not_reporting_on_the_page(client):
    first, second = supervisor(), supervisor()
    report = filed()
    client.force_login(first)
    review = reverse("safety:report_review", args=[report.pk])
    client.post(review, {"step": "acknowledge"})
    client.post(review, {"step": "not_reported", "reason": "Past event, adult now"})
    response = client.post(review, {"step": "confirm"})
    assert "A second supervisor has to confirm this" in response.content.decode()
    assert not report.reviews.filter(kind="confirmed").exists()
    client.force_login(second)
    assert client.post(review, {"step": "confirm"}).status_code == 302
    assert report.reviews.filter(kind="confirmed", by=second).exists()


@pytest.mark.parametrize("who", ["supporter", "seeker", "staff"])
def test_everyone_else_gets_a_404_and_nothing_changes(client, who):
    report = filed()
    client.force_login(outsiders()[who])
    for method, url, data in [
        ("get", reverse("safety:report_detail", args=[report.pk]), {}),
        ("post", reverse("safety:report_addendum", args=[report.pk]), {"text": "x"}),
        ("post", reverse("safety:report_review", args=[report.pk]), {"step": "acknowledge"}),
    ]:
        response = getattr(client, method)(url, data)
        assert response.status_code == 404, (who, url)
        assert DISCLOSED not in response.content.decode()
    assert not report.addenda.exists() and not report.reviews.exists()
    if who != "supporter":
        assert client.get(reverse("safety:report_new")).status_code == 404


def test_a_supporter_lists_only_their_own_reports(client, django_assert_max_num_queries):
    mine = filed()
    for _ in range(3):
        filed(session(supporter=mine.supporter, hours_ahead=96 + _))
    theirs = filed()
    client.force_login(mine.supporter.user)
    with django_assert_max_num_queries(8):
        page = client.get(reverse("safety:report_list")).content.decode()
    assert f"Report {mine.pk}" in page and f"Report {theirs.pk}" not in page


def test_the_conversation_page_offers_the_report_to_its_supporter_only(client):
    conversation = a_conversation(status="confirmed")
    with_mfa(conversation.supporter.user)
    booking = conversation.supporter.bookings.get()
    url = reverse("messaging:thread", args=[conversation.pk])
    client.force_login(conversation.supporter.user)
    page = client.get(url).content.decode()
    assert f"{reverse('safety:report_new')}?booking={booking.pk}" in page
    client.force_login(conversation.seeker.user)
    assert "File a mandatory report" not in client.get(url).content.decode()
