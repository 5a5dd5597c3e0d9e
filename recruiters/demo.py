# ruff: noqa: E501  (the tables below keep one row per line, however long)
"""A demo account with a realistic six-month history (`manage.py load_demo`).

The history is a fixed script, the tables below, laid out relative to `now` in the demo
user's time zone (Europe/London), so that on whatever day it is loaded every two-way-street
rule of DESIGN.md has something to show. The story lines, by recruiter:

- Priya Raman (agency, invest): responsive, value both ways: leads, intel and salary data
  in, referrals and intel out; a live submission to Fernway.
- Marcus Webb (agency): silent. Ledgerly is at the interviewing stage, his last message was
  14 days ago and three chasers (asking for a reply) have gone out since.
- Chloe Hart: they ignore you (5 outbound, 1 inbound in 90 days), and silent on a question
  of two months ago. Dan Okafor: you ignore them (5 inbound pitches, nothing outbound).
  Several others give more value than they get (one-sided by value): the dashboard says so.
- Rachel Osei (in-house, Greenfield Health): panel interview 12 days ago, no feedback since
  (feedback owed), and silent past the in-house threshold of 10 days.
- Aisha Bello (retained): a role pitch 3 days ago, still unanswered.
- Gary Pindar (contract): a contract accepted 6 days ago, and an offer from Quayside Bank
  (Ben Carter) 2 days ago, while Priya, Tom and Marcus still hold active submissions.
- Sophie Lang and Tom Ellery both submitted you to Orbital Freight, 92 days apart.
- James Whitcombe (dormant): last contact 131 days ago. Helena Voss (invest): quiet 38 days.
  Nina Kowalski (still tiered "maintain"): no contact for 161 days, gone dormant.
- Grace Adeyemi (invest): asked her a question yesterday, awaiting her reply.

Obligations the rules imply (feedback owed, answers and updates owed) are not in the tables:
the rules make them as follow-ups (services.sync_rule_follow_ups).

Deterministic: the same `now` and `seed` give the same rows (the seed only picks the time
of day of each event, inside working hours).
"""

import random
from collections import defaultdict
from datetime import datetime, time, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from recruiters import state
from recruiters.models import Firm, FollowUp, Interaction, Profile, Recruiter, Role

DEMO_EMAIL = "demo@callback.local"
DEMO_PASSWORD = "callback-demo"
SEED = 2024
TIME_ZONE = "Europe/London"
OWNED_MODELS = (FollowUp, Interaction, Role, Recruiter, Firm)  # in a safe order to delete

PROFILE = {
    "time_zone": TIME_ZONE,
    "purpose_statement": (
        "A staff-level platform or data-infrastructure role at a product company: hybrid in "
        "London or remote UK, £115k+ base, hands-on rather than people management. Invest in "
        "the few recruiters who really know data platforms; keep the rest warm, politely."
    ),
    "target_roles": "Staff Engineer, Data Platform\nStaff Backend Engineer\nPrincipal Engineer, Data\nHead of Platform (the right one)",
    "confidential_search": False,
    "search_paused_at": None,
}

F, R, P = Firm.Kind, Recruiter.Kind, Recruiter.InitiatedBy
T, S = Recruiter.Tier, Role.Stage
IN, OUT = Interaction.Direction.INBOUND, Interaction.Direction.OUTBOUND

# fmt: off
FIRMS = [  # key, name, kind, notes
    ("northbridge", "Northbridge Talent",          F.AGENCY,   "Data and platform specialists, Shoreditch."),
    ("harbour",     "Harbour & Finch",             F.AGENCY,   "Fintech and logistics tech."),
    ("brightlane",  "Brightlane Recruitment",      F.AGENCY,   "Generalist tech agency, high volume."),
    ("kestrel",     "Kestrel Search Partners",     F.RETAINED, "Retained executive search, platform leadership."),
    ("meridian",    "Meridian Executive Search",   F.RETAINED, "Technology practice: climate tech and payments."),
    ("tidewater",   "Tidewater Contract Staffing", F.STAFFING, "Contracts, mostly outside IR35."),
    ("ledgerly",    "Ledgerly",                    F.EMPLOYER, "Fintech scale-up: ledgers and reconciliation."),
    ("orbital",     "Orbital Freight",             F.EMPLOYER, "Logistics marketplace, Farringdon."),
    ("greenfield",  "Greenfield Health",           F.EMPLOYER, "Healthtech; new data org forming."),
    ("quayside",    "Quayside Bank",               F.EMPLOYER, "Challenger bank, Canary Wharf."),
    ("atlas",       "Atlas Grid",                  F.EMPLOYER, "Energy-grid analytics, Bristol."),
    ("pebblepay",   "Pebblepay",                   F.EMPLOYER, "Payments for small retailers."),
    ("fernway",     "Fernway",                     F.EMPLOYER, "Travel marketplace, remote-first."),
    ("cobalt",      "Cobalt Analytics",            F.EMPLOYER, "Analytics consultancy; uses contractors."),
]

