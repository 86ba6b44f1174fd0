"""The ``warisan`` command: a Flask CLI group over :func:`portal.create_app`.

Each area keeps its commands in ``portal/commands/<area>.py`` as a list ``commands``;
:func:`register_commands` adds them all.
"""

from __future__ import annotations

import importlib

import click
from flask.cli import FlaskGroup

COMMAND_MODULES = ("db", "partner", "demo", "harvest", "ingest", "search")


def register_commands(app) -> None:
    for name in COMMAND_MODULES:
        module = importlib.import_module(f"portal.commands.{name}")
        for command in module.commands:
            app.cli.add_command(command)


def _create_app():
    from portal import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_version_option=False)
def main() -> None:
    """Warisan: harvest, OCR, index and serve Borneo heritage collections.

    The instance folder is ./instance or $WARISAN_INSTANCE; settings come from the
    instance config.py and WARISAN_* environment variables.
    """
