from django.utils import timezone


class UserTimeZoneMiddleware:
    """Show every time in the logged-in user's own time zone (their Profile)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            timezone.activate(request.user.profile.zone)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
