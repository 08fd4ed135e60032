"""The simulated users of bench/bench_load.py, which runs `locust --headless` with this file.

bench_load.py writes a plan (JSON, its path in LOAD_PLAN) and starts locust with as many users
as the plan has accounts. Each simulated user takes the next account, signs in through the login
form (GET for the CSRF cookie, POST /accounts/login/), then waits until every user is signed in:
the measured window starts then, so the sign-ins (one PBKDF2 hash each) are not in the figures.
For `measure_s` seconds each user then repeats its scenario with no think time:

- leaders:   the dashboard (/), the league table, a county profile (each county in turn) and the
             heatmap, in a random order each round;
- own_forms: GET its own county-month's entry form, POST it saved as a draft with new figures;
- same_form: the same, every user on one county-month, with the version its GET read: a save
             whose version is stale must come back 409 with the conflict message (#conflict):
             an expected refusal, not a failure.

When the window ends each user finishes the request it is in (so that every save the server
accepted is known) and stops; the results go to the plan's `out` file as JSON: one sample per
request (name, end time, milliseconds, outcome), the accepted saves with the version they were
based on and the figures they sent, and the failures with their reason.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import time
from pathlib import Path

import gevent
from gevent.event import Event
from locust import HttpUser, constant, events, task
from locust.exception import StopUser

PLAN = json.loads(Path(os.environ["LOAD_PLAN"]).read_text(encoding="utf-8"))
SCENARIO = PLAN["scenario"]
ACCOUNTS = PLAN["accounts"]
MEASURE_S = float(PLAN["measure_s"])
LOGIN_PATH = "/accounts/login/"

_next_account = itertools.count()
_all_signed_in = Event()
_state: dict = {
    "started": time.time(),
    "signed_in": 0,
    "running": 0,
    "t0": None,
    "t_end": None,
    "over": False,
}
_samples: list[list] = []  # [name, end (epoch s), ms, outcome]
_accepted: list[dict] = []  # same_form / own_forms: the saves the server took
_failures: list[str] = []  # what went wrong, one line each (the first few are printed)
_csrf = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_version = re.compile(r'name="version" value="([0-9]+)"')


def _fail(response, reason: str) -> None:
    """Mark a request failed (counted by locust and by the report) with its reason."""
    if response.status_code == 0:  # no answer: say what the connection did
        reason += f" ({type(response.error).__name__}: {response.error})"
    line = f"{response.request_meta['name']}: {reason}"
    if len(_failures) < 200:
        _failures.append(line)
    response.failure(reason)


@events.request.add_listener
def _record(name, response_time, exception, context, start_time=None, **_kw) -> None:
    """Every request of the measured window (sign-ins excluded), with its outcome."""
    if _state["t0"] is None or name == "login" or start_time is None:
        return
    outcome = "fail" if exception is not None else (context or {}).get("outcome", "ok")
    _samples.append([name, start_time + response_time / 1000, round(response_time, 2), outcome])


def _cpu_seconds(pid: int) -> float | None:
    """CPU time (user + system) of a process and of all its children, living and reaped: the
    gunicorn master and its workers (Linux /proc; None elsewhere)."""
    tick = os.sysconf("SC_CLK_TCK")

    def fields(path: str) -> list[str]:
        with open(path, encoding="ascii") as stat:
            return stat.read().rsplit(")", 1)[1].split()

    try:
        own = fields(f"/proc/{pid}/stat")
    except OSError:
        return None
    total = sum(int(x) for x in own[11:15])  # utime, stime, and those of reaped children
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = fields(f"/proc/{entry}/stat")
            except OSError:
                continue
            if stat[1] == str(pid):  # a worker
                total += int(stat[11]) + int(stat[12])
    return total / tick


def _window(environment) -> None:
    """Start when every user is signed in; after `measure_s` tell the users to stop, wait for
    the requests in flight, write the results and end the run."""
    _all_signed_in.wait()
    web_pid = int(PLAN.get("web_pid") or 0)
    web_before, own_before = _cpu_seconds(web_pid), time.process_time()
    # the window ends in time for the requests in flight to finish within locust's run time
    limit = _state["started"] + float(PLAN.get("run_limit_s", 60)) - 10
    gevent.sleep(max(1.0, min(MEASURE_S, limit - time.time())))
    web_after, own_after = _cpu_seconds(web_pid), time.process_time()
    _state["t_end"] = time.time()
    _state["over"] = True
    deadline = time.time() + 8
    while _state["running"] > 0 and time.time() < deadline:
        gevent.sleep(0.05)
    Path(PLAN["out"]).write_text(
        json.dumps(
            {
                "scenario": SCENARIO,
                "users": len(ACCOUNTS),
                "t0": _state["t0"],
                "t_end": _state["t_end"],
                "still_running": _state["running"],
                "web_cpu_s": None if web_before is None else web_after - web_before,
                "locust_cpu_s": own_after - own_before,
                "samples": _samples,
                "accepted": _accepted,
                "failures": _failures,
            }
        ),
        encoding="utf-8",
    )
    environment.runner.quit()


@events.test_start.add_listener
def _start(environment, **_kw) -> None:
    _state["started"] = time.time()
    gevent.spawn(_window, environment)


class BenchUser(HttpUser):
    wait_time = constant(0)  # no think time

    def on_start(self) -> None:
        # each request on a connection of its own, as nginx's proxy_pass (HTTP/1.0) reaches
        # gunicorn in production (docs/deploy.md): no keep-alive between proxy and app
        self.client.headers["Connection"] = "close"
        index = next(_next_account)
        if index >= len(ACCOUNTS):
            raise StopUser()  # more users than accounts: the plan says how many to start
        self.account = ACCOUNTS[index]
        self.index = index
        signed_in = self._sign_in()
        _state["signed_in"] += 1
        if _state["signed_in"] == len(ACCOUNTS):
            _state["t0"] = time.time()
            _all_signed_in.set()
        if not signed_in:
            raise StopUser()
        _all_signed_in.wait()
        _state["running"] += 1

    def _sign_in(self) -> bool:
        with self.client.get(LOGIN_PATH, name="login", catch_response=True) as page:
            token = _csrf.search(page.text or "")
            if page.status_code != 200 or token is None:
                _fail(page, f"login form: status {page.status_code}")
                return False
        with self.client.post(
            LOGIN_PATH,
            name="login",
            data={
                "csrfmiddlewaretoken": token[1],
                "username": self.account["username"],
                "password": self.account["password"],
            },
            allow_redirects=False,
            catch_response=True,
        ) as answer:
            if answer.status_code != 302:
                _fail(answer, f"sign-in of {self.account['username']}: {answer.status_code}")
                return False
        return True

    @task
    def scenario(self) -> None:
        rounds = itertools.count()
        try:
            while not _state["over"]:
                if SCENARIO == "leaders":
                    self._leader_round(next(rounds))
                else:
                    self._save_round(next(rounds))
        finally:
            _state["running"] -= 1
        raise StopUser()

    # -- leaders --------------------------------------------------------------------------

    def _page(self, url: str, name: str, marker: str) -> None:
        with self.client.get(url, name=name, allow_redirects=False, catch_response=True) as page:
            if page.status_code != 200:
                _fail(page, f"status {page.status_code}")
            elif marker not in page.text:
                _fail(page, f"no {marker!r} in the page")

    def _leader_round(self, n: int) -> None:
        counties = PLAN["counties"]
        county = counties[(self.index + n) % len(counties)]
        pages = [
            ("/", "dashboard", 'class="topbar"'),
            ("/rankings/", "league table", 'class="grid league"'),
            (f"/rankings/county/{county}/", "county profile", county),
            ("/rankings/heatmap/", "heatmap", "<h1>"),
        ]
        random.shuffle(pages)
        for url, name, marker in pages:
            if _state["over"]:
                return
            self._page(url, name, marker)

    # -- officials saving a month's form --------------------------------------------------

    def _save_round(self, n: int) -> None:
        account = self.account
        url = f"/submissions/{account['county']}/{account['period']}/"
        with self.client.get(url, name="form", allow_redirects=False, catch_response=True) as form:
            token = _csrf.search(form.text or "")
            version = _version.search(form.text or "")
            if form.status_code != 200 or token is None or version is None:
                _fail(form, f"status {form.status_code}, no version or token")
                return
        if _state["over"]:
            return
        save_id = self.index * 100_000 + n
        values = {code: _figure(spec, save_id) for code, spec in account["figures"].items()}
        data = {"csrfmiddlewaretoken": token[1], "version": version[1], "action": "save"}
        for code, spec in account["figures"].items():
            data[f"value_{code}"] = values[code]
            data[f"prior_{code}"] = spec["prior"]
            data[f"note_{code}"] = ""
        with self.client.post(
            url, name="save", data=data, allow_redirects=False, catch_response=True
        ) as answer:
            if answer.status_code == 302:
                _accepted.append(
                    {
                        "user": account["username"],
                        "county": account["county"],
                        "period": account["period"],
                        "base_version": int(version[1]),
                        "values": values,
                        "at": time.time(),
                    }
                )
            elif (
                SCENARIO == "same_form"
                and answer.status_code == 409
                and 'id="conflict"' in answer.text
            ):
                # a stale version, refused as it must be: the request event reads this
                answer.request_meta["context"]["outcome"] = "refused"
                answer.success()
            else:
                _fail(answer, f"status {answer.status_code}")


def _figure(spec: dict, save_id: int) -> str:
    """A figure for the indicator, different for each save: its base plus a few of its
    smallest steps (so it keeps the indicator's decimals and, for a 1-N months total, stays
    above last month's)."""
    decimals = int(spec["decimals"])
    step = 10**-decimals
    value = float(spec["base"]) + step * (save_id % 97 + 1)
    return f"{value:.{decimals}f}"
