"""Work status: harvest runs and OCR progress, for the portal's status page.

A read-only service over the catalogue (and the job queue when it can be reached): the
view renders what :func:`work_status` returns and nothing else.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from sqlalchemy import select

from catalog.errors import WarisanError
from catalog.models import HarvestRun, Partner
from ingest import work

RECENT_RUNS = 20


@dataclasses.dataclass(frozen=True)
class WorkStatus:
    """Recent harvest runs, pages per OCR status, failures and the queue's size."""

    runs: list[dict[str, Any]]
    pages: dict[str, int]
    failures: list[dict[str, Any]]
    queue: dict[str, int] | None

    @property
    def busy(self) -> bool:
        """True while something is still being harvested or OCR'd."""
        running = any(run["status"] == "running" for run in self.runs)
        queued = bool(self.queue and (self.queue["queued"] or self.queue["scheduled"]))
        return running or queued or bool(self.pages.get("pending") or self.pages.get("running"))


def work_status(services) -> WorkStatus:
    """Collect the status shown on ``/status``."""
    catalog = services.catalog
    with catalog.session() as s:
        rows = s.execute(
            select(HarvestRun, Partner.name)
            .join(Partner, Partner.id == HarvestRun.partner_id)
            .order_by(HarvestRun.started_at.desc(), HarvestRun.id.desc())
            .limit(RECENT_RUNS)
        ).all()
        runs = [_run(run, name) for run, name in rows]
    try:
        queue = services.queue.stats()
    except (WarisanError, OSError, RuntimeError):
        queue = None  # the page still shows what the catalogue knows
    return WorkStatus(runs, work.page_counts(catalog), work.failures(catalog, limit=20), queue)


def _run(run: HarvestRun, partner_name: str) -> dict[str, Any]:
    counts = run.counts or {}
    return {
        "id": run.id,
        "partner": run.partner_id,
        "partner_name": partner_name,
        "mode": run.mode,
        "status": run.status,
        "started_at": run.started_at,
        "finished_at": run.finished_at,
        "new": counts.get("new", 0),
        "updated": counts.get("updated", 0),
        "deleted": counts.get("deleted", 0),
        "quarantined": counts.get("quarantined_pages", 0) + counts.get("failed", 0),
        "errors": list(run.errors or [])[:3],
    }
