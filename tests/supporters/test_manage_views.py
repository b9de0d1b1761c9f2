"""The supporter's own pages: profile (with preview and photo), availability, time off, leave."""

import datetime as dt
import html
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from allauth.mfa.totp.internal.auth import TOTP
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from supporters.decorators import MFA_MESSAGE
from supporters.models import AvailabilityRule, LeaveOfAbsence, Slot, SupporterProfile, Tag, TimeOff
from supporters.services import rule_create
from tests.factories import (
    LeaveFactory,
    RuleFactory,
    SeekerFactory,
    SlotFactory,
    SupporterFactory,
    TagFactory,
    TimeOffFactory,
)

pytestmark = pytest.mark.django_db

LA = ZoneInfo("America/Los_Angeles")
# Tuesday 24 November 2026, 10:00 in Los Angeles. The current week started on Monday 23 November.
NOW = dt.datetime(2026, 11, 24, 18, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 11, 24)
SECRET = "JBSWY3DPEHPK3PXP"

PAGES = ["manage_profile", "manage_availability", "manage_time_off", "manage_leave"]


@pytest.fixture(autouse=True)
def frozen_time():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def supporter_with_mfa(**kwargs) -> SupporterProfile:
    supporter = SupporterFactory(**kwargs)
    TOTP.activate(supporter.user, SECRET)
    return supporter


@pytest.fixture
def supporter(client):
    supporter = supporter_with_mfa(display_name="Robin", intro="Hello there.")
    client.force_login(supporter.user)
    return supporter


def url(name: str, *args) -> str:
    return reverse(f"supporters:{name}", args=args)


def local_starts(supporter: SupporterProfile, **filters) -> list[dt.datetime]:
    return [s.start.astimezone(LA) for s in Slot.objects.filter(supporter=supporter, **filters)]


def jpeg_bytes(size=(400, 300)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (30, 90, 160)).save(buffer, format="JPEG")
    return buffer.getvalue()


def stored_files(media_root) -> list:
    return [path for path in media_root.rglob("*") if path.is_file()] if media_root.exists() else []


