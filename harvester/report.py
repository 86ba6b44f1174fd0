"""What a harvest run did: counts, field fill rates, flags, quarantine, timing.

:class:`Tally` accumulates while a run goes (and is saved in the run's checkpoint so a
resumed run reports the whole harvest); :class:`HarvestReport` is what callers get back.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from catalog.models import RunStatus
from catalog.records import RecordData

FILL_FIELDS = (
    "title",
    "creators",
    "subjects",
    "description",
    "year_from",
    "languages",
    "rights",
    "identifiers",
    "source_url",
    "scan_urls",
)
COUNTS = (
    "new",
    "updated",
    "deleted",
    "unchanged",
    "kept",
    "failed",
    "quarantined_pages",
    "pages",
    "records",
    "flagged",
    "scan_jobs",
    "restarts",
    "retries",
    "requests",
    "cleaned_chars",
    "bytes",
)
MAX_LISTED = 200
MAX_TIMES = 1000


@dataclasses.dataclass
class Tally:
    """Running totals of one harvest (JSON-able through :meth:`to_dict`)."""

    counts: dict[str, int] = dataclasses.field(default_factory=lambda: dict.fromkeys(COUNTS, 0))
    filled: dict[str, int] = dataclasses.field(
        default_factory=lambda: dict.fromkeys(FILL_FIELDS, 0)
    )
    mapped: int = 0
    flagged: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    quarantined: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    seconds: list[float] = dataclasses.field(default_factory=list)  # the last MAX_TIMES
    timing: dict[str, float] = dataclasses.field(
        default_factory=lambda: {"requests": 0, "total": 0.0, "min": 0.0, "max": 0.0}
    )
    errors: list[str] = dataclasses.field(default_factory=list)

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> Tally:
        tally = cls()
        if data:
            tally.counts.update(data.get("counts", {}))
            tally.filled.update(data.get("filled", {}))
            tally.mapped = data.get("mapped", 0)
            tally.flagged = list(data.get("flagged", []))
            tally.quarantined = list(data.get("quarantined", []))
            tally.seconds = list(data.get("seconds", []))
            tally.timing.update(data.get("timing", {}))
            tally.errors = list(data.get("errors", []))
        return tally

    def to_dict(self) -> dict[str, Any]:
        """What ``dataclasses.asdict`` gives, without its deep copy of every entry.

        Listed entries are never changed once added, so copying the lists is enough (this
        runs for every page's checkpoint).
        """
        return {
            "counts": dict(self.counts),
            "filled": dict(self.filled),
            "mapped": self.mapped,
            "flagged": list(self.flagged),
            "quarantined": list(self.quarantined),
            "seconds": list(self.seconds),
            "timing": dict(self.timing),
            "errors": list(self.errors),
        }

    def add(self, key: str, n: int = 1) -> None:
        self.counts[key] = self.counts.get(key, 0) + n

    def mapped_record(self, item: RecordData) -> None:
        """Count a live record's filled fields and list it when it carries flags."""
        self.mapped += 1
        for name in FILL_FIELDS:
            if getattr(item, name):
                self.filled[name] += 1
        if item.quality_flags:
            self.add("flagged")
            if len(self.flagged) < MAX_LISTED:
                self.flagged.append(
                    {"identifier": item.oai_identifier, "flags": list(item.quality_flags)}
                )

    def quarantine(self, kind: str, identifier: str, error: str) -> None:
        self.add("failed" if kind == "record" else "quarantined_pages")
        if len(self.quarantined) < MAX_LISTED:
            self.quarantined.append({"kind": kind, "identifier": identifier, "error": error})

    def response(self, seconds: float, size: int) -> None:
        """Count one response: running totals, plus the last ``MAX_TIMES`` for the p95."""
        seconds = round(seconds, 4)
        t = self.timing
        t["min"] = seconds if not t["requests"] else min(t["min"], seconds)
        t["max"] = max(t["max"], seconds)
        t["requests"] += 1
        t["total"] += seconds
        self.seconds = [*self.seconds[-(MAX_TIMES - 1) :], seconds]
        self.add("bytes", size)

    def summary(self) -> dict[str, Any]:
        """The JSON report: counts, fill rates, flagged, quarantined, response times."""
        t = self.timing
        timing: dict[str, Any] = {"requests": t["requests"]}
        if t["requests"]:
            recent = sorted(self.seconds)
            timing.update(
                min=t["min"],
                max=t["max"],
                mean=round(t["total"] / t["requests"], 4),
                p95=recent[min(len(recent) - 1, int(len(recent) * 0.95))],
            )
        rates = {
            k: round(v / self.mapped, 3) if self.mapped else None for k, v in self.filled.items()
        }
        return {
            "counts": dict(self.counts),
            "fill_rates": rates,
            "flagged": self.flagged,
            "quarantined": self.quarantined,
            "response_seconds": timing,
            "errors": self.errors,
        }


@dataclasses.dataclass
class HarvestReport:
    """The outcome of :func:`harvester.harvest.harvest_partner`.

    ``status`` is ``completed``, ``partial`` (finished, some pages quarantined),
    ``needs_confirmation`` (mass deletion held back), or ``failed``. ``ok`` is True for the
    first two. ``changed_record_ids`` lists records created, updated or deleted (reindex).
    """

    partner_id: str
    run_id: int
    mode: str
    status: RunStatus
    from_date: str | None
    counts: dict[str, int]
    report: dict[str, Any]
    changed_record_ids: list[int]
    resumed: bool = False

    @property
    def ok(self) -> bool:
        return self.status in (RunStatus.COMPLETED, RunStatus.PARTIAL)

    def to_dict(self) -> dict[str, Any]:
        """The run report as JSON-able data (without the changed id list)."""
        return {
            "partner": self.partner_id,
            "run": self.run_id,
            "mode": self.mode,
            "status": self.status,
            "from": self.from_date,
            "resumed": self.resumed,
            "changed_records": len(self.changed_record_ids),
            **self.report,
        }
