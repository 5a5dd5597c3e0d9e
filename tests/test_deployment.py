"""The deployment files (docker-compose.yml, Dockerfile) agree with the settings.

No Docker engine is needed: the compose file is read as YAML, the Dockerfile as text,
and `manage.py check --deploy` runs in a subprocess under the production settings.
"""

import json
import os
import re
import secrets
import shlex
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parent.parent
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
SETTINGS_FILES = [ROOT / "tracker" / "settings.py", ROOT / "tracker" / "settings_production.py"]

APP_SERVICES = ("web", "worker", "beat")
SERVICES = (*APP_SERVICES, "postgres", "redis", "mailpit")

# Read by Django itself (or by manage.py / wsgi.py / celery.py), not by the settings.
READ_OUTSIDE_SETTINGS = {"DJANGO_SETTINGS_MODULE"}
REQUIRED_ENV = {
    "DATABASE_URL",
    "CELERY_BROKER_URL",
    "EMAIL_URL",
    "SECRET_KEY",
    "FIELD_ENCRYPTION_KEYS",
    "ALLOWED_HOSTS",
    "SITE_URL",
    "DJANGO_SETTINGS_MODULE",
}

# The port each backing image listens on, for the URL scheme the app uses to reach it.
IMAGE_PORTS = {
    "postgres": {"postgres": 5432, "postgresql": 5432},
    "redis": {"redis": 6379},
    "axllent/mailpit": {"smtp": 1025},
}

# env("NAME" ...), env.bool("NAME" ...), env.list(...), env.int(...), env.db(...), ...
ENV_CALL = re.compile(
    r"\benv(?:\.(?:str|bool|int|float|list|tuple|dict|json|url|path"
    r"|db|db_url|cache|cache_url|email|email_url|search_url))?"
    r"""\(\s*["']([A-Z][A-Z0-9_]*)["']"""
)


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load(COMPOSE_FILE.read_text())


@pytest.fixture(scope="module")
def settings_env_names():
    names = set()
    for path in SETTINGS_FILES:
        names |= set(ENV_CALL.findall(path.read_text()))
    return names


def environment(service):
    """A service's environment as a dict, whether written as a mapping or a list."""
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) if "=" in item else (item, None) for item in env)
    return {name: ("" if value is None else str(value)) for name, value in env.items()}


def command(service):
    cmd = service.get("command")
    return shlex.split(cmd) if isinstance(cmd, str) else [str(part) for part in cmd or []]


def image_name(service):
    """`postgres:15` -> `postgres`, `docker.io/axllent/mailpit:v1` -> `axllent/mailpit`."""
    image = service["image"].split("@", 1)[0]
    name = image.rsplit(":", 1)[0] if ":" in image.rsplit("/", 1)[-1] else image
    return name.removeprefix("docker.io/").removeprefix("library/")


def test_settings_scan_finds_the_settings_environment(settings_env_names):
    # Guards the regex: if it stopped matching, the checks below would be vacuous.
    assert {
        "SECRET_KEY",
        "DEBUG",
        "ALLOWED_HOSTS",
        "DATABASE_URL",
        "EMAIL_URL",
        "CELERY_BROKER_URL",
        "SITE_URL",
        "SECURE_SSL_REDIRECT",
    } <= settings_env_names


def test_all_services_exist(compose):
    assert set(SERVICES) <= set(compose["services"])


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("worker", ["celery", "-A", "tracker", "worker"]),
        ("beat", ["celery", "-A", "tracker", "beat"]),
    ],
)
def test_celery_commands(compose, name, expected):
    assert command(compose["services"][name])[: len(expected)] == expected


def test_web_runs_gunicorn_on_port_8000(compose):
    web = compose["services"]["web"]
    cmd = command(web)
    assert cmd[:2] == ["gunicorn", "tracker.wsgi"]
    bind = cmd[cmd.index("--bind") + 1] if "--bind" in cmd else cmd[cmd.index("-b") + 1]
    assert bind == "0.0.0.0:8000"
    assert any(str(port).endswith(":8000") for port in web.get("ports", []))


