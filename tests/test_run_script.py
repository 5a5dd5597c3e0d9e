"""`make run` stops cleanly: Ctrl-C or SIGTERM ends the web server and the worker within
seconds, and leaves no process behind.

The script runs for real (migrations, demo data, the Celery worker with beat, runserver) in
its own process group, with its database, broker folder and mail in a temporary folder so
that the developer's db.sqlite3 and var/ are not touched.
"""

import http.cookiejar
import os
import re
import signal
import subprocess
import time
import urllib.parse
import urllib.request

import pytest

from recruiters.demo import DEMO_EMAIL, DEMO_PASSWORD
from tests.digests.conftest import ROOT, free_port, wait_until

STOP_WITHIN = 10  # seconds


def group_processes(pgid):
    """The commands still running in process group `pgid` (zombies are gone already)."""
    out = subprocess.run(
        ["ps", "-o", "stat=,args=", "-g", str(pgid)], capture_output=True, text=True
    ).stdout
    return [line for line in out.splitlines() if line.strip() and not line.lstrip().startswith("Z")]


def answers(url):
    try:
        with urllib.request.urlopen(url, timeout=1) as response:
            return response.status == 200
    except OSError:
        return False


@pytest.fixture
def running_script(tmp_path):
    """scripts/run.sh, up: its page answers and its worker is ready."""
    port = free_port()
    env = {
        name: value
        for name, value in os.environ.items()
        # The suite's PostgreSQL and Redis are not the embedded run's: it must not take
        # the digest tests' tasks.
        if name not in {"CELERY_BROKER_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        PORT=str(port),
        VAR_DIR=str(tmp_path / "var"),
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        EMAIL_URL=f"filemail:///{tmp_path / 'mail'}",
    )
    log = tmp_path / "run.log"
    with log.open("wb") as out:
        script = subprocess.Popen(
            [str(ROOT / "scripts" / "run.sh")],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def up():
        if script.poll() is not None:
            pytest.fail(f"scripts/run.sh exited:\n{log.read_text()}")
        return answers(f"http://127.0.0.1:{port}/") and " ready." in log.read_text()

    try:
        wait_until(up, timeout=120, interval=0.2, message="scripts/run.sh to serve")
        yield script, log, f"http://127.0.0.1:{port}"
    finally:
        if group_processes(script.pid):
            os.killpg(script.pid, signal.SIGKILL)
        script.wait(timeout=10)


@pytest.mark.parametrize(
    "stop",
    [
        pytest.param(lambda script: script.send_signal(signal.SIGTERM), id="SIGTERM to the script"),
        # A terminal's Ctrl-C sends SIGINT to the whole foreground process group.
        pytest.param(lambda script: os.killpg(script.pid, signal.SIGINT), id="Ctrl-C"),
    ],
)
def test_stopping_the_run_leaves_no_process(running_script, stop):
    script, log, _ = running_script
    assert len(group_processes(script.pid)) >= 3  # the script, runserver, the worker
    started = time.monotonic()
    stop(script)
    try:
        script.wait(timeout=STOP_WITHIN)
    except subprocess.TimeoutExpired:
        pytest.fail(f"scripts/run.sh still running after {STOP_WITHIN} s:\n{log.read_text()}")
    deadline = started + STOP_WITHIN
    while group_processes(script.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert group_processes(script.pid) == []


def test_the_demo_account_reads_every_page_on_the_embedded_database(running_script):
    """The suite runs on PostgreSQL; `make run` on SQLite, whose SQL differs (no LIMIT
    inside a UNION, for one): sign in as the demo user and read the daily pages there."""
    _, log, site = running_script
    browser = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )

    def page(path, form=None):
        data = urllib.parse.urlencode(form).encode() if form else None
        with browser.open(site + path, data=data, timeout=30) as response:
            assert response.status == 200, path
            return response.read().decode()

    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page("/accounts/login/"))
    form = {"csrfmiddlewaretoken": token.group(1)}
    today = page("/accounts/login/", {**form, "username": DEMO_EMAIL, "password": DEMO_PASSWORD})
    assert "Silent recruiters" in today, log.read_text()
    for recruiter in sorted(set(re.findall(r'href="(/recruiters/\d+/)"', today))):
        assert "Health" in page(recruiter)
    for path in ("/recruiters/", "/roles/", "/follow-ups/", "/who-knows/"):
        page(path)
