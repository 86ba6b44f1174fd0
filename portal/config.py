"""Default settings of the Warisan portal, each documented once.

Layers, later ones winning: these defaults → the instance folder's ``config.py`` →
``WARISAN_*`` environment variables (``WARISAN_DATABASE_URL=…``; values are parsed as
JSON when they can be, so ``WARISAN_SEARCH_PAGE_SIZE=50`` is a number) → the test config.
``WARISAN_INSTANCE`` chooses the instance folder, which holds the database, the index,
the queue and the files unless the URLs below point elsewhere.

Every upper-case name below is a setting and has a docstring; the README's configuration
table lists them all (a test checks both). The harvester's and the ingest pipeline's
defaults are their settings dataclasses' own (written once, there).
"""

from harvester.settings import HarvestSettings
from ingest.settings import IngestSettings
from ingest.upload_settings import UploadSettings

_harvest = HarvestSettings()
_ingest = IngestSettings()
_uploads = UploadSettings(directory="uploads")

SECRET_KEY = "dev-only-change-me"  # noqa: S105 - a development default, documented
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

HARVEST_USER_AGENT = _harvest.user_agent
"""User-Agent sent to partners' OAI-PMH endpoints (name the portal and a contact URL)."""

HARVEST_TIMEOUT = _harvest.request_timeout
"""Seconds one OAI-PMH response may take in total (connect plus every byte)."""

HARVEST_CONNECT_TIMEOUT = _harvest.connect_timeout
"""Seconds to wait for a partner's server to accept the connection."""

HARVEST_MAX_RETRIES = _harvest.max_retries
"""Retries of one request after a timeout, a connection error, HTTP 429 or 5xx."""

HARVEST_BACKOFF = _harvest.backoff_base
"""First wait before a retry, in seconds; doubled each time unless ``Retry-After`` says."""

HARVEST_MAX_WAIT = _harvest.max_total_wait
"""Cap, in seconds, on all retry waits of one partner's harvest; past it the run fails."""

HARVEST_POLITENESS_DELAY = _harvest.politeness_delay
"""Seconds between two requests to a partner; None uses each partner's own setting."""

HARVEST_MAX_PAGES = _harvest.max_pages
"""Most ListRecords pages one run may fetch (a guard against endless feeds)."""

HARVEST_MAX_PAGE_BYTES = _harvest.max_page_bytes
"""Largest OAI-PMH response accepted, in bytes (64 MiB)."""

HARVEST_DELETION_GUARD = _harvest.deletion_guard
"""Share of a partner's live records one run may delete without ``--confirm-deletions``."""

HARVEST_CONTACT_MAX_AGE = _harvest.contact_max_age
"""Seconds the cached Identify / ListMetadataFormats / ListSets answers stay fresh (7 days)."""

HARVEST_SCAN_MAX_BYTES = _harvest.scan_max_bytes
"""Largest scan (image or PDF) fetched from a partner, in bytes (300 MiB)."""

HARVEST_SCAN_TIMEOUT = _harvest.scan_timeout
"""Seconds one scan download may take in total."""

# --- ingest ----------------------------------------------------------------------------

OCR_LANGUAGES = _ingest.languages
"""Tesseract models a page is first read with when its record names no language with an
installed model (a record's own languages win: ``jav`` reads with ``jav``, Latin-script
regional languages without a model such as ``bjn`` with ``ind``). Language packs:
``tesseract-ocr-<code>``."""

OCR_REREAD_LANGUAGES = _ingest.reread_languages
"""Tesseract models that read such a page again when its first reading is unsure (below
``OCR_REREAD_BELOW`` and not in Indonesian or Malay); the more confident reading is kept.
Empty: never read again."""

OCR_REREAD_BELOW = _ingest.reread_languages_below
"""Mean word confidence (0-100) below which a page read without a language hint, whose
text looks English, is read again with ``OCR_REREAD_LANGUAGES``."""

OCR_TIMEOUT = _ingest.ocr_timeout
"""Seconds one page may take in Tesseract before the attempt fails (and is retried)."""

OCR_RETRIES = _ingest.job_retries
"""How many times a failed job (fetch, ingest, OCR, reindex) is tried again before it
stays ``failed`` with its error."""

OCR_RETRY_DELAY = _ingest.job_retry_delay
"""Seconds before the first retry of a failed job; each further retry waits twice as long."""

WORKER_PROCESSES = _ingest.worker_processes
"""Worker processes of ``warisan worker`` and ``warisan ocr`` (default: one per CPU core;
each runs one single-threaded Tesseract at a time, ``OMP_THREAD_LIMIT=1``, on a page or a
small batch of pages read the same way)."""

INGEST_MAX_FILE_MB = _ingest.max_file_bytes // (1024 * 1024)
"""Largest file accepted for ingest, in megabytes."""

INGEST_MAX_PIXELS = _ingest.max_pixels
"""Largest page image accepted, in pixels; also Pillow's decompression-bomb limit."""

INGEST_DISPLAY_SIDE = _ingest.display_side
"""Longest side, in pixels, of the display JPEG made for each page."""

INGEST_THUMB_SIDE = _ingest.thumb_side
"""Longest side, in pixels, of each page's thumbnail."""

INGEST_PDF_DPI = _ingest.pdf_dpi
"""Resolution at which PDF pages are rasterised into page images."""

# --- uploads ---------------------------------------------------------------------------

UPLOADS_DIR = None
"""Folder where files uploaded in the workspace arrive (default: ``uploads/`` in the
instance folder); keep it on the same filesystem as ``FILES_DIR``."""