def profile_data(supporter: SupporterProfile, **changes) -> dict:
    data = {
        "display_name": supporter.display_name,
        "pronouns": supporter.pronouns,
        "intro": supporter.intro,
        "story": supporter.story,
        "time_zone": supporter.time_zone,
        "tags": [tag.pk for tag in supporter.tags.all()],
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


# --- Who may come in ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", PAGES)
def test_manage_pages_show_for_supporter_with_mfa(client, supporter, name):
    response = client.get(url(name))
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count("<h1") == 1
    assert body.count('aria-current="page"') == 1
    assert f'href="{url(name)}" aria-current="page"' in body
    assert "css/manage.css" in body
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize(
    ("method", "name", "args"),
    [
        ("get", "manage_profile", ()),
        ("get", "manage_availability", ()),
        ("get", "manage_time_off", ()),
        ("get", "manage_leave", ()),
        ("post", "manage_profile_preview", ()),
        ("post", "manage_rule_delete", ("rule",)),
    ],
)
def test_manage_pages_without_mfa_send_supporter_to_mfa_setup(client, method, name, args):
    supporter = SupporterFactory()
    rule = RuleFactory(supporter=supporter)
    client.force_login(supporter.user)
    response = getattr(client, method)(url(name, *[rule.pk for _ in args]))
    assert response.status_code == 302
    assert response.url == reverse("mfa_activate_totp")
    assert AvailabilityRule.objects.filter(pk=rule.pk).exists()
    page = client.get(response.url, follow=True)
    assert MFA_MESSAGE in html.unescape(page.content.decode())


def test_manage_pages_without_mfa_htmx_request_gets_client_redirect(client):
    supporter = SupporterFactory()
    client.force_login(supporter.user)
    response = client.post(url("manage_profile_preview"), {"display_name": "X"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("mfa_activate_totp")


@pytest.mark.parametrize("name", [*PAGES, "manage_profile_preview"])
def test_manage_pages_are_404_for_seekers_even_with_mfa(client, name):
    seeker = SeekerFactory()
    TOTP.activate(seeker.user, SECRET)
    client.force_login(seeker.user)
    assert client.get(url(name)).status_code in (404, 405)
    assert client.post(url(name), {}).status_code == 404


@pytest.mark.parametrize("name", PAGES)
def test_manage_pages_send_anonymous_visitors_to_login(client, name):
    response = client.get(url(name))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert f"next={url(name)}" in response.url.replace("%2F", "/")


def test_manage_delete_urls_refuse_get(client, supporter):
    rule = RuleFactory(supporter=supporter)
    assert client.get(url("manage_rule_delete", rule.pk)).status_code == 405
    assert AvailabilityRule.objects.filter(pk=rule.pk).exists()


# --- Profile ----------------------------------------------------------------------------------


def test_manage_profile_form_groups_tags_by_kind_in_fieldsets(client, supporter):
    TagFactory(kind=Tag.Kind.TOPIC, name="Grief")
    TagFactory(kind=Tag.Kind.LANGUAGE, name="Spanish")
    body = client.get(url("manage_profile")).content.decode()
    assert "<legend>Lived experience and topics</legend>" in body
    assert "<legend>Language</legend>" in body
    assert body.index("Lived experience and topics") < body.index("Grief") < body.index("<legend>Language")
    assert 'name="hourly_pay_cents"' not in body and 'name="status"' not in body
    # The live preview: htmx posts the form (without the photo) to the preview URL.
    assert f'hx-post="{url("manage_profile_preview")}"' in body
    assert 'hx-params="not photo"' in body
    assert 'id="profile-preview"' in body and "supporter-card" in body


def test_manage_profile_saves_text_zone_and_tags(client, supporter):
    grief, anxiety, spanish = (
        TagFactory(name="Grief"),
        TagFactory(name="Anxiety"),
        TagFactory(kind=Tag.Kind.LANGUAGE, name="Spanish"),
    )
    supporter.tags.set([grief])
    response = client.post(
        url("manage_profile"),
        profile_data(
            supporter,
            display_name="  Robin M.  ",
            pronouns="they/them",
            intro="I know what a long winter feels like.",
            story="Line one\r\nLine two",
            time_zone="America/New_York",
            tags=[anxiety.pk, spanish.pk],
        ),
    )
    assert response.status_code == 302
    assert response.url == url("manage_profile")
    supporter.refresh_from_db()
    assert supporter.display_name == "Robin M."
    assert supporter.pronouns == "they/them"
    assert supporter.story == "Line one\nLine two"
    assert supporter.time_zone == "America/New_York"
    assert set(supporter.tags.all()) == {anxiety, spanish}
    page = client.get(response.url).content.decode()
    assert "Your profile is saved" in page
    assert "I know what a long winter feels like." in page


def test_manage_profile_ignores_pay_and_status(client, supporter):
    supporter.hourly_pay_cents = 2500
    supporter.save()
    client.post(url("manage_profile"), profile_data(supporter, hourly_pay_cents=999999, status="inactive"))
    supporter.refresh_from_db()
    assert (supporter.hourly_pay_cents, supporter.status) == (2500, SupporterProfile.Status.ACTIVE)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"intro": "x" * 281}, "intro", "at most 280 characters"),
        ({"story": "y" * 4001}, "story", "at most 4000 characters"),
        ({"tags": [999999]}, "tags", "no longer available"),
        ({"tags": ["not-a-number"]}, "tags", "no longer available"),
        ({"time_zone": "Mars/Olympus_Mons"}, "time_zone", "Choose a time zone"),
        ({"display_name": "   "}, "display_name", "what to call you"),
    ],
)
def test_manage_profile_bad_input_shows_error_and_saves_nothing(client, supporter, changes, field, message):
    tag = TagFactory(name="Grief")
    supporter.tags.set([tag])
    before = SupporterProfile.objects.values().get(pk=supporter.pk)
    response = client.post(url("manage_profile"), profile_data(supporter, pronouns="changed/too", **changes))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert any(message in str(error) for error in errors[field]), errors
    assert 'aria-invalid="true"' in response.content.decode() or field == "tags"
    assert SupporterProfile.objects.values().get(pk=supporter.pk) == before
    assert list(supporter.tags.all()) == [tag]


