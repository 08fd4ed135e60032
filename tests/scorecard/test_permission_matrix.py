"""The permission matrix: every URL pattern of the project, found by walking the URL resolver,
requested by GET and by POST as each role, and the outcome compared with a declared policy.

- The roles: anonymous, county A's reporter, a department reporter (市财政局), a reviewer, a
  leader and an admin; and county A's reporter again on county B's objects (a submission, a
  task, an attachment, a county code, a target row) wherever a pattern takes one.
- POLICY says, per URL name, who may read (GET) and who may change (POST). A pattern without
  an entry fails the test (`test_every_url_pattern_has_a_policy`), so a new page cannot go
  unreviewed; the admin site's patterns are declared per registered model and per view.
- A role the policy allows must not be refused (no 401/403/404/405, no redirect to a login);
  a role it does not allow must be: 403 or 404, 405 for a method the view does not accept, a
  redirect to a login page, or (the API) 401. Anonymous users are only ever sent to log in,
  or given 401/403 by the API, except on the few public pages.
- Invariants besides the table: no response is a 500; a leader's POST changes no data table
  (an md5 of every row, as in tests/scorecard/test_bad_input.py) except on the leader's own
  account and inbox and on raising a supervision task, which leaders do by design; and no
  page given to county A's reporter or to the department reporter carries county B's
  unpublished text (matrix_world.SECRET).

The outcome is never read from one response to judge another: each case's expectation comes
from POLICY alone. Each request runs in a savepoint of the module's world that is rolled back,
so an allowed POST (a publish, a delete) does not change what the next case sees.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.resolvers import RegexPattern, RoutePattern
from rest_framework.throttling import SimpleRateThrottle

from rankings.models import BonusItem, CountyResult, IndicatorResult, ProgressResult
from targets.models import Target
from tests.scorecard.matrix_world import SECRET, matrix_world_in_transaction, world_for_a_test
from tests.scorecard.test_bad_input import checksum

pytestmark = pytest.mark.django_db

# ------------------------------------------------------------------------------ roles

ANON = "anon"
REPORTER = "reporter"  # county A's reporter on county A's objects (or on objects of no county)
REPORTER_ON_B = "reporter@B"  # the same user on county B's objects
DEPARTMENT = "department"
REVIEWER = "reviewer"
LEADER = "leader"
ADMIN = "admin"
ROLES = (ANON, REPORTER, REPORTER_ON_B, DEPARTMENT, REVIEWER, LEADER, ADMIN)
USER_OF = {
    REPORTER: "reporter_a",
    REPORTER_ON_B: "reporter_a",
    DEPARTMENT: "department",
    REVIEWER: "reviewer",
    LEADER: "leader",
    ADMIN: "admin",
}


def roles(*names: str) -> frozenset[str]:
    return frozenset(names)


NOBODY = roles()
SIGNED_IN = roles(REPORTER, REPORTER_ON_B, DEPARTMENT, REVIEWER, LEADER, ADMIN)
EVERYONE = SIGNED_IN | {ANON}
CITY = roles(REVIEWER, LEADER, ADMIN)
REVIEWERS = roles(REVIEWER, ADMIN)
ADMINS = roles(ADMIN)
OWN_COUNTY = roles(REPORTER)  # county A's reporter on county A's objects, not on B's
COUNTY_AND_CITY = OWN_COUNTY | CITY
READS_ISSUED = roles(REPORTER, REPORTER_ON_B, DEPARTMENT)  # county users: published things

# ------------------------------------------------------------------------------ the policy

SAME_AS_GET = "same as GET"  # a read view that ignores the method: POST reads as GET does


@dataclass(frozen=True)
class Policy:
    """Who may GET and who may POST. `None`: the view does not accept the method (405 for a
    signed-in user). `post=SAME_AS_GET`: a read view that answers POST as it answers GET."""

    get: frozenset[str] | None
    post: frozenset[str] | str | None = None
    api: bool = False  # the DRF API: anonymous gets 401, not a redirect
    # a status an allowed role may get besides a page or a redirect (the admin's 404 for a
    # page that does not exist)
    ok: frozenset[int] = frozenset()

    def allowed(self, method: str) -> frozenset[str] | None:
        if method == "GET":
            return self.get
        if self.post == SAME_AS_GET:
            return self.get
        assert not isinstance(self.post, str)
        return self.post


def read(who: frozenset[str]) -> Policy:
    """A page or download answered on GET only (require_GET)."""
    return Policy(get=who, post=None)


def page(who: frozenset[str]) -> Policy:
    """A read page that answers any method alike (no require_GET)."""
    return Policy(get=who, post=SAME_AS_GET)


def form(get: frozenset[str] | None, post: frozenset[str], **kw: Any) -> Policy:
    return Policy(get=get, post=post, **kw)


def action(who: frozenset[str], **kw: Any) -> Policy:
    """A POST-only action (require_POST)."""
    return Policy(get=None, post=who, **kw)


API_READ = Policy(get=SIGNED_IN, post=None, api=True)

POLICY: dict[str, Policy] = {
    # counties: entry, review, uploads, department entry, the month's import
    "home": page(SIGNED_IN),
    "completeness": page(CITY),
    "review_queue": page(REVIEWERS),
    "submission_history": page(COUNTY_AND_CITY),
    "submission_approve": action(REVIEWERS),
    "submission_return": action(REVIEWERS),
    "submission_reopen": action(REVIEWERS),
    "submission_form": form(COUNTY_AND_CITY, OWN_COUNTY),
    "submission_template": read(COUNTY_AND_CITY),
    "submission_upload": form(OWN_COUNTY, OWN_COUNTY),
    "period_import": form(REVIEWERS, REVIEWERS),
    "period_template": read(CITY),
    "department_home": read(CITY | {DEPARTMENT}),
    "department_grid": form(CITY | {DEPARTMENT}, roles(DEPARTMENT)),
    "department_template": read(CITY | {DEPARTMENT}),
    "department_upload": action(roles(DEPARTMENT)),
    # rule sets (admins) and their API (city staff read, admins write)
    "ruleset_list": page(ADMINS),
    "ruleset_clone": action(ADMINS),
    "ruleset_import": action(ADMINS),
    "ruleset_editor": form(ADMINS, ADMINS),
    "ruleset_new_version": action(ADMINS),
    "ruleset_delete": action(ADMINS),
    "ruleset_export": page(ADMINS),
    "ruleset_preview": action(ADMINS),
    "api_rulesets": Policy(get=CITY, post=ADMINS, api=True),
    "api_ruleset": Policy(get=CITY, post=None, api=True),
    # rankings: published ones are every county's, so every signed-in user reads every page
    # and every county's profile
    "league": page(SIGNED_IN),
    "league_publish": action(REVIEWERS),
    "heatmap": page(SIGNED_IN),
    "warning_board": page(SIGNED_IN),
    "year_results": page(SIGNED_IN),
    "category_table": page(SIGNED_IN),
    "city_overview": page(SIGNED_IN),
    "county_profile": page(SIGNED_IN),
    "county_plan_xlsx": page(SIGNED_IN),
    "profile_export": read(SIGNED_IN),
    "ranking_export": read(SIGNED_IN),
    "bonus_list": page(SIGNED_IN),
    "bonus_add": action(REVIEWERS),
    "bonus_history": page(SIGNED_IN),
    "bonus_cancel": action(REVIEWERS),
    # the item was added after October's published ranking: county users do not see it yet
    "bonus_document": page(CITY),
    "bonus_document_version": page(CITY),
    "stability": form(CITY, REVIEWERS),
    "stability_detail": page(CITY),
    "stability_status": page(CITY),
    # targets: every role reads the published version (a reporter its own county's rows),
    # editors change them
    "target_list": read(SIGNED_IN),
    "target_start": action(REVIEWERS),
    "target_grid": form(SIGNED_IN, REVIEWERS),
    "target_new_version": action(REVIEWERS),
    "target_publish": action(REVIEWERS),
    "target_delete": action(REVIEWERS),
    "targets_export": read(SIGNED_IN),
    "targets_import": form(REVIEWERS, REVIEWERS),
    # bulletins (the draft one: county users read issued bulletins only)
    "bulletin_list": read(SIGNED_IN),
    "bulletin_create": action(REVIEWERS),
    "bulletin_detail": read(CITY),
    "bulletin_edit": action(REVIEWERS),
    "bulletin_redraft": action(REVIEWERS),
    "bulletin_issue": action(REVIEWERS),
    "bulletin_docx": read(CITY),
    "bulletin_pdf": read(CITY),
    # supervision tasks: city staff raise them (leaders too), the county answers its own,
    # reviewers return or close them
    "task_list": read(SIGNED_IN),
    "task_new": form(CITY, CITY),
    "task_detail": read(COUNTY_AND_CITY),
    "task_answer": action(OWN_COUNTY),
    "task_review": action(REVIEWERS),
    "task_attachment": read(COUNTY_AND_CITY),
    # the user's own inbox, tokens and account
    "inbox": read(SIGNED_IN),
    "inbox_read": action(SIGNED_IN),
    "inbox_settings": form(SIGNED_IN, SIGNED_IN),
    "api_tokens": read(SIGNED_IN),
    "api_token_create": action(SIGNED_IN),
    "api_token_revoke": action(SIGNED_IN),
    "account": form(SIGNED_IN, SIGNED_IN),
    # the read-only API: reference lists for every role; runs, results, targets and
    # bulletins as api.access allows (the objects asked for are unpublished or a draft)
    # the schema and its documentation page are public (SPECTACULAR_SETTINGS'
    # SERVE_PERMISSIONS, tests/api/test_schema.py): they describe the API, not its data
    "api_schema": Policy(get=EVERYONE, post=None, api=True),
    "api_docs": Policy(get=EVERYONE, post=None, api=True),
    "api-county-list": API_READ,
    "api-county-detail": API_READ,
    "api-indicator-list": API_READ,
    "api-indicator-detail": API_READ,
    "api-period-list": API_READ,
    "api-period-detail": API_READ,
    "api-run-list": API_READ,
    "api-run-detail": Policy(get=CITY, api=True),
    "api-result-list": API_READ,
    "api-result-detail": Policy(get=CITY, api=True),
    "api-indicator-result-list": API_READ,
    "api-indicator-result-detail": Policy(get=CITY, api=True),
    "api-progress-list": API_READ,
    "api-progress-detail": Policy(get=CITY, api=True),
    "api-target-list": API_READ,
    "api-target-detail": Policy(get=COUNTY_AND_CITY, api=True),
    "api-bulletin-list": API_READ,
    "api-bulletin-detail": Policy(get=CITY, api=True),
    # public: signing in and out, the language switch, the admin's own login page
    "login": form(EVERYONE, EVERYONE),
    # signing out ends on the login page: that redirect is the success here
    "logout": action(EVERYONE, ok=frozenset({302})),
    "set_language": form(EVERYONE, EVERYONE),
}

# The admin site: superusers only (everyone else is sent to the admin's login page). Each
# registered model is listed, so that registering a new one asks for a look at this table.
# What an admin may not do with each model in the admin site (each is refused with a 403):
# "add", "change" (a POST of the change page; reading it stays open), "delete", "revert" (a
# POST of a simple_history version). Submissions, values, runs and bonus items are changed
# through the app's own pages only; the first rule set is the published one, which is frozen;
# categories and indicators are kept (PROTECT), never deleted.
FROZEN = frozenset({"add", "change", "delete", "revert"})
ADMIN_MODELS: dict[str, frozenset[str]] = {
    "auth_group": frozenset(),
    "auth_user": frozenset(),
    "axes_accessattempt": frozenset({"add"}),
    "axes_accesslog": frozenset({"add"}),
    "axes_accessfailurelog": frozenset({"add"}),
    "indicators_category": frozenset({"delete"}),
    "indicators_department": frozenset(),
    "indicators_indicator": frozenset({"delete"}),
    "indicators_ruleset": frozenset({"change", "delete", "revert"}),
    "indicators_rulesetcategory": frozenset({"change", "delete", "revert"}),
    "indicators_rulesetindicator": frozenset({"change", "delete", "revert"}),
    "counties_submission": FROZEN,
    "counties_submissionvalue": FROZEN,
    "counties_county": frozenset(),
    "counties_countymembership": frozenset(),
    "counties_departmentmembership": frozenset(),
    "counties_exemption": frozenset(),  # the world's is a draft's: open to change
    "counties_period": frozenset(),
    "rankings_rankingrun": frozenset({"add", "change", "delete"}),
    "rankings_bonusitem": FROZEN,
    "rankings_veto": frozenset(),
    "rankings_stabilityjob": frozenset({"add", "change"}),
    "api_apitoken": frozenset({"add", "change"}),
}


def admin_view_policy(view: str, refused_to_admin: frozenset[str]) -> Policy | None:
    def unless(what: str) -> frozenset[str]:
        return NOBODY if what in refused_to_admin else ADMINS

    return {
        "changelist": form(ADMINS, ADMINS),
        "add": form(unless("add"), unless("add")),
        "change": form(ADMINS, unless("change")),
        "delete": form(unless("delete"), unless("delete")),
        "history": page(ADMINS),
        "simple_history": form(ADMINS, unless("revert")),
        "redirect": page(ADMINS),  # admin/<model>/<id>/ -> the change page
        "password_change": form(ADMINS, ADMINS),  # a user's password, set by an admin
    }.get(view)


ADMIN_SITE = {
    "admin:index": page(ADMINS),
    # a signed-in admin is sent on to the index, and signing out ends on the login page
    "admin:login": form(EVERYONE, EVERYONE, ok=frozenset({302})),
    "admin:logout": action(ADMINS, ok=frozenset({302})),
    "admin:password_change": form(ADMINS, ADMINS),
    "admin:password_change_done": read(ADMINS),
    "admin:autocomplete": read(ADMINS),
    "admin:jsi18n": read(ADMINS),
    # no model of the project has a page of its own (get_absolute_url): 404 for every object
    "admin:view_on_site": Policy(get=ADMINS, post=SAME_AS_GET, ok=frozenset({404})),
    "admin:app_list": page(ADMINS),
    "admin:catch_all": Policy(get=ADMINS, post=SAME_AS_GET, ok=frozenset({404})),
}

# Leaders read and change nothing; what they may change is their own (password, tokens,
# inbox, language, session) and the supervision tasks they assign.
LEADER_MAY_CHANGE = {
    "task_new",
    "inbox_read",
    "inbox_settings",
    "api_token_create",
    "api_token_revoke",
    "account",
    "set_language",
    "login",
    "logout",
}


# ------------------------------------------------------------------------------ the patterns


@dataclass
class Pattern:
    key: str  # the URL name (namespace:name), or for an unnamed one what it is
    parts: list  # the URLPattern/URLResolver patterns from the root, in order
    params: list[str] = field(default_factory=list)


def _admin_key(name: str | None, route: str) -> str:
    """admin:<app>_<model>_<view> -> "admin:<model>:<view>"; the unnamed redirect and
    simple_history's pages get their own kind."""
    if name and name.startswith("admin:"):
        bare = name.removeprefix("admin:")
        for model in ADMIN_MODELS:
            if bare.startswith(model + "_"):
                return f"admin:{model}:{bare.removeprefix(model + '_')}"
        if bare == "None" or bare in ("app_list",):
            pass
        else:
            return name
    if route.endswith("(?P<url>.*)$"):
        return "admin:catch_all"
    if "app_label" in route:
        return "admin:app_list"
    for model in ADMIN_MODELS:
        app, _sep, model_name = model.partition("_")
        if f"admin/{app}/{model_name}/" in route:
            return f"admin:{model}:redirect"
    return name or route


