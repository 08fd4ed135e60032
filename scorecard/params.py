"""Numbers read from query strings and form fields that no form class checks: a year, an id.

They accept plain ASCII digits within the range the database holds and return None otherwise,
so that "²" (which str.isdigit() accepts and int() refuses), a year of a thousand digits or an
id past a column's range reach the views as "not given", never as a server error.
"""

from __future__ import annotations

import re

MAX_ID = 2**31 - 1  # PostgreSQL integer (and bigint ids are never near it here)
YEARS = range(1990, 2101)


def year_param(text: str | None) -> int | None:
    """A four-digit year in 1990..2100, else None."""
    if text is None or not re.fullmatch(r"[0-9]{4}", text):
        return None
    year = int(text)
    return year if year in YEARS else None


def month_param(text: str | None) -> int | None:
    """A month 1..12 written with one or two ASCII digits, else None."""
    if text is None or not re.fullmatch(r"[0-9]{1,2}", text):
        return None
    month = int(text)
    return month if 1 <= month <= 12 else None


def id_param(text: str | None) -> int | None:
    """A positive database id, else None."""
    if text is None or not re.fullmatch(r"[0-9]{1,10}", text):
        return None
    pk = int(text)
    return pk if 0 < pk <= MAX_ID else None
