"""Included at the site's root, before django.contrib.auth.urls, whose views of the same
names these replace."""

from django.urls import path

from recruiters.accounts import views

urlpatterns = [
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/login/code/", views.login_code, name="login_code"),
    path("accounts/logout/", views.logout_view, name="logout"),
    path(
        "accounts/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("signup/", views.signup_start, name="signup"),
    path("signup/sent/", views.signup_sent, name="signup_sent"),
    path("signup/finish/<str:token>/", views.signup_finish, name="signup_finish"),
    path("settings/two-factor/", views.two_factor_setup, name="two_factor_setup"),
    path("settings/two-factor/off/", views.two_factor_disable, name="two_factor_disable"),
    path("settings/two-factor/codes/", views.recovery_codes, name="recovery_codes"),
]
