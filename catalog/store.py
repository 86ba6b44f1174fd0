"""The catalogue store: partners, idempotent record upserts, tombstones, lookups.

:class:`Catalog` owns an engine and a session factory. Other packages use
``catalog.session()`` for their own reads and writes of the models, and the methods here
for the operations that need care (upserts, deletions, partner registration).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import re
import uuid
from collections.abc import Iterable, Iterator
from operator import itemgetter
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    Engine,
    MetaData,
    Table,
    TypeDecorator,
    bindparam,
    func,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, lazyload, sessionmaker

from catalog import db
from catalog.errors import Conflict, InvalidInput, NotFound, StoreError
from catalog.models import INSTITUTION_TYPES, Partner, RawXml, Record, utcnow
from catalog.records import JSON_FIELDS, RECORD_FIELDS, RecordData

PARTNER_ID = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")
COUNTRY = re.compile(r"^[A-Z]{2}$")

NEW, UPDATED, UNCHANGED, DELETED = "new", "updated", "unchanged", "deleted"


class _EncodedJSON(TypeDecorator):
    """A JSON column whose values come already encoded (:meth:`RecordData.json_values`).

    Same column and, on PostgreSQL, the same ``::JSON`` cast; only the encoding is not
    done again.
    """

    impl = JSON
    cache_ok = True

    def bind_processor(self, dialect):
        return None


_RECORD_TABLE = Table(
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
_PLAIN_FIELDS = tuple(name for name in RECORD_FIELDS if name not in JSON_FIELDS)
_RECORD_INSERT = _RECORD_TABLE.insert()
if {c.name for c in Record.__table__.columns if isinstance(c.type, JSON)} & set(
    RecordData.__dataclass_fields__
) != set(JSON_FIELDS):  # pragma: no cover - a model change must update JSON_FIELDS
    raise RuntimeError("catalog.records.JSON_FIELDS does not match the record table")


@dataclasses.dataclass(frozen=True)
class UpsertOutcome:
    """What an upsert did: ``action`` is one of new, updated, unchanged, deleted."""

    record_id: int
    oai_identifier: str
    action: str


class Catalog:
    """The union catalogue behind one database URL."""

    def __init__(self, url: str, *, engine: Engine | None = None) -> None:
        self.url = url
        self.engine = engine or db.make_engine(url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    def upgrade(self) -> None:
        """Create or upgrade the schema (Alembic)."""
        db.upgrade(self.engine)

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()

    @contextlib.contextmanager
    def session(self) -> Iterator[Session]:
        """A session in a transaction: committed on success, rolled back on error."""
        session = self._sessions()
        try:
            yield session
            session.commit()
        except SQLAlchemyError as exc:
            session.rollback()
            if isinstance(exc, IntegrityError):
                raise Conflict(f"conflicts with what is stored: {exc.orig}") from exc
            if _no_schema(exc):
                raise StoreError(
                    "the catalogue database has no tables yet: run `warisan db upgrade`"
                ) from exc
            raise StoreError(f"catalogue store error: {exc}") from exc
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    # -- partners ---------------------------------------------------------------------

    def add_partner(self, partner_id: str, **fields: Any) -> Partner:
        """Register a partner; ``fields`` are :class:`Partner` columns.

        Raises :class:`InvalidInput` for a bad id, country or type and :class:`Conflict`
        when the id is taken.
        """
        validate_partner(partner_id, fields)
        with self.session() as s:
            if s.get(Partner, partner_id) is not None:
                raise Conflict(f"partner {partner_id!r} already exists", partner=partner_id)
            partner = Partner(id=partner_id, **fields)
            s.add(partner)
        return partner

    def update_partner(self, partner_id: str, **fields: Any) -> Partner:
        """Change some columns of a partner."""
        with self.session() as s:
            partner = _get_partner(s, partner_id)
            validate_partner(partner_id, {**_partner_dict(partner), **fields})
            for key, value in fields.items():
                setattr(partner, key, value)
        return partner

    def get_partner(self, partner_id: str) -> Partner:
        """The partner with this id, or :class:`NotFound`."""
        with self.session() as s:
            return _get_partner(s, partner_id)

    def list_partners(self, *, active_only: bool = False) -> list[Partner]:
        """All partners, ordered by country then name."""
        with self.session() as s:
            query = select(Partner).order_by(Partner.country, Partner.name)
            if active_only:
                query = query.where(Partner.active.is_(True))
            return list(s.scalars(query))

    def record_counts(self) -> dict[str, int]:
        """Live (not deleted, not hidden) records per partner id."""
        with self.session() as s:
            rows = s.execute(
                select(Record.partner_id, func.count())
                .where(Record.deleted.is_(False), Record.hidden.is_(False))
                .group_by(Record.partner_id)
            )
            return {partner: count for partner, count in rows}

    # -- records ----------------------------------------------------------------------

    def upsert_records(
        self, partner_id: str, items: Iterable[RecordData], *, session: Session | None = None
    ) -> list[UpsertOutcome]:
        """Insert or update records of one partner in one transaction.

        Idempotent: the same identifier with the same datestamp and content changes
        nothing (no new version, ``last_changed`` kept). A deleted ``RecordData`` turns
        the stored record into a tombstone. Returns one outcome per item, in order.
        With ``session`` (from :meth:`session`) the upsert joins that transaction, so
        the caller's own writes (a harvest checkpoint) commit together with it.
        """
        items = list(items)
        if not items:
            return []
        if session is None:
            with self.session() as s:
                return _upsert(s, partner_id, items)
        return _upsert(session, partner_id, items)

    def upsert_record(self, partner_id: str, item: RecordData) -> UpsertOutcome:
        """Insert or update one record (see :meth:`upsert_records`)."""
        return self.upsert_records(partner_id, [item])[0]

    def create_uploaded_record(self, partner_id: str, item: RecordData) -> int:
        """Store a record that came from an upload (no OAI feed); returns its id.

        When ``item.oai_identifier`` is empty a local identifier ``upload:<uuid>`` is given.
        """
        if not item.oai_identifier:
            item = dataclasses.replace(item, oai_identifier=f"upload:{uuid.uuid4()}")
        with self.session() as s:
            outcome = _upsert(s, partner_id, [item])[0]
            row = s.get(Record, outcome.record_id)
            if outcome.action != UNCHANGED or row.origin != "uploaded":
                row.origin = "uploaded"
                row.index_due = utcnow()
        return outcome.record_id

    def set_hidden(self, record_ids: Iterable[int], hidden: bool) -> int:
        """Hide records from the public (or show them again); returns how many changed.

        A change bumps the version and marks the record due for indexing, in the same
        transaction.
        """
        ids = list(record_ids)
        changed = 0
        now = utcnow()
        with self.session() as s:
            for start in range(0, len(ids), 500):
                result = s.execute(
                    update(Record)
                    .where(Record.id.in_(ids[start : start + 500]), Record.hidden != hidden)
                    .values(
                        hidden=hidden,
                        version=Record.version + 1,
                        last_changed=now,
                        index_due=now,
                    )
                )
                changed += result.rowcount
        return changed

    def mark_deleted(self, partner_id: str, oai_identifiers: Iterable[str]) -> int:
        """Turn live records into tombstones; returns how many changed."""
        changed = 0
        with self.session() as s:
            rows = _existing(s, partner_id, list(oai_identifiers))
            now = utcnow()
            for row in rows.values():
                if not row.deleted:
                    row.deleted = True
                    _changed(row, now)
                    changed += 1
        return changed

    def get_record(self, record_id: int) -> Record:
        """The record with this id (tombstones included), or :class:`NotFound`."""
        with self.session() as s:
            row = s.get(Record, record_id)
            if row is None:
                raise NotFound(f"no record {record_id}", record=record_id)
            return row

    def find_record(self, partner_id: str, oai_identifier: str) -> Record | None:
        """The record of a partner with this OAI identifier, or None."""
        with self.session() as s:
            return s.scalar(
                select(Record).where(
                    Record.partner_id == partner_id, Record.oai_identifier == oai_identifier
                )
            )

    def identifiers(self, partner_id: str, *, live_only: bool = True) -> set[str]:
        """The OAI identifiers stored for a partner (by default without tombstones)."""
        with self.session() as s:
            query = select(Record.oai_identifier).where(Record.partner_id == partner_id)
            if live_only:
                query = query.where(Record.deleted.is_(False))
            return set(s.scalars(query))

    def raw_xml(self, raw_xml_id: int) -> bytes:
        """The raw XML stored under this id."""
        with self.session() as s:
            row = s.get(RawXml, raw_xml_id)
            if row is None:
                raise NotFound(f"no raw XML {raw_xml_id}")
            return row.content


def validate_partner(partner_id: str, fields: dict[str, Any]) -> None:
    """Raise :class:`InvalidInput` when a partner's id or columns are not acceptable."""
    if not PARTNER_ID.match(partner_id or ""):
        raise InvalidInput(
            "partner id must be 2-63 lowercase letters, digits or '-'", partner=partner_id
        )
    if not fields.get("name"):
        raise InvalidInput("partner needs a name", partner=partner_id)
    country = fields.get("country") or ""
    if not COUNTRY.match(country):
        raise InvalidInput(
            f"country must be an ISO 3166-1 alpha-2 code like MY, ID or BN, not {country!r}",
            partner=partner_id,
        )
    kind = fields.get("institution_type") or "library"
    if kind not in INSTITUTION_TYPES:
        raise InvalidInput(
            f"institution type must be one of {', '.join(INSTITUTION_TYPES)}", partner=partner_id
        )
    url = fields.get("oai_url")
    if url and not re.match(r"^https?://[^\s/]+", url):
        raise InvalidInput(f"OAI base URL must be http(s)://…, not {url!r}", partner=partner_id)
    delay = fields.get("politeness_delay")
    if delay is not None and not 0 <= float(delay) <= 600:
        raise InvalidInput("politeness delay must be between 0 and 600 seconds", partner=partner_id)