RECRUITERS = [  # key, name, firm, kind, tier, who initiated, specialties, silence threshold override, notes
    ("priya",   "Priya Raman",    "northbridge", R.AGENCY,   T.INVEST,   P.THEM,     "data platform, python, fintech",    None, "Best recruiter I know. Straight answers, real market intel."),
    ("tom",     "Tom Ellery",     "northbridge", R.AGENCY,   T.MAINTAIN, P.THEM,     "backend, logistics, marketplaces",  None, "Priya's colleague."),
    ("marcus",  "Marcus Webb",    "harbour",     R.AGENCY,   T.MAINTAIN, P.ME,       "fintech, payments, platform",       None, "Fast at first; slow once I was submitted."),
    ("sophie",  "Sophie Lang",    "harbour",     R.AGENCY,   T.MAINTAIN, P.THEM,     "backend, logistics, go",            None, "Gave honest feedback after Orbital."),
    ("dan",     "Dan Okafor",     "brightlane",  R.AGENCY,   T.MAINTAIN, P.THEM,     "python, contract-to-perm",          None, "Pitches in bulk; rarely matches my targets."),
    ("chloe",   "Chloe Hart",     "brightlane",  R.AGENCY,   T.MAINTAIN, P.ME,       "fintech, backend",                  None, ""),
    ("grace",   "Grace Adeyemi",  "brightlane",  R.AGENCY,   T.INVEST,   P.REFERRAL, "data engineering, healthtech",      None, "Introduced by Priya. Great on CVs."),
    ("helena",  "Helena Voss",    "kestrel",     R.RETAINED, T.INVEST,   P.REFERRAL, "platform leadership, scale-ups",    21,   "Quarterly coffee. Thinks long term."),
    ("james",   "James Whitcombe", "kestrel",    R.RETAINED, T.DORMANT,  P.THEM,     "executive search, fintech",         None, "VP-level searches only."),
    ("aisha",   "Aisha Bello",    "meridian",    R.RETAINED, T.MAINTAIN, P.THEM,     "platform leadership, climate tech", None, ""),
    ("sam",     "Sam Whitley",    "meridian",    R.RETAINED, T.MAINTAIN, P.ME,       "engineering leadership, payments",  None, ""),
    ("gary",    "Gary Pindar",    "tidewater",   R.CONTRACT, T.MAINTAIN, P.THEM,     "contract, python, platform",        None, "Day rates, quick turnaround."),
    ("nina",    "Nina Kowalski",  "tidewater",   R.CONTRACT, T.MAINTAIN, P.THEM,     "contract, data engineering",        None, "Mostly on-site contracts up north."),
    ("rachel",  "Rachel Osei",    "greenfield",  R.IN_HOUSE, T.MAINTAIN, P.ME,       "healthtech, data",                  None, "Talent partner for engineering."),
    ("ben",     "Ben Carter",     "quayside",    R.IN_HOUSE, T.MAINTAIN, P.THEM,     "banking, backend",                  None, "Very organised process."),
    ("oliver",  "Oliver Grant",   "orbital",     R.IN_HOUSE, T.MAINTAIN, P.THEM,     "logistics, data",                   None, ""),
    ("fatima",  "Fatima Noor",    "atlas",       R.IN_HOUSE, T.DORMANT,  P.ME,       "energy, data",                      None, "Rejected me with useful written feedback."),
    ("leo",     "Leo Marsh",      "pebblepay",   R.IN_HOUSE, T.MAINTAIN, P.THEM,     "payments, platform",                None, ""),
]

