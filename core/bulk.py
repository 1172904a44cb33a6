"""One UPDATE statement for many rows with different values.

Django's ``bulk_update`` writes ``SET f = CASE WHEN id=1 THEN … WHEN id=2 THEN … END`` for
every field: building those expressions costs Python time per row and field, and the
database walks the CASE list for every row. Updating 10,000 villages that way took 9.7 s of
an import's 14 s (docs/performance.md); joining the new values instead takes a fraction of it:
on PostgreSQL one array per column (``unnest``), so the statement stays short whatever the
number of rows; elsewhere (SQLite 3.33 and later: Debian 12 has 3.40) a VALUES list.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

from django.db import connection, models

BATCH_SIZE = 2000  # SQLite allows 32,766 parameters in one statement


def update_rows(model: type[models.Model], rows: Sequence[Mapping], fields: Sequence[str], *, batch_size: int = BATCH_SIZE) -> int:
    """Write ``fields`` of each row ({"id": pk, field: value, …}, as ``.values()`` gives them)
    to the database; returns how many rows were written. No model instances, no signals, no
    ``auto_now``: set such fields yourself."""
    if not rows:
        return 0
    meta = model._meta
    columns = [meta.pk, *[meta.get_field(name) for name in fields]]
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    names = ", ".join(quote(c.column) for c in columns)
    assignments = ", ".join(f"{quote(c.column)} = d.{quote(c.column)}" for c in columns[1:])
    join = f"{table}.{quote(meta.pk.column)} = d.{quote(meta.pk.column)}"
    if connection.vendor == "postgresql":
        arrays = ", ".join(f"CAST(%s AS {c.db_type(connection)}[])" for c in columns)
        statement = f"UPDATE {table} SET {assignments} FROM unnest({arrays}) AS d ({names}) WHERE {join}"
    else:
        placeholders = "(" + ", ".join(["%s"] * len(columns)) + ")"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), batch_size):
            chunk = rows[start : start + batch_size]
            values = [[c.get_db_prep_save(row[c.attname], connection) for c in columns] for row in chunk]
            if connection.vendor == "postgresql":
                cursor.execute(statement, [list(column) for column in zip(*values, strict=True)])
            else:
                rows_sql = ", ".join([placeholders] * len(chunk))
                cursor.execute(
                    f"WITH d ({names}) AS (VALUES {rows_sql}) UPDATE {table} SET {assignments} FROM d WHERE {join}",
                    [value for row in values for value in row],
                )
    return len(rows)


def insert_rows(model: type[models.Model], rows: Sequence[Mapping], fields: Sequence[str], *, batch_size: int = BATCH_SIZE) -> int:
    """Insert one row per mapping ({field attname: value}) into ``fields``' columns only (give
    every column that has no database default); returns how many. On PostgreSQL one array per
    column again; elsewhere one prepared INSERT run over the rows (``executemany``): building
    a model instance per row for ``bulk_create`` was a quarter of the demo's load time. No ids
    come back: for rows whose ids are needed next, use ``bulk_create``."""
    if not rows:
        return 0
    meta = model._meta
    columns = [meta.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    if connection.vendor != "postgresql":
        statement = (
            f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(c.column) for c in columns)}) "
            f"VALUES ({', '.join(['%s'] * len(columns))})"
        )
        with connection.cursor() as cursor:
            for start in range(0, len(rows), batch_size):
                chunk = rows[start : start + batch_size]
                cursor.executemany(statement, [[c.get_db_prep_save(row[c.attname], connection) for c in columns] for row in chunk])
        return len(rows)
    arrays = ", ".join(
        f"CAST(CAST(%s AS text[]) AS {c.db_type(connection)}[])"
        if isinstance(c, models.JSONField)
        else f"CAST(%s AS {c.db_type(connection)}[])"
        for c in columns
    )
    statement = f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(c.column) for c in columns)}) SELECT * FROM unnest({arrays})"
    # JSON goes as text, encoded here in one call per value: psycopg's per-element JSON dumper
    # was half of the time of inserting 10,000 staged import rows.
    prepare = [
        (lambda value: json.dumps(value, ensure_ascii=False))
        if isinstance(c, models.JSONField)
        else (lambda value, c=c: c.get_db_prep_save(value, connection))
        for c in columns
    ]
    with connection.cursor() as cursor:
        for start in range(0, len(rows), batch_size):
            chunk = rows[start : start + batch_size]
            cursor.execute(statement, [[p(row[c.attname]) for row in chunk] for c, p in zip(columns, prepare, strict=True)])
    return len(rows)