def _partner_dict(partner: Partner) -> dict[str, Any]:
    return {c.key: getattr(partner, c.key) for c in Partner.__table__.columns}


def _get_partner(session: Session, partner_id: str) -> Partner:
    partner = session.get(Partner, partner_id)
    if partner is None:
        raise NotFound(f"no partner {partner_id!r}", partner=partner_id)
    return partner


def _upsert(session: Session, partner_id: str, items: list[RecordData]) -> list[UpsertOutcome]:
    # The light look-ups below run as Core statements on the session's connection (the
    # ORM's per-statement cost is a good part of a page's); pending objects go first.
    session.flush()
    connection = session.connection()
    if connection.scalar(_PARTNER_EXISTS, {"partner": partner_id}) is None:
        raise NotFound(f"no partner {partner_id!r}", partner=partner_id)
    identifiers = [i.oai_identifier for i in items]
    existing = _existing(session, partner_id, identifiers)
    shas = [_sha(i.raw_xml) if i.raw_xml else None for i in items]
    blobs = {sha: i.raw_xml for sha, i in zip(shas, items, strict=True) if sha}
    raw_ids = _store_raw(session, blobs)
    item_raw = [raw_ids.get(sha) if sha else None for sha in shas]
    if len(set(identifiers)) == len(identifiers):
        return _upsert_distinct(session, partner_id, items, item_raw, existing)
    outcomes = []
    for item, raw_id in zip(items, item_raw, strict=True):
        row = existing.get(item.oai_identifier)
        action, row = _apply(session, partner_id, row, item, raw_id)
        existing[item.oai_identifier] = row
        outcomes.append((row, item.oai_identifier, action))
    session.flush()
    return [UpsertOutcome(row.id, ident, action) for row, ident, action in outcomes]


