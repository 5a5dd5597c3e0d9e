"""The digest block of the settings page: how often, at what local hour, which weekday, and
to which address."""

from django import forms
from django.utils.html import format_html

from recruiters.digests import render
from recruiters.models import Profile


class DigestSettingsForm(forms.ModelForm):
    digest_hour = forms.TypedChoiceField(
        label="At (your local time)",
        coerce=int,
        choices=[(hour, f"{hour:02d}:00") for hour in range(24)],
    )

    class Meta:
        model = Profile
        fields = [
            "digest_frequency",
            "digest_hour",
            "digest_weekday",
            "digest_when_all_clear",
            "digest_email",
        ]
        labels = {
            "digest_frequency": "Digest e-mail",
            "digest_weekday": "On (weekly digests)",
            "digest_email": "Send digests to",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[
            "digest_hour"
        ].help_text = f"In your time zone, {self.instance.time_zone} (a setting of its own)."
        self.fields["digest_weekday"].help_text = "Used when the digest is weekly."
        self.fields[
            "digest_when_all_clear"
        ].help_text = "Otherwise no e-mail comes when nothing needs attention."
        user = self.instance.user
        login = user.email or user.get_username()
        digest_email = self.fields["digest_email"]
        # Help texts are shown as HTML (templates/_field.html): the address is escaped.
        digest_email.help_text = format_html(
            "A personal address, if not your login's. Empty: {}.", login
        )
        digest_email.widget.attrs.update(autocomplete="email")

    @property
    def domain_warning(self):
        """A warning (not an error) if the digest would go to an address at the current
        employer's domain: the address just entered if it is valid, else the saved one."""
        if self.is_bound:
            self.is_valid()  # validating sets the instance's fields to the valid values entered
        return render.domain_warning(self.instance)