def test_migrations_run_before_the_app_starts(compose):
    services = compose["services"]
    web = services["web"]
    if "migrate" in services:
        migrate = command(services["migrate"])
        assert "manage.py" in migrate and "migrate" in migrate
        for name in APP_SERVICES:
            depends_on = services[name]["depends_on"]
            assert depends_on["migrate"]["condition"] == "service_completed_successfully"
    else:
        assert "manage.py migrate" in " ".join(command(web))


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_services_share_the_production_environment(compose, name):
    anchor_env = environment(compose["x-app"])
    env = environment(compose["services"][name])
    assert env == anchor_env
    assert env["DJANGO_SETTINGS_MODULE"] == "tracker.settings_production"
    assert env["SECRET_KEY"].startswith("${SECRET_KEY:?"), "SECRET_KEY must be required"
    assert set(env) >= REQUIRED_ENV, f"missing: {sorted(REQUIRED_ENV - set(env))}"


@pytest.mark.parametrize("name", [*APP_SERVICES, "migrate"])
def test_app_services_set_only_variables_the_settings_read(compose, settings_env_names, name):
    assert name in compose["services"], f"no {name} service"
    unknown = set(environment(compose["services"][name])) - settings_env_names
    unknown -= READ_OUTSIDE_SETTINGS
    assert not unknown, f"{name} sets variables no setting reads: {sorted(unknown)}"


def test_ssl_redirect_is_off_for_local_plain_http(compose):
    # docker-compose.yml serves http://localhost:8000; tracker.settings_production
    # defaults SECURE_SSL_REDIRECT to true for real deployments.
    value = environment(compose["x-app"])["SECURE_SSL_REDIRECT"]
    assert value.split(":-")[-1].rstrip("}").lower() in {"false", "0", "off", "no"}


@pytest.mark.parametrize(
    ("variable", "backing_service"),
    [
        ("DATABASE_URL", "postgres"),
        ("CELERY_BROKER_URL", "redis"),
        ("EMAIL_URL", "mailpit"),
    ],
)
def test_backing_service_urls_name_services_and_their_ports(compose, variable, backing_service):
    services = compose["services"]
    url = urlsplit(environment(compose["x-app"])[variable])
    assert url.hostname == backing_service
    assert url.hostname in services
    image = image_name(services[url.hostname])
    scheme = url.scheme.split("+", 1)[0]
    assert url.port == IMAGE_PORTS[image][scheme]
    for name in APP_SERVICES:
        depends_on = services[name]["depends_on"]
        assert depends_on[backing_service]["condition"] == "service_healthy"


def test_backing_service_images_volumes_and_healthchecks(compose):
    services = compose["services"]
    assert image_name(services["postgres"]) == "postgres"
    assert services["postgres"]["image"].startswith("postgres:15")
    assert services["redis"]["image"].startswith("redis:7")
    assert image_name(services["mailpit"]) == "axllent/mailpit"
    for name in ("postgres", "redis", "mailpit"):
        assert services[name].get("healthcheck", {}).get("test"), f"{name} has no healthcheck"
    volume = services["postgres"]["volumes"][0].split(":")[0]
    assert volume in (compose.get("volumes") or {})
    assert any(str(port).endswith(":8025") for port in services["mailpit"]["ports"])


def test_database_url_credentials_match_postgres(compose):
    url = urlsplit(environment(compose["x-app"])["DATABASE_URL"])
    postgres = environment(compose["services"]["postgres"])
    assert url.username == postgres["POSTGRES_USER"]
    assert url.password == postgres["POSTGRES_PASSWORD"]
    assert url.path.lstrip("/") == postgres["POSTGRES_DB"]


