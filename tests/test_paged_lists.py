"""The long lists come a page at a time (keyset pages, recruiters.paging): a recruiter's
timeline, the open follow-ups and each stage of the role board. Each page links to the next
(an htmx fragment, or the whole page without JavaScript); walking the links shows every row
once, in order, even where rows share a timestamp across a page boundary; a mangled link
answers 400, never 500."""

import html as html_lib
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from recruiters import paging, selectors
from recruiters.models import FollowUp, Interaction, Role
from tests.factories import make_firm, make_follow_up, make_recruiter, make_role

NEXT_LINK = re.compile(r'<a\b[^>]*\brel="next"[^>]*>')
HREF = re.compile(r'\bhref="([^"]*)"')
HX_GET = re.compile(r'\bhx-get="([^"]*)"')
INTERACTION_IDS = re.compile(r'<li class="interaction [^"]*" id="interaction-(\d+)"')
FOLLOW_UP_IDS = re.compile(r'<li class="follow-up [^"]*" id="follow-up-(\d+)"')
ROLE_IDS = re.compile(r'<article class="role card" id="role-(\d+)"')

BAD_CURSORS = [
    "abc",
    "12",
    "12-34",
    "1_2_3",
    "١٢_٣",
    "999999999999999999_1",
    "1_9999999999999999999",
]


def next_link(html):
    """The href of the page's rel="next" link, or None; checks that htmx asks the same."""
    tags = NEXT_LINK.findall(html)
    assert len(tags) <= 1, tags
    if not tags:
        return None
    href = html_lib.unescape(HREF.search(tags[0]).group(1))
    # The plain link may carry an #anchor to where the list goes on; htmx asks the same page.
    assert html_lib.unescape(HX_GET.search(tags[0]).group(1)) == href.split("#")[0]
    return href


def ids(pattern, html):
    return [int(pk) for pk in pattern.findall(html)]


def get(client, url, htmx=False, **kwargs):
    headers = {"HX-Request": "true"} if htmx else {}
    return client.get(url, headers=headers, **kwargs)


def walk(client, first_url, pattern, *, htmx, section=lambda html: html):
    """Every page of a list, following its next links: ([ids of each page], last html)."""
    response = client.get(first_url)
    assert response.status_code == 200
    html = section(response.content.decode())
    pages = [ids(pattern, html)]
    while url := next_link(html):
        response = get(client, url, htmx)
        assert response.status_code == 200
        html = response.content.decode()
        if htmx:
            assert "<html" not in html  # the fragment, not the page
        else:
            assert "<html" in html
            html = section(html)
        pages.append(ids(pattern, html))
        assert len(pages) < 20, "the next links do not end"
    return pages, html


def flat(pages):
    return [pk for page in pages for pk in page]


# A recruiter's timeline ------------------------------------------------------------------


def add_interactions(recruiter, n, *, per_moment=1, newest=None):
    """`n` interactions an hour apart, newest first ("Touch 000" ...), `per_moment` of them
    at each moment; returns their ids in the timeline's order (newest first, then id)."""
    newest = newest or timezone.now() - timedelta(minutes=5)
    rows = Interaction.objects.bulk_create(
        Interaction(
            owner=recruiter.owner,
            recruiter=recruiter,
            occurred_at=newest - timedelta(hours=i // per_moment),
            summary=f"Touch {i:03}",
        )
        for i in range(n)
    )
    return [r.pk for r in sorted(rows, key=lambda r: (r.occurred_at, r.pk), reverse=True)]


def test_recruiter_page_shows_the_newest_page_and_links_to_older(client_in, user):
    recruiter = make_recruiter(user)
    order = add_interactions(recruiter, 120)

    html = client_in.get(recruiter.get_absolute_url()).content.decode()

    assert ids(INTERACTION_IDS, html) == order[: selectors.TIMELINE_PAGE] and len(order) > 50
    assert 'Timeline <span class="count">120</span>' in html
    assert "Touch 049" in html and "Touch 050" not in html
    link = next_link(html)
    assert link.startswith(recruiter.get_absolute_url() + "?after=")
    assert link.endswith("#timeline-heading")  # without JavaScript, back to the timeline
    more = NEXT_LINK.search(html).group(0)
    assert 'hx-trigger="click, revealed"' in more and 'hx-target="closest li"' in more
    assert "Back to the newest" not in html


@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "plain"])
def test_older_pages_show_the_whole_timeline_once_in_order(client_in, user, htmx):
    recruiter = make_recruiter(user)
    order = add_interactions(recruiter, 137, per_moment=3)  # ties across page boundaries

    pages, last = walk(client_in, recruiter.get_absolute_url(), INTERACTION_IDS, htmx=htmx)

    assert [len(page) for page in pages] == [50, 50, 37]
    assert flat(pages) == order
    assert next_link(last) is None
    if not htmx:
        assert "Back to the newest" in last and 'id="quick-log"' in last
        assert 'Timeline <span class="count">137</span>' in last


