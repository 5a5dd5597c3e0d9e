"""Pages. Thin: parse the request, call a selector or a service, render.

The same URL answers a plain POST with a redirect and an htmx POST with a partial.
"""

import functools
from contextlib import contextmanager

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django.views.generic import CreateView, DeleteView, DetailView, ListView, UpdateView

from recruiters import bounds, confidential, dashboard, paging, rules, selectors, services, state
from recruiters.digests.forms import DigestSettingsForm
from recruiters.forms import (
    FirmForm,
    FollowUpForm,
    InteractionForm,
    ProfileForm,
    RecruiterForm,
    RoleForm,
    RoleStageForm,
    SnoozeForm,
    TierForm,
)
from recruiters.health import recruiter_health
from recruiters.models import Firm, FollowUp, Interaction, Recruiter, Role


@login_not_required
def landing(request):
    if request.user.is_authenticated:
        return redirect("home")
    return render(request, "landing.html")


def home(request):
    """The dashboard: what needs attention today, by the two-way-street rules."""
    # ?all=<section> shows that section in full.
    expanded = dashboard.SECTION_NAMES.get(request.GET.get("all", ""))
    board = dashboard.build(request.user.profile, expanded=expanded)
    context = {
        "board": board,
        "now": board.now,
        "tiers": Recruiter.Tier.choices,
        "aware": confidential.awareness(request.user.profile, board.now),
    }
    return render(request, "dashboard/dashboard.html", context)


def settings_page(request):
    form = ProfileForm(request.POST or None, instance=request.user.profile)
    if form.is_valid():
        form.save()
        if "one_sided_window_days" in form.changed_data:
            state.refresh(request.user)  # every count in the window depends on it
        else:
            state.mark_written(request.user.pk)  # a pause, a threshold: the follow-ups too
        messages.success(request, "Settings saved.")
        return redirect("settings")
    context = {"form": form, "digest_form": DigestSettingsForm(instance=request.user.profile)}
    return render(request, "settings.html", context)


def who_knows(request):
    """Who knows you are looking (article 003): the recruiters who hold your CV or were told
    of your search, since when, and where they put you forward; in a confidential search, a
    warning when they are more than you allow."""
    profile = request.user.profile
    recruiters = confidential.who_knows(profile, timezone.now())
    aware = None
    if profile.confidential_search:
        aware = confidential.Awareness(len(recruiters), profile.aware_warning_threshold)
    context = {"recruiters": recruiters, "aware": aware, "profile": profile}
    return render(request, "confidential/who_knows.html", context)


def row_id(value):
    """`value` as a database id if it is one (a short string of ASCII digits), else None."""
    if value and len(value) < 16 and value.isascii() and value.isdigit():
        return int(value)
    return None


def page_cursor(request):
    """The `?after=` cursor of a paged list (recruiters.paging): None for the first page;
    raises paging.BadCursor for a mangled one (see `paged`)."""
    return paging.Cursor.parse(request.GET.get("after"))


def bad_page_link(request, reason):
    """The 400 of a paged list's URL that names no page of it, saying where the first is."""
    return HttpResponseBadRequest(
        f"This page link is not valid ({reason}). The list starts at {request.path}",
        content_type="text/plain; charset=utf-8",
    )


def paged(view):
    """A paged list's view: a mangled `?after=` cursor answers 400, never 500."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except paging.BadCursor as error:
            return bad_page_link(request, error)

    return wrapper


def safe_next(request, default):
    """The `next` URL of the request if it points into this site, else `default`."""
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return target
    return default


# Generic owned-row pages -------------------------------------------------------------


class OwnedMixin:
    """Scope a generic view to the rows of the logged-in user."""

    def get_queryset(self):
        return self.model.objects.owned_by(self.request.user)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "opts": self.model._meta}


class OwnedFormMixin(OwnedMixin):
    """An owned create/update page: the form offers and saves only the user's rows."""

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "owner": self.request.user}

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, f"Saved {self.object}.")
        return response


class OwnedCreateView(OwnedFormMixin, CreateView):
    """Create an owned row; `?recruiter=<id>` preselects the recruiter where there is one."""

    template_name = "form_page.html"
    cancel_url = reverse_lazy("home")

    def get_initial(self):
        return {"recruiter": row_id(self.request.GET.get("recruiter"))}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "cancel_url": self.cancel_url}


class OwnedUpdateView(OwnedFormMixin, UpdateView):
    """Edit one owned row; `delete_url_name` links to its delete page."""

    template_name = "form_page.html"
    delete_url_name = None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["cancel_url"] = self.object.get_absolute_url()
        if self.delete_url_name:
            context["delete_url"] = reverse(self.delete_url_name, args=[self.object.pk])
        return context


