"""Default settings of the Warisan portal, each documented once.

Layers, later ones winning: these defaults → the instance folder's ``config.py`` →
``WARISAN_*`` environment variables (``WARISAN_DATABASE_URL=…``; values are parsed as
JSON when they can be, so ``WARISAN_SEARCH_PAGE_SIZE=50`` is a number) → the test config.
``WARISAN_INSTANCE`` chooses the instance folder, which holds the database, the index,
the queue and the files unless the URLs below point elsewhere.

Every upper-case name below is a setting and has a docstring; the README's configuration
table lists them all (a test checks both).
"""

SECRET_KEY = "dev-only-change-me"
"""Signs sessions and CSRF tokens. Set a long random value in production."""

DATABASE_URL = None
"""Catalogue store: ``sqlite:///path.db`` (default: ``warisan.db`` in the instance folder)
or ``postgresql://user:pass@host/db``."""

SEARCH_URL = None
"""Search index: ``tantivy:///path`` (default: ``index/`` in the instance folder) or an
Elasticsearch URL ``http(s)://host:9200``."""

QUEUE_URL = None
"""Job queue: ``sqlite:///path.db`` (default: ``queue.db`` in the instance folder) or
``redis://host:6379/0``."""

FILES_DIR = None
"""Folder of the content-addressed file store (default: ``files/`` in the instance folder)."""

LANGUAGES = ["en", "id", "ms"]
"""User-interface languages offered (English, Bahasa Indonesia, Bahasa Melayu)."""

BABEL_DEFAULT_LOCALE = "en"
"""User-interface language when neither the user's choice nor ``Accept-Language`` decides."""

PORTAL_NAME = "Warisan"
"""Name of this portal shown in pages and in OAI-PMH ``Identify``."""

# --- harvester -------------------------------------------------------------------------

# --- ingest ----------------------------------------------------------------------------

# --- search ----------------------------------------------------------------------------

# --- portal ----------------------------------------------------------------------------
