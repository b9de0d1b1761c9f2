"""Safety's pages: the crisis resources in the same response (htmx and full page, messages and intake),
the supervisor queue and a flag's page (supervisors only, every open logged), acknowledging and closing,
the supporter's note, the header count, and query counts."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import strip_tags

from messaging import services as messaging_services
from messaging.models import Message, MessageReport
from privacy.models import AccessLog
from safety import queue, selectors
from safety.models import CrisisFlag
from seekers.models import Intake
from tests.factories import SeekerFactory, StaffFactory, a_conversation

from .conftest import SECRET

pytestmark = pytest.mark.django_db

CRISIS = "I don't want to be alive any more"


def text(page) -> str:
    """What a person reads: no tags, single spaces."""
    raw = page if isinstance(page, str) else page.content.decode()
    return " ".join(strip_tags(raw).split())


def send(conversation, body=CRISIS):
    return messaging_services.message_send(
        conversation_id=conversation.pk, sender=conversation.seeker.user, body=body
    )


def open_flag(conversation=None) -> CrisisFlag:
    conversation = conversation or a_conversation()
    send(conversation)
    return CrisisFlag.objects.get(conversation=conversation)


# --- The crisis resources, at once ---------------------------------------------------------------


def test_htmx_send_with_crisis_language_sends_and_shows_the_resources_in_the_same_response(client, monday):
    conversation = a_conversation()
    client.force_login(conversation.seeker.user)
    url = reverse("messaging:thread", args=[conversation.pk])
    response = client.post(url, {"body": CRISIS}, headers={"HX-Request": "true"})
    page = response.content.decode()
    assert response.status_code == 200
    assert Message.objects.get().body == CRISIS  # sent, not blocked
    assert 'id="crisis-resources-slot" hx-swap-oob="true"' in page
    assert 'role="alert"' in page and "Call or text" in page and 'href="tel:988"' in page
    assert 'href="sms:988"' in page and 'href="tel:911"' in page and reverse("pages:crisis") in page
    assert response["HX-Trigger"] == "messages-sent"
    # An ordinary message: no resources.
    response = client.post(url, {"body": "See you Thursday"}, headers={"HX-Request": "true"})
    assert "crisis-resources-slot" not in response.content.decode()


def test_full_page_send_with_crisis_language_shows_the_resources_on_the_page_it_lands_on(client, monday):
    conversation = a_conversation()
    client.force_login(conversation.seeker.user)
    url = reverse("messaging:thread", args=[conversation.pk])
    response = client.post(url, {"body": CRISIS}, follow=True)
    page = response.content.decode()
    assert Message.objects.count() == 1
    assert response.redirect_chain[-1][0].endswith("#crisis-resources")
    assert 'id="crisis-resources"' in page and "Your message was sent." in page and 'href="tel:988"' in page
    again = client.get(url).content.decode()
    assert 'id="crisis-resources"' not in again  # shown once


def test_intake_with_crisis_language_is_saved_and_the_next_page_shows_the_resources(client, monday):
    seeker = SeekerFactory()
    client.force_login(seeker.user)
    response = client.post(
        reverse("seekers:intake"),
        {
            "preferred_name": "Al",
            "hopes": "Some days I think about suicide",
            "emergency_contact_name": "Sam",
            "emergency_contact_phone": "+1 555 000 1111",
            "acknowledge": "on",
            "share_preferred_name": "on",
        },
        follow=True,
    )
    page = response.content.decode()
    assert Intake.objects.filter(seeker=seeker).exists()
    assert 'id="crisis-resources"' in page and "Your answers are saved." in page
    assert CrisisFlag.objects.get().source == "intake"


# --- Who may open the supervisor pages ------------------------------------------------------------


def urls(flag):
    return [
        ("get", reverse("safety:queue")),
        ("get", reverse("safety:flag", args=[flag.pk])),
        ("post", reverse("safety:flag_acknowledge", args=[flag.pk])),
        ("post", reverse("safety:flag_close", args=[flag.pk])),
    ]


@pytest.mark.parametrize("who", ["own supporter", "other supporter", "seeker", "staff"])
def test_supervisor_pages_are_a_404_to_everyone_else(client, monday, who):
    flag = open_flag()
    people = {
        "own supporter": flag.conversation.supporter.user,
        "other supporter": a_conversation().supporter.user,
        "seeker": flag.seeker.user,
        "staff": StaffFactory(),
    }
    from allauth.mfa.totp.internal.auth import TOTP

    user = people[who]
    TOTP.activate(user, SECRET)
    client.force_login(user)
    for method, url in urls(flag):
        response = getattr(client, method)(url, {"outcome": "no_action", "reason": "x"})
        assert response.status_code == 404, (url, response.status_code)
        assert "be alive" not in response.content.decode()
    flag.refresh_from_db()
    assert flag.acknowledged_at is None and flag.closed_at is None
    assert not AccessLog.objects.exists()


def test_signed_out_people_are_sent_to_log_in(client, monday):
    flag = open_flag()
    response = client.get(reverse("safety:flag", args=[flag.pk]))
    assert response.status_code == 302 and "/login/" in response["Location"]


# --- The flag page ------------------------------------------------------------------------------------


def test_a_supervisor_reads_acknowledges_and_closes_a_flag_and_every_open_is_logged(
    client, monday, make_supervisor
):
    flag = open_flag()
    supervisor = make_supervisor(first_name="Rae Kim")
    client.force_login(supervisor)
    url = reverse("safety:flag", args=[flag.pk])
    page = client.get(url).content.decode()
    assert "do not want to be alive" not in page  # the phrase as listed, not the seeker's whole message
    assert "want to be alive" in page and "suicide" in page
    assert "4 h left" in page
    assert reverse("messaging:supervisor_thread", args=[flag.conversation_id]) in page
    flag_reads = AccessLog.objects.filter(actor=supervisor, record=f"Crisis flag {flag.pk}", kind="read")
    assert flag_reads.count() == 1
    # The conversation is readable by a supervisor while the flag is open.
    assert client.get(reverse("messaging:supervisor_thread", args=[flag.conversation_id])).status_code == 200

    client.post(reverse("safety:flag_acknowledge", args=[flag.pk]))
    flag.refresh_from_db()
    assert flag.acknowledged_by == supervisor
    page = text(client.get(url))
    assert "Acknowledged by Rae Kim" in page
    assert flag_reads.count() == 2

    # "No action" without a reason: a clear message, nothing changed.
    response = client.post(
        reverse("safety:flag_close", args=[flag.pk]), {"outcome": "no_action", "reason": ""}
    )
    assert response.status_code == 400
    assert "Please say why no action is needed." in response.content.decode()
    flag.refresh_from_db()
    assert flag.closed_at is None
    response = client.post(reverse("safety:flag_close", args=[flag.pk]), {"reason": "x"})
    assert response.status_code == 400 and "This field is required" in response.content.decode()

    response = client.post(
        reverse("safety:flag_close", args=[flag.pk]),
        {"outcome": "reached_out", "reason": "Called; safe tonight."},
    )
    assert response.status_code == 302 and response["Location"] == reverse("safety:queue")
    flag.refresh_from_db()
    assert (flag.outcome, flag.outcome_reason, flag.closed_by) == (
        "reached_out",
        "Called; safe tonight.",
        supervisor,
    )
    flag.conversation.refresh_from_db()
    assert flag.conversation.safety_flag_open_at is None
    # Closed: the conversation is no longer open to supervisors on this ground.
    assert client.get(reverse("messaging:supervisor_thread", args=[flag.conversation_id])).status_code == 404


def test_a_supervisor_without_two_factor_is_asked_to_turn_it_on(client, monday):
    from django.contrib.auth.models import Group

    flag = open_flag()
    user = StaffFactory()
    user.groups.add(Group.objects.get_or_create(name="supervisor")[0])
    client.force_login(user)
    response = client.get(reverse("safety:flag", args=[flag.pk]))
    assert response.status_code == 302 and not AccessLog.objects.exists()


def test_the_supporter_sees_that_a_flag_is_open_not_the_words(client, monday, make_supervisor):
    flag = open_flag()
    supporter = flag.conversation.supporter.user
    client.force_login(supporter)
    url = reverse("messaging:thread", args=[flag.conversation_id])
    page = client.get(url).content.decode()
    assert 'id="safety-flag-note"' in page and "A supervisor is looking at this conversation" in page
    assert "suicide" not in page
    client.force_login(flag.seeker.user)
    assert 'id="safety-flag-note"' not in client.get(url).content.decode()  # the seeker isn't told
    from safety import services

    services.flag_close(flag_id=flag.pk, by=make_supervisor(), outcome="reached_out")
    client.force_login(supporter)
    assert 'id="safety-flag-note"' not in client.get(url).content.decode()


# --- The queue -----------------------------------------------------------------------------------------


def test_the_queue_shows_every_section_with_clocks_assignees_and_one_action(client, monday, make_supervisor):
    waiting = open_flag()
    taken = open_flag()
    supervisor = make_supervisor(first_name="Rae Kim")
    from safety import services

    services.flag_acknowledge(flag_id=taken.pk, by=supervisor)
    # A reported message and an overdue reply (from messaging's own selectors).
    conversation = a_conversation()
    message = messaging_services.message_send(
        conversation_id=conversation.pk, sender=conversation.seeker.user, body="hello?"
    )
    messaging_services.message_report(
        message_id=message.pk, reporter=conversation.supporter.user, reason="rude"
    )
    monday.shift(dt.timedelta(hours=49))  # Wednesday 11 AM: the reply is overdue, the waiting flag too

    client.force_login(supervisor)
    page = client.get(reverse("safety:queue")).content.decode()
    for label in ("Crisis flags", "Overdue message replies", "Reported messages"):
        assert label in page
    assert 'hx-trigger="every 30s"' in page and "<script" not in page.split("<main", 1)[1]
    assert f"Crisis flag {waiting.pk}" in page and "clock--overdue" in page and "Overdue by" in page
    assert "taken by Rae Kim" in text(page) and "nobody has taken it yet" in page
    assert reverse("safety:flag", args=[waiting.pk]) in page and ">Acknowledge<" in page
    assert f"Reply overdue in conversation {conversation.pk}" in page
    assert f"Message reported in conversation {conversation.pk}" in page
    assert "be alive" not in page and "rude" not in page and "hello?" not in page
    assert not AccessLog.objects.exists()  # the list itself opens no record

    # A refresh that fails says so above the list (site.js fills the line in; the thread's journey in
    # tests/browser/test_request_problems_journey.py runs the same script).
    assert '<p id="queue-poll-problem" class="callout callout--warning" role="status" hidden' in page
    assert "We can't refresh this list right now." in page

    fragment = client.get(reverse("safety:queue"), headers={"HX-Request": "true"}).content.decode()
    assert fragment.lstrip().startswith('<div id="queue-sections"') and "<html" not in fragment
    assert 'data-poll-problem="queue-poll-problem"' in fragment  # kept by every refresh


def test_the_queue_renders_sections_registered_by_others(client, monday, make_supervisor):
    from safety.queue import QueueItem, _sections

    def provider(now):
        return [
            QueueItem(
                "backup_request", "Backup requested", now, now + dt.timedelta(minutes=10), "/x/", "Take it"
            )
        ]

    queue.register_section("backup_request", "Backup requests", provider, order=5)
    try:
        client.force_login(make_supervisor())
        page = client.get(reverse("safety:queue")).content.decode()
        assert "Backup requests" in page and "10 min left" in page and "clock--soon" in page
    finally:
        _sections.pop("backup_request")


def test_the_queue_and_the_header_count_run_a_constant_number_of_queries(
    client, monday, make_supervisor, django_assert_max_num_queries
):
    supervisor = make_supervisor()
    client.force_login(supervisor)
    open_flag()
    client.get(reverse("safety:queue"))
    cache.delete(selectors.QUEUE_OPEN_KEY)  # the header's count worked out on the measured page too
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("safety:queue"))
    for _ in range(6):
        open_flag()
    cache.delete(selectors.QUEUE_OPEN_KEY)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("safety:queue")).content.decode()
    assert 'id="nav-queue"' in page and '<span class="badge">7</span>' in page
    # With the count in the cache (every page within 30 seconds), the header costs no query at all.
    with django_assert_max_num_queries(len(few.captured_queries) - 3):
        client.get(reverse("safety:queue"))


def test_the_header_count_is_cached_and_forgotten_when_a_flag_opens_or_closes(
    client, monday, make_supervisor
):
    supervisor = make_supervisor()
    client.force_login(supervisor)
    flag = open_flag()
    assert '<span class="badge">1</span>' in client.get(reverse("messaging:list")).content.decode()
    with CaptureQueriesContext(connection) as seen:
        client.get(reverse("messaging:list"))
    assert not [q for q in seen.captured_queries if "safety_crisisflag" in q["sql"]]
    from safety import services

    services.flag_close(flag_id=flag.pk, by=supervisor, outcome="referred")
    assert '<span class="badge">0</span>' in client.get(reverse("messaging:list")).content.decode()


def test_the_header_count_costs_nothing_for_anyone_but_supervisors(client, monday):
    open_flag()
    conversation = a_conversation()
    client.force_login(conversation.seeker.user)
    url = reverse("messaging:list")
    client.get(url)
    with CaptureQueriesContext(connection) as seen:
        page = client.get(url).content.decode()
    assert 'id="nav-queue"' not in page
    assert not [q for q in seen.captured_queries if "safety_crisisflag" in q["sql"]]


def test_the_admin_header_counts_open_items_for_supervisors(client, monday, make_supervisor):
    open_flag()
    client.force_login(make_supervisor())
    page = client.get("/admin/").content.decode()
    assert "Supervisor queue (1 open)" in page


def test_reports_count_in_the_queue(client, monday, make_supervisor):
    conversation = a_conversation()
    message = send(conversation, "hello")
    MessageReport.objects.create(
        message=message, reporter=conversation.supporter.user, reason="x", created_at=message.sent_at
    )
    assert queue.counts(message.sent_at)["reported_message"] == 1