class OwnedDeleteView(OwnedMixin, DeleteView):
    template_name = "confirm_delete.html"

    def form_valid(self, form):
        messages.success(self.request, f"Deleted {self.object}.")
        return super().form_valid(form)


# Recruiters --------------------------------------------------------------------------


def recruiter_list(request):
    params = request.GET
    query = params.get("q", "").strip()
    if problem := bounds.unstorable(query):  # PostgreSQL refuses it in a query too
        return HttpResponseBadRequest(
            f"A search cannot hold {problem}. Search again at {request.path}",
            content_type="text/plain; charset=utf-8",
        )
    recruiters = selectors.recruiter_list(
        request.user,
        query=query,
        kind=params.get("kind", "") if params.get("kind") in Recruiter.Kind.values else "",
        tier=params.get("tier", "") if params.get("tier") in Recruiter.Tier.values else "",
        firm_id=row_id(params.get("firm")),
    )
    context = {
        "recruiters": recruiters,
        "firms": Firm.objects.owned_by(request.user),
        "kinds": Recruiter.Kind.choices,
        "tiers": Recruiter.Tier.choices,
        "params": params,
    }
    template = "recruiters/recruiter_list.html"
    if request.htmx and request.htmx.target == "recruiter-results":
        template += "#results"
    return render(request, template, context)


def recruiter_page(recruiter, form, tie_warning=None, after=None, logged=None):
    """What the recruiter page shows: a page of the timeline (the newest, or the one after
    the cursor `after`) and the health, roles, follow-ups, quick log (with the warning of a
    submission that would reach your employer, if there is one). `logged`: the interaction
    the quick log just saved, marked on the timeline."""
    profile = recruiter.owner.profile
    return {
        "recruiter": recruiter,
        "form": form,
        "tie_warning": tie_warning,
        "timeline": selectors.timeline_page(recruiter, after),
        "interaction_count": recruiter.interactions.count(),
        "logged": logged,
        "health": recruiter_health(recruiter, profile, timezone.now()),
        "roles": recruiter.roles.select_related("employer"),
        "follow_ups": selectors.open_follow_ups(recruiter.owner).filter(recruiter=recruiter),
    }


@paged
def recruiter_detail(request, pk):
    """The recruiter page, with the newest interactions. `?after=<cursor>` shows the older
    ones after that point: htmx gets only those entries (the "Older" loader at the foot of
    the timeline), a plain request the whole page around them."""
    recruiter = selectors.owned_or_404(Recruiter, request.user, pk)
    after = page_cursor(request)
    template = "recruiters/recruiter_detail.html"
    if request.htmx and after:
        context = {"recruiter": recruiter, "timeline": selectors.timeline_page(recruiter, after)}
        return render(request, template + "#timeline-page", context)
    context = recruiter_page(recruiter, InteractionForm(recruiter=recruiter), after=after)
    return render(request, template, context)


class RecruiterCreate(OwnedCreateView):
    model = Recruiter
    cancel_url = reverse_lazy("recruiter_list")
    form_class = RecruiterForm


class RecruiterUpdate(OwnedUpdateView):
    delete_url_name = "recruiter_delete"
    model = Recruiter
    form_class = RecruiterForm


class RecruiterDelete(OwnedDeleteView):
    model = Recruiter
    success_url = reverse_lazy("recruiter_list")


@require_POST
def log_interaction(request, pk):
    """The quick log on a recruiter's page: htmx gets the form and the new timeline.

    A submission that would reach your employer comes back with a warning, unlogged, until
    its "Log it anyway" button confirms it (article 003, confidential.interaction_warning).
    """
    recruiter = selectors.owned_or_404(Recruiter, request.user, pk)
    form = InteractionForm(request.POST, recruiter=recruiter)
    warning = logged = None
    if form.is_valid():
        ties = confidential.for_request(request)
        warning = unconfirmed(request, confidential.interaction_warning(ties, form.instance))
        if not warning:
            with telling_who_learns(request):
                logged = form.save()
            if not request.htmx:
                messages.success(request, "Interaction logged.")
                return redirect(recruiter)
            form = InteractionForm(recruiter=recruiter)
    template = "recruiters/recruiter_detail.html"
    context = recruiter_page(recruiter, form, tie_warning=warning, logged=logged)
    if request.htmx:
        return render(request, template + "#quick-log", context)
    return render(request, template, context, status=200 if warning else 422)


def unconfirmed(request, warning):
    """`warning`, unless the request confirms it (its "… anyway" button sent its key)."""
    return None if warning is None or warning.confirmed_by(request.POST) else warning


@contextmanager
def telling_who_learns(request):
    """Around a write: in a confidential search, a warning message for each recruiter who
    learns from it that you are looking ("Dana did not know you are looking; ...")."""
    profile = request.user.profile
    before = confidential.aware_ids(profile)
    yield
    for text in confidential.newly_aware(profile, before):
        messages.warning(request, text)


