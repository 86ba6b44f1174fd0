"""The run log: harvest runs' rows in the catalogue, and what a run writes beside them.

A run is started or resumed, checkpointed after every page (a
:class:`~harvester.checkpoint.Checkpoint`), and finished; a later call for the same
partner resumes the newest unfinished run instead of starting over. Quarantined pages
and records, scan jobs and the look-ups a run needs (live records, changes) are here too.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import os
import socket
from collections.abc import Iterator
from typing import Any

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import Session

from catalog import queries
from catalog.errors import HarvestError
from catalog.models import (
    DigitalObject,
    HarvestRun,
    ObjectStatus,
    Quarantine,
    Record,
    RunStatus,
    utcnow,
)
from catalog.processes import process_alive
from catalog.store import Catalog
from catalog.upload_models import RecordOrigin
from harvester.checkpoint import Checkpoint, Owner

UNFINISHED = frozenset({RunStatus.RUNNING, RunStatus.INTERRUPTED, RunStatus.FAILED})
"""Statuses of a run that a later harvest of the same kind resumes."""


@contextlib.contextmanager
def _within(catalog: Catalog, session: Session | None) -> Iterator[Session]:
    """``session`` (the caller's transaction) or a transaction of its own."""
    if session is not None:
        yield session
        return
    with catalog.session() as s:
        yield s


def baseline(catalog: Catalog, partner_id: str) -> str | None:
    """The highest datestamp of the partner's newest completed run (incremental start)."""
    with catalog.session() as s:
        return s.scalar(
            select(HarvestRun.highest_datestamp)
            .where(HarvestRun.partner_id == partner_id, HarvestRun.status == RunStatus.COMPLETED)
            .order_by(HarvestRun.id.desc())
            .limit(1)
        )


def resumable(
    catalog: Catalog, partner_id: str, mode: str, from_date: str | None
) -> HarvestRun | None:
    """The newest run of this partner if it is unfinished, has a checkpoint and matches."""
    run = queries.latest_run(catalog, partner_id)
    if run is None or run.status not in UNFINISHED or not run.checkpoint:
        return None
    if run.mode != mode or (from_date is not None and run.from_date != from_date):
        return None
    _refuse_if_alive(run)
    return run


def _refuse_if_alive(run: HarvestRun) -> None:
    owner = Checkpoint.from_json(run.checkpoint).owner
    if run.status != RunStatus.RUNNING or owner is None or owner.host != socket.gethostname():
        return
    pid = owner.pid
    if pid != os.getpid() and process_alive(pid):
        raise HarvestError(
            f"another harvest of {run.partner_id} is running (process {pid}, run {run.id})",
            partner=run.partner_id,
        )


def start(
    catalog: Catalog, partner_id: str, mode: str, from_date: str | None, live: int
) -> HarvestRun:
    """Create a new running run with an initial checkpoint."""
    checkpoint = Checkpoint(from_date=from_date, live_before=live, owner=Owner.here())
    with catalog.session() as s:
        run = HarvestRun(
            partner_id=partner_id,
            mode=mode,
            status=RunStatus.RUNNING,
            from_date=from_date,
            checkpoint=checkpoint.to_json(),
        )
        s.add(run)
    return run


def save(
    catalog: Catalog,
    run_id: int,
    checkpoint: Checkpoint,
    counts: dict[str, int],
    status: RunStatus = RunStatus.RUNNING,
    *,
    session: Session | None = None,
) -> None:
    """Write a checkpoint, owned by this process (one UPDATE; in ``session``, with the
    page it follows)."""
    with _within(catalog, session) as s:
        s.connection().execute(
            _SAVE,
            {
                "run": run_id,
                "new_checkpoint": dataclasses.replace(checkpoint, owner=Owner.here()).to_json(),
                "new_counts": dict(counts),
                "new_status": status,
                "new_highest": checkpoint.highest,
            },
        )


def _save_statement():
    table = HarvestRun.__table__
    values = {
        name: bindparam(f"new_{key}", type_=table.c[name].type)
        for name, key in (
            ("checkpoint", "checkpoint"),
            ("counts", "counts"),
            ("status", "status"),
            ("highest_datestamp", "highest"),
        )
    }
    return update(table).where(table.c.id == bindparam("run")).values(**values)


_SAVE = _save_statement()
"""The checkpoint UPDATE, built once (it runs after every page)."""


def finish(
    catalog: Catalog,
    run_id: int,
    *,
    status: RunStatus,
    highest: str | None,
    counts: dict[str, int],
    report: dict[str, Any],
    errors: list[str],
    keep_checkpoint: bool,
) -> None:
    """Record the end of a run; a finished run drops its checkpoint."""
    with catalog.session() as s:
        run = s.get(HarvestRun, run_id)
        run.status = status
        run.finished_at = utcnow()
        run.highest_datestamp = highest
        run.counts = dict(counts)
        run.report = report
        run.errors = list(errors)
        if not keep_checkpoint:
            run.checkpoint = None


def live_count(catalog: Catalog, partner_id: str) -> int:
    """Live harvested records of a partner (what the mass-deletion guard weighs a run's
    deletions against; records uploaded or catalogued in the workspace are no harvest's)."""
    with catalog.session() as s:
        return (
            s.scalar(
                select(func.count())
                .select_from(Record)
                .where(
                    Record.partner_id == partner_id,
                    Record.deleted.is_(False),
                    Record.origin == RecordOrigin.HARVESTED,
                )
            )
            or 0
        )


def live_among(
    catalog: Catalog,
    partner_id: str,
    identifiers: list[str],
    *,
    session: Session | None = None,
    origin: str | None = None,
) -> set[str]:
    """Which of these identifiers are live (not tombstoned) records of the partner (with
    ``origin``, of that origin only)."""
    found: set[str] = set()
    with _within(catalog, session) as s:
        for i in range(0, len(identifiers), 500):
            query = select(Record.oai_identifier).where(
                Record.partner_id == partner_id,
                Record.deleted.is_(False),
                Record.oai_identifier.in_(identifiers[i : i + 500]),
            )
            if origin is not None:
                query = query.where(Record.origin == origin)
            found.update(s.scalars(query))
    return found


def changed_since(catalog: Catalog, partner_id: str, since: dt.datetime) -> list[int]:
    """Ids of the partner's records created, updated or deleted since ``since``."""
    with catalog.session() as s:
        return list(
            s.scalars(
                select(Record.id)
                .where(Record.partner_id == partner_id, Record.last_changed >= since)
                .order_by(Record.id)
            )
        )


def quarantine(
    catalog: Catalog,
    run_id: int | None,
    partner_id: str,
    kind: str,
    identifier: str | None,
    error: str,
    content: bytes | None,
    *,
    session: Session | None = None,
) -> None:
    """Keep a page or record that could not be used, with its raw bytes."""
    with _within(catalog, session) as s:
        s.add(
            Quarantine(
                run_id=run_id,
                partner_id=partner_id,
                kind=kind,
                identifier=identifier,
                error=error,
                content=content,
            )
        )


def add_scan_jobs(
    catalog: Catalog, wanted: dict[int, tuple[str, ...]], *, session: Session | None = None
) -> int:
    """Create a pending harvested DigitalObject per (record, scan URL) not yet known."""
    if not wanted:
        return 0
    created = 0
    with _within(catalog, session) as s:
        rows = s.execute(
            select(DigitalObject.record_id, DigitalObject.source_url).where(
                DigitalObject.record_id.in_(list(wanted))
            )
        )
        known = {(rid, url) for rid, url in rows}
        for record_id, urls in wanted.items():
            for url in urls:
                if (record_id, url) not in known:
                    s.add(
                        DigitalObject(
                            record_id=record_id,
                            origin="harvested",
                            status=ObjectStatus.PENDING,
                            source_url=url,
                        )
                    )
                    known.add((record_id, url))
                    created += 1
    return created
