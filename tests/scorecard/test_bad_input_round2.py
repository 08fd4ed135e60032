# ruff: noqa: E501  (the corpus is a table: one case a line)
"""Bad input, round 2: the endpoints that accept input and that the first corpus
(tests/scorecard/test_bad_input.py), the API's (tests/api/test_bad_input.py) and the department
grid's (tests/counties/test_bulk_bad_input.py) do not reach: the targets grid, import and
version actions, bulletin and task actions not covered there, the inbox, the account's
password change, API tokens, the what-if preview, department pages' paths, and odd query
strings on the remaining list pages (?page=-1, ?period=2026-13, arrays, unicode).

The world is the permission matrix's (tests/scorecard/matrix_world.py: a draft of the 2026
targets, October's draft bulletin, answered tasks, a department, an API token). The cases and
the runner are the first corpus's: each is refused with a clear message (a 4xx page, a form
error, a flashed message after a redirect), never a server error, and the tables are exactly
as before: the first corpus's data tables plus the users, tokens and their labels (a refused
password change or token must leave those alone too).
"""

from __future__ import annotations

import io
from collections.abc import Callable

import openpyxl
import pytest

from supervision.models import Notification
from tests.scorecard.matrix_world import matrix_world_in_transaction, world_for_a_test
from tests.scorecard.test_bad_input import (
    DATA_TABLES,
    FORBIDDEN,
    HUGE_INT,
    LONG,
    NOT_FOUND,
    PDF,
    C,
    Case,
    assert_refused_and_unchanged,
    raw_file,
    upload,
    zip_bytes,
)
from tests.scorecard.test_permission_matrix import HANDLER

pytestmark = pytest.mark.django_db

TABLES = (*DATA_TABLES, "auth_user", "knox_", "api_")


