"""Hypothesis profiles of the fuzz test: "fuzz-dev" (default, quick) and "fuzz-ci" (what CI
runs, within a minute); scripts/test.sh exports HYPOTHESIS_PROFILE=ci when CI=true."""

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "fuzz-dev",
    max_examples=2,
    deadline=None,
    # The examples of one endpoint share the test's database (each rolls its writes back).
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
settings.register_profile("fuzz-ci", settings.get_profile("fuzz-dev"), max_examples=4)
FUZZ = settings.get_profile(f"fuzz-{os.environ.get('HYPOTHESIS_PROFILE', 'dev')}")