ROLES = [  # key, title, employer, recruiter, stage, pay range (£k), work mode, location, submitted (days ago), notes
    ("ledgerly",   "Staff Engineer, Payments Platform",          "ledgerly",   "marcus", S.INTERVIEWING, (115, 130), "hybrid", "London, Old Street",    70,   "Final with the CTO still to be booked."),
    ("orbital1",   "Senior Backend Engineer (Routing)",          "orbital",    "sophie", S.REJECTED,     (95, 110),  "hybrid", "London, Farringdon",    110,  "They wanted deeper Go."),
    ("orbital2",   "Staff Engineer, Data Platform",              "orbital",    "tom",    S.SUBMITTED,    (115, 125), "hybrid", "London, Farringdon",    18,   "Second submission to Orbital this year (first via Harbour & Finch)."),
    ("fernway",    "Staff Engineer, Data Platform",              "fernway",    "priya",  S.SUBMITTED,    (120, 135), "remote", "Remote (UK)",           12,   ""),
    ("greenfield", "Principal Engineer, Data",                   "greenfield", "rachel", S.INTERVIEWING, (110, 125), "hybrid", "Manchester or remote",  33,   ""),
    ("quayside",   "Staff Backend Engineer",                     "quayside",   "ben",    S.OFFER,        (120, 130), "hybrid", "London, Canary Wharf",  44,   "Verbal offer: £125k + 15% bonus."),
    ("cobalt",     "Contract Platform Engineer (3 months)",      "cobalt",     "gary",   S.ACCEPTED,     None,       "remote", "Remote",                24,   "£650/day outside IR35, starts on the 1st."),
    ("atlas",      "Senior Data Engineer",                       "atlas",      "fatima", S.REJECTED,     (90, 105),  "onsite", "Bristol",               124,  "Take-home: they wanted more dbt."),
    ("pebblepay",  "Senior Platform Engineer",                   "pebblepay",  "leo",    S.CLOSED,       (100, 115), "hybrid", "London",                103,  "Filled internally."),
    ("checkout",   "Backend Engineer, Checkout",                 "pebblepay",  "dan",    S.WITHDRAWN,    (85, 95),   "onsite", "London",                24,   "Dan sent my CV before I had said yes; I asked Pebblepay to withdraw it."),
    ("climate",    "Head of Platform (confidential client)",     None,         "aisha",  S.PITCHED,      (150, 170), "hybrid", "London",                None, "Series C climate tech, retained search."),
    ("director",   "Director of Platform (confidential client)", None,         "sam",    S.WITHDRAWN,    (160, 180), "hybrid", "London",                None, "Withdrew: 80% people management."),
]
# Every submission was authorised (right to represent) but these: the recruiter never asked.
SUBMITTED_UNASKED = {"checkout"}

