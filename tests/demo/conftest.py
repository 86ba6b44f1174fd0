"""Fixtures for the demo package tests: shared schemas, a running demo server."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from demo.oai_server import serve
from demo.scans import generate_scans

PAGE_SIZE = 7


@pytest.fixture(scope="session")
def testdata_dir() -> Path:
    """The shared test data (``../shared/testdata`` next to the checkout), else skip."""
    folder = (Path(__file__).resolve().parents[2] / ".." / "shared" / "testdata").resolve()
    if not folder.is_dir():
        pytest.skip(f"shared test data not found at {folder} (../shared/testdata)")
    return folder


class _CatalogResolver(etree.Resolver):
    """Resolve official schema URLs to the local copies listed in ``catalog.xml``."""

    def __init__(self, schemas: Path) -> None:
        super().__init__()
        tree = etree.parse(str(schemas / "catalog.xml"))
        self.map = {}
        for entry in tree.getroot():
            if not isinstance(entry.tag, str):
                continue
            key = entry.get("name") or entry.get("systemId")
            self.map[key] = str(schemas / entry.get("uri"))

    def resolve(self, url, pubid, context):
        """Return the local file for a mapped URL, else let libxml2 resolve it."""
        if url in self.map:
            return self.resolve_filename(self.map[url], context)
        return None


@pytest.fixture(scope="session")
def oai_schema(testdata_dir) -> etree.XMLSchema:
    """The bundle schema: OAI-PMH envelope with oai_dc, MARC21 slim and MODS 3.7 payloads."""
    schemas = testdata_dir / "schemas"
    parser = etree.XMLParser(no_network=True)
    parser.resolvers.add(_CatalogResolver(schemas))
    return etree.XMLSchema(etree.parse(str(schemas / "oai-pmh-bundle.xsd"), parser))


@pytest.fixture(scope="session")
def scans_dir(tmp_path_factory) -> Path:
    """A folder with the generated demo scans (rendered once per session)."""
    folder = tmp_path_factory.mktemp("scans")
    generate_scans(folder)
    return folder


@pytest.fixture(scope="session")
def demo_server(scans_dir):
    """The demo OAI-PMH server on a free 127.0.0.1 port, small pages to force paging."""
    server = serve("127.0.0.1", 0, scans_dir, page_size=PAGE_SIZE)
    yield server
    server.shutdown()
