"""The README and the CLI stay honest: every setting documented, every command helps."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import portal.config

README = Path(__file__).resolve().parents[2] / "README.md"


def settings_with_docstrings() -> dict[str, str | None]:
    tree = ast.parse(Path(portal.config.__file__).read_text())
    found: dict[str, str | None] = {}
    body = tree.body
    for index, node in enumerate(body):
        if isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name) and target.id.isupper():
                    following = body[index + 1] if index + 1 < len(body) else None
                    doc = None
                    if isinstance(following, ast.Expr) and isinstance(
                        following.value, ast.Constant
                    ):
                        doc = following.value.value
                    found[target.id] = doc
    return found


def test_every_setting_has_a_docstring():
    missing = [name for name, doc in settings_with_docstrings().items() if not doc]
    assert missing == []


def test_every_setting_is_in_the_readme_configuration_table():
    table = set(re.findall(r"^\| `([A-Z0-9_]+)` \|", README.read_text(), flags=re.MULTILINE))
    settings = set(settings_with_docstrings())
    assert settings - table == set(), "settings missing from the README table"
    assert table - settings == set(), "README documents settings that do not exist"


def test_readme_gives_the_two_commands():
    text = README.read_text()
    assert "make demo" in text and "make test" in text


def all_commands(group, prefix=()):
    """Every command under ``group``, loaded the way the CLI loads them (on first use)."""
    import click

    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        path = (*prefix, name)
        yield path, command
        if isinstance(command, click.Group):
            yield from all_commands(command, path)


def test_warisan_help_lists_every_command_with_help(app, instance_dir):
    from click.testing import CliRunner

    from portal.cli import main

    result = CliRunner().invoke(main, ["--help"], env={"WARISAN_INSTANCE": str(instance_dir)})
    assert result.exit_code == 0, result.output
    for (name,), command in ((p, c) for p, c in all_commands(app.cli) if len(p) == 1):
        assert name in result.output
        assert command.help or command.short_help, f"{name} has no help text"


def test_each_command_module_is_loaded_only_for_its_own_commands(app):
    """``portal.cli.COMMANDS`` names every command of every module, under that module."""
    import importlib
    import pkgutil

    import portal.commands
    from portal.cli import COMMANDS, AreaCommands

    found = {}
    for info in pkgutil.iter_modules(portal.commands.__path__):
        module = importlib.import_module(f"portal.commands.{info.name}")
        found.update({command.name: info.name for command in module.commands})
    assert found == COMMANDS
    group = AreaCommands(COMMANDS)
    assert not group.commands
    import click

    assert group.get_command(click.Context(group), "remap").name == "remap"
    assert set(group.commands) == {"harvest", "remap"}
    assert isinstance(app.cli, AreaCommands)


def test_every_subcommand_help_runs(app):
    runner = app.test_cli_runner()
    commands = list(all_commands(app.cli))
    assert len(commands) >= 5
    for path, command in commands:
        result = runner.invoke(args=[*path, "--help"])
        assert result.exit_code == 0, (path, result.output)
        assert "Usage:" in result.output
        assert command.help or command.short_help or path[0] in {"run", "shell", "routes"}, path


@pytest.mark.parametrize("args", [["partner", "add", "x"], ["partner", "show", "nobody"]])
def test_cli_errors_are_clear(runner, args):
    result = runner.invoke(args=args)
    assert result.exit_code != 0
    assert "Error" in result.output


def test_a_catalogue_never_upgraded_is_an_error_with_the_fix_not_a_traceback(tmp_path):
    from click.testing import CliRunner

    from portal.cli import main

    result = CliRunner().invoke(main, ["partner", "list"], env={"WARISAN_INSTANCE": str(tmp_path)})
    assert result.exit_code == 1
    assert "warisan db upgrade" in result.output
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)