def test_manage_profile_photo_upload_stores_three_sizes_without_exif(client, supporter, media_root):
    exif = Image.Exif()
    exif[0x010F] = "SecretCameraMaker"
    buffer = io.BytesIO()
    Image.new("RGB", (1000, 700), (200, 50, 50)).save(buffer, format="JPEG", exif=exif)
    photo = SimpleUploadedFile("IMG_0001.jpg", buffer.getvalue(), content_type="image/jpeg")
    response = client.post(url("manage_profile"), {**profile_data(supporter), "photo": photo})
    assert response.status_code == 302
    supporter.refresh_from_db()
    sizes = {"photo_small": 96, "photo_medium": 320, "photo_large": 800}
    for field, side in sizes.items():
        stored = getattr(supporter, field)
        assert stored.name.startswith("supporters/") and "IMG_0001" not in stored.name
        with stored.open("rb") as handle:
            raw = handle.read()
        assert b"SecretCameraMaker" not in raw
        assert Image.open(io.BytesIO(raw)).size == (side, side)
    assert len(stored_files(media_root)) == 3
    body = client.get(url("manage_profile")).content.decode()
    assert supporter.photo_small.url in body


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("photo.gif", "gif", "Please choose a JPEG, PNG or WebP image."),
        (
            "photo.jpg",
            b"This is a text file, not a picture.\n" * 10,
            "Please choose a JPEG, PNG or WebP image.",
        ),
        ("big.jpg", "big", "larger than 5 MB"),
        ("cut.jpg", "truncated", "damaged or incomplete"),
    ],
    ids=["gif", "text-named-jpg", "over-5mb", "truncated-jpeg"],
)
def test_manage_profile_bad_photo_is_refused_and_nothing_saved(
    client, supporter, media_root, name, data, message
):
    if data == "gif":
        buffer = io.BytesIO()
        Image.new("P", (50, 50)).save(buffer, format="GIF")
        data = buffer.getvalue()
    elif data == "big":
        data = jpeg_bytes() + b"\0" * (5 * 1024 * 1024)
    elif data == "truncated":
        buffer = io.BytesIO()
        noise = bytes((i * 7919) % 251 for i in range(600 * 600 * 3))
        Image.frombytes("RGB", (600, 600), noise).save(buffer, format="JPEG", quality=95)
        data = buffer.getvalue()[:15_000]
    photo = SimpleUploadedFile(name, data, content_type="image/jpeg")
    response = client.post(
        url("manage_profile"), {**profile_data(supporter, pronouns="she/her"), "photo": photo}
    )
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["photo"])
    assert message.split(".")[0] in response.content.decode()
    supporter.refresh_from_db()
    assert supporter.pronouns == ""
    assert not (supporter.photo_small or supporter.photo_medium or supporter.photo_large)
    assert stored_files(media_root) == []