def policy_of(key: str) -> Policy | None:
    if key.startswith("admin:"):
        if key in ADMIN_SITE:
            return ADMIN_SITE[key]
        _admin, model, view = key.split(":")
        if model in ADMIN_MODELS:
            return admin_view_policy(view, ADMIN_MODELS[model])
        return None
    return POLICY.get(key)


def walk(patterns=None, parents=(), namespace=None) -> Iterator[Pattern]:
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            yield from walk(entry.url_patterns, (*parents, entry.pattern), ns)
        else:
            assert isinstance(entry, URLPattern)
            parts = [*parents, entry.pattern]
            route = "".join(str(p) for p in parts)
            name = f"{namespace}:{entry.name}" if namespace else entry.name
            key = _admin_key(name, route) if namespace == "admin" else (name or route)
            params = []
            for part in parts:
                if isinstance(part, RoutePattern):
                    params += re.findall(r"<(?:\w+:)?(\w+)>", str(part))
                else:
                    params += re.findall(r"\(\?P<(\w+)>", str(part))
            yield Pattern(key=key, parts=parts, params=params)


PATTERNS = list(walk())


def build_url(pattern: Pattern, values: dict[str, Any], positional: list[Any]) -> str:
    """The pattern's URL with its parameters filled in."""
    pieces = []
    queue = list(positional)
    for part in pattern.parts:
        text = str(part)
        if isinstance(part, RoutePattern):
            text = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), text)
        else:
            assert isinstance(part, RegexPattern)
            text = text.removeprefix("^").removesuffix("$")
            text = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: str(values[m.group(1)]), text)
            text = re.sub(r"\([^)]*\)", lambda m: str(queue.pop(0)), text)
        pieces.append(text)
    return "/" + "".join(pieces)


