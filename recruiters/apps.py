from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_save


class RecruitersConfig(AppConfig):
    name = "recruiters"
    verbose_name = "Callback"

    def ready(self):
        from django.contrib.auth import get_user_model

        from recruiters import connections, state
        from recruiters.services import ensure_profile

        post_save.connect(ensure_profile, sender=get_user_model(), dispatch_uid="ensure_profile")
        connection_created.connect(connections.prepare, dispatch_uid="prepare_connection")
        state.connect()