def test_manage_profile_preview_returns_escaped_card_fragment_and_saves_nothing(client, supporter):
    grief = TagFactory(name="Grief")
    spanish = TagFactory(kind=Tag.Kind.LANGUAGE, name="Spanish")
    response = client.post(
        url("manage_profile_preview"),
        profile_data(
            supporter,
            display_name="Robin <b>bold</b>",
            intro="<script>alert('hi')</script> I get it.",
            tags=[grief.pk, spanish.pk],
        ),
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="profile-preview"')
    assert "<html" not in body and "<form" not in body
    assert "&lt;script&gt;alert(&#x27;hi&#x27;)&lt;/script&gt; I get it." in body
    assert "<script>" not in body
    assert "Robin &lt;b&gt;bold&lt;/b&gt;" in body
    assert "Grief" in body  # topic tags show on the card; language tags do not
    assert "Spanish" not in body
    supporter.refresh_from_db()
    assert (supporter.display_name, supporter.intro) == ("Robin", "Hello there.")
    assert not supporter.tags.exists()


def test_manage_profile_preview_shows_text_even_when_invalid(client, supporter):
    response = client.post(
        url("manage_profile_preview"),
        profile_data(supporter, intro="A" * 300, time_zone="Nowhere/Land", tags=[12345]),
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "A" * 280 in response.content.decode()
    supporter.refresh_from_db()
    assert supporter.intro == "Hello there."


def test_manage_profile_preview_without_htmx_renders_the_whole_page(client, supporter):
    response = client.post(url("manage_profile_preview"), profile_data(supporter, intro="Draft intro"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Your profile</h1>" in body and "Draft intro" in body
    supporter.refresh_from_db()
    assert supporter.intro == "Hello there."


def test_manage_profile_card_shows_next_open_time(client, supporter):
    SlotFactory(supporter=supporter, start=dt.datetime(2026, 11, 25, 18, 0, tzinfo=dt.UTC))
    body = client.get(url("manage_profile")).content.decode()
    assert "Next available" in body


def test_manage_profile_htmx_post_returns_client_redirect(client, supporter):
    response = client.post(
        url("manage_profile"), profile_data(supporter, pronouns="he/him"), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert response["HX-Redirect"] == url("manage_profile")
    supporter.refresh_from_db()
    assert supporter.pronouns == "he/him"


# --- Availability -----------------------------------------------------------------------------


def test_manage_availability_add_window_creates_slots_and_updates_meter(client, supporter):
    response = client.post(
        url("manage_availability"), {"weekday": "2", "start_time": "10:00", "end_time": "13:00"}
    )
    assert response.status_code == 302
    rule = AvailabilityRule.objects.get(supporter=supporter)
    assert (rule.weekday, rule.start_time, rule.end_time) == (2, dt.time(10), dt.time(13))
    starts = local_starts(supporter)
    assert starts, "slots were generated"
    assert {(s.weekday(), s.hour) for s in starts} == {(2, 10), (2, 11), (2, 12)}
    assert starts[0] == dt.datetime(2026, 11, 25, 10, 0, tzinfo=LA)

    body = client.get(url("manage_availability")).content.decode()
    assert "Added Wednesday 10:00–13:00" in body
    assert "Week of Mon 30 Nov: 3 hours (minimum 5)" in body
    assert "Some weeks are below 5 hours" in body
    assert 'value="3"' in body
    assert "Wednesday 25 November, 10:00" in body  # next open sessions, in the supporter's zone


def test_manage_availability_enough_hours_shows_no_warning(client, supporter):
    client.post(url("manage_availability"), {"weekday": "0", "start_time": "09:00", "end_time": "15:00"})
    body = client.get(url("manage_availability")).content.decode()
    assert "Week of Mon 30 Nov: 6 hours (minimum 5)" in body
    assert "Some weeks are below" not in body


def test_manage_availability_midnight_end_and_zone_are_shown(client):
    supporter = supporter_with_mfa(time_zone="Europe/London")
    client.force_login(supporter.user)
    body = client.get(url("manage_availability")).content.decode()
    assert "in your time zone (Europe/London)" in body
    assert "Pacific" in body and "your time" in body  # operating hours, also in the supporter's zone
    assert '<option value="24:00">Midnight</option>' in body
    # 21:00–midnight London is 13:00–16:00 in Los Angeles: inside operating hours.
    response = client.post(
        url("manage_availability"), {"weekday": "1", "start_time": "21:00", "end_time": "24:00"}
    )
    assert response.status_code == 302
    assert AvailabilityRule.objects.get(supporter=supporter).end_time == dt.time(23, 59)
    body = client.get(url("manage_availability")).content.decode()
    assert "21:00–midnight" in body


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"weekday": "0", "start_time": "14:00", "end_time": "12:00"},
            "The end time must be after the start",
        ),
        ({"weekday": "0", "start_time": "06:00", "end_time": "08:00"}, "operating hours"),
        ({"weekday": "5", "start_time": "10:00", "end_time": "12:00"}, "operating hours"),
        (
            {"weekday": "0", "start_time": "11:00", "end_time": "14:00"},
            "This overlaps your Monday window 09:00–12:00",
        ),
        ({"weekday": "9", "start_time": "10:00", "end_time": "12:00"}, "Select a valid choice"),
        ({"weekday": "0", "start_time": "10:30", "end_time": "12:00"}, "Select a valid choice"),
    ],
    ids=["end-before-start", "too-early", "saturday", "overlap", "bad-weekday", "not-whole-hour"],
)
def test_manage_availability_refused_window_shows_error_and_saves_nothing(client, supporter, data, message):
    rule_create(supporter=supporter, weekday=0, start_time=dt.time(9), end_time=dt.time(12))
    slots_before = sorted(local_starts(supporter))
    response = client.post(url("manage_availability"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert 'role="alert"' in response.content.decode()
    assert AvailabilityRule.objects.filter(supporter=supporter).count() == 1
    assert sorted(local_starts(supporter)) == slots_before


def test_manage_availability_htmx_post_redirects_or_rerenders_the_form(client, supporter):
    response = client.post(
        url("manage_availability"),
        {"weekday": "2", "start_time": "10:00", "end_time": "13:00"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert response["HX-Redirect"] == url("manage_availability")
    assert AvailabilityRule.objects.filter(supporter=supporter).exists()

    response = client.post(
        url("manage_availability"),
        {"weekday": "2", "start_time": "11:00", "end_time": "12:00"},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert response.status_code == 200 and "HX-Redirect" not in response
    assert body.lstrip().startswith('<form id="rule-form"')
    assert "This overlaps your Wednesday window 10:00–13:00" in body


def test_manage_rule_delete_removes_open_slots_and_keeps_booked(client, supporter):
    rule = rule_create(supporter=supporter, weekday=2, start_time=dt.time(10), end_time=dt.time(13))
    booked = Slot.objects.filter(supporter=supporter).order_by("start").first()
    booked.status = Slot.Status.BOOKED
    booked.save()
    response = client.post(url("manage_rule_delete", rule.pk))
    assert response.status_code == 302
    assert not AvailabilityRule.objects.filter(pk=rule.pk).exists()
    assert not Slot.objects.filter(supporter=supporter, status=Slot.Status.OPEN).exists()
    assert list(Slot.objects.filter(supporter=supporter)) == [booked]
    assert "Removed Wednesday 10:00–13:00" in client.get(response.url).content.decode()


@pytest.mark.parametrize("windows", [1, 5])
def test_manage_pages_query_counts_do_not_grow(client, supporter, django_assert_max_num_queries, windows):
    for weekday in range(windows):
        rule_create(supporter=supporter, weekday=weekday, start_time=dt.time(9), end_time=dt.time(12))
    supporter.tags.set([TagFactory() for _ in range(windows)])
    with django_assert_max_num_queries(10):
        assert client.get(url("manage_availability")).status_code == 200
    with django_assert_max_num_queries(9):
        assert client.get(url("manage_profile")).status_code == 200


# --- Time off ---------------------------------------------------------------------------------


def test_manage_time_off_add_removes_open_slots_on_those_days(client, supporter):
    rule_create(supporter=supporter, weekday=2, start_time=dt.time(10), end_time=dt.time(13))
    assert dt.date(2026, 12, 2) in {s.date() for s in local_starts(supporter)}
    response = client.post(
        url("manage_time_off"), {"start_date": "2026-12-01", "end_date": "2026-12-03", "note": "Family visit"}
    )
    assert response.status_code == 302
    time_off = TimeOff.objects.get(supporter=supporter)
    assert (time_off.start_date, time_off.end_date, time_off.note) == (
        dt.date(2026, 12, 1),
        dt.date(2026, 12, 3),
        "Family visit",
    )
    days = {s.date() for s in local_starts(supporter)}
    assert dt.date(2026, 12, 2) not in days
    assert {dt.date(2026, 11, 25), dt.date(2026, 12, 9)} <= days
    body = client.get(url("manage_time_off")).content.decode()
    assert "Tue 1 Dec 2026 to Thu 3 Dec 2026" in body
    assert "Family visit" in body


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"start_date": "2026-12-05", "end_date": "2026-12-01"},
            "The last day must be on or after the first",
        ),
        ({"start_date": "2026-11-01", "end_date": "2026-11-03"}, "already over"),
        ({"start_date": "tomorrow", "end_date": "2026-12-01"}, "Enter a date"),
        ({"start_date": "2026-12-01"}, "This field is required"),
    ],
)
def test_manage_time_off_bad_input_shows_error_and_saves_nothing(client, supporter, data, message):
    rule_create(supporter=supporter, weekday=2, start_time=dt.time(10), end_time=dt.time(13))
    count = Slot.objects.count()
    response = client.post(url("manage_time_off"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not TimeOff.objects.exists()
    assert Slot.objects.count() == count


def test_manage_time_off_delete_brings_slots_back(client, supporter):
    rule_create(supporter=supporter, weekday=2, start_time=dt.time(10), end_time=dt.time(13))
    client.post(url("manage_time_off"), {"start_date": "2026-12-02", "end_date": "2026-12-02"})
    time_off = TimeOff.objects.get(supporter=supporter)
    assert dt.date(2026, 12, 2) not in {s.date() for s in local_starts(supporter)}
    response = client.post(url("manage_time_off_delete", time_off.pk))
    assert response.status_code == 302
    assert not TimeOff.objects.exists()
    assert dt.date(2026, 12, 2) in {s.date() for s in local_starts(supporter)}


def test_manage_time_off_lists_only_upcoming(client, supporter):
    TimeOffFactory(supporter=supporter, start_date=dt.date(2026, 11, 1), end_date=dt.date(2026, 11, 3))
    TimeOffFactory(supporter=supporter, start_date=dt.date(2026, 12, 24), end_date=dt.date(2026, 12, 26))
    body = client.get(url("manage_time_off")).content.decode()
    assert "Thu 24 Dec 2026 to Sat 26 Dec 2026" in body
    assert "Nov 2026 to" not in body


# --- Leave ------------------------------------------------------------------------------------


def test_manage_leave_start_hides_profile_and_end_lists_it_again(client, supporter):
    rule_create(supporter=supporter, weekday=2, start_time=dt.time(10), end_time=dt.time(13))
    assert supporter in SupporterProfile.objects.listed()
    response = client.post(url("manage_leave"), {"start_date": TODAY.isoformat(), "end_date": ""})
    assert response.status_code == 302
    leave = LeaveOfAbsence.objects.get(supporter=supporter)
    assert (leave.start_date, leave.end_date) == (TODAY, None)
    assert supporter not in SupporterProfile.objects.listed()
    assert not Slot.objects.filter(supporter=supporter, status=Slot.Status.OPEN).exists()
    body = client.get(url("manage_leave")).content.decode()
    assert "Your leave has started" in body
    assert "End leave now" in body
    profile_page = html.unescape(client.get(url("manage_profile")).content.decode())
    assert "can't find your profile while you're on leave" in profile_page

    response = client.post(url("manage_leave_end", leave.pk))
    assert response.status_code == 302
    assert supporter in SupporterProfile.objects.listed()
    assert Slot.objects.filter(supporter=supporter, status=Slot.Status.OPEN).exists()
    assert "Welcome back" in client.get(url("manage_leave")).content.decode()


def test_manage_leave_planned_can_be_cancelled(client, supporter):
    client.post(url("manage_leave"), {"start_date": "2026-12-14", "end_date": "2027-01-10"})
    leave = LeaveOfAbsence.objects.get(supporter=supporter)
    assert supporter in SupporterProfile.objects.listed()  # not started yet
    body = client.get(url("manage_leave")).content.decode()
    assert "Planned" in body and "Monday 14 December 2026" in body and "Sunday 10 January 2027" in body
    client.post(url("manage_leave_end", leave.pk))
    assert not LeaveOfAbsence.objects.exists()


def test_manage_leave_end_of_a_leave_that_is_over_changes_nothing(client, supporter):
    leave = LeaveFactory(supporter=supporter, start_date=dt.date(2026, 10, 1), end_date=dt.date(2026, 10, 20))
    response = client.post(url("manage_leave_end", leave.pk), follow=True)
    assert "That leave is already over" in response.content.decode()
    leave.refresh_from_db()
    assert leave.end_date == dt.date(2026, 10, 20)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"start_date": "2026-11-01"}, "A leave can start today at the earliest"),
        ({"start_date": "2026-12-10", "end_date": "2026-12-01"}, "The last day must be on or after"),
        ({"start_date": "soon"}, "Enter a date"),
    ],
)
def test_manage_leave_bad_input_shows_error_and_saves_nothing(client, supporter, data, message):
    response = client.post(url("manage_leave"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not LeaveOfAbsence.objects.exists()
    assert supporter in SupporterProfile.objects.listed()


def test_manage_leave_overlapping_is_refused(client, supporter):
    LeaveFactory(supporter=supporter, start_date=dt.date(2026, 12, 1), end_date=None)
    response = client.post(url("manage_leave"), {"start_date": "2026-12-20"})
    assert "You already have a leave planned for those dates" in response.content.decode()
    assert LeaveOfAbsence.objects.count() == 1


# --- Another supporter's things ---------------------------------------------------------------


def test_manage_other_supporters_objects_are_404_and_unchanged(client, supporter):
    other = supporter_with_mfa()
    rule = rule_create(supporter=other, weekday=2, start_time=dt.time(10), end_time=dt.time(13))
    time_off = TimeOffFactory(supporter=other, start_date=dt.date(2026, 12, 1), end_date=dt.date(2026, 12, 2))
    leave = LeaveFactory(supporter=other, start_date=dt.date(2027, 1, 4))
    slots = Slot.objects.filter(supporter=other).count()
    assert slots > 0

    assert client.post(url("manage_rule_delete", rule.pk)).status_code == 404
    assert client.post(url("manage_time_off_delete", time_off.pk)).status_code == 404
    assert client.post(url("manage_leave_end", leave.pk)).status_code == 404
    assert client.post(url("manage_rule_delete", 999999)).status_code == 404

    assert AvailabilityRule.objects.filter(pk=rule.pk).exists()
    assert TimeOff.objects.filter(pk=time_off.pk).exists()
    assert LeaveOfAbsence.objects.get(pk=leave.pk).end_date is None
    assert Slot.objects.filter(supporter=other).count() == slots


def test_manage_pages_show_only_own_objects(client, supporter):
    other = SupporterFactory()
    RuleFactory(supporter=other, weekday=AvailabilityRule.Weekday.THURSDAY)
    TimeOffFactory(
        supporter=other, start_date=dt.date(2026, 12, 24), end_date=dt.date(2026, 12, 24), note="Theirs"
    )
    LeaveFactory(supporter=other, start_date=dt.date(2027, 1, 4))
    assert (
        "Thursday"
        not in client.get(url("manage_availability"))
        .content.decode()
        .split("Your weekly windows")[1]
        .split("Add a window")[0]
    )
    assert "Theirs" not in client.get(url("manage_time_off")).content.decode()
    assert "January 2027" not in client.get(url("manage_leave")).content.decode()
