"""The recruiter page's health card: which rules fire for a recruiter (health.firing_rules,
one query) is, for every recruiter of random histories, exactly the rules whose own
queryset lists that recruiter (or one of its interactions or roles)."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from hypothesis import given, settings

from recruiters import health
from recruiters.models import Recruiter
from tests.rules.test_differential import histories, write


def fired_rule_by_rule(recruiter, profile, now):
    """The definition: each rule asked on its own."""
    return [
        (key, label)
        for key, label, rule in health.RECRUITER_RULES
        if rule(profile, now).filter(pk=recruiter.pk).exists()
    ] + [
        (key, label)
        for key, label, rule in health.INTERACTION_RULES + health.ROLE_RULES
        if rule(profile, now).filter(recruiter=recruiter).exists()
    ]


@pytest.mark.django_db
@settings(max_examples=settings.default.max_examples // 3)  # each asks 22 queries a recruiter
@given(case=histories())
def test_the_rules_firing_for_a_recruiter_are_those_whose_rows_name_it(case):
    history, now = case
    with transaction.atomic():
        profile, _, _ = write(history, now)
        for recruiter in Recruiter.objects.owned_by(profile.user):
            with CaptureQueriesContext(connection) as queries:
                firing = health.firing_rules(recruiter, profile, now)
            assert len(queries) == 1
            assert firing == fired_rule_by_rule(recruiter, profile, now)
        transaction.set_rollback(True)