@pytest.mark.parametrize(("n", "pages"), [(0, [0]), (1, [1]), (50, [50]), (51, [50, 1])])
def test_timeline_page_boundaries(client_in, user, n, pages):
    recruiter = make_recruiter(user)
    order = add_interactions(recruiter, n)
    walked, _ = walk(client_in, recruiter.get_absolute_url(), INTERACTION_IDS, htmx=True)
    assert [len(page) for page in walked] == pages
    assert flat(walked) == order


def test_empty_timeline(client_in, user):
    html = client_in.get(make_recruiter(user).get_absolute_url()).content.decode()
    assert "No interactions yet" in html and next_link(html) is None
    assert 'Timeline <span class="count">' not in html


def test_a_cursor_past_the_oldest_shows_no_more(client_in, user):
    recruiter = make_recruiter(user)
    add_interactions(recruiter, 3)
    oldest = recruiter.interactions.order_by("occurred_at").first()
    url = f"{recruiter.get_absolute_url()}?after={paging.Cursor.of(oldest, 'occurred_at')}"

    fragment = get(client_in, url, htmx=True)
    assert fragment.status_code == 200 and not ids(INTERACTION_IDS, fragment.content.decode())
    page = get(client_in, url).content.decode()
    assert "No older interactions." in page and "Back to the newest" in page


@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "plain"])
@pytest.mark.parametrize("cursor", BAD_CURSORS)
def test_a_mangled_timeline_cursor_is_a_400(client_in, user, htmx, cursor):
    recruiter = make_recruiter(user)
    add_interactions(recruiter, 3)
    response = get(client_in, recruiter.get_absolute_url(), htmx, data={"after": cursor})
    assert response.status_code == 400
    text = response.content.decode()
    assert "This page link is not valid" in text and recruiter.get_absolute_url() in text


def test_the_quick_log_puts_the_new_entry_on_top_of_the_first_page(client_in, user, htmx_headers):
    recruiter = make_recruiter(user)
    order = add_interactions(recruiter, 60)
    data = {
        "direction": "inbound",
        "kind": "check_in",
        "channel": "email",
        "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "summary": "Just now",
    }

    response = client_in.post(
        reverse("log_interaction", args=[recruiter.pk]), data, headers=htmx_headers
    )

    html = response.content.decode()
    (logged,) = [i for i in Interaction.objects.all() if i.summary == "Just now"]
    assert ids(INTERACTION_IDS, html) == [logged.pk, *order[:49]]
    assert f'<li class="interaction inbound just-logged" id="interaction-{logged.pk}"' in html
    assert html.count("just-logged") == 1
    assert 'Timeline <span class="count">61</span>' in html
    assert next_link(html).startswith(recruiter.get_absolute_url() + "?after=")


def test_a_backdated_quick_log_goes_where_it_belongs(client_in, user, htmx_headers):
    recruiter = make_recruiter(user)
    add_interactions(recruiter, 60)
    data = {
        "direction": "inbound",
        "kind": "check_in",
        "channel": "email",
        "occurred_at": (timezone.localtime() - timedelta(days=30)).strftime("%Y-%m-%dT%H:%M"),
        "summary": "Last month",
    }
    response = client_in.post(
        reverse("log_interaction", args=[recruiter.pk]), data, headers=htmx_headers
    )
    html = response.content.decode()
    assert "Last month" not in html and "just-logged" not in html  # older than the page
    assert 'Timeline <span class="count">61</span>' in html


# Open follow-ups --------------------------------------------------------------------------


