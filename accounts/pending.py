"""Where a visitor was going before they signed up or logged in, kept in their own session.

An app above accounts records it (giftcards: a gift waiting on its claim page, and the address it was
sent to). Then, however the person reaches sign-up or log-in (the button on that page, or the header's
links), allauth's adapter brings them back there after sign-up, email confirmation or log-in, and the
sign-up form suggests the address. The suggestion is only a prefilled field: the address is still
confirmed by email as usual. Django keeps session data across log-in (it only changes the session's key).
"""

from django.http import HttpRequest

SESSION_NEXT = "accounts_pending_next"
SESSION_EMAIL = "accounts_pending_signup_email"
SESSION_CLAIMS = "accounts_pending_claims"


def pending_remember(request: HttpRequest, *, url: str, email: str = "") -> None:
    """Come back to ``url`` (a path of ours, never taken from the browser) after sign-up or log-in."""
    request.session[SESSION_NEXT] = url
    if email:
        request.session[SESSION_EMAIL] = email


def pending_forget(request: HttpRequest) -> None:
    request.session.pop(SESSION_NEXT, None)
    request.session.pop(SESSION_EMAIL, None)


def pending_next_url(request: HttpRequest | None) -> str | None:
    if request is None or not hasattr(request, "session"):
        return None
    url = request.session.get(SESSION_NEXT)
    return url if isinstance(url, str) and url.startswith("/") and not url.startswith("//") else None


def pending_signup_email(request: HttpRequest | None) -> str:
    if request is None or not hasattr(request, "session"):
        return ""
    email = request.session.get(SESSION_EMAIL)
    return email if isinstance(email, str) else ""


def pending_claim_remember(request: HttpRequest, *, kind: str, token: str) -> None:
    """Something a visitor made signed out (an app above's ``kind`` and its secret token) that their
    account takes over if they sign up in this session: ``UserSignedUp.claims`` carries it."""
    claims = request.session.get(SESSION_CLAIMS)
    claims = dict(claims) if isinstance(claims, dict) else {}
    claims[kind] = token
    request.session[SESSION_CLAIMS] = claims


def pending_claim_token(request: HttpRequest | None, kind: str) -> str:
    """The token a visitor's session holds for ``kind`` ("" if none)."""
    if request is None or not hasattr(request, "session"):
        return ""
    claims = request.session.get(SESSION_CLAIMS)
    token = claims.get(kind) if isinstance(claims, dict) else None
    return token if isinstance(token, str) else ""


def pending_claims(request: HttpRequest | None) -> tuple[tuple[str, str], ...]:
    """Every (kind, token) the visitor's session holds, for ``UserSignedUp``."""
    if request is None or not hasattr(request, "session"):
        return ()
    claims = request.session.get(SESSION_CLAIMS)
    if not isinstance(claims, dict):
        return ()
    return tuple((k, v) for k, v in sorted(claims.items()) if isinstance(k, str) and isinstance(v, str))
