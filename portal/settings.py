"""Loading and checking the configuration layers (see :mod:`portal.config`)."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask

from catalog.errors import ConfigError

ENV_PREFIX = "WARISAN"
INSTANCE_ENV = "WARISAN_INSTANCE"


def instance_path() -> str:
    """The instance folder: ``$WARISAN_INSTANCE`` or ``./instance``."""
    return str(Path(os.environ.get(INSTANCE_ENV) or "instance").resolve())


def load(app: Flask, test_config: dict | None) -> None:
    """Fill ``app.config`` from the layers, derive defaults and check the values."""
    app.config.from_object("portal.config")
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env(ENV_PREFIX)
    if test_config:
        app.config.from_mapping(test_config)
    derive_defaults(app)
    validate(app.config)


def derive_defaults(app: Flask) -> None:
    """Point unset storage settings into the instance folder."""
    folder = Path(app.instance_path)
    config = app.config
    config["DATABASE_URL"] = config["DATABASE_URL"] or f"sqlite:///{folder / 'warisan.db'}"
    config["SEARCH_URL"] = config["SEARCH_URL"] or f"tantivy://{folder / 'index'}"
    config["QUEUE_URL"] = config["QUEUE_URL"] or f"sqlite:///{folder / 'queue.db'}"
    config["FILES_DIR"] = str(config["FILES_DIR"] or folder / "files")
    config["UPLOADS_DIR"] = str(config.get("UPLOADS_DIR") or folder / "uploads")


SCHEMES = {
    "DATABASE_URL": ("sqlite", "postgresql", "postgresql+psycopg"),
    "QUEUE_URL": ("sqlite", "redis", "rediss", "memory"),
}


def validate(config) -> None:
    """Raise :class:`ConfigError` naming the first setting whose value is unusable.

    ``SEARCH_URL`` is checked apart, by :func:`search.backends.parse_search_url`, when
    the services are set up (:func:`portal.services.init_app`)."""
    for name, schemes in SCHEMES.items():
        value = config.get(name)
        if not isinstance(value, str) or urlsplit(value).scheme not in schemes:
            accepted = ", ".join(s + "://" for s in schemes)
            raise ConfigError(
                f"{name} must be a URL starting with one of {accepted}; got {value!r}",
                setting=name,
            )
    from portal.mail import parse_mail_url

    parse_mail_url(config.get("MAIL_URL"))
    files = config.get("FILES_DIR")
    if not isinstance(files, str) or not files:
        raise ConfigError("FILES_DIR must be a folder path", setting="FILES_DIR")
    languages = config.get("LANGUAGES")
    if not isinstance(languages, list) or not languages:
        raise ConfigError("LANGUAGES must be a list of locale codes", setting="LANGUAGES")
    if config.get("BABEL_DEFAULT_LOCALE") not in languages:
        raise ConfigError(
            "BABEL_DEFAULT_LOCALE must be one of LANGUAGES", setting="BABEL_DEFAULT_LOCALE"
        )