# ------------------------------------------------------------------------------ the world


@pytest.fixture(scope="module")
def built_world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The world, built once inside a transaction rolled back at the end; every request runs
    in a savepoint of it that is rolled back too."""
    media = tmp_path_factory.mktemp("matrix-media")
    with matrix_world_in_transaction(django_db_blocker, media) as world:
        yield world


@pytest.fixture
def world(built_world, db, settings, monkeypatch):
    # the matrix sends a few thousand requests from one address in a minute
    rates = {"anon": "100000/minute", "user": "100000/minute"}
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", rates)
    return world_for_a_test(built_world, settings, monkeypatch)


@dataclass
class Fill:
    """A pattern's parameters for county A's objects, and for county B's where it names a
    county (None where it does not)."""

    own: tuple[dict, list, str]  # values, positional groups, query string
    other: tuple[dict, list, str] | None = None


def _first_pk(model) -> Any:
    return model._default_manager.order_by("pk").values_list("pk", flat=True).first()


def fill(pattern: Pattern, w: dict) -> Fill:
    """Objects of the world for each parameter of the pattern."""
    key = pattern.key
    a, b = w["counties"]["369901"], w["counties"]["369902"]
    month = {"year": 2026, "month": 11}

    def both(own: dict, other: dict, query: str = "", other_query: str = "") -> Fill:
        return Fill((own, [], query), (other, [], other_query or query))

    if key.startswith("submission_") and "pk" in pattern.params:
        return both({"pk": w["submission_a"].pk}, {"pk": w["submission_b"].pk})
    if key.startswith("submission_"):
        return both({"code": a.code, **month}, {"code": b.code, **month})
    if key.startswith(("period_", "department_")):
        return Fill(({"pk": w["finance"].pk, **month}, [], ""))
    if key.startswith("ruleset_"):
        return Fill(({"pk": w["ruleset_draft"].pk}, [], ""))
    if key == "api_ruleset":
        return Fill(({"pk": w["ruleset"].pk}, [], ""))
    if key == "league_publish":
        return Fill(({"run_id": w["run_october_current"].pk}, [], ""))
    if key in ("county_profile", "county_plan_xlsx", "profile_export"):
        return both({"code": a.code, "fmt": "xlsx"}, {"code": b.code, "fmt": "xlsx"})
    if key == "ranking_export":
        return Fill(({"what": "league", "fmt": "xlsx"}, [], ""))
    if key.startswith("bonus_document_version"):
        history = BonusItem.history.filter(id=w["bonus"].pk).first()
        return Fill(({"history_id": history.history_id}, [], ""))
    if key.startswith("bonus_"):
        return Fill(({"pk": w["bonus"].pk}, [], ""))
    if key.startswith("stability_"):
        return Fill(({"pk": w["job"].pk}, [], ""))
    if key.startswith("target"):
        return Fill(({"year": 2026}, [], ""))
    if key.startswith("bulletin_"):
        return Fill(({"pk": w["bulletin_draft"].pk}, [], ""))
    if key == "task_attachment":
        return both({"pk": w["attachment_a"].pk}, {"pk": w["attachment_b"].pk})
    if key == "task_new":
        query = "?county={}&period=2026-09"
        return Fill(({}, [], query.format(a.code)))
    if key.startswith("task_"):
        return both({"pk": w["task_a"].pk}, {"pk": w["task_b"].pk})
    if key == "api-county-detail":
        return both({"code": a.code}, {"code": b.code})
    if key == "api-indicator-detail":
        return Fill(({"code": "gdp"}, [], ""))
    if key == "api-period-detail":
        return Fill(({"key": "2026-10"}, [], ""))
    if key == "api-run-detail":
        return Fill(({"pk": w["run_october_current"].pk}, [], ""))
    current = {"run": w["run_october_current"]}
    if key == "api-result-detail":
        rows = CountyResult.objects.filter(**current)
        return both({"pk": rows.get(county=a).pk}, {"pk": rows.get(county=b).pk})
    if key == "api-indicator-result-detail":
        rows = IndicatorResult.objects.filter(**current, indicator=w["gdp"])
        return both({"pk": rows.get(county=a).pk}, {"pk": rows.get(county=b).pk})
    if key == "api-progress-detail":
        rows = ProgressResult.objects.filter(**current, indicator=w["gdp"])
        return both({"pk": rows.get(county=a).pk}, {"pk": rows.get(county=b).pk})
    if key == "api-target-detail":
        rows = Target.objects.filter(target_set=w["targets_v1"], indicator=w["gdp"])
        return both({"pk": rows.get(county=a).pk}, {"pk": rows.get(county=b).pk})
    if key == "api-bulletin-detail":
        return Fill(({"pk": w["bulletin_draft"].pk}, [], ""))
    if key.startswith("admin:"):
        return _admin_fill(key, w)
    assert not pattern.params, f"{key}: no values for {pattern.params}"
    return Fill(({}, [], ""))


def _admin_model(model_key: str):
    for model in admin.site._registry:
        if f"{model._meta.app_label}_{model._meta.model_name}" == model_key:
            return model
    raise AssertionError(f"no admin model {model_key}")


def _admin_fill(key: str, w: dict) -> Fill:
    if key == "admin:view_on_site":
        county = w["counties"]["369901"]
        ct = ContentType.objects.get_for_model(county)
        return Fill(({"content_type_id": ct.pk, "object_id": county.pk}, [], ""))
    if key == "admin:app_list":
        return Fill(({"app_label": "counties"}, [], ""))
    if key == "admin:catch_all":
        return Fill(({"url": "nowhere/"}, [], ""))
    if key == "admin:auth_user:password_change":
        return Fill(({"id": w["users"]["leader"].pk}, [], ""))
    if key == "admin:autocomplete":
        query = "?app_label=counties&model_name=submission&field_name=county&term=东"
        return Fill(({}, [], query))
    if key.count(":") != 2:
        return Fill(({}, [], ""))
    _admin, model_key, view = key.split(":")
    model = _admin_model(model_key)
    pk = _first_pk(model)
    if view == "simple_history":
        # the object's own history (a historical row's pk is its history_id, not the object's)
        rows = model.history.filter(**{model._meta.pk.attname: pk})
        history_id = rows.values_list("history_id", flat=True).first()
        assert history_id is not None, f"{model_key}: the world's object has no history"
        return Fill(({}, [pk, history_id], ""))
    return Fill(({"object_id": pk}, [], ""))


# ------------------------------------------------------------------------------ judging

LOGIN_PAGES = ("/accounts/login/", "/admin/login/")


def _is_login_redirect(response) -> bool:
    """To a login page; or, from the admin's logout, to the admin's index, which sends
    whoever is not staff to its login page."""
    if response.status_code != 302:
        return False
    location = response["Location"]
    return location.startswith(LOGIN_PAGES) or location == "/admin/"


def refused(response, policy: Policy, role: str) -> bool:
    status = response.status_code
    if role == ANON:
        if _is_login_redirect(response) or (policy.api and status in (401, 403)):
            return True
        # a public page's other method
        public = any(ANON in (policy.allowed(m) or ()) for m in ("GET", "POST"))
        return public and status == 405
    return status in (403, 404, 405) or _is_login_redirect(response)


def admitted(response, policy: Policy) -> bool:
    status = response.status_code
    if status in policy.ok:
        return True
    return status < 500 and status not in (401, 403, 404, 405) and not _is_login_redirect(response)


# What a POST carries, where the view checks the body before it asks who the user is (an
# empty reason is refused before the role is): enough for the question of access to be
# reached. Values may be callables of the world.
POST_DATA: dict[str, dict[str, Any]] = {
    "bonus_add": {"period": "2026-10"},
    "submission_form": {"version": lambda w: str(w["submission_a"].version), "action": "save"},
    "submission_return": {"reason": "请核实"},
    "submission_reopen": {"reason": "请核实"},
    "task_new": {"county": "369901", "period": "2026-09"},
    "ruleset_clone": {"source": lambda w: str(w["ruleset"].pk), "year": "2027"},
}


def post_data(key: str, w: dict) -> dict[str, str]:
    return {k: v(w) if callable(v) else v for k, v in POST_DATA.get(key, {}).items()}


# Requests after which the client's session or language is not the role's any more.
SESSION_ENDERS = {"logout", "admin:logout", "set_language", "account", "login", "admin:login"}


@dataclass
class Outcome:
    key: str
    role: str
    method: str
    url: str
    status: int
    problem: str = ""


# One handler for every client: its middleware is loaded once (WhiteNoise's start-up scans
# the static files, a tenth of a second a client).
HANDLER = Client().handler


def _client(w: dict, role: str) -> Client:
    client = Client(raise_request_exception=False)
    client.handler = HANDLER
    if role != ANON:
        client.force_login(w["users"][USER_OF[role]])
    return client


def cases_of(pattern: Pattern, w: dict) -> list[tuple[str, str, str]]:
    """(role, method, url) for every request of the pattern."""
    filled = fill(pattern, w)
    out = []
    for role in ROLES:
        if role == REPORTER_ON_B:
            if filled.other is None:
                continue
            values, positional, query = filled.other
        else:
            values, positional, query = filled.own
        url = build_url(pattern, values, positional) + query
        for method in ("GET", "POST"):
            out.append((role, method, url))
    return out


def run_case(
    client: Client, w: dict, pattern: Pattern, role: str, method: str, url: str
) -> Outcome:
    policy = policy_of(pattern.key)
    assert policy is not None
    leader_post = role == LEADER and method == "POST"
    with transaction.atomic():
        before = checksum() if leader_post else None
        if method == "GET":
            response = client.get(url)
        else:
            response = client.post(url, post_data(pattern.key, w))
        after = checksum() if leader_post else None
        transaction.set_rollback(True)
    outcome = Outcome(pattern.key, role, method, url, response.status_code)
    allowed = policy.allowed(method)
    problems = []
    if response.status_code >= 500:
        exc = getattr(response, "exc_info", None)
        problems.append(f"server error {exc[1]!r}" if exc else "server error")
    elif allowed is not None and role in allowed:
        if not admitted(response, policy):
            problems.append("refused a role the policy allows")
    elif not refused(response, policy, role):
        problems.append("served a role the policy does not allow")
    if leader_post and pattern.key not in LEADER_MAY_CHANGE and before != after:
        changed = sorted(t for t in before if before[t] != after.get(t))
        problems.append(f"a leader's POST changed {changed}")
    if role in (REPORTER, REPORTER_ON_B, DEPARTMENT) and response.status_code == 200:
        body = b"" if response.streaming else response.content
        if SECRET.encode() in body or SECRET.encode("unicode_escape") in body:
            problems.append("county B's unpublished text shown")
    outcome.problem = "; ".join(problems)
    return outcome


def run_pattern(pattern: Pattern, w: dict) -> list[Outcome]:
    clients: dict[str, Client] = {}
    outcomes = []
    for role, method, url in cases_of(pattern, w):
        if role not in clients:
            clients[role] = _client(w, role)
        outcomes.append(run_case(clients[role], w, pattern, role, method, url))
        if pattern.key in SESSION_ENDERS:
            clients.pop(role)
    return outcomes


# ------------------------------------------------------------------------------ the tests

TRIED: list[Outcome] = []


def test_every_url_pattern_has_a_policy():
    missing = sorted({p.key for p in PATTERNS if policy_of(p.key) is None})
    assert not missing, f"URL patterns without an entry in POLICY: {missing}"
    # and no entry outlives its pattern
    keys = {p.key for p in PATTERNS}
    stale = sorted(set(POLICY) - keys) + sorted(set(ADMIN_SITE) - keys)
    assert not stale, f"POLICY entries without a URL pattern: {stale}"


def test_the_patterns_resolve_as_built(world):
    """Each URL the matrix builds resolves to the pattern it was built from."""
    for pattern in PATTERNS:
        filled = fill(pattern, world)
        for variant in (filled.own, filled.other):
            if variant is None:
                continue
            values, positional, _query = variant
            url = build_url(pattern, values, positional)
            match = resolve(url)
            assert match.route == "".join(str(p) for p in pattern.parts) or (
                pattern.key.startswith("admin:")
            ), (pattern.key, url, match.route)


@pytest.mark.parametrize("pattern", PATTERNS, ids=[p.key for p in PATTERNS])
def test_the_matrix(world, pattern: Pattern):
    outcomes = run_pattern(pattern, world)
    TRIED.extend(outcomes)
    bad = [o for o in outcomes if o.problem]
    assert outcomes
    assert not bad, "\n".join(
        f"{o.role} {o.method} {o.url} -> {o.status}: {o.problem}" for o in bad
    )


def test_the_matrix_was_large_and_says_how_large(world, capsys):
    """Runs last in the module (pytest keeps file order): how many cases the matrix tried,
    printed in make test's output."""
    planned = sum(len(cases_of(p, world)) for p in PATTERNS)
    with capsys.disabled():
        print(
            f"\npermission matrix: {len(PATTERNS)} URL patterns, {planned} cases planned, "
            f"{len(TRIED)} tried"
        )
    assert planned >= 2000
    if {o.key for o in TRIED} == {p.key for p in PATTERNS}:  # every pattern ran (no -k)
        assert len(TRIED) == planned


