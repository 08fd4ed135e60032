"""The monthly bulletin in the browser: a reviewer drafts the published month's bulletin, edits
its text, issues it and downloads the PDF, whose first page is kept as a PNG with the
screenshots; a county's reporter then finds it in the archive."""

import shutil
import subprocess

import pytest

from rankings import services
from supervision.models import Bulletin
from tests.browser.conftest import SCREENSHOTS, login
from tests.rankings.conftest import city  # noqa: F401 - the small scored city

pytestmark = pytest.mark.django_db(transaction=True)
ADDED = "八、请各县区于下月5日前报送整改措施。"


def test_a_reviewer_drafts_edits_issues_and_downloads_the_bulletin(
    page,
    live_server,
    city,  # noqa: F811
    reviewer,
    reporter_a,
    shot,
    tmp_path,
):
    run = services.ranking_recompute(period=city["september"], trigger="command").run
    services.ranking_publish(run=run, user=reviewer)
    base = live_server.url
    login(page, base, reviewer.username)
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="通报").click()
    page.locator("form button", has_text="起草").click()
    page.wait_for_selector("article.bulletin")
    assert "2026年第1期" in page.locator("article.bulletin").text_content()
    assert "一、总体排名。综合得分前三位的是：" in page.locator("article.bulletin").text_content()
    text = page.locator("#bulletin-text")
    text.fill(text.input_value() + "\n\n" + ADDED)
    page.get_by_role("button", name="保存正文").click()
    page.wait_for_selector("li.message.success")
    assert ADDED in page.locator("article.bulletin").text_content()
    shot("bulletin-draft")
    page.locator("input[name=confirm]").check()
    page.get_by_role("button", name="印发", exact=True).click()
    page.wait_for_selector("li.message.success")
    assert Bulletin.objects.get().is_issued
    with page.expect_download() as download:
        page.get_by_role("link", name="下载 PDF").click()
    pdf = tmp_path / "bulletin.pdf"
    pdf.write_bytes(download.value.path().read_bytes())
    assert pdf.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftoppm") is None:
        pytest.fail("pdftoppm is missing: apt-get install -y poppler-utils (.ci/run does this)")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(pdf),
         str(SCREENSHOTS / "bulletin-pdf-page-1")],
        check=True,
    )  # fmt: skip
    assert (SCREENSHOTS / "bulletin-pdf-page-1.png").stat().st_size > 10_000

    # a county's reporter reads the issued bulletin
    page.context.clear_cookies()
    login(page, base, reporter_a.username)
    page.goto(f"{base}/bulletins/")
    page.get_by_role("link", name="2026年第1期").click()
    page.wait_for_selector("article.bulletin")
    assert ADDED in page.locator("article.bulletin").text_content()
    assert page.locator("#bulletin-text").count() == 0  # nothing to edit
    shot("bulletin-issued-county")
