"""Error tracking with sentry-sdk (only when SENTRY_DSN is set), with personal data kept out.

What could carry personal data, and what happens to it before an event leaves the process:
request bodies (messages, intake answers, card-form fields) are never read (``max_request_body_size``)
and dropped if present; local variables of stack frames are never captured and dropped if present;
cookies, the query string and every header outside a short allow-list are dropped; the user is reduced
to its id; and every remaining string (exception texts, log messages and their arguments, URLs,
breadcrumbs) has email addresses and URL tokens (gift links, allauth keys) replaced. Each event is
tagged with the request id (and Celery task id) that the log lines carry.
"""

from typing import Any

from celery import current_task
from django_guid import get_guid

from peersnet.logging_filters import scrub_text

FILTERED = "[Filtered]"
SAFE_HEADERS = {
    "host",
    "user-agent",
    "accept",
    "accept-language",
    "content-type",
    "content-length",
    "x-request-id",
    "hx-request",
    "hx-target",
    "x-forwarded-proto",
}


def _scrub_strings(value: Any) -> Any:
    if isinstance(value, str):
        return scrub_text(value)
    if isinstance(value, dict):
        return {key: _scrub_strings(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_scrub_strings(item) for item in value]
    return value


def _drop_frame_vars(container: dict | None) -> None:
    for item in (container or {}).get("values") or []:
        for frame in (item.get("stacktrace") or {}).get("frames") or []:
            frame.pop("vars", None)


def _scrub_request(request: dict) -> dict:
    headers = request.get("headers") or {}
    kept = {name: value for name, value in headers.items() if name.lower() in SAFE_HEADERS}
    url = request.get("url", "")
    return {
        "method": request.get("method"),
        "url": url.split("?", 1)[0],
        "headers": kept,
        **({"query_string": FILTERED} if request.get("query_string") else {}),
        **({"data": FILTERED} if request.get("data") else {}),
    }


def scrub_event(event: dict, hint: dict | None = None) -> dict:
    """``before_send`` (and ``before_send_transaction``): the event without personal data or secrets."""
    if isinstance(event.get("request"), dict):
        event["request"] = _scrub_request(event["request"])
    user = event.get("user")
    if isinstance(user, dict):
        event["user"] = {"id": user["id"]} if user.get("id") else {}
    _drop_frame_vars(event.get("exception"))
    _drop_frame_vars(event.get("threads"))
    breadcrumbs = event.get("breadcrumbs")
    if isinstance(breadcrumbs, dict) and isinstance(breadcrumbs.get("values"), list):
        breadcrumbs["values"] = [scrub_breadcrumb(crumb) for crumb in breadcrumbs["values"]]
    event = _scrub_strings(event)
    if request_id := get_guid():
        event.setdefault("tags", {})["request_id"] = request_id
    if current_task and current_task.request is not None and current_task.request.id:
        event.setdefault("tags", {})["celery_task_id"] = current_task.request.id
    return event


def scrub_breadcrumb(crumb: dict, hint: dict | None = None) -> dict:
    """``before_breadcrumb``: log lines and HTTP calls recorded before an error, scrubbed the same way."""
    crumb = _scrub_strings(crumb)
    data = crumb.get("data")
    if isinstance(data, dict) and isinstance(data.get("url"), str):
        data["url"] = data["url"].split("?", 1)[0]
    return crumb


def sentry_init(*, dsn: str, environment: str, traces_sample_rate: float) -> None:
    """Start sentry-sdk with the Django and Celery integrations and the scrubbing above."""
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        traces_sample_rate=traces_sample_rate,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        send_default_pii=False,
        include_local_variables=False,
        max_request_body_size="never",
        before_send=scrub_event,
        before_send_transaction=scrub_event,
        before_breadcrumb=scrub_breadcrumb,
    )
