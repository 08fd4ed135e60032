"""No lost update through Excel: the template records the version of the submission it was made
from; a stale upload is refused with what it would change, and saved only when the user confirms
after seeing that list; simultaneous uploads behave like simultaneous form posts (one wins, the
others are told). The concurrent cases run on PostgreSQL, with real row locks."""

import threading
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test import Client

from counties.models import Submission, SubmissionValue
from tests.counties.test_excel import (
    GDP_ROW,
    RETAIL_ROW,
    database,
    filled,
    setup,  # noqa: F401 - the fixture, used by every test here
    template_bytes,
    upload,
    url,
    where,
)

D = Decimal
pytestmark = pytest.mark.usefixtures("setup")


def template_version(content: bytes) -> tuple[str, object]:
    import io

    ws = openpyxl.load_workbook(io.BytesIO(content)).active
    return ws["E3"].value, ws["F3"].value


def form_save(client, county, period, **values):
    """Save through the monthly form, as another reporter of the county would."""
    page = client.get(url("submission_form", county, period))
    post = {"version": page.context["version"], "action": "save"}
    for row in (r for _c, rows in page.context["groups"] for r in rows):
        code = row.indicator.code
        post[f"value_{code}"] = values.get(code, row.value)
        post[f"prior_{code}"] = row.prior_value
        post[f"note_{code}"] = row.note
    response = client.post(url("submission_form", county, period), post)
    assert response.status_code == 302, response.status_code
    return response


def stored(county, period):
    submission = Submission.objects.get(county=county, period=period)
    return {v.indicator.code: v.value for v in submission.values.select_related("indicator")}


def test_template_records_the_version_it_was_made_from(client, reporter_a, county_a, period):
    client.force_login(reporter_a)
    assert template_version(template_bytes(client, county_a, period)) == ("数据版本", 0)
    data = filled(template_bytes(client, county_a, period), **{f"D{GDP_ROW}": 330})
    assert upload(client, county_a, period, data).status_code == 302
    version = Submission.objects.get(county=county_a, period=period).version
    assert template_version(template_bytes(client, county_a, period)) == ("数据版本", version)


def test_stale_template_is_refused_with_what_it_would_change_then_confirmed(
    client, reporter_a, county_a, period
):
    client.force_login(reporter_a)
    first = filled(template_bytes(client, county_a, period), **{f"D{GDP_ROW}": 330})
    assert upload(client, county_a, period, first).status_code == 302
    stale = template_bytes(client, county_a, period)  # downloaded now ...
    form_save(client, county_a, period, gdp="335")  # ... then a figure is saved in the form
    before = database()

    response = upload(client, county_a, period, filled(stale, **{f"D{RETAIL_ROW}": 101}))
    assert response.status_code == 409
    assert database() == before  # nothing saved
    conflict = response.context["conflict"]
    changes = {(c.indicator.code, c.field): (c.theirs, c.yours) for c in conflict.changes}
    # the form's 335 would go back to the template's 330; retail would be new
    assert changes == {
        ("gdp", "value"): (D("335"), D("330")),
        ("retail", "value"): (None, D("101")),
    }
    body = response.content.decode()
    assert "没有导入，以免覆盖对方的修改" in body
    assert "地区生产总值" in body and "本年累计" in body and 'id="confirm-overwrite"' in body

    confirmed = client.post(
        url("submission_upload", county_a, period),
        {"action": "overwrite", "version": conflict.version},
    )
    assert confirmed.status_code == 302
    assert stored(county_a, period) == {"gdp": D("330"), "retail": D("101"), "air": None}
    # the confirmation is used once
    again = client.post(
        url("submission_upload", county_a, period),
        {"action": "overwrite", "version": conflict.version},
    )
    assert again.status_code == 400
    assert "已过期或不存在" in again.content.decode()


def test_stale_template_that_changes_nothing_stored_is_saved(client, reporter_a, county_a, period):
    """Nothing would be lost: re-uploading an old copy of what is stored is not a conflict."""
    client.force_login(reporter_a)
    assert upload(client, county_a, period, template_bytes(client, county_a, period)).status_code
    stale = template_bytes(client, county_a, period)
    form_save(client, county_a, period, gdp="335")
    same = filled(stale, **{f"D{GDP_ROW}": 335})
    assert upload(client, county_a, period, same).status_code == 302
    assert stored(county_a, period)["gdp"] == D("335")


