"""No user ever reaches another user's rows: not by URL, not through a form, not in a list.

Every URL that takes an id is tried with a row of `other_user` while logged in as `user`:
it must answer 404 (405 where the method is not allowed at all), and no row anywhere may
change, appear or disappear. The list of those URLs is read from the URL resolver, so a new
URL with an id fails `test_every_url_with_an_id_is_covered` until it is added to CASES.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.urls import URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from recruiters import paging, views
from recruiters.accounts import signup
from recruiters.digests import tokens
from recruiters.exports import calendar_feed
from recruiters.models import (
    CalendarFeed,
    DigestLinkUse,
    Firm,
    FollowUp,
    Interaction,
    Profile,
    Recruiter,
    Role,
)
from tests.factories import make_firm, make_follow_up, make_interaction, make_recruiter, make_role

# Valid form data for each kind of row: accepted for the user's own rows (see
# test_same_request_on_own_row_succeeds), so a 404 for the other user's row is not a fluke.
FIRM_DATA = {"name": "Renamed Firm", "kind": "agency", "website": "", "notes": ""}
RECRUITER_DATA = {
    "name": "Renamed Recruiter",
    "kind": "agency",
    "tier": "invest",
    "initiated_by": "me",
    "email": "renamed@example.com",
}
ROLE_DATA = {"title": "Renamed Role", "stage": "interviewing", "currency": "EUR"}
INTERACTION_DATA = {
    "direction": "outbound",
    "kind": "check_in",
    "channel": "call",
    "occurred_at": "2025-01-06T09:30",
    "summary": "Hijacked",
}
FOLLOW_UP_DATA = {"title": "Renamed follow-up", "owed_by": "me", "due_at": "2030-01-06T09:30"}


@dataclass(frozen=True)
class Case:
    """One URL with an id: which row it takes, and which methods it answers."""

    name: str
    row: str
    post_data: dict | None  # None: the view refuses POST (405)
    get: bool = True  # False: the view refuses GET (405)
    action: str | None = None  # follow_up_action and recruiter_action only
    own_post_status: int = 302

    def url(self, rows):
        pk = rows[self.row].pk
        args = [pk, self.action] if self.action else [pk]
        return reverse(self.name, args=args)

    def __str__(self):
        return f"{self.name}:{self.action}" if self.action else self.name


CASES = [
    Case("recruiter_detail", "recruiter", {}, own_post_status=200),
    Case("recruiter_edit", "recruiter", RECRUITER_DATA),
    Case("recruiter_delete", "recruiter", {}),
    Case("log_interaction", "recruiter", INTERACTION_DATA, get=False),
    Case("recruiter_action", "recruiter", {}, get=False, action="replied"),
    Case("recruiter_action", "recruiter", {}, get=False, action="checked-in"),
    Case("recruiter_action", "recruiter", {"tier": "dormant"}, get=False, action="tier"),
    Case("interaction_edit", "interaction", INTERACTION_DATA),
    Case("interaction_delete", "interaction", {}),
    Case("firm_detail", "firm", None),
    Case("firm_edit", "firm", FIRM_DATA),
    Case("firm_delete", "firm", {}),
    Case("role_edit", "role", ROLE_DATA),
    Case("role_delete", "role", {}),
    Case("role_move", "role", {"stage": "offer"}, get=False),
    Case("role_authorise", "role", {}, get=False),
    Case("follow_up_edit", "follow_up", FOLLOW_UP_DATA),
    Case("follow_up_action", "follow_up", {}, get=False, action="done"),
    Case("follow_up_action", "follow_up", {"days": "5"}, get=False, action="snooze"),
    Case("follow_up_action", "follow_up", {}, get=False, action="dismiss"),
    Case("follow_up_action", "closed_follow_up", {}, get=False, action="reopen"),
]

# Distinctive names of the other user's rows: none may ever show up on the user's pages.
THEIR_NAMES = [
    "Othercorp Talent",
    "Zebulon Otherworld",
    "zeb@othercorp.example",
    "Secret Quantum Architect",
    "Whispered otherworld gossip",
    "Chase Zebulon about comp",
    "Closed otherworld matter",
]
MY_NAMES = ["Northwind Talent", "Dana Reyes", "Staff Engineer", "Send Dana my CV"]


def one_of_each(owner, *, firm, recruiter, role, interaction, follow_up, closed):
    """A row of every kind for `owner`, related to each other; each argument gives the
    fields of that row."""
    firm = make_firm(owner, **firm)
    recruiter = make_recruiter(owner, firm=firm, **recruiter)
    role = make_role(owner, recruiter=recruiter, employer=firm, **role)
    follow_up = make_follow_up(owner, recruiter=recruiter, role=role, **follow_up)
    return {
        "firm": firm,
        "recruiter": recruiter,
        "role": role,
        "interaction": make_interaction(recruiter, role=role, **interaction),
        "follow_up": follow_up,
        "closed_follow_up": make_follow_up(
            owner,
            recruiter=recruiter,
            state=FollowUp.State.DONE,
            closed_at=follow_up.created_at,
            **closed,
        ),
    }


@pytest.fixture
def theirs(other_user):
    return one_of_each(
        other_user,
        firm={"name": "Othercorp Talent"},
        recruiter={
            "name": "Zebulon Otherworld",
            "email": "zeb@othercorp.example",
            "specialties": "quantum, fintech",
        },
        role={"title": "Secret Quantum Architect", "stage": Role.Stage.SUBMITTED},
        interaction={"summary": "Whispered otherworld gossip", "expects_reply": True},
        follow_up={"title": "Chase Zebulon about comp"},
        closed={"title": "Closed otherworld matter"},
    )


@pytest.fixture
def mine(user):
    return one_of_each(
        user,
        firm={"name": "Northwind Talent"},
        recruiter={"name": "Dana Reyes", "specialties": "data, fintech"},
        role={"title": "Staff Engineer"},
        interaction={"summary": "Intro call"},
        follow_up={"title": "Send Dana my CV"},
        closed={"title": "Thank Dana"},
    )


def all_rows():
    """Every field of every row of every table a request could touch, both users'."""
    models = [Firm, Recruiter, Role, Interaction, FollowUp, Profile]
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in models}


