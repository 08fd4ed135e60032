"""The bulletin (通报) as files: a Word document and a PDF.

Users: the bulletin views, which offer the stored BulletinDocument (content.py) for download as
Word (offices edit, stamp and file it) and the rendered bulletin page as PDF. Both renderers work
on what they are given and never read the database.

- bulletin_docx(): python-docx, A4 portrait, Chinese document fonts, tables that fit the page
  width and repeat their header row on every page;
- bulletin_pdf(): WeasyPrint over the bulletin page's HTML with the print stylesheet
  (static/css/bulletin-print.css). WeasyPrint needs Pango from the system; when it cannot load
  it, bulletin_pdf() raises PdfUnavailable so that a view can say so instead of failing, and
  pdf_available() lets a page leave out the PDF link beforehand.
"""

from __future__ import annotations

import base64
import functools
import io
import unicodedata
from typing import Any

from django.contrib.staticfiles import finders
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu, Mm, Pt

from .content import BulletinDocument, DocImage, DocTable

PRINT_STYLESHEET = "css/bulletin-print.css"

# Page: A4 portrait; the margins match the print stylesheet's @page rule.
PAGE_WIDTH = Mm(210)
PAGE_HEIGHT = Mm(297)
MARGIN_TOP_BOTTOM = Mm(25)
MARGIN_LEFT_RIGHT = Mm(20)
TEXT_WIDTH = Emu(PAGE_WIDTH - 2 * MARGIN_LEFT_RIGHT)

# Fonts: (Latin name, East Asian name). Word on Chinese systems has both; elsewhere it
# substitutes its own CJK fonts.
BODY_FONT = ("SimSun", "宋体")
HEADING_FONT = ("SimHei", "黑体")

TITLE_SIZE = 18.0  # 小二
BODY_SIZE = 12.0  # 小四
TABLE_SIZE = 9.5

# Table cells: Word's default left and right cell margins ("Table Grid"), 0.19 cm each.
CELL_PADDING_PT = 2 * 5.4
CHAR_SLACK_PT = 4.0


class PdfUnavailable(Exception):
    """The PDF cannot be made on this server: WeasyPrint cannot load its system libraries."""


# Word ---------------------------------------------------------------------------------------


def _set_fonts(rpr_owner: Any, fonts: tuple[str, str]) -> None:
    """Latin and East Asian font of a run or a style (python-docx only sets the Latin ones)."""
    latin, east_asian = fonts
    rpr_owner.font.name = latin
    rpr = rpr_owner.element.get_or_add_rPr()
    rfonts = rpr.get_or_add_rFonts()
    rfonts.set(qn("w:eastAsia"), east_asian)


def _run(paragraph: Any, text: str, *, fonts: tuple[str, str], size: float, bold: bool) -> Any:
    run = paragraph.add_run(text)
    _set_fonts(run, fonts)
    run.font.size = Pt(size)
    run.font.bold = bold
    return run


def _body_style(document: Any) -> None:
    """Normal style: the body font, simplified Chinese as the East Asian language."""
    normal = document.styles["Normal"]
    _set_fonts(normal, BODY_FONT)
    normal.font.size = Pt(BODY_SIZE)
    rpr = normal.element.get_or_add_rPr()
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:eastAsia"), "zh-CN")
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.space_after = Pt(0)


def _page(document: Any) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width = PAGE_WIDTH
    section.page_height = PAGE_HEIGHT
    section.top_margin = section.bottom_margin = MARGIN_TOP_BOTTOM
    section.left_margin = section.right_margin = MARGIN_LEFT_RIGHT


def _bottom_rule(paragraph: Any) -> None:
    """A thin red line under the paragraph (the rule under a bulletin's head)."""
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("val", "single"), ("sz", "12"), ("space", "4"), ("color", "B42318")):
        bottom.set(qn(f"w:{key}"), value)
    borders.append(bottom)
    # pBdr goes before the spacing, indentation and justification elements of pPr.
    successor = next(
        (
            ppr.find(qn(f"w:{tag}"))
            for tag in ("shd", "tabs", "spacing", "ind", "jc")
            if ppr.find(qn(f"w:{tag}")) is not None
        ),
        None,
    )
    if successor is not None:
        successor.addprevious(borders)
    else:
        ppr.append(borders)


