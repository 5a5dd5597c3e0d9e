"""The upload form of the import page."""

from django import forms

from recruiters.imports.services import KINDS


class UploadForm(forms.Form):
    kind = forms.ChoiceField(
        label="What is it?",
        choices=[(name, kind.label) for name, kind in KINDS.items()],
        initial="linkedin_connections",
        widget=forms.RadioSelect,
    )
    file = forms.FileField(allow_empty_file=True, help_text="Up to 10 MB.")
    me = forms.CharField(
        label="You on LinkedIn",
        required=False,
        max_length=300,
        help_text="LinkedIn messages only: your profile URL (or your name as LinkedIn shows "
        "it), so that Callback knows which messages you sent. Leave it empty to let Callback "
        "work it out.",
    )