# Who did what, when (days ago). A summary ending in "?" asks for a reply (expects_reply).
HISTORY = {  # recruiter: [(days ago, direction, kind, channel, value carried, role, summary)]
    "priya": [
        (168, IN,  "outreach",           "linkedin",  "",              None,       "Saw my Kafka talk at PyData London. Fancy a call about the data platform market?"),
        (165, OUT, "check_in",           "call",      "",              None,       "Intro call: told her I'm after staff-level platform work, hybrid London."),
        (150, IN,  "check_in",           "email",     "market_intel",  None,       "Who is hiring platform staff engineers this quarter: fintech busy, healthtech slowing."),
        (132, OUT, "other",              "email",     "referral",      None,       "Referred Jonas (SRE, ex-colleague) for one of her client roles."),
        (118, IN,  "role_pitch",         "email",     "role_lead",     None,       "Lead Data Engineer at a Series B insurtech. Worth a look?"),
        (117, OUT, "status_update",      "email",     "",              None,       "Passed on the insurtech role: too junior and fully on-site."),
        (96,  IN,  "check_in",           "call",      "salary_data",   None,       "Staff platform roles in London settling at £115-135k base; equity thinner than last year."),
        (74,  OUT, "other",              "linkedin",  "referral",      None,       "Introduced her to Mei, a data engineer from my old team who is looking."),
        (73,  IN,  "check_in",           "email",     "",              None,       "Thanks for Mei; they are meeting on Thursday."),
        (52,  IN,  "check_in",           "call",      "market_intel",  None,       "Heads-up: Fernway is reorganising its data team; a staff role should open within weeks."),
        (30,  OUT, "check_in",           "email",     "market_intel",  None,       "Passed on what ex-colleagues say about Ledgerly's platform rewrite."),
        (14,  IN,  "role_pitch",         "email",     "role_lead",     "fernway",  "The Fernway role is live, £120-135k, remote. Happy for me to put you forward?"),
        (13,  OUT, "status_update",      "email",     "",              "fernway",  "Yes, please submit me to Fernway. CV v7 attached."),
        (12,  IN,  "submission",         "email",     "",              "fernway",  "Submitted to Fernway; hiring manager reviewing this week."),
        (2,   IN,  "status_update",      "call",      "feedback",      "fernway",  "Fernway liked the CV and want a first interview next week; slots to follow."),
    ],
    "tom": [
        (60,  IN,  "outreach",           "linkedin",  "",              None,       "Priya's colleague, covers logistics. Open to hearing about Orbital Freight?"),
        (58,  OUT, "check_in",           "linkedin",  "",              None,       "Open to it; sent my CV and target roles."),
        (22,  IN,  "role_pitch",         "call",      "role_lead",     "orbital2", "Orbital Freight, Staff Engineer, Data Platform, £115-125k hybrid. Can I submit you?"),
        (21,  OUT, "status_update",      "email",     "",              "orbital2", "OK to submit me to Orbital for the staff role."),
        (18,  IN,  "submission",         "email",     "",              "orbital2", "Submitted to Orbital Freight; expect news within a week or two."),
        (5,   IN,  "status_update",      "email",     "",              "orbital2", "Orbital still reviewing; hiring manager back from leave on Monday."),
    ],
    "marcus": [
        (75,  OUT, "outreach",           "linkedin",  "",              None,       "Saw the Ledgerly payments platform ad. Is the role still open?"),
        (74,  IN,  "role_pitch",         "call",      "role_lead",     "ledgerly", "Ledgerly staff payments role is open; walked me through the team and the pay."),
        (73,  OUT, "status_update",      "email",     "",              "ledgerly", "Confirmed he may submit me to Ledgerly."),
        (70,  IN,  "submission",         "email",     "",              "ledgerly", "Submitted to Ledgerly."),
        (55,  IN,  "interview",          "video",     "",              "ledgerly", "First interview with the engineering manager: system design on ledger consistency."),
        (52,  IN,  "interview_feedback", "call",      "feedback",      "ledgerly", "Strong on design, wants more on incident leadership. Through to round two."),
        (30,  IN,  "interview",          "video",     "",              "ledgerly", "Round two: pairing on a reconciliation job, then a values interview."),
        (14,  IN,  "interview_feedback", "email",     "feedback",      "ledgerly", "Round two positive; Ledgerly lining up a final with the CTO."),
        (11,  OUT, "check_in",           "email",     "",              "ledgerly", "Any dates yet for the CTO final at Ledgerly?"),
        (7,   OUT, "check_in",           "linkedin",  "",              "ledgerly", "Following up on the Ledgerly final: is it still moving?"),
        (3,   OUT, "check_in",           "text",      "",              "ledgerly", "Could you nudge Ledgerly for a date this week?"),
    ],
    "sophie": [
        (140, IN,  "outreach",           "email",     "",              None,       "Working on backend roles in logistics. Free for a call?"),
        (138, OUT, "check_in",           "call",      "",              None,       "Intro call; Orbital Freight is one of her clients."),
        (112, IN,  "role_pitch",         "email",     "role_lead",     "orbital1", "Orbital Freight, Senior Backend Engineer (Routing). Shall I send your CV over?"),
        (111, OUT, "status_update",      "email",     "",              "orbital1", "Yes, please put me forward for the Orbital routing role."),
        (110, IN,  "submission",         "email",     "",              "orbital1", "CV is with Orbital's hiring manager."),
        (85,  IN,  "rejection",          "call",      "feedback",      "orbital1", "Orbital passed: they want deeper Go. Useful notes on how I pitch my routing work."),
        (41,  IN,  "role_pitch",         "linkedin",  "role_lead",     None,       "Backend lead at a grocery delivery start-up, £100k. Interested?"),
        (40,  OUT, "status_update",      "linkedin",  "",              None,       "Not for me, thanks: too far from platform work."),
    ],
    "dan": [
        (84,  IN,  "role_pitch",         "linkedin",  "role_lead",     None,       "Senior Python developer, insurance, £85k. Open to a chat?"),
        (63,  IN,  "role_pitch",         "email",     "role_lead",     None,       "Contract-to-perm Django role in Croydon, five days on site. Interested?"),
        (41,  IN,  "role_pitch",         "linkedin",  "role_lead",     None,       "Mid-level data engineer, £70k. Could be a stepping stone?"),
        (26,  IN,  "role_pitch",         "email",     "role_lead",     "checkout", "Pebblepay, Backend Engineer on Checkout, £85-95k. Shall I put you forward?"),
        (24,  IN,  "submission",         "email",     "",              "checkout", "Sent your CV over to Pebblepay for the checkout role, fingers crossed!"),
        (9,   IN,  "role_pitch",         "linkedin",  "role_lead",     None,       "Lead engineer, Reading office five days a week. Worth a call?"),
    ],
    "chloe": [
        (86,  OUT, "outreach",           "linkedin",  "",              None,       "Connected after her post about fintech platform roles. Could we have a quick call?"),
        (80,  IN,  "check_in",           "linkedin",  "",              None,       "Thanks for reaching out, will keep you in mind."),
        (66,  OUT, "check_in",           "email",     "",              None,       "Sent CV and target roles. Anything in payments platform?"),
        (47,  OUT, "check_in",           "email",     "",              None,       "Brightlane is advertising a staff payments role. Is that one of yours?"),
        (31,  OUT, "check_in",           "linkedin",  "",              None,       "Still keen on fintech platform roles. Worth a call?"),
        (16,  OUT, "other",              "email",     "market_intel",  None,       "Shared my notes on which fintechs are hiring platform engineers. Anything on your side?"),
    ],
    "grace": [
        (64,  IN,  "outreach",           "email",     "",              None,       "Priya passed on my details. Happy for her to look at my CV, even with nothing live?"),
        (63,  OUT, "check_in",           "email",     "",              None,       "Yes please; CV attached."),
        (60,  IN,  "check_in",           "video",     "resume_advice", None,       "CV review: lead with the platform migration numbers, cut the pre-2015 roles."),
        (45,  OUT, "other",              "email",     "referral",      None,       "Referred a former colleague (analytics engineer) to her healthtech client."),
        (33,  IN,  "check_in",           "email",     "salary_data",   None,       "Data-platform pay at healthtechs: £105-120k, 10% bonus typical."),
        (20,  OUT, "check_in",           "email",     "market_intel",  None,       "Told her what I heard about Greenfield's new data org."),
        (8,   IN,  "check_in",           "call",      "market_intel",  None,       "Two of her clients are freezing hiring until the spring; good to know."),
        (1,   OUT, "check_in",           "email",     "",              None,       "Is your healthtech client still hiring analytics engineers in January?"),
    ],
    "helena": [
        (160, IN,  "outreach",           "email",     "introduction",  None,       "Introduced by my former manager; she runs platform leadership searches."),
        (155, OUT, "check_in",           "in_person", "",              None,       "Coffee in Shoreditch; agreed to stay in touch quarterly."),
        (120, IN,  "check_in",           "email",     "market_intel",  None,       "Which scale-ups are building platform leadership teams this year, and why."),
        (101, OUT, "other",              "email",     "referral",      None,       "Sent her two names for a Head of SRE search she is running."),
        (88,  IN,  "check_in",           "call",      "salary_data",   None,       "Head of Platform packages she has seen: £140-165k base plus real equity."),
        (62,  OUT, "check_in",           "email",     "",              None,       "Should I aim for staff engineer or engineering manager next?"),
        (60,  IN,  "check_in",           "video",     "resume_advice", None,       "Her view: staff now, manager later; reshape the CV around scope and influence."),
        (38,  OUT, "other",              "linkedin",  "introduction",  None,       "Introduced her to a CTO friend about to hire a Head of Platform."),
    ],
    "james": [
        (175, IN,  "outreach",           "linkedin",  "",              None,       "VP Engineering search at a payments firm. Interested?"),
        (174, OUT, "status_update",      "linkedin",  "",              None,       "Told him VP is a step too far for now."),
        (131, IN,  "check_in",           "email",     "",              None,       "Noted; he will come back if something at staff level appears."),
    ],
    "aisha": [
        (95,  IN,  "outreach",           "linkedin",  "",              None,       "Runs Meridian's technology practice. Open to an exploratory call?"),
        (93,  OUT, "check_in",           "video",     "",              None,       "Exploratory call: my target roles and salary floor."),
        (57,  IN,  "check_in",           "email",     "market_intel",  None,       "Climate-tech funding round-up; three of her clients are building platform teams."),
        (3,   IN,  "role_pitch",         "email",     "role_lead",     "climate",  "Retained search: Head of Platform, Series C climate tech (confidential). Can we talk this week?"),
    ],
    "sam": [
        (100, OUT, "outreach",           "email",     "",              None,       "Any engineering leadership searches in payments coming up?"),
        (98,  IN,  "check_in",           "call",      "",              None,       "He starts a Director of Platform search next month."),
        (70,  IN,  "role_pitch",         "video",     "role_lead",     "director", "Director of Platform at a payments firm (confidential); walked me through the brief."),
        (66,  IN,  "check_in",           "call",      "market_intel",  "director", "More on the brief: team of 40, hiring 10 more this year."),
        (55,  OUT, "status_update",      "email",     "",              "director", "Withdrew from the Director search: mostly people management, I want to stay hands-on."),
        (54,  IN,  "check_in",           "email",     "",              None,       "Understood; he will keep me in mind for principal-level roles."),
    ],
    "gary": [
        (27,  IN,  "role_pitch",         "call",      "role_lead",     "cobalt",   "Three-month platform contract at Cobalt Analytics, £650/day outside IR35. Interested?"),
        (26,  OUT, "status_update",      "email",     "",              "cobalt",   "Interested; OK to submit me for the Cobalt contract."),
        (24,  IN,  "submission",         "email",     "",              "cobalt",   "Submitted to Cobalt Analytics."),
        (17,  IN,  "interview",          "video",     "",              "cobalt",   "Technical interview with Cobalt's platform lead."),
        (15,  IN,  "interview_feedback", "call",      "feedback",      "cobalt",   "Cobalt were impressed; offer coming."),
        (10,  IN,  "offer",              "email",     "",              "cobalt",   "Contract offer: three months from the 1st, £650/day."),
        (6,   OUT, "status_update",      "call",      "",              "cobalt",   "Accepted the Cobalt contract."),
        (5,   IN,  "check_in",           "email",     "",              "cobalt",   "Contract paperwork sent over."),
    ],
    "nina": [
        (178, IN,  "role_pitch",         "linkedin",  "role_lead",     None,       "Six-month data engineering contract, on site in Leeds. Interested?"),
        (177, OUT, "status_update",      "linkedin",  "",              None,       "Declined: on site in Leeds does not work for me."),
        (161, IN,  "check_in",           "email",     "",              None,       "She will send remote contracts my way."),
    ],
    "rachel": [
        (36,  OUT, "outreach",           "linkedin",  "",              None,       "Asked about Greenfield's Principal Engineer, Data opening. Could we talk?"),
        (34,  IN,  "check_in",           "email",     "",              "greenfield", "Invited me to apply and sent the job pack."),
        (33,  OUT, "submission",         "email",     "",              "greenfield", "Applied for Principal Engineer, Data."),
        (25,  IN,  "interview",          "call",      "",              "greenfield", "Screening call: motivation, salary expectations, notice period."),
        (23,  IN,  "interview_feedback", "email",     "feedback",      "greenfield", "Through to the panel; the hiring manager liked my data-mesh answer."),
        (12,  IN,  "interview",          "video",     "",              "greenfield", "Panel interview: architecture deep-dive and a stakeholder scenario."),
        (11,  OUT, "check_in",           "email",     "",              "greenfield", "Thank-you note to the panel."),
    ],
    "ben": [
        (47,  IN,  "outreach",           "linkedin",  "role_lead",     "quayside", "Quayside Bank is hiring a Staff Backend Engineer. Interested?"),
        (46,  OUT, "status_update",      "linkedin",  "",              "quayside", "Interested; sent my CV."),
        (44,  IN,  "submission",         "email",     "",              "quayside", "Application is with the hiring manager."),
        (37,  IN,  "interview",          "video",     "",              "quayside", "Hiring manager interview."),
        (35,  IN,  "interview_feedback", "email",     "feedback",      "quayside", "Good feedback; booking the technical rounds."),
        (28,  IN,  "interview",          "video",     "",              "quayside", "Technical rounds: system design and a code review."),
        (26,  IN,  "interview_feedback", "call",      "feedback",      "quayside", "Strong technical rounds; final with the CTO next."),
        (13,  IN,  "interview",          "in_person", "",              "quayside", "Final round at Canary Wharf with the CTO."),
        (12,  OUT, "check_in",           "email",     "",              "quayside", "Thank-you note after the final."),
        (11,  IN,  "interview_feedback", "call",      "feedback",      "quayside", "Final went well; they are preparing an offer."),
        (2,   IN,  "offer",              "call",      "salary_data",   "quayside", "Verbal offer: £125k base, 15% bonus, written offer to follow. Can you answer by Friday?"),
    ],
    "oliver": [
        (16,  IN,  "status_update",      "email",     "",              "orbital2", "Northbridge submitted you, but Harbour & Finch sent your CV in the spring. Who represents you?"),
        (15,  OUT, "status_update",      "email",     "",              "orbital2", "Explained: Harbour & Finch was for the routing role, now closed; Northbridge for this one."),
    ],
    "fatima": [
        (128, OUT, "outreach",           "email",     "",              None,       "Is the Senior Data Engineer opening at Atlas Grid still open?"),
        (126, IN,  "check_in",           "email",     "",              "atlas",    "Yes; sent the application link."),
        (124, OUT, "submission",         "email",     "",              "atlas",    "Applied for Senior Data Engineer."),
        (115, IN,  "interview",          "video",     "",              "atlas",    "Screen with Fatima, then a take-home test."),
        (110, IN,  "interview_feedback", "email",     "",              "atlas",    "Take-home received; the team will review it this week."),
        (102, IN,  "rejection",          "email",     "feedback",      "atlas",    "Not progressing: they wanted more dbt. Useful written feedback on the take-home."),
    ],
    "leo": [
        (105, IN,  "outreach",           "linkedin",  "role_lead",     "pebblepay", "Pebblepay is hiring a Senior Platform Engineer. Would you apply?"),
        (103, OUT, "submission",         "email",     "",              "pebblepay", "Applied through Leo."),
        (96,  IN,  "status_update",      "email",     "",              "pebblepay", "Hiring manager reviewing applications; shortlist next week."),
        (78,  IN,  "status_update",      "email",     "",              "pebblepay", "Role filled internally, so it is closed."),
    ],
}

