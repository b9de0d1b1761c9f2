"""allauth's forms with our labels (sentence case, plain words). Wired in through ``ACCOUNT_FORMS`` and
``MFA_FORMS``; the behaviour is allauth's own."""

from allauth.account import forms as account_forms
from allauth.mfa.base import forms as mfa_forms
from allauth.mfa.recovery_codes import forms as recovery_forms
from allauth.mfa.totp import forms as totp_forms

LABELS = {
    "login": "Email address",
    "email": "Email address",
    "password": "Password",
    "remember": "Remember me on this device",
    "oldpassword": "Current password",
    "password1": "New password",
    "password2": "New password (again)",
    "code": "Code",
}
HELP = {
    "password1": "At least 10 characters. Not a common password, and not only numbers.",
}


class OurWords:
    """Relabels allauth's fields; the login page has its own "Forgot your password?" link."""

    labels: dict[str, str] = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            label = self.labels.get(name, LABELS.get(name))
            if label:
                field.label = label
                field.widget.attrs.pop(
                    "placeholder", None
                )  # the label says it; placeholders vanish as you type
            if name in ("password", "oldpassword"):
                field.help_text = ""
            elif name in HELP:
                field.help_text = HELP[name]


class MfaWords(OurWords):
    """The two-factor code field: what to type, and that a recovery code works too."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].help_text = "The 6-digit code from your authenticator app, or a recovery code."


class LoginForm(OurWords, account_forms.LoginForm):
    pass


class ResetPasswordForm(OurWords, account_forms.ResetPasswordForm):
    pass


class ResetPasswordKeyForm(OurWords, account_forms.ResetPasswordKeyForm):
    pass


class ChangePasswordForm(OurWords, account_forms.ChangePasswordForm):
    pass


class SetPasswordForm(OurWords, account_forms.SetPasswordForm):
    labels = {"password1": "Password", "password2": "Password (again)"}


class AddEmailForm(OurWords, account_forms.AddEmailForm):
    labels = {"email": "New email address"}


class ReauthenticateForm(OurWords, account_forms.ReauthenticateForm):
    pass


class ConfirmReauthenticationCodeForm(OurWords, account_forms.ConfirmReauthenticationCodeForm):
    pass


class AuthenticateForm(MfaWords, mfa_forms.AuthenticateForm):
    pass


class MfaReauthenticateForm(MfaWords, mfa_forms.ReauthenticateForm):
    pass


class ActivateTOTPForm(OurWords, totp_forms.ActivateTOTPForm):
    labels = {"code": "Code from your app"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].help_text = "The 6-digit code your authenticator app shows now."


class DeactivateTOTPForm(OurWords, totp_forms.DeactivateTOTPForm):
    pass


class GenerateRecoveryCodesForm(OurWords, recovery_forms.GenerateRecoveryCodesForm):
    pass
