"""``warisan embargo release``: end the embargoes whose date has come, now.

The same library job the queue runs every ten minutes
(:func:`catalog.controls.release_embargoes`, task ``release_embargoes`` in
:mod:`portal.tasks`), for a portal without a worker, cron, or a test; it then indexes
the released records like ``warisan harvest`` does.
"""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import force_locale, ngettext

from catalog import controls
from portal.commands.harvest import index_due
from portal.services import get_services

group = AppGroup("embargo", help="Embargoes set by partners in the workspace.")


@group.command("release")
def release() -> None:
    """Release every embargo that has ended (audited as "system") and index the records."""
    released = controls.release_embargoes(get_services().catalog)
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        count = len(released)
        click.echo(ngettext("%(num)d embargo released.", "%(num)d embargoes released.", count))
    if released and not index_due():
        raise SystemExit(1)


commands = [group]