def add_follow_ups(user, n, *, per_moment=1, **fields):
    """`n` open follow-ups due an hour apart ("Task 000" first), `per_moment` at each
    moment; returns their ids by due date, then id."""
    start = timezone.now() - timedelta(days=1)
    rows = FollowUp.objects.bulk_create(
        FollowUp(
            owner=user,
            title=f"Task {i:03}",
            due_at=start + timedelta(hours=i // per_moment),
            **fields,
        )
        for i in range(n)
    )
    return [r.pk for r in sorted(rows, key=lambda r: (r.due_at, r.pk))]


def open_section(html):
    """The "Open" card of the follow-ups page (the closed ones are listed below it)."""
    return html.split("<h2>Recently closed</h2>")[0]


def test_follow_ups_page_shows_the_first_page_the_count_and_the_recently_closed(client_in, user):
    order = add_follow_ups(user, 120)
    now = timezone.now()
    for i in range(25):
        make_follow_up(user, title=f"Closed {i:02}", state="done", closed_at=now - timedelta(i))

    html = client_in.get(reverse("follow_up_list")).content.decode()

    assert ids(FOLLOW_UP_IDS, open_section(html)) == order[:50]
    assert "120 open, soonest due first" in html
    assert 'Open <span class="count">120</span>' in html
    assert next_link(html).startswith(reverse("follow_up_list") + "?after=")
    closed = html.split("<h2>Recently closed</h2>")[1]
    assert len(ids(FOLLOW_UP_IDS, closed)) == 20  # limited, as before
    assert "Closed 00" in closed and "Closed 20" not in closed


@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "plain"])
def test_follow_up_pages_show_every_open_one_once_by_due_date(client_in, user, htmx):
    order = add_follow_ups(user, 104, per_moment=4)
    snoozed = make_follow_up(
        user,
        title="Snoozed one",
        due_at=timezone.now() + timedelta(days=30),
        state="snoozed",
        snoozed_until=timezone.now() + timedelta(days=31),
    )
    make_follow_up(user, title="Done one", state="done", closed_at=timezone.now())

    pages, last = walk(
        client_in, reverse("follow_up_list"), FOLLOW_UP_IDS, htmx=htmx, section=open_section
    )

    assert [len(page) for page in pages] == [50, 50, 5]
    assert flat(pages) == [*order, snoozed.pk]
    if not htmx:
        assert "back to the first" in last and "105 open" in last


@pytest.mark.parametrize(("n", "pages"), [(1, [1]), (50, [50]), (51, [50, 1])])
def test_follow_up_page_boundaries(client_in, user, n, pages):
    order = add_follow_ups(user, n)
    walked, _ = walk(
        client_in, reverse("follow_up_list"), FOLLOW_UP_IDS, htmx=True, section=open_section
    )
    assert [len(page) for page in walked] == pages and flat(walked) == order


def test_no_open_follow_ups(client_in, user):
    html = client_in.get(reverse("follow_up_list")).content.decode()
    assert "Nothing open." in html and next_link(html) is None
    assert 'Open <span class="count">0</span>' in html


def test_a_cursor_past_the_last_follow_up_shows_no_more(client_in, user):
    add_follow_ups(user, 2)
    last = FollowUp.objects.order_by("-due_at").first()
    url = f"{reverse('follow_up_list')}?after={paging.Cursor.of(last, 'due_at')}"
    assert not ids(FOLLOW_UP_IDS, get(client_in, url, htmx=True).content.decode())
    assert "No more open follow-ups." in get(client_in, url).content.decode()


@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "plain"])
@pytest.mark.parametrize("cursor", BAD_CURSORS)
def test_a_mangled_follow_up_cursor_is_a_400(client_in, user, htmx, cursor):
    response = get(client_in, reverse("follow_up_list"), htmx, data={"after": cursor})
    assert response.status_code == 400
    assert "This page link is not valid" in response.content.decode()


def test_marking_one_done_does_not_shift_the_next_page(client_in, user, htmx_headers):
    order = add_follow_ups(user, 80)
    html = client_in.get(reverse("follow_up_list")).content.decode()
    url = next_link(html)
    before = ids(FOLLOW_UP_IDS, get(client_in, url, htmx=True).content.decode())

    first = FollowUp.objects.get(pk=order[0])
    client_in.post(reverse("follow_up_action", args=[first.pk, "done"]), headers=htmx_headers)

    assert ids(FOLLOW_UP_IDS, get(client_in, url, htmx=True).content.decode()) == before
    assert before == order[50:]


