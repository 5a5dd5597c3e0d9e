"""Import throughput: a 10,000-row LinkedIn Connections.csv, parsed, planned and applied.

Usage (against the database of DATABASE_URL; migrated first, the bench's users removed after):

    DATABASE_URL=postgres://... .venv/bin/python bench/imports.py [--rows 10000]

Prints rows per second for reading + parsing + planning (the preview) and for applying
(the confirmed import, in one transaction), for the usual case (recruiters ticked, the rest
skipped), for every row ticked, and for importing the same file again (nothing new).
"""

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from recruiters.imports import apply, files, linkedin, plan  # noqa: E402
from recruiters.models import ImportJob  # noqa: E402

RECRUITER_POSITIONS = ["Technical Recruiter", "Talent Acquisition Partner", "Sourcer", "Headhunter"]
OTHER_POSITIONS = ["Software Engineer", "Product Manager", "Data Scientist", "Designer", "CTO"]


def write_connections(path, rows, recruiter_share=0.2):
    rng = random.Random(10_000)
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write('Notes:\r\n"When exporting your connection data, you may notice that some\r\n')
        out.write('email addresses are missing.",,,,,,\r\n\r\n')
        out.write("First Name,Last Name,URL,Email Address,Company,Position,Connected On\r\n")
        for n in range(rows):
            recruiter = rng.random() < recruiter_share
            position = rng.choice(RECRUITER_POSITIONS if recruiter else OTHER_POSITIONS)
            email = f"person{n}@example.com" if n % 4 == 0 else ""
            company = f'"Firm {rng.randrange(400)}, Inc."'
            out.write(
                f"First{n},Last{n},https://www.linkedin.com/in/person-{n},{email},{company},"
                f"{position},{rng.randrange(1, 28)} Nov 2026\r\n"
            )


def timed(what):
    start = time.perf_counter()
    result = what()
    return result, time.perf_counter() - start


def preview(user, path):
    upload = SimpleUploadedFile(path.name, path.read_bytes())
    text = files.read_upload(upload)
    contacts = linkedin.parse_connections(text)
    return plan.plan_contacts(user, contacts, recruiters_only=True, source="LinkedIn")


def apply_plan(user, the_plan, tick_everything=False):
    if tick_everything:
        for row in the_plan["rows"]:
            row["ticked"] = row["tickable"]
    job = ImportJob.objects.create(
        owner=user, kind="linkedin_connections", filename="bench.csv", plan=the_plan
    )
    return apply.apply_job(job)


def line(label, rows, seconds, extra=""):
    print(
        f"  {label:<38} {rows:>6} rows in {seconds:6.2f} s = {rows / seconds:>8,.0f} rows/s{extra}"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    users = get_user_model().objects
    users.filter(username__startswith="bench-imports-").delete()
    usual, everything = (users.create_user(f"bench-imports-{n}@example.com") for n in (1, 2))
    try:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "Connections.csv"
            write_connections(path, args.rows)
            size = path.stat().st_size / (1024 * 1024)
            print(
                f"{args.rows:,}-row Connections.csv ({size:.1f} MB) on {connection.vendor} "
                f"({connection.settings_dict['HOST'] or connection.settings_dict['NAME']})"
            )

            the_plan, seconds = timed(lambda: preview(usual, path))
            line("read + parse + plan (preview)", args.rows, seconds)
            ticked = sum(row["ticked"] for row in the_plan["rows"])
            summary, seconds = timed(lambda: apply_plan(usual, the_plan))
            line(
                "apply, recruiters ticked",
                args.rows,
                seconds,
                f"  ({ticked} recruiters: {ticked / seconds:,.0f}/s, {summary['firms']} firms)",
            )

            again, seconds = timed(lambda: preview(usual, path))
            line(
                "preview again (all already there)",
                args.rows,
                seconds,
                f"  ({again['counts']['create']} new)",
            )
            assert again["counts"]["create"] == again["counts"]["merge"] == 0

            every = preview(everything, path)
            summary, seconds = timed(lambda: apply_plan(everything, every, tick_everything=True))
            line(
                "apply, every row ticked",
                args.rows,
                seconds,
                f"  ({summary['created']} recruiters, {summary['firms']} firms)",
            )
    finally:
        users.filter(username__startswith="bench-imports-").delete()


if __name__ == "__main__":
    main()