def _head(document: Any, bulletin: BulletinDocument) -> None:
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.space_after = Pt(12)
    _run(title, bulletin.title, fonts=HEADING_FONT, size=TITLE_SIZE, bold=True)

    number = document.add_paragraph()
    number.alignment = WD_ALIGN_PARAGRAPH.CENTER
    number.paragraph_format.space_after = Pt(6)
    _run(number, bulletin.number, fonts=BODY_FONT, size=BODY_SIZE, bold=False)

    # Issuer on the left, date on the right (a right tab stop at the text's edge), then a rule.
    issuer = document.add_paragraph()
    issuer.paragraph_format.tab_stops.add_tab_stop(TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT)
    issuer.paragraph_format.space_after = Pt(12)
    _run(issuer, f"{bulletin.issuer}\t{bulletin.date}", fonts=BODY_FONT, size=BODY_SIZE, bold=False)
    _bottom_rule(issuer)


def _text(document: Any, paragraphs: list[str]) -> None:
    for text in paragraphs:
        paragraph = document.add_paragraph()
        fmt = paragraph.paragraph_format
        fmt.first_line_indent = Pt(2 * BODY_SIZE)
        fmt.line_spacing = 1.5
        fmt.space_after = Pt(3)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        # Word prefers the indent in characters (首行缩进 2 字符) when it is given.
        paragraph._p.get_or_add_pPr().get_or_add_ind().set(qn("w:firstLineChars"), "200")
        _run(paragraph, text, fonts=BODY_FONT, size=BODY_SIZE, bold=False)


def _text_width_pt(text: str, size: float) -> float:
    """Approximate printed width of a one-line text: CJK and full-width characters take a
    full em, others about half."""
    ems = sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.55 for ch in text)
    return ems * size


def column_widths(table: DocTable, total: float, size: float = TABLE_SIZE) -> list[float]:
    """Widths (points) for the table's columns, summing to `total`: each column as wide as its
    widest cell, so that names and figures stay on one line, and its header on at most two
    lines; spare width goes to the text columns, a shortfall is taken from all alike."""
    count = len(table.headers)
    needs = []
    for col in range(count):
        cells = [row[col] for row in table.rows if col < len(row)]
        widest = max((_text_width_pt(c, size) for c in cells), default=0.0)
        header = _text_width_pt(table.headers[col], size)
        # A header may take two lines, but no less than three characters' width.
        need = max(widest, header / 2 + size, 3 * size) + CELL_PADDING_PT + CHAR_SLACK_PT
        needs.append(need)
    if not needs:
        return []
    spare = total - sum(needs)
    if spare <= 0:  # too wide: every column gives up the same share
        return [n * total / sum(needs) for n in needs]
    # Room to spare: it goes to the text columns (names), the figures stay narrow.
    numeric = list(table.numeric) + [False] * (count - len(table.numeric))
    texts = [n if not numeric[i] else 0.0 for i, n in enumerate(needs)]
    weights = texts if sum(texts) else needs
    return [n + spare * w / sum(weights) for n, w in zip(needs, weights, strict=True)]


def _repeat_header(row: Any) -> None:
    """Mark a row as the table's header row (repeated at the top of every page) that is never
    split across pages."""
    trpr = row._tr.get_or_add_trPr()
    cant_split = OxmlElement("w:cantSplit")
    header = OxmlElement("w:tblHeader")
    trpr.append(cant_split)
    trpr.append(header)


def _keep_row_whole(row: Any) -> None:
    row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))


def _cell(cell: Any, text: str, *, align: Any, bold: bool, fonts: tuple[str, str]) -> None:
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    paragraph = cell.paragraphs[0]
    paragraph.alignment = align
    paragraph.paragraph_format.first_line_indent = Pt(0)
    paragraph.paragraph_format.line_spacing = 1.0
    _run(paragraph, text, fonts=fonts, size=TABLE_SIZE, bold=bold)


