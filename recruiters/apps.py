from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_save


def register_sqlite_functions(sender, connection, **kwargs):
    """SQL functions that SQLite lacks and the rules use (rules.LocalMidnight)."""
    if connection.vendor == "sqlite":
        from recruiters.rules import sqlite_local_midnight

        connection.connection.create_function(
            "callback_local_midnight", 2, sqlite_local_midnight, deterministic=True
        )


class RecruitersConfig(AppConfig):
    name = "recruiters"
    verbose_name = "Callback"

    def ready(self):
        from django.contrib.auth import get_user_model

        from recruiters import state
        from recruiters.services import ensure_profile

        post_save.connect(ensure_profile, sender=get_user_model(), dispatch_uid="ensure_profile")
        connection_created.connect(register_sqlite_functions, dispatch_uid="sqlite_functions")
        state.connect()
