"""Load on the production stack: many leaders reading at once, many officials saving at once.

Builds its own PostgreSQL database (default postgres://postgres@127.0.0.1:5432/scorecard_bench_load,
overridable with BENCH_LOAD_DATABASE_URL; created fresh, migrated, loaded with the demo city by
`manage.py load_demo_city --force` and ranked by `manage.py recompute_rankings --all
--publish-closed`, dropped at the end unless --keep) and uses one Redis database (default
redis://127.0.0.1:6379/15, BENCH_LOAD_REDIS_URL; emptied at the start) as the cache and the Celery
broker, as production does. Then it starts what `make serve` starts (deploy/serve.sh): gunicorn
with deploy/gunicorn.conf.py and its defaults but 2 workers (WEB_CONCURRENCY=2), DEBUG off,
whitenoise serving the collected static files, and a real Celery worker (one process; no task is
eager). It listens on a free port of 127.0.0.1 over plain HTTP (where nginx would end TLS), so
the secure-cookie and HTTPS-redirect settings are off; everything else is production's default.
Each request goes on a connection of its own, as nginx's proxy_pass reaches gunicorn.

Locust (bench/locustfile.py) then runs each scenario headless on loopback, bounded to 60 s with
the sign-ins; the figures cover the measured window (--measure, 30 s) after every user has
signed in:

  a) leaders: 50 leaders (leader and 49 more made here) with no think time, each reading the
     dashboard, the league table, a county profile and the heatmap in turn. Target: at least
     100 requests a second, no error. Anchor, same run: the same load on the code of commit
     ANCHOR_COMMIT (its tree from `git archive`, with its own settings and gunicorn.conf.py),
     before the render cache, the persistent connections and gunicorn's threads.
  a') the same with SESSION_SAVE_EVERY_REQUEST off (a settings module made for the run): what
     the idle timeout's session write on every request costs (settings.py, Accounts block).
  b) own forms: 20 county reporters, each on its own county-month (the demo city's 12 counties in
     2026-11, 8 of them in 2026-12, months added here; reporters beyond the demo's two are made
     here), saving the entry form as a draft over and over. Target: no error.
  c) same form: 20 reporters of one county (青江区, 2026-10, a draft) saving that month at once,
     each with the version its form was read at. A save on a stale version must come back 409
     with the conflict message: counted as refused, not as an error. Target: no error and no lost
     update, checked in the database afterwards (verify_saves): the accepted saves follow one
     another version by version, as many as the version went up, and the stored figures are
     those of the last one. b is checked the same way.

Prints, per scenario: users, measured seconds, requests, requests a second, failures, and the
p50/p95/p99 latency in ms, overall and per page, and the CPU time gunicorn and locust spent per
request (less sensitive than the rate to other load on the machine). Exits 1 when a scenario has
errors, loses an update or cannot run; the request-rate target is reported (ok/MISSED), not
failed on. Run: `python bench/bench_load.py [--measure 30] [--only a,a0,b,c] [--keep [--reuse]]
[--anchor-commit C]` (make bench runs it).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path

from benchdb import create_database, database_exists, drop_database

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
DATABASE_URL = os.environ.get(
    "BENCH_LOAD_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/scorecard_bench_load"
)
REDIS_URL = os.environ.get("BENCH_LOAD_REDIS_URL", "redis://127.0.0.1:6379/15")
LEADERS = 50
OFFICIALS = 20
RPS_TARGET = 100
RUN_LIMIT_S = 60  # locust's own bound on a scenario, sign-ins included
SAME_FORM = ("369902", 2026, 10)  # 青江区's 2026-10: a draft in the demo city
NEW_MONTHS = [(2026, 11), (2026, 12)]  # opened here for the officials' own forms
# the anchor of scenario a: the last commit before the render cache, the persistent database
# connections and gunicorn's threads (issue 16)
ANCHOR_COMMIT = "ba0a2ac"

# The production settings from the environment, as `make serve` reads them; plain HTTP on
# loopback (TLS ends at nginx in production), one Redis for the cache and the broker.
SERVER_ENV = {
    "DATABASE_URL": DATABASE_URL,
    "REDIS_URL": REDIS_URL,
    "CELERY_BROKER_URL": REDIS_URL,
    "CELERY_TASK_ALWAYS_EAGER": "0",
    "DEBUG": "0",
    "SECRET_KEY": "bench-load-only-not-a-secret",
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "SECURE_SSL_REDIRECT": "0",
    "SESSION_COOKIE_SECURE": "0",
    "CSRF_COOKIE_SECURE": "0",
    "SECURE_HSTS_SECONDS": "0",
    "DJANGO_SETTINGS_MODULE": "scorecard.settings",
    "WEB_CONCURRENCY": "2",
    "GUNICORN_ACCESS_LOG": "",
}


def _env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {**os.environ, **SERVER_ENV, **(extra or {})}
    for name in ("CONN_MAX_AGE", "STATIC_MANIFEST", "LOG_LEVEL"):
        env.pop(name, None)  # production's defaults, not the caller's shell
    return env


def manage(*args: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=_env(),
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


# -- the database ----------------------------------------------------------------------------


def build_database() -> None:
    """The demo city on a fresh database, ranked and published as `make run` does it."""
    create_database(DATABASE_URL)
    manage("migrate", "--no-input", "-v", "0")
    manage("load_demo_city", "--force", "-v", "0")
    manage("recompute_rankings", "--all", "--publish-closed")
    manage("collectstatic", "--no-input", "-v", "0")


def setup_django() -> None:
    os.environ.update(SERVER_ENV)
    import django

    django.setup()


def _users(names: list[str], role: str, county_code: str | None = None) -> None:
    """Users with the demo city's password rule (demo-<username>-2026), made when missing."""
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group, User

    from counties.demo import password_for
    from counties.models import County, CountyMembership

    missing = [n for n in names if not User.objects.filter(username=n).exists()]
    with ThreadPoolExecutor(2) as pool:  # PBKDF2 runs outside the GIL
        hashes = list(pool.map(lambda n: make_password(password_for(n)), missing))
    group = Group.objects.get(name=role)
    county = County.objects.get(code=county_code) if county_code else None
    for name, hashed in zip(missing, hashes, strict=True):
        user = User.objects.create(username=name, password=hashed, last_name="压测")
        user.groups.add(group)
        if county is not None:
            CountyMembership.objects.create(user=user, county=county)