def assert_not_shown(response, names=THEIR_NAMES):
    content = response.content.decode()
    leaked = [name for name in names if name.lower() in content.lower()]
    assert not leaked, f"{response.request['PATH_INFO']} shows another user's rows: {leaked}"


# URLs with an id ------------------------------------------------------------------------


def urls_with_an_id():
    """(name, pattern) of every URL of the recruiters app, includes too, taking an integer id."""
    app = next(
        p
        for p in get_resolver().url_patterns
        if isinstance(p, URLResolver)
        and getattr(p.urlconf_name, "__name__", p.urlconf_name) == "recruiters.urls"
    )

    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, prefix + str(p.pattern))
            elif any(isinstance(c, IntConverter) for c in p.pattern.converters.values()):
                yield p.name, prefix + str(p.pattern)

    return dict(walk(app.url_patterns))


# Feature URLs whose rows (import jobs) are built in their own test file, which checks each
# with another user's id the same way.
COVERED_ELSEWHERE = dict.fromkeys(
    ["import_preview", "import_columns", "import_confirm", "import_progress", "import_discard"],
    "tests/imports/test_pages.py",
)


def test_every_url_with_an_id_is_covered():
    found = urls_with_an_id()
    assert found, "found no URL with an id: is the recruiters include still there?"
    missing = set(found) - {case.name for case in CASES} - set(COVERED_ELSEWHERE)
    assert not missing, f"add these URLs to CASES in {__name__}: {sorted(missing)}"
    stale = {case.name for case in CASES} - set(found)
    assert not stale, f"CASES names URLs that are gone: {sorted(stale)}"
    for name, test_file in COVERED_ELSEWHERE.items():
        assert name in found, f"{name} is gone: drop it from COVERED_ELSEWHERE"
        assert f'"{name}"' in (settings.BASE_DIR / test_file).read_text(), (
            f"{test_file} no longer tests {name} with another user's id"
        )


def test_every_follow_up_action_is_covered():
    covered = {case.action for case in CASES if case.name == "follow_up_action"}
    assert covered == set(views.CLOSING_ACTIONS) | {"snooze"}


@pytest.mark.parametrize("case", CASES, ids=str)
def test_other_users_row_is_not_found(client_in, theirs, htmx_headers, case):
    url = case.url(theirs)
    before = all_rows()

    assert client_in.get(url).status_code == (404 if case.get else 405)
    post_status = 405 if case.post_data is None else 404
    assert client_in.post(url, case.post_data or {}).status_code == post_status
    assert client_in.post(url, case.post_data or {}, headers=htmx_headers).status_code == (
        post_status
    )

    assert all_rows() == before


