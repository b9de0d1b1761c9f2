"""The sign-up form allauth shows: its own SignupForm (our SeekerSignupForm is its base, through
``ACCOUNT_SIGNUP_FORM_CLASS``), made to cost the same whether or not the address already has an account.

Kept apart from ``accounts.forms`` because allauth's form module imports that one while it loads.
"""

from allauth.account.forms import SignupForm as AllauthSignupForm
from django.contrib.auth.hashers import make_password


class SignupForm(AllauthSignupForm):
    def try_save(self, request):
        """Create the account, or (address already registered) email its owner instead.

        With ``ACCOUNT_PREVENT_ENUMERATION`` both answers look the same, but only a new account hashed a
        password (``AccountAdapter.save_user``), which is slow on purpose: the time taken told whether
        someone uses peersnet. The existing-address path hashes the password too and throws the hash
        away, so both paths run the password hasher exactly once.
        """
        if self.account_already_exists:
            make_password(self.cleaned_data.get("password1"))
        return super().try_save(request)
