"""The ``warisan`` command: a Flask CLI group over :func:`portal.create_app`.

Each area keeps its commands in ``portal/commands/<area>.py`` as a list ``commands``;
:data:`COMMANDS` says which module holds which command, and :func:`register_commands`
gives the app a command group that imports a module only when one of its commands is
used (``warisan harvest`` need not import the OCR or search commands and what they pull
in; ``warisan --help`` still lists them all). An error of ours ends any command with its
message, not a traceback (``Error: …``, exit status 1): :class:`OurErrorsAsMessages` does
it for both ways in (the ``warisan`` script and ``app.cli``, as the test runner uses it).
"""

from __future__ import annotations

import atexit
import gc
import importlib

import click
from flask.cli import AppGroup, FlaskGroup

COMMANDS = {
    "db": "db",
    "partner": "partner",
    "demo": "demo",
    "harvest": "harvest",
    "remap": "harvest",
    "worker": "ingest",
    "ocr": "ingest",
    "ingest": "ingest",
    "reindex": "search",
    "search": "search",
    "user": "user",
    "embargo": "records",
    "uploads": "uploads",
}
"""Top-level command name → the module of ``portal.commands`` that defines it."""


class OurErrorsAsMessages(click.Group):
    """A command group that turns a :class:`~catalog.errors.WarisanError` raised by any
    of its commands into click's ``Error: <message>`` and exit status 1."""

    def invoke(self, ctx: click.Context):
        from catalog.errors import WarisanError

        try:
            return super().invoke(ctx)
        except WarisanError as exc:
            raise click.ClickException(str(exc)) from exc


class AreaCommands(OurErrorsAsMessages, AppGroup):
    """The app's command group: area commands are imported on first use."""

    def __init__(self, modules: dict[str, str], **kwargs) -> None:
        super().__init__(**kwargs)
        self.modules = dict(modules)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.modules})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in self.commands and name in self.modules:
            self.load(self.modules[name])
        return super().get_command(ctx, name)

    def load(self, module_name: str) -> None:
        """Import ``portal.commands.<module_name>`` and add its commands."""
        module = importlib.import_module(f"portal.commands.{module_name}")
        for command in module.commands:
            if command.name not in self.commands:
                self.add_command(command)


def register_commands(app) -> None:
    """Give ``app`` the Warisan commands (its ``app.cli`` keeps any already added)."""
    group = AreaCommands(COMMANDS, name=app.cli.name)
    for command in app.cli.commands.values():
        group.add_command(command)
    app.cli = group


class WarisanGroup(OurErrorsAsMessages, FlaskGroup):
    """The ``warisan`` group: errors of ours as messages; what start-up built is frozen
    out of the garbage collector before the command runs."""

    def resolve_command(self, ctx: click.Context, args: list[str]):
        found = super().resolve_command(ctx, args)
        # The app is built and the command's module imported: what exists now lives as
        # long as the process. Frozen, the collector stops walking it in every full
        # collection of a long command, and forked workers do not copy the pages it
        # touches.
        gc.freeze()
        return found


def _create_app():
    from portal import create_app

    return create_app()


@click.group(cls=WarisanGroup, create_app=_create_app, add_version_option=False)
def main() -> None:
    """Warisan: harvest, OCR, index and serve Borneo heritage collections.

    The instance folder is ./instance or $WARISAN_INSTANCE; settings come from the
    instance config.py and WARISAN_* environment variables.
    """


# When a command ends, CPython garbage-collects the whole heap while it tears the
# modules down, to free memory the operating system takes back anyway. Objects frozen at
# exit are left out of that collection (figures in bench/README.md).
atexit.register(gc.freeze)
