"""Deletions at the end of a run: the mass-deletion guard and full-run reconciliation.

Deletions of live records are held during the walk. At the end, if they would remove more
than ``deletion_guard`` of the partner's live records (counted when the run started), the
run stops with ``needs_confirmation`` unless the caller confirmed. For providers that
declare ``deletedRecord=no``, a full run lists the provider's identifiers and treats live
records it no longer has as deleted (same guard).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from catalog.errors import HarvestError
from catalog.models import Partner
from harvester.protocol import OAIError, parse_page

if TYPE_CHECKING:
    from harvester.pages import PageWalker

MAX_ID_PAGES = 100_000


def apply(walker: PageWalker, confirmed: bool) -> str | None:
    """Apply held deletions, or return ``"needs_confirmation"`` when the guard holds them."""
    pending = walker.checkpoint.get("pending_deletes") or {}
    if not pending:
        return None
    live_before = walker.checkpoint.get("live_before") or 0
    share = len(pending) / live_before if live_before else 1.0
    if share > walker.settings.deletion_guard and not confirmed:
        walker.tally.errors.append(
            f"{len(pending)} of {live_before} live records ({share:.0%}) would be deleted, more "
            f"than the guard of {walker.settings.deletion_guard:.0%}: nothing deleted; run "
            f"again with --confirm-deletions if this is right"
        )
        walker.tally.counts["held_deletions"] = len(pending)
        return "needs_confirmation"
    removed = walker.catalog.mark_deleted(walker.partner.id, list(pending))
    walker.tally.add("deleted", removed)
    walker.checkpoint["pending_deletes"] = {}
    walker.save()
    return None


def reconcile(walker: PageWalker, partner: Partner) -> None:
    """Hold deletions for live records the provider no longer lists (``deletedRecord=no``)."""
    listed: set[str] = set()
    for set_spec in walker.sets:
        listed |= _identifiers(walker, set_spec)
    stored = walker.catalog.identifiers(partner.id, live_only=True)
    missing = stored - listed
    pending = walker.checkpoint.setdefault("pending_deletes", {})
    for identifier in missing:
        pending.setdefault(identifier, None)
    walker.tally.counts["reconciled_missing"] = len(missing)
    walker.save()


def _identifiers(walker: PageWalker, set_spec: str | None) -> set[str]:
    params = {"verb": "ListIdentifiers", "metadataPrefix": walker.partner.metadata_prefix}
    if set_spec:
        params["set"] = set_spec
    found: set[str] = set()
    seen_tokens: set[str] = set()
    for _ in range(MAX_ID_PAGES):
        raw = walker.client.harvest(**params)
        try:
            page = parse_page(raw.content)
        except OAIError as exc:
            if exc.code == "noRecordsMatch":
                return found
            raise
        found.update(h.identifier for h in page.headers if not h.deleted)
        token = page.token.value if page.token else ""
        if not token:
            return found
        if token in seen_tokens:
            raise HarvestError("resumption loop in ListIdentifiers during reconciliation")
        seen_tokens.add(token)
        params = {"verb": "ListIdentifiers", "resumptionToken": token}
    raise HarvestError("ListIdentifiers passed the page cap during reconciliation")
