"""The catalogue store: one database URL, its sessions, and the record and partner
operations that need care.

:class:`Catalog` owns an engine and a session factory. Other packages use
``catalog.session()`` for their own reads and writes of the models, the read model
(:mod:`catalog.queries`) for named queries, and the methods here for upserts, deletions,
hiding and partner registration (their bodies live in :mod:`catalog.upsert` and
:mod:`catalog.partners`).
"""

from __future__ import annotations

import contextlib
import dataclasses
import uuid
from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from catalog import controls, db, partners, queries, upsert
from catalog.errors import Conflict, NotFound, StoreError
from catalog.models import Partner, RawXml, Record, utcnow
from catalog.partners import validate_partner
from catalog.records import RecordData
from catalog.upsert import DELETED, NEW, UNCHANGED, UPDATED, UpsertAction, UpsertOutcome


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
        with self.session() as s:
            return partners.add_partner(s, partner_id, fields)

    def update_partner(self, partner_id: str, **fields: Any) -> Partner:
        """Change some columns of a partner."""
        with self.session() as s:
            return partners.update_partner(s, partner_id, fields)

    def get_partner(self, partner_id: str) -> Partner:
        """The partner with this id, or :class:`NotFound`."""
        with self.session() as s:
            return partners.get_partner(s, partner_id)

    def list_partners(self, *, active_only: bool = False) -> list[Partner]:
        """All partners, ordered by country then name."""
        with self.session() as s:
            return partners.list_partners(s, active_only=active_only)

    def record_counts(self) -> dict[str, int]:
        """Visible (not deleted, not hidden) records per partner id."""
        return queries.record_counts(self)

    # -- records ----------------------------------------------------------------------

    def upsert_records(
        self,
        partner_id: str,
        items: Iterable[RecordData],
        *,
        session: Session | None = None,
        origin: str | None = None,
    ) -> list[UpsertOutcome]:
        """Insert or update records of one partner in one transaction.

        Idempotent: the same identifier with the same datestamp and content changes
        nothing (no new version, ``last_changed`` kept). A deleted ``RecordData`` turns
        the stored record into a tombstone. A new, changed or tombstoned record is marked
        ``index_due`` in the same transaction. Returns one outcome per item, in order.
        With ``session`` (from :meth:`session`) the upsert joins that transaction, so
        the caller's own writes (a harvest checkpoint) commit together with it.
        A harvest passes ``origin="harvested"``: a stored record uploaded or catalogued
        in the workspace is then left untouched (outcome ``kept``).
        """
        items = list(items)
        if not items:
            return []
        if session is None:
            with self.session() as s:
                return upsert.upsert(s, partner_id, items, origin=origin)
        return upsert.upsert(session, partner_id, items, origin=origin)

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
            outcome = upsert.upsert(s, partner_id, [item])[0]
            row = s.get(Record, outcome.record_id)
            if outcome.action != UNCHANGED or row.origin != "uploaded":
                row.origin = "uploaded"
                row.index_due = utcnow()
        return outcome.record_id

    def set_hidden(
        self,
        record_ids: Iterable[int],
        hidden: bool,
        *,
        reason: str | None = None,
        actor: str = "cli",
    ) -> int:
        """Hide records from the public (or show them again); returns how many changed.

        Maintenance without a policy check, audited as ``actor``; the workspace uses
        :func:`catalog.controls.withdraw` and :func:`~catalog.controls.restore`, which
        ask the policy. Both write through :func:`catalog.controls.write_hidden`: a
        change bumps the version, moves ``last_changed`` and marks the record due for
        indexing, in the same transaction.
        """
        with self.session() as s:
            ids = list(record_ids)
            rows = list(s.scalars(select(Record).where(Record.id.in_(ids)))) if ids else []
            return len(controls.write_hidden(s, rows, hidden, reason, actor))

    def mark_deleted(
        self, partner_id: str, oai_identifiers: Iterable[str], *, origin: str | None = None
    ) -> int:
        """Turn live records into tombstones (due for indexing); with ``origin``, only
        records of that origin (a harvest tombstones only what it brought). Returns how
        many changed."""
        with self.session() as s:
            return upsert.mark_deleted(s, partner_id, list(oai_identifiers), origin=origin)

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

    def identifiers(
        self, partner_id: str, *, live_only: bool = True, origin: str | None = None
    ) -> set[str]:
        """The OAI identifiers stored for a partner (by default without tombstones; with
        ``origin``, only of records of that origin)."""
        with self.session() as s:
            query = select(Record.oai_identifier).where(Record.partner_id == partner_id)
            if live_only:
                query = query.where(Record.deleted.is_(False))
            if origin is not None:
                query = query.where(Record.origin == origin)
            return set(s.scalars(query))

    def raw_xml(self, raw_xml_id: int) -> bytes:
        """The raw XML stored under this id."""
        with self.session() as s:
            row = s.get(RawXml, raw_xml_id)
            if row is None:
                raise NotFound(f"no raw XML {raw_xml_id}")
            return row.content


def _no_schema(exc: SQLAlchemyError) -> bool:
    """Whether ``exc`` says a table is missing (a database never upgraded): PostgreSQL's
    SQLSTATE 42P01 (undefined_table), or SQLite's message (it has no error codes here)."""
    orig = getattr(exc, "orig", None)
    if getattr(orig, "sqlstate", None) == "42P01":
        return True
    return isinstance(exc, OperationalError) and "no such table" in str(orig)


__all__ = [
    "DELETED",
    "NEW",
    "UNCHANGED",
    "UPDATED",
    "Catalog",
    "UpsertAction",
    "UpsertOutcome",
    "validate_partner",
]
