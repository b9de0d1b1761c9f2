"""Messaging pages: who may open what (404 for everyone else), the thread with and without htmx, the
lists, their query counts, the supervisor's reads in the access log."""

import datetime as dt
import re

import pytest
import time_machine
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.models import Group
from django.urls import reverse

from messaging import services
from messaging.models import Conversation, Message, MessageReport
from privacy.models import AccessLog
from tests.factories import (
    BookingFactory,
    LeaveFactory,
    SeekerFactory,
    StaffFactory,
    SupporterFactory,
    a_conversation,
    conversation_for,
)

pytestmark = pytest.mark.django_db

SECRET = "JBSWY3DPEHPK3PXP"


def send(conversation, who, body="Hello there"):
    user = conversation.seeker.user if who == "seeker" else conversation.supporter.user
    return services.message_send(conversation_id=conversation.pk, sender=user, body=body)


def supervisor():
    user = StaffFactory()
    user.groups.add(Group.objects.get_or_create(name="supervisor")[0])
    TOTP.activate(user, SECRET)
    return user


def outsiders():
    """Another seeker, another supporter (with their own conversation), staff without the supervisor role."""
    other = a_conversation()
    staff = StaffFactory()
    TOTP.activate(staff, SECRET)
    return {"seeker": other.seeker.user, "supporter": other.supporter.user, "staff": staff}


def every_url(conversation, message, booking):
    return [
        ("get", reverse("messaging:thread", args=[conversation.pk])),
        ("post", reverse("messaging:thread", args=[conversation.pk])),
        ("get", reverse("messaging:new", args=[conversation.pk]) + "?after=0"),
        ("get", reverse("messaging:pause", args=[conversation.pk])),
        ("post", reverse("messaging:pause", args=[conversation.pk])),
        ("get", reverse("messaging:report", args=[conversation.pk, message.pk])),
        ("post", reverse("messaging:report", args=[conversation.pk, message.pk])),
        ("get", reverse("messaging:for_booking", args=[booking.pk])),
        ("get", reverse("messaging:supervisor_thread", args=[conversation.pk])),
    ]


@pytest.mark.parametrize("who", ["seeker", "supporter", "staff"])
@pytest.mark.parametrize("htmx", [False, True])
def test_every_messaging_url_is_a_404_to_anyone_else(client, who, htmx):
    booking = BookingFactory(status="confirmed")
    conversation = conversation_for(booking)
    message = send(conversation, "seeker", "private")
    client.force_login(outsiders()[who])
    headers = {"HX-Request": "true"} if htmx else {}
    for method, url in every_url(conversation, message, booking):
        response = getattr(client, method)(
            url, {"body": "sneaky", "reason": "x"} if method == "post" else None, headers=headers
        )
        assert response.status_code == 404, (method, url, response.status_code)
    assert Message.objects.count() == 1
    assert MessageReport.objects.count() == 0
    assert Conversation.objects.get(pk=conversation.pk).paused_at is None


def test_a_message_of_another_conversation_cannot_be_reported_through_ones_own(client):
    mine = a_conversation()
    theirs = a_conversation()
    message = send(theirs, "seeker")
    client.force_login(mine.seeker.user)
    url = reverse("messaging:report", args=[mine.pk, message.pk])
    assert client.post(url, {"reason": "x"}).status_code == 404


