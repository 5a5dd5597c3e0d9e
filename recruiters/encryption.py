"""Encryption at rest of the most private text: notes, summaries, the search's purpose, imports.

An EncryptedTextField keeps a Fernet token (AES-128-CBC with an HMAC-SHA256, in ASCII) in
a text column and gives Python the plain text: every write the ORM makes encrypts it
(save, create, bulk_create, update, bulk_update, and the raw writes that go through
`get_db_prep_save`), every read decrypts it (`from_db_value`). Comparing values, as the
rule-made follow-ups do, is therefore done on plain text in Python.

The keys are settings.FIELD_ENCRYPTION_KEYS, newest first: the first encrypts, every one
decrypts (MultiFernet), so a new key goes in front and `manage.py rotate_encryption_key`
re-encrypts the old values at leisure. With none set (a laptop, `make run`, the tests), one
key is derived from SECRET_KEY; the production settings refuse to start without them.

An empty text is stored empty (only its emptiness shows). The database cannot compare or
search a token (each encryption of a text differs), so every lookup but `isnull` and
`= ""` raises an error saying so. docs/encryption.md is the operator's side.
"""

import base64
import functools
import json

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models import lookups

BATCH = 1000  # rows per SELECT and UPDATE when a whole column is re-encrypted
DECRYPTED_KEPT = 10_000  # texts kept decrypted per process (a few MB)


class DecryptionError(ImproperlyConfigured):
    """A stored value no key of FIELD_ENCRYPTION_KEYS decrypts."""


@functools.lru_cache(maxsize=8)
def _fernets(configured, secret_key):
    if not configured:
        derived = HKDF(
            algorithm=hashes.SHA256(), length=32, salt=None, info=b"callback field encryption"
        ).derive(secret_key.encode())
        return [Fernet(base64.urlsafe_b64encode(derived))]
    fernets = []
    for number, key in enumerate(configured, start=1):
        try:
            fernets.append(Fernet(key))
        except ValueError:
            raise ImproperlyConfigured(
                f"FIELD_ENCRYPTION_KEYS: key {number} of {len(configured)} is not a Fernet key "
                "(32 url-safe base64-encoded bytes). Make one with: python -c "
                '"from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"'
            ) from None
    return fernets


@functools.lru_cache(maxsize=8)
def _multi(configured, secret_key):
    return MultiFernet(_fernets(configured, secret_key))


def keys():
    """The MultiFernet of the configured keys: the first encrypts, every one decrypts."""
    return _multi(tuple(settings.FIELD_ENCRYPTION_KEYS), settings.SECRET_KEY)


def newest():
    """The Fernet of the key that encrypts."""
    return _fernets(tuple(settings.FIELD_ENCRYPTION_KEYS), settings.SECRET_KEY)[0]


def encrypt(text):
    """`text` as a Fernet token under the newest key; None and "" stay as they are."""
    if not text:
        return text
    return keys().encrypt(text.encode()).decode("ascii")


def decrypt(token, field=None):
    """The text of `token` (a value of `field`, if given); None and "" stay as they are.
    DecryptionError if no key fits."""
    if not token:
        return token
    try:
        return _decrypted(tuple(settings.FIELD_ENCRYPTION_KEYS), settings.SECRET_KEY, token)
    except InvalidToken:
        raise undecryptable(field) from None


# The dashboard reads the same rows on every visit (its follow-ups, their recruiters and
# roles: thousands in a large account, ~15 µs each to decrypt), and a row's token changes
# only when it is written: keep the texts last decrypted, under the keys that decrypted them.
@functools.lru_cache(maxsize=DECRYPTED_KEPT)
def _decrypted(configured, secret_key, token):
    return _multi(configured, secret_key).decrypt(token.encode("ascii", "replace")).decode()


def undecryptable(field):
    what = f"A value of {field.model.__name__}.{field.name}" if field else "A stored value"
    return DecryptionError(
        f"{what} cannot be decrypted with any key of FIELD_ENCRYPTION_KEYS: it was "
        "encrypted under a key that is not listed (put that key back, after the newest "
        "one), or it was never encrypted (run manage.py migrate)."
    )


class EncryptedExact(lookups.Exact):
    """`= ""` only: a token equals no text, not even another token of the same text."""

    def get_prep_lookup(self):
        if self.rhs != "":
            raise FieldError(searched(self.lhs.output_field, "exact"))
        return super().get_prep_lookup()


def searched(field, lookup):
    return (
        f"{field.model.__name__}.{field.name} is encrypted: the database cannot compare or "
        f"search it (the “{lookup}” lookup). Only isnull and = '' work on it; filter on "
        "another field, or in Python after reading."
    )


class EncryptedTextField(models.TextField):
    """A TextField stored as a Fernet token (see the module's docstring)."""

    def get_prep_value(self, value):
        return encrypt(super().get_prep_value(value))

    def from_db_value(self, value, expression, connection):
        return decrypt(value, self)

    def get_lookup(self, lookup_name):
        if lookup_name == "exact":
            return EncryptedExact
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        raise FieldError(searched(self, lookup_name))

    def get_transform(self, lookup_name):
        raise FieldError(searched(self, lookup_name))


class EncryptedJSONField(EncryptedTextField):
    """JSON (dicts, lists, strings, numbers) stored as the Fernet token of its text."""

    def get_prep_value(self, value):
        return encrypt(json.dumps(value, cls=DjangoJSONEncoder))

    def from_db_value(self, value, expression, connection):
        return None if value is None else json.loads(decrypt(value, self))

    def to_python(self, value):
        return value


def encrypted_fields():
    """Every encrypted field of the installed models."""
    return [
        field
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, EncryptedTextField)
    ]


def recode_column(connection, table, column, recode):
    """Pass every non-empty value of `table`.`column` through `recode(value)`, which
    returns the value to store or None to leave it; BATCH rows at a time, in id order, each
    batch in one transaction. A row written meanwhile keeps what was written (the UPDATE
    asks for the value read). Works on the column itself, not a model field, so that a
    migration can use it whatever the field classes of the day. Returns the rows changed."""
    table, column = connection.ops.quote_name(table), connection.ops.quote_name(column)
    last, changed = 0, 0
    while True:
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute(
                f"SELECT id, {column} FROM {table} WHERE id > %s AND {column} <> '' "
                "ORDER BY id LIMIT %s",
                [last, BATCH],
            )
            rows = cursor.fetchall()
            if not rows:
                return changed
            last = rows[-1][0]
            updates = [(new, pk, old) for pk, old in rows if (new := recode(old)) is not None]
            cursor.executemany(
                f"UPDATE {table} SET {column} = %s WHERE id = %s AND {column} = %s", updates
            )
            changed += len(updates)


def encrypted_if_plain(value):
    """`value` encrypted, unless it already is (None: leave it)."""
    try:
        keys().decrypt(value.encode("ascii", "replace"))
    except InvalidToken:
        return encrypt(value)
    return None


def rotated(token, field=None):
    """`token` (a value of `field`, if given) under the newest key, or None if it already is."""
    token = token.encode("ascii", "replace")
    try:
        newest().decrypt(token)
        return None
    except InvalidToken:
        pass
    try:
        return keys().rotate(token).decode("ascii")
    except InvalidToken:
        raise undecryptable(field) from None
