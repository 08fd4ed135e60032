"""A bulletin (通报) as a document: what the page, the PDF and the Word file are made of.

Built once from stored results (supervision.selectors.bulletin_facts and composer.py) and stored
with the bulletin; the renderers (documents.py) turn it into files and never read the database.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class DocTable:
    """A table of the bulletin: a title, column headers and rows of display texts (numbers
    already formatted with their units, so every renderer shows the same)."""

    title: str
    headers: list[str]
    rows: list[list[str]]
    numeric: list[bool] = field(default_factory=list)  # per column: right-aligned figures


@dataclass(frozen=True)
class DocImage:
    """A chart of the bulletin: its caption and the PNG, base64-encoded (JSON keeps it)."""

    title: str
    png: str


@dataclass(frozen=True)
class BulletinDocument:
    title: str  # 2026年1-9月全市县区经济发展考核情况通报
    number: str  # 2026年第9期
    issuer: str  # 市统计局 (the city's name and office)
    date: str  # the drafting or issuing date, written out
    paragraphs: list[str]  # the text, one paragraph each
    tables: list[DocTable]
    images: list[DocImage] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> BulletinDocument:
        return cls(
            title=data["title"],
            number=data["number"],
            issuer=data["issuer"],
            date=data["date"],
            paragraphs=list(data["paragraphs"]),
            tables=[DocTable(**t) for t in data["tables"]],
            images=[DocImage(**i) for i in data.get("images", [])],
        )
