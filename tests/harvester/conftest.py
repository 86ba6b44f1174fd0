"""Fixtures of the harvester tests: recorded data, fast settings, servers on 127.0.0.1."""

from __future__ import annotations

import pytest

from harvester.settings import HarvestSettings
from tests.harvester.servers import ScriptedServer


@pytest.fixture
def oai_dir(testdata_dir):
    """The recorded real OAI-PMH responses (skips when the shared test data is absent)."""
    return testdata_dir / "oai-pmh"


@pytest.fixture
def settings() -> HarvestSettings:
    """Harvest settings with short timeouts and waits so fault tests stay quick."""
    return HarvestSettings(
        politeness_delay=0.0,
        connect_timeout=2.0,
        request_timeout=3.0,
        max_retries=3,
        backoff_base=0.05,
        backoff_max=0.2,
        max_total_wait=10.0,
    )


@pytest.fixture
def serve():
    """Start :class:`ScriptedServer` instances; all are shut down after the test."""
    started: list[ScriptedServer] = []

    def start(responder) -> ScriptedServer:
        server = ScriptedServer(responder)
        started.append(server)
        return server

    yield start
    for server in started:
        server.shutdown()


def add_partner(catalog, url: str, prefix: str = "oai_dc", partner_id: str = "mitra", **fields):
    """Register a test partner harvesting ``url`` with no politeness delay."""
    fields.setdefault("politeness_delay", 0)
    catalog.add_partner(
        partner_id, name="Mitra Uji", country="ID", oai_url=url, metadata_prefix=prefix, **fields
    )
    return partner_id
