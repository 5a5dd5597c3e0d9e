"""Import throughput: a 10,000-row LinkedIn Connections.csv and a 5,000-card vCard file,
parsed, planned and applied.

Usage (against the database of DATABASE_URL; migrated first, the bench's users removed after):

    DATABASE_URL=postgres://... .venv/bin/python bench/imports.py [--rows 10000] [--cards 5000]

Prints rows per second for reading + parsing + planning (the preview) and for applying
(the confirmed import, in one transaction), for the usual case (recruiters ticked, the rest
skipped), for every row ticked, and for importing the same file again (nothing new).
`--only apply` times the apply of every row ticked alone, `--runs` times (each into a fresh
user), with the median rows/s and this process's CPU time; `--profile FILE` writes a
cProfile of the last of those runs (read it with `python -m pstats FILE`). The
vCard file mixes versions 2.1 (quoted-printable, Windows-1252), 3.0 (Apple Contacts, folded
lines, item1.URL with its X-ABLabel) and 4.0; its parse alone is timed too.
"""

import argparse
import cProfile
import os
import random
import statistics
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

from recruiters.imports import apply, files, linkedin, plan, vcard  # noqa: E402
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


def write_vcards(path, cards, recruiter_share=0.6):
    """A .vcf as phones and mail clients write them: a third each of 2.1, 3.0 and 4.0."""
    rng = random.Random(5_000)
    with path.open("wb") as out:
        for n in range(cards):
            recruiter = rng.random() < recruiter_share
            position = rng.choice(RECRUITER_POSITIONS if recruiter else OTHER_POSITIONS)
            firm = f"Firm {rng.randrange(400)}"
            if n % 3 == 0:  # a phone's 2.1: bare parameters, quoted-printable Windows-1252
                card = (
                    "BEGIN:VCARD\r\nVERSION:2.1\r\n"
                    f"N;CHARSET=windows-1252;ENCODING=QUOTED-PRINTABLE:M=FCller{n};Zo=EB;;;\r\n"
                    f"FN;CHARSET=windows-1252;ENCODING=QUOTED-PRINTABLE:Zo=EB M=FCller{n}\r\n"
                    f"ORG:{firm}\r\nTITLE:{position}\r\n"
                    f"TEL;WORK;VOICE:+49 151 {n:06d}\r\n"
                    f"EMAIL;INTERNET;PREF:zoe{n}@example.com\r\n"
                    "NOTE;CHARSET=windows-1252;ENCODING=QUOTED-PRINTABLE:Met at the caf=E9, =\r\n"
                    "very helpful.\r\n"
                    "END:VCARD\r\n"
                ).encode()
            elif n % 3 == 1:  # Apple Contacts' 3.0
                card = (
                    "BEGIN:VCARD\r\nVERSION:3.0\r\nPRODID:-//Apple Inc.//macOS 15.1//EN\r\n"
                    f"N:Reyes{n};Dana;;;\r\nFN:Dana Reyes{n}\r\nORG:{firm};Tech Hiring\r\n"
                    f"TITLE:{position}\r\n"
                    f"EMAIL;type=INTERNET;type=WORK;type=pref:dana{n}@example.com\r\n"
                    f"TEL;type=CELL;type=VOICE;type=pref:+44 7700 {n:06d}\r\n"
                    "item1.URL;type=pref:https\\://www.linkedin.com/in/dana-\r\n"
                    f" reyes-{n}/\r\nitem1.X-ABLabel:LinkedIn\r\n"
                    "NOTE:Met at the job fair\\, very responsive.\\nPrefers calls.\r\n"
                    "END:VCARD\r\n"
                ).encode()
            else:  # 4.0
                card = (
                    f"BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Sam Okafor{n}\r\nN:Okafor{n};Sam;;;\r\n"
                    f"ORG:{firm}\\, LLP\r\nTITLE:{position}\r\n"
                    f'EMAIL;TYPE="work,internet";PREF=1:sam{n}@example.com\r\n'
                    f"TEL;VALUE=uri;TYPE=work:tel:+1-555-{n:06d}\r\n"
                    f"X-SOCIALPROFILE;TYPE=linkedin:https://linkedin.com/in/sam-okafor-{n}\r\n"
                    "END:VCARD\r\n"
                ).encode()
            out.write(card)


def timed(what):
    start = time.perf_counter()
    result = what()
    return result, time.perf_counter() - start


def preview(user, path):
    upload = SimpleUploadedFile(path.name, path.read_bytes())
    text = files.read_upload(upload)
    contacts = linkedin.parse_connections(text)
    return plan.plan_contacts(user, contacts, recruiters_only=True, source="LinkedIn")