FOLLOW_UPS = [  # title, who owes it, recruiter, role, due (days from today), state, snoozed until / closed (days from today)
    ("Send Priya the updated CV",                                   "me",        "priya",  "fernway",    -2,  "open",      None),
    ("Answer Quayside's offer",                                     "me",        "ben",    "quayside",   0,   "open",      None),
    ("Quarterly catch-up with Helena",                              "me",        "helena", None,         4,   "open",      None),
    ("Chase Chloe once more, then downgrade to dormant",            "me",        "chloe",  None,         -6,  "snoozed",   2),
    ("Send Priya the intro to Mei",                                 "me",        "priya",  None,         -76, "done",      -74),
    ("Thank the Quayside panel",                                    "me",        "ben",    "quayside",   -12, "done",      -12),
    ("Feedback on Ledgerly round two",                              "recruiter", "marcus", "ledgerly",   -25, "done",      -14),
    ("Check in with James",                                         "me",        "james",  None,         -100, "dismissed", -98),
]
# fmt: on


class DemoLoad(NamedTuple):
    user: object
    loaded: bool  # rows were (re)loaded; False: the account already had data
    password_set: bool  # the password was set to the one given


def load_demo(email=DEMO_EMAIL, password=DEMO_PASSWORD, *, reset=False, now=None, seed=SEED):
    """Create or find the demo user, then fill the account unless it already has data.

    A new user gets `password`. An existing account with data is left alone (not even its
    password is touched) unless `reset`, which deletes its rows, sets `password` and loads
    the history again. Everything happens in one transaction. Returns a `DemoLoad`.
    """
    email = email.strip().lower()
    with transaction.atomic():
        user = get_user_model().objects.filter(username__iexact=email).first()
        created = user is None
        if created:
            user = get_user_model().objects.create_user(
                username=email, email=email, password=password
            )
        elif reset:
            user.set_password(password)
            user.save(update_fields=["password"])
            clear_account(user)
        elif has_data(user):
            return DemoLoad(user, loaded=False, password_set=False)
        fill_account(user, now=now or timezone.now(), rng=random.Random(seed))
        state.refresh(user)
    return DemoLoad(user, loaded=True, password_set=created or reset)


