"""Search backends, chosen by URL: ``tantivy:///abs/path`` or ``http(s)://host:9200``.

:func:`parse_search_url` is the one check of ``SEARCH_URL``: the engine it names, where
the index lives, and that the engine's package is importable. It fails with
:class:`catalog.errors.ConfigError` or :class:`BackendUnavailable` naming ``SEARCH_URL``
and what to install — at application start, not at the first search.
"""

from __future__ import annotations

import dataclasses
import enum
import importlib.util
from urllib.parse import parse_qs, unquote, urlsplit, urlunsplit

from catalog.errors import BackendUnavailable, ConfigError
from search.backends.base import SearchBackend
from search.glossary import Glossary


class Engine(enum.StrEnum):
    """The search engines a ``SEARCH_URL`` can name."""

    TANTIVY = "tantivy"
    ELASTICSEARCH = "elasticsearch"


@dataclasses.dataclass(frozen=True)
class SearchTarget:
    """A checked ``SEARCH_URL``: the engine and where its index lives.

    ``location`` is the index folder (tantivy) or the cluster's URL without the options
    (Elasticsearch); ``prefix`` names the Elasticsearch alias (``?prefix=``, default
    ``warisan``) and ``portable`` drops the analysis that Elasticsearch-API emulators lack
    (``?analysis=portable``, wire-level tests only).
    """

    url: str
    engine: Engine
    location: str
    prefix: str = ""
    portable: bool = False


def parse_search_url(url: str) -> SearchTarget:
    """The :class:`SearchTarget` of ``url`` once its engine's package is known to be
    importable; raises :class:`ConfigError`/:class:`BackendUnavailable` otherwise. Opens
    nothing: the portal calls it at start."""
    parts = urlsplit(url or "")
    if parts.scheme == "tantivy":
        if parts.netloc or not unquote(parts.path).startswith("/"):
            raise ConfigError(
                f"SEARCH_URL must be tantivy:///absolute/path, got {url!r}", setting="SEARCH_URL"
            )
        _require("tantivy", "tantivy==0.27.0")
        return SearchTarget(url, Engine.TANTIVY, unquote(parts.path))
    if parts.scheme in ("http", "https") and parts.hostname:
        _require("elasticsearch", "elasticsearch>=8.12,<9 (pip install 'warisan[elasticsearch]')")
        options = parse_qs(parts.query)
        prefix = (options.get("prefix") or ["warisan"])[0].lower()
        if not prefix.replace("-", "").replace("_", "").isalnum():
            raise ConfigError(f"bad index prefix {prefix!r} in SEARCH_URL", setting="SEARCH_URL")
        host = urlunsplit((parts.scheme, parts.netloc, parts.path.rstrip("/"), "", ""))
        portable = (options.get("analysis") or ["full"])[0] == "portable"
        return SearchTarget(url, Engine.ELASTICSEARCH, host, prefix, portable)
    raise ConfigError(
        f"SEARCH_URL must be tantivy:///path or http(s)://host:9200, got {url!r}",
        setting="SEARCH_URL",
    )


def open_backend(
    url: str | SearchTarget, *, glossary: Glossary | None = None, plain: bool = False
) -> SearchBackend:
    """The backend behind ``url`` (see the module docstring).

    ``glossary`` feeds query expansion (tantivy) or the synonym filter (Elasticsearch);
    ``plain`` turns off stemming, old spellings and glossary (benchmark baseline).
    """
    target = url if isinstance(url, SearchTarget) else parse_search_url(url)
    if target.engine is Engine.TANTIVY:
        from search.backends.tantivy_backend import TantivyBackend

        return TantivyBackend(target.location, glossary=glossary, plain=plain)
    from search.backends.es_backend import ElasticsearchBackend

    return ElasticsearchBackend(
        target.location,
        prefix=target.prefix,
        portable=target.portable,
        glossary=glossary,
        plain=plain,
    )


def _require(module: str, install: str) -> None:
    if importlib.util.find_spec(module) is None:
        raise BackendUnavailable(
            f"SEARCH_URL needs the Python package {module!r}: install {install}",
            setting="SEARCH_URL",
            package=module,
        )


__all__ = ["Engine", "SearchBackend", "SearchTarget", "open_backend", "parse_search_url"]
