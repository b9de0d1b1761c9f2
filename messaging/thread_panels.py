"""Panels that apps above messaging add to a conversation's page (messaging:thread), the same way
bookings.panels does for the session page: safety adds "File a mandatory report" for the supporter.

A panel is ``(request, conversation, now) -> str``: rendered, escaped HTML, or "" when it has nothing
for this person. Registered from the upper app's ``AppConfig.ready()``; shown on the whole page only
(never in the htmx fragments), in ``order``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe

Panel = Callable[[HttpRequest, object, dt.datetime], str]

_panels: dict[str, tuple[int, Panel]] = {}


def register_thread_panel(key: str, panel: Panel, *, order: int = 100) -> None:
    """Add (or replace, on a second ready()) the panel ``key``."""
    _panels[key] = (order, panel)


def thread_panels(request: HttpRequest, conversation, now: dt.datetime) -> list[SafeString]:
    shown = []
    for _order, panel in sorted(_panels.values(), key=lambda entry: entry[0]):
        html = panel(request, conversation, now)
        if html:
            shown.append(mark_safe(html))  # noqa: S308 (panels return rendered, escaped templates)
    return shown
