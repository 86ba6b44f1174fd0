"""The search settings of one portal, built from its config in one place.

The defaults and their documentation live in :mod:`portal.config` (``SEARCH_*``); this
dataclass repeats none of them, so a value changes in one place.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from search.backends import SearchTarget, parse_search_url


@dataclasses.dataclass(frozen=True)
class SearchSettings:
    """Where the index lives and how deep and how rich a result list is.

    ``target`` is the checked ``SEARCH_URL``; ``glossary`` the glossary file (None: the
    curated one bundled in ``search/data``); ``max_results`` the deepest result reachable by
    paging; ``page_hits`` the matching pages shown under each record of a result list.
    """

    target: SearchTarget
    glossary: str | None
    max_results: int
    page_hits: int

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> SearchSettings:
        """The settings from ``SEARCH_URL``, ``SEARCH_GLOSSARY``, ``SEARCH_MAX_RESULTS``
        and ``SEARCH_PAGE_HITS``; raises :class:`catalog.errors.ConfigError` (or
        :class:`BackendUnavailable` for a missing package) for an unusable ``SEARCH_URL``."""
        glossary = config["SEARCH_GLOSSARY"]
        return cls(
            target=parse_search_url(config["SEARCH_URL"]),
            glossary=str(glossary) if glossary else None,
            max_results=int(config["SEARCH_MAX_RESULTS"]),
            page_hits=int(config["SEARCH_PAGE_HITS"]),
        )