UPLOAD_MAX_FILE_MB = _uploads.max_bytes // (1024 * 1024)
"""Largest single file accepted by the workspace upload, in megabytes (8 GiB: masters
of several gigabytes are normal)."""

UPLOAD_QUOTA_MB = _uploads.quota_bytes // (1024 * 1024)
"""Most megabytes one user may have on the server at once: files arriving, plus files
received and waiting for their batch to be confirmed."""

UPLOAD_ABANDON_HOURS = _uploads.abandon_hours
"""Hours after which an upload that received nothing more is removed as abandoned (by
the queue's hourly ``clean_uploads`` job or ``warisan uploads clean``)."""

UPLOAD_LIMIT_PER_USER = "120 per minute"
"""New uploads one user may start (a Flask-Limiter rate); past it the upload endpoint
answers 429 and the browser tries again later."""

# --- search ----------------------------------------------------------------------------

SEARCH_GLOSSARY = None
"""Bilingual glossary file (TSV: en, id, ms cells of ``;``-separated terms) used to expand
queries across languages; default: the curated ``search/data/glossary.tsv``."""

SEARCH_MAX_RESULTS = 10_000
"""Deepest result reachable by paging (page × page size); asking past it is an error that
tells the user to narrow the search with filters."""

SEARCH_PAGE_HITS = 3
"""Matching pages (OCR snippets) shown under each record in a result list."""

# --- portal ----------------------------------------------------------------------------

PORTAL_BASE_URL = None
"""Public base URL of the portal (``https://warisan.example``) used in permalinks,
citations, IIIF manifests and OAI-PMH; ``None`` takes it from each request."""

PORTAL_PAGE_SIZE = 20
"""Search results shown per page (the JSON API accepts ``page_size`` up to 100)."""

PORTAL_NEW_RECORDS = 8
"""How many recently added or changed records the home page shows under "What is new"."""

PORTAL_OVERVIEW_TTL = 60
"""Seconds the record counts of the home and browse pages (per partner, country, type,
decade, subject and collection) are reused before they are counted again."""

PORTAL_STATIC_MAX_AGE = 86400
"""``Cache-Control: max-age`` in seconds for our CSS, JavaScript and vendor files.
Page images, derivatives and tiles are content-addressed but revalidated on each use (a
partner may close the content); partner logos are served as immutable."""

PORTAL_CSP = (
    "default-src 'self'; script-src 'self'; "
    "style-src 'self' 'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='; "
    "img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'self'"
)
"""The ``Content-Security-Policy`` header sent with every response: no inline script or
style, nothing from other origins. (The one hash allows only an *empty* ``<style>``: the
marker that stops OpenSeadragon from injecting its own inline stylesheet.)"""

# --- sessions and login ---------------------------------------------------------------

SESSION_COOKIE_SECURE = True
"""Send the session cookie over HTTPS only. Browsers accept it on ``http://localhost``
and ``http://127.0.0.1`` too; set ``False`` only to try the portal over plain HTTP on
another address, never in production."""

SESSION_COOKIE_HTTPONLY = True
"""Keep the session cookie out of reach of JavaScript."""

SESSION_COOKIE_SAMESITE = "Lax"
"""``SameSite`` attribute of the session cookie: not sent with cross-site form posts."""

LOGIN_LIMIT_PER_ACCOUNT = "5 per minute"
"""Failed logins allowed for one e-mail address (a Flask-Limiter rate); past it the login
answers 429 "too many attempts", whoever tries."""

LOGIN_LIMIT_PER_ADDRESS = "20 per minute"
"""Failed logins allowed from one client address, whatever the e-mail address typed."""

RATELIMIT_STORAGE_URI = "memory://"
"""Where the login throttle counts attempts: ``memory://`` (one process) or
``redis://host:6379/1`` (shared by every web process of the scale-out stack)."""

OAI_REPOSITORY_ID = "warisan.example"
"""Repository identifier of the OAI-PMH provider: record identifiers are
``oai:<OAI_REPOSITORY_ID>:<record id>``. A domain name you control."""

OAI_ADMIN_EMAIL = "admin@warisan.example"
"""Administrator e-mail given in the OAI-PMH ``Identify`` response."""

OAI_PAGE_SIZE = 100
"""Records or identifiers per OAI-PMH response before a resumption token is given."""

OAI_TOKEN_TTL = 86400
"""Seconds an OAI-PMH resumption token stays valid (its ``expirationDate``)."""

# --- mail and joining -------------------------------------------------------------------

MAIL_URL = "smtp://localhost:25"
"""SMTP server that sends invitations and password-reset links: ``smtp://host:port``
(plain, e.g. a local relay), ``smtp+starttls://user:password@host:587`` or
``smtps://user:password@host:465`` (user and password percent-encoded)."""

MAIL_FROM = "Warisan <noreply@warisan.example>"
"""Sender (``From:``) of the portal's mail. Use an address of your domain that the SMTP
server is allowed to send for."""

MAIL_TIMEOUT = 10
"""Seconds to wait for the SMTP server before a mail counts as not sent."""

INVITATION_DAYS = 7
"""Days an invitation link stays valid; resending an invitation makes a new link."""

PASSWORD_RESET_MAX_AGE = 3600
"""Seconds a password-reset link stays valid (it also dies once used)."""

RESET_LIMIT_PER_ACCOUNT = "3 per hour"
"""Password-reset requests allowed for one e-mail address (a Flask-Limiter rate); past
it the form answers 429, whether or not the address has an account."""

RESET_LIMIT_PER_ADDRESS = "10 per hour"
"""Password-reset requests allowed from one client address, whatever the e-mail."""
