"""Links that apps above bookings pin to bookings' pages, which can't import them (the layers).

An upper app registers a provider in its ``AppConfig.ready()``:

- ``register_portal_link(provider)``: ``provider(request) -> PageLink | None``, shown pinned at the top
  of the seeker's portal ("My sessions"); ``request.seeker`` is set;
- ``register_session_link(provider)``: ``provider(request, booking) -> PageLink | None``, shown on the
  session page to either participant.

A provider decides whether its link applies to this person (None hides it) and costs at most one query.
Links are shown in registration order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest


@dataclass(frozen=True)
class PageLink:
    key: str  # the providing feature, e.g. "safety_plan" (also the element's id suffix)
    label: str  # the link text
    url: str
    note: str = ""  # one short sentence beside it, no private text


PortalProvider = Callable[[HttpRequest], PageLink | None]
SessionProvider = Callable[..., PageLink | None]

_portal: dict[str, PortalProvider] = {}
_session: dict[str, SessionProvider] = {}


def register_portal_link(key: str, provider: PortalProvider) -> None:
    """Add (or replace, on a second ready()) the portal link ``key``."""
    _portal[key] = provider


def register_session_link(key: str, provider: SessionProvider) -> None:
    """Add (or replace) the session-page link ``key``."""
    _session[key] = provider


def portal_links(request: HttpRequest) -> list[PageLink]:
    return [link for provider in _portal.values() if (link := provider(request)) is not None]


def session_links(request: HttpRequest, booking) -> list[PageLink]:
    return [link for provider in _session.values() if (link := provider(request, booking)) is not None]
