"""Safe scan fetching against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from catalog.errors import HarvestError, UnsafeURL
from harvester.scans import check_scan_url, fetch_scan, private_allowed, sniff
from tests.harvester.servers import Reply


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(out, "PNG")
    return out.getvalue()


PNG = _png()
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def scans(serve):
    def respond(query, count):
        path = query["_path"]
        if path == "/p.png":
            return Reply(PNG, headers={"Content-Type": "text/plain"})  # type header is wrong
        if path == "/doc.pdf":
            return Reply(PDF, headers={"Content-Type": "application/pdf"})
        if path == "/fake.png":
            return Reply(b"<html>not an image</html>", headers={"Content-Type": "image/png"})
        if path == "/big.png":
            return Reply(PNG + b"\0" * 200_000, headers={"Content-Type": "image/png"})
        if path == "/big-chunked.png":
            return Reply(PNG + b"\0" * 200_000, chunked=True, headers={"Content-Type": "image/png"})
        if path == "/slow.png":
            return Reply(PNG * 20, stall=3.0, headers={"Content-Type": "image/png"})
        if path == "/redirect-local":
            return Reply(status=302, headers={"Location": "/p.png"})
        if path == "/redirect-away":
            return Reply(status=302, headers={"Location": "http://evil.example/p.png"})
        if path == "/redirect-file":
            return Reply(status=302, headers={"Location": "file:///etc/passwd"})
        return Reply(b"missing", 404, {"Content-Type": "text/plain"})

    return serve(respond)


def _fetch(server, path, file_store, **kw):
    kw.setdefault("allow_private", True)
    kw.setdefault("allowed_hosts", ["127.0.0.1"])
    kw.setdefault("max_bytes", 100_000)
    kw.setdefault("timeout", 10.0)
    return fetch_scan(server.url + path, files=file_store, **kw)


def test_a_scan_is_stored_once_by_checksum_with_its_sniffed_type(scans, file_store):
    first = _fetch(scans, "/p.png", file_store)
    assert first.media_type == "image/png" and first.size == len(PNG) and first.created
    assert file_store.read(first.sha256) == PNG
    again = _fetch(scans, "/p.png", file_store)
    assert again.sha256 == first.sha256 and not again.created
    assert _fetch(scans, "/doc.pdf", file_store).media_type == "application/pdf"


def test_loopback_is_refused_unless_the_partner_allows_it(scans, file_store):
    with pytest.raises(UnsafeURL, match=r"non-public address 127\.0\.0\.1"):
        _fetch(scans, "/p.png", file_store, allow_private=False)
    assert list(file_store.iter_checksums()) == []


def test_hosts_not_allowed_for_the_partner_are_refused(scans, file_store):
    with pytest.raises(UnsafeURL, match="not allowed"):
        _fetch(scans, "/p.png", file_store, allowed_hosts=["scans.example.org"])


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://127.0.0.1/p.png",
        "gopher://127.0.0.1/",
        "http://user:pw@127.0.0.1/p.png",
    ],
)
def test_other_schemes_and_credentials_are_refused(url, file_store):
    with pytest.raises(UnsafeURL):
        fetch_scan(
            url,
            allowed_hosts=["127.0.0.1"],
            files=file_store,
            max_bytes=1000,
            timeout=5,
            allow_private=True,
        )


@pytest.mark.parametrize(
    "address",
    [
        "10.1.2.3",
        "192.168.0.10",
        "169.254.169.254",
        "0.0.0.0",
        "::1",
        "fe80::1",
        "240.0.0.1",
        "::ffff:127.0.0.1",
    ],
)
def test_private_link_local_and_reserved_addresses_are_refused(address):
    host = f"[{address}]" if ":" in address else address
    with pytest.raises(UnsafeURL, match="non-public"):
        check_scan_url(f"http://{host}/scan.jpg", [address], allow_private=False)


def test_the_checked_address_is_the_one_connected_to(scans):
    host, port, ip = check_scan_url(scans.url + "/p.png", ["127.0.0.1"], allow_private=True)
    assert (host, port, ip) == ("127.0.0.1", scans.port, "127.0.0.1")


def test_redirects_are_checked_hop_by_hop(scans, file_store):
    assert _fetch(scans, "/redirect-local", file_store).media_type == "image/png"
    with pytest.raises(UnsafeURL, match=r"evil\.example"):
        _fetch(scans, "/redirect-away", file_store)
    with pytest.raises(UnsafeURL, match="file"):
        _fetch(scans, "/redirect-file", file_store)


def test_content_is_sniffed_not_trusted(scans, file_store):
    with pytest.raises(HarvestError, match="not a JPEG, PNG"):
        _fetch(scans, "/fake.png", file_store)
    assert list(file_store.iter_checksums()) == []


def test_size_cap_while_streaming(scans, file_store):
    with pytest.raises(HarvestError, match="over the cap"):  # Content-Length says so
        _fetch(scans, "/big.png", file_store, max_bytes=50_000)
    with pytest.raises(HarvestError, match="larger than the limit"):  # found while streaming
        _fetch(scans, "/big-chunked.png", file_store, max_bytes=50_000)
    assert list(file_store.iter_checksums()) == []
    assert list(file_store.root.glob(".incoming-*")) == []


def test_total_time_cap(scans, file_store):
    with pytest.raises(HarvestError):
        _fetch(scans, "/slow.png", file_store, timeout=1.0)
    assert list(file_store.iter_checksums()) == []


def test_http_errors_are_reported(scans, file_store):
    with pytest.raises(HarvestError, match="HTTP 404"):
        _fetch(scans, "/nothing.jpg", file_store)


@pytest.mark.parametrize(
    "head, media_type",
    [
        (b"\xff\xd8\xff\xe0\0\x10JFIF", "image/jpeg"),
        (b"II*\0\x08\0\0\0", "image/tiff"),
        (b"MM\0*\0\0\0\x08", "image/tiff"),
        (b"\0\0\0\x0cjP  \r\n\x87\n", "image/jp2"),
        (b"GIF89a\x01\0", "image/gif"),
        (b"RIFF\x10\0\0\0WEBPVP8 ", "image/webp"),
        (b"%PDF-1.7", "application/pdf"),
        (b"<!DOCTYPE html>", None),
        (b"", None),
    ],
)
def test_magic_bytes(head, media_type):
    assert sniff(head) == media_type


def test_private_addresses_only_when_the_partner_lists_them_literally():
    assert private_allowed("http://127.0.0.1:8765/scans/a.png", ["127.0.0.1"])
    assert private_allowed("http://localhost/a.png", ["localhost"])
    assert not private_allowed("http://127.0.0.1/a.png", ["scans.example.org"])
    assert not private_allowed("http://scans.example.org/a.png", ["scans.example.org"])
