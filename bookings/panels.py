"""Panels that apps above bookings add to the session page (bookings:detail).

bookings can't import the apps above it, so they register here from their ``AppConfig.ready()``: safety
adds "Get backup now" and "File a mandatory report" for the supporter. A panel is a function
``(request, booking, now) -> str`` that returns HTML (already escaped, e.g. ``render_to_string``) or ""
when it has nothing to show to this person now; it decides who sees it (``request.user``). Panels are shown
in ``order`` (lower first), below the session's own actions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe

Panel = Callable[[HttpRequest, object, dt.datetime], str]

_panels: dict[str, tuple[int, Panel]] = {}


def register_session_panel(key: str, panel: Panel, *, order: int = 100) -> None:
    """Add (or replace, on a second ready()) the panel ``key``."""
    _panels[key] = (order, panel)


def session_panels(request: HttpRequest, booking, now: dt.datetime) -> list[SafeString]:
    """The HTML of every registered panel that has something to show, in order."""
    shown = []
    for _order, panel in sorted(_panels.values(), key=lambda entry: entry[0]):
        html = panel(request, booking, now)
        if html:
            shown.append(mark_safe(html))  # noqa: S308 (panels return rendered, escaped templates)
    return shown
