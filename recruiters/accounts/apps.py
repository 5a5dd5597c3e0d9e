from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "recruiters.accounts"
    label = "accounts"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from recruiters.accounts import sessions, two_factor

        user_logged_in.connect(sessions.on_login, dispatch_uid="accounts.sessions")
        user_logged_in.connect(two_factor.on_login, dispatch_uid="accounts.two_factor")
