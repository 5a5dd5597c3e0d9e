"""Small row builders for tests: just the fields a test needs, sensible defaults for the rest."""

from itertools import count

from django.contrib.auth import get_user_model
from django.utils import timezone

from recruiters.models import Firm, FollowUp, Interaction, Recruiter, Role

_sequence = count(1)


def make_user(email=None, password="a-long-test-password"):
    email = email or f"user{next(_sequence)}@example.com"
    return get_user_model().objects.create_user(username=email, email=email, password=password)


def make_firm(owner, **fields):
    fields.setdefault("name", f"Firm {next(_sequence)}")
    return Firm.objects.create(owner=owner, **fields)


def make_recruiter(owner, **fields):
    fields.setdefault("name", f"Recruiter {next(_sequence)}")
    return Recruiter.objects.create(owner=owner, **fields)


def make_role(owner, **fields):
    fields.setdefault("title", f"Engineer {next(_sequence)}")
    return Role.objects.create(owner=owner, **fields)


def make_interaction(recruiter, **fields):
    return Interaction.objects.create(owner=recruiter.owner, recruiter=recruiter, **fields)


def make_follow_up(owner, **fields):
    fields.setdefault("title", f"Follow up {next(_sequence)}")
    fields.setdefault("due_at", timezone.now() + timezone.timedelta(days=1))
    return FollowUp.objects.create(owner=owner, **fields)
