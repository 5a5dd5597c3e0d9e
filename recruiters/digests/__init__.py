"""The digest e-mail: what it says, when it is due, and sending it exactly once.

- schedule.py: when a user's digest is due (their hour, their time zone) and its period key;
- render.py: the e-mail itself, from the dashboard's sections (recruiters.dashboard.build,
  or build_many for a batch of users);
- delivery.py: claim-then-send, exactly once per user and period, a batch at a time;
- tokens.py: the signed links in the e-mail (done, snooze, unsubscribe);
- services.py: what those links do; tasks.py: the Celery tasks; views.py: the pages.

The periodic sweep that fans the work out is recruiters.tasks.sweep. docs/digests.md
explains the whole design, including what "exactly once" can and cannot promise.
"""
