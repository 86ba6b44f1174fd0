"""The HTTP side of harvesting: one OAI-PMH request, with our limits, as raw bytes.

:class:`PartnerClient` sends each request through one :class:`requests.Session`
(kept-alive connections), streams the response under a total deadline and a size cap,
and retries timeouts, connection errors, 429 and 5xx with exponential backoff and
``Retry-After`` (seconds or an HTTP date), under a cap on the total waiting, with a
politeness pause between requests. It returns a :class:`RawResponse` (status, bytes,
seconds) and never parses. A non-200 answer is still returned when it is not retryable,
because some providers (Zenodo: 422) send OAI errors that way. Every ``requests`` error
that is not retried is raised as :class:`~catalog.errors.HarvestError`.

It composes over ``requests`` rather than subclassing :class:`sickle.Sickle`, because
none of sickle's extension points gives what a harvest needs: ``Sickle.harvest`` parses
every answer with its own lxml parser (not hardened; we parse the raw bytes with
:mod:`harvester.xmlsafe`), reads ``Retry-After`` only on a 503 and only as whole
seconds, never retries a timeout, has no cap on the total wait, and sends each request
without a session, a total deadline or a size cap; and its iterators follow resumption
tokens by themselves, where our walk checkpoints each page, restarts after
``badResumptionToken`` and fetches ahead in a second process. Sickle stays the baseline
of ``bench/harvest.py`` and the reference client of the demo server's tests.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import email.utils
import time
from collections.abc import Callable
from typing import Any

import requests

from catalog.errors import HarvestError
from harvester.settings import HarvestSettings

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504, 507, 508, 509, 520, 521, 522, 523, 524})
_RETRY_EXCEPTIONS = (
    requests.Timeout,
    requests.ConnectionError,
    requests.exceptions.ChunkedEncodingError,
    requests.exceptions.ContentDecodingError,
)


class DeadlineExceeded(requests.Timeout):
    """A response took longer than the settings' ``request_timeout`` in total."""


@dataclasses.dataclass(frozen=True)
class RawResponse:
    """One HTTP answer as received: status, headers, body and timing."""

    url: str
    status: int
    content_type: str
    content: bytes
    seconds: float
    attempts: int


class PartnerClient:
    """An OAI-PMH client of one endpoint with our timeouts, retries, caps and politeness."""

    def __init__(
        self,
        endpoint: str,
        settings: HarvestSettings,
        *,
        delay: float = 0.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.endpoint = endpoint
        self.settings = settings
        self.delay = settings.politeness_delay if settings.politeness_delay is not None else delay
        self.sleep = sleep
        self.waited = 0.0
        self.requests = 0
        self.retries = 0
        self._last_request = 0.0
        self.session = requests.Session()
        self.session.headers["User-Agent"] = settings.user_agent
        self.session.headers["Accept"] = "text/xml, application/xml;q=0.9, */*;q=0.1"

    def close(self) -> None:
        self.session.close()

    def _get(self, params: dict[str, Any]) -> requests.Response:
        """One GET, streamed under a total deadline and the page size cap."""
        self._polite()
        started = time.monotonic()
        deadline = started + self.settings.request_timeout
        timeout = (self.settings.connect_timeout, self.settings.request_timeout)
        response = self.session.get(self.endpoint, params=params, timeout=timeout, stream=True)
        try:
            chunks, size = [], 0
            for chunk in response.iter_content(64 * 1024):
                chunks.append(chunk)
                size += len(chunk)
                if size > self.settings.max_page_bytes:
                    raise HarvestError(
                        f"response larger than {self.settings.max_page_bytes} bytes; refused",
                        url=response.url,
                    )
                if time.monotonic() > deadline:
                    raise DeadlineExceeded(
                        f"response not complete after {self.settings.request_timeout} s"
                    )
            response._content = b"".join(chunks)
        finally:
            response.close()
        return response

    def _polite(self) -> None:
        pause = self._last_request + self.delay - time.monotonic()
        if self._last_request and pause > 0:
            self.sleep(pause)
        self._last_request = time.monotonic()
        self.requests += 1

    @property
    def last_request(self) -> float:
        """When this client last sent a request (``time.monotonic()``; 0.0: never)."""
        return self._last_request

    def paced_after(self, when: float) -> None:
        """Keep the politeness delay after a request another client (process) sent at ``when``.

        ``time.monotonic()`` is one clock for every process of the machine.
        """
        self._last_request = max(self._last_request, when)

    def harvest(self, **params: str) -> RawResponse:
        """Send one OAI-PMH request with retries; returns the raw answer.

        ``params`` are the request's arguments (``from`` is passed as ``**{"from": …}``).
        Raises :class:`HarvestError` when retries or the total wait are exhausted.
        """
        started = time.monotonic()
        for attempt in range(self.settings.max_retries + 1):
            problem, wait = self._attempt(params, attempt)
            if isinstance(problem, RawResponse):
                return dataclasses.replace(
                    problem, seconds=time.monotonic() - started, attempts=attempt + 1
                )
            if attempt == self.settings.max_retries:
                break
            if self.waited + wait > self.settings.max_total_wait:
                raise HarvestError(
                    f"giving up: waiting {wait:.0f} s more would pass the cap of "
                    f"{self.settings.max_total_wait:.0f} s of total waiting ({problem})",
                    url=self.endpoint,
                )
            self.retries += 1
            self.waited += wait
            self.sleep(wait)
        raise HarvestError(
            f"giving up after {self.settings.max_retries + 1} attempts: {problem}",
            url=self.endpoint,
        )

    def _attempt(self, params: dict[str, str], attempt: int) -> tuple[Any, float]:
        backoff = min(self.settings.backoff_base * 2**attempt, self.settings.backoff_max)
        try:
            response = self._get(params)
        except _RETRY_EXCEPTIONS as exc:
            return f"{type(exc).__name__}: {exc}", backoff
        except requests.RequestException as exc:
            raise HarvestError(f"request failed: {exc}", url=self.endpoint) from exc
        if response.status_code in RETRY_STATUSES:
            wait = retry_after(response.headers.get("Retry-After"))
            return f"HTTP {response.status_code}", backoff if wait is None else wait
        raw = RawResponse(
            url=response.url,
            status=response.status_code,
            content_type=response.headers.get("Content-Type", ""),
            content=response.content,
            seconds=0.0,
            attempts=attempt + 1,
        )
        return raw, 0.0


def retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    current = time.time() if now is None else now
    return max(0.0, when.timestamp() - current)
