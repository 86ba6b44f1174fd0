"""The services one portal instance wires together, built from its config.

``get_services()`` returns the :class:`Services` of the current app; views and CLI
commands call services, never the engines directly. Each service is created on first
use from the settings, so a command that needs only the catalogue does not open the
search index.
"""

from __future__ import annotations

import functools

from flask import Flask, current_app

from catalog.files import FileStore
from catalog.store import Catalog

EXTENSION = "warisan"


class Services:
    """Catalogue, file store and search of one app (its job queue: ``portal.tasks.get_jobs``)."""

    def __init__(self, config) -> None:
        self.config = config

    @functools.cached_property
    def catalog(self) -> Catalog:
        return Catalog(self.config["DATABASE_URL"])

    @functools.cached_property
    def files(self) -> FileStore:
        return FileStore(self.config["FILES_DIR"])

    @functools.cached_property
    def search(self):
        """The search service on ``SEARCH_URL`` (:class:`search.service.SearchService`)."""
        from search.service import SearchService
        from search.settings import SearchSettings

        return SearchService.from_settings(self.catalog, SearchSettings.from_config(self.config))

    def close(self) -> None:
        """Release connections (tests and CLI teardown)."""
        if "catalog" in self.__dict__:
            self.catalog.dispose()
        if "search" in self.__dict__:
            self.search.backend.close()


def init_app(app: Flask) -> Services:
    from search.settings import SearchSettings

    SearchSettings.from_config(app.config)  # a bad SEARCH_URL or missing package fails at start
    services = Services(app.config)
    app.extensions[EXTENSION] = services
    return services


def get_services() -> Services:
    """The services of the current Flask app."""
    return current_app.extensions[EXTENSION]
