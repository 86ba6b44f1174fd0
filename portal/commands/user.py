"""``warisan user``: accounts from the shell (the first consortium admin, and repairs).

A password is read with a hidden prompt (typed twice) or, for scripts, as one line on
standard input (``--password-stdin``); never as an argument, where it would stay in the
shell history and the process list. Every change is audited with the actor ``cli``.
"""

from __future__ import annotations

import json
import sys

import click
from flask import current_app
from flask.cli import AppGroup

from catalog import accounts, passwords
from catalog.errors import InvalidInput
from catalog.models import Role
from portal.services import get_services

ACTOR = "cli"

group = AppGroup("user", help="Add, list, disable and enable accounts.")

password_stdin = click.option(
    "--password-stdin",
    "from_stdin",
    is_flag=True,
    help="Read the password as one line from standard input instead of prompting.",
)


def role_options(command):
    """``--role`` and ``--partner``, as every command that names a role takes them."""
    command = click.option("--partner", "partner_id", help="The partner the role is held at.")(
        command
    )
    return click.option(
        "--role",
        type=click.Choice([str(r) for r in Role]),
        required=True,
        help="consortium-admin (no --partner), or partner-admin, curator, operator of --partner.",
    )(command)


@group.command("add")
@click.argument("email")
@role_options
@click.option("--name", "display_name", help="The name shown for the user.")
@password_stdin
def add(email: str, role: str, partner_id: str | None, display_name: str | None, from_stdin):
    """Create user EMAIL with a role and a password (the first admin, for one)."""
    password = _read_password(from_stdin)
    user = accounts.create_user(
        get_services().catalog,
        email,
        password,
        display_name=display_name,
        role=role,
        partner_id=partner_id,
        actor=ACTOR,
    )
    where = f" of {partner_id}" if partner_id else ""
    click.echo(f"User {user.email} added as {role}{where}.")


@group.command("invite")
@click.argument("email")
@role_options
@click.option(
    "--lang",
    "locale",
    default=None,
    help="Language of the mail and the page it links to (default: BABEL_DEFAULT_LOCALE).",
)
@click.option(
    "--base-url",
    default=None,
    help="Public address of the portal for the link (default: PORTAL_BASE_URL).",
)
@click.option("--no-mail", is_flag=True, help="Only print the link (a consortium without mail).")
def invite(email, role, partner_id, locale, base_url, no_mail) -> None:
    """Invite EMAIL to join with a role: mail the link (MAIL_URL) and print it.

    The link works once, for INVITATION_DAYS days. When the mail cannot be sent the
    invitation stays (resend it from the workspace) and the command fails after
    printing the link.
    """
    import datetime as dt

    from catalog import invitations
    from portal import mail

    config = current_app.config
    locale = locale or config["BABEL_DEFAULT_LOCALE"]
    if locale not in config["LANGUAGES"]:
        raise click.BadParameter(f"one of {', '.join(config['LANGUAGES'])}", param_hint="--lang")
    base_url = base_url or config.get("PORTAL_BASE_URL")
    if not base_url:
        raise click.UsageError("set PORTAL_BASE_URL or give --base-url: the link needs it")
    ttl = dt.timedelta(days=float(config["INVITATION_DAYS"]))
    invitation, token = invitations.create_invitation(
        get_services().catalog, email, role, partner_id, actor=ACTOR, ttl=ttl
    )
    with current_app.test_request_context(base_url=base_url):
        link = mail.invitation_link(token, locale)
        click.echo(f"Invitation for {invitation.email} as {role}:")
        click.echo(link)
        if no_mail:
            return
        try:
            mail.send_invitation(invitation, link, locale)
        except mail.MailError as exc:
            raise click.ClickException(
                f"{exc}. The invitation is saved: give the link above."
            ) from exc
    click.echo(f"Mailed to {invitation.email}.")


@group.command("grant")
@click.argument("email")
@role_options
def grant(email: str, role: str, partner_id: str | None) -> None:
    """Give user EMAIL another role (a user may hold roles at several partners)."""
    accounts.add_membership(get_services().catalog, email, role, partner_id, actor=ACTOR)
    click.echo(
        f"{accounts.normalise_email(email)} is now {role}"
        + (f" of {partner_id}." if partner_id else ".")
    )


@group.command("revoke")
@click.argument("email")
@role_options
def revoke(email: str, role: str, partner_id: str | None) -> None:
    """Take a role from user EMAIL."""
    if not accounts.remove_membership(get_services().catalog, email, role, partner_id, actor=ACTOR):
        raise click.ClickException(f"{email} does not hold that role")
    click.echo(
        f"{accounts.normalise_email(email)} is no longer {role}"
        + (f" of {partner_id}." if partner_id else ".")
    )


@group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def list_(as_json: bool) -> None:
    """List users with their roles and last sign-in."""
    users = accounts.list_users(get_services().catalog)
    if as_json:
        click.echo(json.dumps([_summary(u) for u in users], indent=2))
        return
    if not users:
        click.echo(
            "No users yet. Add the first admin with: warisan user add EMAIL --role consortium-admin"
        )
        return
    for user in users:
        roles = ", ".join(_role_label(m) for m in user.memberships) or "researcher"
        state = "active" if user.active else "disabled"
        last = user.last_login_at.strftime("%Y-%m-%d %H:%M") if user.last_login_at else "never"
        click.echo(f"{user.email:40} {state:8}  last sign-in {last:16}  {roles}")


@group.command("disable")
@click.argument("email")
def disable(email: str) -> None:
    """Disable user EMAIL: they cannot sign in and their sessions end at once."""
    user = accounts.disable_user(get_services().catalog, email, actor=ACTOR)
    click.echo(f"User {user.email} disabled.")


@group.command("enable")
@click.argument("email")
def enable(email: str) -> None:
    """Let disabled user EMAIL sign in again."""
    user = accounts.enable_user(get_services().catalog, email, actor=ACTOR)
    click.echo(f"User {user.email} enabled.")


@group.command("password")
@click.argument("email")
@password_stdin
def password(email: str, from_stdin: bool) -> None:
    """Set a new password for user EMAIL (their sessions end)."""
    new = _read_password(from_stdin)
    user = accounts.set_password(get_services().catalog, email, new, actor=ACTOR)
    click.echo(f"Password of {user.email} changed.")


def _read_password(from_stdin: bool) -> str:
    """The password from one line of standard input, or from a hidden prompt typed twice
    (asked again while it breaks the rules). Never echoed."""
    if from_stdin:
        value = sys.stdin.readline().rstrip("\r\n")
        passwords.check_password_rules(value)
        return value
    return click.prompt("Password", hide_input=True, confirmation_prompt=True, value_proc=_checked)


def _checked(value: str) -> str:
    try:
        passwords.check_password_rules(value)
    except InvalidInput as exc:
        raise click.UsageError(str(exc)) from exc
    return value


def _role_label(membership) -> str:
    return membership.role + (f"@{membership.partner_id}" if membership.partner_id else "")


def _summary(user) -> dict:
    return {
        "id": user.id,
        "email": user.email,
        "display_name": user.display_name,
        "active": user.active,
        "roles": [{"role": m.role, "partner": m.partner_id} for m in user.memberships],
        "created_at": user.created_at.isoformat(timespec="seconds"),
        "last_login_at": user.last_login_at.isoformat(timespec="seconds")
        if user.last_login_at
        else None,
    }


commands = [group]