@pytest.mark.parametrize("action", ["done", "snooze", "dismiss"])
def test_actions_work_on_a_follow_up_of_a_later_page(client_in, user, htmx_headers, action):
    order = add_follow_ups(user, 70)
    page_two = next_link(client_in.get(reverse("follow_up_list")).content.decode())
    fragment = get(client_in, page_two, htmx=True).content.decode()
    pk = order[60]
    assert f'id="follow-up-{pk}"' in fragment
    action_url = reverse("follow_up_action", args=[pk, action])
    # Done is the row's form's own action; the others its buttons' (formaction, which htmx
    # follows too).
    attribute = "hx-post" if action == "done" else "formaction"
    assert f'{attribute}="{action_url}"' in fragment

    response = client_in.post(action_url, {"days": 3}, headers=htmx_headers)
    row = response.content.decode()
    assert row.lstrip().startswith(
        f'<li class="follow-up state-{FollowUp.objects.get(pk=pk).state}'
    )
    assert FollowUp.objects.get(pk=pk).state != "open"

    # Without JavaScript, the plain post comes back to the page it was made on; reopen it.
    FollowUp.objects.filter(pk=pk).update(
        state="done", closed_at=timezone.now(), snoozed_until=None
    )
    response = client_in.post(reverse("follow_up_action", args=[pk, "reopen"]), {"next": page_two})
    assert response.status_code == 302 and response["Location"] == page_two
    assert client_in.get(page_two).status_code == 200


def test_a_tied_follow_up_on_a_later_page_keeps_its_badge(client_in, user):
    employer = make_firm(user, name="Acme Corp", kind="employer")
    user.profile.current_employer = employer
    user.profile.save()
    priya = make_recruiter(user, name="Priya Shah", firm=employer)
    add_follow_ups(user, 50)
    make_follow_up(
        user, title="Send Priya the CV", recruiter=priya, due_at=timezone.now() + timedelta(days=9)
    )
    page_two = next_link(client_in.get(reverse("follow_up_list")).content.decode())
    fragment = get(client_in, page_two, htmx=True).content.decode()
    assert "Send Priya the CV" in fragment
    assert "Tied to your employer (Acme Corp)" in fragment


# The role board, a page per stage -----------------------------------------------------------


def add_roles(user, n, stage, *, per_moment=1, **fields):
    """`n` roles at `stage` changed a minute apart, newest first ("Pitched 000" ...),
    `per_moment` at each moment; returns their ids in the board's order."""
    rows = Role.objects.bulk_create(
        Role(owner=user, title=f"{stage.title()} {i:03}", stage=stage, **fields) for i in range(n)
    )
    newest = timezone.now()
    for i, role in enumerate(rows):
        role.updated_at = newest - timedelta(minutes=i // per_moment)
    Role.objects.bulk_update(rows, ["updated_at"])
    return [r.pk for r in sorted(rows, key=lambda r: (r.updated_at, r.pk), reverse=True)]


def column(html, stage):
    """The html of the `stage` column of the board."""
    return html.split(f'<section class="column stage-{stage}')[1].split("</section>")[0]


def test_board_shows_each_stage_with_its_count_and_first_cards(client_in, user):
    pitched = add_roles(user, 60, "pitched")
    offers = add_roles(user, 3, "offer")

    html = client_in.get(reverse("role_board")).content.decode()

    assert ids(ROLE_IDS, column(html, "pitched")) == pitched[: selectors.BOARD_PAGE]
    assert 'Pitched <span class="count">60</span>' in html
    link = next_link(column(html, "pitched"))
    assert link.startswith(reverse("role_board") + "?stage=pitched&after=")
    assert link.endswith("#stage-pitched")
    assert ids(ROLE_IDS, column(html, "offer")) == offers
    assert 'Offer <span class="count">3</span>' in html
    assert next_link(column(html, "offer")) is None
    interviewing = column(html, "interviewing")
    assert "is-empty" in html.split('<section class="column stage-interviewing')[1][:60]
    assert '<span class="count">0</span>' in interviewing and "No roles." in interviewing


def test_show_more_walks_one_stage_once_in_order(client_in, user):
    pitched = add_roles(user, 63, "pitched", per_moment=7)  # ties across page boundaries
    add_roles(user, 30, "offer")

    pages, last = walk(
        client_in,
        reverse("role_board"),
        ROLE_IDS,
        htmx=True,
        section=lambda html: column(html, "pitched"),
    )

    assert [len(page) for page in pages] == [25, 25, 13]
    assert flat(pages) == pitched
    assert next_link(last) is None


def test_without_javascript_show_more_continues_that_stage_on_the_board(client_in, user):
    pitched = add_roles(user, 60, "pitched")
    offers = add_roles(user, 30, "offer")
    board = client_in.get(reverse("role_board")).content.decode()

    html = client_in.get(next_link(column(board, "pitched"))).content.decode()

    assert ids(ROLE_IDS, column(html, "pitched")) == pitched[25:50]
    assert "Back to the first" in column(html, "pitched")
    assert 'Pitched <span class="count">60</span>' in html
    assert ids(ROLE_IDS, column(html, "offer")) == offers[:25]  # the others stay as they were
    assert "Back to the first" not in column(html, "offer")
    assert (
        ids(
            ROLE_IDS,
            column(client_in.get(next_link(column(html, "pitched"))).content.decode(), "pitched"),
        )
        == pitched[50:]
    )


def test_a_stage_without_a_cursor_gives_its_first_cards(client_in, user):
    offers = add_roles(user, 30, "offer")
    response = get(client_in, reverse("role_board"), htmx=True, data={"stage": "offer"})
    assert ids(ROLE_IDS, response.content.decode()) == offers[:25]


@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "plain"])
@pytest.mark.parametrize(
    "query",
    [
        {"stage": "hired"},
        {"stage": ""},
        {"stage": "pitched", "after": "soon"},
        {"after": "1700000000000000_1"},  # a cursor, but of which stage?
    ]
    + [{"stage": "pitched", "after": cursor} for cursor in BAD_CURSORS],
)
def test_a_mangled_board_link_is_a_400(client_in, user, htmx, query):
    add_roles(user, 3, "pitched")
    response = get(client_in, reverse("role_board"), htmx, data=query)
    assert response.status_code == 400
    assert "This page link is not valid" in response.content.decode()


