"""``warisan harvest`` and ``warisan remap``: the harvester on the command line.

``harvest`` runs :func:`harvester.harvest.harvest_partner` for each partner asked for, with
a progress bar per partner and a summary at the end (``--json`` prints the run reports).
The exit code is 0 when every run completed (quarantined records or pages included) and
1 when one could not. ``remap`` maps stored raw XML again without harvesting.

What a run changes is marked due for indexing by the catalogue, in the same transaction;
both commands then run the indexer (:func:`search.indexing.drain`) before they return,
unless ``harvest --no-index`` leaves the records due for a job or ``warisan reindex``.
"""

from __future__ import annotations

import datetime as dt
import json
import sys

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import force_locale
from flask_babel import gettext as _

from catalog.errors import WarisanError
from catalog.models import RunStatus
from harvester.harvest import harvest_partner
from harvester.remap import remap_partner
from harvester.settings import HarvestSettings
from portal.services import get_services
from search import indexing

SUMMARY = ("new", "updated", "deleted", "unchanged", "failed", "quarantined_pages")


class _Bar:
    """A click progress bar for one partner, sized once the feed says how many records."""

    def __init__(self, label: str) -> None:
        self.label, self.bar, self.done = label, None, 0

    def __call__(self, done: int, total: int | None) -> None:
        if self.bar is None:
            self.bar = click.progressbar(
                length=max(total or 0, done, 1), label=self.label, file=sys.stderr, show_pos=True
            )
            self.bar.__enter__()
        if done > self.bar.length:
            self.bar.length = done
        self.bar.update(done - self.done)
        self.done = done

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


@click.command("harvest")
@with_appcontext
@click.argument("partner_ids", nargs=-1)
@click.option("--all", "all_partners", is_flag=True, help="Harvest every active partner.")
@click.option("--full", is_flag=True, help="Harvest everything, not only what changed.")
@click.option(
    "--from",
    "from_date",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Harvest records changed since this day (YYYY-MM-DD).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the run reports as JSON.")
@click.option(
    "--confirm-deletions",
    is_flag=True,
    help="Allow a run to delete more than the guard's share of a partner's records.",
)
@click.option(
    "--index/--no-index",
    default=True,
    show_default=True,
    help="Update the search index for the changed records (--no-index: run warisan reindex later).",
)
def harvest(partner_ids, all_partners, full, from_date, as_json, confirm_deletions, index) -> None:
    """Harvest the OAI-PMH feeds of partners PARTNER_IDS (or --all)."""
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        _harvest(partner_ids, all_partners, full, from_date, as_json, confirm_deletions, index)


def _harvest(partner_ids, all_partners, full, from_date, as_json, confirm_deletions, index) -> None:
    services = get_services()
    if all_partners:
        partner_ids = [p.id for p in services.catalog.list_partners(active_only=True) if p.oai_url]
    if not partner_ids:
        raise click.UsageError(_("Name at least one partner, or use --all."))
    settings = HarvestSettings.from_config(current_app.config)
    day = from_date.date() if isinstance(from_date, dt.datetime) else None
    reports, failed = [], False
    for partner_id in partner_ids:
        bar = _Bar(partner_id)
        try:
            report = harvest_partner(
                services.catalog,
                partner_id,
                settings,
                full=full,
                from_date=day,
                confirm_deletions=confirm_deletions,
                progress=bar,
            )
        except WarisanError as exc:
            bar.close()
            failed = True
            reports.append(
                {"partner": partner_id, "status": RunStatus.FAILED, "errors": [str(exc)]}
            )
            click.echo(
                _("%(partner)s: could not harvest: %(error)s", partner=partner_id, error=str(exc)),
                err=True,
            )
            continue
        bar.close()
        failed = failed or not report.ok
        reports.append(report.to_dict())
        if index:
            failed = not index_due() or failed
        if not as_json:
            _summary(report)
    if as_json:
        click.echo(json.dumps(reports, indent=2, ensure_ascii=False, default=str))
    if failed:
        sys.exit(1)


def index_due() -> bool:
    """Index the records marked due (those just changed among them); False when it failed.

    The catalogue keeps the records and their marks whatever happens here: a failed
    index write is reported, and the next drain or ``warisan reindex`` repairs the index.
    """
    services = get_services()
    if not indexing.due_records(services.catalog, limit=1):
        return True  # nothing changed: the index is not even opened
    try:
        indexing.drain(services.catalog, services.search)
    except WarisanError as exc:
        click.echo(
            _(
                "The search index was not updated (%(error)s); run warisan reindex.",
                error=str(exc),
            ),
            err=True,
        )
        return False
    return True


def _summary(report) -> None:
    counts = report.counts
    click.echo(
        _(
            "%(partner)s: %(status)s — %(new)d new, %(updated)d updated, %(deleted)d "
            "deleted, %(unchanged)d unchanged, %(failed)d failed, %(pages)d quarantined "
            "pages",
            partner=report.partner_id,
            status=report.status,
            new=counts.get("new", 0),
            updated=counts.get("updated", 0),
            deleted=counts.get("deleted", 0),
            unchanged=counts.get("unchanged", 0),
            failed=counts.get("failed", 0),
            pages=counts.get("quarantined_pages", 0),
        )
    )
    if counts.get("kept"):
        click.echo(
            _(
                "  %(kept)d record(s) uploaded or catalogued in the workspace left untouched "
                "(a harvest changes only what it brought)",
                kept=counts["kept"],
            )
        )
    for error in report.report.get("errors", []):
        click.echo(_("  note: %(error)s", error=error))


@click.command("remap")
@with_appcontext
@click.argument("partner_id")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def remap(partner_id: str, as_json: bool) -> None:
    """Map PARTNER_ID's stored raw XML again with the current mappings (no harvest)."""
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        _remap(partner_id, as_json)


def _remap(partner_id: str, as_json: bool) -> None:
    services = get_services()
    with click.progressbar(length=1, label=partner_id, file=sys.stderr) as bar:

        def progress(done: int, total: int) -> None:
            bar.length = max(total, 1)
            bar.update(done - bar.pos)

        result = remap_partner(services.catalog, partner_id, progress=progress)
    index_due()
    if as_json:
        click.echo(
            json.dumps(
                {
                    "partner": partner_id,
                    "counts": result.counts,
                    "changed_records": len(result.changed_record_ids),
                    "errors": result.errors,
                },
                indent=2,
            )
        )
        return
    click.echo(
        _(
            "%(partner)s remapped: %(updated)d updated, %(unchanged)d unchanged, %(failed)d failed",
            partner=partner_id,
            updated=result.counts["updated"],
            unchanged=result.counts["unchanged"],
            failed=result.counts["failed"],
        )
    )


commands = [harvest, remap]