def preview_vcards(user, path):
    upload = SimpleUploadedFile(path.name, path.read_bytes())
    text = files.read_upload(upload, what="vCard file")
    return plan.plan_contacts(user, vcard.parse(text), source="vCard")


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
    parser.add_argument("--cards", type=int, default=5_000)
    parser.add_argument("--only", choices=["connections", "vcard", "apply"])
    parser.add_argument("--runs", type=int, default=3, help="timed applies of --only apply")
    parser.add_argument("--profile", metavar="FILE", help="cProfile of --only apply's last run")
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    users = get_user_model().objects
    users.filter(username__startswith="bench-imports-").delete()
    try:
        if args.only == "apply":
            bench_apply_everything(users, args.rows, args.runs, args.profile)
            return
        if args.only != "vcard":
            bench_connections(users, args.rows)
        if args.only != "connections":
            bench_vcards(users, args.cards)
    finally:
        users.filter(username__startswith="bench-imports-").delete()


def preview_apply_preview_again(user, path, rows, preview_file):
    """The usual import of `path` (`rows` rows) by `user`: its preview, the apply of the
    rows the preview ticked, and a second preview that finds everything already there."""
    the_plan, seconds = timed(lambda: preview_file(user, path))
    line("read + parse + plan (preview)", rows, seconds)
    ticked = sum(row["ticked"] for row in the_plan["rows"])
    summary, seconds = timed(lambda: apply_plan(user, the_plan))
    line(
        "apply, recruiters ticked",
        rows,
        seconds,
        f"  ({ticked} recruiters: {ticked / seconds:,.0f}/s, {summary['firms']} firms)",
    )
    again, seconds = timed(lambda: preview_file(user, path))
    line("preview again (all already there)", rows, seconds, f"  ({again['counts']['create']} new)")
    assert again["counts"]["create"] == again["counts"]["merge"] == 0


def bench_vcards(users, cards):
    usual = users.create_user("bench-imports-3@example.com")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "contacts.vcf"
        write_vcards(path, cards)
        size = path.stat().st_size / (1024 * 1024)
        print(
            f"{cards:,}-card contacts.vcf ({size:.1f} MB) on {connection.vendor} "
            f"({connection.settings_dict['HOST'] or connection.settings_dict['NAME']})"
        )
        text = path.read_bytes().decode("utf-8")
        parsed, seconds = timed(lambda: vcard.parse(text))
        assert len(parsed) == cards, len(parsed)
        line("parse alone (vcard.parse)", cards, seconds)
        preview_apply_preview_again(usual, path, cards, preview_vcards)


def bench_apply_everything(users, rows, runs, profile=None):
    """The apply of every row ticked, `runs` times into a fresh user each: wall and CPU time."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "Connections.csv"
        write_connections(path, rows)
        print(f"{rows:,}-row Connections.csv, every row ticked, applied {runs} times")
        speeds = []
        for run in range(1, runs + 1):
            user = users.create_user(f"bench-imports-apply-{run}@example.com")
            every = preview(user, path)
            for row in every["rows"]:
                row["ticked"] = row["tickable"]
            job = ImportJob.objects.create(
                owner=user, kind="linkedin_connections", filename="bench.csv", plan=every
            )
            profiler = cProfile.Profile() if profile and run == runs else None
            cpu, start = time.process_time(), time.perf_counter()
            if profiler:
                profiler.enable()
            summary = apply.apply_job(job)
            if profiler:
                profiler.disable()
            seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
            speeds.append(rows / seconds)
            line(
                f"apply, every row ticked (run {run})",
                rows,
                seconds,
                f"  (CPU {cpu:.2f} s; {summary['created']} recruiters, {summary['firms']} firms)",
            )
            if profiler:
                profiler.dump_stats(profile)
                print(f"  profile of run {run} written to {profile}")
            user.delete()
        print(f"  median of {runs}: {statistics.median(speeds):,.0f} rows/s")


def bench_connections(users, rows):
    usual, everything = (users.create_user(f"bench-imports-{n}@example.com") for n in (1, 2))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "Connections.csv"
        write_connections(path, rows)
        size = path.stat().st_size / (1024 * 1024)
        print(
            f"{rows:,}-row Connections.csv ({size:.1f} MB) on {connection.vendor} "
            f"({connection.settings_dict['HOST'] or connection.settings_dict['NAME']})"
        )
        preview_apply_preview_again(usual, path, rows, preview)

        every = preview(everything, path)
        summary, seconds = timed(lambda: apply_plan(everything, every, tick_everything=True))
        line(
            "apply, every row ticked",
            rows,
            seconds,
            f"  ({summary['created']} recruiters, {summary['firms']} firms)",
        )


if __name__ == "__main__":
    main()
