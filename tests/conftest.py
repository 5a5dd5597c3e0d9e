import pytest

from tests.factories import make_user


@pytest.fixture
def user(db):
    return make_user("me@example.com")


@pytest.fixture
def other_user(db):
    return make_user("someone.else@example.com")


@pytest.fixture
def client_in(client, user):
    """A test client logged in as `user`."""
    client.force_login(user)
    return client


@pytest.fixture
def htmx_headers():
    return {"HX-Request": "true"}


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Real hashing costs ~0.3 s a user; tests create many users and test no hash strength."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
