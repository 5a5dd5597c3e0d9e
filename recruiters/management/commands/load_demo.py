"""`manage.py load_demo`: a demo account with a realistic history (see recruiters.demo)."""

from django.core.management.base import BaseCommand, CommandError

from recruiters.demo import DEMO_EMAIL, DEMO_PASSWORD, account_counts, load_demo

DEMO_DOMAIN = "@" + DEMO_EMAIL.split("@")[1]


class Command(BaseCommand):
    help = (
        "Fill a demo account with six months of recruiter history and print its login. "
        "Does nothing if the account already has data, unless --reset."
    )

    def add_arguments(self, parser):
        parser.add_argument("--email", default=DEMO_EMAIL, help=f"Default: {DEMO_EMAIL}")
        parser.add_argument("--password", default=DEMO_PASSWORD, help=f"Default: {DEMO_PASSWORD}")
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Delete the account's rows, set its password and load the history again.",
        )

    def handle(self, *args, email, password, reset, **options):
        if reset and not email.strip().lower().endswith(DEMO_DOMAIN):
            # --reset deletes every row of the account: never let a typo reach a real one.
            raise CommandError(f"--reset only resets demo accounts (…{DEMO_DOMAIN}).")
        user, loaded, password_set = load_demo(email, password, reset=reset)
        if loaded:
            counts = ", ".join(f"{n} {name}" for name, n in account_counts(user).items())
            self.stdout.write(self.style.SUCCESS(f"Loaded the demo history: {counts}."))
        else:
            self.stdout.write(
                "The demo account already has data; nothing loaded (--reset reloads)."
            )
        if password_set or user.check_password(password):
            login = f"password: {password}"
        else:
            login = "password: unchanged, not the one given (--reset sets it)"
        self.stdout.write(f"Log in with\n  email:    {user.username}\n  {login}")
