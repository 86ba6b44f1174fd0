"""``warisan demo``: build the demo instance end to end and serve the portal.

Steps, each printed: schema → demo page scans → the demo OAI-PMH server on 127.0.0.1 →
the three demo partners → harvest → fetch and OCR the scans → index → the demo workspace
accounts (credentials printed, for the demo only) → serve. Every step is idempotent, so
running it twice changes nothing the second time.
"""

from __future__ import annotations

import errno
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from demo.accounts import DEMO_ACCOUNTS, DemoAccount
from portal.services import get_services

DEMO_OAI_PORT = 8765


def _step(text: str) -> None:
    click.secho(f"==> {text}", bold=True)


def register_demo_partners(base_url: str) -> list[str]:
    """Register the demo partners against a running demo server (update when present)."""
    from catalog.errors import NotFound
    from demo.data import load_partners, registration

    catalog = get_services().catalog
    ids = []
    for partner in load_partners():
        fields = registration(partner, base_url)
        try:
            catalog.get_partner(partner["id"])
        except NotFound:
            catalog.add_partner(partner["id"], **fields)
            where = f"{partner['country']}, {fields['metadata_prefix']}"
            click.echo(f"    registered {partner['id']} ({where})")
        else:
            catalog.update_partner(partner["id"], **fields)
            click.echo(f"    {partner['id']} already registered")
        ids.append(partner["id"])
    return ids


def ensure_scans(folder: Path) -> None:
    """Render the demo page scans once into ``folder``."""
    from demo.scans import generate_scans, load_pages

    expected = len(load_pages())
    if folder.is_dir() and len(list(folder.glob("*.png"))) >= expected:
        click.echo(f"    {expected} scans already in {folder}")
        return
    generate_scans(folder)
    click.echo(f"    rendered {expected} scans into {folder}")


def ensure_demo_accounts() -> list[tuple[DemoAccount, str]]:
    """Create the demo accounts that are missing (and a missing role of one that exists);
    returns each account with what was found: ``created``, ``present`` (its password
    still the printed one) or ``password changed`` (the printed one no longer works).
    A present account's password is never reset: whoever changed it meant it."""
    from catalog import accounts
    from catalog.passwords import verify_password

    catalog = get_services().catalog
    found = []
    for account in DEMO_ACCOUNTS:
        user = accounts.find_user_by_email(catalog, account.email)
        if user is None:
            accounts.create_user(
                catalog,
                account.email,
                account.password,
                display_name=account.name,
                role=account.role,
                partner_id=account.partner_id,
                actor="cli",
            )
            found.append((account, "created"))
            continue
        held = {(str(m.role), m.partner_id) for m in user.memberships}
        if (account.role, account.partner_id) not in held:
            accounts.add_membership(catalog, user.id, account.role, account.partner_id, actor="cli")
        same = verify_password(user.password_hash or "", account.password)
        found.append((account, "present" if same else "password changed"))
    return found


def print_demo_accounts(found: list[tuple[DemoAccount, str]]) -> None:
    """Print the demo credentials, saying they are for the demo only."""
    click.echo("    For the demo only: anyone who reads these can log in.")
    for account, state in found:
        where = f" of {account.partner_id}" if account.partner_id else ""
        if state == "password changed":
            shown = "(password changed since; not shown)"
        else:
            shown = f"password {account.password}"
        click.echo(f"    {account.role}{where}: {account.email}  {shown}  [{state}]")


def build_demo(oai_port: int = DEMO_OAI_PORT) -> None:
    """Run every setup step of the demo instance of the current app."""
    from demo.oai_server import serve
    from portal.commands.harvest import harvest
    from portal.commands.ingest import ocr_command
    from portal.commands.search import reindex

    ctx = click.get_current_context()
    instance = Path(current_app.instance_path)
    _step(f"Instance folder {instance}")
    get_services().catalog.upgrade()
    _step("Demo page scans")
    scans = instance / "demo-scans"
    ensure_scans(scans)
    _step(f"Demo OAI-PMH server on 127.0.0.1:{oai_port}")
    try:
        server = serve("127.0.0.1", oai_port, scans)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise click.ClickException(
                f"port {oai_port} is in use; free it or pass --oai-port with another port"
            ) from exc
        raise
    try:
        _step("Demo partners")
        register_demo_partners(server.url)
        _step("Harvest")
        ctx.invoke(harvest, all_partners=True)
        _step("Fetch and OCR the scans")
        ctx.invoke(ocr_command, pending=True)
    finally:
        server.shutdown()
    _step("Search index")
    ctx.invoke(reindex)
    _step("Demo workspace accounts")
    print_demo_accounts(ensure_demo_accounts())


@click.command("demo")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to serve on.")
@click.option("--port", default=5000, show_default=True, help="Port to serve the portal on.")
@click.option(
    "--oai-port",
    default=DEMO_OAI_PORT,
    show_default=True,
    help="Port of the local demo OAI-PMH server (the partners' feeds).",
)
@click.option("--serve/--no-serve", default=True, help="Serve the portal when set up.")
@with_appcontext
def demo(host: str, port: int, oai_port: int, serve: bool) -> None:
    """Set up the demo instance (partners, harvest, OCR, index) and serve the portal."""
    build_demo(oai_port)
    counts = get_services().catalog.record_counts()
    _step(f"Ready: {sum(counts.values())} records from {len(counts)} partners")
    if serve:
        click.echo(f"Serving the portal on http://{host}:{port} (Ctrl-C stops it)")
        click.echo(f"Workspace login: http://{host}:{port}/workspace/login (demo accounts above)")
        from werkzeug.serving import run_simple

        run_simple(host, port, current_app._get_current_object(), threaded=True)


commands = [demo]
