"""Callback's domain: firms, recruiters, roles, interactions, follow-ups and the profile.

Every row has an `owner`. Query through `Model.objects.owned_by(user)` (or
`recruiters.selectors.owned_or_404`) so that another user's rows are never reachable.
Database constraints hold what must never be stored, whatever code wrote the row.
"""

import functools
import operator
import secrets
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import DEFAULT_DB_ALIAS, models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable

from recruiters import paths
from recruiters.encryption import EncryptedJSONField, EncryptedTextField


class OwnedQuerySet(models.QuerySet):
    def owned_by(self, user):
        return self.filter(owner=user)


@functools.cache
def choice_labels(field):
    """{stored value: label} of a field's choices, which are fixed in code."""
    return dict(make_hashable(field.flatchoices))


class OwnedModel(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        abstract = True

    def _get_FIELD_display(self, field):
        # What every get_FOO_display() calls. Django's builds the field's choices dict
        # anew on each call (2.9 µs against 0.5): little on a page, about a second of a
        # 100,000-interaction CSV export. Same result, the dict built once per field.
        value = getattr(self, field.attname)
        label = choice_labels(field).get(make_hashable(value), value)
        return force_str(label, strings_only=True)


def not_blank(field, name):
    """A CheckConstraint refusing an empty or whitespace-only text in `field`."""
    return models.CheckConstraint(condition=Q(**{f"{field}__regex": r"\S"}), name=name)


class ChoicesCheck(models.CheckConstraint):
    """A CheckConstraint keeping a field inside its choices, for the writes that skip forms
    (imports, restores, the shell). Validating an editable field asks nothing of the
    database: the field's own validation (Model.clean_fields) refuses any value outside its
    choices, where CheckConstraint.validate would send a savepoint and a SELECT for each
    constraint, on every save of every form."""

    def validate(self, model, instance, exclude=None, using=DEFAULT_DB_ALIAS):
        fields = [model._meta.get_field(name) for name in self.condition.referenced_base_fields]
        if all(field.editable for field in fields):
            return
        super().validate(model, instance, exclude=exclude, using=using)

    def deconstruct(self):  # migrations know it as the CheckConstraint it is in the database
        _, args, kwargs = super().deconstruct()
        return "django.db.models.CheckConstraint", args, kwargs


def choices_check(field, choices, name, allow_blank=False):
    """A constraint keeping `field` inside its TextChoices, also outside forms."""
    allowed = Q(**{f"{field}__in": choices.values})
    if allow_blank:
        allowed |= Q(**{field: ""})
    return ChoicesCheck(condition=allowed, name=name)


class FirmKind(models.TextChoices):
    AGENCY = "agency", "Recruiting agency"
    EMPLOYER = "employer", "Employer"
    RETAINED = "retained", "Retained search"
    STAFFING = "staffing", "Contract staffing"


class Firm(OwnedModel):
    Kind = FirmKind

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind, default=Kind.AGENCY)
    website = models.URLField(blank=True)
    works_for_my_employer = models.BooleanField(
        "works for my employer",
        default=False,
        help_text="An agency your current employer uses: in a confidential search, it must "
        "not learn that you are looking.",
    )
    notes = EncryptedTextField(blank=True)

    class Meta:
        ordering = [Lower("name")]
        constraints = [
            models.UniqueConstraint("owner", Lower("name"), name="firm_name_unique_per_owner"),
            not_blank("name", "firm_name_not_blank"),
            choices_check("kind", FirmKind, "firm_kind_valid"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return paths.path("firm_detail", self.pk)


class RecruiterKind(models.TextChoices):
    AGENCY = "agency", "Agency"
    IN_HOUSE = "in_house", "In-house"
    RETAINED = "retained", "Retained search"
    CONTRACT = "contract", "Contract staffing"


class RecruiterInitiatedBy(models.TextChoices):
    THEM = "them", "They approached me"
    ME = "me", "I approached them"
    REFERRAL = "referral", "Referral"


class RecruiterTier(models.TextChoices):
    INVEST = "invest", "Invest"
    MAINTAIN = "maintain", "Maintain"
    DORMANT = "dormant", "Dormant"


class Recruiter(OwnedModel):
    Kind = RecruiterKind

    InitiatedBy = RecruiterInitiatedBy

    Tier = RecruiterTier

    name = models.CharField(max_length=200)
    firm = models.ForeignKey(
        Firm, null=True, blank=True, on_delete=models.SET_NULL, related_name="recruiters"
    )
    kind = models.CharField(max_length=20, choices=Kind, default=Kind.AGENCY)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    linkedin_url = models.URLField("LinkedIn URL", blank=True)
    specialties = models.CharField(
        max_length=300, blank=True, help_text="Comma-separated, e.g. “data, platform, fintech”."
    )
    initiated_by = models.CharField(
        "who initiated", max_length=20, choices=InitiatedBy, default=InitiatedBy.THEM
    )
    tier = models.CharField(max_length=20, choices=Tier, default=Tier.MAINTAIN)
    silence_threshold_days = models.PositiveSmallIntegerField(
        "silence threshold (days)",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text="Overrides the default for this recruiter's kind. Leave empty for the default.",
    )
    notes = EncryptedTextField(blank=True)

    class Meta:
        ordering = [Lower("name")]
        constraints = [
            not_blank("name", "recruiter_name_not_blank"),
            models.UniqueConstraint(
                "owner",
                Lower("linkedin_url"),
                condition=~Q(linkedin_url=""),
                name="recruiter_linkedin_unique_per_owner",
            ),
            models.UniqueConstraint(
                "owner",
                Lower("email"),
                condition=~Q(email=""),
                name="recruiter_email_unique_per_owner",
            ),
            models.CheckConstraint(
                condition=Q(silence_threshold_days__isnull=True)
                | Q(silence_threshold_days__range=(1, 365)),
                name="recruiter_silence_threshold_range",
            ),
            choices_check("kind", RecruiterKind, "recruiter_kind_valid"),
            choices_check("initiated_by", RecruiterInitiatedBy, "recruiter_initiated_by_valid"),
            choices_check("tier", RecruiterTier, "recruiter_tier_valid"),
        ]
        indexes = [models.Index(fields=["owner", "tier"])]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return paths.path("recruiter_detail", self.pk)

    @property
    def specialty_list(self):
        return [s.strip() for s in self.specialties.split(",") if s.strip()]


class RoleStage(models.TextChoices):
    PITCHED = "pitched", "Pitched"
    SUBMITTED = "submitted", "Submitted"
    INTERVIEWING = "interviewing", "Interviewing"
    OFFER = "offer", "Offer"
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Rejected"
    WITHDRAWN = "withdrawn", "Withdrawn"
    CLOSED = "closed", "Closed"


class RoleWorkMode(models.TextChoices):
    ONSITE = "onsite", "On-site"
    HYBRID = "hybrid", "Hybrid"
    REMOTE = "remote", "Remote"


class Role(OwnedModel):
    Stage = RoleStage

    # A role in one of these stages is an open thread with its recruiter.
    ACTIVE_STAGES = (Stage.SUBMITTED, Stage.INTERVIEWING, Stage.OFFER)

    WorkMode = RoleWorkMode

    title = models.CharField(max_length=200)
    employer = models.ForeignKey(
        Firm, null=True, blank=True, on_delete=models.SET_NULL, related_name="roles"
    )
    recruiter = models.ForeignKey(
        Recruiter,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="roles",
        verbose_name="presenting recruiter",
    )
    stage = models.CharField(max_length=20, choices=Stage, default=Stage.PITCHED)
    stage_changed_at = models.DateTimeField(default=timezone.now)
    compensation_min = models.PositiveIntegerField(null=True, blank=True)
    compensation_max = models.PositiveIntegerField(null=True, blank=True)
    currency = models.CharField(max_length=3, default="USD")
    location = models.CharField(max_length=200, blank=True)
    work_mode = models.CharField(max_length=20, choices=WorkMode, blank=True)
    link = models.URLField(blank=True)
    submitted_on = models.DateField(null=True, blank=True)
    submission_authorised = models.BooleanField(
        "I authorised this submission",
        default=False,
        help_text="Right to represent: you agreed that this recruiter may submit you.",
    )
    notes = EncryptedTextField(blank=True)

    class Meta:
        ordering = ["-updated_at"]
        constraints = [
            not_blank("title", "role_title_not_blank"),
            models.CheckConstraint(
                condition=Q(compensation_min__isnull=True)
                | Q(compensation_max__isnull=True)
                | Q(compensation_min__lte=F("compensation_max")),
                name="role_compensation_range_ordered",
            ),
            choices_check("stage", RoleStage, "role_stage_valid"),
            choices_check("work_mode", RoleWorkMode, "role_work_mode_valid", allow_blank=True),
        ]
        indexes = [
            models.Index(fields=["owner", "stage"]),
            models.Index(fields=["recruiter", "stage"]),
            # rules.double_submissions: the user's submissions of the last 6 months, and for
            # each the others to its employer within 6 months of it (docs/performance.md).
            models.Index(
                fields=["owner", "employer", "submitted_on"], name="role_owner_employer_submitted"
            ),
        ]

    def __str__(self):
        return f"{self.title} at {self.employer}" if self.employer else self.title

    def get_absolute_url(self):
        return paths.path("role_board") + f"#role-{self.pk}"

    def clean(self):
        if (
            self.compensation_min is not None
            and self.compensation_max is not None
            and self.compensation_min > self.compensation_max
        ):
            raise ValidationError({"compensation_max": "Must not be below the minimum."})

    @property
    def is_active(self):
        return self.stage in self.ACTIVE_STAGES


class InteractionChannel(models.TextChoices):
    EMAIL = "email", "Email"
    CALL = "call", "Call"
    LINKEDIN = "linkedin", "LinkedIn"
    TEXT = "text", "Text"
    VIDEO = "video", "Video"
    IN_PERSON = "in_person", "In person"


class InteractionDirection(models.TextChoices):
    INBOUND = "inbound", "From them"
    OUTBOUND = "outbound", "From me"


class InteractionKind(models.TextChoices):
    OUTREACH = "outreach", "Outreach"
    CHECK_IN = "check_in", "Check-in"
    ROLE_PITCH = "role_pitch", "Role pitch"
    SUBMISSION = "submission", "Submission"
    INTERVIEW = "interview", "Interview"
    INTERVIEW_FEEDBACK = "interview_feedback", "Interview feedback"
    STATUS_UPDATE = "status_update", "Status update"
    OFFER = "offer", "Offer"
    REJECTION = "rejection", "Rejection"
    OTHER = "other", "Other"


class InteractionValue(models.TextChoices):
    ROLE_LEAD = "role_lead", "Role lead"
    FEEDBACK = "feedback", "Feedback"
    MARKET_INTEL = "market_intel", "Market intel"
    SALARY_DATA = "salary_data", "Salary data"
    RESUME_ADVICE = "resume_advice", "Resume advice"
    REFERRAL = "referral", "Referral"
    INTRODUCTION = "introduction", "Introduction"


class Interaction(OwnedModel):
    Channel = InteractionChannel

    Direction = InteractionDirection

    Kind = InteractionKind

    Value = InteractionValue

    recruiter = models.ForeignKey(Recruiter, on_delete=models.CASCADE, related_name="interactions")
    role = models.ForeignKey(
        Role, null=True, blank=True, on_delete=models.SET_NULL, related_name="interactions"
    )
    occurred_at = models.DateTimeField("when", default=timezone.now)
    channel = models.CharField(max_length=20, choices=Channel, default=Channel.EMAIL)
    direction = models.CharField(max_length=10, choices=Direction, default=Direction.INBOUND)
    kind = models.CharField(max_length=30, choices=Kind, default=Kind.CHECK_IN)
    summary = EncryptedTextField(blank=True)
    value = models.CharField(
        "value carried", max_length=20, choices=Value, blank=True, help_text="If it carried any."
    )
    expects_reply = models.BooleanField(
        "asks for a reply", default=False, help_text="A question or request that needs an answer."
    )

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        constraints = [
            choices_check("channel", InteractionChannel, "interaction_channel_valid"),
            choices_check("direction", InteractionDirection, "interaction_direction_valid"),
            choices_check("kind", InteractionKind, "interaction_kind_valid"),
            choices_check("value", InteractionValue, "interaction_value_valid", allow_blank=True),
        ]
        indexes = [
            models.Index(fields=["recruiter", "occurred_at"]),
            models.Index(fields=["owner", "occurred_at"]),
            models.Index(fields=["recruiter", "direction", "occurred_at"]),
            # rules._feedback_after, probed once per interview (feedback owed, the health
            # card, the sync): a recruiter's feedback, without their other inbound rows.
            models.Index(
                fields=["recruiter", "occurred_at"],
                condition=Q(direction=InteractionDirection.INBOUND)
                & (Q(kind=InteractionKind.INTERVIEW_FEEDBACK) | Q(value=InteractionValue.FEEDBACK)),
                name="interaction_feedback",
            ),
            # A user's interviews: feedback owed, the news of updates owed, the next change.
            models.Index(
                fields=["owner", "occurred_at"],
                condition=Q(kind=InteractionKind.INTERVIEW),
                name="interaction_owner_interviews",
            ),
        ]

    def __str__(self):
        return (
            f"{self.get_kind_display()} {self.get_direction_display().lower()} ({self.recruiter})"
        )

    def get_absolute_url(self):
        return paths.path("recruiter_detail", self.recruiter_id) + f"#interaction-{self.pk}"


class RecruiterState(models.Model):
    """What the two-way-street rules read about one recruiter, kept on write.

    `recruiters.state` computes it from the recruiter's history as of `computed_at` (the
    same definitions as `rules.with_health`), in the transaction of every write that changes
    it, and `valid_until` is the next moment time alone would change a figure (the next
    interaction dated later, or the oldest one in the window leaving it). The rules read
    these columns for `now` in [computed_at, valid_until) and the window they were counted
    over, and work a figure out from the history otherwise: an optimisation, never a second
    definition. The sweep refreshes rows whose `valid_until` has passed.

    Only the window counts change when an interaction leaves the window: every other figure
    holds until `next_touch_at`, the next interaction dated later (rules.state_holds).
    """

    recruiter = models.OneToOneField(
        Recruiter, primary_key=True, on_delete=models.CASCADE, related_name="state"
    )
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    computed_at = models.DateTimeField()
    valid_until = models.DateTimeField(null=True, blank=True)
    next_touch_at = models.DateTimeField(null=True, blank=True)
    window_days = models.PositiveSmallIntegerField()
    last_inbound_at = models.DateTimeField(null=True)
    last_outbound_at = models.DateTimeField(null=True)
    last_contact_at = models.DateTimeField(null=True)
    first_contact_at = models.DateTimeField(null=True)
    awaiting_reply_since = models.DateTimeField(null=True)
    last_status_update_at = models.DateTimeField(null=True)
    open_role_count = models.PositiveIntegerField(default=0)
    inbound_in_window = models.PositiveIntegerField(default=0)
    outbound_in_window = models.PositiveIntegerField(default=0)
    value_received_in_window = models.PositiveIntegerField(default=0)
    value_given_in_window = models.PositiveIntegerField(default=0)
    # A write changed what the rules owe about this recruiter alone; its rule-made follow-ups
    # are synced once the write commits (recruiters.state.mark_theirs_written).
    follow_ups_stale = models.BooleanField(default=False)

    class Meta:
        indexes = [
            models.Index(fields=["valid_until"], name="recruiterstate_valid_until"),
            models.Index(
                fields=["owner"],
                condition=Q(follow_ups_stale=True),
                name="recruiterstate_stale",
            ),
        ]

    def __str__(self):
        return f"State of recruiter {self.recruiter_id} at {self.computed_at}"


class FollowUpOwedBy(models.TextChoices):
    ME = "me", "Me"
    RECRUITER = "recruiter", "The recruiter"


class FollowUpState(models.TextChoices):
    OPEN = "open", "Open"
    SNOOZED = "snoozed", "Snoozed"
    DONE = "done", "Done"
    DISMISSED = "dismissed", "Dismissed"
    WITHDRAWN = "withdrawn", "Withdrawn"


FollowUpState.PENDING = (FollowUpState.OPEN, FollowUpState.SNOOZED)
FollowUpState.CLOSED = (FollowUpState.DONE, FollowUpState.DISMISSED, FollowUpState.WITHDRAWN)


class FollowUpRule(models.TextChoices):
    FEEDBACK_OWED = "feedback_owed", "Feedback owed after an interview"
    PITCH_ANSWER = "pitch_answer", "Answer owed to a pitch"
    UPDATE_OWED = "update_owed", "Update owed to a recruiter"


class FollowUp(OwnedModel):
    Rule = FollowUpRule
    OwedBy = FollowUpOwedBy

    State = FollowUpState

    owed_by = models.CharField("who owes it", max_length=20, choices=OwedBy, default=OwedBy.ME)
    title = models.CharField("what", max_length=300)
    recruiter = models.ForeignKey(
        Recruiter, null=True, blank=True, on_delete=models.CASCADE, related_name="follow_ups"
    )
    role = models.ForeignKey(
        Role, null=True, blank=True, on_delete=models.SET_NULL, related_name="follow_ups"
    )
    due_at = models.DateTimeField("due")
    state = models.CharField(max_length=20, choices=State, default=State.OPEN)
    snoozed_until = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # True when the rules closed it (its cause was answered or went away), not the user: such
    # a follow-up opens again if its cause comes back; one the user closed stays closed.
    closed_by_rule = models.BooleanField(default=False, editable=False)
    notes = EncryptedTextField(blank=True)
    # Set on follow-ups that a rule made (recruiters.rules.sync_rule_follow_ups): which rule,
    # and a key naming its cause, so that one cause gives one follow-up, however often it runs.
    rule = models.CharField(max_length=30, choices=Rule, blank=True, editable=False)
    rule_key = models.CharField(max_length=100, blank=True, editable=False)

    class Meta:
        ordering = ["due_at", "pk"]
        constraints = [
            not_blank("title", "followup_title_not_blank"),
            choices_check("owed_by", FollowUpOwedBy, "followup_owed_by_valid"),
            choices_check("state", FollowUpState, "followup_state_valid"),
            choices_check("rule", FollowUpRule, "followup_rule_valid", allow_blank=True),
            models.UniqueConstraint(
                "owner",
                "rule",
                "rule_key",
                condition=~Q(rule=""),
                name="followup_one_per_rule_cause",
            ),
            models.CheckConstraint(
                condition=Q(rule="", rule_key="") | (~Q(rule="") & ~Q(rule_key="")),
                name="followup_rule_has_key",
            ),
            models.CheckConstraint(
                condition=Q(state="snoozed", snoozed_until__isnull=False)
                | (~Q(state="snoozed") & Q(snoozed_until__isnull=True)),
                name="followup_snoozed_has_until",
            ),
            models.CheckConstraint(
                condition=Q(state__in=FollowUpState.CLOSED, closed_at__isnull=False)
                | Q(state__in=["open", "snoozed"], closed_at__isnull=True),
                name="followup_closed_has_closed_at",
            ),
        ]
        indexes = [models.Index(fields=["owner", "state", "due_at"])]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return paths.path("follow_up_list") + f"#follow-up-{self.pk}"

    @property
    def effective_due_at(self):
        return self.snoozed_until if self.state == self.State.SNOOZED else self.due_at

    @property
    def is_overdue(self):
        return self.state in (self.State.OPEN, self.State.SNOOZED) and (
            self.effective_due_at < timezone.now()
        )


def validate_time_zone(value):
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"“{value}” is not a time zone Callback knows, e.g. Europe/London.")


class ProfileDigestFrequency(models.TextChoices):
    DAILY = "daily", "Daily"
    WEEKLY = "weekly", "Weekly"
    OFF = "off", "Off"


class ProfileWeekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


# The thresholds of the two-way-street rules on the Profile: whole days, each at least 1.
PROFILE_THRESHOLDS = (
    "silence_days_agency",
    "silence_days_in_house",
    "silence_days_retained",
    "silence_days_contract",
    "dormant_after_days",
    "one_sided_window_days",
    "feedback_business_days",
    "pitch_answer_days",
    "check_in_days",
    "aware_warning_threshold",
)


class Profile(models.Model):
    """One user's settings: time zone, digest, the rules' thresholds, the search itself."""

    DigestFrequency = ProfileDigestFrequency

    Weekday = ProfileWeekday

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])

    digest_frequency = models.CharField(
        max_length=10, choices=DigestFrequency, default=DigestFrequency.DAILY
    )
    digest_hour = models.PositiveSmallIntegerField(
        "digest hour (local)", default=8, validators=[MaxValueValidator(23)]
    )
    digest_weekday = models.PositiveSmallIntegerField(
        "weekday for weekly digests", choices=Weekday, default=Weekday.MONDAY
    )
    digest_when_all_clear = models.BooleanField(
        "send an “all clear” digest when nothing needs attention", default=False
    )

    # Thresholds of the two-way-street rules (DESIGN.md); defaults as designed.
    silence_days_agency = models.PositiveSmallIntegerField(default=7)
    silence_days_in_house = models.PositiveSmallIntegerField(default=10)
    silence_days_retained = models.PositiveSmallIntegerField(default=14)
    silence_days_contract = models.PositiveSmallIntegerField(default=7)
    dormant_after_days = models.PositiveSmallIntegerField(default=90)
    one_sided_window_days = models.PositiveSmallIntegerField(default=90)
    feedback_business_days = models.PositiveSmallIntegerField(default=3)
    pitch_answer_days = models.PositiveSmallIntegerField(default=2)

    purpose_statement = EncryptedTextField(blank=True)
    target_roles = models.TextField(blank=True, help_text="One per line.")
    confidential_search = models.BooleanField(
        "I am searching confidentially",
        default=False,
        help_text="Your current employer must not learn of your search: Callback warns before "
        "anything reaches recruiters tied to it, and keeps names out of e-mails and the feed.",
    )
    current_employer = models.ForeignKey(
        Firm,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Its in-house recruiters, the agencies marked as working for it and its "
        "roles are flagged everywhere.",
    )
    aware_warning_threshold = models.PositiveSmallIntegerField(
        "warn when more recruiters than this know you are looking",
        default=5,
        help_text="In a confidential search.",
    )
    # When the rule-made follow-ups were last made current (services.sync_rule_follow_ups),
    # whether a write has changed what the rules owe since, and the next moment time alone
    # will: the dashboard and the sweep sync only then.
    follow_ups_synced_at = models.DateTimeField(null=True, blank=True, editable=False)
    follow_ups_stale = models.BooleanField(default=True, editable=False)
    follow_ups_change_at = models.DateTimeField(null=True, blank=True, editable=False)
    # An interview was written since the last sync: news for every recruiter's update owed
    # (rules.updates_owed), and for nothing else of the others' (recruiters.state.Reach).
    updates_stale = models.BooleanField(default=False, editable=False)
    digest_email = models.EmailField(
        "send digests to",
        blank=True,
        help_text="A personal address, if not your login's. Empty: your login's address.",
    )
    check_in_days = models.PositiveSmallIntegerField(
        "check in with “invest” recruiters after (days)", default=30
    )
    search_paused_at = models.DateTimeField(
        null=True, blank=True, help_text="When you paused your search; empty while it is on."
    )
    # Raised by a password change or reset and by "sign out everywhere"
    # (recruiters.lifecycle): sessions and digest links made under an older value are dead.
    security_epoch = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(digest_hour__range=(0, 23)), name="profile_digest_hour_range"
            ),
            models.CheckConstraint(
                condition=Q(digest_weekday__range=(0, 6)), name="profile_digest_weekday_range"
            ),
            choices_check(
                "digest_frequency", ProfileDigestFrequency, "profile_digest_frequency_valid"
            ),
            models.CheckConstraint(
                condition=functools.reduce(
                    operator.and_, (Q(**{f"{name}__gte": 1}) for name in PROFILE_THRESHOLDS)
                ),
                name="profile_thresholds_positive",
            ),
        ]
        indexes = [
            # The sweep's question: whose rule-made follow-ups need making current?
            models.Index(
                fields=["follow_ups_change_at"],
                condition=Q(follow_ups_change_at__isnull=False),
                name="profile_follow_ups_change_at",
            ),
            models.Index(
                fields=["follow_ups_stale"],
                condition=Q(follow_ups_stale=True),
                name="profile_follow_ups_stale",
            ),
            models.Index(
                fields=["updates_stale"],
                condition=Q(updates_stale=True),
                name="profile_updates_stale",
            ),
        ]

    def __str__(self):
        return f"Profile of {self.user}"

    def save(self, *args, **kwargs):
        # Any setting may change what the rules owe (a pause, a threshold): sync next time.
        self.follow_ups_stale = True
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "follow_ups_stale"}
        super().save(*args, **kwargs)

    @property
    def zone(self):
        return zoneinfo.ZoneInfo(self.time_zone)


