"""Helpers for the tests of the Alembic revisions."""

from __future__ import annotations

from sqlalchemy import MetaData, Table


def insert_as_of_then(conn, model: Table, **values) -> None:
    """Insert a row naming only the columns the database has now (the table as
    reflected), the others filled from the models' defaults."""
    table = Table(model.name, MetaData(), autoload_with=conn)
    for column in table.columns:
        default = model.c[column.name].default
        if column.name not in values and default is not None:
            values[column.name] = default.arg(None) if callable(default.arg) else default.arg
    conn.execute(table.insert().values(**values))