def leader_accounts() -> list[dict]:
    from counties.demo import password_for

    names = ["leader"] + [f"load_leader_{i:02d}" for i in range(2, LEADERS + 1)]
    _users(names[1:], "leader")
    return [{"username": n, "password": password_for(n)} for n in names]


def _figures(county, period) -> dict[str, dict]:
    """Per indicator the county enters: a base figure that passes the form's blocking checks
    (a 1-N months total above last month's, whole numbers whole, shares within 0-100) and the
    same month's figure of last year as the prior value. The saves add a few steps to it."""
    from counties.models import SubmissionValue
    from counties.selectors import exemptions_for_entry, indicators_for_entry
    from indicators.models import WHOLE_UNITS

    indicators = indicators_for_entry(period)
    # what city departments enter for every county is read-only on the county's form, and so
    # is what the county is exempted from (不考核)
    skip = {ind.code for ind in indicators if ind.entered_by_department}
    skip |= set(exemptions_for_entry(period, [county]).get(county.pk, {}))

    def stored(year: int, month: int) -> dict[int, tuple]:
        rows = SubmissionValue.objects.filter(
            submission__county=county,
            submission__period__year=year,
            submission__period__month=month,
        ).values_list("indicator_id", "value", "prior_value")
        return {i: (v, p) for i, v, p in rows}

    # the latest month the demo city has for the county (a month it missed: the one before)
    recent = stored(2026, 10) or stored(2026, 9)
    earlier = stored(2026, 9) if period.month == 10 else recent
    last_year = stored(period.year - 1, period.month)
    figures = {}
    for ind in indicators:
        if ind.code in skip:
            continue
        whole = ind.unit in WHOLE_UNITS or ind.decimals == 0  # as the form's checks read it
        decimals = 0 if whole else (ind.decimals if ind.decimals is not None else 2)
        value = recent.get(ind.pk, (None, None))[0] or earlier.get(ind.pk, (None, None))[0]
        value = Decimal(value if value is not None else 1)
        if ind.kind == "flow":  # above last month's total, 2026-12 above any 2026-11 save
            value = value * Decimal("1.1") * (1 + Decimal(max(period.month - 10, 0)) / 2)
        if ind.is_share:  # a share stays within 100 after the saves' steps
            value = min(value, Decimal(100) - 98 * Decimal(10) ** -decimals)
        value = abs(value) if not ind.can_be_negative else value
        prior = last_year.get(ind.pk, (None, None))[0] or recent.get(ind.pk, (None, None))[1]
        figures[ind.code] = {
            "base": f"{value:.{decimals}f}",
            "decimals": decimals,
            "prior": "" if prior is None else f"{Decimal(prior):.{decimals}f}",
        }
    return figures


