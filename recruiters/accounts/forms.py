"""The forms of signing up, logging in and the second factor."""

from django import forms
from django.conf import settings
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm

from recruiters.accounts import two_factor


class LoginForm(AuthenticationForm):
    username = forms.CharField(label="Email", widget=forms.EmailInput(attrs={"autofocus": True}))
    remember = forms.BooleanField(label="Keep me signed in on this device", required=False)
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "That email and password don’t match an account. "
        "Passwords are case-sensitive.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["remember"].help_text = (
            f"For {settings.SESSION_REMEMBER_DAYS} days after your last visit. Leave it unticked "
            "on a shared computer: you are then signed out when the browser closes, or after "
            f"{settings.SESSION_COOKIE_AGE // 3600} hours away."
        )

    def clean_username(self):
        return self.cleaned_data["username"].strip().lower()


class SignupForm(forms.Form):
    """The first step of signing up: the address the link to finish goes to."""

    email = forms.EmailField(label="Email", widget=forms.EmailInput(attrs={"autofocus": True}))

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()


class ChoosePasswordForm(UserCreationForm):
    """The last step of signing up, from the e-mailed link: the password of `email`'s account."""

    usable_password = None

    class Meta:
        model = get_user_model()
        fields = []

    def __init__(self, email, *args, **kwargs):
        super().__init__(*args, instance=get_user_model()(username=email, email=email), **kwargs)


class CodeForm(forms.Form):
    """A code from the authenticator app, or a recovery code."""

    code = forms.CharField(
        label="Code",
        max_length=32,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "inputmode": "text"}
        ),
        help_text="The six digits your authenticator app shows now, or one of your recovery codes.",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.device = None

    def clean_code(self):
        self.device = two_factor.verify(self.user, self.cleaned_data["code"])
        return self.cleaned_data["code"]


class SetupCodeForm(forms.Form):
    """Confirms the authenticator app was set up: the code it shows."""

    code = forms.CharField(
        label="The code your app shows",
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def __init__(self, *args, user, device, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.device = user, device
        self.recovery_codes = None

    def clean_code(self):
        code = self.cleaned_data["code"]
        self.recovery_codes = two_factor.confirm(self.user, self.device, code)
        return code


class PasswordConfirmForm(forms.Form):
    """Your password again, before a change to how you sign in. Checked through authenticate(),
    so wrong guesses count towards the lockout like wrong logins do."""

    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request

    def clean_password(self):
        password = self.cleaned_data["password"]
        username = self.request.user.get_username()
        if authenticate(self.request, username=username, password=password) is None:
            raise forms.ValidationError("That is not your password.")
        return password