class ConfirmTiesMixin:
    """A create or edit page whose save may make a submission reach your employer: the form
    comes back with the warning, unsaved, until its "… anyway" button confirms it (article
    003). `save_warning(ties, instance)` names the warning, if any."""

    save_warning = None

    def form_valid(self, form):
        ties = confidential.for_request(self.request)
        warning = unconfirmed(self.request, self.save_warning(ties, form.instance))
        if warning:
            return self.render_to_response(self.get_context_data(form=form, tie_warning=warning))
        with telling_who_learns(self.request):
            return super().form_valid(form)


@require_POST
def recruiter_action(request, pk, action):
    """One-click actions on a dashboard item: log their reply, log a check-in, change tier."""
    recruiter = selectors.owned_or_404(Recruiter, request.user, pk)
    if action == "tier":
        form = TierForm(request.POST, instance=recruiter)
        if not form.is_valid():
            return HttpResponse("Choose invest, maintain or dormant.", status=400)
        form.save()
        done = f"{recruiter} is now “{recruiter.get_tier_display()}”."
    elif action in QUICK_TOUCHES:
        direction, summary = QUICK_TOUCHES[action]
        services.log_quick_touch(recruiter, direction=direction, summary=summary)
        done = f"Logged “{summary}”."
    else:
        raise Http404("No such action.")
    if request.htmx:
        return render(request, "dashboard/_done.html", {"message": done})
    messages.success(request, done)
    return redirect(safe_next(request, recruiter.get_absolute_url()))


QUICK_TOUCHES = {
    "replied": (Interaction.Direction.INBOUND, "They replied"),
    "checked-in": (Interaction.Direction.OUTBOUND, "I checked in"),
}


class InteractionUpdate(ConfirmTiesMixin, OwnedUpdateView):
    delete_url_name = "interaction_delete"
    model = Interaction
    form_class = InteractionForm
    save_warning = staticmethod(confidential.interaction_save_warning)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        del kwargs["owner"]
        return {**kwargs, "recruiter": self.object.recruiter}

    def get_success_url(self):
        return self.object.recruiter.get_absolute_url()


class InteractionDelete(OwnedDeleteView):
    model = Interaction

    def get_success_url(self):
        return self.object.recruiter.get_absolute_url()


# Firms -------------------------------------------------------------------------------


class FirmList(OwnedMixin, ListView):
    model = Firm
    template_name = "recruiters/firm_list.html"

    def get_queryset(self):
        return selectors.firm_list(self.request.user)


class FirmDetail(OwnedMixin, DetailView):
    model = Firm
    template_name = "recruiters/firm_detail.html"


class FirmCreate(OwnedCreateView):
    model = Firm
    cancel_url = reverse_lazy("firm_list")
    form_class = FirmForm


class FirmUpdate(OwnedUpdateView):
    delete_url_name = "firm_delete"
    model = Firm
    form_class = FirmForm


class FirmDelete(OwnedDeleteView):
    model = Firm
    success_url = reverse_lazy("firm_list")


# Roles -------------------------------------------------------------------------------


@paged
def role_board(request):
    """The pipeline: each stage with its count and first cards. `?stage=<stage>&after=
    <cursor>` names the next cards of one stage: htmx gets only those (its "Show more"), a
    plain request the board with that stage's column continued there."""
    stage = request.GET.get("stage")
    after = page_cursor(request)
    if stage is not None and stage not in Role.Stage.values:
        return bad_page_link(request, f"no stage {stage[:40]!r}")
    if after and not stage:
        return bad_page_link(request, "a cursor needs its stage")
    template = "recruiters/role_board.html"
    if request.htmx and stage:
        column = Role.Stage(stage)
        context = {
            "stage": column.value,
            "cards": selectors.stage_page(request.user, column.value, after),
            "stages": Role.Stage.choices,
        }
        return render(request, template + "#stage-page", context)
    context = {
        "board": selectors.role_board(request.user, stage=stage, after=after),
        "stages": Role.Stage.choices,
    }
    return render(request, template, context)


def you_authorised(role):
    """Whether you agreed that `role`'s recruiter may submit you (Role.submission_authorised,
    the right to represent), as the warning says it: "authorised" or "did not authorise"."""
    return "authorised" if role.submission_authorised else "did not authorise"


def warn_of_double_submission(request, role):
    """Article 003: warn when a second recruiter submits you to the same employer, saying
    which of the two submissions you authorised."""
    for other in rules.submission_clashes(role):
        messages.warning(
            request,
            f"Double submission: {other.recruiter} already submitted you to {role.employer} "
            f"on {other.submitted_on:%-d %b %Y} ({other.title}, which you "
            f"{you_authorised(other)}). This one you {you_authorised(role)}. Make sure only "
            "one recruiter represents you there.",
        )