def official_accounts(same_form: bool) -> list[dict]:
    """Scenario b: one reporter per county-month (the demo's reporter_a and reporter_b for
    their counties' 2026-11, reporters made here for the rest). Scenario c: reporter_a and 19
    more reporters of the same county, all on its 2026-10."""
    from counties.demo import password_for
    from counties.models import County, Period

    accounts = []
    if same_form:
        code, year, month = SAME_FORM
        names = ["reporter_a"] + [f"load_same_{i:02d}" for i in range(2, OFFICIALS + 1)]
        _users(names[1:], "reporter", code)
        county = County.objects.get(code=code)
        period = Period.objects.get(year=year, month=month)
        figures = _figures(county, period)
        for name in names:
            accounts.append(
                {
                    "username": name,
                    "password": password_for(name),
                    "county": code,
                    "period": f"{year}-{month}",
                    "figures": figures,
                }
            )
        return accounts
    demo_reporters = {"369902": "reporter_a", "369921": "reporter_b"}
    counties = list(County.objects.filter(is_active=True).order_by("display_order", "code"))
    pairs = [(c, y, m) for y, m in NEW_MONTHS for c in counties][:OFFICIALS]
    for county, year, month in pairs:
        period, _created = Period.objects.get_or_create(year=year, month=month)
        name = (
            demo_reporters[county.code]
            if (year, month) == NEW_MONTHS[0] and county.code in demo_reporters
            else f"load_{county.code}_{month}"
        )
        if name.startswith("load_"):
            _users([name], "reporter", county.code)
        accounts.append(
            {
                "username": name,
                "password": password_for(name),
                "county": county.code,
                "period": f"{year}-{month}",
                "figures": _figures(county, period),
            }
        )
    return accounts


def form_versions(accounts: list[dict]) -> dict[tuple[str, str], int]:
    """The version of each county-month's submission now (0: none yet)."""
    from counties.models import Submission

    versions = {}
    for account in accounts:
        year, month = (int(x) for x in account["period"].split("-"))
        found = Submission.objects.filter(
            county__code=account["county"], period__year=year, period__month=month
        ).first()
        versions[(account["county"], account["period"])] = found.version if found else 0
    return versions


def verify_saves(accounts, before, accepted) -> list[str]:
    """Lines saying, per county-month, whether every accepted save is in the database and none
    was lost. Each save is based on the version its form was read at (0: no submission yet) and
    the server takes it only at that version, then counts one up (the first save creates the
    submission at its first version, then counts): so the accepted saves, in the order of their
    versions, must follow one another without a gap or a repeat from the version before the run
    to the version now, and the stored figures must be those of the last one."""
    from counties.models import Submission

    created = Submission._meta.get_field("version").default  # a new submission's version

    def after(version: int) -> int:
        return (version or created) + 1

    by_form = defaultdict(list)
    for save in accepted:
        by_form[(save["county"], save["period"])].append(save)
    lines = []
    for key in sorted({(a["county"], a["period"]) for a in accounts}):
        code, period = key
        year, month = (int(x) for x in period.split("-"))
        submission = Submission.objects.filter(
            county__code=code, period__year=year, period__month=month
        ).first()
        now = submission.version if submission else 0
        saves = sorted(by_form[key], key=lambda s: s["base_version"])
        version, chained = before[key], True
        for save in saves:
            chained = chained and save["base_version"] == version
            version = after(save["base_version"])
        chained = chained and version == now
        stored = {}
        if submission is not None:
            for value in submission.values.select_related("indicator"):
                stored[value.indicator.code] = value.value
        last = saves[-1]["values"] if saves else {}
        differ = [c for c, v in last.items() if stored.get(c) != Decimal(v)]
        ok = chained and not differ
        lines.append(
            f"    {code} {period}: version {before[key]} -> {now}, {len(saves)} accepted saves "
            f"{'each on the version the one before left' if chained else 'NOT IN A CHAIN'}, "
            f"stored figures = the last one's: {'yes' if not differ else f'NO {differ[:3]}'}"
            f"  {'ok' if ok else 'LOST UPDATE'}"
        )
    if len(lines) <= 3:
        return lines
    lost = [line for line in lines if line.endswith("LOST UPDATE")]
    summary_line = f"    all {len(lines)} forms: " + (
        "no lost update" if not lost else f"{len(lost)} with a lost update"
    )
    return [*lines[:2], *lost[:5], summary_line]


