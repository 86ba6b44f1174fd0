"""Settings of the harvester: timeouts, retries, caps and politeness, as one dataclass.

The portal builds a :class:`HarvestSettings` from its ``HARVEST_*`` config; tests and the
benchmark build one directly. Nothing here reads the environment.
"""

from __future__ import annotations

import dataclasses


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

    def __post_init__(self) -> None:
        if self.max_retries < 0 or self.max_pages < 1 or self.max_page_bytes < 1024:
            raise ValueError("max_retries must be >= 0, max_pages >= 1, max_page_bytes >= 1024")
        if not 0 <= self.deletion_guard <= 1:
            raise ValueError("deletion_guard is a share between 0 and 1")
        if min(self.connect_timeout, self.request_timeout) <= 0:
            raise ValueError("timeouts must be positive")
