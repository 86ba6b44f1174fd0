"""``warisan uploads clean``: remove abandoned and leftover uploads, now.

The same library job the queue runs every hour (:func:`ingest.upload_cleaning.clean`, task
``clean_uploads`` in :mod:`portal.tasks`), for a portal without a worker, cron, or a test.
"""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import force_locale, ngettext

from ingest import upload_cleaning
from ingest.upload_settings import UploadSettings
from portal.services import get_services

group = AppGroup("uploads", help="Files uploaded in the workspace.")


@group.command("clean")
def clean() -> None:
    """Remove uploads abandoned for UPLOAD_ABANDON_HOURS and the files of finished ones."""
    settings = UploadSettings.from_config(current_app.config)
    removed = upload_cleaning.clean(get_services().catalog, settings)
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        count = len(removed)
        click.echo(
            ngettext(
                "%(num)d abandoned upload removed.", "%(num)d abandoned uploads removed.", count
            )
        )


commands = [group]