# -- the server ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Stack:
    """gunicorn (deploy/gunicorn.conf.py) and a Celery worker, as deploy/serve.sh starts them,
    from the code in `root` (this checkout, or an older commit's tree for the anchor); stopped
    by their own process groups."""

    def __init__(
        self,
        logdir: Path,
        extra_env: dict[str, str] | None = None,
        *,
        root: Path = ROOT,
        worker: bool = True,
    ) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = _env({"GUNICORN_BIND": f"127.0.0.1:{self.port}", **(extra_env or {})})
        self.log = (logdir / f"server-{self.port}.log").open("w")
        web = [str(BIN / "gunicorn"), "--config", "deploy/gunicorn.conf.py"]
        commands = [[*web, "scorecard.wsgi:application"]]
        if worker:
            commands.append(
                [
                    str(BIN / "celery"),
                    "--app",
                    "scorecard",
                    "worker",
                    "--loglevel",
                    "WARNING",
                    "--concurrency",
                    "1",
                    "--hostname",
                    f"bench-load-{self.port}@%h",
                ]  # fmt: skip
            )
        self.procs = [
            subprocess.Popen(
                command,
                cwd=root,
                env=env,
                stdout=self.log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            for command in commands
        ]
        self._wait_ready()

    def _wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.procs[0].poll() is not None:
                raise RuntimeError(f"gunicorn exited: see {self.log.name}")
            try:
                with urllib.request.urlopen(f"{self.url}/accounts/login/", timeout=5) as page:
                    if page.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                time.sleep(0.3)
        raise RuntimeError(f"gunicorn did not answer in {timeout:.0f} s: see {self.log.name}")

    def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
        self.log.close()


def gunicorn_conf() -> dict:
    """deploy/gunicorn.conf.py's settings in the benchmark's environment."""
    import runpy

    saved = dict(os.environ)
    os.environ.update(_env())
    try:
        return runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))
    finally:
        os.environ.clear()
        os.environ.update(saved)


def worker_class(conf: dict) -> str:
    """gunicorn's worker class: threads > 1 turn its default (sync) into gthread."""
    named = conf.get("worker_class") or "sync"
    return "gthread" if named == "sync" and int(conf.get("threads") or 1) > 1 else named


# -- a scenario ------------------------------------------------------------------------------