@pytest.mark.parametrize("case", CASES, ids=str)
def test_same_request_on_own_row_succeeds(client_in, mine, case):
    """The control for the test above: the URL and the payload do work for one's own row."""
    url = case.url(mine)
    if case.get:
        assert client_in.get(url).status_code == 200
    if case.post_data is not None:
        assert client_in.post(url, case.post_data).status_code == case.own_post_status


# Forms offer and accept only the user's own rows ----------------------------------------

INVALID_CHOICE = "That choice is not one of the available choices."


@pytest.mark.parametrize(
    ("name", "query"),
    [
        ("recruiter_create", ""),
        ("role_create", ""),
        ("role_create", "?recruiter={recruiter}"),
        ("follow_up_create", ""),
        ("follow_up_create", "?recruiter={recruiter}"),
    ],
)
def test_create_forms_offer_only_own_rows(client_in, mine, theirs, name, query):
    url = reverse(name) + query.format(recruiter=theirs["recruiter"].pk)
    response = client_in.get(url)
    assert response.status_code == 200
    assert "Northwind Talent" in response.content.decode()
    assert_not_shown(response)


def test_edit_forms_offer_only_own_rows(client_in, mine, theirs):
    for name, row in [
        ("recruiter_detail", "recruiter"),
        ("recruiter_edit", "recruiter"),
        ("role_edit", "role"),
        ("interaction_edit", "interaction"),
        ("follow_up_edit", "follow_up"),
    ]:
        response = client_in.get(reverse(name, args=[mine[row].pk]))
        assert response.status_code == 200
        assert_not_shown(response)


def test_recruiter_form_refuses_another_users_firm(client_in, mine, theirs):
    before = all_rows()
    data = {**RECRUITER_DATA, "firm": theirs["firm"].pk}

    response = client_in.post(reverse("recruiter_create"), data)
    assert response.status_code == 200
    assert INVALID_CHOICE in response.context["form"].errors["firm"][0]

    response = client_in.post(reverse("recruiter_edit", args=[mine["recruiter"].pk]), data)
    assert response.status_code == 200
    assert INVALID_CHOICE in response.context["form"].errors["firm"][0]

    assert all_rows() == before


@pytest.mark.parametrize(("field", "row"), [("recruiter", "recruiter"), ("employer", "firm")])
def test_role_form_refuses_another_users_rows(client_in, mine, theirs, field, row):
    before = all_rows()
    data = {**ROLE_DATA, field: theirs[row].pk}

    response = client_in.post(reverse("role_create"), data)
    assert response.status_code == 200
    assert INVALID_CHOICE in response.context["form"].errors[field][0]

    response = client_in.post(reverse("role_edit", args=[mine["role"].pk]), data)
    assert response.status_code == 200
    assert INVALID_CHOICE in response.context["form"].errors[field][0]

    assert all_rows() == before


@pytest.mark.parametrize(("field", "row"), [("recruiter", "recruiter"), ("role", "role")])
def test_follow_up_form_refuses_another_users_rows(client_in, mine, theirs, field, row):
    before = all_rows()
    data = {**FOLLOW_UP_DATA, field: theirs[row].pk}

    response = client_in.post(reverse("follow_up_create"), data)
    assert response.status_code == 200
    assert INVALID_CHOICE in response.context["form"].errors[field][0]
    assert all_rows() == before


def test_quick_log_refuses_another_users_role(client_in, mine, theirs, htmx_headers):
    before = all_rows()
    url = reverse("log_interaction", args=[mine["recruiter"].pk])
    data = {**INTERACTION_DATA, "role": theirs["role"].pk}

    response = client_in.post(url, data)
    assert response.status_code == 422
    assert INVALID_CHOICE in response.context["form"].errors["role"][0]
    response = client_in.post(url, data, headers=htmx_headers)
    assert response.status_code == 200
    assert INVALID_CHOICE in response.content.decode()

    assert all_rows() == before


def test_interaction_edit_refuses_another_users_role(client_in, mine, theirs):
    before = all_rows()
    url = reverse("interaction_edit", args=[mine["interaction"].pk])

    response = client_in.post(url, {**INTERACTION_DATA, "role": theirs["role"].pk})
    assert response.status_code == 200
    assert INVALID_CHOICE in response.context["form"].errors["role"][0]
    assert all_rows() == before


