"""Conflicts of interest. A seeker's "I know this person" hides a supporter from them everywhere (with an
undo); a supporter's decline with "I know this person" is free for the seeker, tells them nothing more
than "this supporter can't take this session", and blocks the pair both ways for good."""

import pytest
from django.urls import reverse

from bookings.models import Booking
from bookings.services import BookingError, booking_request
from matching.models import TeamRequest
from matching.services import MatchingError, team_request_answer
from payments.models import Payment
from supporters.models import SupporterConflict
from tests.bookings.test_views import login_supporter
from tests.factories import BookingFactory, SeekerFactory, SlotFactory, StaffFactory, SupporterFactory
from tests.payments.helpers import give_card

pytestmark = pytest.mark.django_db

DIRECTORY = reverse("supporters:directory")
NEXT_AVAILABLE = reverse("supporters:next_available")


def visible_everywhere(client, supporter) -> dict[str, bool]:
    profile = client.get(reverse("supporters:profile", args=[supporter.pk]))
    link = f'href="/supporters/{supporter.pk}/"'
    return {
        "directory": link in client.get(DIRECTORY).content.decode(),
        "next available": supporter.display_name in client.get(NEXT_AVAILABLE).content.decode(),
        "profile": profile.status_code == 200,
    }


def test_seeker_hides_a_supporter_from_every_page_and_undoes_it(client):
    seeker = SeekerFactory()
    ana = SupporterFactory(display_name="Ana Hidden")
    other = SupporterFactory(display_name="Bo Shown")
    SlotFactory(supporter=ana)
    SlotFactory(supporter=other)
    client.force_login(seeker.user)
    assert visible_everywhere(client, ana) == {"directory": True, "next available": True, "profile": True}

    response = client.post(reverse("matching:hide", args=[ana.pk]), {"next": f"/supporters/{ana.pk}/"})
    assert response.url == DIRECTORY  # not back to a profile they can no longer see
    assert visible_everywhere(client, ana) == {"directory": False, "next available": False, "profile": False}
    assert visible_everywhere(client, other)["directory"]
    # Still there for everyone else.
    from django.test import Client

    assert visible_everywhere(Client(), ana)["directory"]

    hidden_page = client.get(reverse("matching:hidden")).content.decode()
    assert "Ana Hidden" in hidden_page
    conflict = SupporterConflict.objects.get()
    client.post(reverse("matching:unhide", args=[conflict.pk]))
    assert not SupporterConflict.objects.exists()
    assert visible_everywhere(client, ana) == {"directory": True, "next available": True, "profile": True}


def test_hiding_twice_keeps_one_row_and_an_unknown_supporter_is_refused(client):
    seeker = SeekerFactory()
    ana = SupporterFactory()
    client.force_login(seeker.user)
    client.post(reverse("matching:hide", args=[ana.pk]))
    client.post(reverse("matching:hide", args=[ana.pk]))
    assert SupporterConflict.objects.count() == 1
    response = client.post(reverse("matching:hide", args=[999999]), follow=True)
    assert "We couldn&#x27;t find that supporter." in response.content.decode()
    assert SupporterConflict.objects.count() == 1


def test_hide_needs_a_signed_in_seeker(client):
    ana = SupporterFactory()
    assert client.post(reverse("matching:hide", args=[ana.pk])).status_code == 302
    assert not SupporterConflict.objects.exists()
    client.force_login(SupporterFactory().user)
    assert client.post(reverse("matching:hide", args=[ana.pk])).status_code == 404


def test_undo_of_someone_elses_conflict_is_404(client):
    mine, theirs = SeekerFactory(), SeekerFactory()
    conflict = SupporterConflict.objects.create(
        seeker_user=theirs.user, supporter=SupporterFactory(), raised_by="seeker"
    )
    client.force_login(mine.user)
    assert client.post(reverse("matching:unhide", args=[conflict.pk])).status_code == 404
    assert SupporterConflict.objects.filter(pk=conflict.pk).exists()


def test_a_hidden_supporter_cannot_be_requested():
    seeker = SeekerFactory()
    give_card(seeker)
    slot = SlotFactory()
    SupporterConflict.objects.create(seeker_user=seeker.user, supporter=slot.supporter, raised_by="seeker")
    with pytest.raises(BookingError) as caught:
        booking_request(seeker=seeker, slot_id=slot.pk, confirms_no_personal_relationship=True)
    assert caught.value.message == "This supporter can't take this session."
    slot.refresh_from_db()
    assert slot.status == "open" and not Booking.objects.exists()


