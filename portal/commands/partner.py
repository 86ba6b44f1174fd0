"""``warisan partner``: register, change and inspect partner institutions.

Every change is audited with the actor ``cli`` (:mod:`catalog.partners`).
"""

from __future__ import annotations

import json

import click
from flask.cli import AppGroup

from catalog import partners
from catalog.models import INSTITUTION_TYPES
from portal.services import get_services

ACTOR = "cli"

group = AppGroup("partner", help="Register, change and inspect partner institutions.")


@group.command("add")
@click.argument("partner_id")
@click.option("--name", required=True, help="Institution name.")
@click.option("--country", required=True, help="ISO 3166-1 alpha-2 code: MY, ID, BN…")
@click.option("--url", "oai_url", help="OAI-PMH base URL of the partner's feed.")
@click.option(
    "--prefix",
    "metadata_prefix",
    default="oai_dc",
    show_default=True,
    help="Metadata format to harvest (oai_dc, marcxml, marc21, mods).",
)
@click.option("--set", "sets", multiple=True, help="OAI set to harvest (repeatable; none = all).")
@click.option(
    "--scan-host",
    "scan_hosts",
    multiple=True,
    help="Host allowed to serve this partner's scans (repeatable).",
)
@click.option("--region", help="Province or state, e.g. Sarawak or Kalimantan Barat.")
@click.option(
    "--type",
    "institution_type",
    type=click.Choice(INSTITUTION_TYPES),
    default="library",
    show_default=True,
    help="Kind of institution.",
)
@click.option(
    "--delay",
    "politeness_delay",
    type=float,
    default=1.0,
    show_default=True,
    help="Seconds to wait between requests to this partner.",
)
@click.option("--website", help="The partner's home page.")
def add(partner_id: str, **fields) -> None:
    """Register partner PARTNER_ID (a slug such as pustaka-sarawak)."""
    fields["sets"] = list(fields["sets"])
    fields["scan_hosts"] = list(fields["scan_hosts"])
    fields["country"] = (fields["country"] or "").upper()
    partners.register_partner(get_services().catalog, partner_id, fields, ACTOR)
    click.echo(f"Partner {partner_id} registered.")


@group.command("update")
@click.argument("partner_id")
@click.option("--name", help="Institution name.")
@click.option("--country", help="ISO 3166-1 alpha-2 code: MY, ID, BN…")
@click.option("--region", help="Province or state.")
@click.option("--url", "oai_url", help="OAI-PMH base URL of the partner's feed.")
@click.option("--prefix", "metadata_prefix", help="Metadata format to harvest.")
@click.option("--type", "institution_type", type=click.Choice(INSTITUTION_TYPES))
@click.option("--delay", "politeness_delay", type=float, help="Seconds between requests.")
@click.option("--website", help="The partner's home page.")
@click.option("--active/--inactive", default=None, help="Harvest the partner, or pause it.")
def update(partner_id: str, **options) -> None:
    """Change the registration of partner PARTNER_ID (only the options given)."""
    fields = {key: value for key, value in options.items() if value is not None}
    if "country" in fields:
        fields["country"] = fields["country"].upper()
    if not fields:
        raise click.UsageError("give at least one option to change")
    changed = partners.change_partner(get_services().catalog, partner_id, fields, ACTOR)
    if not changed:
        click.echo(f"Partner {partner_id} unchanged.")
        return
    click.echo(f"Partner {partner_id} updated: {', '.join(sorted(changed))}.")


@group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def list_(as_json: bool) -> None:
    """List partners with their record counts."""
    services = get_services()
    partners = services.catalog.list_partners()
    counts = services.catalog.record_counts()
    if as_json:
        click.echo(json.dumps([_summary(p, counts) for p in partners], indent=2))
        return
    if not partners:
        click.echo("No partners yet. Add one with: warisan partner add ID --name … --country XX")
        return
    for p in partners:
        state = "" if p.active else " (inactive)"
        click.echo(f"{p.id:28} {p.country}  {counts.get(p.id, 0):>7} records  {p.name}{state}")


@group.command("show")
@click.argument("partner_id")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def show(partner_id: str, as_json: bool) -> None:
    """Show everything known about one partner."""
    services = get_services()
    partner = services.catalog.get_partner(partner_id)
    info = _summary(partner, services.catalog.record_counts())
    if as_json:
        click.echo(json.dumps(info, indent=2, default=str))
        return
    for key, value in info.items():
        if isinstance(value, list):
            value = ", ".join(map(str, value)) or "—"
        click.echo(f"{key.replace('_', ' '):18} {value if value not in (None, '') else '—'}")


def _summary(partner, counts: dict[str, int]) -> dict:
    return {
        "id": partner.id,
        "name": partner.name,
        "country": partner.country,
        "region": partner.region,
        "institution_type": partner.institution_type,
        "oai_url": partner.oai_url,
        "metadata_prefix": partner.metadata_prefix,
        "sets": partner.sets,
        "scan_hosts": partner.scan_hosts,
        "politeness_delay": partner.politeness_delay,
        "active": partner.active,
        "website": partner.website,
        "records": counts.get(partner.id, 0),
    }


commands = [group]