def _existing(session: Session, partner_id: str, identifiers: list[str]) -> dict[str, Record]:
    """The stored rows of these identifiers (without their partner or objects).

    Which identifiers are stored is asked first with a light query, so a page of new
    records (a first harvest) loads no rows at all.
    """
    stored = list(_record_ids(session, partner_id, identifiers))
    found: dict[str, Record] = {}
    for start in range(0, len(stored), 500):
        query = (
            select(Record)
            .where(
                Record.partner_id == partner_id,
                Record.oai_identifier.in_(stored[start : start + 500]),
            )
            .options(lazyload(Record.partner), lazyload(Record.objects))
        )
        found.update({row.oai_identifier: row for row in session.scalars(query)})
    return found


def _no_schema(exc: SQLAlchemyError) -> bool:
    """Whether ``exc`` says a table is missing (a database never upgraded): PostgreSQL's
    SQLSTATE 42P01 (undefined_table), or SQLite's message (it has no error codes here)."""
    orig = getattr(exc, "orig", None)
    if getattr(orig, "sqlstate", None) == "42P01":
        return True
    return isinstance(exc, OperationalError) and "no such table" in str(orig)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _raw_ids(session: Session, shas: list[str]) -> dict[str, int]:
    ids: dict[str, int] = {}
    connection = session.connection()
    for start in range(0, len(shas), 500):
        ids.update(connection.execute(_RAW_IDS, {"shas": shas[start : start + 500]}).all())
    return ids


def _store_raw(session: Session, by_sha: dict[str, bytes]) -> dict[str, int]:
    """Ids of these blobs (by checksum); those not stored yet go in one INSERT.

    One copy per checksum: a blob stored before (or by another transaction meanwhile)
    is skipped by ``ON CONFLICT DO NOTHING``; then every id is looked up.
    """
    if not by_sha:
        return {}
    now = utcnow()
    rows = [{"sha256": sha, "content": blob, "created_at": now} for sha, blob in by_sha.items()]
    sqlite = session.get_bind().dialect.name == "sqlite"
    _insert_many(session, _RAW_INSERTS[sqlite], rows)
    return _raw_ids(session, list(by_sha))


