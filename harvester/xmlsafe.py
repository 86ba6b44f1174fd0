"""Hardened XML parsing for untrusted partner feeds.

Feeds are parsed with one lxml parser that never expands entities, never loads a DTD and
never touches the network, and never "recovers" a broken document into a silently
different one. Characters XML 1.0 forbids (control characters and their numeric
references) are removed before parsing; invalid UTF-8 is replaced only when the document
says it is UTF-8. Any ``<!ENTITY`` declaration is refused outright: billion laughs and
``file:///etc/passwd`` entities never reach the parser.
"""

from __future__ import annotations

import dataclasses
import re

from lxml import etree

from catalog.errors import OAIProtocolError

_PARSER_OPTIONS = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "dtd_validation": False,
    "huge_tree": False,
    "recover": False,
    "remove_blank_text": False,
    "collect_ids": False,
}

# Control characters XML 1.0 forbids (tab, newline and carriage return are allowed).
_ILLEGAL_BYTES = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])
_ILLEGAL_REFS = re.compile(
    rb"&#(?:x0*(?:[0-8bBcCeEfF]|1[0-9a-fA-F])|0*(?:[0-8]|1[124-9]|2[0-9]|3[01]));"
)
_ENTITY_DECL = re.compile(rb"<!ENTITY", re.IGNORECASE)
_EXTERNAL_DTD = re.compile(rb"<!DOCTYPE\s+[^\s\[>]+\s+(?:SYSTEM|PUBLIC)\b")
_DECLARED_ENCODING = re.compile(rb"^\s*<\?xml[^>]*encoding=[\"']([A-Za-z0-9._-]+)[\"']")


class HostileXML(OAIProtocolError):
    """A response declares entities (billion laughs, external entities): refused unread."""


class UnparsableXML(OAIProtocolError):
    """A response is not well-formed XML even after cleaning."""


@dataclasses.dataclass(frozen=True)
class Cleaned:
    """Bytes ready for the parser and what cleaning did to them."""

    data: bytes
    removed_chars: int
    replaced_utf8: bool


def make_parser() -> etree.XMLParser:
    """A fresh hardened parser (lxml parsers are not thread-safe, so one per use site)."""
    return etree.XMLParser(**_PARSER_OPTIONS)


def _is_utf16(data: bytes) -> bool:
    return data[:2] in (b"\xff\xfe", b"\xfe\xff") or data[:4] in (b"<\x00?\x00", b"\x00<\x00?")


def clean(data: bytes) -> Cleaned:
    """Remove characters XML 1.0 forbids; repair invalid UTF-8 in a UTF-8 document.

    UTF-16 documents are first re-encoded as UTF-8 (with their declaration fixed) so the
    byte-level cleaning is safe.
    """
    if _is_utf16(data):
        text = data.decode("utf-16", errors="replace")
        text = re.sub(r"^(\s*<\?xml[^>]*encoding=[\"'])[^\"']+", r"\1UTF-8", text)
        data = text.encode("utf-8")
    before = len(data)
    data = data.translate(None, _ILLEGAL_BYTES)
    data = _ILLEGAL_REFS.sub(b"", data)
    removed = before - len(data)
    replaced = False
    match = _DECLARED_ENCODING.match(data)
    encoding = match.group(1).decode("ascii").lower() if match else "utf-8"
    if encoding in ("utf-8", "utf8"):
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            data = data.decode("utf-8", errors="replace").encode("utf-8")
            replaced = True
    return Cleaned(data, removed, replaced)


def refuse_entities(data: bytes) -> None:
    """Raise :class:`HostileXML` when the document declares entities or names an external DTD.

    libxml2 reads an external DTD subset (even ``file:///etc/passwd``) to look up an
    undefined entity although ``load_dtd`` is off, so a DOCTYPE with ``SYSTEM`` or
    ``PUBLIC`` is refused too. OAI-PMH never needs either.
    """
    doctype = data.find(b"<!DOCTYPE")
    if doctype < 0:
        return
    match = _ENTITY_DECL.search(data, doctype)
    if match:
        raise HostileXML(
            "XML declares entities (<!ENTITY …>); refused without parsing "
            "(entity expansion and external entities are never allowed)",
            offset=match.start(),
        )
    if _EXTERNAL_DTD.match(data, doctype):
        raise HostileXML(
            "XML names an external DTD (<!DOCTYPE … SYSTEM/PUBLIC …>); refused without "
            "parsing (DTDs are never loaded)",
            offset=doctype,
        )


def parse(data: bytes) -> etree._Element:
    """Parse untrusted bytes (already :func:`clean`-ed) into an element, or raise.

    Raises :class:`HostileXML` for entity declarations and :class:`UnparsableXML` for
    anything not well-formed (an HTML page, a truncated body…).
    """
    refuse_entities(data)
    if not data.strip():
        raise UnparsableXML("empty response body")
    try:
        root = etree.fromstring(data, parser=make_parser())
    except etree.XMLSyntaxError as exc:
        raise UnparsableXML(f"not well-formed XML: {exc}") from exc
    if root is None:
        raise UnparsableXML("no root element")
    return root