def _table(document: Any, table: DocTable) -> None:
    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    heading.paragraph_format.space_before = Pt(12)
    heading.paragraph_format.space_after = Pt(6)
    heading.paragraph_format.keep_with_next = True
    _run(heading, table.title, fonts=HEADING_FONT, size=BODY_SIZE, bold=True)

    count = len(table.headers)
    numeric = list(table.numeric) + [False] * (count - len(table.numeric))
    grid = document.add_table(rows=1 + len(table.rows), cols=count)
    grid.style = document.styles["Table Grid"]
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    grid.autofit = False  # fixed layout: Word keeps the widths below

    widths = [Pt(w) for w in column_widths(table, TEXT_WIDTH.pt)]
    for column, width in zip(grid.columns, widths, strict=True):
        column.width = width

    header_row = grid.rows[0]
    _repeat_header(header_row)
    for col, text in enumerate(table.headers):
        cell = header_row.cells[col]
        cell.width = widths[col]
        _cell(cell, text, align=WD_ALIGN_PARAGRAPH.CENTER, bold=True, fonts=HEADING_FONT)

    for values, row in zip(table.rows, grid.rows[1:], strict=True):
        _keep_row_whole(row)
        for col in range(count):
            cell = row.cells[col]
            cell.width = widths[col]
            text = values[col] if col < len(values) else ""
            align = WD_ALIGN_PARAGRAPH.RIGHT if numeric[col] else WD_ALIGN_PARAGRAPH.CENTER
            _cell(cell, text, align=align, bold=False, fonts=BODY_FONT)


def _image(document: Any, image: DocImage) -> None:
    """A chart across the text width, its caption centred under it."""
    section = document.sections[-1]
    width = section.page_width - section.left_margin - section.right_margin
    document.add_picture(io.BytesIO(base64.b64decode(image.png)), width=width)
    document.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
    caption = document.add_paragraph()
    caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(caption, image.title, fonts=BODY_FONT, size=TABLE_SIZE, bold=False)


def bulletin_docx(document: BulletinDocument) -> bytes:
    """The bulletin as a Word document (.docx): A4 portrait; the title (黑体, bold) and number
    line centred, issuer and date over a rule, the paragraphs indented by two characters, then
    each table under its bold title, its header row repeated on every page and its figures
    right-aligned."""
    docx = Document()
    _page(docx)
    _body_style(docx)
    docx.core_properties.title = document.title
    docx.core_properties.author = document.issuer
    _head(docx, document)
    _text(docx, document.paragraphs)
    for table in document.tables:
        _table(docx, table)
    for image in document.images:
        _image(docx, image)
    out = io.BytesIO()
    docx.save(out)
    return out.getvalue()


# PDF ----------------------------------------------------------------------------------------


def _weasyprint() -> Any:
    """The weasyprint module, imported on first use: it loads Pango (through cffi) on import
    and raises OSError when the system lacks it."""
    try:
        import weasyprint
    except OSError as exc:
        raise PdfUnavailable(
            "PDF output is unavailable: WeasyPrint cannot load Pango (the system's text "
            f"layout library is missing; install Pango, see docs/deploy): {exc}"
        ) from exc
    except ImportError as exc:
        raise PdfUnavailable(
            f"PDF output is unavailable: WeasyPrint is not installed: {exc}"
        ) from exc
    return weasyprint


@functools.cache
def pdf_available() -> bool:
    """Whether bulletin_pdf() can work here (WeasyPrint and Pango load); tried once."""
    try:
        _weasyprint()
    except PdfUnavailable:
        return False
    return True


def print_stylesheet_path() -> str:
    """The print stylesheet's file on disk, found like any static file."""
    path = finders.find(PRINT_STYLESHEET)
    if isinstance(path, list):  # find(all=True) only; kept for the type checker
        path = path[0] if path else None
    if not path:
        raise FileNotFoundError(f"static file {PRINT_STYLESHEET} not found")
    return str(path)


def bulletin_pdf(html: str, *, base_url: str | None = None) -> bytes:
    """The bulletin page's HTML as a PDF with the print stylesheet (A4, page numbers, tables
    whose header row repeats on every page). `base_url` resolves the page's relative links.
    Raises PdfUnavailable when WeasyPrint cannot load its system libraries."""
    weasyprint = _weasyprint()
    stylesheet = weasyprint.CSS(filename=print_stylesheet_path())
    pdf: bytes = weasyprint.HTML(string=html, base_url=base_url).write_pdf(stylesheets=[stylesheet])
    return pdf
