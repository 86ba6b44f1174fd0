"""Upload batches as the workspace lists and opens them: create one, list a partner's,
read one with its files' counts.

Each function asks :mod:`catalog.policy` for
:data:`~catalog.policy.Action.UPLOAD_SCANS` on the partner the batch belongs to (taken
from the batch itself when there is one). Confirming a batch's sheet and files is
:mod:`ingest.batches`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from catalog import policy
from catalog.audit import record_audit
from catalog.errors import NotFound
from catalog.languages import iso639_3
from catalog.models import Partner
from catalog.policy import Action, Principal
from catalog.upload_models import BatchStatus, Upload, UploadBatch, UploadStatus

if TYPE_CHECKING:
    from catalog.store import Catalog

MAX_LABEL = 300
"""Longest batch label kept (characters)."""


@dataclasses.dataclass(frozen=True)
class BatchSummary:
    """A batch as a list shows it: its fields and how many of its files are in each
    :class:`~catalog.upload_models.UploadStatus` (terminated ones not counted)."""

    id: int
    partner_id: str
    label: str | None
    language: str | None
    status: str
    created_at: dt.datetime
    counts: dict[str, int]

    @property
    def files(self) -> int:
        return sum(self.counts.values())


def check_language(value: str | None) -> str | None:
    """The ISO 639-3 code for a batch's language (None when blank), or
    :class:`InvalidInput` naming the value that is not a language (with close ones:
    :func:`catalog.languages.iso639_3`)."""
    value = (value or "").strip()
    return iso639_3(value) if value else None


def create_batch(
    catalog: Catalog,
    principal: Principal,
    partner_id: str,
    label: str | None = None,
    language_code: str | None = None,
) -> UploadBatch:
    """A new open batch of ``partner_id`` made by ``principal`` (audited). Raises
    :class:`NotFound` for an unknown partner, :class:`Forbidden` without
    ``UPLOAD_SCANS`` there, :class:`InvalidInput` for a language that is not one."""
    code = check_language(language_code)
    label = (label or "").strip()[:MAX_LABEL] or None
    with catalog.session() as s:
        if s.get(Partner, partner_id) is None:
            raise NotFound(f"partner {partner_id} does not exist", partner=partner_id)
        policy.require(principal, Action.UPLOAD_SCANS, partner_id)
        batch = UploadBatch(
            partner_id=partner_id,
            user_id=principal.user_id,
            label=label,
            language=code,
            status=BatchStatus.OPEN,
        )
        s.add(batch)
        s.flush()
        after = {"label": label, "language": code}
        record_audit(
            s, principal, "batch.create", ("batch", batch.id), None, after, partner_id=partner_id
        )
        return batch


def get_batch(catalog: Catalog, principal: Principal, batch_id: int) -> UploadBatch:
    """A batch the principal may upload to (:class:`NotFound`, :class:`Forbidden`)."""
    with catalog.session() as s:
        batch = s.get(UploadBatch, batch_id)
        if batch is None:
            raise NotFound(f"batch {batch_id} does not exist", batch=batch_id)
        policy.require(principal, Action.UPLOAD_SCANS, batch.partner_id)
        return batch


def list_batches(catalog: Catalog, principal: Principal, partner_id: str) -> list[BatchSummary]:
    """The partner's batches, newest first, with their files' counts."""
    policy.require(principal, Action.UPLOAD_SCANS, partner_id)
    with catalog.session() as s:
        batches = s.scalars(
            select(UploadBatch)
            .where(UploadBatch.partner_id == partner_id)
            .order_by(UploadBatch.created_at.desc(), UploadBatch.id.desc())
        ).all()
        counts: dict[int, dict[str, int]] = {b.id: {} for b in batches}
        rows = s.execute(
            select(Upload.batch_id, Upload.status, func.count())
            .where(Upload.batch_id.in_(list(counts)), Upload.status != UploadStatus.TERMINATED)
            .group_by(Upload.batch_id, Upload.status)
        )
        for batch_id, status, count in rows:
            counts[batch_id][status] = count
        return [
            BatchSummary(
                b.id, b.partner_id, b.label, b.language, b.status, b.created_at, counts[b.id]
            )
            for b in batches
        ]
