"""Confidential search: what is tied to your current employer, and who knows you are looking.

Article 003: "There are LOTS of recruiters out there and unless you're searching
confidentially, there's not really much downside to marketing yourself to lots of different
recruiting firms". A search you keep from your current employer has that downside: every
recruiter who holds your CV is a way for the employer to hear of it, and some recruiters
work for the employer itself.

You name your current employer in Settings (Profile.current_employer) and mark the agencies
it uses (Firm.works_for_my_employer). Then, in every mode:
- whatever is tied to the employer is flagged wherever it appears (`Ties`);
- logging a submission that reaches the employer waits for your confirmation
  (`interaction_warning`, `role_warning`); in a confidential search the warning says so.
In a confidential search (Profile.confidential_search) Callback also counts the recruiters
who know you are looking (rules.aware_of_search), warns when there are more than you allow
(`awareness`) and tells you when one more learns of it (`newly_aware`).

Reads only: the views decide what to do with a warning, and the services write.
"""

from copy import copy
from dataclasses import dataclass
from functools import cached_property

from django.db.models import Q
from django.template.defaultfilters import pluralize
from django.utils import timezone

from recruiters import rules
from recruiters.models import Firm, Interaction, Recruiter, Role

CONFIRM_FIELD = "confirm"  # the button that confirms a warned submission sends its key in it


# What is tied to the employer ---------------------------------------------------------------


@dataclass(frozen=True)
class Tie:
    """Why a firm, recruiter, role or follow-up is tied to your current employer."""

    label: str  # the badge: "Tied to your employer (Acme)"
    reason: str  # "Dana Reyes is in-house at Acme, your current employer"


class Ties:
    """What is tied to one user's current employer (article 003: a confidential search must
    not reach it), worked out once and then asked about each row on a page:

    - the employer itself (Profile.current_employer) and the firms you marked as working for
      it (Firm.works_for_my_employer), even while no employer is named;
    - recruiters whose firm is one of those: in-house at the employer, or at an agency that
      works for it;
    - roles whose employer is the current employer, or whose presenting recruiter is tied;
    - follow-ups with a tied recruiter or about a tied role.

    At most two queries, each made on first need, however many rows are asked about: the
    tied firms, then the ids and names of the tied recruiters (for roles and follow-ups,
    whose recruiter may not be loaded). `for_request` keeps one per request.
    """

    def __init__(self, profile):
        self.profile = profile

    @cached_property
    def firms(self):
        """{id: Firm} of the employer and the firms that work for it."""
        tied = Q(works_for_my_employer=True)
        if self.profile.current_employer_id:
            tied |= Q(pk=self.profile.current_employer_id)
        firms = Firm.objects.owned_by(self.profile.user).filter(tied)
        return {firm.pk: firm for firm in firms.only("pk", "name", "works_for_my_employer")}

    @cached_property
    def recruiters(self):
        """{id: name} of the recruiters at the tied firms."""
        if not self.firms:
            return {}
        at_firms = Recruiter.objects.owned_by(self.profile.user).filter(firm__in=list(self.firms))
        return dict(at_firms.values_list("pk", "name"))

    @property
    def employer(self):
        """The current employer (a Firm), or None if none is named."""
        return self.firms.get(self.profile.current_employer_id)

    @property
    def label(self):
        employer = self.employer
        return f"Tied to your employer ({employer})" if employer else "Tied to your employer"

    def _employer_words(self):
        employer = self.employer
        return f"{employer}, your current employer" if employer else "your employer"

    def firm(self, firm):
        if firm is None or firm.pk not in self.firms:
            return None
        if firm.pk == self.profile.current_employer_id:
            return Tie("Your current employer", f"{firm} is your current employer")
        return Tie(self.label, f"{firm} works for {self._employer_words()}")

    def recruiter(self, recruiter):
        if recruiter is None or recruiter.firm_id not in self.firms:
            return None
        firm = self.firms[recruiter.firm_id]
        if firm.pk == self.profile.current_employer_id:
            return Tie(self.label, f"{recruiter.name} is in-house at {self._employer_words()}")
        return Tie(
            self.label, f"{recruiter.name} is at {firm}, which works for {self._employer_words()}"
        )

    def role(self, role):
        if role is None:
            return None
        if role.employer_id and role.employer_id == self.profile.current_employer_id:
            return Tie(self.label, f"“{role.title}” is a role at {self._employer_words()}")
        if role.recruiter_id in self.recruiters:
            name = self.recruiters[role.recruiter_id]
            return Tie(self.label, f"“{role.title}” comes through {name}, who is tied to it")
        return None

    def follow_up(self, follow_up):
        if follow_up.recruiter_id in self.recruiters:
            name = self.recruiters[follow_up.recruiter_id]
            return Tie(self.label, f"{name} is tied to {self._employer_words()}")
        return self.role(follow_up.role) if follow_up.role_id else None

    def of(self, row):
        """The Tie of a Firm, Recruiter, Role or FollowUp (None if it is not tied)."""
        if isinstance(row, Firm):
            return self.firm(row)
        if isinstance(row, Recruiter):
            return self.recruiter(row)
        if isinstance(row, Role):
            return self.role(row)
        return self.follow_up(row)


