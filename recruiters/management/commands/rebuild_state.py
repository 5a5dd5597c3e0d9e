"""manage.py rebuild_state [--user EMAIL]: recompute every kept recruiter state from history."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from recruiters import state


class Command(BaseCommand):
    help = (
        "Recompute the kept state of every recruiter (recruiters.state) from the history: "
        "after restoring a database dump, or to check that nothing drifted."
    )

    def add_arguments(self, parser):
        parser.add_argument("--user", help="only this user's recruiters (login e-mail)")

    def handle(self, *args, user=None, **options):
        users = get_user_model().objects.order_by("pk")
        if user:
            users = users.filter(username__iexact=user)
            if not users.exists():
                raise CommandError(f"No user {user!r}.")
        rows = sum(state.refresh(account) for account in users.iterator())
        self.stdout.write(f"Rebuilt the state of {rows} recruiters.")
