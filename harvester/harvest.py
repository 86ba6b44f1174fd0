"""One harvest of one partner: incremental, resumable, fault-tolerant.

:func:`harvest_partner` walks ``ListRecords`` page by page (per configured set) and
checkpoints after every page. Bad pages are quarantined; a lost resumption token
restarts the window from the run's ``from``; token loops and the page cap stop the run.
Deletions of live records are held back to the end and checked against the
mass-deletion guard (:mod:`harvester.deletions`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from catalog.errors import HarvestError, WarisanError
from catalog.models import RunStatus
from catalog.store import Catalog
from harvester import contact, deletions, runlog
from harvester.client import PartnerClient
from harvester.protocol import format_datestamp, parse_datestamp
from harvester.report import HarvestReport
from harvester.settings import HarvestSettings
from harvester.walk import PageWalker

Progress = Callable[[int, int | None], None]


def incremental_from(catalog: Catalog, partner_id: str, granularity: str) -> str | None:
    """``from`` for an incremental run: last good highest datestamp minus one unit."""
    stamp = parse_datestamp(runlog.baseline(catalog, partner_id) or "")
    if stamp is None:
        return None
    if granularity == "YYYY-MM-DD":
        return format_datestamp(stamp - dt.timedelta(days=1), granularity)
    return format_datestamp(stamp - dt.timedelta(seconds=1), granularity)


def harvest_partner(
    catalog: Catalog,
    partner_id: str,
    settings: HarvestSettings,
    *,
    full: bool = False,
    from_date: dt.date | str | None = None,
    confirm_deletions: bool = False,
    progress: Progress | None = None,
) -> HarvestReport:
    """Harvest one partner into the catalogue and return the run's report.

    ``full`` ignores the incremental baseline (and reconciles deletions by identifier list
    for feeds with ``deletedRecord=no``); ``from_date`` forces a start date. A previous
    run of the same kind that was killed or failed is resumed from its checkpoint.
    Raises :class:`HarvestError` only when the run cannot even start (no partner URL,
    Identify unreadable); other failures end in a report with ``status="failed"``.
    """
    partner = catalog.get_partner(partner_id)
    if not partner.oai_url:
        raise HarvestError(f"partner {partner_id} has no OAI-PMH base URL", partner=partner_id)
    client = PartnerClient(partner.oai_url, settings, delay=partner.politeness_delay)
    try:
        identify = contact.first_contact(catalog, partner, client, settings)
        partner = catalog.get_partner(partner_id)
        contact.check_prefix(partner, partner.metadata_prefix)
        granularity = identify.get("granularity", "YYYY-MM-DD")
        mode = "full" if full else "incremental"
        forced = _forced(from_date, granularity)
        run = runlog.resumable(catalog, partner_id, mode, forced)
        resumed = run is not None
        if run is None:
            start = (
                forced if (forced or full) else incremental_from(catalog, partner_id, granularity)
            )
            run = runlog.start(
                catalog, partner_id, mode, start, runlog.live_count(catalog, partner_id)
            )
        walker = PageWalker(catalog, partner, client, settings, run, progress)
        return _execute(catalog, partner, walker, identify, run, resumed, confirm_deletions)
    finally:
        client.close()


def _forced(from_date: dt.date | str | None, granularity: str) -> str | None:
    if from_date is None:
        return None
    if isinstance(from_date, str):
        parsed = parse_datestamp(from_date)
        if parsed is None:
            raise HarvestError(f"--from must be YYYY-MM-DD, not {from_date!r}")
        from_date = parsed
    if not isinstance(from_date, dt.datetime):
        from_date = dt.datetime(from_date.year, from_date.month, from_date.day)
    return format_datestamp(from_date, granularity)


def _execute(
    catalog, partner, walker: PageWalker, identify, run, resumed, confirm
) -> HarvestReport:
    tally = walker.tally
    status = RunStatus.FAILED
    try:
        walker.walk()
        status = RunStatus.PARTIAL if tally.counts["quarantined_pages"] else RunStatus.COMPLETED
        if run.mode == "full" and identify.get("deletedRecord") == "no":
            deletions.reconcile(walker, partner)
        status = deletions.apply(walker, confirm) or status
    except WarisanError as exc:  # harvest, protocol or store trouble: a failed, resumable run
        tally.errors.append(str(exc))
    except KeyboardInterrupt:
        walker.save(status=RunStatus.INTERRUPTED)
        raise
    highest = walker.checkpoint.highest
    if status == RunStatus.COMPLETED:
        highest = max(filter(None, [highest, runlog.baseline(catalog, partner.id)]), default=None)
    report = tally.summary()
    runlog.finish(
        catalog,
        run.id,
        status=status,
        highest=highest,
        counts=tally.counts,
        report=report,
        errors=tally.errors,
        keep_checkpoint=status == RunStatus.FAILED,
    )
    changed = runlog.changed_since(catalog, partner.id, run.started_at)
    return HarvestReport(
        partner.id,
        run.id,
        run.mode,
        status,
        run.from_date,
        dict(tally.counts),
        report,
        changed,
        resumed,
    )


__all__ = ["HarvestReport", "HarvestSettings", "harvest_partner", "incremental_from"]
