"""What a half-signed-in session may reach, and keeping a session in use alive."""

from django.contrib.auth import SESSION_KEY
from django.contrib.auth.views import redirect_to_login
from django.urls import reverse

from recruiters.accounts import sessions, two_factor


def second_step_allowed(view):
    """Mark a view a session between the password and the code may reach."""
    view.second_step_allowed = True
    return view


class SecondStepMiddleware:
    """A user with a second factor who has given the password but not yet the code reaches
    only the views marked `second_step_allowed` (the code step, logout): every other one,
    the app's, the admin's and the public ones alike, sends them to the code step.

    It reads the session only, so it costs no query on any page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.session.get(two_factor.PENDING_KEY) and not getattr(
            view_func, "second_step_allowed", False
        ):
            return redirect_to_login(request.get_full_path(), reverse("login_code"))
        return None


class SessionActivityMiddleware:
    """A visit keeps a signed-in session alive (recruiters.accounts.sessions)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if SESSION_KEY in request.session:
            sessions.touch(request.session)
        return self.get_response(request)
