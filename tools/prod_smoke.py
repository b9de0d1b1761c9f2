"""The HTTP half of `make prod-smoke`: drive the production stack like a person would, then check the mail.

tools/prod_smoke.sh starts gunicorn, the Celery worker and beat from deploy/Procfile (DEBUG off), with
localstripe and an SMTP sink, then runs this. It talks to the site over HTTP only, never importing it:

1. a seeker signs up and confirms their email from the link that arrives at the SMTP sink;
2. saves a card: the card page's SetupIntent is confirmed at localstripe exactly as Stripe.js does it in
   the browser (the publishable key and the client secret from the page; HTTP-only, so no browser), and
   the page's form is posted with the SetupIntent's id;
3. requests the supporter's first open hour;
4. the supporter logs in with their password and a TOTP code, and accepts;
5. the Celery worker charges the card and sends the confirmation: this waits for it at the SMTP sink and
   checks its subject, its .ics invite and the crisis line; the seeker's page says "Confirmed", and
   localstripe holds the succeeded $65 charge.

The client plays the TLS-terminating proxy of deploy/nginx.conf: it sends the public Host and
``X-Forwarded-Proto: https`` to gunicorn over plain HTTP (so Django's SSL redirect and secure cookies
behave as in production), and keeps the Secure cookies a browser would keep on https.

    python tools/prod_smoke.py --web http://127.0.0.1:PORT --site https://peersnet.test \
        --stripe http://127.0.0.1:PORT --mail-dir DIR --supporter supporter.json
"""

import argparse
import datetime as dt
import email
import email.policy
import hashlib
import hmac
import http.client
import json
import re
import struct
import sys
import time
from base64 import b32decode
from email.message import EmailMessage
from html import unescape
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urljoin, urlsplit

PASSWORD = "smoke-Test-password-4821"
TEST_CARD = "4242424242424242"
MAIL_TIMEOUT = 60  # seconds: the worker's first task includes its own start-up


class SmokeFailure(Exception):
    pass


def check(condition: bool, message: str) -> None:
    if not condition:
        raise SmokeFailure(message)


def step(message: str) -> None:
    print(f"prod-smoke: {message}", flush=True)