def test_confirming_after_a_further_save_shows_the_new_list(client, reporter_a, county_a, period):
    client.force_login(reporter_a)
    assert upload(client, county_a, period, template_bytes(client, county_a, period)).status_code
    stale = template_bytes(client, county_a, period)
    form_save(client, county_a, period, gdp="335")
    response = upload(client, county_a, period, filled(stale, **{f"D{GDP_ROW}": 330}))
    assert response.status_code == 409
    seen = response.context["conflict"].version
    form_save(client, county_a, period, gdp="340")  # someone saves while the list is read
    before = database()
    response = client.post(
        url("submission_upload", county_a, period), {"action": "overwrite", "version": seen}
    )
    assert response.status_code == 409
    assert database() == before
    changes = {
        (c.indicator.code, c.field): (c.theirs, c.yours)
        for c in response.context["conflict"].changes
    }
    assert changes[("gdp", "value")] == (D("340"), D("330"))


@pytest.mark.parametrize("posted", [{}, {"version": "abc"}, {"version": "²"}, {"version": "99"}])
def test_confirmation_without_the_listed_version_is_refused(
    client, reporter_a, county_a, period, posted
):
    client.force_login(reporter_a)
    assert upload(client, county_a, period, template_bytes(client, county_a, period)).status_code
    stale = template_bytes(client, county_a, period)
    form_save(client, county_a, period, gdp="335")
    assert (
        upload(client, county_a, period, filled(stale, **{f"D{GDP_ROW}": 330})).status_code == 409
    )
    before = database()
    response = client.post(
        url("submission_upload", county_a, period), {"action": "overwrite", **posted}
    )
    assert response.status_code == 400
    assert "请重新上传文件" in response.content.decode()
    assert database() == before


@pytest.mark.parametrize("version", ["abc", -1, 1.5, "9" * 40])
def test_an_edited_version_cell_is_refused_with_its_address(
    client, reporter_a, county_a, period, version
):
    client.force_login(reporter_a)
    data = filled(template_bytes(client, county_a, period), F3=version, **{f"D{GDP_ROW}": 330})
    before = database()
    response = upload(client, county_a, period, data)
    assert response.status_code == 400
    assert ("东城区", 3, "F") in where(response)
    assert "数据版本" in response.content.decode()
    assert database() == before


def test_a_csv_on_an_empty_month_needs_no_confirmation(client, reporter_a, county_a, period):
    client.force_login(reporter_a)
    response = upload(client, county_a, period, b"code,value\ngdp,330\n", "v.csv")
    assert response.status_code == 302
    assert stored(county_a, period) == {"gdp": D("330")}


# ----------------------------------------------------------------------------- concurrency

UPLOADERS = 20


def _upload_at_once(county, period, user, files: list[bytes]) -> list[int]:
    """Post every file from its own thread and connection, released together."""
    barrier = threading.Barrier(len(files))
    statuses: list[int] = [0] * len(files)

    def run(index: int) -> None:
        client = Client()
        client.force_login(user)
        barrier.wait()
        try:
            statuses[index] = upload(client, county, period, files[index]).status_code
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(files))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("existing", [False, True], ids=["first-save", "later-save"])
def test_simultaneous_uploads_one_wins_the_others_are_told(reporter_a, county_a, period, existing):
    assert connection.vendor == "postgresql"
    client = Client()
    client.force_login(reporter_a)
    if existing:
        first = filled(template_bytes(client, county_a, period), **{f"D{GDP_ROW}": 320})
        assert upload(client, county_a, period, first).status_code == 302
    template = template_bytes(client, county_a, period)
    files = [filled(template, **{f"D{GDP_ROW}": 330 + i}) for i in range(UPLOADERS)]

    statuses = _upload_at_once(county_a, period, reporter_a, files)

    assert sorted(statuses) == [302] + [409] * (UPLOADERS - 1), statuses
    winner = statuses.index(302)
    assert Submission.objects.filter(county=county_a, period=period).count() == 1
    assert stored(county_a, period)["gdp"] == D(330 + winner)
    values = SubmissionValue.objects.filter(submission__county=county_a, submission__period=period)
    assert values.count() == 3  # one row per indicator of the template, no duplicates


def test_form_opened_before_the_first_save_does_not_overwrite_it(
    client, reporter_a, county_a, period
):
    """The form records version 0 for a month with no figures yet; a save made in between is
    reported, not overwritten (before, such a post skipped the check)."""
    client.force_login(reporter_a)
    page = client.get(url("submission_form", county_a, period))
    assert page.context["version"] == 0
    assert upload(client, county_a, period, b"code,value\ngdp,330\n", "v.csv").status_code == 302
    before = database()
    post = {"version": "0", "action": "save", "value_gdp": "345", "prior_gdp": "", "note_gdp": ""}
    response = client.post(url("submission_form", county_a, period), post)
    assert response.status_code == 409
    assert database() == before
    assert stored(county_a, period)["gdp"] == D("330")