def run_locust(stack: Stack, scenario: str, accounts: list[dict], measure: float, workdir: Path):
    out = workdir / f"{scenario}.json"
    plan = workdir / f"{scenario}-plan.json"
    counties = sorted({a.get("county") for a in accounts} - {None}) or county_codes()
    plan.write_text(
        json.dumps(
            {
                "scenario": scenario,
                "accounts": accounts,
                "counties": counties,
                "measure_s": measure,
                "out": str(out),
                "web_pid": stack.procs[0].pid,
                "run_limit_s": RUN_LIMIT_S,
            }
        ),
        encoding="utf-8",
    )
    n = str(len(accounts))
    run = subprocess.run(
        [str(BIN / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
         "--users", n, "--spawn-rate", n, "--run-time", f"{RUN_LIMIT_S}s", "--stop-timeout", "10",
         "--host", stack.url, "--only-summary", "--loglevel", "WARNING",
         "--exit-code-on-error", "0"],
        cwd=ROOT, env={**os.environ, "LOAD_PLAN": str(plan)}, capture_output=True, text=True,
        timeout=RUN_LIMIT_S + 30, check=False,
    )  # fmt: skip
    if not out.exists():
        raise RuntimeError(
            f"locust wrote no results for {scenario} (exit {run.returncode}): {run.stderr[-2000:]}"
        )
    return json.loads(out.read_text(encoding="utf-8"))


def county_codes() -> list[str]:
    from counties.models import County

    ranked = County.objects.filter(is_active=True, is_ranked=True).order_by("display_order")
    return list(ranked.values_list("code", flat=True))


def percentile(sorted_ms: list[float], p: float) -> float:
    if not sorted_ms:
        return float("nan")
    index = min(len(sorted_ms) - 1, max(0, round(p / 100 * len(sorted_ms) + 0.5) - 1))
    return sorted_ms[index]


def summary(label: str, result: dict) -> tuple[list[str], dict]:
    """The scenario's lines: the measured window's requests (those that ended in it), their
    rate and latency, overall and per page; failures and refusals over the whole run."""
    t0, t_end = result["t0"], result["t_end"]
    if t0 is None or t_end is None:
        return [f"{label}: did not start (sign-ins: {result['failures'][:3]})"], {"errors": 1}
    window = t_end - t0
    samples = result["samples"]
    inside = [s for s in samples if s[1] <= t_end]
    failures = sum(1 for s in samples if s[3] == "fail")
    refused = sum(1 for s in samples if s[3] == "refused")
    answered = sorted(s[2] for s in inside)
    rps = len(inside) / window if window > 0 else 0.0
    head = (
        f"{label}: {result['users']} users, {window:.1f} s, {len(inside):,} requests, "
        f"{rps:.1f} req/s, failures {failures}"
        + (f", refused (stale version, 409) {refused}" if "same" in result["scenario"] else "")
    )
    lines = [
        head,
        f"    all requests        p50 {percentile(answered, 50):7.1f} ms  "
        f"p95 {percentile(answered, 95):7.1f} ms  p99 {percentile(answered, 99):7.1f} ms",
    ]
    by_name = defaultdict(list)
    for s in inside:
        by_name[s[0]].append(s[2])
    for name in sorted(by_name):
        ms = sorted(by_name[name])
        lines.append(
            f"    {name:<18}  p50 {percentile(ms, 50):7.1f} ms  p95 {percentile(ms, 95):7.1f} ms"
            f"  p99 {percentile(ms, 99):7.1f} ms  ({len(ms):,} requests, "
            f"{len(ms) / window:.1f}/s)"
        )
    if result.get("web_cpu_s") is not None and inside:
        lines.append(
            f"    CPU per request: gunicorn {result['web_cpu_s'] * 1000 / len(inside):.1f} ms "
            f"(master and workers, /proc), locust {result['locust_cpu_s'] * 1000 / len(inside):.1f}"
            f" ms; load average {os.getloadavg()[0]:.1f}"
        )
    for line in result["failures"][:5]:
        lines.append(f"    failure: {line}")
    if result.get("still_running"):
        lines.append(f"    {result['still_running']} users still in a request at the end")
        failures += result["still_running"]
    return lines, {"rps": rps, "errors": failures}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--measure", type=float, default=30, help="seconds measured per scenario")
    parser.add_argument(
        "--only", default="a,a0,b,c", help="scenarios: a, a0 (no session write), b, c"
    )
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--anchor-commit",
        default=ANCHOR_COMMIT,
        help="the commit whose code serves the anchor run of scenario a ('' to skip)",
    )
    parser.add_argument(
        "--reuse", action="store_true", help="use the database --keep left (no fresh demo city)"
    )
    args = parser.parse_args()
    wanted = set(args.only.split(","))
    if args.measure + 20 > RUN_LIMIT_S:
        parser.error(f"--measure leaves no time to sign in within {RUN_LIMIT_S} s")

    clock = time.perf_counter()
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()  # its own database: cached pages of older runs go
    if not (args.reuse and database_exists(DATABASE_URL)):
        build_database()
    setup_django()
    conf = gunicorn_conf()
    print(
        f"load on the production stack: gunicorn (deploy/gunicorn.conf.py: {conf['workers']} "
        f"workers x {conf['threads']} threads, {worker_class(conf)} workers), "
        f"DEBUG off, PostgreSQL, Redis cache, a Celery worker (tasks not eager); demo city; "
        f"loopback; load average {os.getloadavg()[0]:.1f}; set up in "
        f"{time.perf_counter() - clock:.0f} s",
        flush=True,
    )
    status = 0
    with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp:
        workdir = Path(tmp)
        try:
            status = _scenarios(wanted, args.measure, workdir, args.anchor_commit)
        finally:
            if not args.keep:
                from django.db import connections

                connections.close_all()
                drop_database(DATABASE_URL)
    print(f"whole script: {time.perf_counter() - clock:.0f} s")
    return status


