"""The checkpoint of a harvest run: what a killed harvest needs to go on where it stopped.

A :class:`Checkpoint` is written to the ``HarvestRun.checkpoint`` JSON column with the
page it follows (:func:`harvester.runlog.save`) and read back when a run is resumed. The
JSON keys are those of earlier checkpoints, so a run checkpointed by an older version
still resumes; a key that is missing reads as its default.
"""

from __future__ import annotations

import dataclasses
import os
import socket
from collections.abc import Mapping
from typing import Any


@dataclasses.dataclass(frozen=True)
class Owner:
    """The process that last wrote a run's checkpoint."""

    pid: int
    host: str

    @classmethod
    def here(cls) -> Owner:
        """This process."""
        return cls(os.getpid(), socket.gethostname())


@dataclasses.dataclass(frozen=True)
class Checkpoint:
    """Where a run stands after its last stored page.

    ``set_index`` is the set being walked (an index into the partner's sets); ``token``
    and ``cursor`` are where its list goes on (no token: from its start, with
    ``from_date``, the ``from`` of the list's first request). ``highest`` is the highest
    datestamp stored so far; ``list_last`` the latest datestamp of the current list and
    ``list_ordered`` whether its datestamps came in order so far (where a restart after
    ``badResumptionToken`` may start). ``pending_deletes`` holds the deletions of live
    records kept for the end of the run (identifier → datestamp), ``live_before`` the
    partner's live records when the run started (the mass-deletion guard), ``tally`` the
    running :class:`~harvester.report.Tally` as JSON and ``owner`` the process writing it.
    """

    set_index: int = 0
    token: str | None = None
    cursor: int | None = None
    from_date: str | None = None
    highest: str | None = None
    list_last: str | None = None
    list_ordered: bool = True
    restarts: int = 0
    live_before: int = 0
    pending_deletes: Mapping[str, str | None] = dataclasses.field(default_factory=dict)
    tally: Mapping[str, Any] | None = None
    owner: Owner | None = None

    def to_json(self) -> dict[str, Any]:
        """The column's JSON value."""
        return {
            "set_index": self.set_index,
            "token": self.token,
            "cursor": self.cursor,
            "from": self.from_date,
            "highest": self.highest,
            "list_last": self.list_last,
            "list_ordered": self.list_ordered,
            "restarts": self.restarts,
            "live_before": self.live_before,
            "pending_deletes": self.pending_deletes,
            "tally": self.tally,
            "owner": dataclasses.asdict(self.owner) if self.owner else None,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> Checkpoint:
        """A checkpoint from the column's JSON value (None or empty: a fresh one)."""
        data = data or {}
        owner = data.get("owner") or {}
        list_ordered = data.get("list_ordered")
        return cls(
            set_index=data.get("set_index") or 0,
            token=data.get("token") or None,
            cursor=data.get("cursor"),
            from_date=data.get("from"),
            highest=data.get("highest"),
            list_last=data.get("list_last"),
            list_ordered=True if list_ordered is None else bool(list_ordered),
            restarts=data.get("restarts") or 0,
            live_before=data.get("live_before") or 0,
            pending_deletes=dict(data.get("pending_deletes") or {}),
            tally=data.get("tally"),
            owner=Owner(owner["pid"], owner.get("host", "")) if owner.get("pid") else None,
        )