def has_data(user):
    """Whether `user` owns any firm, recruiter, role, interaction or follow-up."""
    return any(model.objects.owned_by(user).exists() for model in OWNED_MODELS)


def clear_account(user):
    """Delete every row `user` owns (their profile stays, and is overwritten by the load)."""
    for model in OWNED_MODELS:
        model.objects.owned_by(user).delete()


def account_counts(user):
    """Rows per model that `user` owns, e.g. {"recruiters": 18, ...}."""
    return {
        str(model._meta.verbose_name_plural): model.objects.owned_by(user).count()
        for model in reversed(OWNED_MODELS)
    }


def fill_account(user, *, now, rng):
    """Write the profile and the whole history of the tables above into `user`'s account."""
    zone = ZoneInfo(TIME_ZONE)
    today = now.astimezone(zone).date()

    def day(offset, hour=None):
        """`offset` days from today (negative: past), at a working-hours time of day."""
        hour = rng.randint(8, 17) if hour is None else hour
        moment = time(hour, rng.randrange(0, 60, 5))
        return datetime.combine(today + timedelta(days=offset), moment, tzinfo=zone)

    # The digest hour is the hour of loading, so that `make run` shows a digest at once.
    digest_hour = now.astimezone(zone).hour
    Profile.objects.update_or_create(user=user, defaults={**PROFILE, "digest_hour": digest_hour})

    firms = {
        key: Firm(owner=user, name=name, kind=kind, website=f"https://{domain(name)}", notes=notes)
        for key, name, kind, notes in FIRMS
    }
    Firm.objects.bulk_create(firms.values())

    recruiters = {}
    for key, name, firm, kind, tier, initiated_by, specialties, silence, notes in RECRUITERS:
        recruiters[key] = Recruiter(
            owner=user,
            name=name,
            firm=firms[firm],
            kind=kind,
            tier=tier,
            initiated_by=initiated_by,
            email=f"{slugify(name).replace('-', '.')}@{domain(firms[firm].name)}",
            phone=f"07700 900{100 + len(recruiters)}",  # Ofcom's range for drama: never real
            specialties=specialties,
            silence_threshold_days=silence,
            notes=notes,
        )
    Recruiter.objects.bulk_create(recruiters.values())

    roles = {}
    for key, title, employer, recruiter, stage, pay, mode, location, submitted, notes in ROLES:
        low, high = (pay[0] * 1000, pay[1] * 1000) if pay else (None, None)
        roles[key] = Role(
            owner=user,
            title=title,
            employer=firms.get(employer),
            recruiter=recruiters[recruiter],
            stage=stage,
            compensation_min=low,
            compensation_max=high,
            currency="GBP",
            location=location,
            work_mode=mode,
            submitted_on=None if submitted is None else today - timedelta(days=submitted),
            submission_authorised=submitted is not None and key not in SUBMITTED_UNASKED,
            notes=notes,
        )
    Role.objects.bulk_create(roles.values())

    interactions = [
        Interaction(
            owner=user,
            recruiter=recruiters[recruiter],
            role=roles.get(role),
            occurred_at=day(-days_ago),
            channel=channel,
            direction=direction,
            kind=kind,
            summary=summary,
            value=value,
            expects_reply=summary.endswith("?"),
        )
        for recruiter, events in HISTORY.items()
        for days_ago, direction, kind, channel, value, role, summary in events
    ]
    Interaction.objects.bulk_create(interactions)

    follow_ups = []
    for title, owed_by, recruiter, role, due, follow_up_state, until in FOLLOW_UPS:
        follow_up = FollowUp(
            owner=user,
            owed_by=owed_by,
            title=title,
            recruiter=recruiters.get(recruiter),
            role=roles.get(role),
            due_at=later_today(now, zone) if due == 0 else day(due, hour=9),
            state=follow_up_state,
        )
        if follow_up_state == FollowUp.State.SNOOZED:
            follow_up.snoozed_until = day(until, hour=9)
        elif follow_up_state in FollowUp.State.CLOSED:
            follow_up.closed_at = day(until, hour=17)
        follow_ups.append(follow_up)
    FollowUp.objects.bulk_create(follow_ups)

    # created_at/updated_at were stamped "now" on insert; give each row its story's dates.
    stamps = defaultdict(list)
    for interaction in interactions:
        role = interaction.role
        for row in (interaction, interaction.recruiter, interaction.recruiter.firm, role):
            stamps[row].append(interaction.occurred_at)
        if role and role.employer:
            stamps[role.employer].append(interaction.occurred_at)
    for follow_up in follow_ups:
        opened = min(follow_up.due_at - timedelta(days=2), now)
        stamps[follow_up] += [opened, follow_up.closed_at or opened]
    for model, rows in (
        (Firm, firms.values()),
        (Recruiter, recruiters.values()),
        (Role, roles.values()),
        (Interaction, interactions),
        (FollowUp, follow_ups),
    ):
        for row in rows:
            times = stamps[row] or [now]
            row.created_at, row.updated_at = min(times), max(times)
        model.objects.bulk_update(rows, ["created_at", "updated_at"])
    for role in roles.values():
        role.stage_changed_at = role.updated_at
    Role.objects.bulk_update(roles.values(), ["stage_changed_at"])


def later_today(now, zone):
    """Halfway from `now` to local midnight: due today, whenever the demo is loaded."""
    midnight = datetime.combine(now.astimezone(zone).date() + timedelta(days=1), time(0), zone)
    return now + (midnight - now) / 2


def domain(firm_name):
    """An invented, never-resolving address for a firm: "Harbour & Finch" → harbourfinch.example."""
    return slugify(firm_name).replace("-", "") + ".example"
