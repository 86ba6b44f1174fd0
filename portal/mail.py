"""Sending mail over SMTP, from the ``MAIL_URL`` setting (stdlib ``smtplib``).

``MAIL_URL`` names the server and how to talk to it:

- ``smtp://host[:port]`` — plain SMTP (port 25 by default), for a relay on the same host
  or network (and the tests' local ``aiosmtpd``);
- ``smtp+starttls://[user:password@]host[:port]`` — SMTP upgraded with STARTTLS (587);
- ``smtps://[user:password@]host[:port]`` — SMTP over TLS from the first byte (465).

User name and password are percent-decoded and used to log in when given. TLS
certificates are verified against the system's trust store. A bad ``MAIL_URL`` fails at
app start (:func:`parse_mail_url` via :mod:`portal.settings`); a server that cannot be
reached or refuses the message raises :class:`MailError` at the send, whose message
says why (never the password). Mails are plain text, written by the templates under
``templates/mail/`` in the language asked for (:func:`render_mail`).
"""

from __future__ import annotations

import dataclasses
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from urllib.parse import unquote, urlsplit

from flask import current_app, render_template
from flask_babel import force_locale

from catalog.errors import ConfigError, WarisanError

SCHEMES = {"smtp": ("plain", 25), "smtp+starttls": ("starttls", 587), "smtps": ("tls", 465)}
"""Accepted ``MAIL_URL`` schemes → (how the connection is secured, default port)."""


class MailError(WarisanError):
    """A mail could not be handed to the SMTP server (``to`` names the recipient)."""

    status = 502


@dataclasses.dataclass(frozen=True)
class MailServer:
    """Where and how to hand mail over, parsed from ``MAIL_URL``."""

    host: str
    port: int
    security: str
    """``plain``, ``starttls`` or ``tls``."""
    username: str | None = None
    password: str | None = dataclasses.field(default=None, repr=False)


def parse_mail_url(url: object) -> MailServer:
    """The :class:`MailServer` of a ``MAIL_URL``; :class:`ConfigError` when it is not one."""
    parts = urlsplit(url) if isinstance(url, str) else None
    if parts is None or parts.scheme not in SCHEMES or not parts.hostname:
        schemes = ", ".join(f"{scheme}://" for scheme in SCHEMES)
        shown = parts._replace(netloc=parts.hostname or "").geturl() if parts else url
        raise ConfigError(
            f"MAIL_URL must be a URL starting with one of {schemes} and naming a host; "
            f"got {shown!r}",
            setting="MAIL_URL",
        )
    security, default_port = SCHEMES[parts.scheme]
    try:
        port = parts.port or default_port
    except ValueError as exc:
        raise ConfigError(f"MAIL_URL has a bad port ({exc})", setting="MAIL_URL") from exc
    return MailServer(
        host=parts.hostname,
        port=port,
        security=security,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password is not None else None,
    )


def compose(to: str, subject: str, body: str, sender: str) -> EmailMessage:
    """A plain-text UTF-8 message (headers with a newline are refused by ``email``)."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2].strip("> ") or None)
    message.set_content(body)
    return message


def deliver(message: EmailMessage, server: MailServer, timeout: float) -> None:
    """Hand ``message`` to ``server``; :class:`MailError` if that fails in any way."""
    try:
        if server.security == "tls":
            context = ssl.create_default_context()
            smtp = smtplib.SMTP_SSL(server.host, server.port, timeout=timeout, context=context)
        else:
            smtp = smtplib.SMTP(server.host, server.port, timeout=timeout)
        with smtp:
            if server.security == "starttls":
                smtp.starttls(context=ssl.create_default_context())
            if server.username:
                smtp.login(server.username, server.password or "")
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise MailError(
            f"the mail to {message['To']} could not be sent through "
            f"{server.host}:{server.port}: {reason or type(exc).__name__}",
            to=str(message["To"]),
        ) from exc


def render_mail(template: str, locale: str, **context) -> tuple[str, str]:
    """``(subject, body)`` of ``templates/mail/<template>.txt`` in ``locale``.

    The template's first line is the subject, the rest (after one blank line) the body.
    Plain text: Jinja does not escape ``.txt`` templates, and no HTML is ever sent.
    """
    with force_locale(locale):
        text = render_template(f"mail/{template}.txt", **context)
    subject, _, body = text.strip().partition("\n")
    return subject.strip(), body.strip() + "\n"


def send_mail(to: str, template: str, locale: str, **context) -> None:
    """Render a mail template in ``locale`` and send it to ``to`` through ``MAIL_URL``,
    from ``MAIL_FROM``, waiting at most ``MAIL_TIMEOUT`` seconds for the server.

    Returns once the server has accepted the message; :class:`MailError` otherwise.
    """
    config = current_app.config
    subject, body = render_mail(template, locale, **context)
    message = compose(to, subject, body, config["MAIL_FROM"])
    deliver(message, parse_mail_url(config["MAIL_URL"]), float(config["MAIL_TIMEOUT"]))


def invitation_link(token: str, locale: str) -> str:
    """The absolute link of an invitation's page, opening in ``locale``. Needs a request
    context (the host: ``PORTAL_BASE_URL``, else the request's)."""
    from portal.urls import absolute

    return absolute("workspace.accept_invitation", token=token, lang=locale)


def send_invitation(invitation, link: str, locale: str, inviter: str | None = None) -> None:
    """Mail an invitation's ``link`` (:func:`invitation_link`) to its email, in
    ``locale``, naming ``inviter`` when given. :class:`MailError` when it cannot be sent."""
    from portal.services import get_services
    from portal.views.workspace import ROLE_NAMES

    partner = None
    if invitation.partner_id is not None:
        partner = get_services().catalog.get_partner(invitation.partner_id).name
    with force_locale(locale):
        role = str(ROLE_NAMES.get(invitation.role, invitation.role))
    send_mail(
        invitation.email,
        "invitation",
        locale,
        link=link,
        role=role,
        partner=partner,
        inviter=inviter,
        expires_at=invitation.expires_at,
    )


def send_password_reset(user, token: str, locale: str) -> None:
    """Mail a password-reset link (in ``locale``) to ``user``'s address.
    :class:`MailError` when the mail cannot be sent."""
    from portal.urls import absolute

    link = absolute("workspace.reset_password", token=token, lang=locale)
    minutes = int(current_app.config["PASSWORD_RESET_MAX_AGE"]) // 60
    send_mail(user.email, "password_reset", locale, link=link, email=user.email, minutes=minutes)