def _leaders(label: str, stack: Stack, leaders: list[dict], measure: float, workdir: Path):
    try:
        result = run_locust(stack, "leaders", leaders, measure, workdir)
    finally:
        stack.stop()
    return summary(label, result)


def _scenarios(wanted: set[str], measure: float, workdir: Path, anchor: str) -> int:
    status = 0
    leaders = leader_accounts()
    if "a" in wanted and anchor:
        # the anchor: the same load on the code of a commit before the render cache, the
        # persistent connections and gunicorn's threads (its own settings and gunicorn.conf.py)
        with tempfile.TemporaryDirectory(prefix="bench-load-anchor-") as tree:
            if code_at(anchor, Path(tree)):
                before, _figures = _leaders(
                    f"a, anchor: the same at commit {anchor} (no render cache, a connection a "
                    "request, 1 thread)",
                    Stack(workdir, root=Path(tree), worker=False),
                    leaders,
                    measure,
                    workdir,
                )
                print("\n".join(before), flush=True)
                anchor_rps = _figures["rps"]
            else:
                anchor_rps = None
    rps = {}
    for key, label, extra in (
        ("a", "a) 50 leaders reading", None),
        ("a0", "a') the same, SESSION_SAVE_EVERY_REQUEST off", _session_settings(workdir)),
    ):
        if key not in wanted:
            continue
        lines, figures = _leaders(label, Stack(workdir, extra), leaders, measure, workdir)
        rps[key] = figures["rps"]
        if key == "a":
            verdict = "ok" if figures["rps"] >= RPS_TARGET and not figures["errors"] else "MISSED"
            lines[0] += f"  (target >= {RPS_TARGET} req/s, 0 errors: {verdict})"
            if anchor and anchor_rps:
                lines[0] += f"; ratio to the anchor {figures['rps'] / anchor_rps:.2f}"
        elif rps.get("a"):
            lines[0] += f"  (ratio to a: {figures['rps'] / rps['a']:.2f})"
        status |= bool(figures["errors"])
        print("\n".join(lines), flush=True)
    for key, label, same in (("b", "b) 20 officials, own forms", False),
                             ("c", "c) 20 officials, the same form", True)):  # fmt: skip
        if key not in wanted:
            continue
        accounts = official_accounts(same_form=same)
        before = form_versions(accounts)
        stack = Stack(workdir)
        try:
            result = run_locust(
                stack, "same_form" if same else "own_forms", accounts, measure, workdir
            )
        finally:
            stack.stop()
        lines, figures = summary(label, result)
        checks = verify_saves(accounts, before, result["accepted"])
        lost = any(line.endswith("LOST UPDATE") for line in checks)
        lines[0] += f"  (target: 0 errors{', 0 lost updates' if same else ''}: " + (
            "ok)" if not figures["errors"] and not lost else "MISSED)"
        )
        lines.append(f"    accepted saves {len(result['accepted'])}; checked in the database:")
        lines.extend(checks)
        status |= bool(figures["errors"]) or lost
        print("\n".join(lines), flush=True)
    return int(status)


def code_at(commit: str, tree: Path) -> bool:
    """The tree of `commit` in `tree`, with its static files collected (False, and a line
    saying why, when the checkout has no such commit)."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", commit], capture_output=True, check=False
    )
    if archive.returncode:
        print(f"a, anchor: commit {commit} not available ({archive.stderr.decode().strip()})")
        return False
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive.stdout, check=True)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"],
        cwd=tree,
        env=_env(),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return True


def _session_settings(workdir: Path) -> dict[str, str]:
    """A settings module for the run that keeps the project's and turns off the session write
    on every request (the idle timeout's sliding expiry): what that write costs."""
    (workdir / "bench_load_settings.py").write_text(
        "from scorecard.settings import *  # noqa: F403\n\nSESSION_SAVE_EVERY_REQUEST = False\n",
        encoding="utf-8",
    )
    return {
        "DJANGO_SETTINGS_MODULE": "bench_load_settings",
        "PYTHONPATH": os.pathsep.join([str(workdir), str(ROOT)]),
    }


if __name__ == "__main__":
    sys.exit(main())
