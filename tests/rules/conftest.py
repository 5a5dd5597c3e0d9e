"""Hypothesis profiles for the rule tests: "dev" (default, quick) and "ci" (thorough).

scripts/test.sh exports HYPOTHESIS_PROFILE=ci when CI=true.
"""

import os

from hypothesis import HealthCheck, settings

_COMMON = {
    # Each example writes its rows to the database: timings vary, and the test's own
    # function-scoped fixtures (the database) are meant to be shared by all its examples.
    "deadline": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
}
settings.register_profile("dev", max_examples=60, **_COMMON)
settings.register_profile("ci", max_examples=300, **_COMMON)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))