def for_request(request):
    """The `Ties` of the logged-in user, made once per request: every badge on a page, and
    the warnings of the view, share its queries."""
    ties = getattr(request, "_callback_ties", None)
    if ties is None:
        ties = request._callback_ties = Ties(request.user.profile)
    return ties


# Warned before a submission reaches the employer --------------------------------------------


@dataclass(frozen=True)
class TieWarning:
    """A submission that would reach your current employer: nothing is saved until you
    confirm by sending `key` back in the CONFIRM_FIELD (the "… anyway" button)."""

    key: str  # names what is tied, so a confirmation covers only what it was shown
    reasons: tuple
    confidential: bool
    action: str  # the label of the button that confirms

    @property
    def title(self):
        if self.confidential:
            return "Confidential search: this submission reaches your employer"
        return "This submission reaches your employer"

    @property
    def advice(self):
        if self.confidential:
            return (
                "You are searching confidentially. A submission here can tell your employer "
                "that you are looking, and it cannot be taken back. Go ahead only if you mean "
                "your employer to know."
            )
        return "Your employer may hear of it. Make sure that is what you want."

    def confirmed_by(self, data):
        """Whether the request `data` (request.POST) confirms this very warning."""
        return data.get(CONFIRM_FIELD) == self.key


def _warning(ties, ties_found, action):
    if not ties_found:
        return None
    keys, reasons = zip(*ties_found, strict=True)
    return TieWarning(
        key="+".join(keys),
        reasons=reasons,
        confidential=ties.profile.confidential_search,
        action=action,
    )


def interaction_warning(ties, interaction):
    """Article 003, a confidential search: warn before logging an interaction of kind
    "submission" with a recruiter tied to your employer, or about a role at your current
    employer. None if there is nothing to warn of."""
    if interaction is None or interaction.kind != Interaction.Kind.SUBMISSION:
        return None
    found = []
    if tie := ties.recruiter(interaction.recruiter):
        found.append((f"recruiter:{interaction.recruiter.pk}", tie.reason))
    role = interaction.role if interaction.role_id else None
    if role and role.employer_id and role.employer_id == ties.profile.current_employer_id:
        found.append((f"employer:{role.employer_id}", ties.role(role).reason))
    return _warning(ties, found, "Log it anyway")


def is_submission(role):
    """A role that has put you forward: submitted_on set, or at submitted, interviewing,
    offer or accepted (the roles rules.aware_of_search counts)."""
    return role.submitted_on is not None or role.stage in rules.AWARE_STAGES


def role_warning(ties, role):
    """Article 003, a confidential search: warn before saving a role that submits you to your
    current employer, or through a recruiter tied to it. None for a role that is not a
    submission (is_submission) or not tied."""
    if role is None or not is_submission(role):
        return None
    found = []
    if role.employer_id and role.employer_id == ties.profile.current_employer_id:
        found.append((f"employer:{role.employer_id}", ties.role(role).reason))
    if role.recruiter_id in ties.recruiters:
        found.append((f"recruiter:{role.recruiter_id}", ties.recruiter(role.recruiter).reason))
    return _warning(ties, found, "Submit anyway")


