"""Reading the encrypted columns past their fields: what the database itself holds."""

from django.db import connection

from recruiters import encryption

FERNET_PREFIX = "gAAAAA"  # version byte 0x80, then the timestamp's leading zero bytes


def raw_values(field):
    """Every value of `field`'s column, as stored, in id order."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {quote(field.column)} FROM {quote(field.model._meta.db_table)} ORDER BY id"
        )
        return [value for (value,) in cursor.fetchall()]


def raw_of(model, name):
    return raw_values(model._meta.get_field(name))


def assert_stored_encrypted(*plain_texts):
    """Every non-empty value of every encrypted column is a token our keys decrypt, and no
    column holds any of `plain_texts`, whole or in part of a value."""
    stored = 0
    for field in encryption.encrypted_fields():
        for value in raw_values(field):
            if value:
                stored += 1
                label = f"{field.model.__name__}.{field.name}"
                assert value.startswith(FERNET_PREFIX), f"{label} holds {value[:60]!r}"
                encryption.decrypt(value, field)
                for text in plain_texts:
                    assert text not in value, f"{label} holds {text!r}"
    assert stored, "no encrypted column holds anything: the test wrote nothing"
