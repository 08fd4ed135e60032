"""The bulletin's renderers (supervision/documents.py): the Word file read back with python-docx,
the PDF read back with pdftotext (poppler-utils) and WeasyPrint's own layout. No database."""

from __future__ import annotations

import builtins
import re
import shutil
import subprocess
from html import escape
from pathlib import Path

import pytest
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from docx.shared import Mm

from supervision import documents
from supervision.content import BulletinDocument, DocTable

COUNTIES = [
    "梅岭县",
    "长林县",
    "云溪区",
    "青山区",
    "白河县",
    "松阳县",
    "石门县",
    "桃源县",
    "临江区",
    "枫桥县",
]
TOTALS = ["92.35", "90.12", "88.76", "87.40", "85.03", "83.91", "82.17", "80.66", "78.25", "75.08"]
CHANGES = ["↑2", "—", "↓1", "↑1", "↓2", "—", "↑3", "↓1", "—", "↓4"]
GROUPS = ["第一方阵"] * 3 + ["第二方阵"] * 4 + ["第三方阵"] * 3

LEAGUE = DocTable(
    title="表1 2026年1-9月县区经济发展考核得分及排名",
    headers=["名次", "县区", "总分（分）", "名次变化", "方阵"],
    rows=[
        [str(i + 1), COUNTIES[i], TOTALS[i], CHANGES[i], GROUPS[i]] for i in range(len(COUNTIES))
    ],
    numeric=[True, False, True, False, False],
)

CATEGORY = DocTable(
    title="表2 2026年1-9月县区主要经济指标增速及得分",
    headers=[
        "县区",
        "地区生产总值增速（%）",
        "规上工业增加值增速（%）",
        "固定资产投资增速（%）",
        "社会消费品零售总额增速（%）",
        "一般公共预算收入增速（%）",
        "得分（分）",
        "名次",
    ],
    rows=[
        [
            name,
            f"{6.8 - i * 0.3:.1f}",
            f"{9.2 - i * 0.6:.1f}",
            f"{5.5 - i * 1.1:.1f}",
            f"{7.1 - i * 0.2:.1f}",
            f"{4.3 - i * 0.9:.1f}",
            f"{38.5 - i * 1.3:.2f}",
            str(i + 1),
        ]
        for i, name in enumerate(COUNTIES)
    ],
    numeric=[False, True, True, True, True, True, True, True],
)

PARAGRAPHS = [
    "为全面掌握各县区经济运行情况，根据《青川市县区经济发展考核办法》，市统计局对2026年1-9月"
    "各县区主要经济指标完成情况进行了考核评价，现将有关情况通报如下。",
    "从考核结果看，梅岭县、长林县、云溪区位列第一方阵，梅岭县以92.35分居全市首位，"
    "规上工业增加值、固定资产投资等指标增速均高于全市平均水平。",
    "长林县、云溪区社会消费品零售总额增长较快；枫桥县、临江区部分指标增速回落，"
    "请相关县区认真分析原因，采取有力措施，确保完成全年目标任务。",
]


def bulletin(tables: list[DocTable] | None = None, paragraphs: list[str] | None = None):
    return BulletinDocument(
        title="2026年1-9月全市县区经济发展考核情况通报",
        number="2026年第9期",
        issuer="青川市统计局",
        date="2026年10月12日",
        paragraphs=PARAGRAPHS if paragraphs is None else paragraphs,
        tables=[LEAGUE, CATEGORY] if tables is None else tables,
    )


def bulletin_html(document: BulletinDocument) -> str:
    """The bulletin page's markup (the real template is the page's): the classes the print
    stylesheet styles."""
    parts = [
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">',
        f"<title>{escape(document.title)}</title></head><body>",
        '<article class="bulletin"><header class="bulletin-head">',
        f'<h1 class="bulletin-title">{escape(document.title)}</h1>',
        f'<p class="bulletin-number">{escape(document.number)}</p>',
        f'<p class="bulletin-issuer">{escape(document.issuer)}　{escape(document.date)}</p>',
        '</header><section class="bulletin-text">',
        *(f"<p>{escape(p)}</p>" for p in document.paragraphs),
        "</section>",
    ]
    for table in document.tables:
        numeric = list(table.numeric) + [False] * (len(table.headers) - len(table.numeric))
        head = "".join(f"<th>{escape(h)}</th>" for h in table.headers)
        body = "".join(
            "<tr>"
            + "".join(
                f'<td class="num">{escape(v)}</td>' if numeric[i] else f"<td>{escape(v)}</td>"
                for i, v in enumerate(row)
            )
            + "</tr>"
            for row in table.rows
        )
        parts.append(
            f'<section class="bulletin-table-block"><h2>{escape(table.title)}</h2>'
            f'<table class="bulletin-table"><thead><tr>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table></section>"
        )
    parts.append("</article></body></html>")
    return "".join(parts)


