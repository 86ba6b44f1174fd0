"""Search backends, chosen by URL: ``tantivy:///abs/path`` or ``http(s)://host:9200``.

:func:`open_backend` checks the URL and that the engine's package is importable, and
fails with :class:`catalog.errors.ConfigError` or :class:`BackendUnavailable` naming
``SEARCH_URL`` and what to install — at application start, not at the first search.
"""

from __future__ import annotations

import importlib.util
from urllib.parse import unquote, urlsplit

from catalog.errors import BackendUnavailable, ConfigError
from search.backends.base import SearchBackend
from search.glossary import Glossary


def check_url(url: str) -> str:
    """The engine a URL names (``tantivy`` or ``elasticsearch``) once its package is known
    to be importable; raises :class:`ConfigError`/:class:`BackendUnavailable` otherwise.
    Opens nothing: the portal calls it at start."""
    parts = urlsplit(url or "")
    if parts.scheme == "tantivy":
        if parts.netloc or not unquote(parts.path).startswith("/"):
            raise ConfigError(
                f"SEARCH_URL must be tantivy:///absolute/path, got {url!r}", setting="SEARCH_URL"
            )
        _require("tantivy", "tantivy==0.27.0")
        return "tantivy"
    if parts.scheme in ("http", "https") and parts.hostname:
        _require("elasticsearch", "elasticsearch>=8.12,<9 (pip install 'warisan[elasticsearch]')")
        return "elasticsearch"
    raise ConfigError(
        f"SEARCH_URL must be tantivy:///path or http(s)://host:9200, got {url!r}",
        setting="SEARCH_URL",
    )


def open_backend(
    url: str, *, glossary: Glossary | None = None, plain: bool = False
) -> SearchBackend:
    """The backend behind ``url`` (see the module docstring).

    ``glossary`` feeds query expansion (tantivy) or the synonym filter (Elasticsearch);
    ``plain`` turns off stemming, old spellings and glossary (benchmark baseline).
    """
    if check_url(url) == "tantivy":
        from search.backends.tantivy_backend import TantivyBackend

        return TantivyBackend(unquote(urlsplit(url).path), glossary=glossary, plain=plain)
    from search.backends.es_backend import ElasticsearchBackend

    return ElasticsearchBackend(url, glossary=glossary, plain=plain)


def _require(module: str, install: str) -> None:
    if importlib.util.find_spec(module) is None:
        raise BackendUnavailable(
            f"SEARCH_URL needs the Python package {module!r}: install {install}",
            setting="SEARCH_URL",
            package=module,
        )


__all__ = ["SearchBackend", "check_url", "open_backend"]