def test_a_seeker_cannot_pause_and_signed_out_visitors_are_sent_to_log_in(client):
    conversation = a_conversation()
    response = client.get(reverse("messaging:thread", args=[conversation.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(conversation.seeker.user)
    assert client.get(reverse("messaging:pause", args=[conversation.pk])).status_code == 404


def test_the_list_shows_only_ones_own_conversations(client):
    mine = a_conversation(slot__supporter__display_name="Ana Lopez")
    a_conversation(slot__supporter__display_name="Someone Else")
    client.force_login(mine.seeker.user)
    page = client.get(reverse("messaging:list")).content.decode()
    assert "Ana Lopez" in page and "Someone Else" not in page


# --- The thread ------------------------------------------------------------------------------------


def test_the_thread_shows_the_calm_banner_the_limit_and_the_no_links_note(client):
    conversation = a_conversation()
    client.force_login(conversation.seeker.user)
    page = client.get(reverse("messaging:thread", args=[conversation.pk])).content.decode()
    assert "Messages are not watched around the clock" in page
    assert 'call or text <a href="tel:988">988</a>' in page and "911" in page
    assert "Up to 4,000 characters" in page
    assert "don't share links, files" in page
    assert 'maxlength="4000"' in page


def test_what_people_wrote_is_escaped_inside_hx_disable(client):
    conversation = a_conversation()
    send(conversation, "seeker", '<script>alert(1)</script><div hx-get="/x">')
    client.force_login(conversation.supporter.user)
    page = client.get(reverse("messaging:thread", args=[conversation.pk])).content.decode()
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert re.search(r'<ol class="msgs" id="message-list" hx-disable', page)


def test_sending_without_javascript_redirects_to_the_thread(client):
    conversation = a_conversation()
    client.force_login(conversation.seeker.user)
    url = reverse("messaging:thread", args=[conversation.pk])
    response = client.post(url, {"body": "Hi Ana"})
    assert response.status_code == 302 and response["Location"] == url + "#latest"
    page = client.get(url).content.decode()
    assert "Hi Ana" in page and "Delivered" in page


def test_sending_with_htmx_returns_an_empty_form_and_asks_the_thread_to_fetch(client):
    conversation = a_conversation()
    client.force_login(conversation.seeker.user)
    url = reverse("messaging:thread", args=[conversation.pk])
    response = client.post(url, {"body": "Hi Ana"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response["HX-Trigger"] == "messages-sent"
    body = response.content.decode()
    assert body.lstrip().startswith('<form id="send-form"') and "Hi Ana" not in body
    assert Message.objects.get().body == "Hi Ana"


@pytest.mark.parametrize("htmx", [False, True])
def test_a_failed_send_keeps_the_draft_and_says_why(client, htmx):
    conversation = a_conversation()
    client.force_login(conversation.seeker.user)
    url = reverse("messaging:thread", args=[conversation.pk])
    draft = "A long draft " + "x" * 4000
    response = client.post(url, {"body": draft}, headers={"HX-Request": "true"} if htmx else {})
    assert response.status_code == (200 if htmx else 400)
    body = response.content.decode()
    assert draft in body
    assert "up to 4000 characters" in body or "up to 4,000 characters" in body
    assert Message.objects.count() == 0


def test_the_rate_limit_is_a_clear_message_and_keeps_the_draft(client, settings):
    settings.MESSAGING_SEND_LIMIT = 2
    conversation = a_conversation()
    client.force_login(conversation.seeker.user)
    url = reverse("messaging:thread", args=[conversation.pk])
    client.post(url, {"body": "one"})
    client.post(url, {"body": "two"})
    response = client.post(url, {"body": "three, kept"})
    assert response.status_code == 429
    assert "wait a few minutes" in response.content.decode()
    assert "three, kept" in response.content.decode()
    assert Message.objects.count() == 2


def test_polling_returns_new_messages_out_of_band_and_marks_them_read(client):
    conversation = a_conversation()
    first = send(conversation, "seeker", "first")
    client.force_login(conversation.supporter.user)
    url = reverse("messaging:new", args=[conversation.pk])
    assert Conversation.objects.get().supporter_unread == 1
    response = client.get(f"{url}?after=0", headers={"HX-Request": "true"})
    body = response.content.decode()
    assert 'hx-swap-oob="beforeend:#message-list"' in body and "first" in body
    assert f"?after={first.pk}" in body
    assert "every 20s" in body and "data-poll-when-visible" in body
    assert Conversation.objects.get().supporter_unread == 0
    nothing_new = client.get(f"{url}?after={first.pk}").content.decode()
    assert "hx-swap-oob" not in nothing_new


def test_the_header_badge_counts_unread_and_opening_the_thread_clears_it(client, django_assert_num_queries):
    conversation = a_conversation()
    other = conversation_for(BookingFactory(seeker=conversation.seeker, status="confirmed", hours_ahead=100))
    send(conversation, "supporter", "one")
    send(conversation, "supporter", "two")
    send(other, "supporter", "three")
    client.force_login(conversation.seeker.user)
    page = client.get(reverse("bookings:portal")).content.decode()
    assert f'hx-get="{reverse("messaging:unread")}"' in page
    assert "(3 unread)" in page  # the portal's own link says it without JavaScript
    badge = client.get(reverse("messaging:unread"))
    assert re.search(r'id="unread-badge">3<', badge.content.decode())
    assert "no-store" in badge["Cache-Control"]
    client.get(reverse("messaging:thread", args=[conversation.pk]))
    assert re.search(r'id="unread-badge">1<', client.get(reverse("messaging:unread")).content.decode())
    assert "1 unread" in client.get(reverse("messaging:list")).content.decode()
    client.get(reverse("messaging:thread", args=[other.pk]))
    assert "badge" not in client.get(reverse("messaging:unread")).content.decode()
    with django_assert_num_queries(5):  # session, user, the two profiles, then the count
        client.get(reverse("messaging:unread"))


def test_the_badge_is_empty_for_visitors_who_are_signed_out(client):
    response = client.get(reverse("messaging:unread"))
    assert response.status_code == 200 and "badge" not in response.content.decode()


def test_a_closed_conversation_is_read_only_with_a_book_again_link(client):
    conversation = a_conversation()
    send(conversation, "seeker", "old message")
    with time_machine.travel(Conversation.objects.get().last_session_end + dt.timedelta(days=91), tick=False):
        client.force_login(conversation.seeker.user)
        page = client.get(reverse("messaging:thread", args=[conversation.pk])).content.decode()
    assert "old message" in page
    assert "Book again to keep talking" in page
    assert 'id="send-form"' not in page


def test_the_seeker_sees_the_supporter_is_away_before_writing(client):
    conversation = a_conversation(slot__supporter__display_name="Ana Lopez")
    LeaveFactory(supporter=conversation.supporter, end_date=dt.date.today() + dt.timedelta(days=20))
    client.force_login(conversation.seeker.user)
    page = client.get(reverse("messaging:thread", args=[conversation.pk])).content.decode()
    assert "Ana Lopez is away until" in page
    assert 'id="send-form"' in page  # messages still arrive


def test_the_seeker_sees_an_honest_note_once_the_reply_is_overdue(client):
    start = dt.datetime(2026, 11, 30, 18, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        conversation = a_conversation(slot__supporter__display_name="Ana Lopez")
        send(conversation, "seeker")
    client.force_login(conversation.seeker.user)
    url = reverse("messaging:thread", args=[conversation.pk])
    with time_machine.travel(start + dt.timedelta(hours=47, minutes=59), tick=False):
        assert "hasn't replied yet" not in client.get(url).content.decode()
    with time_machine.travel(start + dt.timedelta(hours=48), tick=False):
        assert "Ana Lopez hasn't replied yet; our team has been told." in client.get(url).content.decode()


def test_the_supporter_dashboard_lists_waiting_conversations_oldest_first_with_reply_by(client):
    start = dt.datetime(2026, 11, 30, 18, 0, tzinfo=dt.UTC)  # 10:00 Pacific
    supporter = SupporterFactory()
    TOTP.activate(supporter.user, SECRET)
    with time_machine.travel(start, tick=False):
        older = conversation_for(
            BookingFactory(slot__supporter=supporter, status="confirmed", seeker__user__first_name="Ola")
        )
    with time_machine.travel(start, tick=False):
        send(older, "seeker")
    with time_machine.travel(start + dt.timedelta(hours=3), tick=False):
        newer = conversation_for(
            BookingFactory(
                slot__supporter=supporter, status="confirmed", seeker__user__first_name="Nia", hours_ahead=100
            )
        )
        send(newer, "seeker")
    client.force_login(supporter.user)
    with time_machine.travel(start + dt.timedelta(hours=4), tick=False):
        page = client.get(reverse("bookings:supporter_dashboard")).content.decode()
    section = page[page.index('id="waiting-replies"') :]
    assert section.index("Ola") < section.index("Nia")
    assert "reply by Wednesday 2 December, 10:00 AM Pacific Time" in section


# --- Preferences, reports, pauses ------------------------------------------------------------------


def test_message_emails_can_be_turned_off_from_my_account(client):
    user = SeekerFactory().user
    client.force_login(user)
    assert reverse("messaging:preferences") in client.get(reverse("accounts:home")).content.decode()
    response = client.post(reverse("messaging:preferences"), {})
    assert response.status_code == 302
    assert services.wants_message_emails(user.pk) is False
    client.post(reverse("messaging:preferences"), {"message_emails": "on"})
    assert services.wants_message_emails(user.pk) is True


def test_reporting_a_message_needs_a_reason_and_goes_to_the_supervisor_list(client):
    conversation = a_conversation()
    message = send(conversation, "seeker")
    client.force_login(conversation.supporter.user)
    url = reverse("messaging:report", args=[conversation.pk, message.pk])
    assert "Please tell us briefly" in client.post(url, {"reason": ""}).content.decode()
    assert MessageReport.objects.count() == 0
    assert client.post(url, {"reason": "Threatening"}).status_code == 302
    assert MessageReport.objects.get().reason == "Threatening"
    client.force_login(supervisor())
    page = client.get(reverse("messaging:supervisor_list")).content.decode()
    assert f"Conversation {conversation.pk}</a>, reported" in page


def test_the_supporter_pauses_with_a_reason_staff_see(client):
    conversation = a_conversation()
    client.force_login(conversation.supporter.user)
    url = reverse("messaging:pause", args=[conversation.pk])
    assert client.post(url, {"reason": "Kept asking to meet in person"}).status_code == 302
    page = client.get(reverse("messaging:thread", args=[conversation.pk])).content.decode()
    assert "This conversation is paused" in page and 'id="send-form"' not in page
    boss = supervisor()
    client.force_login(boss)
    page = client.get(reverse("messaging:supervisor_thread", args=[conversation.pk])).content.decode()
    assert "Kept asking to meet in person" in page


# --- Supervisors -----------------------------------------------------------------------------------


def test_a_supervisor_reads_only_a_conversation_they_are_handling_and_every_read_is_logged(client):
    start = dt.datetime(2026, 11, 30, 18, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        conversation = a_conversation()
        send(conversation, "seeker", "Waiting for an answer")
    boss = supervisor()
    client.force_login(boss)
    url = reverse("messaging:supervisor_thread", args=[conversation.pk])
    with time_machine.travel(start + dt.timedelta(hours=47), tick=False):
        assert client.get(url).status_code == 404  # not overdue, not reported: none of their business
        assert "None." in client.get(reverse("messaging:supervisor_list")).content.decode()
    assert AccessLog.objects.count() == 0
    with time_machine.travel(start + dt.timedelta(hours=48), tick=False):
        listing = client.get(reverse("messaging:supervisor_list")).content.decode()
        assert url in listing
        page = client.get(url).content.decode()
        client.get(url)
    assert "Waiting for an answer" in page
    logs = list(AccessLog.objects.filter(actor=boss))
    assert len(logs) == 2 and all(log.object_id == str(conversation.pk) for log in logs)
    assert logs[0].page == url
    # The participants' own thread stays closed to the supervisor.
    assert client.get(reverse("messaging:thread", args=[conversation.pk])).status_code == 404


def test_the_supervisor_list_is_a_404_for_other_staff_and_people(client):
    staff = StaffFactory()
    TOTP.activate(staff, SECRET)
    for user in (staff, SeekerFactory().user):
        client.force_login(user)
        assert client.get(reverse("messaging:supervisor_list")).status_code == 404


# --- Query counts ----------------------------------------------------------------------------------


LIST_QUERIES = 5


@pytest.mark.parametrize("n", [1, 12])
def test_the_messages_list_query_count_is_constant(client, django_assert_num_queries, n):
    seeker = SeekerFactory()
    for i in range(n):
        conversation = conversation_for(
            BookingFactory(seeker=seeker, status="confirmed", hours_ahead=72 + 24 * i)
        )
        send(conversation, "supporter", "hello")
    client.force_login(seeker.user)
    client.get(reverse("messaging:list"))  # the session and the header count, as on any later page
    with django_assert_num_queries(LIST_QUERIES):
        assert client.get(reverse("messaging:list")).status_code == 200


THREAD_QUERIES = 7


@pytest.mark.parametrize("n", [3, 200])
def test_a_thread_page_query_count_is_constant_in_its_messages(client, django_assert_num_queries, n):
    conversation = a_conversation()
    for i in range(n):
        Message.objects.create(
            conversation=conversation,
            sender=conversation.seeker.user if i % 2 else conversation.supporter.user,
            side="seeker" if i % 2 else "supporter",
            body=f"message {i}",
            sent_at=dt.datetime(2026, 11, 1, tzinfo=dt.UTC) + dt.timedelta(minutes=i),
        )
    client.force_login(conversation.seeker.user)
    url = reverse("messaging:thread", args=[conversation.pk])
    client.get(url)
    with django_assert_num_queries(THREAD_QUERIES):
        page = client.get(url).content.decode()
    assert page.count('class="msg msg--') == min(n, 50)
    if n > 50:
        assert "Earlier messages" in page
