"""Domain events: how an app below makes something happen in an app above without importing it.

The lower app defines its events as frozen dataclasses and announces them; the upper app registers a
handler in its ``AppConfig.ready()``::

    # payments/events.py           @dataclass(frozen=True)
    #                              class PaymentSucceeded(Event): payable_id: int; purpose: str; ...
    # payments/services/charges.py events.announce(PaymentSucceeded(payable_id=..., purpose=...))
    # bookings/apps.py             events.register(PaymentSucceeded, handlers.on_payment_succeeded)

``announce`` calls every handler of the event's exact type, synchronously, in registration order, in
the announcer's transaction: a handler that raises rolls the announcer's work back with it, and a
handler's own side effects (emails, Celery tasks) go after commit like everything else. Each handler's
docstring says which locks it expects the announcer to hold. No Django signals: the registry is a plain
dict, typed and explicit, and ``handlers_for`` shows who listens.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar


@dataclass(frozen=True)
class Event:
    """Base class of every domain event: a frozen dataclass of plain values (ids, not objects)."""


E = TypeVar("E", bound=Event)
Handler = Callable[[E], None]

_handlers: dict[type[Event], list[Callable[[Event], None]]] = {}


def register(event_type: type[E], handler: Callable[[E], None]) -> None:
    """Call ``handler(event)`` for every announced ``event_type``. Registering the same handler twice
    (a second ``ready()``, say) keeps one registration."""
    if not (isinstance(event_type, type) and issubclass(event_type, Event)):
        raise TypeError(f"{event_type!r} is not an Event type")
    listeners = _handlers.setdefault(event_type, [])
    if handler not in listeners:
        listeners.append(handler)  # type: ignore[arg-type]


def announce(event: Event) -> None:
    """Run the handlers of ``event``'s type now, in the caller's transaction, in registration order."""
    if not isinstance(event, Event):
        raise TypeError(f"{event!r} is not an Event")
    for handler in list(_handlers.get(type(event), ())):
        handler(event)


def handlers_for(event_type: type[Event]) -> tuple[Callable[[Event], None], ...]:
    """Who listens to ``event_type`` (for tests and for reading)."""
    return tuple(_handlers.get(event_type, ()))
