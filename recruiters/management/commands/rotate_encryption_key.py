"""manage.py rotate_encryption_key: re-encrypt every encrypted value under the newest key."""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from recruiters import encryption


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted value (notes, summaries, import plans) under the first "
        "key of FIELD_ENCRYPTION_KEYS, a batch at a time; values already under it are left "
        "alone, so it may be stopped and run again. Afterwards the older keys can go."
    )

    def handle(self, *args, **options):
        total = 0
        for field in encryption.encrypted_fields():
            label = f"{field.model.__name__}.{field.name}"
            try:
                changed = encryption.recode_column(
                    connection,
                    field.model._meta.db_table,
                    field.column,
                    lambda token, field=field: encryption.rotated(token, field),
                )
            except encryption.DecryptionError as error:
                raise CommandError(
                    f"{error} The values before it are re-encrypted: run this again."
                ) from None
            self.stdout.write(f"{label}: {changed} re-encrypted")
            total += changed
        self.stdout.write(f"{total} values re-encrypted under the newest key.")