def test_check_deploy_reports_no_issues(tmp_path, settings_env_names):
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in settings_env_names and not name.startswith(("DJANGO_", "CELERY_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="tracker.settings_production",
        SECRET_KEY=secrets.token_urlsafe(64),
        FIELD_ENCRYPTION_KEYS=Fernet.generate_key().decode(),
        ALLOWED_HOSTS="callback.example.com",
        DATABASE_URL=f"sqlite:///{tmp_path / 'check.sqlite3'}",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "no issues" in output, output


def dockerfile_instructions():
    """(INSTRUCTION, arguments) pairs, with continuation lines joined and comments dropped."""
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text())
    instructions = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            instructions.append((keyword.upper(), rest.strip()))
    return instructions


def test_dockerfile():
    instructions = dockerfile_instructions()
    by_keyword = {}
    for keyword, rest in instructions:
        by_keyword.setdefault(keyword, []).append(rest)

    assert by_keyword["FROM"][0].startswith("python:3.11-slim")

    # The lock file is copied in and used as constraints for the install.
    assert any("requirements.lock" in rest for rest in by_keyword["COPY"])
    installs = [rest for rest in by_keyword["RUN"] if "pip install" in rest]
    assert any(re.search(r"(-c|--constraint)[ =]requirements\.lock", rest) for rest in installs)

    # collectstatic at build, under the production settings, with a throwaway key that is
    # given to that step only (never baked in with ENV or ARG).
    collect = [rest for rest in by_keyword["RUN"] if "collectstatic" in rest]
    assert collect and "SECRET_KEY=" in collect[0]
    for secret in ("SECRET_KEY", "FIELD_ENCRYPTION_KEYS"):
        assert not any(secret in rest for rest in by_keyword.get("ENV", []))
        assert not any(secret in rest for rest in by_keyword.get("ARG", []))
    settings_module = [
        rest for rest in by_keyword.get("ENV", []) if "tracker.settings_production" in rest
    ]
    assert settings_module or "tracker.settings_production" in collect[0]

    # Runs as a non-root user.
    users = by_keyword.get("USER", [])
    assert users and users[-1].split(":")[0] not in {"root", "0"}

    # Default command: gunicorn serving tracker.wsgi on 0.0.0.0:8000 (exec form).
    cmd = json.loads(by_keyword["CMD"][-1])
    assert cmd[:2] == ["gunicorn", "tracker.wsgi"]
    assert "0.0.0.0:8000" in cmd
    assert keyword_order(instructions, "RUN", "collectstatic") < keyword_order(
        instructions, "USER", ""
    )


def keyword_order(instructions, keyword, contains):
    return next(
        index for index, (kw, rest) in enumerate(instructions) if kw == keyword and contains in rest
    )


def test_dockerfile_copies_what_the_app_needs():
    # The code runs from the build context's copies: every top-level directory the
    # settings rely on must be copied in.
    copied = " ".join(rest for kw, rest in dockerfile_instructions() if kw == "COPY")
    for needed in ("manage.py", "tracker", "recruiters", "templates", "static"):
        assert re.search(rf"(^|\s){needed}(\s|$)", copied) or re.search(r"(^|\s)\.\s", copied), (
            f"{needed} is not copied into the image"
        )


def test_the_image_build_collects_static_files_with_only_what_the_dockerfile_gives():
    """The build's collectstatic step runs here as it runs in `docker build`: under the
    image's ENV and the step's own variables, with nothing else of ours set (no .env, no
    secrets), so a setting the production settings come to require fails here first."""
    instructions = dockerfile_instructions()
    image_env = {}
    for keyword, rest in instructions:
        if keyword == "ENV":
            image_env.update(word.split("=", 1) for word in shlex.split(rest))
    (collect,) = [rest for kw, rest in instructions if kw == "RUN" and "collectstatic" in rest]
    words = shlex.split(collect)
    step_env = dict(word.split("=", 1) for word in words[: words.index("python")])
    command = words[words.index("python") :]
    assert command[:3] == ["python", "manage.py", "collectstatic"]

    env = {
        "PATH": os.environ["PATH"],
        **image_env,
        **step_env,
        "PYTHONPATH": str(ROOT),
    }
    result = subprocess.run(
        [sys.executable, *command[1:], "--dry-run"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
