"""The one indexer: it brings the search index up to what the catalogue marks due.

Every change the index must see (a record upserted, remapped, tombstoned or hidden, its
pages stored or read) sets ``Record.index_due`` in the same transaction as the change, so
the mark is as durable as the change: a process killed between its commit and its index
write leaves the record due, and the next :func:`drain` indexes it. Jobs, ``warisan
harvest``/``remap`` and ``warisan reindex`` all go through this module.

A mark is cleared only if it is still the one that was looked at before indexing: a
record marked again meanwhile (even by a transaction that began before the look and
committed after it) stays due for the next drain.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from sqlalchemy import bindparam, select, update

from catalog.models import DigitalObject, OcrStatus, Page, Record
from catalog.queries import PUBLISHED_OBJECT
from catalog.store import Catalog

if TYPE_CHECKING:
    from search.service import SearchService

BATCH = 10_000
"""Most records one drain step takes (one index write for all of them)."""

Marks = dict[int, dt.datetime]
"""Record id → the ``index_due`` mark seen when the record was taken."""


def due_records(catalog: Catalog, limit: int | None = BATCH) -> Marks:
    """Records marked due whose pages are all settled (none pending or running, so a
    record being OCR'd is indexed once, when its last page is read), oldest mark first,
    with their marks. Pages of draft objects do not count: the index never holds them,
    so scans waiting for review hold back no change of their public record."""
    unsettled = (
        select(Page.id)
        .join(DigitalObject, Page.object_id == DigitalObject.id)
        .where(
            DigitalObject.record_id == Record.id,
            PUBLISHED_OBJECT,
            Page.ocr_status.in_((OcrStatus.PENDING, OcrStatus.RUNNING)),
        )
    )
    query = (
        select(Record.id, Record.index_due)
        .where(Record.index_due.isnot(None), ~unsettled.exists())
        .order_by(Record.index_due)
        .limit(limit)
    )
    with catalog.session() as s:
        return {rid: mark for rid, mark in s.execute(query)}


def marks(catalog: Catalog, partner: str | None = None) -> Marks:
    """Every record marked due (optionally of one partner), settled or not, with its mark."""
    query = select(Record.id, Record.index_due).where(Record.index_due.isnot(None))
    if partner is not None:
        query = query.where(Record.partner_id == partner)
    with catalog.session() as s:
        return {rid: mark for rid, mark in s.execute(query)}


def mark_indexed(catalog: Catalog, looked: Mapping[int, dt.datetime]) -> None:
    """Clear the marks of indexed records, unless they were marked again since the look."""
    if not looked:
        return
    table = Record.__table__
    clear = (
        update(table)
        .where(table.c.id == bindparam("rid"), table.c.index_due == bindparam("mark"))
        .values(index_due=None)
    )
    with catalog.session() as s:
        s.execute(clear, [{"rid": rid, "mark": mark} for rid, mark in looked.items()])


def drain(catalog: Catalog, search: SearchService) -> int:
    """Index every settled record that is due, in batches, until none is left; returns how
    many records were written to the index (deleted and hidden ones are removed from it).

    Idempotent: run twice, or by two processes at once, it indexes a record again at
    worst, never leaves one behind.
    """
    done = 0
    while True:  # until a batch comes back short
        looked = due_records(catalog)
        if looked:
            done += search.index_records(list(looked))
            mark_indexed(catalog, looked)
        if len(looked) < BATCH:
            return done


def reindex(
    catalog: Catalog,
    search: SearchService,
    partner: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Rebuild the index from the catalogue (see :meth:`SearchService.reindex`) and clear
    the marks it made true; a record marked during the rebuild stays due. Returns the
    number of records indexed."""
    looked = marks(catalog, partner)
    done = search.reindex(partner, progress=progress)
    mark_indexed(catalog, looked)
    return done
