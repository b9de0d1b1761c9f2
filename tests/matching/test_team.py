"""Asking our team: the request, its deadline of one business day (support hours), the staff queue with
time left or overdue, staff suggesting up to three supporters, the seeker's email and page."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from allauth.mfa.totp.internal.auth import TOTP
from django.urls import reverse

from matching.models import TeamRequest, TeamSuggestion
from matching.policy import describe_time_left, team_request_due
from matching.services import MatchingError, answers_save, team_request_answer, team_request_create
from notifications.models import Notification
from supporters.models import SupporterProfile
from tests.factories import LeaveFactory, SeekerFactory, StaffFactory, SupporterFactory
from tests.matching.helpers import NOW

pytestmark = pytest.mark.django_db

PT = ZoneInfo("America/Los_Angeles")
QUEUE = reverse("admin:matching_teamrequest_changelist")


def pt(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=PT)


@pytest.mark.parametrize(
    ("asked", "due"),
    [
        (pt(2026, 11, 30, 15, 0), pt(2026, 12, 1, 15, 0)),  # Monday afternoon: Tuesday, same time
        (pt(2026, 11, 30, 10, 0), pt(2026, 11, 30, 17, 0)),  # at opening: by closing that day
        (pt(2026, 11, 30, 8, 0), pt(2026, 11, 30, 17, 0)),  # before opening: by closing that day
        (pt(2026, 11, 30, 18, 30), pt(2026, 12, 1, 17, 0)),  # evening: by closing the next day
        (pt(2026, 12, 4, 16, 0), pt(2026, 12, 7, 16, 0)),  # Friday 4pm: Monday 4pm
        (pt(2026, 12, 5, 12, 0), pt(2026, 12, 7, 17, 0)),  # Saturday: Monday closing
        (pt(2026, 12, 6, 23, 59), pt(2026, 12, 7, 17, 0)),  # Sunday night: Monday closing
        # Across the start of daylight saving time (Sunday 14 March 2027): wall-clock 2pm on Monday.
        (pt(2027, 3, 12, 14, 0), pt(2027, 3, 15, 14, 0)),
    ],
)
def test_team_request_due_is_one_business_day_of_support_hours(asked, due):
    assert team_request_due(asked.astimezone(dt.UTC)) == due.astimezone(dt.UTC)


def test_team_request_due_follows_the_support_hours_setting(settings):
    settings.SUPPORT_OPENS_HOUR, settings.SUPPORT_CLOSES_HOUR = 9, 12
    assert team_request_due(pt(2026, 11, 30, 11, 0)) == pt(2026, 12, 1, 11, 0)


@pytest.mark.parametrize(
    ("minutes", "text"),
    [(200, "3 h 20 min left"), (0, "0 min left"), (-26 * 60 - 5, "Overdue by 1 day 2 h 5 min")],
)
def test_describe_time_left(minutes, text):
    assert describe_time_left(NOW + dt.timedelta(minutes=minutes), NOW) == text


def test_seeker_asks_our_team(client):
    seeker = SeekerFactory()
    client.force_login(seeker.user)
    with time_machine.travel(pt(2026, 11, 30, 15, 0), tick=False):
        response = client.post(reverse("matching:team_new"), {"note": "Someone who gets exam stress"})
    team_request = TeamRequest.objects.get()
    assert response.url == reverse("matching:team_request", args=[team_request.pk])
    assert team_request.due_at == pt(2026, 12, 1, 15, 0)
    assert team_request.note == "Someone who gets exam stress"
    page = client.get(response.url).content.decode()
    assert "will answer by" in page
    # One open request at a time: a second is refused with a message, nothing added.
    with pytest.raises(MatchingError):
        team_request_create(seeker=seeker, note="again")
    assert TeamRequest.objects.count() == 1


def test_team_request_bad_input_changes_nothing(client):
    client.force_login(SeekerFactory().user)
    response = client.post(reverse("matching:team_new"), {"note": "x" * 2001})
    assert response.status_code == 200
    assert "at most 2000 characters" in response.content.decode()
    assert not TeamRequest.objects.exists()


def test_another_seekers_request_is_404(client):
    team_request = team_request_create(seeker=SeekerFactory(), note="")
    client.force_login(SeekerFactory().user)
    assert client.get(reverse("matching:team_request", args=[team_request.pk])).status_code == 404


@pytest.fixture
def staff_client(client):
    staff = StaffFactory(is_superuser=True)
    TOTP.activate(staff, "JBSWY3DPEHPK3PXP")
    client.force_login(staff)
    client.staff = staff
    return client


def test_queue_shows_time_left_and_overdue_open_requests_first(staff_client):
    answered = team_request_create(seeker=SeekerFactory(), note="")
    team_request_answer(request_id=answered.pk, by=staff_client.staff, picks=[(SupporterFactory().pk, "")])
    with time_machine.travel(pt(2026, 12, 1, 11, 0), tick=False):
        soon = team_request_create(seeker=SeekerFactory(), note="")  # due Wednesday 11am
    with time_machine.travel(pt(2026, 11, 30, 11, 0), tick=False):
        late = team_request_create(seeker=SeekerFactory(), note="")  # due Tuesday 11am
    with time_machine.travel(pt(2026, 12, 1, 12, 0), tick=False):
        page = staff_client.get(QUEUE).content.decode()
    assert "<strong>Overdue by 1 h</strong>" in page
    assert "23 h left" in page
    assert "Answered in time" in page
    # Open requests first, the most urgent on top; answered ones after.
    positions = [page.index(f"Request {r.pk} from") for r in (late, soon, answered)]
    assert positions == sorted(positions)


def test_staff_answer_with_two_supporters_and_the_seeker_is_emailed(
    staff_client, django_capture_on_commit_callbacks, mailoutbox, tags
):
    seeker = SeekerFactory()
    answers_save(
        values={"experience": [tags["grief"].pk], "anything_else": "Private words", "times": ["evening"]},
        user=seeker.user,
    )
    ana, bo = SupporterFactory(display_name="Ana"), SupporterFactory(display_name="Bo")
    team_request = team_request_create(seeker=seeker, note="Exam stress, please")
    url = reverse("admin:matching_teamrequest_change", args=[team_request.pk])
    page = staff_client.get(url).content.decode()
    # Staff see the note and the questionnaire answers.
    assert "Exam stress, please" in page and "Grief" in page and "Private words" in page
    assert "in the evenings" in page
    data = {
        "suggestions-TOTAL_FORMS": "3",
        "suggestions-INITIAL_FORMS": "0",
        "suggestions-MIN_NUM_FORMS": "0",
        "suggestions-MAX_NUM_FORMS": "3",
        "suggestions-0-supporter": ana.pk,
        "suggestions-0-note": "Ana went through exams last year.",
        "suggestions-1-supporter": bo.pk,
        "suggestions-1-note": "Bo has evening times.",
        "suggestions-2-supporter": "",
        "suggestions-2-note": "",
        "_save": "Save",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    team_request.refresh_from_db()
    assert team_request.status == TeamRequest.Status.ANSWERED
    assert team_request.answered_by == staff_client.staff
    assert list(team_request.suggestions.values_list("supporter__display_name", "note")) == [
        ("Ana", "Ana went through exams last year."),
        ("Bo", "Bo has evening times."),
    ]
    # The email: no health details, no notes, only a link; the crisis line as always.
    [message] = [m for m in mailoutbox if m.to == [seeker.user.email]]
    assert message.subject == "Our team has suggestions for you"
    for private in ("Exam stress", "exams", "Grief", "Private words", "evening"):
        assert private not in message.body
    assert reverse("matching:team_request", args=[team_request.pk]) in message.body
    assert "988" in message.body
    # The seeker's page shows both, with the team's notes.
    staff_client.force_login(seeker.user)
    page = staff_client.get(reverse("matching:team_request", args=[team_request.pk])).content.decode()
    assert "Ana went through exams last year." in page and "Bo has evening times." in page


@pytest.mark.parametrize(
    ("make", "code"),
    [
        (lambda: [], "count"),
        (lambda: [SupporterFactory().pk for _ in range(4)], "count"),
        (lambda: [SupporterFactory(status=SupporterProfile.Status.ONBOARDING).pk], "not_listed"),
        (lambda: [LeaveFactory().supporter_id], "not_listed"),
    ],
)
def test_staff_answer_refused_changes_nothing(make, code):
    team_request = team_request_create(seeker=SeekerFactory(), note="")
    with pytest.raises(MatchingError) as caught:
        team_request_answer(request_id=team_request.pk, by=StaffFactory(), picks=[(pk, "") for pk in make()])
    assert caught.value.code == code
    team_request.refresh_from_db()
    assert team_request.status == TeamRequest.Status.OPEN
    assert not TeamSuggestion.objects.exists() and not Notification.objects.exists()


def test_admin_form_shows_a_refused_pick_as_an_error(staff_client):
    team_request = team_request_create(seeker=SeekerFactory(), note="")
    on_leave = LeaveFactory().supporter
    url = reverse("admin:matching_teamrequest_change", args=[team_request.pk])
    # The inline lists only listed supporters, so the one on leave is an invalid choice.
    data = {
        "suggestions-TOTAL_FORMS": "1",
        "suggestions-INITIAL_FORMS": "0",
        "suggestions-MIN_NUM_FORMS": "0",
        "suggestions-MAX_NUM_FORMS": "3",
        "suggestions-0-supporter": on_leave.pk,
        "suggestions-0-note": "",
    }
    response = staff_client.post(url, data)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert TeamRequest.objects.get().status == TeamRequest.Status.OPEN


def test_an_answered_request_cannot_be_answered_again():
    team_request = team_request_create(seeker=SeekerFactory(), note="")
    ana = SupporterFactory()
    team_request_answer(request_id=team_request.pk, by=StaffFactory(), picks=[(ana.pk, "")])
    with pytest.raises(MatchingError) as caught:
        team_request_answer(request_id=team_request.pk, by=StaffFactory(), picks=[(ana.pk, "")])
    assert caught.value.code == "answered"


def test_free_text_and_note_are_encrypted_at_rest_and_staff_reads_are_logged(staff_client, tags):
    from django.db import connection

    from privacy.models import AccessLog

    seeker = SeekerFactory()
    answers_save(values={"anything_else": "Something very private"}, user=seeker.user)
    team_request = team_request_create(seeker=seeker, note="A private note")
    with connection.cursor() as cursor:
        cursor.execute("SELECT anything_else FROM matching_matchanswers")
        [(stored_answer,)] = cursor.fetchall()
        cursor.execute("SELECT note FROM matching_teamrequest")
        [(stored_note,)] = cursor.fetchall()
    assert "private" not in stored_answer and "private" not in stored_note
    page = staff_client.get(reverse("admin:matching_teamrequest_change", args=[team_request.pk]))
    assert "Something very private" in page.content.decode()
    log = AccessLog.objects.get()
    assert (log.actor, log.object_id, log.kind) == (staff_client.staff, str(team_request.pk), "read")


def test_queue_is_for_the_operations_role(client):
    from django.contrib.auth.models import Group

    from privacy.roles import OPERATIONS

    staff = StaffFactory()
    TOTP.activate(staff, "JBSWY3DPEHPK3PXP")
    client.force_login(staff)
    assert client.get(QUEUE).status_code == 403
    staff.groups.add(Group.objects.get_or_create(name=OPERATIONS)[0])
    assert client.get(QUEUE).status_code == 200
