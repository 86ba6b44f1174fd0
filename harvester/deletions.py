"""Deletions at the end of a run: the mass-deletion guard and full-run reconciliation.

Deletions of live records are held during the walk. At the end, if they would remove more
than ``deletion_guard`` of the partner's live records (counted when the run started), the
run stops with ``needs_confirmation`` unless the caller confirmed. For providers that
declare ``deletedRecord=no``, a full run lists the provider's identifiers and treats live
records it no longer has as deleted (same guard).

Only harvested records take part: records a digitization team uploaded or catalogued in
the workspace are not in the feed and never deleted by a harvest.
"""

from __future__ import annotations

from catalog.errors import HarvestError
from catalog.models import Partner, RunStatus
from harvester.fetch import list_request, next_request
from harvester.protocol import OAIError, parse_page
from harvester.walk import HARVESTED, LoopGuard, PageWalker

MAX_ID_PAGES = 100_000


def apply(walker: PageWalker, confirmed: bool) -> RunStatus | None:
    """Apply held deletions, or return ``NEEDS_CONFIRMATION`` when the guard holds them."""
    pending = walker.pending
    if not pending:
        return None
    live_before = walker.checkpoint.live_before
    share = len(pending) / live_before if live_before else 1.0
    if share > walker.settings.deletion_guard and not confirmed:
        walker.tally.errors.append(
            f"{len(pending)} of {live_before} live records ({share:.0%}) would be deleted, more "
            f"than the guard of {walker.settings.deletion_guard:.0%}: nothing deleted; run "
            f"again with --confirm-deletions if this is right"
        )
        walker.tally.counts["held_deletions"] = len(pending)
        return RunStatus.NEEDS_CONFIRMATION
    removed = walker.catalog.mark_deleted(walker.partner.id, list(pending), origin=HARVESTED)
    walker.tally.add("deleted", removed)
    walker.pending.clear()
    walker.save()
    return None


def reconcile(walker: PageWalker, partner: Partner) -> None:
    """Hold deletions for live harvested records the provider no longer lists
    (``deletedRecord=no``); records of other origins are never the feed's to list."""
    listed: set[str] = set()
    for set_spec in walker.sets:
        listed |= _identifiers(walker, set_spec)
    stored = walker.catalog.identifiers(partner.id, live_only=True, origin=HARVESTED)
    missing = stored - listed
    pending = walker.pending
    for identifier in missing:
        pending.setdefault(identifier, None)
    walker.tally.counts["reconciled_missing"] = len(missing)
    walker.save()


def _identifiers(walker: PageWalker, set_spec: str | None) -> set[str]:
    verb = "ListIdentifiers"
    params = list_request(walker.partner.metadata_prefix, None, set_spec, verb)
    found: set[str] = set()
    loops = LoopGuard()
    for _ in range(MAX_ID_PAGES):
        raw = walker.client.harvest(**params)
        try:
            page = parse_page(raw.content)
        except OAIError as exc:
            if exc.code == "noRecordsMatch":
                return found
            raise
        found.update(h.identifier for h in page.headers if not h.deleted)
        loop = loops.check(params, page)
        if loop:
            raise HarvestError(f"{loop} (ListIdentifiers, during reconciliation)")
        params = next_request(page.token.value if page.token else None, verb)
        if params is None:
            return found
    raise HarvestError("ListIdentifiers passed the page cap during reconciliation")