class Browser:
    """One person's cookies and the proxy's headers, over plain HTTP to gunicorn. Follows no redirect by
    itself: each step says where it expects to land."""

    def __init__(self, web: str, site: str) -> None:
        self.web = urlsplit(web)
        self.site = site.rstrip("/")
        self.host = urlsplit(site).netloc
        self.cookies: dict[str, str] = {}
        self.last_url = self.site + "/"

    def request(
        self, method: str, path: str, data: dict | None = None, *, scheme: str = "https"
    ) -> tuple[int, dict, str]:
        body = urlencode(data or {}, doseq=True) if method == "POST" else None
        headers = {
            "Host": self.host,
            "X-Forwarded-Proto": scheme,
            "X-Forwarded-For": "203.0.113.7",
            "User-Agent": "peersnet-prod-smoke",
            "Accept": "text/html",
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if method == "POST":
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = self.site
            headers["Referer"] = self.last_url
        conn = http.client.HTTPConnection(self.web.hostname, self.web.port, timeout=30)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode("utf-8", "replace")
            for value in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(value).items():
                    if morsel["max-age"] == "0" or morsel.value == "":
                        self.cookies.pop(name, None)
                    else:
                        self.cookies[name] = morsel.value
            response_headers = {k.lower(): v for k, v in response.getheaders()}
        finally:
            conn.close()
        if method == "GET" and response.status == 200:
            self.last_url = self.site + path
        return response.status, response_headers, text

    def get(self, path: str, expect: int = 200) -> str:
        status, headers, text = self.request("GET", path)
        check(status == expect, f"GET {path}: expected {expect}, got {status} {headers.get('location', '')}")
        return text

    def post(self, path: str, data: dict, *, form_page: str | None = None) -> tuple[int, str]:
        """POST with the CSRF token of the form page (the page itself by default). Returns the status and
        the redirect's path (or the page's text when there is no redirect)."""
        page = self.get(form_page or path)
        data = {"csrfmiddlewaretoken": csrf_token(page), **data}
        status, headers, text = self.request("POST", path, data)
        check(status != 403, f"POST {path} refused (403): {text[:300]}")
        check(status < 500, f"POST {path}: server error {status}")
        location = headers.get("location", "")
        if location:
            return status, local_path(self.site, location)
        return status, text


def local_path(site: str, url: str) -> str:
    absolute = urljoin(site + "/", url)
    check(absolute.startswith(site + "/"), f"redirect to another site: {url}")
    parts = urlsplit(absolute)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def csrf_token(page: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    check(match is not None, "no CSRF token on the form page")
    return match.group(1)


def totp_now(secret: str) -> str:
    """RFC 6238 (30 s, 6 digits, SHA-1), the code an authenticator app shows."""
    counter = struct.pack(">Q", int(time.time()) // 30)
    digest = hmac.new(b32decode(secret, casefold=True), counter, hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


# --- The SMTP sink's folder --------------------------------------------------------------------------


def read_mail(mail_dir: Path) -> list[EmailMessage]:
    return [
        email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        for path in sorted(mail_dir.glob("*.eml"))
    ]


def wait_for_mail(mail_dir: Path, *, to: str, subject: str, timeout: float = MAIL_TIMEOUT) -> EmailMessage:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for message in read_mail(mail_dir):
            if to in str(message["To"]) and subject.lower() in str(message["Subject"]).lower():
                return message
        time.sleep(0.25)
    seen = [f"{m['To']}: {m['Subject']}" for m in read_mail(mail_dir)]
    raise SmokeFailure(f"no email {subject!r} to {to} within {timeout:.0f} s; the sink has {seen}")


def text_body(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    check(part is not None, f"email {message['Subject']!r} has no text part")
    return part.get_content()


def html_body(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("html",))
    check(part is not None, f"email {message['Subject']!r} has no HTML part")
    return part.get_content()


# --- localstripe, as Stripe.js and as an operator looking at the dashboard -----------------------------


def stripe_call(stripe: str, method: str, path: str, *, key: str, body: dict | None = None) -> dict:
    parts = urlsplit(stripe)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    headers = {"Authorization": f"Bearer {key}"}
    payload = None
    if body is not None:
        payload = json.dumps(body)
        headers["Content-Type"] = "application/json"
    try:
        conn.request(method, path, body=payload, headers=headers)
        response = conn.getresponse()
        data = json.loads(response.read() or b"{}")
    finally:
        conn.close()
    check(response.status == 200, f"localstripe {method} {path}: {response.status} {data}")
    return data


def confirm_setup_intent_like_stripe_js(stripe: str, *, client_secret: str, publishable_key: str) -> str:
    """What stripe.confirmCardSetup(secret, {payment_method: {card}}) sends from the card page."""
    setup_intent = client_secret.split("_secret_")[0]
    exp_year = dt.date.today().year + 3
    result = stripe_call(
        stripe,
        "POST",
        f"/v1/setup_intents/{setup_intent}/confirm",
        key=publishable_key,
        body={
            "key": publishable_key,
            "client_secret": client_secret,
            "use_stripe_sdk": True,
            "payment_method_data": {
                "type": "card",
                "card": {"number": TEST_CARD, "exp_month": 12, "exp_year": exp_year, "cvc": "123"},
                "billing_details": {"address": {"postal_code": "94110"}},
            },
        },
    )
    check(result.get("status") == "succeeded", f"SetupIntent not confirmed: {result}")
    return result["id"]


# --- The journey -------------------------------------------------------------------------------------


def wait_until_ready(browser: Browser, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    last = "no answer"
    while time.monotonic() < deadline:
        try:
            status, _headers, text = browser.request("GET", "/healthz")
            if status == 200:
                return
            last = f"{status} {text[:200]}"
        except OSError as exc:
            last = str(exc)
        time.sleep(0.5)
    raise SmokeFailure(f"the web process did not become ready: {last}")


def seeker_signs_up(browser: Browser, mail_dir: Path, seeker_email: str) -> None:
    status, where = browser.post(
        "/accounts/signup/",
        {
            "first_name": "Avery",
            "email": seeker_email,
            "password1": PASSWORD,
            "password2": PASSWORD,
            "date_of_birth": (dt.date.today() - dt.timedelta(days=24 * 365)).isoformat(),
            "time_zone": "America/Chicago",
            "agree_terms": "on",
        },
    )
    check(status == 302, f"sign-up did not go through: {status} {where[:500]}")
    message = wait_for_mail(mail_dir, to=seeker_email, subject="Confirm your email", timeout=20)
    match = re.search(r"https://\S+/accounts/confirm-email/[^\s/]+/", text_body(message))
    check(match is not None, "no confirmation link in the sign-up email")
    confirm = local_path(browser.site, match.group(0))
    status, where = browser.post(confirm, {})
    check(status == 302, f"confirming the email failed: {status}")
    page = browser.get("/account/")
    check(seeker_email in page or "Avery" in page, "the seeker is not signed in after confirming")


def first_open_slot(browser: Browser, supporter_id: int) -> int:
    for week in range(4):
        page = browser.get(f"/supporters/{supporter_id}/?week={week}")
        match = re.search(r'href="/book/(\d+)/"', page)
        if match:
            return int(match.group(1))
    raise SmokeFailure("the supporter's profile shows no open slot in four weeks")


def seeker_saves_card(browser: Browser, stripe: str, slot_id: int) -> None:
    # Without a card the booking step shows the summary first, then links on to the card step.
    summary = browser.get(f"/book/{slot_id}/")
    link = re.search(r'href="([^"]*/account/card/[^"]*)"[^>]*>\s*Continue: add a card', summary)
    check(link is not None, "booking without a card did not offer the card step")
    card_page = local_path(browser.site, unescape(link.group(1)))
    check(card_page.startswith("/account/card/"), f"expected the card page, went to {card_page}")
    page = browser.get(card_page)
    setup_url = re.search(r'data-setup-url="([^"]+)"', page)
    key = re.search(r'data-publishable-key="([^"]+)"', page)
    check(setup_url is not None and key is not None, "the card page has no card form")
    # What the card script does when the person submits a card: ask our server for a SetupIntent.
    status, body = browser.post(unescape(setup_url.group(1)), {}, form_page=card_page)
    check(status == 200, f"no SetupIntent for the card form (Stripe unreachable?): {status} {body[:300]}")
    setup_intent = confirm_setup_intent_like_stripe_js(
        stripe, client_secret=json.loads(body)["client_secret"], publishable_key=unescape(key.group(1))
    )
    status, where = browser.post(
        "/account/card/", {"setup_intent": setup_intent, "next": f"/book/{slot_id}/"}, form_page=card_page
    )
    check(status == 302 and where == f"/book/{slot_id}/", f"saving the card failed: {status} {where[:300]}")


def seeker_requests(browser: Browser, slot_id: int) -> int:
    status, where = browser.post(f"/book/{slot_id}/", {"no_personal_relationship": "on"})
    check(status == 302, f"the request was not made: {status} {where[:500]}")
    match = re.search(r"/sessions/(\d+)/", where)
    check(match is not None, f"no booking in the redirect {where}")
    return int(match.group(1))


def supporter_accepts(browser: Browser, supporter: dict, booking_id: int) -> None:
    status, where = browser.post(
        "/accounts/login/", {"login": supporter["email"], "password": supporter["password"]}
    )
    check(status == 302, f"supporter login failed: {status}")
    check("2fa" in where, f"the supporter was not asked for a two-factor code: {where}")
    status, where = browser.post(where, {"code": totp_now(supporter["totp_secret"])})
    check(status == 302, f"the two-factor code was refused: {status} {where[:300]}")
    dashboard = browser.get("/supporter/sessions/")
    check(f"/sessions/{booking_id}/accept/" in dashboard, "the request is not on the supporter's dashboard")
    status, where = browser.post(f"/sessions/{booking_id}/accept/", {}, form_page="/supporter/sessions/")
    check(status == 302, f"accepting failed: {status}")


def confirmation_arrives(mail_dir: Path, seeker_email: str) -> None:
    started = time.monotonic()
    message = wait_for_mail(mail_dir, to=seeker_email, subject="Your session is confirmed")
    step(f"confirmation email at the sink {time.monotonic() - started:.1f} s after accept")
    invites = [part for part in message.iter_attachments() if part.get_content_type() == "text/calendar"]
    check(len(invites) == 1, "the confirmation has no .ics invite")
    check(str(invites[0].get_filename()).endswith(".ics"), "the invite is not an .ics file")
    invite = invites[0].get_content()
    invite = invite.decode() if isinstance(invite, bytes) else invite
    check("BEGIN:VEVENT" in invite, "the .ics invite has no event")
    for body in (text_body(message), html_body(message)):
        check("988" in body, "the confirmation does not show the crisis line (988)")
        check("911" in body, "the confirmation does not show the emergency number (911)")


def booking_is_confirmed(browser: Browser, booking_id: int) -> None:
    page = browser.get(f"/sessions/{booking_id}/")
    check("status--confirmed" in page, "the seeker's booking page does not show the session as confirmed")


def charge_exists(stripe: str, secret_key: str) -> None:
    intents = stripe_call(stripe, "GET", "/v1/payment_intents?limit=100", key=secret_key)["data"]
    paid = [pi for pi in intents if pi["status"] == "succeeded" and pi["amount"] == 6500]
    check(len(paid) == 1, f"expected one succeeded $65 payment at localstripe, found {len(paid)}")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--web", required=True, help="gunicorn's address, e.g. http://127.0.0.1:8000")
    parser.add_argument("--site", required=True, help="SITE_URL, e.g. https://peersnet.test")
    parser.add_argument("--stripe", required=True, help="localstripe's address")
    parser.add_argument("--stripe-secret-key", required=True)
    parser.add_argument("--mail-dir", type=Path, required=True)
    parser.add_argument(
        "--supporter", type=Path, required=True, help="tools/prod_smoke_supporter.py's output"
    )
    args = parser.parse_args()
    supporter = json.loads(args.supporter.read_text())
    seeker_email = f"smoke-seeker-{int(time.time())}@peersnet.test"

    started = time.monotonic()
    try:
        seeker = Browser(args.web, args.site)
        wait_until_ready(seeker)
        step("web is ready")
        status, headers, _ = seeker.request("GET", "/")
        step(f"home page: {status}")
        check(status == 200, f"home page over https: {status}")
        check("strict-transport-security" in headers, "no HSTS header with DEBUG off")
        status, headers, _ = Browser(args.web, args.site).request("GET", "/", scheme="http")
        check(
            status == 301 and headers.get("location", "").startswith(args.site + "/"),
            f"a plain-HTTP request (as the proxy reports it) was not redirected to https: {status}",
        )
        seeker_signs_up(seeker, args.mail_dir, seeker_email)
        step("seeker signed up and confirmed their email (link from the SMTP sink)")
        slot_id = first_open_slot(seeker, supporter["id"])
        seeker_saves_card(seeker, args.stripe, slot_id)
        step("seeker saved a card (SetupIntent confirmed at localstripe as Stripe.js does)")
        booking_id = seeker_requests(seeker, slot_id)
        step(f"seeker requested slot {slot_id}: booking {booking_id}")
        supporter_browser = Browser(args.web, args.site)
        supporter_accepts(supporter_browser, supporter, booking_id)
        step("supporter signed in with a TOTP code and accepted")
        confirmation_arrives(args.mail_dir, seeker_email)
        booking_is_confirmed(seeker, booking_id)
        step("the seeker's booking page says confirmed")
        charge_exists(args.stripe, args.stripe_secret_key)
        step("localstripe holds the succeeded $65 charge")
    except SmokeFailure as exc:
        print(f"prod-smoke: FAILED: {exc}", file=sys.stderr, flush=True)
        return 1
    except (OSError, http.client.HTTPException) as exc:
        print(
            f"prod-smoke: FAILED: lost the stack ({exc!r}); did a process stop?", file=sys.stderr, flush=True
        )
        return 1
    step(f"passed in {time.monotonic() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
