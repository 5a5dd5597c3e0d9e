"""Response headers that keep a user's data in their own browser tab.

The Content-Security-Policy comes from django-csp (settings.CONTENT_SECURITY_POLICY);
SecurityMiddleware sends X-Content-Type-Options and Referrer-Policy. This adds the rest.
"""

from django.utils.cache import add_never_cache_headers

# Callback uses none of these browser features: a script that got in could not either.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
)


class SecurityHeadersMiddleware:
    """Permissions-Policy on every response, and no caching of anything Django answers.

    Every page but the landing page shows someone's data, and some do without a login
    (a digest's done/snooze links, the calendar feed), so no-store goes on every response
    rather than on a list of pages that would go stale. Static files never get here:
    WhiteNoise answers them earlier in MIDDLEWARE, with their long-lived caching.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        add_never_cache_headers(response)
        return response