# Lists and search -----------------------------------------------------------------------


@pytest.mark.parametrize(
    # The dashboard ("home") lists only what a rule flags: tests/dashboard/ covers it.
    "name",
    ["recruiter_list", "firm_list", "role_board", "follow_up_list"],
)
def test_list_pages_show_only_own_rows(client_in, mine, theirs, name):
    response = client_in.get(reverse(name))
    assert response.status_code == 200
    content = response.content.decode()
    assert any(my_name in content for my_name in MY_NAMES)
    assert_not_shown(response)


@pytest.mark.parametrize("name", ["home", "recruiter_list", "firm_list", "role_board", "who_knows"])
def test_list_pages_of_a_new_user_show_nothing_of_others(client_in, theirs, name):
    response = client_in.get(reverse(name))
    assert response.status_code == 200
    assert_not_shown(response)


def test_who_knows_lists_only_own_recruiters(client_in, user, mine, theirs):
    """Their recruiter holds a submitted role, so knows they are looking; mine is told."""
    make_interaction(mine["recruiter"], kind="outreach", direction="outbound")
    for confidential_search in (False, True):
        user.profile.confidential_search = confidential_search
        user.profile.save()
        response = client_in.get(reverse("who_knows"))
        assert [r.pk for r in response.context["recruiters"]] == [mine["recruiter"].pk]
        assert "Dana Reyes" in response.content.decode()
        assert_not_shown(response)


def test_their_tied_firm_ties_nothing_of_mine(client_in, user, mine, theirs):
    """Their firm marked as working for their employer, even named as mine behind the
    form's back, flags none of my rows and shows none of theirs."""
    Firm.objects.filter(pk=theirs["firm"].pk).update(works_for_my_employer=True)
    Profile.objects.filter(user=user).update(current_employer=theirs["firm"])
    for name in ["recruiter_list", "firm_list", "role_board", "follow_up_list"]:
        response = client_in.get(reverse(name))
        assert "badge tied" not in response.content.decode()
        assert_not_shown(response)


@pytest.mark.parametrize(
    ("name", "row", "data"),
    [
        ("log_interaction", "recruiter", {**INTERACTION_DATA, "kind": "submission"}),
        ("role_move", "role", {"stage": "submitted"}),
    ],
)
def test_a_confirmed_warning_on_another_users_row_is_not_found(
    client_in, theirs, htmx_headers, name, row, data
):
    before = all_rows()
    url = reverse(name, args=[theirs[row].pk])
    for confirm in [f"recruiter:{theirs['recruiter'].pk}", f"employer:{theirs['firm'].pk}"]:
        assert client_in.post(url, {**data, "confirm": confirm}).status_code == 404
        response = client_in.post(url, {**data, "confirm": confirm}, headers=htmx_headers)
        assert response.status_code == 404
    assert all_rows() == before


@pytest.mark.parametrize("q", ["Zebulon", "othercorp", "quantum", "zeb@othercorp.example"])
def test_search_finds_nothing_of_another_user(client_in, mine, theirs, htmx_headers, q):
    response = client_in.get(reverse("recruiter_list"), {"q": q})
    assert response.status_code == 200
    assert list(response.context["recruiters"]) == []
    not_the_query = [name for name in THEIR_NAMES if name.lower() != q.lower()]
    assert_not_shown(response, not_the_query)

    headers = {**htmx_headers, "HX-Target": "recruiter-results"}
    response = client_in.get(reverse("recruiter_list"), {"q": q}, headers=headers)
    assert_not_shown(response, not_the_query)
    assert "No recruiter matches" in response.content.decode()


def test_search_matching_both_users_shows_only_own(client_in, mine, theirs):
    response = client_in.get(reverse("recruiter_list"), {"q": "fintech"})
    assert list(response.context["recruiters"]) == [mine["recruiter"]]
    assert_not_shown(response)


def test_filter_by_another_users_firm_shows_nothing(client_in, mine, theirs):
    response = client_in.get(reverse("recruiter_list"), {"firm": theirs["firm"].pk})
    assert response.status_code == 200
    assert list(response.context["recruiters"]) == []
    assert_not_shown(response)


@pytest.mark.parametrize("firm", ["²", "99999999999999999999999", "-1", "1e3"])
def test_filter_by_a_malformed_firm_id_is_ignored(client_in, mine, firm):
    response = client_in.get(reverse("recruiter_list"), {"firm": firm})
    assert response.status_code == 200


