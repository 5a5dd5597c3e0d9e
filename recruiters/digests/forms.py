"""The digest block of the settings page: how often, at what local hour, which weekday."""

from django import forms

from recruiters.models import Profile


class DigestSettingsForm(forms.ModelForm):
    digest_hour = forms.TypedChoiceField(
        label="At (your local time)",
        coerce=int,
        choices=[(hour, f"{hour:02d}:00") for hour in range(24)],
    )

    class Meta:
        model = Profile
        fields = ["digest_frequency", "digest_hour", "digest_weekday", "digest_when_all_clear"]
        labels = {
            "digest_frequency": "Digest e-mail",
            "digest_weekday": "On (weekly digests)",
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
