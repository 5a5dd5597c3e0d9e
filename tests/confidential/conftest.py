"""A job seeker employed at Acme Corp, with what is tied to Acme and what is not.

- Acme Corp is the current employer; Priya Shah is in-house there.
- Northwind Talent is an agency marked as working for Acme; Dana Reyes works there.
- Bluebird Search is an agency with no tie; Lee Park works there.
- Roles: "Platform Lead" at Acme via Lee (tied by its employer), "Data Lead" at Kestrel via
  Dana (tied by its recruiter), "Backend Engineer" at Kestrel via Lee (not tied); all
  pitched, none submitted.
"""

from types import SimpleNamespace

import pytest

from recruiters.models import Firm
from tests.factories import make_firm, make_recruiter, make_role


@pytest.fixture
def acme(user):
    employer = make_firm(user, name="Acme Corp", kind=Firm.Kind.EMPLOYER)
    northwind = make_firm(user, name="Northwind Talent", works_for_my_employer=True)
    bluebird = make_firm(user, name="Bluebird Search")
    kestrel = make_firm(user, name="Kestrel Systems", kind=Firm.Kind.EMPLOYER)
    priya = make_recruiter(user, name="Priya Shah", firm=employer, kind="in_house")
    dana = make_recruiter(user, name="Dana Reyes", firm=northwind)
    lee = make_recruiter(user, name="Lee Park", firm=bluebird)
    profile = user.profile
    profile.current_employer = employer
    profile.save()
    return SimpleNamespace(
        employer=employer,
        northwind=northwind,
        bluebird=bluebird,
        kestrel=kestrel,
        priya=priya,
        dana=dana,
        lee=lee,
        platform_lead=make_role(user, title="Platform Lead", employer=employer, recruiter=lee),
        data_lead=make_role(user, title="Data Lead", employer=kestrel, recruiter=dana),
        backend=make_role(user, title="Backend Engineer", employer=kestrel, recruiter=lee),
        profile=profile,
    )


@pytest.fixture
def confidential(acme):
    """The same, searching confidentially."""
    acme.profile.confidential_search = True
    acme.profile.save()
    return acme
