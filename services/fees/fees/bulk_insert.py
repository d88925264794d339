"""Inserting a batch of rows in one statement: psycopg2's execute_values on PostgreSQL, SQLAlchemy on SQLite.

SQLAlchemy's executemany processes every parameter of every row in Python, which for the batch jobs costs
more than the database's own work; execute_values sends the rows as they are, JSON columns serialized.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from psycopg2.extras import execute_values
from sqlalchemy import JSON, Column, Table
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import Session


def insert_rows(
    session: Session,
    table: Table,
    rows: Sequence[dict[str, Any]],
    *,
    skip_conflicts: bool = False,
    returning: Column[Any] | None = None,
) -> list[Any]:
    """Insert `rows` (dicts with the same keys) in the session's transaction; the `returning` column of each
    row inserted. `skip_conflicts` leaves out rows a unique key already holds (ON CONFLICT DO NOTHING).
    """
    if not rows:
        return []
    if session.get_bind().dialect.name != "postgresql":
        statement = sqlite.insert(table)
        if skip_conflicts:
            statement = statement.on_conflict_do_nothing()
        if returning is None:
            session.execute(statement, list(rows))
            return []
        return list(session.execute(statement.returning(returning), list(rows)).scalars())
    names = list(rows[0])
    # table.c[name] raises for anything but the table's own columns, so only known names reach the SQL.
    as_json = [isinstance(table.c[name].type, JSON) for name in names]
    quote = session.get_bind().dialect.identifier_preparer.quote
    sql = f"INSERT INTO {quote(table.name)} ({', '.join(quote(name) for name in names)}) VALUES %s"  # noqa: S608
    if skip_conflicts:
        sql += " ON CONFLICT DO NOTHING"
    if returning is not None:
        sql += f" RETURNING {quote(returning.name)}"
    values = [
        tuple(json.dumps(row[name]) if is_json else row[name] for name, is_json in zip(names, as_json, strict=True))
        for row in rows
    ]
    cursor = session.connection().connection.driver_connection.cursor()
    try:
        fetched = execute_values(cursor, sql, values, page_size=len(values), fetch=returning is not None)
    finally:
        cursor.close()
    return [row[0] for row in fetched] if returning is not None else []