# Paged lists: a page cursor positions only the user's own rows ----------------------------


def cursor_of(row, field):
    return str(paging.Cursor.of(row, field))


def paged_urls(mine, theirs):
    """(url, query) of every paged list and fragment, with a cursor taken from `theirs`."""
    their_role = theirs["role"]
    return [
        (
            reverse("recruiter_detail", args=[mine["recruiter"].pk]),
            {"after": cursor_of(theirs["interaction"], "occurred_at")},
        ),
        (reverse("follow_up_list"), {"after": cursor_of(theirs["follow_up"], "due_at")}),
        (
            reverse("role_board"),
            {"stage": their_role.stage, "after": cursor_of(their_role, "updated_at")},
        ),
        (reverse("role_board"), {"stage": "pitched", "after": cursor_of(their_role, "updated_at")}),
    ]


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_a_cursor_from_another_users_row_shows_nothing_of_theirs(
    client_in, mine, theirs, htmx_headers, htmx
):
    before = all_rows()
    for url, query in paged_urls(mine, theirs):
        response = client_in.get(url, query, headers=htmx_headers if htmx else {})
        assert response.status_code == 200
        assert_not_shown(response)
    # Their interaction is newer than mine: the older page after it is my own one.
    response = client_in.get(*paged_urls(mine, theirs)[0])
    assert "Intro call" in response.content.decode()
    assert all_rows() == before


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_paged_fragments_of_a_new_user_show_nothing_of_others(
    client_in, theirs, htmx_headers, htmx
):
    for url, query in [
        (reverse("follow_up_list"), {"after": "0_0"}),
        (reverse("role_board"), {"stage": "submitted", "after": "99999999999999999_0"}),
        (reverse("role_board"), {"stage": "submitted"}),
    ]:
        response = client_in.get(url, query, headers=htmx_headers if htmx else {})
        assert response.status_code == 200
        assert_not_shown(response)


def test_another_users_timeline_is_not_found_whatever_the_cursor(client_in, theirs, htmx_headers):
    url = reverse("recruiter_detail", args=[theirs["recruiter"].pk])
    for cursor in [cursor_of(theirs["interaction"], "occurred_at"), "0_0", "not-a-cursor"]:
        assert client_in.get(url, {"after": cursor}).status_code == 404
        assert client_in.get(url, {"after": cursor}, headers=htmx_headers).status_code == 404


# URLs with a token ----------------------------------------------------------------------
#
# A token in the URL is its own authorisation (a digest's links, the calendar feed, the
# sign-up and password-reset links): whoever holds it may do what it was made for, to the
# rows it was made for, logged in or not. So another user's valid token, used from my
# session, acts on their row as it would for them, and never touches or shows mine; and a
# token edited by hand (its signature, its payload re-pointed at my rows, cut short, made
# for another purpose) is refused with a 4xx and changes nothing at all.


def urls_with_a_string_argument():
    """(name, pattern) of every URL outside the admin taking a non-integer argument."""

    def strings(p):
        ints = {k for k, c in p.pattern.converters.items() if isinstance(c, IntConverter)}
        return set(p.pattern.regex.groupindex) - ints  # re_path groups are strings too

    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                if p.namespace != "admin":  # staff only, Django's own permission checks
                    yield from walk(p.url_patterns, prefix + str(p.pattern))
            elif strings(p):
                yield p.name, prefix + str(p.pattern)

    return dict(walk(get_resolver().url_patterns))


# Their string argument is a word from a fixed list, not a token.
NOT_TOKENS = {
    "recruiter_action": "an action's name: CASES tries it with another user's id",
    "follow_up_action": "an action's name: CASES tries it with another user's id",
    "export_csv": "a table's name; the CSV holds only the logged-in user's rows",
}


def every_row():
    """all_rows(), and the rows a token's view could also write: accounts, feeds, link uses."""
    return {
        **all_rows(),
        **{
            model.__name__: list(model.objects.order_by("pk").values())
            for model in [get_user_model(), CalendarFeed, DigestLinkUse]
        },
    }


def rows_of(snapshot, user):
    """The rows of `snapshot` that belong to `user`."""
    key = {
        "User": "id",
        "Profile": "user_id",
        "CalendarFeed": "user_id",
        "DigestLinkUse": "user_id",
    }
    return {
        table: [row for row in rows if row[key.get(table, "owner_id")] == user.pk]
        for table, rows in snapshot.items()
    }