def new_warning(after, before):
    """The warning `after` a change, unless the row already carried the same one before it
    (editing the notes of a submission you confirmed asks nothing again)."""
    if after is None or (before is not None and before.key == after.key):
        return None
    return after


def interaction_save_warning(ties, interaction):
    """The warning before saving `interaction` (its new values, not yet stored): one for a
    new one, and for a stored one only if it did not carry that warning before. One query
    for a stored interaction."""
    stored = Interaction.objects.filter(pk=interaction.pk).select_related("recruiter", "role")
    before = stored.first() if interaction.pk else None
    return new_warning(interaction_warning(ties, interaction), interaction_warning(ties, before))


def role_save_warning(ties, role):
    """The warning before saving `role` (the role form's new values, not yet stored), unless
    the stored role already carried it. One query for a stored role."""
    before = (
        Role.objects.filter(pk=role.pk).select_related("recruiter").first() if role.pk else None
    )
    return new_warning(role_warning(ties, role), role_warning(ties, before))


def move_warning(ties, role, stage):
    """The warning before moving `role` to `stage` on the role board: when the move makes
    it a submission (is_submission) that reaches your employer, as a move to "submitted"
    does; a role that already was one moves on without asking again."""
    moved = copy(role)
    moved.stage = stage
    return new_warning(role_warning(ties, moved), role_warning(ties, role))


# Who knows you are looking ------------------------------------------------------------------


@dataclass(frozen=True)
class Awareness:
    """How many recruiters know you are looking, against the number you allow."""

    count: int
    threshold: int

    @property
    def too_many(self):
        return self.count > self.threshold


def awareness(profile, now=None):
    """In a confidential search, how many recruiters know you are looking (one query);
    None in an open search, where it does not matter (article 003)."""
    if not profile.confidential_search:
        return None
    count = rules.aware_of_search(profile, now or timezone.now()).count()
    return Awareness(count, profile.aware_warning_threshold)


def aware_ids(profile, now=None):
    """In a confidential search, the ids of the recruiters who know you are looking, taken
    before a write so that `newly_aware` can tell who learnt of it; None otherwise."""
    if not profile.confidential_search:
        return None
    return set(rules.aware_of_search(profile, now or timezone.now()).values_list("pk", flat=True))


def newly_aware(profile, before, now=None):
    """Messages for the recruiters who know you are looking now but were not in `before`
    (aware_ids): "Dana Reyes did not know you are looking; now 6 recruiters do." One query;
    none at all outside a confidential search."""
    if before is None:
        return []
    aware = list(rules.aware_of_search(profile, now or timezone.now()).values_list("pk", "name"))
    now_aware = f"{len(aware)} recruiter{pluralize(len(aware))} {pluralize(len(aware), 'does,do')}"
    return [
        f"{name} did not know you are looking; now {now_aware}."
        for pk, name in aware
        if pk not in before
    ]


def submitted_to(profile, now, recruiter_ids):
    """{recruiter id: [employer names]}: where each of these recruiters put you forward, by
    the roles that make them aware of your search (rules.aware_of_search): submitted on or
    before today, or at submitted to accepted since up to `now`. One query."""
    today = timezone.localtime(now, profile.zone).date()
    roles = (
        Role.objects.owned_by(profile.user)
        .filter(recruiter__in=recruiter_ids, employer__isnull=False)
        .filter(
            Q(submitted_on__lte=today) | Q(stage__in=rules.AWARE_STAGES, stage_changed_at__lte=now)
        )
        .order_by("employer__name")
        .values_list("recruiter", "employer__name")
        .distinct()
    )
    employers = {}
    for recruiter_id, name in roles:
        employers.setdefault(recruiter_id, []).append(name)
    return employers


def who_knows(profile, now):
    """The recruiters who know you are looking (rules.aware_of_search), earliest first, each
    with `submitted_to`: the employers they put you forward to. Two queries."""
    recruiters = list(rules.aware_of_search(profile, now))
    employers = submitted_to(profile, now, [r.pk for r in recruiters]) if recruiters else {}
    for recruiter in recruiters:
        recruiter.submitted_to = employers.get(recruiter.pk, [])
    return recruiters
