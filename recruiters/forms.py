"""Forms. Every choice of a related row offers only the owner's rows."""

from zoneinfo import available_timezones

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone

from recruiters import bounds
from recruiters.models import Firm, FollowUp, Interaction, Profile, Recruiter, Role


class BoundedDatesMixin:
    """Every date and date-time field of the form accepts only the dates Callback can compute
    with (recruiters.bounds): a date-time already in UTC when it is checked, so that no time
    zone carries it out of the range."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.DateField | forms.DateTimeField):
                field.validators.append(bounds.validate_in_range)


class OwnedModelForm(BoundedDatesMixin, forms.ModelForm):
    """A ModelForm whose related-row choices are limited to `owner`'s rows.

    A forged id of another user's row is then an ordinary "select a valid choice" error.
    `empty_labels` names the "nothing chosen" option of optional choices, field by field.
    """

    empty_labels = {}

    def __init__(self, *args, owner, **kwargs):
        super().__init__(*args, **kwargs)
        self.owner = owner
        for name, field in self.fields.items():
            if isinstance(field, forms.ModelChoiceField):
                field.queryset = field.queryset.filter(owner=owner)
                field.empty_label = self.empty_labels.get(name, "—")
            elif name in self.empty_labels:  # a choice field that may stay blank
                field.choices = [("", self.empty_labels[name]), *field.choices[1:]]

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
        fields = ["name", "kind", "website", "works_for_my_employer", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        clash = Firm.objects.owned_by(self.owner).filter(name__iexact=name)
        if clash.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError("You already have a firm of that name.")
        return name


class RecruiterForm(OwnedModelForm):
    empty_labels = {"firm": "No firm"}

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
    empty_labels = {
        "employer": "Not known yet",
        "recruiter": "None (I applied directly)",
        "work_mode": "Not known",
    }

    class Meta:
        model = Role
        fields = [
            "title",
            "stage",
            "employer",
            "recruiter",
            "currency",
            "compensation_min",
            "compensation_max",
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

    empty_labels = {"role": "No particular role", "value": "Nothing in particular"}

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
    empty_labels = {"recruiter": "Nobody in particular", "role": "No particular role"}

    class Meta:
        model = FollowUp
        fields = ["title", "owed_by", "recruiter", "role", "due_at", "notes"]
        widgets = {"due_at": LocalDateTimeInput(), "notes": forms.Textarea(attrs={"rows": 2})}


class TierForm(BoundedDatesMixin, forms.ModelForm):
    class Meta:
        model = Recruiter
        fields = ["tier"]


class SnoozeForm(forms.Form):
    days = forms.IntegerField(min_value=1, max_value=90, initial=3)


class ProfileForm(BoundedDatesMixin, forms.ModelForm):
    """The settings page: the search itself and the thresholds of the two-way-street rules."""

    # Upper bounds that keep a threshold meaningful; every one is at least 1.
    THRESHOLD_LIMITS = {
        "silence_days_agency": 365,
        "silence_days_in_house": 365,
        "silence_days_retained": 365,
        "silence_days_contract": 365,
        "dormant_after_days": 730,
        "one_sided_window_days": 365,
        "feedback_business_days": 20,
        "pitch_answer_days": 30,
        "check_in_days": 365,
        "aware_warning_threshold": 1000,
    }
    search_paused = forms.BooleanField(
        label="My search is paused",
        required=False,
        help_text="Recruiters who hold an active submission are then owed an update.",
    )
    time_zone = forms.ChoiceField(
        choices=[(zone, zone) for zone in sorted(available_timezones())],
        error_messages={
            "invalid_choice": "“%(value)s” is not a time zone Callback knows, e.g. Europe/London."
        },
    )

    class Meta:
        model = Profile
        fields = [
            "time_zone",
            "purpose_statement",
            "target_roles",
            "confidential_search",
            "current_employer",
            "aware_warning_threshold",
            "silence_days_agency",
            "silence_days_in_house",
            "silence_days_retained",
            "silence_days_contract",
            "dormant_after_days",
            "check_in_days",
            "one_sided_window_days",
            "feedback_business_days",
            "pitch_answer_days",
        ]
        labels = {
            "silence_days_agency": "Agency recruiters silent after (days)",
            "silence_days_in_house": "In-house recruiters silent after (days)",
            "silence_days_retained": "Retained search silent after (days)",
            "silence_days_contract": "Contract staffing silent after (days)",
            "dormant_after_days": "Dormant after no contact for (days)",
            "one_sided_window_days": "Window for one-sided relationships (days)",
            "feedback_business_days": "Feedback owed after an interview (business days)",
            "pitch_answer_days": "Answer a pitch within (days)",
        }
        widgets = {
            "purpose_statement": forms.Textarea(attrs={"rows": 3}),
            "target_roles": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        employer = self.fields["current_employer"]
        employer.queryset = Firm.objects.owned_by(self.instance.user)
        employer.empty_label = "None named"
        self.fields["search_paused"].initial = self.instance.search_paused_at is not None
        for name, maximum in self.THRESHOLD_LIMITS.items():
            field = self.fields[name]
            field.validators += [MinValueValidator(1), MaxValueValidator(maximum)]
            field.widget.attrs.update(min=1, max=maximum)

    def save(self, commit=True):
        paused = self.cleaned_data["search_paused"]
        if not paused:
            self.instance.search_paused_at = None
        elif self.instance.search_paused_at is None:
            self.instance.search_paused_at = timezone.now()
        return super().save(commit)
