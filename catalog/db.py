"""Engines and schema migrations for the catalogue store.

SQLite (the default) is opened in WAL mode with foreign keys on and a busy timeout, so a
web process, a worker and the CLI can share one file. The same code runs on PostgreSQL.
The schema is created and upgraded only by Alembic (``warisan db upgrade``; Alembic is
imported only there, so commands that just use the store start faster).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

from catalog.errors import ConfigError

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"
WAL_AUTOCHECKPOINT = 16_384
"""Pages (4 kB) the SQLite write-ahead log may hold before it is copied into the database.

SQLite's default, 1,000 pages, made a 50,000-record harvest copy (and sync) the log some
twenty times; at 64 MB it is about 8 % faster (``bench/harvest.py``). Readers are not
slowed: they find a page in the log through its index."""
JOURNAL_SIZE_LIMIT = 64 << 20
"""Bytes the log file is cut back to after a checkpoint (it does not stay at its peak)."""


def make_engine(url: str, **kwargs) -> Engine:
    """An engine for ``url`` (``sqlite:///…`` or ``postgresql+psycopg://…``).

    Raises :class:`ConfigError` naming ``DATABASE_URL`` when the URL is unusable.
    """
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise ConfigError(
            f"DATABASE_URL is not a database URL: {url!r}", setting="DATABASE_URL"
        ) from exc
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        kwargs.setdefault("connect_args", {"timeout": 30})
    elif parsed.get_backend_name() != "postgresql":
        raise ConfigError(
            f"DATABASE_URL must be sqlite:/// or postgresql://, not {parsed.drivername!r}",
            setting="DATABASE_URL",
        )
    try:
        engine = create_engine(parsed, **kwargs)
    except (NoSuchModuleError, ModuleNotFoundError) as exc:
        raise ConfigError(
            f"DATABASE_URL {parsed.drivername!r} needs a driver: pip install 'warisan[postgres]'",
            setting="DATABASE_URL",
        ) from exc
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute(f"PRAGMA wal_autocheckpoint={WAL_AUTOCHECKPOINT}")
    cursor.execute(f"PRAGMA journal_size_limit={JOURNAL_SIZE_LIMIT}")
    cursor.close()


def alembic_config(engine: Engine) -> Config:
    """An Alembic configuration that migrates through ``engine``."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema up to ``revision`` (creating it on an empty database)."""
    from alembic import command

    command.upgrade(alembic_config(engine), revision)


def current_revision(engine: Engine) -> str | None:
    """The schema revision the database is at, or None when it has none."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()