def digest_token(action, owner, follow_up=None):
    return tokens.make(
        action, user_id=owner.pk, epoch=owner.profile.security_epoch, follow_up=follow_up
    )


def uidb64(user):
    return urlsafe_base64_encode(force_bytes(user.pk))


@dataclass(frozen=True)
class TokenCase:
    """A URL with a token. `args(rows, owner)` are its arguments, made for `owner`'s rows;
    `get` and `post` the statuses of the owner's valid token; `grants(rows, owner)` the rows
    that token may change, as (table, pk); `forged(rows, owner, me, my_rows)` the same
    URL's arguments edited by hand (each must be refused with `refused`)."""

    label: str
    name: str
    args: Callable
    get: int
    post: int
    forged: Callable
    grants: Callable = lambda rows, owner: set()
    refused: tuple = (400, 404, 405, 410)

    def url(self, args):
        return reverse(self.name, args=args)

    def __str__(self):
        return self.label


def signed(token, payload):
    """`token` with its payload replaced and its timestamp and signature kept."""
    _, timestamp, signature = token.rsplit(":", 2)
    data = signing.b64_encode(json.dumps(payload, separators=(",", ":")).encode()).decode()
    return f"{data}:{timestamp}:{signature}"


def edited(token):
    """`token` with one character of its signature changed."""
    return token[:-1] + ("A" if token[-1] != "A" else "B")