_RAW_INSERTS = {
    sqlite: insert(RawXml.__table__).on_conflict_do_nothing(index_elements=["sha256"])
    for sqlite, insert in ((True, sqlite_insert), (False, pg_insert))
}


def _upsert_distinct(
    session: Session,
    partner_id: str,
    items: list[RecordData],
    item_raw: list[int | None],
    existing: dict[str, Record],
) -> list[UpsertOutcome]:
    """Upsert items with distinct identifiers: new rows in one bulk INSERT … RETURNING."""
    now = utcnow()
    fresh: list[dict] = []
    actions: list[tuple[str, str, Record | None]] = []
    for item, raw_id in zip(items, item_raw, strict=True):
        row = existing.get(item.oai_identifier)
        if row is None:
            fresh.append(_new_values(partner_id, item, raw_id, now))
            actions.append((item.oai_identifier, DELETED if item.deleted else NEW, None))
        else:
            action, row = _apply(session, partner_id, row, item, raw_id)
            actions.append((item.oai_identifier, action, row))
    new_ids: dict[str, int] = {}
    if fresh:
        _insert_many(session, _RECORD_INSERT, fresh)
        new_ids = _record_ids(session, partner_id, [row["oai_identifier"] for row in fresh])
    session.flush()
    return [
        UpsertOutcome(row.id if row is not None else new_ids[ident], ident, action)
        for ident, action, row in actions
    ]


# The light look-ups of an upsert, built once (building a statement costs more than
# running it on a page of a hundred records).
_PARTNER_EXISTS = select(Partner.id).where(Partner.id == bindparam("partner"))
_RECORD_IDS = select(Record.oai_identifier, Record.id).where(
    Record.partner_id == bindparam("partner"),
    Record.oai_identifier.in_(bindparam("identifiers", expanding=True)),
)
_RAW_IDS = select(RawXml.sha256, RawXml.id).where(
    RawXml.sha256.in_(bindparam("shas", expanding=True))
)


def _record_ids(session: Session, partner_id: str, identifiers: list[str]) -> dict[str, int]:
    ids: dict[str, int] = {}
    connection = session.connection()
    for start in range(0, len(identifiers), 500):
        chunk = identifiers[start : start + 500]
        rows = connection.execute(_RECORD_IDS, {"partner": partner_id, "identifiers": chunk})
        ids.update(rows.all())
    return ids


_DRIVER_INSERTS: dict[tuple, tuple[str, bool, list[str], Any, list]] = {}


def _insert_many(session: Session, statement, rows: list[dict[str, Any]]) -> None:
    """Execute an INSERT of many rows (all with the same keys) as one driver ``executemany``.

    The statement is compiled once per dialect and every value goes through its column
    type's bind processor for that dialect, as a Core execution does, without the
    per-row machinery around it (a large share of a harvest's cost). A value object
    shared by the rows (a timestamp) is processed once.
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


def _new_values(partner_id: str, item: RecordData, raw_id: int | None, now) -> dict:
    """A new row for :data:`_RECORD_INSERT` (JSON columns as their encoded text)."""
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
        **columns,
    }


def _apply(
    session: Session, partner_id: str, row: Record | None, item: RecordData, raw_id: int | None
) -> tuple[str, Record]:
    columns = item.column_values()
    digest = item.content_hash()
    now = utcnow()
    if row is None:
        row = Record(
            partner_id=partner_id,
            oai_identifier=item.oai_identifier,
            datestamp=item.datestamp,
            deleted=item.deleted,
            raw_xml_id=raw_id,
            content_hash=digest,
            first_harvested=now,
            last_changed=now,
            index_due=now,
            **columns,
        )
        session.add(row)
        return (DELETED if item.deleted else NEW), row
    if item.deleted:
        if row.deleted:
            return UNCHANGED, row
        row.deleted = True
        row.datestamp = item.datestamp or row.datestamp
        _changed(row, now)
        return DELETED, row
    if not row.deleted and row.content_hash == digest:
        if item.datestamp and row.datestamp != item.datestamp:
            row.datestamp = item.datestamp
        if raw_id and row.raw_xml_id != raw_id:
            row.raw_xml_id = raw_id
        return UNCHANGED, row
    for key, value in columns.items():
        setattr(row, key, value)
    row.deleted = False
    row.datestamp = item.datestamp
    row.raw_xml_id = raw_id or row.raw_xml_id
    row.content_hash = digest
    _changed(row, now)
    return UPDATED, row


def _changed(row: Record, now: dt.datetime) -> None:
    """A change the search index must see: a new version, and due for indexing in the
    same transaction (so a crash before the index write leaves it due, not lost)."""
    row.version += 1
    row.last_changed = now
    row.index_due = now
