"""The embedded default that `make run` uses: SQLite and in-process tasks, no PostgreSQL, no Redis.

Runs the real commands in subprocesses on a fresh SQLite file: migrate, load the demo city twice,
serve the app, sign in as the demo leader and fetch the home page.
"""

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.embedded


@pytest.fixture
def embedded_env(tmp_path):
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DATABASE_URL",
            "REDIS_URL",
            "CELERY_BROKER_URL",
            "SECRET_KEY",
            "DJANGO_SETTINGS_MODULE",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
            "STATIC_MANIFEST",
            "SECURE_SSL_REDIRECT",
        }
    }
    # The same settings as `make run`, on a throwaway SQLite file instead of the project's own.
    env.update(DEBUG="1", DATABASE_URL=f"sqlite:///{tmp_path / 'embedded.sqlite3'}")
    return env


def manage(env, *args, timeout=600):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def counts(env) -> str:
    result = manage(
        env,
        "shell",
        "-v",
        "0",
        "-c",
        (
            "from counties.models import County, Submission, SubmissionValue;"
            "from indicators.models import RuleSet;"
            "print(County.objects.count(), Submission.objects.count(),"
            " SubmissionValue.objects.count(), RuleSet.objects.count())"
        ),
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_embedded_default_serves_the_demo_city(embedded_env):
    assert manage(embedded_env, "migrate", "--no-input").returncode == 0
    first = manage(embedded_env, "load_demo_city")
    assert first.returncode == 0, first.stderr
    after_first = counts(embedded_env)
    second = manage(embedded_env, "load_demo_city")
    assert second.returncode == 0, second.stderr
    assert counts(embedded_env) == after_first  # loading twice adds nothing
    assert after_first.split()[0] == "12"
    ranked = manage(embedded_env, "recompute_rankings", "--all")  # in-process, no broker
    assert ranked.returncode == 0, ranked.stderr
    assert "computed 34" in ranked.stdout

    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=BASE_DIR,
        env=embedded_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                login_page = opener.open(f"{base}/accounts/login/", timeout=5).read().decode()
                break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("the development server did not start")
        assert "登录" in login_page
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login_page).group(1)
        data = urllib.parse.urlencode(
            {
                "csrfmiddlewaretoken": token,
                "username": "leader",
                "password": "demo-leader-2026",
            }
        ).encode()
        request = urllib.request.Request(
            f"{base}/accounts/login/", data=data, headers={"Referer": f"{base}/accounts/login/"}
        )
        home = opener.open(request, timeout=10).read().decode()
        assert "各县区报送情况" in home
        assert home.count("<tr>") >= 13  # the header row and twelve counties
        league = opener.open(f"{base}/rankings/", timeout=10).read().decode()
        assert "综合排名" in league and "青江区" in league and "未发布" in league
    finally:
        server.terminate()
        server.wait(timeout=10)
