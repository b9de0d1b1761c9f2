"""The footer's "Share feedback": works signed out, a honeypot and a signed timestamp keep bots out
without a third-party captcha, posts are rate limited per IP, and staff tag and export it as CSV."""

import csv
import io
import time

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.urls import reverse

from sitefeedback.forms import form_stamp
from sitefeedback.models import FeedbackTag, SiteFeedback
from sitefeedback.views import LIMIT
from tests.factories import SeekerFactory, StaffFactory

pytestmark = pytest.mark.django_db

URL = "/feedback/"


def post(client, *, what="The week picker is hard to use on my phone.", email="", age=10, **extra):
    """A form shown ``age`` seconds ago, as a person sends it."""
    data = {"what": what, "email": email, "website": "", "stamp": form_stamp(time.time() - age), **extra}
    return client.post(URL, data)


def test_the_footer_links_to_the_form_which_works_signed_out(client):
    assert reverse("sitefeedback:form") == URL
    home = client.get("/").content.decode()
    assert f'href="{URL}">Share feedback</a>' in home
    page = client.get(URL)
    assert page.status_code == 200 and "988" in page.content.decode()

    response = post(client, email="me@example.com")
    assert response.status_code == 302 and response["Location"] == reverse("sitefeedback:thanks")
    item = SiteFeedback.objects.get()
    assert (item.email, item.user) == ("me@example.com", None)


def test_signed_in_feedback_keeps_who_sent_it(client):
    seeker = SeekerFactory()
    client.force_login(seeker.user)
    post(client)
    assert SiteFeedback.objects.get().user == seeker.user


def test_bad_input_says_why_and_keeps_nothing(client):
    for response in (
        post(client, what=""),
        post(client, email="not an email"),
        post(client, what="x" * 2001),
    ):
        assert response.status_code == 200 and 'role="alert"' in response.content.decode()
    assert not SiteFeedback.objects.exists()


def test_a_filled_honeypot_is_thanked_and_dropped(client):
    response = post(client, website="https://spam.example")
    assert response.status_code == 302
    assert not SiteFeedback.objects.exists()


def test_a_form_sent_at_once_forged_or_stale_is_refused(client):
    too_quick = post(client, age=0)
    assert "That was quick" in too_quick.content.decode()
    forged = post(client, stamp="123:forged")
    assert "expired" in forged.content.decode()
    stale = post(client, age=2 * 24 * 60 * 60)
    assert "expired" in stale.content.decode()
    assert not SiteFeedback.objects.exists()
    # The page shown again carries a fresh stamp, so a person can simply send it again.
    assert 'name="stamp"' in stale.content.decode()


def test_posts_are_rate_limited_per_ip(client):
    for _ in range(LIMIT.limit):
        assert post(client).status_code == 302
    limited = post(client)
    assert limited.status_code == 429 and "Please wait a little" in limited.content.decode()
    assert limited["Retry-After"] == str(LIMIT.period)
    assert SiteFeedback.objects.count() == LIMIT.limit
    # Another address is not held back.
    assert client.post(URL, {}, REMOTE_ADDR="10.0.0.9").status_code == 200


def test_staff_tag_and_export_csv_safely(client):
    bug = FeedbackTag.objects.create(name="bug")
    first = SiteFeedback.objects.create(what='=HYPERLINK("http://evil")', email="a@example.com")
    first.tags.add(bug)
    SiteFeedback.objects.create(what="Lovely, thanks", email="")
    staff = StaffFactory(is_superuser=True)
    TOTP.activate(staff, "JBSWY3DPEHPK3PXP")
    client.force_login(staff)

    listing = client.get(reverse("admin:sitefeedback_sitefeedback_changelist"), {"tags__id__exact": bug.pk})
    assert listing.status_code == 200 and "HYPERLINK" in listing.content.decode()
    assert "Lovely" not in listing.content.decode()

    response = client.post(
        reverse("admin:sitefeedback_sitefeedback_changelist"),
        {"action": "export_csv", "_selected_action": [str(i.pk) for i in SiteFeedback.objects.all()]},
    )
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["id", "received (UTC)", "what", "email", "signed in", "tags", "handled"]
    assert rows[1][2] == '\'=HYPERLINK("http://evil")'  # never a formula in a spreadsheet
    assert rows[1][5] == "bug" and rows[2][2] == "Lovely, thanks"
    assert len(rows) == 3