# ------------------------------------------------------------------------------ leaks


def test_county_bs_secret_is_on_the_pages_that_may_show_it(world):
    """The leak check above can fail: the text it looks for is on county B's pages for the
    city's reviewer and for B's own reporter."""
    reviewer = _client(world, REVIEWER)
    for url in (
        f"/tasks/{world['task_b'].pk}/",
        f"/submissions/{world['counties']['369902'].code}/2026-11/",
    ):
        response = reviewer.get(url)
        assert response.status_code == 200
        assert SECRET in response.content.decode()
    own = Client()
    own.handler = HANDLER
    own.force_login(world["users"]["reporter_b"])
    assert SECRET in own.get(f"/tasks/{world['task_b'].pk}/").content.decode()


def _b_retail_target(w: dict) -> Target:
    return Target.objects.get(
        target_set=w["targets_v1"], county=w["counties"]["369902"], indicator=w["retail"]
    )


TARGET_PAGES = [
    pytest.param("/rankings/county/369902/", id="profile"),
    pytest.param("/rankings/export/warnings.csv", id="warnings export"),
    pytest.param("/api/progress/?county=369902&indicator=retail", id="api progress"),
]


def _target_texts(w: dict) -> set[str]:
    """County B's retail target as the pages and exports write it: 130.00 亿元, 130.0000."""
    value = _b_retail_target(w).value
    return {f"{value:.2f}", f"{value:.4f}"}