def test_supporter_declines_with_i_know_this_person(client, django_capture_on_commit_callbacks, mailoutbox):
    booking = BookingFactory()
    other_request = BookingFactory(seeker=booking.seeker, slot__supporter=booking.supporter, hours_ahead=120)
    seeker = booking.seeker
    give_card(seeker)
    login_supporter(client, booking.supporter)
    page = client.get(reverse("bookings:decline", args=[booking.pk])).content.decode()
    assert "I know this person" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("bookings:decline", args=[booking.pk]), {"knows_seeker": "on", "reason": "My cousin"}
        )
    assert response.status_code == 302
    booking.refresh_from_db(), other_request.refresh_from_db()
    assert (booking.status, other_request.status) == ("declined", "declined")
    assert booking.decline_reason == "I know this person. My cousin"  # for staff only
    # Free for the seeker: nothing charged, nothing owed.
    assert not Payment.objects.exists()
    assert booking.amount_paid_cents == 0
    # The seeker hears only that the supporter can't take this session, and where to go next.
    to_seeker = [m for m in mailoutbox if m.to == [seeker.user.email]]
    assert to_seeker
    for message in to_seeker:
        assert f"{booking.supporter.display_name} can't take this session." in message.body
        assert "know" not in message.body.lower() and "cousin" not in message.body.lower()
        assert reverse("matching:start") in message.body
        assert "ask our team" in message.body.lower()
    # Blocked, and the supporter made it: the seeker can't undo it and doesn't see it listed.
    conflict = SupporterConflict.objects.get()
    assert conflict.raised_by == SupporterConflict.RaisedBy.SUPPORTER


def test_a_pair_blocked_by_the_supporter_is_blocked_both_ways(client):
    seeker = SeekerFactory()
    give_card(seeker)
    supporter = SupporterFactory(display_name="Cam Blocked")
    slot = SlotFactory(supporter=supporter)
    conflict = SupporterConflict.objects.create(
        seeker_user=seeker.user, supporter=supporter, raised_by="supporter"
    )
    client.force_login(seeker.user)
    # The seeker never sees or books the supporter…
    assert visible_everywhere(client, supporter) == {
        "directory": False,
        "next available": False,
        "profile": False,
    }
    with pytest.raises(BookingError):
        booking_request(seeker=seeker, slot_id=slot.pk, confirms_no_personal_relationship=True)
    # …can't undo it, and isn't told about it on their hidden list.
    assert client.post(reverse("matching:unhide", args=[conflict.pk])).status_code == 404
    assert "Cam Blocked" not in client.get(reverse("matching:hidden")).content.decode()
    # …and our team can't suggest the supporter to them either.
    team_request = TeamRequest.objects.create(
        seeker=seeker, created_at=conflict.created_at, due_at=conflict.created_at
    )
    with pytest.raises(MatchingError) as caught:
        team_request_answer(request_id=team_request.pk, by=StaffFactory(), picks=[(supporter.pk, "")])
    assert caught.value.code == "conflict"


def test_a_hide_the_seeker_made_becomes_the_supporters_block_when_they_decline():
    from supporters.services import conflict_block, conflict_hide

    seeker, supporter = SeekerFactory(), SupporterFactory()
    conflict_hide(seeker_user=seeker.user, supporter_id=supporter.pk)
    conflict_block(seeker_user=seeker.user, supporter=supporter)
    assert list(SupporterConflict.objects.values_list("raised_by", flat=True)) == ["supporter"]


def test_a_plain_decline_blocks_nothing(client, django_capture_on_commit_callbacks, mailoutbox):
    booking = BookingFactory()
    login_supporter(client, booking.supporter)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("bookings:decline", args=[booking.pk]), {"reason": ""})
    booking.refresh_from_db()
    assert booking.status == "declined"
    assert not SupporterConflict.objects.exists()


def test_the_booking_step_of_a_hidden_supporters_time_is_404(client):
    seeker = SeekerFactory()
    give_card(seeker)
    slot = SlotFactory()
    client.force_login(seeker.user)
    assert client.get(reverse("bookings:request", args=[slot.pk])).status_code == 200
    SupporterConflict.objects.create(seeker_user=seeker.user, supporter=slot.supporter, raised_by="seeker")
    assert client.get(reverse("bookings:request", args=[slot.pk])).status_code == 404
    assert client.post(reverse("bookings:request", args=[slot.pk]), {}).status_code == 404
    assert not Booking.objects.exists()
