"""Signing in: sign-up by e-mail link, login with throttling and lockout (django-axes), an
optional second factor (django-otp TOTP and recovery codes) and the session's lifetime."""
