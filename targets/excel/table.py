"""A sheet of an uploaded targets workbook read as a table: the header row found by its names
(in every configured language), then data rows as {column name: value}, with the cells no reader
can trust refused at their address."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from counties.excel import HEADER_SEARCH_ROWS, MAX_ROWS, Problem
from counties.excel.reading import Uncomputed, header_label, is_filled, label_aliases
from scorecard.middleware import has_control_characters

from .layout import MONTH, MONTHS, Located

# Excel writes a control character in a cell as _xHHHH_, which openpyxl reads as that text.
_ESCAPED_CONTROL = re.compile(r"_x(00[01][0-9A-Fa-f]|007[Ff])_")
SHORT = 40  # characters of a cell quoted in a message


def has_control(text: str) -> bool:
    if has_control_characters(text):
        return True
    escaped = (m.group(1).upper() for m in _ESCAPED_CONTROL.finditer(text))
    return any(code not in ("0009", "000A", "000D") for code in escaped)


def quote(value: object) -> str:
    return str(value).strip()[:SHORT]


def columns_of(
    spec: Iterable[tuple[str, str, tuple[str, ...]]],
) -> dict[str, tuple[str, frozenset[str]]]:
    """Column name -> (header in the active language, every header accepted)."""
    return {name: (_(label), label_aliases(label, *others)) for name, label, others in spec}


def month_columns() -> dict[str, tuple[str, frozenset[str]]]:
    columns = {}
    for month in MONTHS:
        accepted = {str(month), f"m{month}", f"month{month}", f"{month}月"}
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                accepted.add(header_label(_(MONTH) % {"month": month}))
        columns[f"m{month}"] = (_(MONTH) % {"month": month}, frozenset(accepted))
    return columns


class Table:
    """One sheet read as a table: the header row (found in the first rows by its 指标代码
    column), then each data row as {column name: value}. Merged cells in the data rows, formulas
    saved without a result and control characters are refused with their address."""

    def __init__(
        self,
        title: str,
        columns: Mapping[str, tuple[str, frozenset[str]]],
        required: Iterable[str],
        merged: list,
        problems: list[Problem],
    ) -> None:
        self.title = title
        self.columns = columns
        self.required = tuple(required)
        self.merged = list(merged)
        self.problems = problems
        self.index: dict[str, int] = {}
        self.letters: dict[str, str] = {}

    def problem(self, message: str, row: int | None = None, column: str | int | None = None):
        if isinstance(column, str):
            column = self.index.get(column)
        letter = get_column_letter(column + 1) if column is not None else ""
        self.problems.append(Problem(message, self.title, row, letter))

    def at(self, row: int) -> Located:
        return Located(self.title, row, dict(self.letters))

    def rows(self, numbered: Iterable[tuple[int, tuple]]) -> Iterator[tuple[int, dict]]:
        header = None
        for number, cells in numbered:
            if number > MAX_ROWS:
                if any(is_filled(c) for c in cells):
                    self.problem(_("表格超过 %(n)d 行。") % {"n": MAX_ROWS}, number)
                break
            if header is None:
                if number > HEADER_SEARCH_ROWS:
                    break
                if self._header(cells):
                    header = number
                    missing = [n for n in self.required if n not in self.index]
                    for name in missing:
                        label = self.columns[name][0]
                        self.problem(_("表头缺少“%(column)s”列。") % {"column": label}, number)
                    if missing:
                        return
                continue
            values = self._row(number, cells)
            if values is not None:
                yield number, values
        if header is None:
            self.problem(
                _("找不到表头行：前 %(n)d 行中应有“指标代码”列。") % {"n": HEADER_SEARCH_ROWS}
            )

    def _header(self, cells: tuple) -> bool:
        labels = [header_label(c) for c in cells]
        if not any(text in self.columns["code"][1] for text in labels):
            return False
        for index, text in enumerate(labels):
            name = next((n for n, (_l, accepted) in self.columns.items() if text in accepted), None)
            if name is not None and name not in self.index:
                self.index[name] = index
                self.letters[name] = get_column_letter(index + 1)
        return True

    def _row(self, number: int, cells: tuple) -> dict | None:
        ok = True
        for merged in [m for m in self.merged if m.min_row <= number <= m.max_row]:
            self.merged.remove(merged)  # said once per range
            self.problem(
                _("数据区有合并单元格 %(ref)s：请取消合并、每格填一个数后再上传。")
                % {"ref": merged.coord},
                number,
                merged.min_col - 1,
            )
            ok = False
        for index, value in enumerate(cells):
            address = f"{get_column_letter(index + 1)}{number}"
            if isinstance(value, Uncomputed):
                self.problem(
                    _(
                        "单元格 %(cell)s 是公式，但文件里没有它的计算结果：请在 Excel 中打开、"
                        "保存后再上传，或改填数值。"
                    )
                    % {"cell": value.address},
                    number,
                    index,
                )
                ok = False
            elif isinstance(value, str) and has_control(value):
                message = _("单元格 %(cell)s 含有不可见的控制字符（如 NUL）。")
                self.problem(message % {"cell": address}, number, index)
                ok = False
        if not ok:
            return None
        return {name: cells[i] if i < len(cells) else None for name, i in self.index.items()}
