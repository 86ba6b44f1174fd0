"""``warisan db``: schema migrations of the catalogue store."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from catalog import db as catalog_db
from portal.services import get_services

group = AppGroup("db", help="Create or upgrade the catalogue database.")


@group.command("upgrade")
def upgrade() -> None:
    """Create the catalogue schema or bring it up to date (safe to run twice)."""
    catalog = get_services().catalog
    catalog.upgrade()
    click.echo(f"Catalogue schema at revision {catalog_db.current_revision(catalog.engine)}.")


@group.command("current")
def current() -> None:
    """Print the schema revision of the catalogue database."""
    click.echo(catalog_db.current_revision(get_services().catalog.engine) or "empty")


commands = [group]
