"""Sign-up, login (two steps with a second factor), password reset and the second factor's
settings. Thin: the rules are in signup.py, two_factor.py, throttle.py and sessions.py."""

from axes.utils import reset as reset_lockout
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from recruiters.accounts import sessions, signup, throttle, two_factor
from recruiters.accounts.forms import (
    ChoosePasswordForm,
    CodeForm,
    LoginForm,
    PasswordConfirmForm,
    SetupCodeForm,
    SignupForm,
)
from recruiters.accounts.middleware import second_step_allowed

WELCOME = "Welcome to Callback. Start by adding a recruiter."


class LoginView(auth_views.LoginView):
    form_class = LoginForm

    def form_valid(self, form):
        response = super().form_valid(form)
        sessions.remember(self.request.session, form.cleaned_data["remember"])
        return response


logout_view = second_step_allowed(auth_views.LogoutView.as_view())


def _next_url(request):
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(url, {request.get_host()}, request.is_secure()):
        return url
    return "home"


@login_not_required
@second_step_allowed
def login_code(request):
    """The second step of logging in, for a user with a second factor."""
    if not request.session.get(two_factor.PENDING_KEY):
        return redirect(_next_url(request) if request.user.is_authenticated else "login")
    username = request.user.get_username()
    if throttle.is_locked(request, username):
        logout(request)
        return throttle.lockout_response(request, credentials={"username": username})
    form = CodeForm(request.POST or None, user=request.user)
    if form.is_valid():
        otp_login(request, form.device)
        del request.session[two_factor.PENDING_KEY]
        return redirect(_next_url(request))
    if form.is_bound and throttle.record_failure(request, username):
        logout(request)  # AxesMiddleware answers with the lockout page
    context = {"form": form, "next": _next_url(request)}
    return render(request, "accounts/login_code.html", context)


@login_not_required
def signup_start(request):
    form = SignupForm(request.POST or None)
    if form.is_valid():
        signup.send(form.cleaned_data["email"])
        return redirect("signup_sent")
    return render(request, "registration/signup.html", {"form": form})


@login_not_required
def signup_sent(request):
    return render(request, "accounts/signup_sent.html")


@login_not_required
def signup_finish(request, token):
    email = signup.email_from_token(token)
    if email is None:
        return render(request, "accounts/signup_link_invalid.html", status=400)
    if signup.has_account(email):
        return render(request, "accounts/signup_link_used.html", {"email": email})
    form = ChoosePasswordForm(email, request.POST or None)
    if form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, WELCOME)
        return redirect("recruiter_create")
    return render(request, "accounts/signup_finish.html", {"form": form, "email": email})


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Choosing a new password from the e-mailed link also lifts a login lockout: whoever
    reads the address's mail is its owner."""

    def form_valid(self, form):
        reset_lockout(username=form.user.get_username())
        return super().form_valid(form)


def two_factor_setup(request):
    if two_factor.is_enabled(request.user):
        messages.info(request, "Two-factor sign-in is already on.")
        return redirect("settings")
    device = two_factor.pending_device(request.user)
    form = SetupCodeForm(request.POST or None, user=request.user, device=device)
    if form.is_valid():
        otp_login(request, device)  # this session has just shown it has the app
        messages.success(request, "Two-factor sign-in is on.")
        return render(request, "accounts/recovery_codes.html", {"codes": form.recovery_codes})
    context = {
        "form": form,
        "qr_svg": two_factor.qr_svg(device),
        "secret": two_factor.secret_text(device),
    }
    return render(request, "accounts/two_factor_setup.html", context)


@require_POST
def two_factor_disable(request):
    form = PasswordConfirmForm(request.POST, request=request)
    if form.is_valid():
        two_factor.disable(request.user)
        messages.success(request, "Two-factor sign-in is off: your password alone signs you in.")
        return redirect("settings")
    return render(request, "accounts/confirm_password.html", {"form": form, "action": "disable"})


@require_POST
def recovery_codes(request):
    if not two_factor.is_enabled(request.user):
        return redirect("settings")
    form = PasswordConfirmForm(request.POST, request=request)
    if form.is_valid():
        codes = two_factor.new_recovery_codes(request.user)
        return render(request, "accounts/recovery_codes.html", {"codes": codes, "renewed": True})
    return render(request, "accounts/confirm_password.html", {"form": form, "action": "codes"})
