"""Writing many rows of one table at once: COPY on PostgreSQL, bulk_create elsewhere.

A ranking run stores several hundred result rows per period inside the recompute's transaction.
The ORM's bulk_create builds a model instance and prepares every field of every row, then sends
one long INSERT the server must parse; COPY streams the rows as CSV, which PostgreSQL reads
directly. Callers pass each row's values as the columns take them (None for NULL; numbers already
rounded to the column's places; lists and dicts for JSON columns), so both paths store the same.
"""

from __future__ import annotations

import io
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any, cast

from django.db import connection, models


def _text(value: Any) -> str:
    return '"' + str(value).replace('"', '""') + '"'


def _float(value: float) -> str:
    return repr(value) if math.isfinite(value) else ""


# How each type of value is written, by exact type (a dictionary lookup per value: the writer
# formats thousands of values per run); other types fall back to _csv_field.
_WRITERS: dict[type, Any] = {
    type(None): lambda value: "",
    bool: lambda value: "t" if value else "f",
    int: str,
    Decimal: str,
    float: _float,
    str: _text,
}


def _csv_field(value: Any) -> str:
    """One value in PostgreSQL's CSV format: NULL as an unquoted empty field, text quoted."""
    writer = _WRITERS.get(type(value))
    if writer is not None:
        return writer(value)
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, int | Decimal):
        return str(value)
    if isinstance(value, float):
        return _float(value)
    return _text(value)


def _csv_json(value: Any) -> str:
    if value == []:  # most flags and reasons
        return '"[]"'
    return _text(json.dumps(value, ensure_ascii=False))


def copy_supported() -> bool:
    """Whether the database takes COPY (PostgreSQL); elsewhere rows go through bulk_create."""
    return connection.vendor == "postgresql"


def rows_insert(
    model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """Insert `rows` (each a sequence of values in `fields` order; fields named by attname,
    e.g. "county_id") into `model`'s table in the current transaction; the number written."""
    meta = model._meta
    found = [cast(models.Field, meta.get_field(name)) for name in fields]  # name or attname
    if not copy_supported():
        objects = [model(**dict(zip(fields, row, strict=True))) for row in rows]
        model.objects.bulk_create(objects, batch_size=2000)  # type: ignore[attr-defined]
        return len(objects)
    formats = [_csv_json if isinstance(f, models.JSONField) else _csv_field for f in found]
    text = io.StringIO()
    count = 0
    for row in rows:
        text.write(",".join([fmt(value) for fmt, value in zip(formats, row, strict=True)]))
        text.write("\n")
        count += 1
    if not count:
        return 0
    text.seek(0)
    names = ", ".join(connection.ops.quote_name(str(f.column)) for f in found)
    table = connection.ops.quote_name(meta.db_table)
    with connection.cursor() as cursor:
        cursor.copy_expert(f"COPY {table} ({names}) FROM STDIN WITH (FORMAT csv)", text)
    return count


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """`count` primary keys for new rows of `model`, taken from its table's sequence, so that
    rows written with COPY can carry their ids (and their history rows refer to them)."""
    if count <= 0:
        return []
    meta = model._meta
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, count],
        )
        return [row[0] for row in cursor.fetchall()]


def rows_update(
    model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """Update rows of `model` by primary key: each row is (pk, *values in `fields` order). On
    PostgreSQL the rows are copied into a temporary table and applied with one UPDATE ... FROM;
    elsewhere through bulk_update."""
    rows = list(rows)
    if not rows:
        return 0
    meta = model._meta
    if not copy_supported():
        objects = []
        for pk, *values in rows:
            obj = model(pk=pk, **dict(zip(fields, values, strict=True)))
            objects.append(obj)
        model.objects.bulk_update(objects, list(fields), batch_size=2000)  # type: ignore[attr-defined]
        return len(objects)
    quote = connection.ops.quote_name
    found = [cast(models.Field, meta.get_field(name)) for name in fields]
    columns = [meta.pk.column, *[str(f.column) for f in found]]
    table = quote(meta.db_table)
    scratch = quote(f"bulk_update_{meta.db_table}")
    listed = ", ".join(quote(c) for c in columns)
    formats = [_csv_field] + [
        _csv_json if isinstance(f, models.JSONField) else _csv_field for f in found
    ]
    text = io.StringIO()
    for row in rows:
        text.write(",".join([fmt(value) for fmt, value in zip(formats, row, strict=True)]))
        text.write("\n")
    text.seek(0)
    assignments = ", ".join(f"{quote(c)} = s.{quote(c)}" for c in columns[1:])
    pk = quote(meta.pk.column)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {scratch}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {scratch} ON COMMIT DROP AS "
            f"SELECT {listed} FROM {table} WITH NO DATA"
        )
        cursor.copy_expert(f"COPY {scratch} ({listed}) FROM STDIN WITH (FORMAT csv)", text)
        cursor.execute(f"UPDATE {table} t SET {assignments} FROM {scratch} s WHERE t.{pk} = s.{pk}")
        cursor.execute(f"DROP TABLE {scratch}")
    return len(rows)


