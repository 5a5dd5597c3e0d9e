from django import template

from recruiters.accounts import two_factor

register = template.Library()


@register.simple_tag
def two_factor_status(user):
    """{"enabled": ..., "codes_left": ...} for the settings page's two-factor section."""
    enabled = two_factor.is_enabled(user)
    return {
        "enabled": enabled,
        "codes_left": two_factor.recovery_codes_left(user) if enabled else 0,
    }