class RoleFormMixin:
    form_class = RoleForm
    success_url = reverse_lazy("role_board")

    def form_valid(self, form):
        response = super().form_valid(form)
        if {"submitted_on", "employer", "recruiter"} & set(form.changed_data):
            warn_of_double_submission(self.request, self.object)
        return response


class RoleCreate(ConfirmTiesMixin, RoleFormMixin, OwnedCreateView):
    model = Role
    cancel_url = reverse_lazy("role_board")
    save_warning = staticmethod(confidential.role_save_warning)


class RoleUpdate(ConfirmTiesMixin, RoleFormMixin, OwnedUpdateView):
    delete_url_name = "role_delete"
    model = Role
    save_warning = staticmethod(confidential.role_save_warning)


class RoleDelete(OwnedDeleteView):
    model = Role
    success_url = reverse_lazy("role_board")


@require_POST
def move_role(request, pk):
    """Move a role on the board. A move that would submit you to your employer, or through a
    recruiter tied to it, stays undone: the board comes back with the warning and a "Submit
    anyway" button (article 003, confidential.move_warning)."""
    role = selectors.owned_or_404(Role, request.user, pk)
    form = RoleStageForm(request.POST)
    pending = None
    if form.is_valid():
        stage = form.cleaned_data["stage"]
        ties = confidential.for_request(request)
        warning = unconfirmed(request, confidential.move_warning(ties, role, stage))
        if warning:
            pending = {"role": role, "stage": Role.Stage(stage), "warning": warning}
        else:
            submitted_before = role.submitted_on
            with telling_who_learns(request):
                services.move_role(role, stage=stage)
            if role.submitted_on != submitted_before:
                warn_of_double_submission(request, role)
    elif not request.htmx:
        messages.error(request, "Choose one of the stages.")
    if request.htmx or pending:
        context = {
            "board": selectors.role_board(request.user),
            "stages": Role.Stage.choices,
            "pending": pending,
        }
        template = "recruiters/role_board.html" + ("#board" if request.htmx else "")
        return render(request, template, context)
    return redirect(safe_next(request, reverse("role_board")))


@require_POST
def authorise_submission(request, pk):
    """One click on the dashboard: you did agree that the role's recruiter may submit you
    there (right to represent), so rules.unauthorised_submissions stops listing it."""
    role = selectors.owned_or_404(Role, request.user, pk)
    services.authorise_submission(role)
    by = f"{role.recruiter}’s submission" if role.recruiter_id else "The submission"
    done = f"{by} for {role} is marked as authorised."
    if request.htmx:
        return render(request, "dashboard/_done.html", {"message": done})
    messages.success(request, done)
    return redirect(safe_next(request, reverse("home")))


# Follow-ups --------------------------------------------------------------------------


@paged
def follow_up_list(request):
    """Open follow-ups by due date, a page at a time, and the recently closed ones.
    `?after=<cursor>` names the next page: htmx gets only its rows ("Show more"), a plain
    request the page with them."""
    after = page_cursor(request)
    follow_ups = selectors.open_follow_up_page(request.user, after)
    template = "recruiters/follow_up_list.html"
    if request.htmx and after:
        return render(request, template + "#open-page", {"follow_ups": follow_ups})
    context = {
        "follow_ups": follow_ups,
        "open_count": selectors.open_follow_up_count(request.user),
        "closed": selectors.closed_follow_ups(request.user),
    }
    return render(request, template, context)


class FollowUpCreate(OwnedCreateView):
    model = FollowUp
    cancel_url = reverse_lazy("follow_up_list")
    form_class = FollowUpForm
    success_url = reverse_lazy("follow_up_list")


class FollowUpUpdate(OwnedUpdateView):
    model = FollowUp
    form_class = FollowUpForm
    success_url = reverse_lazy("follow_up_list")


CLOSING_ACTIONS = {
    "done": services.complete_follow_up,
    "dismiss": services.dismiss_follow_up,
    "reopen": services.reopen_follow_up,
}


@require_POST
def follow_up_action(request, pk, action):
    """Done, snooze, dismiss or reopen one follow-up; htmx gets the row back."""
    follow_up = selectors.owned_or_404(FollowUp, request.user, pk)
    if action == "snooze":
        form = SnoozeForm({"days": request.POST.get("days", 3)})
        if not form.is_valid():
            return HttpResponse("Snooze for 1 to 90 days.", status=400)
        services.snooze_follow_up(follow_up, days=form.cleaned_data["days"])
    elif action in CLOSING_ACTIONS:
        CLOSING_ACTIONS[action](follow_up)
    else:
        raise Http404("No such action.")
    if request.htmx:
        return render(request, "recruiters/_follow_up.html", {"follow_up": follow_up})
    return redirect(safe_next(request, reverse("follow_up_list")))