# One encoder for every JSON value of a column (json.dumps with options builds one per call).
_JSON = json.JSONEncoder(ensure_ascii=False)


def _csv_column(field: models.Field, values: Sequence[Any]) -> list[str]:
    """One column's values in PostgreSQL's CSV format, as _csv_field / _csv_json write them,
    formatted a column at a time: a column of one type (ids, texts, floats, Decimals or None)
    takes one pass of a single formatter instead of a lookup per value."""
    if isinstance(field, models.JSONField):
        encode = _JSON.encode
        return [
            '"[]"' if value == [] else '"' + encode(value).replace('"', '""') + '"'
            for value in values
        ]
    kinds = set(map(type, values))
    if kinds <= {int}:
        return list(map(str, values))
    if kinds <= {str}:
        return ['"' + value.replace('"', '""') + '"' for value in values]
    if kinds <= {float, type(None)}:  # NaN and infinities as NULL, as _float writes them
        isfinite = math.isfinite
        return ["" if value is None or not isfinite(value) else repr(value) for value in values]
    if kinds <= {Decimal, int, type(None)}:
        return ["" if value is None else str(value) for value in values]
    return [_csv_field(value) for value in values]


def _as_decimal(value: Any) -> Any:
    """A float for a DecimalField as the decimal its shortest repr spells (what COPY stores);
    None for NaN or infinity; anything else as it is."""
    if isinstance(value, float):
        return Decimal(repr(value)) if math.isfinite(value) else None
    return value


def columns_insert(model: type[models.Model], columns: Mapping[str, Sequence[Any]]) -> int:
    """Insert rows given column by column into `model`'s table in the current transaction; the
    number written. `columns` maps each field (by name or attname, e.g. "county_id") to its
    values, all of one length, as rows_insert takes them, except that a DecimalField's values
    may also be floats already rounded to the places wanted: each is stored as the decimal its
    shortest repr spells (repr(round(x, 4)) -> "1.2346"), NaN and infinities as NULL, on either
    path. On PostgreSQL the columns are formatted a column at a time and sent with one COPY;
    elsewhere the rows go through rows_insert (bulk_create)."""
    fields = list(columns)
    lengths = {len(values) for values in columns.values()}
    if len(lengths) > 1:
        raise ValueError(f"columns of different lengths: {sorted(lengths)}")
    count = lengths.pop() if lengths else 0
    if not count:
        return 0
    meta = model._meta
    found = [cast(models.Field, meta.get_field(name)) for name in fields]
    if not copy_supported():
        decimal = [isinstance(f, models.DecimalField) for f in found]
        converted = [
            [_as_decimal(value) for value in values] if is_decimal else values
            for values, is_decimal in zip(columns.values(), decimal, strict=True)
        ]
        return rows_insert(model, fields, zip(*converted, strict=True))
    texts = [_csv_column(f, columns[name]) for f, name in zip(found, fields, strict=True)]
    text = io.StringIO("\n".join(map(",".join, zip(*texts, strict=True))) + "\n")
    names = ", ".join(connection.ops.quote_name(str(f.column)) for f in found)
    table = connection.ops.quote_name(meta.db_table)
    with connection.cursor() as cursor:
        cursor.copy_expert(f"COPY {table} ({names}) FROM STDIN WITH (FORMAT csv)", text)
    return count