def test_a_card_of_a_later_page_moves_with_htmx(client_in, user, htmx_headers):
    pitched = add_roles(user, 40, "pitched")
    fragment = get(
        client_in,
        next_link(column(client_in.get(reverse("role_board")).content.decode(), "pitched")),
        htmx=True,
    ).content.decode()
    pk = pitched[30]
    move_url = reverse("role_move", args=[pk])
    assert f'hx-post="{move_url}"' in fragment and 'hx-target="#board"' in fragment

    response = client_in.post(move_url, {"stage": "interviewing"}, headers=htmx_headers)

    html = response.content.decode()
    assert html.lstrip().startswith('<div class="board" id="board">')
    assert ids(ROLE_IDS, column(html, "interviewing")) == [pk]
    assert 'Pitched <span class="count">39</span>' in html
    assert 'Interviewing <span class="count">1</span>' in html
    assert Role.objects.get(pk=pk).stage == "interviewing"


def test_a_moved_card_is_first_in_its_new_stage(client_in, user, htmx_headers):
    add_roles(user, 40, "offer")
    role = make_role(user, title="Moving on", stage="pitched")
    html = client_in.post(
        reverse("role_move", args=[role.pk]), {"stage": "offer"}, headers=htmx_headers
    ).content.decode()
    assert ids(ROLE_IDS, column(html, "offer"))[0] == role.pk
    assert 'Offer <span class="count">41</span>' in html


def test_a_tied_card_on_a_later_page_keeps_its_badge_and_its_warning(client_in, user, htmx_headers):
    employer = make_firm(user, name="Acme Corp", kind="employer")
    user.profile.current_employer = employer
    user.profile.save()
    tied = make_role(user, title="Platform Lead", employer=employer)
    Role.objects.filter(pk=tied.pk).update(updated_at=timezone.now() - timedelta(days=30))
    add_roles(user, 30, "pitched")

    board = client_in.get(reverse("role_board")).content.decode()
    assert "Platform Lead" not in board
    fragment = get(client_in, next_link(column(board, "pitched")), htmx=True).content.decode()
    card = fragment.split(f'id="role-{tied.pk}"')[1].split("</article>")[0]
    assert "Tied to your employer (Acme Corp)" in card

    response = client_in.post(
        reverse("role_move", args=[tied.pk]), {"stage": "submitted"}, headers=htmx_headers
    )
    assert "This submission reaches your employer" in response.content.decode()
    assert Role.objects.get(pk=tied.pk).stage == "pitched"
