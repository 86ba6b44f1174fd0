"""Work status: harvest runs and OCR progress, for the portal's status page.

Built from the catalogue's read model (and the job queue when it can be reached): the
view renders what :func:`work_status` returns and nothing else.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from catalog import queries
from catalog.errors import WarisanError
from catalog.models import HarvestRun, OcrStatus, RunStatus
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
        running = any(run["status"] == RunStatus.RUNNING for run in self.runs)
        queued = bool(self.queue and (self.queue["queued"] or self.queue["scheduled"]))
        reading = self.pages.get(OcrStatus.PENDING) or self.pages.get(OcrStatus.RUNNING)
        return running or queued or bool(reading)


def work_status(services) -> WorkStatus:
    """Collect the status shown on ``/status``."""
    catalog = services.catalog
    runs = [_run(run, name) for run, name in queries.recent_runs(catalog, RECENT_RUNS)]
    try:
        from portal.tasks import get_jobs  # the queue's modules load with this page only

        queue = get_jobs().stats()
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