def wide_table(rows: int = 10) -> DocTable:
    """12 columns: the county and ten indicators' scores and the total."""
    headers = [
        "县区",
        "地区生产总值",
        "规上工业增加值",
        "固定资产投资",
        "工业投资",
        "社会消费品零售总额",
        "一般公共预算收入",
        "税收收入占比",
        "实际使用外资",
        "外贸进出口总额",
        "城乡居民人均可支配收入",
        "总分（分）",
    ]
    body = []
    for i in range(rows):
        name = COUNTIES[i % len(COUNTIES)]
        scores = [f"{9.87 - (i % 10) * 0.31 - k * 0.05:.2f}" for k in range(10)]
        body.append([name, *scores, f"{92.35 - (i % 10) * 1.7:.2f}"])
    return DocTable(
        title="表3 2026年1-9月县区分项指标得分",
        headers=headers,
        rows=body,
        numeric=[False] + [True] * 11,
    )


@pytest.fixture
def pdftotext():
    path = shutil.which("pdftotext")
    if path is None:
        pytest.skip("pdftotext (poppler-utils) is not installed; CI has it")
    return path


def pdf_text(pdftotext: str, pdf: bytes, tmp_path: Path, *pages: str) -> str:
    file = tmp_path / "bulletin.pdf"
    file.write_bytes(pdf)
    result = subprocess.run(
        [pdftotext, "-layout", *pages, str(file), "-"],
        check=True,
        capture_output=True,
        text=True,
        encoding="utf-8",
    )
    return result.stdout


# Word ---------------------------------------------------------------------------------------


def read_docx(data: bytes):
    import io

    return Document(io.BytesIO(data))


def test_docx_reads_back_head_text_and_page():
    data = documents.bulletin_docx(bulletin())
    assert data[:2] == b"PK"
    doc = read_docx(data)
    texts = [p.text for p in doc.paragraphs]

    assert texts[0] == "2026年1-9月全市县区经济发展考核情况通报"
    assert doc.paragraphs[0].alignment == 1  # centred
    assert all(run.bold for run in doc.paragraphs[0].runs)
    assert texts[1] == "2026年第9期"
    assert doc.paragraphs[1].alignment == 1
    assert "青川市统计局" in texts[2] and "2026年10月12日" in texts[2]
    for paragraph in PARAGRAPHS:
        assert paragraph in texts
        body = doc.paragraphs[texts.index(paragraph)]
        assert body.paragraph_format.first_line_indent is not None
        assert body.paragraph_format.first_line_indent.pt == pytest.approx(24)
    assert LEAGUE.title in texts and CATEGORY.title in texts

    section = doc.sections[0]
    assert section.page_width.mm == pytest.approx(210, abs=0.1)  # A4, stored in twips
    assert section.page_height.mm == pytest.approx(297, abs=0.1)
    assert section.orientation == WD_ORIENT.PORTRAIT
    assert section.left_margin.mm == pytest.approx(20, abs=0.1)
    assert section.top_margin.mm == pytest.approx(25, abs=0.1)


def test_docx_fonts_are_chinese():
    doc = read_docx(documents.bulletin_docx(bulletin()))
    title_run = doc.paragraphs[0].runs[0]
    assert title_run.font.name == "SimHei"
    assert title_run._r.rPr.rFonts.get(qn("w:eastAsia")) == "黑体"
    body_run = doc.paragraphs[3].runs[0]
    assert body_run._r.rPr.rFonts.get(qn("w:eastAsia")) == "宋体"


def test_docx_tables_headers_cells_and_repeating_header():
    doc = read_docx(documents.bulletin_docx(bulletin()))
    assert len(doc.tables) == 2
    league, category = doc.tables

    assert [c.text for c in league.rows[0].cells] == LEAGUE.headers
    assert [row.cells[1].text for row in league.rows[1:]] == COUNTIES
    assert [c.text for c in league.rows[1].cells] == LEAGUE.rows[0]
    assert [c.text for c in category.rows[0].cells] == CATEGORY.headers
    assert [c.text for c in category.rows[4].cells] == CATEGORY.rows[3]

    for table in (league, category):
        assert table.style.name == "Table Grid"
        header = table.rows[0]._tr.trPr
        assert header is not None and header.find(qn("w:tblHeader")) is not None
        body = table.rows[1]._tr.trPr
        assert body is None or body.find(qn("w:tblHeader")) is None

    # figures right-aligned, names centred
    assert league.rows[1].cells[2].paragraphs[0].alignment == 2
    assert league.rows[1].cells[1].paragraphs[0].alignment == 1


