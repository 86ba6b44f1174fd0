"""HTTP servers on 127.0.0.1 for harvester tests: byte-exact replay and fault injection.

:class:`ScriptedServer` answers every request by calling a responder with the parsed
query; the responder returns a :class:`Reply` that can delay, stall mid-body, truncate,
drop the connection or send any status and headers. :func:`replay_responder` replays
recorded real responses (status and Content-Type as recorded) keyed by their query.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import socket
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit


@dataclasses.dataclass
class Reply:
    """What the server does for one request."""

    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = dataclasses.field(
        default_factory=lambda: {"Content-Type": "text/xml; charset=utf-8"}
    )
    delay: float = 0.0  # before the status line
    stall: float = 0.0  # after half of the body
    truncate: bool = False  # close after half of the body (Content-Length says more)
    drop: bool = False  # close the connection without answering
    chunked: bool = False  # no Content-Length: the size is known only while streaming


Responder = Callable[[dict[str, str], int], Reply]


class ScriptedServer:
    """A threaded HTTP server whose answers come from a responder function."""

    def __init__(self, responder: Responder) -> None:
        self.responder = responder
        self.requests: list[dict[str, str]] = []
        self.paths: list[str] = []
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # TCP_NODELAY, as production servers set it (nginx ``tcp_nodelay on``): without
            # it the body, written after the headers, waits for the client's delayed ACK
            # (40 ms a response on a kept-alive connection).
            disable_nagle_algorithm = True

            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                query = dict(parse_qsl(parts.query, keep_blank_values=True))
                with server._lock:
                    server.requests.append(query)
                    server.paths.append(parts.path)
                    count = len(server.requests)
                reply = server.responder(query | {"_path": parts.path}, count)
                _answer(self, reply)

        self.httpd = _QuietServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self._thread.start()

    def shutdown(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self._thread.join()


class _QuietServer(ThreadingHTTPServer):
    """Clients that give up mid-answer (deadlines, size caps) are expected here."""

    def handle_error(self, request, client_address) -> None:
        import sys

        if not isinstance(sys.exc_info()[1], OSError):
            super().handle_error(request, client_address)


def _answer(handler: BaseHTTPRequestHandler, reply: Reply) -> None:
    if reply.delay:
        time.sleep(reply.delay)
    if reply.drop:
        handler.close_connection = True
        with contextlib.suppress(OSError):
            handler.connection.shutdown(socket.SHUT_RDWR)
        return
    handler.send_response(reply.status)
    for key, value in reply.headers.items():
        handler.send_header(key, value)
    if reply.chunked:
        handler.send_header("Transfer-Encoding", "chunked")
        handler.end_headers()
        try:
            for start in range(0, len(reply.body), 8192):
                piece = reply.body[start : start + 8192]
                handler.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
            handler.wfile.write(b"0\r\n\r\n")
        except OSError:
            pass
        return
    handler.send_header("Content-Length", str(len(reply.body)))
    handler.end_headers()
    half = len(reply.body) // 2
    try:
        if reply.truncate or reply.stall:
            handler.wfile.write(reply.body[:half])
            handler.wfile.flush()
            if reply.truncate:
                handler.close_connection = True
                handler.connection.shutdown(socket.SHUT_RDWR)
                return
            time.sleep(reply.stall)
            handler.wfile.write(reply.body[half:])
        else:
            handler.wfile.write(reply.body)
    except OSError:  # the client gave up (deadline, size cap): expected in these tests
        pass


def _key(query: dict[str, str]) -> tuple:
    query = {k: v for k, v in query.items() if not k.startswith("_")}
    if "from" in query:  # the harvester sends the provider's granularity; recordings used days
        query["from"] = query["from"].removesuffix("T00:00:00Z")
    return tuple(sorted(query.items()))


def replay_responder(folder: Path, *, missing: Reply | None = None) -> Responder:
    """Replay recorded responses listed in an ``INDEX.json`` (uri, status, content type)."""
    recordings = {}
    for entry in json.loads((folder / "INDEX.json").read_text()):
        query = dict(parse_qsl(urlsplit(entry["uri"]).query))
        path = folder.parent / entry["file"]
        recordings[_key(query)] = (path, entry["status"], entry["content_type"])

    def respond(query: dict[str, str], _count: int) -> Reply:
        found = recordings.get(_key(query))
        if found is None:
            return missing or Reply(
                b"no recording for this request", 404, {"Content-Type": "text/plain"}
            )
        path, status, content_type = found
        return Reply(path.read_bytes(), status, {"Content-Type": content_type})

    return respond
