"""One list page made ready for the walk: fetched, parsed and mapped, as plain data.

:func:`fetch_page` does it for one request and never raises: the outcome is a
:class:`Fetched` (records without their lxml elements, mapping outcomes, response
timings, a bad page's bytes, or the error the walk raises), picklable so that it can come
from the fetching process of :mod:`harvester.prefetch`. A body that does not parse is
fetched once more before it counts as bad. :func:`list_request` and :func:`next_request`
are the one place where the requests of a list are written.
"""

from __future__ import annotations

import dataclasses
import pickle
from collections.abc import Callable
from typing import Any

from catalog.errors import HarvestError
from catalog.records import RecordData
from harvester import xmlsafe
from harvester.client import PartnerClient, RawResponse
from harvester.mapping import MappingError, map_record
from harvester.protocol import ListResponse, OAIError, parse_page, salvage_token

Mapped = list[RecordData | MappingError]
"""One mapping outcome per record of a page, in order."""

Request = dict[str, str]
"""The arguments of one OAI-PMH request (``from`` included as a key)."""


def list_request(
    prefix: str, from_date: str | None, set_spec: str | None, verb: str = "ListRecords"
) -> Request:
    """The first request of a list (``ListRecords`` unless ``verb`` says otherwise)."""
    params = {"verb": verb, "metadataPrefix": prefix}
    if from_date:
        params["from"] = from_date
    if set_spec:
        params["set"] = set_spec
    return params


def next_request(token: str | None, verb: str = "ListRecords") -> Request | None:
    """The request that goes on with a list after a page with ``token`` (None: it ended)."""
    return {"verb": verb, "resumptionToken": token} if token else None


@dataclasses.dataclass(frozen=True)
class BadPage:
    """A response that could not be used: kept for the quarantine, with its token if any."""

    url: str
    error: str
    content: bytes
    token: str | None


@dataclasses.dataclass(frozen=True)
class Fetched:
    """What fetching one page gave (picklable).

    ``responses`` holds ``(seconds, bytes, attempts)`` of each response read for it (a
    body that did not parse is fetched once more). Exactly one of ``page`` (with
    ``mapped``), ``bad`` and ``error`` is set; ``error`` is raised by the walk.
    ``last_request`` is when the client last sent a request (``time.monotonic``), so
    the politeness delay holds across processes. ``follow`` is the request the fetching
    process goes on with by itself (None: it waits to be told).
    """

    params: Request
    responses: tuple[tuple[float, int, int], ...] = ()
    page: ListResponse | None = None
    mapped: Mapped = dataclasses.field(default_factory=list)
    bad: BadPage | None = None
    error: BaseException | None = None
    last_request: float = 0.0
    follow: Request | None = None

    def next_token(self) -> str | None:
        """The token the list goes on with after this page (None: it ends here).

        A bad page goes on only with a token salvaged from it that is not the one asked
        with (that would ask for the same bad page again).
        """
        if self.page is not None:
            return self.page.token.value if self.page.token else None
        if self.bad is not None and self.bad.token != self.params.get("resumptionToken"):
            return self.bad.token
        return None


def map_page(page: ListResponse, prefix: str) -> Mapped:
    """Map every record of a page; a record that cannot be mapped gives its error.

    Content hashes and the JSON text of the columns are left to the storing process,
    which balances the work of the two processes.
    """
    out: Mapped = []
    for record in page.records:
        try:
            item = map_record(record, prefix)
        except MappingError as exc:
            out.append(exc)
            continue
        out.append(item)
    return out


def fetch_page(
    client: PartnerClient,
    params: Request,
    prefix: str,
    *,
    first: Callable[[], RawResponse] | None = None,
    parsed: Callable[[ListResponse], None] | None = None,
) -> Fetched:
    """Fetch, parse and map one list page; never raises (errors are in the result).

    ``first`` gives the first response when it was requested already (a prefetch);
    ``parsed`` is called with the page once it parsed, before it is mapped.
    """
    responses: list[tuple[float, int, int]] = []

    def result(**fields: Any) -> Fetched:
        return Fetched(params, tuple(responses), last_request=client.last_request, **fields)

    try:
        for attempt in (1, 2):
            raw = first() if attempt == 1 and first is not None else client.harvest(**params)
            responses.append((raw.seconds, len(raw.content), raw.attempts))
            try:
                page = parse_page(raw.content)
            except xmlsafe.HostileXML as exc:
                return result(bad=BadPage(raw.url, str(exc), raw.content, None))
            except OAIError:
                raise
            except xmlsafe.UnparsableXML as exc:
                if raw.status != 200:
                    raise HarvestError(f"HTTP {raw.status} from {raw.url}: {exc}") from exc
                if attempt == 2:
                    token = salvage_token(raw.content)
                    return result(bad=BadPage(raw.url, str(exc), raw.content, token))
                continue
            if parsed is not None:
                parsed(page)
            # (the records' lxml elements are not pickled: see HarvestedRecord)
            return result(page=page, mapped=map_page(page, prefix))
    except Exception as exc:  # handed to the walk, which raises it
        return result(error=_portable(exc))
    raise AssertionError("unreachable")  # pragma: no cover


def _portable(exc: Exception) -> BaseException:
    """``exc`` if it survives pickling, else a :class:`HarvestError` saying what it was."""
    try:
        pickle.loads(pickle.dumps(exc))  # noqa: S301 - our own bytes, made just above
    except Exception:
        return HarvestError(f"fetching a page failed: {type(exc).__name__}: {exc}")
    return exc
