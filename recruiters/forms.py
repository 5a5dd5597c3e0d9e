"""Forms. Every choice of a related row offers only the owner's rows."""

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm
from django.utils import timezone

from recruiters.models import Firm, FollowUp, Interaction, Profile, Recruiter, Role


class OwnedModelForm(forms.ModelForm):
    """A ModelForm whose related-row choices are limited to `owner`'s rows.

    A forged id of another user's row is then an ordinary "select a valid choice" error.
    """

    def __init__(self, *args, owner, **kwargs):
        super().__init__(*args, **kwargs)
        self.owner = owner
        for field in self.fields.values():
            if isinstance(field, forms.ModelChoiceField):
                field.queryset = field.queryset.filter(owner=owner)

    def save(self, commit=True):
        self.instance.owner = self.owner
        return super().save(commit)


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class FirmForm(OwnedModelForm):
    class Meta:
        model = Firm
        fields = ["name", "kind", "website", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        clash = Firm.objects.owned_by(self.owner).filter(name__iexact=name)
        if clash.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError("You already have a firm of that name.")
        return name


class RecruiterForm(OwnedModelForm):
    class Meta:
        model = Recruiter
        fields = [
            "name",
            "firm",
            "kind",
            "tier",
            "initiated_by",
            "email",
            "phone",
            "linkedin_url",
            "specialties",
            "silence_threshold_days",
            "notes",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def _unique_among_mine(self, field, value, lookup):
        others = Recruiter.objects.owned_by(self.owner).exclude(pk=self.instance.pk)
        if value and others.filter(**{lookup: value}).exists():
            raise forms.ValidationError(f"Another of your recruiters already has this {field}.")
        return value

    def clean_email(self):
        return self._unique_among_mine("email", self.cleaned_data["email"], "email__iexact")

    def clean_linkedin_url(self):
        url = self.cleaned_data["linkedin_url"]
        return self._unique_among_mine("LinkedIn URL", url, "linkedin_url__iexact")


class RoleForm(OwnedModelForm):
    class Meta:
        model = Role
        fields = [
            "title",
            "employer",
            "recruiter",
            "stage",
            "compensation_min",
            "compensation_max",
            "currency",
            "location",
            "work_mode",
            "link",
            "submitted_on",
            "submission_authorised",
            "notes",
        ]
        widgets = {
            "submitted_on": forms.DateInput(attrs={"type": "date"}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def save(self, commit=True):
        if "stage" in self.changed_data:
            self.instance.stage_changed_at = timezone.now()
        return super().save(commit)


class RoleStageForm(forms.Form):
    stage = forms.ChoiceField(choices=Role.Stage.choices)


class InteractionForm(OwnedModelForm):
    """The quick log on a recruiter's page: the recruiter is given, not chosen."""

    class Meta:
        model = Interaction
        fields = [
            "direction",
            "kind",
            "channel",
            "occurred_at",
            "role",
            "value",
            "expects_reply",
            "summary",
        ]
        widgets = {
            "occurred_at": LocalDateTimeInput(),
            "summary": forms.Textarea(attrs={"rows": 2, "placeholder": "What was said?"}),
        }

    def __init__(self, *args, recruiter, **kwargs):
        super().__init__(*args, owner=recruiter.owner, **kwargs)
        self.instance.recruiter = recruiter
        self.fields["role"].queryset = self.fields["role"].queryset.filter(recruiter=recruiter)
        self.fields["occurred_at"].initial = timezone.localtime().replace(second=0, microsecond=0)

    def clean_occurred_at(self):
        occurred_at = self.cleaned_data["occurred_at"]
        if occurred_at > timezone.now() + timezone.timedelta(minutes=5):
            raise forms.ValidationError("An interaction cannot be in the future.")
        return occurred_at


class FollowUpForm(OwnedModelForm):
    class Meta:
        model = FollowUp
        fields = ["title", "owed_by", "recruiter", "role", "due_at", "notes"]
        widgets = {"due_at": LocalDateTimeInput(), "notes": forms.Textarea(attrs={"rows": 2})}


class TierForm(forms.ModelForm):
    class Meta:
        model = Recruiter
        fields = ["tier"]


class SnoozeForm(forms.Form):
    days = forms.IntegerField(min_value=1, max_value=90, initial=3)


class SignupForm(UserCreationForm):
    """Sign up with an e-mail address, which is also the login name."""

    usable_password = None

    class Meta:
        model = get_user_model()
        fields = ["email"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if get_user_model().objects.filter(username__iexact=email).exists():
            raise forms.ValidationError("An account with this e-mail already exists. Log in?")
        return email

    def save(self, commit=True):
        self.instance.username = self.cleaned_data["email"]
        return super().save(commit)


class LoginForm(AuthenticationForm):
    username = forms.CharField(label="Email", widget=forms.EmailInput(attrs={"autofocus": True}))
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "That email and password don’t match an account. "
        "Passwords are case-sensitive.",
    }

    def clean_username(self):
        return self.cleaned_data["username"].strip().lower()


class ProfileForm(forms.ModelForm):
    class Meta:
        model = Profile
        fields = ["time_zone", "purpose_statement", "target_roles", "confidential_search"]
        widgets = {
            "purpose_statement": forms.Textarea(attrs={"rows": 3}),
            "target_roles": forms.Textarea(attrs={"rows": 3}),
        }
