"""Local OAI-PMH 2.0 server for the three demo partners, plus their page scans.

URLs (``base`` is ``http://127.0.0.1:PORT``):

- ``{base}/`` -- plain-text index of the partners and their OAI base URLs;
- ``{base}/<partner_id>/oai`` -- OAI-PMH endpoint of one partner (GET or POST);
- ``{base}/scans/<file>`` -- a scan from the folder given at start.

Use ``serve()`` from tests or ``make demo`` (background thread), or the CLI
``python -m demo.oai_server --port 8765 --scans DIR`` (foreground).
"""

from __future__ import annotations

import argparse
import mimetypes
import re
import threading
from collections.abc import Callable
from pathlib import Path
from socketserver import ThreadingMixIn
from typing import Any
from urllib.parse import parse_qsl
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from oaipmh import error

from demo.data import load_partners, load_records
from demo.repository import DemoOAIServer, make_oai_server

StartResponse = Callable[..., Any]

_SCAN_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_MAX_BODY = 64 * 1024


class DemoApp:
    """WSGI application routing OAI-PMH requests and scan downloads."""

    def __init__(self, base_url: str, scans_dir: Path | None, page_size: int = 10) -> None:
        self.base_url = base_url.rstrip("/")
        self.scans_dir = Path(scans_dir) if scans_dir else None
        self.partners = load_partners()
        self.oai: dict[str, DemoOAIServer] = {
            p["id"]: make_oai_server(p, load_records(p["id"]), self.base_url, page_size)
            for p in self.partners
        }

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        """Dispatch on the path: index, ``/<partner>/oai`` or ``/scans/<file>``."""
        path = environ.get("PATH_INFO", "/")
        parts = [p for p in path.split("/") if p]
        if not parts:
            return self._index(start_response)
        if len(parts) == 2 and parts[1] == "oai" and parts[0] in self.oai:
            return self._oai(self.oai[parts[0]], environ, start_response)
        if len(parts) == 2 and parts[0] == "scans":
            body = self._scan(parts[1], start_response)
            return [] if environ.get("REQUEST_METHOD") == "HEAD" else body
        return _plain(start_response, "404 Not Found", f"Not found: {path}\n")

    def _index(self, start_response: StartResponse) -> list[bytes]:
        """List partners and their OAI base URLs."""
        lines = ["Warisan demo OAI-PMH server (fictional demo partners)", ""]
        for p in self.partners:
            lines.append(f"{p['id']}\t{p['country']}\t{p['metadata_prefix']}\t{p['name']}")
            lines.append(f"\t{self.base_url}/{p['id']}/oai?verb=Identify")
        return _plain(start_response, "200 OK", "\n".join(lines) + "\n")

    def _oai(
        self, server: DemoOAIServer, environ: dict[str, Any], start_response: StartResponse
    ) -> list[bytes]:
        """Answer one OAI-PMH request; repeated arguments are a badArgument."""
        method = environ.get("REQUEST_METHOD", "GET")
        if method not in ("GET", "POST"):
            return _plain(start_response, "405 Method Not Allowed", "Use GET or POST.\n")
        pairs = parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True)
        if method == "POST":
            pairs += parse_qsl(_read_body(environ), keep_blank_values=True)
        keys = [key for key, _ in pairs]
        if len(keys) != len(set(keys)):
            body = server.error_response(error.BadArgumentError("Repeated argument."))
        else:
            body = server.handleRequest(dict(pairs))
        headers = [("Content-Type", "text/xml; charset=utf-8"), ("Content-Length", str(len(body)))]
        start_response("200 OK", headers)
        return [body]

    def _scan(self, name: str, start_response: StartResponse) -> list[bytes]:
        """Send one file of the scans folder; no paths outside it."""
        path = self.scans_dir / name if self.scans_dir else None
        if not _SCAN_NAME.match(name) or path is None or not path.is_file():
            return _plain(start_response, "404 Not Found", f"No scan {name}\n")
        data = path.read_bytes()
        kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
        start_response("200 OK", [("Content-Type", kind), ("Content-Length", str(len(data)))])
        return [data]


