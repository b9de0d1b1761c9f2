"""The receipt promises the buyer word when the gift is delivered and when it's claimed: one email each,
through the outbox, never who the supporter is or when sessions happen; the recipient's subject line
says nothing about support."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from giftcards import services
from notifications.models import Notification
from tests.factories import SeekerFactory
from tests.giftcards.helpers import new_gift, pay, subjects, token_in

pytestmark = pytest.mark.django_db

LA = ZoneInfo("America/Los_Angeles")


def test_a_dated_gift_tells_the_buyer_when_it_is_delivered_and_when_it_is_claimed(after_commit, mailoutbox):
    with time_machine.travel(dt.datetime(2026, 12, 1, 12, tzinfo=LA), tick=False):
        gift = new_gift(delivery_date=dt.date(2026, 12, 24))
        with after_commit():
            pay(gift)
    with time_machine.travel(dt.datetime(2026, 12, 24, 9, 1, tzinfo=LA), tick=False):
        with after_commit():
            assert services.gifts_send_due() == 1
            services.gifts_send_due()
        [recipient_subject] = subjects(mailoutbox, "jamie@example.com")
        assert "support" not in recipient_subject.lower() and "mental" not in recipient_subject.lower()
        seeker = SeekerFactory()
        with after_commit():
            services.gift_claim(seeker=seeker, token=token_in(mailoutbox, "jamie@example.com"))
    buyer = subjects(mailoutbox, "sam@example.com")
    assert buyer == ["Your gift receipt", "Your gift was delivered", "Your gift was claimed"]
    claimed = next(m for m in mailoutbox if m.subject == "Your gift was claimed")
    assert "stays theirs" in claimed.body and "988" in claimed.body
    assert Notification.objects.filter(key=f"gift-{gift.pk}-claimed").count() == 1
    assert Notification.objects.filter(key=f"gift-{gift.pk}-delivered").count() == 1


def test_a_gift_sent_at_once_needs_no_separate_delivered_email(after_commit, mailoutbox):
    with time_machine.travel(dt.datetime(2026, 12, 1, 20, tzinfo=LA), tick=False):
        gift = new_gift()
        with after_commit():
            pay(gift)
    assert subjects(mailoutbox, "sam@example.com") == ["Your gift receipt"]  # it says "we're emailing now"
    assert not Notification.objects.filter(key=f"gift-{gift.pk}-delivered").exists()
