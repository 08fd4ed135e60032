# ruff: noqa: E501  (the corpus is a table: one case a line)
"""Bad input: a corpus of malformed requests on every form, upload, import, API and query
string. Each case is refused with a clear message (a 400 page, a form error, a JSON error, a
403, 404 or 409, or a page that reads the odd value as "not given"), never a server error, and
the data tables (counties_*, indicators_*, rankings_*, targets_* and their history tables) are
exactly as they were: an md5 over every row of each table is compared before and after.

A case is (name, role, method, url, payload, statuses, message). `url` and `payload` may be
callables of the test world (the ids and codes they need). Redirects are followed, so a message
flashed on the page redirected to counts; the status compared is the first response's.
"""

from __future__ import annotations

import html
import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.utils import timezone

from counties.access import Role
from indicators import services as rule_services
from indicators.editor import RuleSetEditor
from indicators.selectors import ruleset_as_json
from rankings import services as ranking_services
from rankings import tasks
from rankings.models import BonusItem, StabilityJob
from tests.factories import (
    CategoryFactory,
    CountyFactory,
    IndicatorFactory,
    MembershipFactory,
    PeriodFactory,
    RuleSetCategoryFactory,
    RuleSetFactory,
    RuleSetIndicatorFactory,
    SubmissionFactory,
    SubmissionValueFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

D = Decimal
PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
DATA_TABLES = ("counties_", "indicators_", "rankings_", "targets_", "supervision_")

# ------------------------------------------------------------------------------ the world

# county code -> (gdp value, gdp prior, air value, air prior) for September and October
FIGURES = {
    "369901": ("110", "100", "85", "84"),
    "369902": ("105", "100", "90", "88"),
    "369921": ("102", "100", "80", "81"),
}


@pytest.fixture(scope="module")
def built_world(django_db_setup, django_db_blocker):
    """The world, built once for the module inside a transaction that is rolled back at the
    end; each case runs in a savepoint of it (the `db` fixture's), so it starts from the same
    rows."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield _build_world()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def world(built_world, db, settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setattr(tasks.recompute, "apply_async", lambda *a, **kw: None)
    monkeypatch.setattr(tasks.stability_run, "apply_async", lambda *a, **kw: None)
    return built_world


def _build_world() -> dict:
    """A small city: three ranked counties, two indicators, a published 2026 rule set and a
    draft new version of it, September and October approved and ranked, November open (county
    369901 has sent nothing, 369902 has submitted), a bonus item and a stability analysis."""
    counties = {
        "369901": CountyFactory(code="369901", name="东城区", display_order=1),
        "369902": CountyFactory(code="369902", name="西城区", display_order=2),
        "369921": CountyFactory(code="369921", name="北山县", kind="county", display_order=3),
    }
    users = {
        "reporter_a": UserFactory(username="reporter_a", roles=[Role.REPORTER]),
        "reporter_b": UserFactory(username="reporter_b", roles=[Role.REPORTER]),
        "reviewer": UserFactory(username="reviewer", roles=[Role.REVIEWER]),
        "leader": UserFactory(username="leader", roles=[Role.LEADER]),
        "admin": UserFactory(
            username="admin", is_staff=True, is_superuser=True, roles=[Role.ADMIN]
        ),
    }
    MembershipFactory(user=users["reporter_a"], county=counties["369901"])
    MembershipFactory(user=users["reporter_b"], county=counties["369902"])
    growth = CategoryFactory(code="growth", name="主要经济指标")
    gdp = IndicatorFactory(code="gdp", name="地区生产总值", category=growth, kind="flow")
    air = IndicatorFactory(
        code="air",
        name="空气质量优良天数比例",
        category=growth,
        kind="rate",
        unit="%",
        is_share=True,
        decimals=1,
    )
    published = RuleSetFactory(
        year=2026,
        version=1,
        name="2026年度县区经济发展考核办法",
        status="published",
        published_at=timezone.now(),
    )
    rc = RuleSetCategoryFactory(ruleset=published, category=growth, weight=D("100"))
    RuleSetIndicatorFactory(
        ruleset=published, indicator=gdp, category=rc, weight=D("60"), params={"step": 0.1}
    )
    RuleSetIndicatorFactory(
        ruleset=published,
        indicator=air,
        category=rc,
        weight=D("40"),
        basis="value",
        method="goalposts",
        params={"lower": 60, "upper": 100},
    )
    draft = rule_services.ruleset_new_version(source=published, user=users["admin"])
    september = PeriodFactory(year=2026, month=9)
    october = PeriodFactory(year=2026, month=10)
    november = PeriodFactory(year=2026, month=11)
    now = timezone.now()
    submissions = {}
    for period in (september, october):
        for code, (g, gp, a, ap) in FIGURES.items():
            submission = SubmissionFactory(
                county=counties[code],
                period=period,
                status="approved",
                submitted_at=now,
                reviewed_at=now,
            )
            SubmissionValueFactory(
                submission=submission, indicator=gdp, value=D(g), prior_value=D(gp)
            )
            SubmissionValueFactory(
                submission=submission, indicator=air, value=D(a), prior_value=D(ap)
            )
            submissions[(code, period.month)] = submission
    submitted = SubmissionFactory(
        county=counties["369902"], period=november, status="submitted", submitted_at=now
    )
    SubmissionValueFactory(
        submission=submitted, indicator=gdp, value=D("120"), prior_value=D("110")
    )
    for period in (september, october):
        ranking_services.ranking_recompute(period=period, trigger="command")
    bonus = BonusItem.objects.create(
        county=counties["369901"], period=october, points=D("1"), reason="招商引资突出"
    )
    job = StabilityJob.objects.create(
        ruleset=published, period=october, samples=50, spread=D("0.2"), seed=1
    )
    # an analysis of the draft: a draft that something refers to cannot simply be deleted
    StabilityJob.objects.create(ruleset=draft, period=october, samples=50, spread=D("0.2"), seed=2)
    # September published, its bulletin drafted, and a supervision task for 369901
    from rankings.models import RankingRun
    from supervision import services as supervision_services

    september_run = RankingRun.objects.get(period=september, is_current=True)
    ranking_services.ranking_publish(run=september_run, user=users["reviewer"])
    bulletin = supervision_services.bulletin_draft(period=september, user=users["reviewer"])
    task = supervision_services.task_raise(
        draft=supervision_services.TaskDraft(
            county=counties["369901"],
            period=september,
            source="manual",
            indicators=[gdp],
            title="东城区GDP整改",
            requirement="按月报告。",
            responsible_unit="东城区",
            responsible_person="王伟",
            deadline=timezone.localdate() + timezone.timedelta(days=30),
        ),
        user=users["leader"],
    )
    return {
        "users": users,
        "counties": counties,
        "published": published,
        "draft": draft,
        "november": november,
        "approved": submissions[("369901", 10)],
        "submitted": submitted,
        "bonus": bonus,
        "job": job,
        "gdp": gdp,
        "bulletin": bulletin,
        "task": task,
    }


# ------------------------------------------------------------------------------ helpers


def checksum(prefixes: tuple[str, ...] = DATA_TABLES) -> dict[str, str]:
    """md5 of every row of every table whose name starts with one of `prefixes` (by default the
    data tables, history tables included), by table."""
    out = {}
    with connection.cursor() as cursor:
        tables = sorted(
            t for t in connection.introspection.table_names(cursor) if t.startswith(prefixes)
        )
        for table in tables:
            cursor.execute(
                "SELECT md5(coalesce(string_agg(r::text, chr(10) ORDER BY r::text), '')) "
                f"FROM {connection.ops.quote_name(table)} r"
            )
            out[table] = cursor.fetchone()[0]
    return out


def entry_url(code: str = "369901", key: str = "2026-11") -> str:
    return f"/submissions/{code}/{key}/"


def upload_url(code: str = "369901", key: str = "2026-11") -> str:
    return f"/submissions/{code}/{key}/upload/"


def entry(**fields: str) -> dict[str, str]:
    """The monthly form of county 369901 for November, with some fields changed."""
    data = {
        "version": "0",
        "action": "save",
        "value_gdp": "120",
        "prior_gdp": "110",
        "note_gdp": "",
        "value_air": "86",
        "prior_air": "85",
        "note_air": "",
    }
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


def csv_file(
    *rows: str, name: str = "figures.csv", header: str = "指标代码,本年累计,上年同期,说明"
):
    text = "\n".join([header, *rows]) + "\n"
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def raw_file(content: bytes, name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def xlsx_file(
    *rows: tuple,
    county: str = "369901",
    period: str = "2026-11",
    name: str = "figures.xlsx",
    formula: bool = False,
) -> SimpleUploadedFile:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["行政区划代码", county])
    ws.append(["期别代码", period])
    ws.append([])
    ws.append(["指标代码", "指标名称", "计量单位", "本年累计", "上年同期", "说明"])
    for row in rows:
        ws.append(list(row))
    if formula:
        ws.append(["air", "空气质量优良天数比例", "%", "=80+6", 85, ""])
    buffer = io.BytesIO()
    wb.save(buffer)
    return raw_file(buffer.getvalue(), name)


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def upload(file: Any) -> Callable[[dict], dict]:
    """An upload post; the file is built per test (a file object is read once)."""
    return lambda w: {"file": file() if callable(file) else file}


def rules(w: dict, **changes: Any) -> dict:
    """The published rule set's JSON as a new year's import (2027, no version in use), with
    top-level fields changed."""
    data = json.loads(ruleset_as_json(w["published"]))
    data.update(year=2027, version=1, name="2027年度县区经济发展考核办法")
    data.update(changes)
    return data


def rules_with(w: dict, path: str, value: Any) -> dict:
    """The 2027 import with one nested field set: path like "indicators.0.weight"."""
    data = rules(w)
    *parents, last = path.split(".")
    node: Any = data
    for key in parents:
        node = node[int(key)] if isinstance(node, list) else node[key]
    if isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value
    return data


def raw_json(text: str) -> Callable[[dict], bytes]:
    return lambda w: text.encode("utf-8")


def import_file(content: bytes | Callable[[dict], bytes], name: str = "rules.json"):
    return lambda w: {
        "file": raw_file(content(w) if callable(content) else content, name),
    }


def import_rules(build: Callable[[dict], Any]):
    return import_file(lambda w: json.dumps(build(w)).encode("utf-8"))


def import_text(text: str):
    return import_file(text.encode("utf-8"))


def editor_form(**changes: str) -> Callable[[dict], dict]:
    """The draft's editor form as the browser posts it, with some fields changed."""

    def build(w: dict) -> dict:
        editor = RuleSetEditor(w["draft"])
        data: dict[str, str] = {}
        for form in editor.forms():
            for bound in form:
                value = bound.value()
                if getattr(bound.field.widget, "input_type", None) == "checkbox":
                    if value:
                        data[bound.html_name] = "on"
                    continue
                if isinstance(value, dict | list):
                    value = json.dumps(value)
                data[bound.html_name] = "" if value is None else str(value)
        data["action"] = "save"
        data.update(changes)
        return data

    return build


def bonus_form(**fields: Any) -> Callable[[dict], dict]:
    def build(w: dict) -> dict:
        data: dict[str, Any] = {
            "period": "2026-10",
            "county": str(w["counties"]["369902"].pk),
            "points": "2",
            "reason": "招商引资突出",
            "document": SimpleUploadedFile("通报.pdf", PDF, content_type="application/pdf"),
        }
        data.update(fields)
        return {k: v for k, v in data.items() if v is not None}

    return build


def stability_form(**fields: str) -> Callable[[dict], dict]:
    def build(w: dict) -> dict:
        data = {
            "ruleset": str(w["published"].pk),
            "period": str(w["approved"].period_id),
            "spread_percent": "20",
            "samples": "100",
            "seed": "0",
        }
        data.update(fields)
        return {k: v for k, v in data.items() if v is not None}

    return build


def admin_indicator(**changes: str) -> Callable[[dict], dict]:
    """The admin's change form of indicator gdp, with some fields changed."""

    def build(w: dict) -> dict:
        ind = w["gdp"]
        names = ("code", "name", "name_en", "unit", "kind", "direction", "decimals")
        data = {name: str(getattr(ind, name)) for name in names}
        data.update(
            category=str(ind.category_id),
            department=str(ind.department_id or ""),
            description=ind.description,
            display_order=str(ind.display_order),
            is_active="on",
            _save="保存",
        )
        data.update(changes)
        return data

    return build


# ------------------------------------------------------------------------------ the corpus


@dataclass(frozen=True)
class Case:
    name: str
    role: str  # a key of world["users"], or "anon"
    method: str  # get, post, delete, json-<verb>, raw-<verb>[-text|-multipart]
    url: str | Callable[[dict], str]
    payload: Any  # dict, bytes, a JSON-able value, or a callable of the world
    status: frozenset[int]
    message: str  # a fragment of what the user is told (page, form error, JSON, header)
    xfail: str = ""  # a known bug in a file this corpus's author may not change


def C(name, role, method, url, payload=None, status=(400,), *, message: str, xfail="") -> Case:
    assert message, f"{name}: a case says what the user is told"
    return Case(name, role, method, url, payload, frozenset(status), message, xfail)


LONG = "长" * 5000
NOT_FOUND = "找不到您要的页面或数据"  # the 404 page
FORBIDDEN = "没有权限"  # the 403 page
HUGE_INT = 10**400
DEEP = "[" * 100_000 + "]" * 100_000

# fmt: off
ENTRY = [
    C("entry: value in Chinese numerals", "reporter_a", "post", entry_url(), entry(value_gdp="三百"), message="不是有效的数字"),
    C("entry: value in exponent notation", "reporter_a", "post", entry_url(), entry(value_gdp="1e5"), message="不是有效的数字"),
    C("entry: value of 10**400", "reporter_a", "post", entry_url(), entry(value_gdp=str(HUGE_INT)), message="过大"),
    C("entry: value 1e999999999", "reporter_a", "post", entry_url(), entry(value_gdp="1e999999999"), message="不是有效的数字"),
    C("entry: NaN", "reporter_a", "post", entry_url(), entry(value_gdp="NaN"), message="不是有效的数字"),
    C("entry: Infinity", "reporter_a", "post", entry_url(), entry(prior_gdp="Infinity"), message="不是有效的数字"),
    C("entry: negative", "reporter_a", "post", entry_url(), entry(value_gdp="-5"), message="不能为负数"),
    C("entry: share over 100", "reporter_a", "post", entry_url(), entry(value_air="100.5"), message="0 到 100"),
    C("entry: too many decimals", "reporter_a", "post", entry_url(), entry(value_gdp="120.123456789"), message="最多保留"),
    C("entry: a hundred thousand digits", "reporter_a", "post", entry_url(), entry(value_gdp="1" * 100_000), message="过大"),
    C("entry: stray separators", "reporter_a", "post", entry_url(), entry(value_gdp="1,2,3"), message="不是有效的数字"),
    C("entry: note over 500 characters", "reporter_a", "post", entry_url(), entry(note_gdp="说" * 501), message="不能超过 500 个字"),
    C("entry: note of 5000 characters on submit", "reporter_a", "post", entry_url(), entry(note_air=LONG, action="submit"), message="不能超过 500 个字"),
    C("entry: NUL in a note", "reporter_a", "post", entry_url(), entry(note_gdp="说明\x00"), message="控制字符"),
    C("entry: escape sequence in a value", "reporter_a", "post", entry_url(), entry(value_gdp="\x1b[31m1"), message="控制字符"),
    C("entry: no version", "reporter_a", "post", entry_url(), entry(version=None), message="缺少版本号"),
    C("entry: version not a number", "reporter_a", "post", entry_url(), entry(version="abc"), message="缺少版本号"),
    C("entry: version of fifty digits", "reporter_a", "post", entry_url(), entry(version="9" * 50), message="缺少版本号"),
    C("entry: negative version", "reporter_a", "post", entry_url(), entry(version="-1"), message="缺少版本号"),
    C("entry: superscript version", "reporter_a", "post", entry_url(), entry(version="²"), message="缺少版本号"),
    C("entry: unknown county", "reporter_a", "post", entry_url("999999"), entry(), status=(404,), message=NOT_FOUND),
    C("entry: county code of 5000 digits", "reporter_a", "post", entry_url("9" * 5000), entry(), status=(404,), message=NOT_FOUND),
    C("entry: month 13", "reporter_a", "post", entry_url(key="2026-13"), entry(), status=(404,), message=NOT_FOUND),
    C("entry: year of 30 digits", "reporter_a", "post", entry_url(key="9" * 30 + "-11"), entry(), status=(404,), message=NOT_FOUND),
    C("entry: another county's reporter", "reporter_b", "post", entry_url(), entry(), status=(404,), message=NOT_FOUND),
    C("entry: a leader posts figures", "leader", "post", entry_url(), entry(), status=(403,), message=FORBIDDEN),
    C("entry: 1001 fields", "reporter_a", "post", entry_url(), entry(**{f"x{n}": "1" for n in range(1001)}), message="请求的格式不正确"),
    C("entry: a body of 3 MB", "reporter_a", "post", entry_url(), entry(note_gdp="x" * 3 * 1024 * 1024), message="请求的格式不正确"),
    C("entry: JSON instead of a form", "reporter_a", "raw-post", entry_url(), raw_json('{"version": 0, "value_gdp": "1"}'), message="缺少版本号"),
    C("entry: a cut-off multipart body", "reporter_a", "raw-post-multipart", entry_url(), b'--xyz\r\nContent-Disposition: form-data; name="version"\r\n\r\n0\r\n--xyz\r\nContent-Disposition: form-data; name="value_gdp"\r\n\r\nabc', message="不是有效的数字"),
    C("entry: an approved month", "reporter_a", "post", entry_url(key="2026-10"), entry(version="1"), message="不能修改"),
]
# fmt: on

# fmt: off
REVIEW = [
    C("return: reason over 500 characters", "reviewer", "post", lambda w: f"/submissions/{w['submitted'].pk}/return/", {"reason": "因" * 501}, status=(302,), message="不能超过 500 个字"),
    C("return: empty reason", "reviewer", "post", lambda w: f"/submissions/{w['submitted'].pk}/return/", {"reason": "   "}, status=(302,), message="退回原因"),
    C("return: NUL in the reason", "reviewer", "post", lambda w: f"/submissions/{w['submitted'].pk}/return/", {"reason": "原因\x00"}, message="控制字符"),
    C("reopen: reason of 5000 characters", "reviewer", "post", lambda w: f"/submissions/{w['approved'].pk}/reopen/", {"reason": LONG}, status=(302,), message="不能超过 500 个字"),
    C("reopen: a submitted month", "reviewer", "post", lambda w: f"/submissions/{w['submitted'].pk}/reopen/", {"reason": "重新核实"}, status=(302,), message="不能进行此操作"),
    C("approve: by the county's reporter", "reporter_b", "post", lambda w: f"/submissions/{w['submitted'].pk}/approve/", {}, status=(403,), message=FORBIDDEN),
    C("approve: an id past the column", "reviewer", "post", f"/submissions/{2**70}/approve/", {}, status=(404,), message=NOT_FOUND),
    C("approve: by GET", "reviewer", "get", lambda w: f"/submissions/{w['submitted'].pk}/approve/", None, status=(405,), message="Allow: POST"),
    C("approve: already approved", "reviewer", "post", lambda w: f"/submissions/{w['approved'].pk}/approve/", {"confirm_warnings": "1"}, status=(302,), message="不能进行此操作"),
    C("history: an id past the column", "reviewer", "get", f"/submissions/{2**63}/history/", None, status=(404,), message=NOT_FOUND),
]
# fmt: on

GOOD_ROWS = ("gdp,120,110,", "air,86,85,")
# fmt: off
UPLOAD = [
    C("upload: no file", "reporter_a", "post", upload_url(), {}, message="请选择要上传的文件"),
    C("upload: CSV with a word for a number", "reporter_a", "post", upload_url(), upload(lambda: csv_file("gdp,很多,110,", "air,86,85,")), message="不是有效的数字"),
    C("upload: CSV with 10**400", "reporter_a", "post", upload_url(), upload(lambda: csv_file(f"gdp,{HUGE_INT},110,", "air,86,85,")), message="过大"),
    C("upload: CSV with NaN", "reporter_a", "post", upload_url(), upload(lambda: csv_file("gdp,NaN,110,", "air,86,85,")), message="不是有效的数字"),
    C("upload: CSV with inf", "reporter_a", "post", upload_url(), upload(lambda: csv_file("gdp,inf,110,", "air,86,85,")), message="不是有效的数字"),
    C("upload: CSV with a NUL in a note", "reporter_a", "post", upload_url(), upload(lambda: csv_file("gdp,120,110,说明\x00", "air,86,85,")), message="内容不是文本"),
    C("upload: CSV with a 5000-character note", "reporter_a", "post", upload_url(), upload(lambda: csv_file(f"gdp,120,110,{LONG}", "air,86,85,")), message="不能超过 500 个字"),
    C("upload: CSV with a negative value", "reporter_a", "post", upload_url(), upload(lambda: csv_file("gdp,-120,110,", "air,86,85,")), message="不能为负数"),
    C("upload: CSV with an unknown code", "reporter_a", "post", upload_url(), upload(lambda: csv_file("gdp,120,110,", "steel,5,4,")), message="不在本期填报范围内"),
    C("upload: CSV with a code twice", "reporter_a", "post", upload_url(), upload(lambda: csv_file("gdp,120,110,", "gdp,121,110,")), message="重复"),
    C("upload: CSV row without a code", "reporter_a", "post", upload_url(), upload(lambda: csv_file(",120,110,", "air,86,85,")), message="没有指标代码"),
    C("upload: CSV without a header", "reporter_a", "post", upload_url(), upload(lambda: csv_file("gdp,120,110,", header="a,b,c")), message="找不到表头行"),
    C("upload: CSV of another period", "reporter_a", "post", upload_url(), upload(lambda: csv_file(*GOOD_ROWS, header="期别代码,2026-10\n指标代码,本年累计,上年同期,说明")), message="不是本期"),
    C("upload: CSV of another county", "reporter_a", "post", upload_url(), upload(lambda: csv_file(*GOOD_ROWS, header="行政区划代码,369902\n指标代码,本年累计,上年同期,说明")), message="其他县区"),
    C("upload: CSV with an unclosed quote", "reporter_a", "post", upload_url(), upload(lambda: csv_file('gdp,"120,110,', "air,86,85,")), message="指标代码"),
    C("upload: empty CSV", "reporter_a", "post", upload_url(), upload(lambda: raw_file(b"", "figures.csv")), message="文件是空的"),
    C("upload: CSV of blanks", "reporter_a", "post", upload_url(), upload(lambda: raw_file(b" \n\n ", "figures.csv")), message="文件是空的"),
    C("upload: CSV in no known encoding", "reporter_a", "post", upload_url(), upload(lambda: raw_file(b"\xff\xff\xfe\x80\x81", "figures.csv")), message="编码"),
    C("upload: PDF named .csv", "reporter_a", "post", upload_url(), upload(lambda: raw_file(PDF, "figures.csv")), message="内容不是文本"),
    C("upload: text file", "reporter_a", "post", upload_url(), upload(lambda: raw_file(b"gdp,1", "figures.txt")), message="只能上传"),
    C("upload: no extension", "reporter_a", "post", upload_url(), upload(lambda: raw_file(b"gdp,1", "figures")), message="只能上传"),
    C("upload: xlsx that is not a zip", "reporter_a", "post", upload_url(), upload(lambda: raw_file(b"gdp,120,110", "figures.xlsx")), message="内容不是 Excel 工作簿"),
    C("upload: a zip that is no workbook", "reporter_a", "post", upload_url(), upload(lambda: raw_file(zip_bytes({"a.txt": b"x"}), "figures.xlsx")), message="不是 Excel 工作簿（.xlsx）"),
    C("upload: a cut-off zip", "reporter_a", "post", upload_url(), upload(lambda: raw_file(b"PK\x03\x04" + b"\x00" * 40, "figures.xlsx")), message="文件已损坏"),
    C("upload: old .xls", "reporter_a", "post", upload_url(), upload(lambda: raw_file(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "figures.xls")), message="只能上传"),
    C("upload: OLE named .xlsx", "reporter_a", "post", upload_url(), upload(lambda: raw_file(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "figures.xlsx")), message="旧版 .xls"),
    C("upload: workbook with a word for a number", "reporter_a", "post", upload_url(), upload(lambda: xlsx_file(("gdp", "", "", "很多", 110, ""), ("air", "", "", 86, 85, ""))), message="不是有效的数字"),
    C("upload: workbook with 10**400 as text", "reporter_a", "post", upload_url(), upload(lambda: xlsx_file(("gdp", "", "", str(HUGE_INT), 110, ""), ("air", "", "", 86, 85, ""))), message="过大"),
    C("upload: workbook with a date for a number", "reporter_a", "post", upload_url(), upload(lambda: xlsx_file(("gdp", "", "", timezone.datetime(2026, 11, 1), 110, ""), ("air", "", "", 86, 85, ""))), message="日期"),
    C("upload: workbook with a 5000-character note", "reporter_a", "post", upload_url(), upload(lambda: xlsx_file(("gdp", "", "", 120, 110, LONG), ("air", "", "", 86, 85, ""))), message="不能超过 500 个字"),
    C("upload: workbook of another period", "reporter_a", "post", upload_url(), upload(lambda: xlsx_file(("gdp", "", "", 120, 110, ""), period="2026-10")), message="不是本期"),
    C("upload: workbook of another county", "reporter_a", "post", upload_url(), upload(lambda: xlsx_file(("gdp", "", "", 120, 110, ""), county="369902")), message="其他县区"),
    C("upload: workbook with a formula and no result", "reporter_a", "post", upload_url(), upload(lambda: xlsx_file(("gdp", "", "", 120, 110, ""), formula=True)), message="是公式"),
    C("upload: over 2 MB", "reporter_a", "post", upload_url(), upload(lambda: raw_file(b"gdp,1\n" * 400_000, "figures.csv")), message="文件超过 2 MB 的上限"),
    C("upload: a multipart body without its end", "reporter_a", "raw-post-multipart", upload_url(), b'--xyz\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\ngdp,1', message="请选择要上传的文件"),
    C("upload: template of month 13", "reporter_a", "get", "/submissions/369901/2026-13/template.xlsx", None, status=(404,), message=NOT_FOUND),
    C("upload: the city's template for a reporter", "reporter_a", "get", "/periods/2026-11/template.xlsx", None, status=(403,), message=FORBIDDEN),
    C("upload: another county's reporter", "reporter_b", "post", upload_url(), upload(lambda: csv_file(*GOOD_ROWS)), status=(404,), message=NOT_FOUND),
    C("upload: a leader", "leader", "post", upload_url(), upload(lambda: csv_file(*GOOD_ROWS)), status=(403,), message=FORBIDDEN),
    C("upload: month 0", "reporter_a", "post", upload_url(key="2026-0"), upload(lambda: csv_file(*GOOD_ROWS)), status=(404,), message=NOT_FOUND),
]
# fmt: on

# fmt: off
RULE_PAGES = [
    C("clone: superscript year", "admin", "post", "/rules/clone/", lambda w: {"source": str(w["published"].pk), "year": "²⁰²⁷"}, status=(302,), message="请填写考核年度"),
    C("clone: year 9*1000", "admin", "post", "/rules/clone/", lambda w: {"source": str(w["published"].pk), "year": "9" * 1000}, status=(302,), message="请填写考核年度"),
    C("clone: year 1995", "admin", "post", "/rules/clone/", lambda w: {"source": str(w["published"].pk), "year": "1995"}, status=(302,), message="2000 到 2100"),
    C("clone: source abc", "admin", "post", "/rules/clone/", {"source": "abc", "year": "2027"}, status=(404,), message=NOT_FOUND),
    C("clone: by a leader", "leader", "post", "/rules/clone/", lambda w: {"source": str(w["published"].pk), "year": "2027"}, status=(403,), message=FORBIDDEN),
    C("new version of a draft", "admin", "post", lambda w: f"/rules/{w['draft'].pk}/new-version/", {}, status=(302,), message="无需新建版本"),
    C("delete a published rule set", "admin", "post", lambda w: f"/rules/{w['published'].pk}/delete/", {}, status=(302,), message="已发布"),
    C("import: no file", "admin", "post", "/rules/import/", {}, status=(302,), message="请选择要导入的 JSON 文件"),
    C("import: not JSON", "admin", "post", "/rules/import/", import_text("{year: 2027"), status=(302,), message="不是有效的 JSON"),
    C("import: not UTF-8", "admin", "post", "/rules/import/", import_file("{}".encode("utf-16")), status=(302,), message="不是 UTF-8"),
    C("import: over 2 MB", "admin", "post", "/rules/import/", import_file(b" " * (2 * 1024 * 1024 + 1)), status=(302,), message="文件过大"),
    C("import: nested 100,000 deep", "admin", "post", "/rules/import/", import_text(DEEP), status=(302,), message="嵌套过深"),
    C("import: a list", "admin", "post", "/rules/import/", import_text("[1, 2]"), status=(302,), message="须是一个 JSON 对象"),
    C("import: a string", "admin", "post", "/rules/import/", import_text('"rules"'), status=(302,), message="须是一个 JSON 对象"),
    C("import: version 2**40", "admin", "post", "/rules/import/", import_rules(lambda w: rules(w, version=2**40)), status=(302,), message="版本号"),
    C("import: version -1", "admin", "post", "/rules/import/", import_rules(lambda w: rules(w, version=-1)), status=(302,), message="版本号"),
    C("import: version 0", "admin", "post", "/rules/import/", import_rules(lambda w: rules(w, version=0)), status=(302,), message="版本号"),
    C("import: weight 10**400", "admin", "post", "/rules/import/", import_rules(lambda w: rules_with(w, "indicators.0.weight", HUGE_INT)), status=(302,), message="“地区生产总值”：weight：数值 1.000000e+400 过大"),
    C("import: total weight 1e400", "admin", "post", "/rules/import/", import_text('{"format": "scorecard-rules/1", "year": 2027, "total": {"weight": 1e400}, "categories": [], "indicators": []}'), status=(302,), message="必须是数字"),
    C("import: NaN weight", "admin", "post", "/rules/import/", import_text('{"format": "scorecard-rules/1", "year": 2027, "total": {"weight": NaN}, "categories": [], "indicators": []}'), status=(302,), message="必须是数字"),
    C("import: year as text", "admin", "post", "/rules/import/", import_rules(lambda w: rules(w, year="2027")), status=(302,), message="必须是整数"),
    C("import: year 10**400", "admin", "post", "/rules/import/", import_rules(lambda w: rules(w, year=HUGE_INT)), status=(302,), message="year：数值"),
    C("import: name of 5000 characters", "admin", "post", "/rules/import/", import_rules(lambda w: rules(w, name=LONG)), status=(302,), message="name：文字过长"),
    C("import: unknown field", "admin", "post", "/rules/import/", import_rules(lambda w: rules(w, colour="red")), status=(302,), message="不认识的字段"),
    C("import: unknown indicator", "admin", "post", "/rules/import/", import_rules(lambda w: rules_with(w, "indicators.0.code", "steel")), status=(302,), message="不在指标目录中"),
    C("import: no categories", "admin", "post", "/rules/import/", import_rules(lambda w: rules(w, categories=[])), status=(302,), message="categories：必须是非空的列表"),
    C("import: negative weight", "admin", "post", "/rules/import/", import_rules(lambda w: rules_with(w, "indicators.0.weight", -60)), status=(302,), message="必须大于 0"),
    C("import: step as text", "admin", "post", "/rules/import/", import_rules(lambda w: rules_with(w, "indicators.0.params", {"step": "0.1"})), status=(302,), message="必须是数字"),
    C("import: NUL in a JSON string", "admin", "post", "/rules/import/", import_text('{"name": "a\\u0000b"}'), status=(302,), message="控制字符"),
    C("import: NUL in the name", "admin", "post", "/rules/import/", import_rules(lambda w: rules(w, name="考核\x00办法")), status=(302,), message="控制字符"),
    C("import: escape sequence in a code", "admin", "post", "/rules/import/", import_rules(lambda w: rules_with(w, "indicators.0.code", "gdp\x1b[0m")), status=(302,), message="控制字符"),
    C("import: peer group name of 41 characters", "admin", "post", "/rules/import/", import_rules(lambda w: rules(w, peer_groups={"groups": {"组" * 41: ["369901"], "b": ["369902"]}})), status=(302,), message="分组名称"),
    C("import: nested 40 deep in the params", "admin", "post", "/rules/import/", import_rules(lambda w: rules_with(w, "indicators.0.params", {"step": json.loads("[" * 40 + "]" * 40)})), status=(302,), message="嵌套过深"),
    C("import: a text of 201 characters", "admin", "post", "/rules/import/", import_rules(lambda w: rules_with(w, "categories.0.name", "类" * 201)), status=(302,), message="文字过长"),
    C("import: a key of 201 characters", "admin", "post", "/rules/import/", import_rules(lambda w: rules(w, **{"k" * 201: 1})), status=(302,), message="字段名文字过长"),
    C("import: year 2**40", "admin", "post", "/rules/import/", import_rules(lambda w: rules(w, year=2**40)), status=(302,), message="2000 到 2100"),
    C("import: a lone surrogate in the name", "admin", "post", "/rules/import/", import_rules(lambda w: rules(w, name="考核\ud800")), status=(302,), message="无效的字符"),
    C("delete a draft with a stability analysis", "admin", "post", lambda w: f"/rules/{w['draft'].pk}/delete/", {}, status=(302,), message="不能删除"),
    C("import: by a reviewer", "reviewer", "post", "/rules/import/", import_rules(lambda w: rules(w)), status=(403,), message=FORBIDDEN),
]
# fmt: on

# fmt: off
EDITOR = [
    C("editor: weight 1e400", "admin", "post", lambda w: f"/rules/{w['draft'].pk}/", editor_form(**{"ind-gdp-weight": "1e400"}), status=(200,), message="不超过 9 个数字"),
    C("editor: weight of 401 digits", "admin", "post", lambda w: f"/rules/{w['draft'].pk}/", editor_form(**{"ind-gdp-weight": str(HUGE_INT)}), status=(200,), message="不超过 9 个数字"),
    C("editor: weight 1e999999999", "admin", "post", lambda w: f"/rules/{w['draft'].pk}/", editor_form(**{"ind-gdp-weight": "1e999999999"}), status=(200,), message="不超过 9 个数字"),
    C("editor: category weight 9e999999", "admin", "post", lambda w: f"/rules/{w['draft'].pk}/", editor_form(**{"cat-growth-weight": "9e999999"}), status=(200,), message="不超过 9 个数字"),
    C("editor: negative weight", "admin", "post", lambda w: f"/rules/{w['draft'].pk}/", editor_form(**{"ind-gdp-weight": "-60"}), status=(200,), message="确保该值大于或等于0"),
    C("editor: NaN weight", "admin", "post", lambda w: f"/rules/{w['draft'].pk}/", editor_form(**{"ind-gdp-weight": "NaN"}), status=(200,), message="权重（分）：输入一个数字"),
    C("editor: weight in words", "admin", "post", lambda w: f"/rules/{w['draft'].pk}/", editor_form(**{"ind-gdp-weight": "六十"}), status=(200,), message="权重（分）：输入一个数字"),
    C("editor: name of 5000 characters", "admin", "post", lambda w: f"/rules/{w['draft'].pk}/", editor_form(**{"rs-name": LONG}), status=(200,), message="不超过 120 字符"),
    C("editor: empty name", "admin", "post", lambda w: f"/rules/{w['draft'].pk}/", editor_form(**{"rs-name": "  "}), status=(200,), message="该字段是必填项"),
    C("editor: params not JSON", "admin", "post", lambda w: f"/rules/{w['draft'].pk}/", editor_form(**{"ind-gdp-params": "{step: 0.1"}), status=(200,), message="不是有效的 JSON"),
    C("editor: params nested 100,000 deep", "admin", "post", lambda w: f"/rules/{w['draft'].pk}/", editor_form(**{"ind-gdp-params": DEEP}), status=(200,), message="嵌套过深"),
    C("editor: params of 6000 characters", "admin", "post", lambda w: f"/rules/{w['draft'].pk}/", editor_form(**{"ind-gdp-params": '{"step": 0.1' + " " * 6000 + "}"}), status=(200,), message="JSON 过长"),
    C("editor: params a list", "admin", "post", lambda w: f"/rules/{w['draft'].pk}/", editor_form(**{"ind-gdp-params": "[0.1]"}), status=(200,), message="须是一个 JSON 对象"),
    C("editor: step 10**400", "admin", "post", lambda w: f"/rules/{w['draft'].pk}/", editor_form(**{"ind-gdp-params": f'{{"step": {HUGE_INT}}}'}), status=(200,), message="“地区生产总值”：params.step：数值 1.000000e+400 过大"),
    C("editor: step Infinity", "admin", "post", lambda w: f"/rules/{w['draft'].pk}/", editor_form(**{"ind-gdp-params": '{"step": Infinity}'}), status=(200,), message="“地区生产总值”：params.step：必须是数字（现为 inf）"),
    C("editor: period weights 10**400", "admin", "post", lambda w: f"/rules/{w['draft'].pk}/", editor_form(**{"rs-period_weights": f'{{"12": {HUGE_INT}}}'}), status=(200,), message="规则设置：period_weights.12：数值 1.000000e+400 过大"),
    C("editor: peer groups of numbers", "admin", "post", lambda w: f"/rules/{w['draft'].pk}/", editor_form(**{"rs-peer_groups": '{"groups": {"a": [1, 2]}}'}), status=(200,), message="peer_groups.groups.a：成员须是非空的文字"),
    C("editor: a NUL written as \\u0000 in the peer groups", "admin", "post", lambda w: f"/rules/{w['draft'].pk}/", editor_form(**{"rs-peer_groups": '{"groups": {"a\\u0000": ["district"]}}'}), status=(200,), message="控制字符"),
    C("editor: a lone surrogate in the params", "admin", "post", lambda w: f"/rules/{w['draft'].pk}/", editor_form(**{"ind-air-params": '{"lower": 60, "upper": 100, "log": "\\udfff"}'}), status=(200,), message="无效的字符"),
    C("editor: a peer group name of 41 characters", "admin", "post", lambda w: f"/rules/{w['draft'].pk}/", editor_form(**{"rs-peer_groups": '{"groups": {"%s": ["district"], "b": ["county"]}}' % ("组" * 41)}), status=(200,), message="分组名称"),
    C("editor: total decimals 99", "admin", "post", lambda w: f"/rules/{w['draft'].pk}/", editor_form(**{"rs-total_decimals": "99"}), status=(200,), message="确保该值小于或等于6"),
    C("editor: decimals of 5000 digits", "admin", "post", lambda w: f"/rules/{w['draft'].pk}/", editor_form(**{"ind-gdp-decimals": "9" * 5000}), status=(200,), message="计分依据小数位：输入整数"),
    C("editor: missing share 2", "admin", "post", lambda w: f"/rules/{w['draft'].pk}/", editor_form(**{"rs-missing_share_max": "2"}), status=(200,), message="确保该值小于或等于1"),
    C("editor: unknown method", "admin", "post", lambda w: f"/rules/{w['draft'].pk}/", editor_form(**{"ind-gdp-method": "magic"}), status=(200,), message="magic 不在可用的选项中"),
    C("editor: unknown denominator", "admin", "post", lambda w: f"/rules/{w['draft'].pk}/", editor_form(**{"ind-gdp-basis": "ratio", "ind-gdp-denominator": "steel"}), status=(200,), message="steel 不在可用的选项中"),
    C("editor: weights that do not add up", "admin", "post", lambda w: f"/rules/{w['draft'].pk}/", editor_form(**{"ind-gdp-weight": "50"}), status=(200,), message="少了 10 分"),
    C("editor: a published rule set", "admin", "post", lambda w: f"/rules/{w['published'].pk}/", editor_form(), status=(302,), message="已发布，不能修改"),
    C("editor: by a leader", "leader", "post", lambda w: f"/rules/{w['draft'].pk}/", editor_form(), status=(403,), message=FORBIDDEN),
    C("editor: id past the column", "admin", "get", f"/rules/{2**70}/", None, status=(404,), message=NOT_FOUND),
    C("preview: weight 1e999999999", "admin", "post", lambda w: f"/rules/{w['draft'].pk}/preview/", editor_form(**{"ind-gdp-weight": "1e999999999", "preview_period": "2026-10"}), status=(200,), message="不超过 9 个数字"),
    C("preview: period ²", "admin", "post", lambda w: f"/rules/{w['draft'].pk}/preview/", editor_form(**{"ind-gdp-weight": "50", "preview_period": "²"}), status=(200,), message="少了 10 分"),
]
# fmt: on

API = "/api/rulesets/"


def api_draft(w: dict) -> str:
    return f"{API}{w['draft'].pk}/"


# fmt: off
RULES_API = [
    C("api: body not JSON", "admin", "raw-post", API, raw_json("{year: 2027"), message="不是有效的 JSON（第 1 行第 2 列）"),
    C("api: body nested 100,000 deep", "admin", "raw-post", API, raw_json(DEEP), message="嵌套过深"),
    C("api: body not UTF-8", "admin", "raw-post", API, lambda w: '{"name": "考核"}'.encode("gb18030"), message="不是 UTF-8 编码"),
    C("api: body a list", "admin", "json-post", API, [1, 2], message="须是一个 JSON 对象"),
    C("api: body null", "admin", "json-post", API, None, message="须是一个 JSON 对象"),
    C("api: body NaN", "admin", "raw-post", API, raw_json('{"year": NaN}'), message="不能有 NaN 或 Infinity"),
    C("api: body Infinity", "admin", "raw-post", API, raw_json('{"year": 2027, "total": {"weight": Infinity}}'), message="不能有 NaN 或 Infinity"),
    C("api: weight 1e400", "admin", "raw-post", API, raw_json('{"format": "scorecard-rules/1", "year": 2027, "total": {"weight": 1e400}, "categories": [], "indicators": []}'), message="必须是数字"),
    C("api: version 2**40", "admin", "json-post", API, lambda w: rules(w, version=2**40), message="版本号"),
    C("api: version -1", "admin", "json-post", API, lambda w: rules(w, version=-1), message="版本号"),
    C("api: version as text", "admin", "json-post", API, lambda w: rules(w, version="2"), message="必须是整数"),
    C("api: weight 10**400", "admin", "json-post", API, lambda w: rules_with(w, "indicators.0.weight", HUGE_INT), message="“地区生产总值”：weight：数值 1.000000e+400 过大"),
    C("api: total weight 10**400", "admin", "json-post", API, lambda w: rules_with(w, "total.weight", HUGE_INT), message="规则设置：total.weight：数值"),
    C("api: improvement of 10**400 points", "admin", "json-post", API, lambda w: rules(w, improvement={"points_per_place": HUGE_INT}), message="improvement.points_per_place"),
    C("api: weight 10**12", "admin", "json-post", API, lambda w: rules(w, total={"weight": 10**12}, categories=[{**rules(w)["categories"][0], "weight": 10**12}], indicators=[{**rules(w)["indicators"][0], "weight": 10**12 - 40}, rules(w)["indicators"][1]]), message="超出可保存的精度"),
    C("api: weight as text", "admin", "json-post", API, lambda w: rules_with(w, "indicators.0.weight", "60"), message="必须是数字"),
    C("api: negative weight", "admin", "json-post", API, lambda w: rules_with(w, "indicators.0.weight", -60), message="必须大于 0"),
    C("api: weight true", "admin", "json-post", API, lambda w: rules_with(w, "indicators.0.weight", True), message="必须是数字"),
    C("api: no total", "admin", "json-post", API, lambda w: {k: v for k, v in rules(w).items() if k != "total"}, message="必须填写"),
    C("api: extra field", "admin", "json-post", API, lambda w: rules(w, owner="me"), message="不认识的字段"),
    C("api: indicators an object", "admin", "json-post", API, lambda w: rules(w, indicators={"gdp": 60}), message="indicators：必须是非空的列表"),
    C("api: a category a string", "admin", "json-post", API, lambda w: rules_with(w, "categories.0", "growth"), message="“categories[0]”：必须是 JSON 对象"),
    C("api: decimals 10**40", "admin", "json-post", API, lambda w: rules(w, indicator_decimals=10**40), message="indicator_decimals"),
    C("api: name of 5000 characters", "admin", "json-post", API, lambda w: rules(w, name=LONG), message="name：文字过长"),
    C("api: name a number", "admin", "json-post", API, lambda w: rules(w, name=5), message="name：必须是文字"),
    C("api: NUL in the name", "admin", "json-post", API, lambda w: rules(w, name="a\x00b"), message="控制字符"),
    C("api: code of 5000 characters", "admin", "json-post", API, lambda w: rules_with(w, "indicators.0.code", "g" * 5000), message="文字过长"),
    C("api: period weights month 13", "admin", "json-post", API, lambda w: rules(w, period_weights={"13": 10}), message="键须是月份"),
    C("api: text/plain body", "admin", "raw-post-text", API, raw_json("{}"), status=(415,), message="text/plain"),
    C("api: post by a leader", "leader", "json-post", API, lambda w: rules(w), status=(403,), message="权限"),
    C("api: put a published set", "admin", "json-put", lambda w: f"{API}{w['published'].pk}/", lambda w: rules(w), status=(409,), message="已发布"),
    C("api: put another version", "admin", "json-put", api_draft, lambda w: rules(w, year=2026, version=7), message="不能修改考核年度和版本号"),
    C("api: put version 2**40", "admin", "json-put", api_draft, lambda w: rules(w, year=2026, version=2**40), message="版本号"),
    C("api: patch null", "admin", "json-patch", api_draft, None, message="须是一个 JSON 对象"),
    C("api: patch tiers a string", "admin", "json-patch", api_draft, {"tiers": "x"}, message="tiers：必须是 JSON 对象"),
    C("api: patch tiers over 1", "admin", "json-patch", api_draft, {"tiers": {"leading": 0.8, "lagging": 0.8}}, message="leading 与 lagging 之和不能大于 1"),
    C("api: patch bonus cap 10**400", "admin", "json-patch", api_draft, {"bonus": {"bonus_cap": HUGE_INT, "penalty_cap": 1}}, message="bonus.bonus_cap"),
    C("api: patch missing share NaN-like string", "admin", "json-patch", api_draft, {"missing_share_max": "NaN"}, message="必须是数字"),
    C("api: delete a published set", "admin", "delete", lambda w: f"{API}{w['published'].pk}/", None, status=(409,), message="已发布"),
    C("api: id past the column", "admin", "get", f"{API}{2**70}/", None, status=(404,), message="没有编号为"),
    C("api: ?format=xml", "admin", "get", f"{API}?format=xml", None, status=(404,), message="未找到"),
    C("api: peer group name of 41 characters", "admin", "json-post", API, lambda w: rules(w, peer_groups={"groups": {"组" * 41: ["369901"], "b": ["369902"]}}), message="分组名称"),
    C("api: a list nested 40 deep", "admin", "json-post", API, lambda w: rules(w, period_weights={"12": json.loads("[" * 40 + "]" * 40)}), message="嵌套过深"),
    C("api: version 0", "admin", "json-post", API, lambda w: rules(w, version=0), message="版本号"),
    C("api: a code with a control character", "admin", "json-post", API, lambda w: rules_with(w, "categories.0.code", "growth\x7f"), message="控制字符"),
    C("api: patch name of 121 characters", "admin", "json-patch", api_draft, {"name": "名" * 121}, message="最多 120 个字"),
    C("api: patch a NUL name", "admin", "json-patch", api_draft, {"name": "\x00"}, message="控制字符"),
    C("api: patch peer group of numbers", "admin", "json-patch", api_draft, {"peer_groups": {"groups": {"a": [1]}}}, message="成员须是非空的文字"),
    C("api: a lone surrogate in a code", "admin", "raw-post", API, raw_json('{"name": "\\ud800", "year": 2027}'), message="无效的字符"),
    C("api: delete a draft with a stability analysis", "admin", "delete", api_draft, None, status=(409,), message="不能删除"),
    C("api: put a deep body", "admin", "raw-put", api_draft, raw_json(DEEP), message="嵌套过深"),
]
# fmt: on

LEAGUE_PAGES = ("/rankings/", "/rankings/heatmap/", "/rankings/categories/", "/rankings/city/")
# fmt: off
QUERY = [
    *[C(f"{page} ?period=²", "leader", "get", page + "?period=²", None, status=(200,), message="2026年1-10月") for page in LEAGUE_PAGES],
    *[C(f"{page} ?period=2026-13", "leader", "get", page + "?period=2026-13", None, status=(404,), message=NOT_FOUND) for page in LEAGUE_PAGES],
    C("league ?period=1e9", "leader", "get", "/rankings/?period=1e9", None, status=(200,), message="2026年1-10月"),
    C("league ?period=9*1000", "leader", "get", "/rankings/?period=" + "9" * 1000, None, status=(200,), message="2026年1-10月"),
    C("league ?period repeated", "leader", "get", "/rankings/?period=2026-09&period=abc", None, status=(200,), message="2026年1-10月"),
    C("league ?period in full-width digits", "leader", "get", "/rankings/?period=２０２６-０９", None, status=(200,), message="2026年1-10月"),
    C("league ?period in Arabic-Indic digits", "leader", "get", "/rankings/?period=٢٠٢٦-٠٩", None, status=(200,), message="2026年1-10月"),
    C("league ?period=9999-99", "leader", "get", "/rankings/?period=9999-99", None, status=(404,), message=NOT_FOUND),
    C("league ?period of 100,000 characters", "leader", "get", "/rankings/?period=" + "x" * 100_000, None, status=(200,), message="2026年1-10月"),
    C("league ?period with NUL", "leader", "get", "/rankings/?period=2026-10%00", None, message="控制字符"),
    C("league ?sort=<junk>", "leader", "get", "/rankings/?sort=" + "-" * 500 + "&dir=sideways", None, status=(200,), message="2026年1-10月"),
    C("categories ?category of 5000 characters", "leader", "get", "/rankings/categories/?category=" + "c" * 5000, None, status=(200,), message="主要经济指标"),
    C("profile ?year=9*1000", "leader", "get", "/rankings/county/369901/?year=" + "9" * 1000, None, status=(200,), message="东城区"),
    C("profile ?year=²⁰²⁶", "leader", "get", "/rankings/county/369901/?year=²⁰²⁶", None, status=(200,), message="东城区"),
    C("profile ?period=2026-²", "leader", "get", "/rankings/county/369901/?period=2026-²", None, status=(200,), message="东城区"),
    C("profile ?period=2026-99", "leader", "get", "/rankings/county/369901/?period=2026-99", None, status=(200,), message="东城区"),
    C("profile ?indicator of 5000 characters", "leader", "get", "/rankings/county/369901/?indicator=" + "i" * 5000, None, status=(200,), message="东城区"),
    C("profile ?indicator=<script>", "leader", "get", "/rankings/county/369901/?indicator=<script>", None, status=(200,), message="东城区"),
    C("profile of a county code of 5000 digits", "leader", "get", "/rankings/county/" + "9" * 5000 + "/", None, status=(404,), message=NOT_FOUND),
    C("bonus ?period=2026-13", "reviewer", "get", "/rankings/bonus/?period=2026-13", None, status=(404,), message=NOT_FOUND),
    C("bonus ?period=²", "reviewer", "get", "/rankings/bonus/?period=²", None, status=(200,), message="加减分"),
    C("bonus history ?period=0000-00", "reviewer", "get", "/rankings/bonus/history/?period=0000-00", None, status=(404,), message=NOT_FOUND),
    C("completeness ?year=9*1000", "leader", "get", "/completeness/?year=" + "9" * 1000, None, status=(200,), message="东城区"),
    C("completeness ?year=abc&year=2026&month=13", "leader", "get", "/completeness/?year=abc&year=2026&month=13", None, status=(200,), message="东城区"),
    C("stability ?id=abc", "leader", "get", "/rankings/stability/?id=abc&period=²", None, status=(200,), message="排名稳定性"),
    C("review queue ?page=1e9", "reviewer", "get", "/review/?page=1e9&id=-1", None, status=(200,), message="待审核"),
    C("completeness ?year=-1", "leader", "get", "/completeness/?year=-1", None, status=(200,), message="东城区"),
    C("stability detail of an id past the column", "leader", "get", f"/rankings/stability/{2**70}/", None, status=(404,), message=NOT_FOUND),
    C("stability status of an id past the column", "leader", "get", f"/rankings/stability/{2**63}/status/", None, status=(404,), message=NOT_FOUND),
    C("stability status for a reporter", "reporter_a", "get", lambda w: f"/rankings/stability/{w['job'].pk}/status/", None, status=(404,), message=NOT_FOUND),
    C("bonus document of an id past the column", "leader", "get", f"/rankings/bonus/{2**70}/document/", None, status=(404,), message=NOT_FOUND),
    C("bonus version document of an id past the column", "leader", "get", f"/rankings/bonus/versions/{2**70}/document/", None, status=(404,), message=NOT_FOUND),
    C("publish a run of an id past the column", "reviewer", "post", f"/rankings/runs/{2**70}/publish/", {}, status=(404,), message=NOT_FOUND),
    C("league: an unpublished period for a reporter", "reporter_a", "get", "/rankings/?period=2026-10", None, status=(404,), message=NOT_FOUND),
    C("export of an id past the column", "admin", "get", f"/rules/{2**70}/export.json", None, status=(404,), message=NOT_FOUND),
    C("admin: rule sets ordered by column 99", "admin", "get", "/admin/indicators/ruleset/?o=99.abc", None, status=(200,), message="考核规则"),
    C("admin: rule sets filtered by year abc", "admin", "get", "/admin/indicators/ruleset/?year__gt=abc", None, status=(302,), message="考核规则"),
    C("admin: submissions searched for 5000 characters", "admin", "get", "/admin/counties/submission/?q=" + "q" * 5000, None, status=(200,), message="报送"),
    C("admin: a submission of an id past the column", "admin", "get", f"/admin/counties/submission/{2**70}/change/", None, status=(302,), message="不存在"),
    C("admin: an indicator description of 2001 characters", "admin", "post", lambda w: f"/admin/indicators/indicator/{w['gdp'].pk}/change/", admin_indicator(description="述" * 2001), status=(200,), message="不超过 2000 字符"),
    C("admin: an indicator description with a NUL", "admin", "post", lambda w: f"/admin/indicators/indicator/{w['gdp'].pk}/change/", admin_indicator(description="述\x00"), message="控制字符"),
    C("publish by a leader", "leader", "post", "/rankings/runs/1/publish/", {}, status=(403,), message=FORBIDDEN),
]
# fmt: on

# fmt: off
BONUS = [
    C("bonus: points 1e400", "reviewer", "post", "/rankings/bonus/add/", bonus_form(points="1e400"), message="不超过 7 个数字"),
    C("bonus: points of 401 digits", "reviewer", "post", "/rankings/bonus/add/", bonus_form(points=str(HUGE_INT)), message="不超过 7 个数字"),
    C("bonus: points NaN", "reviewer", "post", "/rankings/bonus/add/", bonus_form(points="NaN"), message="输入一个数字"),
    C("bonus: points 0", "reviewer", "post", "/rankings/bonus/add/", bonus_form(points="0"), message="分值不能为 0"),
    C("bonus: points 101", "reviewer", "post", "/rankings/bonus/add/", bonus_form(points="101"), message="不能超过 100 分"),
    C("bonus: reason of 201 characters", "reviewer", "post", "/rankings/bonus/add/", bonus_form(reason="因" * 201), message="不超过 200 字符"),
    C("bonus: reason of 100,000 characters", "reviewer", "post", "/rankings/bonus/add/", bonus_form(reason="因" * 100_000), message="不超过 200 字符"),
    C("bonus: reason of blanks", "reviewer", "post", "/rankings/bonus/add/", bonus_form(reason="   "), message="该字段是必填项"),
    C("bonus: NUL in the reason", "reviewer", "post", "/rankings/bonus/add/", bonus_form(reason="理由\x00"), message="控制字符"),
    C("bonus: county abc", "reviewer", "post", "/rankings/bonus/add/", bonus_form(county="abc"), message="选择一个有效的选项"),
    C("bonus: county id past the column", "reviewer", "post", "/rankings/bonus/add/", bonus_form(county=str(2**70)), message="选择一个有效的选项"),
    C("bonus: no document", "reviewer", "post", "/rankings/bonus/add/", bonus_form(document=None), message="该字段是必填项"),
    C("bonus: a document that is not what it says", "reviewer", "post", "/rankings/bonus/add/", bonus_form(document=SimpleUploadedFile("通报.pdf", b"MZ\x90\x00")), message="文件内容与扩展名"),
    C("bonus: an executable", "reviewer", "post", "/rankings/bonus/add/", bonus_form(document=SimpleUploadedFile("run.exe", b"MZ\x90\x00")), message="不支持的文件类型"),
    C("bonus: a period not given", "reviewer", "post", "/rankings/bonus/add/", bonus_form(period=None), status=(404,), message=NOT_FOUND),
    C("bonus: by a leader", "leader", "post", "/rankings/bonus/add/", bonus_form(), status=(403,), message=FORBIDDEN),
    C("bonus cancel: reason of 101 characters", "reviewer", "post", lambda w: f"/rankings/bonus/{w['bonus'].pk}/cancel/", {"reason": "因" * 101}, status=(302,), message="不超过 100 个字"),
    C("bonus cancel: no reason", "reviewer", "post", lambda w: f"/rankings/bonus/{w['bonus'].pk}/cancel/", {}, status=(302,), message="请填写撤销原因"),
    C("bonus cancel: an id past the column", "reviewer", "post", f"/rankings/bonus/{2**70}/cancel/", {"reason": "错录"}, status=(404,), message=NOT_FOUND),
]
# fmt: on

# fmt: off
STABILITY = [
    C("stability: spread 1e400", "reviewer", "post", "/rankings/stability/", stability_form(spread_percent="1e400"), status=(200,), message="确保该值小于或等于90"),
    C("stability: spread NaN", "reviewer", "post", "/rankings/stability/", stability_form(spread_percent="NaN"), status=(200,), message="输入一个数字"),
    C("stability: spread of 401 digits", "reviewer", "post", "/rankings/stability/", stability_form(spread_percent=str(HUGE_INT)), status=(200,), message="确保该值小于或等于90"),
    C("stability: samples of 5000 digits", "reviewer", "post", "/rankings/stability/", stability_form(samples="9" * 5000), status=(200,), message="输入整数"),
    C("stability: samples 0", "reviewer", "post", "/rankings/stability/", stability_form(samples="0"), status=(200,), message="确保该值大于或等于1"),
    C("stability: seed -1", "reviewer", "post", "/rankings/stability/", stability_form(seed="-1"), status=(200,), message="确保该值大于或等于0"),
    C("stability: seed 2**40", "reviewer", "post", "/rankings/stability/", stability_form(seed=str(2**40)), status=(200,), message="确保该值小于或等于2147483647"),
    C("stability: rule set abc", "reviewer", "post", "/rankings/stability/", stability_form(ruleset="abc"), status=(200,), message="选择一个有效的选项"),
    C("stability: period id past the column", "reviewer", "post", "/rankings/stability/", stability_form(period=str(2**70)), status=(200,), message="选择一个有效的选项"),
    C("stability: a period without figures", "reviewer", "post", "/rankings/stability/", lambda w: stability_form(period=str(w["november"].pk))(w), status=(200,), message="选择一个有效的选项"),
    C("stability: by a reporter", "reporter_a", "post", "/rankings/stability/", stability_form(), status=(403,), message=FORBIDDEN),
    C("stability: by a leader, who changes nothing", "leader", "post", "/rankings/stability/", stability_form(), status=(403,), message=FORBIDDEN),
]
# fmt: on


# fmt: off
def long_csv(*rows: str, header: str = "县区,指标代码,本年累计,上年同期,说明"):
    return csv_file(*rows, name="month.csv", header=header)


IMPORT_URL = "/periods/2026-11/import/"
IMPORT = [
    C("month import: no file", "reviewer", "post", IMPORT_URL, {}, message="请选择要上传的文件"),
    C("month import: by a county reporter", "reporter_a", "post", IMPORT_URL, upload(lambda: long_csv("369901,gdp,120,110,")), status=(403,), message=FORBIDDEN),
    C("month import: by a leader", "leader", "post", IMPORT_URL, upload(lambda: long_csv("369901,gdp,120,110,")), status=(403,), message=FORBIDDEN),
    C("month import: a word for a number", "reviewer", "post", IMPORT_URL, upload(lambda: long_csv("369901,gdp,很多,110,", "369921,gdp,101,100,")), message="不是有效的数字"),
    C("month import: 10**400", "reviewer", "post", IMPORT_URL, upload(lambda: long_csv(f"369901,gdp,{HUGE_INT},110,")), message="过大"),
    C("month import: a negative value in one county", "reviewer", "post", IMPORT_URL, upload(lambda: long_csv("369901,gdp,120,110,", "369921,gdp,-1,100,")), message="不能为负数"),
    C("month import: a share over 100", "reviewer", "post", IMPORT_URL, upload(lambda: long_csv("369901,air,101,85,")), message="0 到 100"),
    C("month import: an unknown county", "reviewer", "post", IMPORT_URL, upload(lambda: long_csv("369901,gdp,120,110,", "999999,gdp,1,1,")), message="不是本市的县区"),
    C("month import: a county by a name not in the city", "reviewer", "post", IMPORT_URL, upload(lambda: long_csv("南山区,gdp,1,1,")), message="不是本市的县区"),
    C("month import: a row without a county", "reviewer", "post", IMPORT_URL, upload(lambda: long_csv(",gdp,1,1,")), message="没有县区"),
    C("month import: an unknown indicator", "reviewer", "post", IMPORT_URL, upload(lambda: long_csv("369901,steel,1,1,")), message="不在本期填报范围内"),
    C("month import: a county and indicator twice", "reviewer", "post", IMPORT_URL, upload(lambda: long_csv("369901,gdp,120,110,", "东城区,gdp,121,110,")), message="重复"),
    C("month import: a NUL in a note", "reviewer", "post", IMPORT_URL, upload(lambda: long_csv("369901,gdp,120,110,说明\x00")), message="内容不是文本"),
    C("month import: a 5000-character note", "reviewer", "post", IMPORT_URL, upload(lambda: long_csv(f"369901,gdp,120,110,{LONG}")), message="不能超过 500 个字"),
    C("month import: a submitted county changed", "reviewer", "post", IMPORT_URL, upload(lambda: long_csv("369901,gdp,120,110,", "369902,gdp,999,110,")), message="已报送"),
    C("month import: header only", "reviewer", "post", IMPORT_URL, upload(lambda: long_csv()), message="文件中没有县区数据"),
    C("month import: a county's own CSV without a county column", "reviewer", "post", IMPORT_URL, upload(lambda: csv_file(*GOOD_ROWS)), message="行政区划代码"),
    C("month import: another period's workbook", "reviewer", "post", IMPORT_URL, upload(lambda: xlsx_file(("gdp", "", "", 120, 110, ""), period="2026-10")), message="不是本期"),
    C("month import: a workbook of a county not in the city", "reviewer", "post", IMPORT_URL, upload(lambda: xlsx_file(("gdp", "", "", 120, 110, ""), county="999999")), message="不是本市启用的县区"),
    C("month import: an uncomputed formula", "reviewer", "post", IMPORT_URL, upload(lambda: xlsx_file(("gdp", "", "", 120, 110, ""), formula=True)), message="是公式"),
    C("month import: xlsx that is not a zip", "reviewer", "post", IMPORT_URL, upload(lambda: raw_file(b"gdp,120,110", "month.xlsx")), message="内容不是 Excel 工作簿"),
    C("month import: a cut-off zip", "reviewer", "post", IMPORT_URL, upload(lambda: raw_file(b"PK\x03\x04" + b"\x00" * 40, "month.xlsx")), message="文件已损坏"),
    C("month import: old .xls", "reviewer", "post", IMPORT_URL, upload(lambda: raw_file(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "month.xlsx")), message="旧版 .xls"),
    C("month import: empty CSV", "reviewer", "post", IMPORT_URL, upload(lambda: raw_file(b"", "month.csv")), message="文件是空的"),
    C("month import: PDF named .csv", "reviewer", "post", IMPORT_URL, upload(lambda: raw_file(PDF, "month.csv")), message="内容不是文本"),
    C("month import: an entity declaration", "reviewer", "post", IMPORT_URL, upload(lambda: raw_file(zip_bytes({"[Content_Types].xml": b"<?xml version='1.0'?><!DOCTYPE x [<!ENTITY a 'b'>]><x/>", "xl/workbook.xml": b"<x/>"}), "month.xlsx")), message="不安全的 XML"),
    C("month import: overwrite with nothing kept", "reviewer", "post", IMPORT_URL, {"action": "overwrite", "stamps": "369901:1"}, message="已过期或不存在"),
    C("month import: a period that does not exist", "reviewer", "post", "/periods/2031-01/import/", upload(lambda: long_csv("369901,gdp,1,1,")), status=(404,), message=NOT_FOUND),
    C("month import: an approved month changed", "reviewer", "post", "/periods/2026-09/import/", upload(lambda: long_csv("369901,gdp,330,300,")), message="已审核"),
]

OTHER = [
    C("language: unknown language", "leader", "post", "/i18n/setlang/", {"language": "xx", "next": "/"}, status=(302,), message="经济发展考核"),
    C("language: 5000 characters", "leader", "post", "/i18n/setlang/", {"language": "z" * 5000, "next": "/"}, status=(302,), message="经济发展考核"),
    C("language: next elsewhere", "leader", "post", "/i18n/setlang/", {"language": "zh-hans", "next": "https://example.com/"}, status=(302,), message="经济发展考核"),
    C("language: NUL", "leader", "post", "/i18n/setlang/", {"language": "en\x00"}, message="控制字符"),
    C("login: username of 5000 characters", "anon", "post", "/accounts/login/", {"username": "u" * 5000, "password": "x"}, status=(200,), message="用户名或密码不正确"),
    C("login: NUL in the username", "anon", "post", "/accounts/login/", {"username": "admin\x00", "password": "x"}, message="控制字符"),
    C("login: ?next of 5000 characters", "anon", "get", "/accounts/login/?next=/" + "n" * 5000, None, status=(200,), message="登录"),
]
# fmt: on

NOTIFICATION_KINDS = ["deadline", "returned", "published", "bulletin", "task_assigned"]
NOTIFICATION_KINDS += ["task_answered", "task_returned", "task_due", "task_overdue"]


def task_url(step: str = "") -> Callable[[dict], str]:
    return lambda w: f"/tasks/{w['task'].pk}/{step}"


def bulletin_url(step: str = "") -> Callable[[dict], str]:
    return lambda w: f"/bulletins/{w['bulletin'].pk}/{step}"


def task_form(**fields: str) -> Callable[[dict], dict]:
    def build(w: dict) -> dict:
        base = {
            "county": "369901",
            "period": "2026-09",
            "source": "manual",
            "title": "整改",
            "requirement": "按月报告。",
            "responsible_unit": "东城区",
            "responsible_person": "王伟",
            "deadline": (timezone.localdate() + timezone.timedelta(days=9)).isoformat(),
        }
        return {**base, **fields}

    return build


# fmt: off
SUPERVISION = [
    C("bulletin: draft a period id past the column", "reviewer", "post", "/bulletins/draft/", {"period": str(2**70)}, status=(302,), message="请选择要通报的期次"),
    C("bulletin: draft an unpublished period", "reviewer", "post", "/bulletins/draft/", lambda w: {"period": str(w["november"].pk)}, status=(302,), message="尚未发布"),
    C("bulletin: draft the period again", "reviewer", "post", "/bulletins/draft/", lambda w: {"period": str(w["bulletin"].period_id)}, status=(302,), message="已经起草"),
    C("bulletin: draft by a leader", "leader", "post", "/bulletins/draft/", lambda w: {"period": str(w["bulletin"].period_id)}, status=(403,), message=FORBIDDEN),
    C("bulletin: empty text", "reviewer", "post", bulletin_url("edit/"), {"text": "  \n\n "}, message="通报正文不能为空"),
    C("bulletin: text of 20,001 characters", "reviewer", "post", bulletin_url("edit/"), {"text": "字" * 20_001}, message="最多 20000 个字符"),
    C("bulletin: text with NUL", "reviewer", "post", bulletin_url("edit/"), {"text": "正文\x00"}, message="控制字符"),
    C("bulletin: issue without the confirmation", "reviewer", "post", bulletin_url("issue/"), {}, status=(302,), message="请先勾选确认"),
    C("bulletin: edit by a reporter", "reporter_a", "post", bulletin_url("edit/"), {"text": "x"}, status=(403,), message=FORBIDDEN),
    C("bulletin: a draft read by a reporter", "reporter_a", "get", bulletin_url(), None, status=(404,), message=NOT_FOUND),
    C("bulletin: an id past the column", "leader", "get", f"/bulletins/{2**70}/", None, status=(404,), message=NOT_FOUND),
    C("task: new without a county", "leader", "get", "/tasks/new/?period=2026-09", None, status=(404,), message=NOT_FOUND),
    C("task: new for a period 2026-99", "leader", "get", "/tasks/new/?county=369901&period=2026-99", None, status=(404,), message=NOT_FOUND),
    C("task: new with a county of 5000 characters", "leader", "get", "/tasks/new/?county=" + "9" * 5000 + "&period=2026-09", None, status=(404,), message=NOT_FOUND),
    C("task: new by a reporter", "reporter_a", "get", "/tasks/new/?county=369901&period=2026-09", None, status=(403,), message=FORBIDDEN),
    C("task: a deadline in 2020", "leader", "post", "/tasks/new/", task_form(deadline="2020-01-01"), message="办结时限不能早于今天"),
    C("task: a deadline that is no date", "leader", "post", "/tasks/new/", task_form(deadline="明天"), message="输入一个有效的日期"),
    C("task: a title of 5000 characters", "leader", "post", "/tasks/new/", task_form(title=LONG), message="不超过 120 字符"),
    C("task: an indicator id past the column", "leader", "post", "/tasks/new/", task_form(indicators=str(2**70)), message="选择一个有效的选项"),
    C("task: an unknown source and an indicator abc", "leader", "post", "/tasks/new/", task_form(source="sky", indicators="abc"), message="“abc”不是一个有效的值"),
    C("task: answer by another county's reporter", "reporter_b", "post", task_url("answer/"), {"text": "措施", "kind": "answer"}, status=(404,), message=NOT_FOUND),
    C("task: answer without text", "reporter_a", "post", task_url("answer/"), {"text": "", "kind": "answer"}, message="该字段是必填项"),
    C("task: answer of 5000 characters", "reporter_a", "post", task_url("answer/"), {"text": LONG, "kind": "answer"}, message="不超过 4000 字符"),
    C("task: an attachment that is no PDF", "reporter_a", "post", task_url("answer/"), lambda w: {"text": "措施", "kind": "answer", "attachment": raw_file(b"MZ\x90\x00 an exe", "措施.pdf")}, message="文件内容与扩展名“.pdf”不符"),
    C("task: return an open task", "reviewer", "post", task_url("review/"), {"decision": "return", "text": "不具体"}, message="只能退回已答复的事项"),
    C("task: close an open task", "reviewer", "post", task_url("review/"), {"decision": "close"}, message="才能销号"),
    C("task: a decision nobody knows", "reviewer", "post", task_url("review/"), {"decision": "burn"}, status=(302,), message="请选择退回或销号"),
    C("task: review by a leader", "leader", "post", task_url("review/"), {"decision": "close"}, status=(403,), message=FORBIDDEN),
    C("task: status filter of 5000 characters", "leader", "get", "/tasks/?status=" + "x" * 5000 + "&county=" + "y" * 5000, None, status=(200,), message="督办事项"),
    C("task: an attachment id past the column", "leader", "get", f"/tasks/attachments/{2**70}/", None, status=(404,), message=NOT_FOUND),
    C("inbox: read an id past the column", "reporter_a", "post", "/inbox/read/", {"id": str(2**70)}, status=(302,), message="消息"),
    C("inbox: page 10**400", "reporter_a", "get", "/inbox/?page=" + str(HUGE_INT), None, status=(200,), message="消息"),
    C("inbox: email kinds nobody knows beside every real one", "reporter_a", "post", "/inbox/settings/", {"email": ["sky", "\u202e", *NOTIFICATION_KINDS]}, status=(302,), message="邮件提醒设置已保存"),
]
# fmt: on

# fmt: off
CASES: list[Case] = (ENTRY + REVIEW + UPLOAD + IMPORT + RULE_PAGES + EDITOR + RULES_API + QUERY + BONUS + STABILITY + OTHER + SUPERVISION)
# fmt: on


# ------------------------------------------------------------------------------ running


def _send(client, case: Case, w: dict):
    url = case.url(w) if callable(case.url) else case.url
    payload = case.payload(w) if callable(case.payload) else case.payload
    if case.method == "get":
        return client.get(url, follow=True)
    if case.method == "post":
        return client.post(url, payload or {}, follow=True)
    if case.method == "delete":
        return client.delete(url)
    if case.method.startswith("raw-"):
        verb, _sep, kind = case.method.removeprefix("raw-").partition("-")
        content_type = {
            "": "application/json",
            "text": "text/plain",
            "multipart": "multipart/form-data; boundary=xyz",
        }[kind]
        return client.generic(verb.upper(), url, payload, content_type=content_type)
    verb = case.method.removeprefix("json-").upper()
    return client.generic(verb, url, json.dumps(payload), content_type="application/json")


def _shown(response) -> str:
    """What the user is told: the page (redirects followed), its JSON, the flashed messages,
    and for a refused method (405, which Django answers with no page) its Allow header."""
    parts = [html.unescape(response.content.decode("utf-8", "replace"))]
    if response.has_header("Allow"):
        parts.append(f"Allow: {response['Allow']}")
    if response.get("Content-Type", "").startswith("application/json") and response.content:
        parts.append(json.dumps(response.json(), ensure_ascii=False))
    request = getattr(response, "wsgi_request", None)
    if request is not None:
        parts += [str(m) for m in get_messages(request)]
    return "\n".join(parts)


def _params():
    for case in CASES:
        marks = [pytest.mark.xfail(strict=True, reason=case.xfail)] if case.xfail else []
        yield pytest.param(case, id=case.name, marks=marks)


def assert_refused_and_unchanged(
    client, world: dict, case: Case, tables: tuple[str, ...] = DATA_TABLES
) -> None:
    """The case sent as its role: never a server error, one of its statuses, its message shown,
    and every table of `tables` exactly as before."""
    if case.role != "anon":
        client.force_login(world["users"][case.role])
    before = checksum(tables)
    response = _send(client, case, world)
    chain = getattr(response, "redirect_chain", [])
    status = chain[0][1] if chain else response.status_code
    shown = _shown(response)
    assert status != 500
    assert status in case.status, f"{case.name}: {status}\n{shown[:3000]}"
    assert case.message in shown, f"{case.name}: no “{case.message}” in\n{shown[:3000]}"
    assert checksum(tables) == before, f"{case.name}: the tables changed"


@pytest.mark.parametrize("case", _params())
def test_bad_input_is_refused_and_changes_nothing(client, world, case: Case):
    assert_refused_and_unchanged(client, world, case)


def test_the_corpus_is_large_and_says_how_large(capsys):
    names = [c.name for c in CASES]
    assert len(set(names)) == len(names), "case names must be unique"
    with capsys.disabled():
        print(f"\nbad-input corpus: {len(CASES)} cases")
    assert len(CASES) >= 100
