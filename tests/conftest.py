"""Fixtures shared by every suite: app/client/runner, stores, real servers, test data."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from catalog.files import FileStore
from catalog.store import Catalog
from tests.support import servers

REPO = Path(__file__).resolve().parent.parent
TESTDATA = REPO.parent / "shared" / "testdata"


def pytest_report_header(config) -> list[str]:
    import sqlalchemy
    import tantivy  # noqa: F401

    lines = [f"warisan: SQLAlchemy {sqlalchemy.__version__}"]
    try:
        import pytesseract

        lines.append(f"tesseract {pytesseract.get_tesseract_version()}")
    except Exception as exc:  # pragma: no cover - report only
        lines.append(f"tesseract unavailable: {exc}")
    return lines


@pytest.fixture(scope="session")
def testdata_dir() -> Path:
    """The shared real test data (``../shared/testdata``), or a skip saying it is absent."""
    if not TESTDATA.is_dir():
        pytest.skip("shared test data not found at ../shared/testdata (next to the checkout)")
    return TESTDATA


@pytest.fixture
def instance_dir(tmp_path) -> Path:
    folder = tmp_path / "instance"
    folder.mkdir()
    return folder


@pytest.fixture
def app(instance_dir):
    """A portal app on a fresh instance folder with an upgraded SQLite catalogue."""
    from portal import create_app

    app = create_app({"TESTING": True, "INSTANCE_PATH": str(instance_dir), "SECRET_KEY": "test"})
    from portal.services import get_services

    with app.app_context():
        get_services().catalog.upgrade()
    yield app
    app.extensions["warisan"].close()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def sqlite_catalog(tmp_path):
    catalog = Catalog(f"sqlite:///{tmp_path / 'catalog.db'}")
    catalog.upgrade()
    yield catalog
    catalog.dispose()


@pytest.fixture(scope="session")
def postgres_url():
    """A PostgreSQL server URL: ``$WARISAN_TEST_POSTGRES_URL`` or a throwaway local cluster."""
    url = os.environ.get("WARISAN_TEST_POSTGRES_URL")
    if url:
        yield url
        return
    try:
        handle = servers.start_postgres()
    except (servers.ServerUnavailable, OSError) as exc:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"PostgreSQL unavailable: {exc}")
    yield handle.url
    handle.stop()


@pytest.fixture
def mailbox():
    """A real SMTP server (aiosmtpd) on 127.0.0.1 collecting the mail sent to it; see
    :mod:`tests.support.mail` for its contract (``url``, ``messages``, ``link(to)``)."""
    from tests.support.mail import Mailbox

    box = Mailbox().start()
    yield box
    box.stop()


@pytest.fixture(scope="session")
def redis_url():
    """A Redis server URL: ``$WARISAN_TEST_REDIS_URL`` or a throwaway local redis-server."""
    url = os.environ.get("WARISAN_TEST_REDIS_URL")
    if url:
        yield url
        return
    try:
        handle = servers.start_redis()
    except (servers.ServerUnavailable, OSError) as exc:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"Redis unavailable: {exc}")
    yield handle.url
    handle.stop()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def catalog(request, tmp_path):
    """A fresh, upgraded catalogue on SQLite and on PostgreSQL (each test runs on both)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'catalog.db'}"
    else:
        base = request.getfixturevalue("postgres_url")
        url = _fresh_pg_database(base, tmp_path.name)
    catalog = Catalog(url)
    catalog.upgrade()
    yield catalog
    catalog.dispose()


def _fresh_pg_database(base_url: str, name: str) -> str:
    import re

    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    dbname = "t_" + re.sub(r"[^a-z0-9_]", "_", name.lower())[:50]
    admin = create_engine(base_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{dbname}"'))
        conn.execute(text(f'CREATE DATABASE "{dbname}"'))
    admin.dispose()
    return make_url(base_url).set(database=dbname).render_as_string(hide_password=False)


@pytest.fixture
def file_store(tmp_path) -> FileStore:
    return FileStore(tmp_path / "files")


@pytest.fixture(scope="session")
def demo_app(tmp_path_factory):
    """A portal app whose instance was built by ``warisan demo --no-serve``: the demo feeds
    harvested from the local OAI-PMH server, the scans fetched and OCR'd by the real
    Tesseract, and the search index built. Built once per test session."""
    from portal import create_app

    instance = tmp_path_factory.mktemp("demo-instance")
    app = create_app({"TESTING": True, "INSTANCE_PATH": str(instance), "SECRET_KEY": "test"})
    result = app.test_cli_runner().invoke(
        args=["demo", "--no-serve", "--oai-port", str(servers.free_port())]
    )
    if result.exit_code != 0:
        raise RuntimeError(f"warisan demo failed:\n{result.output}") from result.exception
    app.config["DEMO_OUTPUT"] = result.output
    yield app
    app.extensions["warisan"].close()
