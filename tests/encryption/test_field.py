"""EncryptedTextField: tokens in the column, plain text in Python, no search on ciphertext,
and a clear error for a key that does not fit."""

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.urls import reverse

from recruiters import encryption
from recruiters.models import Firm, ImportJob, Interaction, Recruiter
from tests.encryption.conftest import FERNET_PREFIX, raw_of
from tests.factories import make_firm, make_interaction, make_recruiter

pytestmark = pytest.mark.django_db

SECRET = "Told her I am leaving Initech in March"


@pytest.fixture
def dana(user):
    return make_recruiter(user, name="Dana Reyes", notes="Knows my manager")


def test_the_column_holds_a_token_and_python_the_text(dana):
    interaction = make_interaction(dana, summary=SECRET)
    (stored,) = raw_of(Interaction, "summary")
    assert stored.startswith(FERNET_PREFIX) and SECRET not in stored
    assert stored.isascii()
    assert Interaction.objects.get(pk=interaction.pk).summary == SECRET
    assert list(Interaction.objects.values_list("summary", flat=True)) == [SECRET]
    assert raw_of(Recruiter, "notes")[0] != "Knows my manager"


def test_each_write_of_the_same_text_is_a_different_token(dana):
    make_interaction(dana, summary=SECRET)
    make_interaction(dana, summary=SECRET)
    first, second = raw_of(Interaction, "summary")
    assert first != second


def test_an_empty_text_is_stored_empty(user):
    firm = make_firm(user, name="Northwind")
    assert raw_of(Firm, "notes") == [""]
    assert Firm.objects.get(pk=firm.pk).notes == ""
    assert Firm.objects.filter(notes="").get() == firm
    assert not Firm.objects.exclude(notes="").exists()


def test_json_is_stored_as_one_token(user):
    plan = {"type": "messages", "rows": [{"summary": SECRET, "ticked": True}]}
    job = ImportJob.objects.create(
        owner=user, kind="linkedin_messages", filename="m.csv", plan=plan
    )
    (stored,) = raw_of(ImportJob, "plan")
    assert stored.startswith(FERNET_PREFIX) and SECRET not in stored
    assert ImportJob.objects.get(pk=job.pk).plan == plan


@pytest.mark.parametrize(
    "lookup",
    [
        {"summary__icontains": "leaving"},
        {"summary": SECRET},
        {"summary__startswith": "Told"},
        {"summary__in": [SECRET]},
        {"summary__lower": "told"},
        {"summary__lower__contains": "told"},
    ],
)
def test_searching_an_encrypted_field_is_refused(dana, lookup):
    make_interaction(dana, summary=SECRET)
    with pytest.raises(FieldError, match="Interaction.summary is encrypted: the database cannot"):
        list(Interaction.objects.filter(**lookup))


def test_the_search_fields_stay_searchable(dana):
    assert Recruiter.objects.get(name__icontains="dana") == dana


def test_a_value_under_a_key_not_listed_is_a_clear_error(settings, client_in, user):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [old]
    dana = make_recruiter(user, name="Dana Reyes")
    make_interaction(dana, summary=SECRET)
    assert Interaction.objects.get().summary == SECRET  # read once: kept decrypted
    settings.FIELD_ENCRYPTION_KEYS = [new]
    message = (
        "A value of Interaction.summary cannot be decrypted with any key of "
        "FIELD_ENCRYPTION_KEYS: it was encrypted under a key that is not listed"
    )
    with pytest.raises(encryption.DecryptionError, match=message):
        Interaction.objects.get()
    with pytest.raises(encryption.DecryptionError, match=message):  # a 500, never garbage
        client_in.get(reverse("recruiter_detail", args=[dana.pk]))


def test_a_text_read_again_is_not_decrypted_again(dana):
    make_interaction(dana, summary=SECRET)
    encryption._decrypted.cache_clear()
    for _ in range(3):
        assert Interaction.objects.get().summary == SECRET
    assert encryption._decrypted.cache_info()[:2] == (2, 1)  # (hits, misses)


def test_the_default_key_is_derived_from_secret_key(settings, dana):
    settings.FIELD_ENCRYPTION_KEYS = []
    make_interaction(dana, summary=SECRET)
    settings.SECRET_KEY = "another-secret-key"
    with pytest.raises(encryption.DecryptionError):
        Interaction.objects.get()


def test_a_malformed_key_is_named(settings, dana):
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode(), "not-a-key"]
    with pytest.raises(ImproperlyConfigured, match="FIELD_ENCRYPTION_KEYS: key 2 of 2 is not a"):
        make_interaction(dana, summary=SECRET)