def _about_b_retail(w: dict, text: str, url: str) -> str:
    """The part of a page about B's retail figures: the export's lines of B and retail (the
    zone's GDP of 130 is on other lines of it); other pages are about B's retail only."""
    if not url.endswith(".csv"):
        return text
    b, retail = w["counties"]["369902"], w["retail"]
    return "\n".join(
        line for line in text.splitlines() if b.display_name in line and retail.display_name in line
    )


@pytest.mark.parametrize("url", TARGET_PAGES)
def test_the_target_check_would_see_it(world, url):
    """The city's reviewer reads B's target on each page: the check below can fail."""
    text = _about_b_retail(world, _client(world, REVIEWER).get(url).content.decode(), url)
    assert any(shown in text for shown in _target_texts(world))


@pytest.mark.parametrize("url", TARGET_PAGES)
def test_county_a_does_not_read_county_bs_targets(world, url):
    """Published progress keeps other counties' target figures to their own users
    (targets.access.TARGET_FIGURES): profile, warnings export, API."""
    page = _client(world, REPORTER).get(url)
    text = _about_b_retail(world, page.content.decode(), url)
    assert page.status_code in (200, 404)
    leaked = [shown for shown in _target_texts(world) if shown in text]
    assert not leaked, f"county B's target {leaked} shown to county A's reporter"
