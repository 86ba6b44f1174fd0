"""Settings of the harvester: timeouts, retries, caps and politeness, as one dataclass.

The portal builds a :class:`HarvestSettings` from its ``HARVEST_*`` config with
:meth:`HarvestSettings.from_config`; tests and the benchmark build one directly. Nothing
here reads the environment.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from catalog.errors import ConfigError

CONFIG_KEYS = {
    "user_agent": "HARVEST_USER_AGENT",
    "request_timeout": "HARVEST_TIMEOUT",
    "connect_timeout": "HARVEST_CONNECT_TIMEOUT",
    "max_retries": "HARVEST_MAX_RETRIES",
    "backoff_base": "HARVEST_BACKOFF",
    "max_total_wait": "HARVEST_MAX_WAIT",
    "politeness_delay": "HARVEST_POLITENESS_DELAY",
    "max_pages": "HARVEST_MAX_PAGES",
    "max_page_bytes": "HARVEST_MAX_PAGE_BYTES",
    "deletion_guard": "HARVEST_DELETION_GUARD",
    "contact_max_age": "HARVEST_CONTACT_MAX_AGE",
    "scan_max_bytes": "HARVEST_SCAN_MAX_BYTES",
    "scan_timeout": "HARVEST_SCAN_TIMEOUT",
}
"""Field of :class:`HarvestSettings` → the portal setting that gives it."""


@dataclasses.dataclass(frozen=True)
class HarvestSettings:
    """How hard and how politely to harvest.

    Times are seconds. ``request_timeout`` bounds a whole response (connect plus every
    byte), ``connect_timeout`` the TCP connect. ``max_retries`` retries a request after a
    timeout, a connection error, 429 or 5xx, waiting ``backoff_base * 2**attempt`` (at most
    ``backoff_max``) or what ``Retry-After`` says; a run gives up when all its waits would
    exceed ``max_total_wait``. ``politeness_delay`` (None: the partner's own setting) is
    the pause between two requests to a partner. ``deletion_guard`` is the share of a
    partner's live records a run may delete without ``confirm_deletions``.
    ``fetch_process`` fetches, parses and maps pages in a second process, ahead of the
    store (:mod:`harvester.prefetch`); off, that work is done inline; None (the default)
    uses the second process when this process may run on more than one CPU.
    """

    user_agent: str = "Warisan-harvester/0.1 (OAI-PMH; +https://github.com/warisan)"
    connect_timeout: float = 10.0
    request_timeout: float = 120.0
    max_retries: int = 4
    backoff_base: float = 2.0
    backoff_max: float = 120.0
    max_total_wait: float = 900.0
    politeness_delay: float | None = None
    max_pages: int = 100_000
    max_page_bytes: int = 64 * 1024 * 1024
    deletion_guard: float = 0.2
    contact_max_age: float = 7 * 24 * 3600.0
    scan_max_bytes: int = 300 * 1024 * 1024
    scan_timeout: float = 300.0
    fetch_process: bool | None = None

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> HarvestSettings:
        """The settings given by a portal config's ``HARVEST_*`` values (see
        :data:`CONFIG_KEYS`); a setting that is absent keeps the default above. Raises
        :class:`ConfigError` naming a setting that is not a number where one is needed."""
        values: dict[str, Any] = {}
        for field in dataclasses.fields(cls):
            key = CONFIG_KEYS.get(field.name)
            if key is None or key not in config:
                continue
            value = config[key]
            if value is not None and field.type != "str":
                try:
                    value = (int if field.type == "int" else float)(value)
                except (TypeError, ValueError) as exc:
                    raise ConfigError(f"{key} must be a number: {exc}", setting=key) from exc
            values[field.name] = value
        try:
            return cls(**values)
        except ValueError as exc:
            raise ConfigError(f"a HARVEST_* setting is out of range: {exc}") from exc

    def __post_init__(self) -> None:
        if self.max_retries < 0 or self.max_pages < 1 or self.max_page_bytes < 1024:
            raise ValueError("max_retries must be >= 0, max_pages >= 1, max_page_bytes >= 1024")
        if not 0 <= self.deletion_guard <= 1:
            raise ValueError("deletion_guard is a share between 0 and 1")
        if min(self.connect_timeout, self.request_timeout) <= 0:
            raise ValueError("timeouts must be positive")