def follow_up_forgeries(action):
    def forged(rows, owner, me, my_rows):
        token = digest_token(action, owner, rows["follow_up"])
        payload = signing.loads(token, salt=f"callback.digests.{action}")
        other = "snooze" if action == "done" else "done"
        return [
            [action, edited(token)],
            [action, token[: len(token) // 2]],
            [action, signed(token, {**payload, "f": my_rows["follow_up"].pk})],
            [action, signed(token, {**payload, "u": me.pk, "f": my_rows["follow_up"].pk})],
            [other, token],  # signed for another action
            [action, digest_token(tokens.UNSUBSCRIBE, owner)],
            ["delete", token],
        ]

    return forged


def unsubscribe_forgeries(rows, owner, me, my_rows):
    token = digest_token(tokens.UNSUBSCRIBE, owner)
    payload = signing.loads(token, salt="callback.digests.unsubscribe")
    return [
        [edited(token)],
        [token[: len(token) // 2]],
        [signed(token, {**payload, "u": me.pk})],
        [digest_token("done", owner, rows["follow_up"])],
    ]


def calendar_forgeries(rows, owner, me, my_rows):
    token = calendar_feed.feed_for(owner).token
    return [[edited(token)], [token[:-1]], [token.upper()]]


def signup_token(email):
    return signup.link(email).rsplit("/", 2)[-2]


def signup_forgeries(rows, owner, me, my_rows):
    token = signup_token("new.person@example.com")
    return [
        [edited(token)],
        [token[: len(token) // 2]],
        [signed(token, me.email)],
        [digest_token(tokens.UNSUBSCRIBE, owner)],
    ]


def reset_forgeries(rows, owner, me, my_rows):
    token = default_token_generator.make_token(owner)
    return [
        [uidb64(me), token],  # their token re-pointed at my account
        [uidb64(owner), edited(token)],
        [uidb64(owner), default_token_generator.make_token(me)],
    ]


TOKEN_CASES = [
    *(
        TokenCase(
            f"digest_follow_up:{action}",
            "digest_follow_up",
            lambda rows, owner, action=action: [
                action,
                digest_token(action, owner, rows["follow_up"]),
            ],
            get=200,
            post=200,
            forged=follow_up_forgeries(action),
            grants=lambda rows, owner: {("FollowUp", rows["follow_up"].pk)},
        )
        for action in tokens.FOLLOW_UP_ACTIONS
    ),
    TokenCase(
        "digest_unsubscribe",
        "digest_unsubscribe",
        lambda rows, owner: [digest_token(tokens.UNSUBSCRIBE, owner)],
        get=200,
        post=200,
        forged=unsubscribe_forgeries,
        grants=lambda rows, owner: {("Profile", owner.profile.pk)},
    ),
    TokenCase(
        "export_calendar_feed",
        "export_calendar_feed",
        lambda rows, owner: [calendar_feed.feed_for(owner).token],
        get=200,
        post=405,
        forged=calendar_forgeries,
    ),
    # Their address has an account: the link says so and does nothing more.
    TokenCase(
        "signup_finish",
        "signup_finish",
        lambda rows, owner: [signup_token(owner.email)],
        get=200,
        post=200,
        forged=signup_forgeries,
    ),
    # The link stores its token in the session and redirects to the set-password form.
    TokenCase(
        "password_reset_confirm",
        "password_reset_confirm",
        lambda rows, owner: [uidb64(owner), default_token_generator.make_token(owner)],
        get=302,
        post=302,
        forged=reset_forgeries,
        refused=(200,),  # Django's own view: the "link has expired" page (validlink False)
    ),
]


def test_every_url_with_a_token_is_covered():
    found = urls_with_a_string_argument()
    assert "digest_unsubscribe" in found, "found no token URL: is the digest include there?"
    covered = {case.name for case in TOKEN_CASES}
    missing = set(found) - covered - set(NOT_TOKENS)
    assert not missing, f"add these token URLs to TOKEN_CASES in {__name__}: {sorted(missing)}"
    stale = (covered | set(NOT_TOKENS)) - set(found)
    assert not stale, f"TOKEN_CASES or NOT_TOKENS name URLs that are gone: {sorted(stale)}"
    assert {c.label.partition(":")[2] for c in TOKEN_CASES if c.name == "digest_follow_up"} == (
        set(tokens.FOLLOW_UP_ACTIONS)
    )


SESSIONS = ["logged-in", "logged-out"]
FLAVOURS = ["plain", "htmx"]


def changed(before, after):
    """(table, pk) of every row that differs, appeared or went between two snapshots."""

    def by_pk(rows, table):
        return {row["nonce" if table == "DigestLinkUse" else "id"]: row for row in rows}

    found = set()
    for table in before:
        old, new = by_pk(before[table], table), by_pk(after[table], table)
        found |= {(table, pk) for pk in old.keys() | new.keys() if old.get(pk) != new.get(pk)}
    return found


@pytest.mark.parametrize("flavour", FLAVOURS)
@pytest.mark.parametrize("session", SESSIONS)
@pytest.mark.parametrize("case", TOKEN_CASES, ids=str)
def test_another_users_token_acts_only_on_what_it_grants(
    client, user, other_user, mine, theirs, htmx_headers, case, session, flavour
):
    """Their valid token from my session (or none): their row as the token says, nothing
    of mine changed or shown."""
    if session == "logged-in":
        client.force_login(user)
    headers = htmx_headers if flavour == "htmx" else {}
    url = case.url(case.args(theirs, other_user))
    before = every_row()

    response = client.get(url, headers=headers)
    assert response.status_code == case.get
    assert_not_shown(response, MY_NAMES + [user.email])
    assert changed(before, every_row()) == set(), "a GET changed something"

    response = client.post(url, {"password1": "x", "password2": "x"}, headers=headers)
    assert response.status_code == case.post
    assert_not_shown(response, MY_NAMES + [user.email])
    after = every_row()
    assert rows_of(after, user) == rows_of(before, user)
    granted = case.grants(theirs, other_user)
    assert changed(rows_of(before, other_user), rows_of(after, other_user)) - granted == {
        ("DigestLinkUse", row["nonce"]) for row in rows_of(after, other_user)["DigestLinkUse"]
    }
    if session == "logged-in":  # still me, not them
        assert client.get(reverse("settings")).context["user"] == user


@pytest.mark.parametrize("flavour", FLAVOURS)
@pytest.mark.parametrize("session", SESSIONS)
@pytest.mark.parametrize("case", TOKEN_CASES, ids=str)
def test_a_forged_token_is_refused_and_changes_nothing(
    client, user, other_user, mine, theirs, htmx_headers, case, session, flavour
):
    if session == "logged-in":
        client.force_login(user)
    headers = htmx_headers if flavour == "htmx" else {}
    forgeries = case.forged(theirs, other_user, user, mine)
    before = every_row()
    for args in forgeries:
        url = case.url(args)
        for method in (client.get, client.post):
            response = method(url, headers=headers)
            assert response.status_code in case.refused, f"{method.__name__} {url}"
            if response.status_code == 200:  # the password reset's "expired" page
                assert response.context["validlink"] is False
            assert_not_shown(response, MY_NAMES + THEIR_NAMES)
    assert every_row() == before