def new_calendar_token():
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """The private address of a user's iCalendar feed of open follow-ups."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True, default=new_calendar_token)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"Calendar feed of {self.user}"


class DigestState(models.TextChoices):
    CLAIMED = "claimed", "Claimed by a worker"
    SENT = "sent", "Sent"
    SKIPPED = "skipped", "Nothing to send"


class Digest(models.Model):
    """One digest e-mail per user and period, claimed before sending, marked sent after.

    The unique (user, period) constraint is what makes a digest go out at most once; a claim
    older than the lease is taken over by a later sweep, so it is never lost either.
    """

    State = DigestState

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    period = models.CharField(max_length=20, help_text="2026-11-27 (daily) or 2026-W48 (weekly)")
    state = models.CharField(max_length=10, choices=DigestState, default=DigestState.CLAIMED)
    claimed_at = models.DateTimeField(default=timezone.now)
    claimed_by = models.CharField(max_length=100, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    subject = models.CharField(max_length=200, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint("user", "period", name="digest_once_per_user_and_period"),
            choices_check("state", DigestState, "digest_state_valid"),
            models.CheckConstraint(
                condition=Q(state="sent", sent_at__isnull=False) | ~Q(state="sent"),
                name="digest_sent_has_sent_at",
            ),
        ]
        indexes = [models.Index(fields=["state", "claimed_at"])]

    def __str__(self):
        return f"Digest {self.period} for {self.user}"


class DigestLinkUse(models.Model):
    """A digest link that has been used: each link acts once (recruiters.digests.tokens).

    `nonce` is the link's own random id from its signed payload; the row outlives the
    link's age limit harmlessly and goes with the user.
    """

    nonce = models.CharField(max_length=32, primary_key=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    action = models.CharField(max_length=20)
    used_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"{self.action} link used at {self.used_at}"


class ImportJobState(models.TextChoices):
    PREVIEW = "preview", "Waiting for confirmation"
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Importing"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class ImportJob(OwnedModel):
    """An uploaded file on its way in: parsed into a preview, confirmed, then applied at once.

    `plan` holds the parsed rows and what will happen to each (JSON, encrypted: the rows hold
    the messages' text and the contacts' notes); large confirmed imports are applied by a
    Celery task that moves `processed` towards `total` for the progress bar.
    """

    State = ImportJobState

    kind = models.CharField(max_length=30)
    filename = models.CharField(max_length=255)
    state = models.CharField(max_length=10, choices=ImportJobState, default=ImportJobState.PREVIEW)
    plan = EncryptedJSONField(default=dict)
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    summary = models.JSONField(default=dict)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            choices_check("state", ImportJobState, "importjob_state_valid"),
            models.CheckConstraint(
                condition=Q(processed__lte=F("total")), name="importjob_progress_bounded"
            ),
        ]

    def __str__(self):
        return f"{self.kind} import of {self.filename}"

    @property
    def percent(self):
        return round(100 * self.processed / self.total) if self.total else 0