def _read_body(environ: dict[str, Any]) -> str:
    """Read a form-encoded POST body (bounded)."""
    try:
        length = min(int(environ.get("CONTENT_LENGTH") or 0), _MAX_BODY)
    except ValueError:
        length = 0
    return environ["wsgi.input"].read(length).decode("utf-8", "replace")


def _plain(start_response: StartResponse, status: str, text: str) -> list[bytes]:
    """Send a plain-text response."""
    data = text.encode("utf-8")
    start_response(
        status, [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(data)))]
    )
    return [data]


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    """WSGI server answering each request in its own daemon thread."""

    daemon_threads = True
    allow_reuse_address = True


class _QuietHandler(WSGIRequestHandler):
    """Request handler that does not log every request to stderr."""

    def log_message(self, format: str, *args: Any) -> None:
        """Drop access-log lines."""


class DemoServer:
    """A running demo server; ``url`` is its base URL, ``shutdown()`` stops it."""

    def __init__(self, host: str, port: int, scans_dir: Path | None, page_size: int) -> None:
        self._httpd = make_server(
            host, port, lambda e, s: self.app(e, s), _ThreadingWSGIServer, _QuietHandler
        )
        self.host = host
        self.port = self._httpd.server_port
        self.url = f"http://{host}:{self.port}"
        self.app = DemoApp(self.url, scans_dir, page_size)
        self._thread: threading.Thread | None = None

    def oai_url(self, partner_id: str) -> str:
        """Return the OAI-PMH base URL of a partner."""
        return f"{self.url}/{partner_id}/oai"

    def start(self) -> DemoServer:
        """Serve in a background daemon thread; return self."""
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve in the calling thread until interrupted."""
        self._httpd.serve_forever()

    def shutdown(self) -> None:
        """Stop serving and close the socket."""
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join()
            self._thread = None
        self._httpd.server_close()

    def __enter__(self) -> DemoServer:
        """Use as a context manager: the server stops on exit."""
        return self

    def __exit__(self, *exc: object) -> None:
        """Stop the server."""
        self.shutdown()


def serve(
    host: str = "127.0.0.1", port: int = 0, scans_dir: str | Path | None = None, page_size: int = 10
) -> DemoServer:
    """Start the demo server in a background thread and return it.

    ``port=0`` picks a free port (read it from ``.port`` or ``.url``). ``scans_dir`` is
    the folder served under ``/scans/`` (see ``demo.scans``); ``page_size`` is the number
    of records, headers or sets per OAI-PMH list response before a resumption token.
    """
    if page_size < 1:
        raise ValueError("page_size must be at least 1")
    return DemoServer(host, port, Path(scans_dir) if scans_dir else None, page_size).start()


def main(argv: list[str] | None = None) -> None:
    """CLI: serve the demo partners in the foreground."""
    parser = argparse.ArgumentParser(
        prog="python -m demo.oai_server", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--scans", type=Path, default=None, help="folder of scans to serve")
    parser.add_argument("--page-size", type=int, default=10)
    parser.add_argument(
        "--generate-scans", action="store_true", help="render the scans into --scans first"
    )
    args = parser.parse_args(argv)
    if args.generate_scans:
        if args.scans is None:
            parser.error("--generate-scans needs --scans DIR")
        from demo.scans import generate_scans

        generate_scans(args.scans)
    server = DemoServer(args.host, args.port, args.scans, args.page_size)
    print(f"Warisan demo OAI-PMH server on {server.url}/  (Ctrl-C to stop)", flush=True)
    for partner in server.app.partners:
        print(f"  {partner['id']:<14} {server.oai_url(partner['id'])}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()


if __name__ == "__main__":
    main()