@pytest.fixture(scope="module")
def built_world(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("bad-input-media")
    with matrix_world_in_transaction(django_db_blocker, media) as world:
        yield world


@pytest.fixture
def world(built_world, db, settings, monkeypatch):
    return world_for_a_test(built_world, settings, monkeypatch)


# ------------------------------------------------------------------------------ payloads

GRID = "/targets/2026/"
DRAFT_VERSION = 2  # the world's draft of the 2026 targets (version 1 is published)
PASSWORD = "pw-for-tests-only"  # tests.factories.UserFactory's


def grid(**fields: str) -> dict[str, str]:
    """A post of the targets grid's draft with some cells; the others keep what is stored."""
    return {"t-369901-gdp": "6", **fields}


def password(**fields: str) -> dict[str, str]:
    data = {
        "old_password": PASSWORD,
        "new_password1": "Qingchuan-2026-strong",
        "new_password2": "Qingchuan-2026-strong",
    }
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


def xlsx(rows: list[list]) -> bytes:
    wb = openpyxl.Workbook()
    for row in rows:
        wb.active.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def task_url(county: str, step: str = "") -> Callable[[dict], str]:
    return lambda w: f"/tasks/{w[f'task_{county}'].pk}/{step}"


def bulletin_url(step: str = "") -> Callable[[dict], str]:
    return lambda w: f"/bulletins/{w['bulletin_draft'].pk}/{step}"


def admin_token(w: dict) -> dict[str, str]:
    from knox.models import AuthToken

    return {"token": AuthToken.objects.get(user=w["users"]["admin"]).token_key}


def preview(**fields: str) -> Callable[[dict], dict]:
    """The editor's what-if post of the draft rule set, with some fields changed."""
    from tests.scorecard.test_bad_input import editor_form

    def build(w: dict) -> dict:
        return editor_form(**fields)({"draft": w["ruleset_draft"]})

    return build


CHANGED = "已不存在或已变化"  # a version action whose draft is not the one posted
PAGE_ODDITIES = ("-1", "0", "abc", str(HUGE_INT), "1e9", "²", "[]")

# fmt: off
TARGETS = [
    C("targets grid: a word for a number", "reviewer", "post", GRID, grid(**{"t-369901-gdp": "很多"}), message="不是有效的数字"),
    C("targets grid: 10**400", "reviewer", "post", GRID, grid(**{"t-369901-gdp": str(HUGE_INT)}), message="过大"),
    C("targets grid: NaN", "reviewer", "post", GRID, grid(**{"t-369902-retail": "NaN"}), message="不是有效的数字"),
    C("targets grid: a hundred thousand digits", "reviewer", "post", GRID, grid(**{"t-city-gdp": "9" * 100_000}), message="过大"),
    C("targets grid: NUL in a value", "reviewer", "post", GRID, grid(**{"t-369901-gdp": "6\x00"}), message="控制字符"),
    C("targets grid: a growth of 5000 characters", "reviewer", "post", GRID, grid(**{"t-369901-gdp": LONG}), message="不是有效的数字"),
    C("targets grid: a schedule that does not add up", "reviewer", "post", GRID, grid(**{"s-retail": "20/45/70/90"}), message="到 12 月应完成全年目标的 100%"),
    C("targets grid: a schedule of words", "reviewer", "post", GRID, grid(**{"s-retail": "一季度/二季度"}), message="应是用“/”隔开的百分数"),
    C("targets grid: an unknown kind", "reviewer", "post", GRID, grid(**{"k-gdp": "sky"}), message="目标类型应为“目标值”或“目标增速”"),
    C("targets grid: a stale fingerprint", "reviewer", "post", GRID, grid(fingerprint="0" * 64), status=(409,), message="其他人在您打开此页后修改了目标"),
    C("targets grid: the published version", "reviewer", "post", GRID + "?version=1", grid(), status=(302,), message="已发布，不能直接修改"),
    C("targets grid: ?version=abc", "reviewer", "get", GRID + "?version=abc", None, status=(404,), message=NOT_FOUND),
    C("targets grid: ?version=-1", "leader", "get", GRID + "?version=-1", None, status=(404,), message=NOT_FOUND),
    C("targets grid: ?version=2**70", "leader", "get", GRID + f"?version={2**70}", None, status=(404,), message=NOT_FOUND),
    C("targets grid: ?version=²", "reporter_a", "get", GRID + "?version=²", None, status=(404,), message=NOT_FOUND),
    C("targets grid: ?version of a draft for a reporter", "reporter_a", "get", GRID + f"?version={DRAFT_VERSION}", None, status=(404,), message=NOT_FOUND),
    C("targets grid: year 1899", "leader", "get", "/targets/1899/", None, status=(404,), message=NOT_FOUND),
    C("targets grid: year of 30 digits", "leader", "get", "/targets/" + "9" * 30 + "/", None, status=(404,), message=NOT_FOUND),
    C("targets grid: posted by a leader", "leader", "post", GRID, grid(), status=(403,), message=FORBIDDEN),
    C("targets grid: posted by a reporter", "reporter_a", "post", GRID, grid(), status=(403,), message=FORBIDDEN),
    C("targets export: ?version=abc", "leader", "get", "/targets/2026/targets.xlsx?version=abc", None, status=(404,), message=NOT_FOUND),
    C("targets import: no file", "reviewer", "post", "/targets/2026/import/", {}, message="请选择要上传的文件"),
    C("targets import: text named .xlsx", "reviewer", "post", "/targets/2026/import/", upload(lambda: raw_file(b"gdp,6", "targets.xlsx")), message="Excel"),
    C("targets import: a cut-off zip", "reviewer", "post", "/targets/2026/import/", upload(lambda: raw_file(b"PK\x03\x04" + b"\x00" * 40, "targets.xlsx")), message="损坏"),
    C("targets import: a PDF", "reviewer", "post", "/targets/2026/import/", upload(lambda: raw_file(PDF, "targets.pdf")), message="xlsx"),
    C("targets import: an empty workbook", "reviewer", "post", "/targets/2026/import/", upload(lambda: raw_file(xlsx([]), "targets.xlsx")), message="目标"),
    C("targets import: an entity declaration", "reviewer", "post", "/targets/2026/import/", upload(lambda: raw_file(zip_bytes({"[Content_Types].xml": b"<?xml version='1.0'?><!DOCTYPE x [<!ENTITY a 'b'>]><x/>", "xl/workbook.xml": b"<x/>"}), "targets.xlsx")), message="不安全的 XML"),
    C("targets import: a year without a draft", "reviewer", "post", "/targets/2027/import/", upload(lambda: raw_file(xlsx([["x"]]), "targets.xlsx")), message="还没有 2027 年的目标"),
    C("targets import: by a leader", "leader", "post", "/targets/2026/import/", upload(lambda: raw_file(xlsx([["x"]]), "targets.xlsx")), status=(403,), message=FORBIDDEN),
    C("targets start: year abc", "reviewer", "post", "/targets/start/", {"year": "abc"}, status=(302,), message="请填写年度"),
    C("targets start: year 1999", "reviewer", "post", "/targets/start/", {"year": "1999"}, status=(302,), message="请填写年度"),
    C("targets start: year of 5000 digits", "reviewer", "post", "/targets/start/", {"year": "9" * 5000}, status=(302,), message="请填写年度"),
    C("targets start: no year", "reviewer", "post", "/targets/start/", {}, status=(302,), message="请填写年度"),
    C("targets start: by a leader", "leader", "post", "/targets/start/", {"year": "2027"}, status=(403,), message=FORBIDDEN),
    C("targets new version: while a draft exists", "reviewer", "post", "/targets/2026/new-version/", {"reason": "年中调整"}, status=(302,), message="已有未发布的草稿版本"),
    C("targets new version: a year with nothing published", "reviewer", "post", "/targets/2031/new-version/", {"reason": "年中调整"}, status=(302,), message="2031 年还没有已发布的目标"),
    C("targets new version: NUL in the reason", "reviewer", "post", "/targets/2026/new-version/", {"reason": "调整\x00"}, message="控制字符"),
    C("targets publish: no version", "reviewer", "post", "/targets/2026/publish/", {"confirm": "1"}, status=(302,), message=CHANGED),
    C("targets publish: the published version", "reviewer", "post", "/targets/2026/publish/", {"confirm": "1", "version": "1"}, status=(302,), message=CHANGED),
    C("targets publish: version 2**70", "reviewer", "post", "/targets/2026/publish/", {"confirm": "1", "version": str(2**70)}, status=(302,), message=CHANGED),
    C("targets publish: version -2", "reviewer", "post", "/targets/2026/publish/", {"confirm": "1", "version": "-2"}, status=(302,), message=CHANGED),
    C("targets publish: not confirmed", "reviewer", "post", "/targets/2026/publish/", {"version": str(DRAFT_VERSION)}, status=(302,), message="请先勾选确认"),
    C("targets publish: year 99999", "reviewer", "post", "/targets/99999/publish/", {"confirm": "1", "version": "2"}, status=(404,), message=NOT_FOUND),
    C("targets publish: by a leader", "leader", "post", "/targets/2026/publish/", {"confirm": "1", "version": str(DRAFT_VERSION)}, status=(403,), message=FORBIDDEN),
    C("targets delete: version as a list", "reviewer", "post", "/targets/2026/delete/", {"confirm": "1", "version": ["2", "1"]}, status=(302,), message=CHANGED),
    C("targets delete: version in full-width digits", "reviewer", "post", "/targets/2026/delete/", {"confirm": "1", "version": "２"}, status=(302,), message=CHANGED),
    C("targets delete: by a reporter", "reporter_a", "post", "/targets/2026/delete/", {"confirm": "1", "version": str(DRAFT_VERSION)}, status=(403,), message=FORBIDDEN),
]

SUPERVISION = [
    C("bulletin: redraft by a leader", "leader", "post", bulletin_url("redraft/"), {}, status=(403,), message=FORBIDDEN),
    C("bulletin: issue by a leader", "leader", "post", bulletin_url("issue/"), {"confirm": "1"}, status=(403,), message=FORBIDDEN),
    C("bulletin: issue by a department reporter", "department", "post", bulletin_url("issue/"), {"confirm": "1"}, status=(403,), message=FORBIDDEN),
    C("bulletin: edit with text as a list of blanks", "reviewer", "post", bulletin_url("edit/"), {"text": ["正文", " "]}, message="通报正文不能为空"),
    C("bulletin: edit with an escape sequence", "reviewer", "post", bulletin_url("edit/"), {"text": "正文\x1b[31m"}, message="控制字符"),
    C("bulletin: draft with the period as text", "reviewer", "post", "/bulletins/draft/", {"period": "2026-10"}, status=(302,), message="请选择要通报的期次"),
    C("bulletin: draft with no period", "reviewer", "post", "/bulletins/draft/", {}, status=(302,), message="请选择要通报的期次"),
    C("bulletin: draft of a period drafted already", "reviewer", "post", "/bulletins/draft/", lambda w: {"period": str(w["october"].pk)}, status=(302,), message="已经起草"),
    C("bulletin: a draft's Word file for a reporter", "reporter_a", "get", bulletin_url("bulletin.docx"), None, status=(404,), message=NOT_FOUND),
    C("bulletin: id 0", "leader", "get", "/bulletins/0/", None, status=(404,), message=NOT_FOUND),
    C("task: return without a reason", "reviewer", "post", task_url("a", "review/"), {"decision": "return", "text": "  "}, message="此项必填"),
    C("task: return with 5000 characters", "reviewer", "post", task_url("a", "review/"), {"decision": "return", "text": LONG}, message="不超过 4000 字符"),
    C("task: return with a NUL", "reviewer", "post", task_url("a", "review/"), {"decision": "return", "text": "退回\x00"}, message="控制字符"),
    C("task: close with a note of 5000 characters", "reviewer", "post", task_url("a", "review/"), {"decision": "close", "text": LONG}, message="不超过 4000 字符"),
    C("task: review of another id past the column", "reviewer", "post", f"/tasks/{2**70}/review/", {"decision": "close"}, status=(404,), message=NOT_FOUND),
    C("task: answer by a department reporter", "department", "post", task_url("a", "answer/"), {"text": "措施", "kind": "answer"}, status=(404,), message=NOT_FOUND),
    C("task: answer by a reviewer", "reviewer", "post", task_url("a", "answer/"), {"text": "措施", "kind": "answer"}, status=(403,), message=FORBIDDEN),
    C("task: answer with an escape sequence", "reporter_a", "post", task_url("a", "answer/"), {"text": "措施\x1b[0m", "kind": "answer"}, message="控制字符"),
    C("task: answer with an empty attachment", "reporter_a", "post", task_url("a", "answer/"), lambda w: {"text": "措施", "kind": "answer", "attachment": raw_file(b"", "措施.pdf")}, message="提交的是空文件"),
    C("task: new with a deadline of 30 February", "leader", "post", "/tasks/new/", {"county": "369901", "period": "2026-09", "source": "manual", "title": "整改", "requirement": "按月报告。", "responsible_unit": "东城区", "responsible_person": "王伟", "deadline": "2026-02-30"}, message="输入一个有效的日期"),
    C("task: new with no title", "leader", "post", "/tasks/new/", {"county": "369901", "period": "2026-09", "source": "manual", "title": "", "requirement": "按月报告。", "responsible_unit": "东城区", "responsible_person": "王伟", "deadline": "2099-01-01"}, message="该字段是必填项"),
    C("task: new for another county by a reporter", "reporter_a", "post", "/tasks/new/", {"county": "369902", "period": "2026-09", "title": "x"}, status=(403,), message=FORBIDDEN),
    C("task: new for a county code of arrays", "leader", "get", "/tasks/new/?county[]=369901&period=2026-09", None, status=(404,), message=NOT_FOUND),
    C("task: new for 2026-13", "leader", "post", "/tasks/new/", {"county": "369901", "period": "2026-13", "title": "x"}, status=(404,), message=NOT_FOUND),
    *[C(f"task list: ?page={page}", "leader", "get", f"/tasks/?page={page}", None, status=(200,), message="督办事项") for page in PAGE_ODDITIES],
    C("task list: ?county=东城区", "leader", "get", "/tasks/?county=东城区&status=open", None, status=(200,), message="督办事项"),
    *[C(f"inbox: ?page={page}", "reporter_a", "get", f"/inbox/?page={page}", None, status=(200,), message="消息") for page in PAGE_ODDITIES],
    C("inbox: ?unread=\u202e", "reporter_a", "get", "/inbox/?unread=%E2%80%AE", None, status=(200,), message="消息"),
    C("inbox: read id abc", "reporter_a", "post", "/inbox/read/", {"id": "abc"}, status=(302,), message="消息"),
    C("inbox: read id -1", "reporter_a", "post", "/inbox/read/", {"id": "-1"}, status=(302,), message="消息"),
    C("inbox: read another user's notification", "leader", "post", "/inbox/read/", lambda w: {"id": str(Notification.objects.get(user=w["users"]["reporter_a"], key="matrix").pk)}, status=(302,), message="消息"),
    C("inbox: settings with a NUL kind", "reporter_a", "post", "/inbox/settings/", {"email": ["deadline\x00"]}, message="控制字符"),
    *[C(f"bulletin list: ?page={page}", "reporter_a", "get", f"/bulletins/?page={page}", None, status=(200,), message="通报") for page in ("-1", "abc", str(HUGE_INT))],
]

ACCOUNT = [
    C("password: nothing posted", "reporter_a", "post", "/account/", {}, status=(200,), message="该字段是必填项"),
    C("password: wrong old password", "reporter_a", "post", "/account/", password(old_password="wrong"), status=(200,), message="旧密码不正确"),
    C("password: the two do not match", "reporter_a", "post", "/account/", password(new_password2="Qingchuan-2026-strongX"), status=(200,), message="输入的两个密码不一致"),
    C("password: too short", "reporter_a", "post", "/account/", password(new_password1="a1", new_password2="a1"), status=(200,), message="密码太短"),
    C("password: NUL in the new password", "reporter_a", "post", "/account/", password(new_password1="Qingchuan\x00-2026", new_password2="Qingchuan\x00-2026"), message="控制字符"),
    C("password: 5000 characters", "leader", "post", "/account/", password(new_password1="密" * 5000, new_password2="密" * 5000), status=(200,), message="密码至少要包含"),
    C("password: old password of 100,000 characters", "leader", "post", "/account/", password(old_password="x" * 100_000), status=(200,), message="旧密码不正确"),
    C("token: a name of 5000 characters", "reporter_a", "post", "/account/tokens/new/", {"name": LONG, "days": "30"}, message="不超过 60 字符"),
    C("token: NUL in the name", "reporter_a", "post", "/account/tokens/new/", {"name": "脚本\x00", "days": "30"}, message="控制字符"),
    C("token: days 2**70", "reporter_a", "post", "/account/tokens/new/", {"name": "脚本", "days": str(2**70)}, message="选择一个有效的选项"),
    C("token: days -1", "reporter_a", "post", "/account/tokens/new/", {"name": "脚本", "days": "-1"}, message="选择一个有效的选项"),
    C("token: days abc", "reporter_a", "post", "/account/tokens/new/", {"name": "脚本", "days": "abc"}, message="选择一个有效的选项"),
    C("token: days missing", "reporter_a", "post", "/account/tokens/new/", {"name": "脚本"}, message="该字段是必填项"),
    C("token: days 36500", "reporter_a", "post", "/account/tokens/new/", {"name": "脚本", "days": "36500"}, message="选择一个有效的选项"),
    C("token: created by GET", "reporter_a", "get", "/account/tokens/new/?name=x&days=30", None, status=(405,), message="Allow: POST"),
    C("token: revoke with nothing", "reporter_a", "post", "/account/tokens/revoke/", {}, status=(302,), message="没有找到这个令牌"),
    C("token: revoke a key of 5000 characters", "reporter_a", "post", "/account/tokens/revoke/", {"token": "k" * 5000}, status=(302,), message="没有找到这个令牌"),
    C("token: revoke another user's token", "leader", "post", "/account/tokens/revoke/", admin_token, status=(302,), message="没有找到这个令牌"),
    C("token: revoke with a NUL", "reporter_a", "post", "/account/tokens/revoke/", {"token": "kh_\x00"}, message="控制字符"),
]

RULES = [
    C("preview: period 2026-13", "admin", "post", lambda w: f"/rules/{w['ruleset_draft'].pk}/preview/", preview(**{"ind-gdp-weight": "50", "preview_period": "2026-13"}), status=(200,), message="少了 10 分"),
    C("preview: NUL in the period", "admin", "post", lambda w: f"/rules/{w['ruleset_draft'].pk}/preview/", preview(preview_period="2026-10\x00"), message="控制字符"),
    C("preview: params nested 40 deep", "admin", "post", lambda w: f"/rules/{w['ruleset_draft'].pk}/preview/", preview(**{"ind-gdp-params": '{"step": ' + "[" * 40 + "]" * 40 + "}"}), status=(200,), message="嵌套过深"),
    C("preview: by a reviewer", "reviewer", "post", lambda w: f"/rules/{w['ruleset_draft'].pk}/preview/", preview(), status=(403,), message=FORBIDDEN),
    C("preview: by GET", "admin", "get", lambda w: f"/rules/{w['ruleset_draft'].pk}/preview/", None, status=(405,), message="Allow: POST"),
    C("preview: an id past the column", "admin", "post", f"/rules/{2**70}/preview/", {}, status=(404,), message=NOT_FOUND),
]

DEPARTMENT = [
    C("department grid: an id past the column", "department", "get", f"/departments/{2**70}/2026-11/", None, status=(404,), message=NOT_FOUND),
    C("department grid: month 13", "department", "get", lambda w: f"/departments/{w['finance'].pk}/2026-13/", None, status=(404,), message=NOT_FOUND),
    C("department grid: posted by a reviewer", "reviewer", "post", lambda w: f"/departments/{w['finance'].pk}/2026-11/", {"version": "0"}, status=(403,), message=FORBIDDEN),
    C("department grid: posted by a county reporter", "reporter_a", "post", lambda w: f"/departments/{w['finance'].pk}/2026-11/", {"version": "0"}, status=(404,), message=NOT_FOUND),
    C("department upload: by a leader", "leader", "post", lambda w: f"/departments/{w['finance'].pk}/2026-11/upload/", upload(lambda: raw_file(b"x", "a.csv")), status=(403,), message=FORBIDDEN),
    C("department template: a period that does not exist", "department", "get", lambda w: f"/departments/{w['finance'].pk}/2031-01/template.xlsx", None, status=(404,), message=NOT_FOUND),
    C("entry: a stale version", "reporter_a", "post", "/submissions/369901/2026-11/", lambda w: {"version": str(w["submission_a"].version + 5), "action": "save", "value_gdp": "121"}, status=(409,), message="您的修改没有保存"),
]

QUERY = [
    C("warnings ?period=2026-13", "leader", "get", "/rankings/warnings/?period=2026-13", None, status=(404,), message=NOT_FOUND),
    C("warnings ?level and ?county unknown", "leader", "get", "/rankings/warnings/?level=purple&county=东城区&category=" + "c" * 5000, None, status=(200,), message="预警"),
    C("warnings ?period[]=2026-10", "leader", "get", "/rankings/warnings/?period[]=2026-10", None, status=(200,), message="预警"),
    C("year results ?year=abc", "leader", "get", "/rankings/year/?year=abc", None, status=(200,), message="年度"),
    C("year results ?year=-2026", "leader", "get", "/rankings/year/?year=-2026", None, status=(200,), message="年度"),
    C("league ?period[]=2026-10", "leader", "get", "/rankings/?period[]=2026-10", None, status=(200,), message="2026年1-10月"),
    C("review queue ?page=-1", "reviewer", "get", "/review/?page=-1", None, status=(200,), message="待审核"),
    C("completeness ?year[]=2026&month=٣", "leader", "get", "/completeness/?year[]=2026&month=٣", None, status=(200,), message="东城区"),
    C("export of a format nobody knows", "leader", "get", "/rankings/export/league.pdf", None, status=(404,), message=NOT_FOUND),
    C("export of a table nobody knows", "leader", "get", "/rankings/export/secrets.xlsx", None, status=(404,), message=NOT_FOUND),
    C("export ?period=2026-13", "leader", "get", "/rankings/export/league.xlsx?period=2026-13", None, status=(404,), message=NOT_FOUND),
    C("profile export of a format nobody knows", "leader", "get", "/rankings/county/369901/profile.exe", None, status=(404,), message=NOT_FOUND),
    C("plan of a county code of 5000 digits", "leader", "get", "/rankings/county/" + "9" * 5000 + "/plan.xlsx", None, status=(404,), message=NOT_FOUND),
    C("bonus history ?period[]=2026-10", "reviewer", "get", "/rankings/bonus/history/?period[]=2026-10", None, status=(200,), message="加减分"),
    C("target list ?year=abc", "leader", "get", "/targets/?year=abc&page=-1", None, status=(200,), message="目标任务"),
]
# fmt: on

CASES: list[Case] = TARGETS + SUPERVISION + ACCOUNT + RULES + DEPARTMENT + QUERY


def _params():
    for case in CASES:
        marks = [pytest.mark.xfail(strict=True, reason=case.xfail)] if case.xfail else []
        yield pytest.param(case, id=case.name, marks=marks)


@pytest.mark.parametrize("case", _params())
def test_bad_input_is_refused_and_changes_nothing(client, world, case: Case):
    client.handler = HANDLER  # the middleware loaded once for the module
    assert_refused_and_unchanged(client, world, case, TABLES)


def test_the_corpus_is_large_and_says_how_large(capsys):
    names = [c.name for c in CASES]
    assert len(set(names)) == len(names), "case names must be unique"
    with capsys.disabled():
        print(f"\nbad-input corpus, round 2: {len(CASES)} cases")
    assert len(CASES) >= 100
