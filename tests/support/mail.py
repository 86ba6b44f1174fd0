"""A real SMTP server for tests: aiosmtpd on 127.0.0.1, on a port the system picks.

Contract (the ``mailbox`` fixture of ``tests/conftest.py`` yields a :class:`Mailbox`):

- ``mailbox.url`` is a ``MAIL_URL`` (``smtp://127.0.0.1:<port>``): put it in the app's
  config (``app.config["MAIL_URL"] = mailbox.url``, or the test config of a live server).
- ``mailbox.messages`` holds every message received, in order, as
  :class:`email.message.EmailMessage`. A send through :mod:`portal.mail` returns only after
  the server has stored the message, so no waiting is needed after the request that sent it.
- ``mailbox.last(to)`` is the newest message to an address (AssertionError if none);
  ``Mailbox.body(message)`` its plain-text body (``\\n`` line ends); ``mailbox.link(to)`` the one
  ``http(s)://`` link in the newest message to ``to`` (the invitation or reset link),
  and ``Mailbox.path(link)`` that link's path and query, to follow with a test client.
"""

from __future__ import annotations

import email.policy
import re
import threading
from email.message import EmailMessage
from email.parser import BytesParser
from urllib.parse import urlsplit

from aiosmtpd.controller import Controller

LINK = re.compile(r"https?://\S+")


class _Collect:
    """aiosmtpd handler that keeps every message it receives."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope) -> str:
        message = BytesParser(policy=email.policy.default).parsebytes(envelope.content)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        with self.lock:
            self.messages.append(message)
        return "250 Message accepted for delivery"


class _EphemeralController(Controller):
    """aiosmtpd's Controller on port 0: the port the system gave is read back from the
    listening socket before the controller checks that the server answers."""

    def _trigger_server(self):
        self.port = self.server.sockets[0].getsockname()[1]
        return super()._trigger_server()


class Mailbox:
    """A running SMTP server and the messages it received (see the module's contract)."""

    def __init__(self) -> None:
        self._handler = _Collect()
        self._controller = _EphemeralController(self._handler, hostname="127.0.0.1", port=0)

    def start(self) -> Mailbox:
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self._controller.port}"

    @property
    def messages(self) -> list[EmailMessage]:
        with self._handler.lock:
            return list(self._handler.messages)

    def to(self, address: str) -> list[EmailMessage]:
        """The messages addressed to ``address`` (case-insensitive), oldest first."""
        address = address.lower()
        return [m for m in self.messages if address in str(m["To"]).lower()]

    def last(self, address: str) -> EmailMessage:
        found = self.to(address)
        assert found, f"no mail to {address}; got mail to {[str(m['To']) for m in self.messages]}"
        return found[-1]

    @staticmethod
    def body(message: EmailMessage) -> str:
        """The plain-text body, with the wire's CRLF line ends read back as ``\n``."""
        return message.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")

    def link(self, address: str) -> str:
        """The one link in the newest message to ``address``."""
        links = LINK.findall(self.body(self.last(address)))
        assert len(links) == 1, links
        return links[0]

    @staticmethod
    def path(link: str) -> str:
        """The path and query of ``link``, for ``client.get``."""
        parts = urlsplit(link)
        return parts.path + (f"?{parts.query}" if parts.query else "")
