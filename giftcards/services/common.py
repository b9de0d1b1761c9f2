"""What the gift services share: their errors, the payable purpose, sending emails after commit."""

import datetime as dt
import logging

from django.utils import timezone

from accounts.timezones import zone
from peersnet.errors import DomainError
from peersnet.kernel.enqueue import enqueue_on_commit

from ..models import Gift, SessionCredit

logger = logging.getLogger("giftcards.services")

Status = Gift.Status
CStatus = SessionCredit.Status


class GiftError(DomainError):
    pass


class GiftLinkInvalid(GiftError):
    """One answer for every link that can't be claimed: wrong, truncated, claimed, refunded, unknown."""

    def __init__(self) -> None:
        super().__init__("This gift link isn't valid any more.", code="invalid_link")


class CreditError(DomainError):
    pass


def today_in(time_zone: str, now: dt.datetime) -> dt.date:
    return timezone.localtime(now, zone(time_zone)).date()


def mail_after_commit(gift_id: int) -> None:
    """Queue the gift's emails once the transaction commits (the periodic task catches up if the broker
    is down)."""
    from ..tasks import send_gift_emails  # tasks import these services: the task module loads after them

    enqueue_on_commit(send_gift_emails, gift_id)
