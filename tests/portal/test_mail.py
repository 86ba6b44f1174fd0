"""portal.mail against a real SMTP server (aiosmtpd), and ``warisan user invite``."""

from __future__ import annotations

import pytest

from catalog import invitations
from catalog.errors import ConfigError
from portal import create_app, mail
from portal.services import get_services
from tests.support.web import csrf_token


@pytest.mark.parametrize(
    ("url", "host", "port", "security", "user", "password"),
    [
        ("smtp://127.0.0.1:8025", "127.0.0.1", 8025, "plain", None, None),
        ("smtp://mail.example", "mail.example", 25, "plain", None, None),
        ("smtps://u%40x:p%3Aw@mail.example", "mail.example", 465, "tls", "u@x", "p:w"),
        ("smtp+starttls://u:pw@mail.example:2525", "mail.example", 2525, "starttls", "u", "pw"),
    ],
)
def test_mail_urls(url, host, port, security, user, password):
    server = mail.parse_mail_url(url)
    assert (server.host, server.port, server.security) == (host, port, security)
    assert (server.username, server.password) == (user, password)
    assert "pw" not in repr(server) or password is None


@pytest.mark.parametrize("url", ["http://mail.example", "smtp://", "mail.example", None])
def test_a_bad_mail_url_fails_at_start_without_showing_a_password(url, instance_dir):
    with pytest.raises(ConfigError) as raised:
        create_app({"INSTANCE_PATH": str(instance_dir), "MAIL_URL": url})
    assert raised.value.fields["setting"] == "MAIL_URL"
    leaky = "http://user:s3cret@"
    with pytest.raises(ConfigError) as raised:
        mail.parse_mail_url(leaky)
    assert "s3cret" not in str(raised.value)


def test_a_plain_text_mail_arrives(app, mailbox):
    app.config["MAIL_URL"] = mailbox.url
    with app.test_request_context():
        message = mail.compose("a@example.org", "Tajuk", "Isi surat: ĕ ü\n", "W <w@example.org>")
        mail.deliver(message, mail.parse_mail_url(mailbox.url), 5)
    (got,) = mailbox.messages
    assert got["Subject"] == "Tajuk"
    assert got.get_content_type() == "text/plain"
    assert mailbox.body(got) == "Isi surat: ĕ ü\n"


def test_an_unreachable_server_is_a_clear_error(app):
    server = mail.parse_mail_url("smtp://127.0.0.1:1")
    message = mail.compose("a@example.org", "S", "B\n", "w@example.org")
    with pytest.raises(mail.MailError) as raised:
        mail.deliver(message, server, 5)
    assert "a@example.org" in str(raised.value) and "127.0.0.1:1" in str(raised.value)


def test_a_header_with_a_newline_is_refused():
    with pytest.raises(ValueError):
        mail.compose("a@example.org\nBcc: b@example.org", "S", "B", "w@example.org")


def test_cli_invite_mails_and_prints_the_link(app, runner, mailbox):
    app.config["MAIL_URL"] = mailbox.url
    with app.app_context():
        catalog = get_services().catalog
    catalog.add_partner("rajang", name="Pustaka Rajang", country="MY")
    args = ["user", "invite", "nur@example.org", "--role", "curator", "--partner", "rajang"]
    result = runner.invoke(args=[*args, "--base-url", "https://warisan.example", "--lang", "ms"])
    assert result.exit_code == 0, result.output
    link = mailbox.link("nur@example.org")
    assert link in result.output
    assert link.startswith("https://warisan.example/workspace/invitations/")
    assert "lang=ms" in link
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    path = mailbox.path(link)
    token = csrf_token(client, path)
    data = {"csrf_token": token, "name": "Nur", "password": "x" * 12, "repeat": "x" * 12}
    assert client.post(path, data=data).status_code == 302


def test_cli_invite_without_mail_still_gives_the_link(app, runner, mailbox):
    app.config["MAIL_URL"] = "smtp://127.0.0.1:1"
    app.config["PORTAL_BASE_URL"] = "https://warisan.example"
    failed = runner.invoke(
        args=["user", "invite", "boss@example.org", "--role", "consortium-admin"]
    )
    assert failed.exit_code == 1
    assert "https://warisan.example/workspace/invitations/" in failed.output
    assert "could not be sent" in failed.output
    quiet = runner.invoke(
        args=["user", "invite", "chief@example.org", "--role", "consortium-admin", "--no-mail"]
    )
    assert quiet.exit_code == 0 and "/workspace/invitations/" in quiet.output
    with app.app_context():
        pending = invitations.pending_invitations(get_services().catalog, None)
    assert sorted(p.email for p in pending) == ["boss@example.org", "chief@example.org"]


def test_cli_invite_needs_a_base_url(runner):
    result = runner.invoke(args=["user", "invite", "a@example.org", "--role", "consortium-admin"])
    assert result.exit_code != 0 and "PORTAL_BASE_URL" in result.output
