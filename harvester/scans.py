"""Safe fetching of one partner scan (image or PDF) into the file store.

:func:`fetch_scan` only fetches ``http``/``https`` URLs on hosts allowed for the partner,
resolves the host itself and refuses loopback, private, link-local, reserved, multicast
and unspecified addresses (unless ``allow_private``), then connects to exactly the
address it checked — so DNS rebinding cannot swap it — with TLS still verified against
the host name. Redirects are followed by hand, each hop checked the same way. The body
is streamed into the :class:`~catalog.files.FileStore` under a size cap and a total time
cap; its type is sniffed from magic bytes, never taken from ``Content-Type``.
"""

from __future__ import annotations

import dataclasses
import http.client
import ipaddress
import socket
import ssl
import time
from collections.abc import Sequence
from urllib.parse import urljoin, urlsplit

from catalog.errors import FileStoreError, HarvestError, UnsafeURL
from catalog.files import FileStore

MAX_REDIRECTS = 5
USER_AGENT = "Warisan-harvester/0.1 (scan fetch)"
_MAGIC = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
    (b"\x00\x00\x00\x0cjP  \r\n\x87\n", "image/jp2"),
    (b"\xff\x4f\xff\x51", "image/jp2"),
    (b"%PDF-", "application/pdf"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)


@dataclasses.dataclass(frozen=True)
class FetchedScan:
    """A fetched scan in the file store: checksum, sniffed type, size, newly stored?"""

    sha256: str
    media_type: str
    size: int
    created: bool


def sniff(head: bytes) -> str | None:
    """The media type of a scan from its first bytes, or None when it is not one we take."""
    for magic, media_type in _MAGIC:
        if head.startswith(magic):
            return media_type
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def check_scan_url(
    url: str, allowed_hosts: Sequence[str], allow_private: bool
) -> tuple[str, int, str]:
    """Validate a URL and resolve its host; returns ``(host, port, ip)`` to connect to.

    Raises :class:`UnsafeURL` for another scheme, a host not allowed, an unresolvable
    host or (unless ``allow_private``) a non-public address.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise UnsafeURL(f"only http and https scans are fetched, not {parts.scheme!r}", url=url)
    host = (parts.hostname or "").lower().rstrip(".")
    allowed = {h.lower().rstrip(".") for h in allowed_hosts}
    if not host or host not in allowed:
        raise UnsafeURL(f"host {host!r} is not allowed for this partner's scans", url=url)
    if parts.username or parts.password:
        raise UnsafeURL("URLs with credentials are not fetched", url=url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise UnsafeURL(f"host {host!r} does not resolve: {exc}", url=url) from exc
    addresses = [info[4][0] for info in infos]
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%")[0])
        if not allow_private and not _public(ip):
            raise UnsafeURL(f"host {host!r} resolves to non-public address {ip}", url=url)
    return host, port, addresses[0]


def private_allowed(url: str, allowed_hosts: Sequence[str]) -> bool:
    """True when the partner explicitly allowed this URL's host as an IP address literal
    (``127.0.0.1``, ``10.0.0.5``…) or ``localhost``: then ``fetch_scan`` may use
    ``allow_private=True``. A host *name* resolving to a private address stays refused
    (that is what DNS rebinding looks like)."""
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    if host not in {h.lower().rstrip(".") for h in allowed_hosts}:
        return False
    if host == "localhost":
        return True
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _public(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return not (
        ip.is_loopback
        or ip.is_private
        or ip.is_link_local
        or ip.is_reserved
        or ip.is_multicast
        or ip.is_unspecified
        or not ip.is_global
    )


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, ip: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._ip = ip

    def connect(self) -> None:
        self.sock = socket.create_connection((self._ip, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, ip: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._ip = ip

    def connect(self) -> None:
        sock = socket.create_connection((self._ip, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


class _Body:
    """A response body read in chunks under a deadline, with its first bytes put back."""

    def __init__(self, head: bytes, response: http.client.HTTPResponse, deadline: float) -> None:
        self.head, self.response, self.deadline = head, response, deadline

    def read(self, size: int = -1) -> bytes:
        if self.head:
            head, self.head = self.head, b""
            return head
        if time.monotonic() > self.deadline:
            raise TimeoutError("scan download took longer than the time cap")
        return self.response.read1(size if size > 0 else 1 << 20)


def fetch_scan(
    url: str,
    *,
    allowed_hosts: Sequence[str],
    files: FileStore,
    max_bytes: int,
    timeout: float,
    allow_private: bool = False,
) -> FetchedScan:
    """Fetch one scan safely into ``files`` (see the module docstring).

    Raises :class:`UnsafeURL` for URLs, hosts, addresses or redirects that are refused and
    :class:`HarvestError` for HTTP errors, timeouts, oversized or non-image/PDF content.
    """
    deadline = time.monotonic() + timeout
    for _ in range(MAX_REDIRECTS + 1):
        host, port, ip = check_scan_url(url, allowed_hosts, allow_private)
        cls = _PinnedHTTPS if urlsplit(url).scheme == "https" else _PinnedHTTP
        remaining = max(0.1, deadline - time.monotonic())
        conn = cls(host, port, ip, timeout=min(remaining, timeout))
        try:
            response = _get(conn, url)
            if response.status in (301, 302, 303, 307, 308):
                location = response.getheader("Location")
                if not location:
                    raise HarvestError(f"redirect without Location from {url}", url=url)
                url = urljoin(url, location)
                continue
            return _store(url, response, files, max_bytes, deadline)
        except (OSError, http.client.HTTPException) as exc:
            raise HarvestError(f"could not fetch scan {url}: {exc}", url=url) from exc
        finally:
            conn.close()
    raise UnsafeURL(f"more than {MAX_REDIRECTS} redirects", url=url)


def _get(conn: http.client.HTTPConnection, url: str) -> http.client.HTTPResponse:
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    conn.request(
        "GET", target, headers={"User-Agent": USER_AGENT, "Accept": "image/*, application/pdf"}
    )
    return conn.getresponse()


def _store(
    url: str, response: http.client.HTTPResponse, files: FileStore, max_bytes: int, deadline: float
) -> FetchedScan:
    if response.status != 200:
        raise HarvestError(f"scan {url} answered HTTP {response.status}", url=url)
    length = response.getheader("Content-Length")
    if length and length.isdigit() and int(length) > max_bytes:
        raise HarvestError(f"scan {url} is {length} bytes, over the cap of {max_bytes}", url=url)
    head = b""
    while len(head) < 16:
        chunk = response.read1(16 - len(head))
        if not chunk:
            break
        head += chunk
    media_type = sniff(head)
    if media_type is None:
        raise HarvestError(
            f"scan {url} is not a JPEG, PNG, TIFF, JPEG 2000, GIF, WebP or PDF "
            f"(first bytes {head[:8]!r}; Content-Type said {response.getheader('Content-Type')!r})",
            url=url,
        )
    try:
        stored = files.put_stream(_Body(head, response, deadline), max_size=max_bytes)
    except FileStoreError as exc:
        raise HarvestError(f"scan {url} refused: {exc}", url=url) from exc
    return FetchedScan(stored.sha256, media_type, stored.size, stored.created)
