"""allauth's account adapter: where allauth meets our apps. It sits in the site layer, above every app,
because it wires allauth to two of them: sign-up announces ``UserSignedUp`` (seekers makes the profile)
and every email allauth sends goes through the notifications outbox. ``accounts`` itself imports no
other app."""

import uuid

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.events import UserSignedUp
from accounts.pending import pending_claims, pending_next_url
from notifications.services import notification_queue_rendered
from peersnet.kernel import events

# allauth's emails whose body holds a one-time secret (a confirmation key, a reset link, a code).
SECRET_EMAILS = frozenset(
    {
        "account/email/email_confirmation",
        "account/email/email_confirmation_signup",
        "account/email/password_reset_key",
        "account/email/password_reset_code",
        "account/email/login_code",
    }
)
SECRET_CONTEXT_KEYS = ("key", "code", "activate_url")


class AccountAdapter(DefaultAccountAdapter):
    """Sign-up creates a seeker: the user row and what the apps above make of it (seekers: the seeker
    profile, on UserSignedUp; matching: questionnaire answers given signed out, from the session's
    claims) commit together or not at all.

    Every email allauth sends (confirm your address, reset your password, unknown account, account
    already exists, address and password changed, two-factor notices) is written in our words
    (templates/account/email/, templates/mfa/email/) and goes through our outbox, never straight to the
    mail server: a mail-server outage delays it and never turns a sign-up or a password reset into an
    error page, and the periodic sweep sends it when the server is back.
    """

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        data = form.cleaned_data
        user.first_name = data["first_name"]
        user.date_of_birth = data["date_of_birth"]
        user.time_zone = data["time_zone"]
        user.terms_accepted_at = timezone.now()
        if commit:
            with transaction.atomic():
                user.save()
                events.announce(UserSignedUp(user_id=user.pk, claims=pending_claims(request)))
        return user

    # --- where to go next ---------------------------------------------------------------------------
    # A page the visitor was on before signing up (a gift to claim, accounts.pending) wins over the
    # defaults; an explicit ?next= still wins over both (allauth reads it first).

    def get_login_redirect_url(self, request):
        return pending_next_url(request) or super().get_login_redirect_url(request)

    def get_signup_redirect_url(self, request):
        """A new account (once its address is confirmed) lands on the welcome page's next step."""
        return pending_next_url(request) or reverse("accounts:welcome")

    def get_email_verification_redirect_url(self, email_address):
        pending = pending_next_url(self.request)
        if pending:
            return pending
        user = self.request.user
        if user.is_authenticated and user.emailaddress_set.count() == 1:
            return reverse("accounts:welcome")  # a new account's first address; a changed one goes back
        return super().get_email_verification_redirect_url(email_address)

    # --- email -------------------------------------------------------------------------------------

    def send_notification_mail(self, template_prefix, user, context=None, email=None):
        """allauth's "something changed on your account" notices; the user is passed on for the greeting."""
        return super().send_notification_mail(template_prefix, user, {"user": user, **(context or {})}, email)

    def render_mail(self, template_prefix, email, context, headers=None):
        """allauth's text body from our templates, and an HTML body built from the same words."""
        context = {"SITE_URL": settings.SITE_URL, "SUPPORT_EMAIL": settings.SUPPORT_EMAIL, **context}
        message = super().render_mail(template_prefix, email, context, headers=headers)
        if not getattr(message, "alternatives", None):
            content = render_to_string(f"{template_prefix}_message.txt", {**context, "for_html": True})
            paragraphs = [p.strip() for p in content.strip().split("\n\n") if p.strip()]
            html = render_to_string(
                "account/email/message.html",
                {**context, "subject": message.subject, "paragraphs": paragraphs},
            )
            message.attach_alternative(html, "text/html")
        return message

    def send_mail(self, template_prefix, email, context):
        """Write allauth's email to the outbox instead of sending it now (DESIGN §8).

        Emails with a one-time secret (confirmation and reset links are themselves the secret) can't be
        rendered later from a secret-free row as the gift emails are: allauth makes the key inside its own
        flow and hands us only the finished context. So the rendered body is stored, marked
        ``carries_secret``, hidden from the admin, and blanked by the outbox as soon as it is sent (or
        given up on). The secret lives in the database only while the email waits for the mail server,
        and it is short-lived anyway: a confirmation link expires after 3 days, a reset link after one
        use or any login. Subjects never carry the secret or anything about the person's support.
        """
        context = {"request": self.request, "email": email, **context}
        message = self.render_mail(template_prefix, email, context)
        html = next((body for body, mimetype in message.alternatives if mimetype == "text/html"), "")
        carries_secret = template_prefix in SECRET_EMAILS or any(
            key in context for key in SECRET_CONTEXT_KEYS
        )
        kind = template_prefix.rsplit("/", 1)[-1]
        notification_queue_rendered(
            key=f"account-{kind}-{uuid.uuid4().hex}",
            to=email,
            subject=message.subject,
            body_text=message.body,
            body_html=html,
            carries_secret=carries_secret,
        )
