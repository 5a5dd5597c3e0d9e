"""Keys over time: rotating to a new key, the migration that encrypted the rows already
there, and production refusing to start without keys of its own."""

import importlib
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection

from recruiters import encryption
from recruiters.models import ImportJob, Interaction, Recruiter
from tests.encryption.conftest import assert_stored_encrypted, raw_of
from tests.factories import make_follow_up, make_interaction, make_recruiter

ROOT = Path(__file__).resolve().parent.parent.parent
KEY_A, KEY_B = Fernet.generate_key().decode(), Fernet.generate_key().decode()
migration = importlib.import_module("recruiters.migrations.0008_encrypt_private_text")


def rotate():
    out = io.StringIO()
    call_command("rotate_encryption_key", stdout=out)
    return out.getvalue()


@pytest.fixture
def history(settings, user):
    """Rows in several encrypted columns under KEY_A, more than one batch of them in one."""
    settings.FIELD_ENCRYPTION_KEYS = [KEY_A]
    dana = make_recruiter(user, name="Dana", notes="Knows my manager")
    Interaction.objects.bulk_create(
        Interaction(owner=user, recruiter=dana, summary=f"Message {n}")
        for n in range(encryption.BATCH + 5)
    )
    make_follow_up(user, notes="Ask about Q2")
    return dana


@pytest.mark.django_db
def test_rotation_moves_every_value_to_the_newest_key(settings, history):
    before = raw_of(Interaction, "summary")

    settings.FIELD_ENCRYPTION_KEYS = [KEY_B, KEY_A]
    out = rotate()
    assert "Interaction.summary: 1005 re-encrypted" in out
    assert "1007 values re-encrypted under the newest key." in out
    assert not set(raw_of(Interaction, "summary")) & set(before)
    assert rotate().endswith("0 values re-encrypted under the newest key.\n")  # idempotent

    settings.FIELD_ENCRYPTION_KEYS = [KEY_B]
    assert_stored_encrypted("Knows my manager", "Message 1", "Ask about Q2")
    assert Recruiter.objects.get().notes == "Knows my manager"
    assert sorted(Interaction.objects.values_list("summary", flat=True))[:2] == [
        "Message 0",
        "Message 1",
    ]


@pytest.mark.django_db
def test_rotation_without_the_old_key_says_so_and_loses_nothing(settings, history):
    settings.FIELD_ENCRYPTION_KEYS = [KEY_B]  # KEY_A forgotten
    before = raw_of(Recruiter, "notes")
    with pytest.raises(CommandError, match="A value of Recruiter.notes cannot be decrypted"):
        rotate()
    assert raw_of(Recruiter, "notes") == before
    settings.FIELD_ENCRYPTION_KEYS = [KEY_B, KEY_A]
    assert Recruiter.objects.get().notes == "Knows my manager"


def write_raw(model, name, value):
    field = model._meta.get_field(name)
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {quote(model._meta.db_table)} SET {quote(field.column)} = %s", [value]
        )


def run_migration(direction):
    operation = migration.Migration.operations[-1]
    code = operation.code if direction == "forward" else operation.reverse_code
    with connection.schema_editor() as editor:
        code(apps, editor)


@pytest.mark.django_db
def test_the_migration_encrypts_the_rows_already_there_and_back(user):
    dana = make_recruiter(user, name="Dana")
    make_interaction(dana, summary="kept as it is")
    ImportJob.objects.create(owner=user, kind="vcard", filename="c.vcf", plan={"rows": []})
    # As the rows were before the migration: plain text, and the plan's JSON as text.
    write_raw(Recruiter, "notes", "Knows my manager")
    write_raw(ImportJob, "plan", '{"rows": [{"notes": "Met at PyCon"}]}')
    already = raw_of(Interaction, "summary")

    run_migration("forward")
    assert_stored_encrypted("Knows my manager", "Met at PyCon")
    assert raw_of(Interaction, "summary") == already  # already encrypted: left alone
    assert Recruiter.objects.get().notes == "Knows my manager"
    assert ImportJob.objects.get().plan == {"rows": [{"notes": "Met at PyCon"}]}

    run_migration("backward")
    assert raw_of(Recruiter, "notes") == ["Knows my manager"]
    assert raw_of(Interaction, "summary") == ["kept as it is"]
    assert raw_of(ImportJob, "plan") == ['{"rows": [{"notes": "Met at PyCon"}]}']


def manage_check(**environment):
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DJANGO_", "FIELD_", "SECRET_", "ALLOWED_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="tracker.settings_production",
        SECRET_KEY="a-long-random-secret-" * 4,
        ALLOWED_HOSTS="callback.example.com",
        **environment,
    )
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_keys():
    result = manage_check()
    assert result.returncode != 0
    assert "Set FIELD_ENCRYPTION_KEYS: the Fernet keys of the encrypted notes" in result.stderr


def test_production_starts_with_keys():
    result = manage_check(FIELD_ENCRYPTION_KEYS=f"{KEY_B},{KEY_A}")
    assert result.returncode == 0, result.stdout + result.stderr
