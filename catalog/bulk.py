"""Bulk inserts below the ORM: new record rows and raw XML as one driver ``executemany``.

The speed-up of a harvest's writes lives here, in :func:`insert_many`: per-row Core and
ORM machinery would cost more than the database's own work on a page of new records.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from operator import itemgetter
from typing import Any

from sqlalchemy import JSON, Column, Insert, MetaData, Table, TypeDecorator, bindparam, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from catalog.models import RawXml, Record, RightsSource, utcnow
from catalog.records import JSON_FIELDS, RECORD_FIELDS, RecordData


class _EncodedJSON(TypeDecorator):
    """A JSON column whose values come already encoded (:meth:`RecordData.json_values`).

    Same column and, on PostgreSQL, the same ``::JSON`` cast; only the encoding is not
    done again.
    """

    impl = JSON
    cache_ok = True

    def bind_processor(self, dialect):
        return None


RECORD_TABLE = Table(
    Record.__tablename__,
    MetaData(),
    *(
        Column(
            c.name,
            _EncodedJSON() if c.name in JSON_FIELDS else c.type,
            primary_key=c.primary_key,
        )
        for c in Record.__table__.columns
    ),
)
"""The record table for bulk inserts of new rows, with pre-encoded JSON values."""
RECORD_INSERT = RECORD_TABLE.insert()
_PLAIN_FIELDS = tuple(name for name in RECORD_FIELDS if name not in JSON_FIELDS)
if {c.name for c in Record.__table__.columns if isinstance(c.type, JSON)} & set(
    RecordData.__dataclass_fields__
) != set(JSON_FIELDS):  # pragma: no cover - a model change must update JSON_FIELDS
    raise RuntimeError("catalog.records.JSON_FIELDS does not match the record table")


def new_values(partner_id: str, item: RecordData, raw_id: int | None, now: dt.datetime) -> dict:
    """A new row for :data:`RECORD_INSERT` (JSON columns as their encoded text), due for
    indexing from ``now``."""
    columns = {name: getattr(item, name) for name in _PLAIN_FIELDS}
    columns.update(item.json_values())
    return {
        "partner_id": partner_id,
        "oai_identifier": item.oai_identifier,
        "datestamp": item.datestamp,
        "deleted": item.deleted,
        "hidden": False,
        "origin": "harvested",
        "raw_xml_id": raw_id,
        "content_hash": item.content_hash(),
        "version": 1,
        "first_harvested": now,
        "last_changed": now,
        "index_due": now,
        "rights_source": RightsSource.HARVEST.value if item.rights_uri else None,
        **columns,
    }


_DRIVER_INSERTS: dict[tuple, tuple[str, bool, list[str], Any, list]] = {}


def insert_many(session: Session, statement: Insert, rows: list[dict[str, Any]]) -> None:
    """Execute an INSERT of many rows (all with the same keys) as one driver ``executemany``.

    The statement is compiled once per dialect and every value goes through its column
    type's bind processor for that dialect, as a Core execution does, without the
    per-row machinery around it. A value object shared by the rows (a timestamp) is
    processed once.
    """
    connection = session.connection()
    dialect = connection.dialect
    key = (id(statement), dialect.name, dialect.driver, dialect.paramstyle, tuple(rows[0]))
    prepared = _DRIVER_INSERTS.get(key)
    if prepared is None:
        compiled = statement.compile(dialect=dialect, column_keys=list(rows[0]))
        names = list(compiled.positiontup) if compiled.positional else list(compiled.binds)
        columns = statement.table.c
        processors = []
        for index, name in enumerate(names):
            column_type = columns[compiled.binds[name].key].type
            process = column_type.dialect_impl(dialect).bind_processor(dialect)
            if process is not None:
                processors.append((index, process))
        prepared = (compiled.string, compiled.positional, names, itemgetter(*names), processors)
        _DRIVER_INSERTS[key] = prepared
    sql, positional, names, values_of, processors = prepared
    done: dict[tuple[int, int], Any] = {}
    params: list = []
    for row in rows:
        values = list(values_of(row))
        for index, process in processors:
            value = values[index]
            if value is not None:
                memo = (index, id(value))
                if memo not in done:
                    done[memo] = process(value)
                values[index] = done[memo]
        params.append(tuple(values) if positional else dict(zip(names, values, strict=True)))
    connection.exec_driver_sql(sql, params)


def sha(data: bytes) -> str:
    """The checksum raw XML is stored under."""
    return hashlib.sha256(data).hexdigest()


def store_raw(session: Session, by_sha: dict[str, bytes]) -> dict[str, int]:
    """Ids of these blobs (by checksum); those not stored yet go in one INSERT.

    One copy per checksum: a blob stored before (or by another transaction meanwhile)
    is skipped by ``ON CONFLICT DO NOTHING``; then every id is looked up.
    """
    if not by_sha:
        return {}
    now = utcnow()
    rows = [{"sha256": key, "content": blob, "created_at": now} for key, blob in by_sha.items()]
    sqlite = session.get_bind().dialect.name == "sqlite"
    insert_many(session, _RAW_INSERTS[sqlite], rows)
    return _raw_ids(session, list(by_sha))


_RAW_INSERTS = {
    sqlite: insert(RawXml.__table__).on_conflict_do_nothing(index_elements=["sha256"])
    for sqlite, insert in ((True, sqlite_insert), (False, pg_insert))
}
_RAW_IDS = select(RawXml.sha256, RawXml.id).where(
    RawXml.sha256.in_(bindparam("shas", expanding=True))
)


def _raw_ids(session: Session, shas: list[str]) -> dict[str, int]:
    ids: dict[str, int] = {}
    connection = session.connection()
    for start in range(0, len(shas), 500):
        ids.update(connection.execute(_RAW_IDS, {"shas": shas[start : start + 500]}).all())
    return ids