def test_docx_column_widths_fit_the_page():
    doc = read_docx(documents.bulletin_docx(bulletin(tables=[LEAGUE, CATEGORY, wide_table()])))
    text_width = Mm(210 - 40)
    for table in doc.tables:
        widths = [cell.width for cell in table.rows[1].cells]
        assert sum(widths) == pytest.approx(text_width, rel=0.01)
        # no column narrower than three characters of the table's font (9.5pt)
        assert min(w.pt for w in widths) > 3 * 9.5
    # the league table's county column is wider than its rank and score columns
    league = doc.tables[0].rows[1].cells
    assert league[1].width > 1.5 * league[0].width
    assert league[1].width > league[2].width


# PDF ----------------------------------------------------------------------------------------


def test_pdf_text(pdftotext, tmp_path):
    pdf = documents.bulletin_pdf(bulletin_html(bulletin()))
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdftotext, pdf, tmp_path)
    assert "2026年1-9月全市县区经济发展考核情况通报" in text
    assert "2026年第9期" in text
    assert "青川市统计局" in text
    for name in COUNTIES:
        assert name in text
    assert "总分（分）" in text
    assert re.search(r"第\s*1\s*页", text)  # the page number in the bottom margin


def test_pdf_long_table_repeats_its_header(pdftotext, tmp_path):
    long = DocTable(
        title="表1 县区得分及排名",
        headers=LEAGUE.headers,
        rows=[
            [str(i + 1), COUNTIES[i % 10], TOTALS[i % 10], CHANGES[i % 10], GROUPS[i % 10]]
            for i in range(60)
        ],
        numeric=LEAGUE.numeric,
    )
    pdf = documents.bulletin_pdf(bulletin_html(bulletin(tables=[long], paragraphs=[])))
    second = pdf_text(pdftotext, pdf, tmp_path, "-f", "2", "-l", "2")
    assert second.strip(), "the table should run onto a second page"
    assert "名次变化" in second and "总分（分）" in second
    assert re.search(r"第\s*2\s*页", second)
    # the rows on page 2 follow on from page 1: the last row is there
    assert "60" in second


def test_pdf_wide_table_never_breaks_a_county_name(pdftotext, tmp_path):
    pdf = documents.bulletin_pdf(bulletin_html(bulletin(tables=[wide_table()], paragraphs=[])))
    lines = pdf_text(pdftotext, pdf, tmp_path).splitlines()
    for name in COUNTIES:
        assert any(name in line for line in lines), f"{name} is broken across lines"


def test_pdf_wide_table_no_column_squeezed_to_one_character():
    """WeasyPrint's own layout: every cell of the 12-column table is at least two characters
    wide, and the table stays within the page's text width."""
    import weasyprint
    from weasyprint.formatting_structure import boxes

    html = bulletin_html(bulletin(tables=[wide_table()], paragraphs=[]))
    rendered = weasyprint.HTML(string=html).render(
        stylesheets=[weasyprint.CSS(filename=documents.print_stylesheet_path())]
    )
    cells = []
    tables = []
    for page in rendered.pages:
        for box in page._page_box.descendants():
            if isinstance(box, boxes.TableCellBox):
                cells.append(box)
            elif isinstance(box, boxes.TableBox):
                tables.append(box)
    assert len(cells) >= 12 * 11
    for cell in cells:
        assert cell.width >= 2 * cell.style["font_size"], cell.element.text
    text_width_px = (210 - 40) / 25.4 * 96
    for table in tables:
        assert table.border_width() <= text_width_px + 1


def test_pdf_unavailable_without_pango(monkeypatch):
    real_import = builtins.__import__

    def no_pango(name, *args, **kwargs):
        if name == "weasyprint" or name.startswith("weasyprint."):
            raise OSError("cannot load library 'libpango-1.0-0': no such file")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pango)
    with pytest.raises(documents.PdfUnavailable, match="Pango"):
        documents.bulletin_pdf("<p>通报</p>")


def test_pdf_available_is_cached(monkeypatch):
    documents.pdf_available.cache_clear()
    try:
        assert documents.pdf_available() is True
        monkeypatch.setattr(
            documents, "_weasyprint", lambda: (_ for _ in ()).throw(documents.PdfUnavailable())
        )
        assert documents.pdf_available() is True  # tried once
    finally:
        documents.pdf_available.cache_clear()
