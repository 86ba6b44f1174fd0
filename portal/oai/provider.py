"""The OAI-PMH 2.0 verbs: request arguments in, an ``<OAI-PMH>`` document out.

:func:`respond` checks the arguments as the protocol demands (badVerb, badArgument,
repeated arguments, exclusive resumptionToken) and answers every
:class:`~catalog.errors.OAIRequestError` (a bad token's :class:`~portal.oai.tokens.TokenError`
included) as OAI-PMH XML in the response document.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable

from lxml import etree

from catalog import queries
from catalog.errors import OAIRequestError
from catalog.models import Record, utcnow
from catalog.store import Catalog
from portal.oai import formats, repository, tokens

OAI = "http://www.openarchives.org/OAI/2.0/"
OAI_ID = "http://www.openarchives.org/OAI/2.0/oai-identifier"
SCHEMA = "http://www.openarchives.org/OAI/2.0/ http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd"
Q = f"{{{OAI}}}"
GRANULARITY = "YYYY-MM-DDThh:mm:ssZ"

VERBS = {
    "Identify": (set(), set()),
    "ListMetadataFormats": (set(), {"identifier"}),
    "ListSets": (set(), {"resumptionToken"}),
    "GetRecord": ({"identifier", "metadataPrefix"}, set()),
    "ListIdentifiers": ({"metadataPrefix"}, {"from", "until", "set", "resumptionToken"}),
    "ListRecords": ({"metadataPrefix"}, {"from", "until", "set", "resumptionToken"}),
}
"""verb → (required arguments, optional arguments)."""


@dataclasses.dataclass(frozen=True)
class Settings:
    """What the provider needs to know about this portal."""

    base_url: str
    repository_id: str
    repository_name: str
    admin_email: str
    page_size: int
    token_ttl: int
    secret: str
    permalink: Callable[[int], str]


def _time(value: dt.datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def _sub(parent, tag: str, text: str | None = None, **attrs) -> etree._Element:
    element = etree.SubElement(parent, Q + tag, attrs)
    if text is not None:
        element.text = text
    return element


def respond(catalog: Catalog, settings: Settings, args: dict[str, list[str]]) -> bytes:
    """The complete OAI-PMH response document for a request's arguments."""
    root = etree.Element(Q + "OAI-PMH", nsmap={None: OAI, "xsi": formats.XSI})
    root.set(f"{{{formats.XSI}}}schemaLocation", SCHEMA)
    _sub(root, "responseDate", _time(utcnow()))
    request_el = _sub(root, "request", settings.base_url)
    try:
        verb, values = _check(args)
        for key, value in values.items():
            request_el.set(key, value)
        HANDLERS[verb](root, catalog, settings, values)
    except OAIRequestError as exc:
        if exc.code in ("badVerb", "badArgument"):
            request_el.attrib.clear()
        del root[2:]
        _sub(root, "error", exc.message, code=exc.code)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _check(args: dict[str, list[str]]) -> tuple[str, dict[str, str]]:
    verbs = args.get("verb", [])
    if len(verbs) != 1 or verbs[0] not in VERBS:
        raise OAIRequestError("badVerb", "the verb is missing, repeated or not an OAI-PMH verb")
    verb = verbs[0]
    required, optional = VERBS[verb]
    values: dict[str, str] = {}
    for key, items in args.items():
        if key == "verb":
            continue
        if key not in required | optional:
            raise OAIRequestError("badArgument", f"{verb} does not take the argument {key!r}")
        if len(items) != 1:
            raise OAIRequestError("badArgument", f"the argument {key!r} is repeated")
        values[key] = items[0]
    if "resumptionToken" in values:
        if len(values) > 1:
            raise OAIRequestError("badArgument", "resumptionToken must be the only argument")
    else:
        missing = required - set(values)
        if missing:
            raise OAIRequestError("badArgument", f"{verb} needs {', '.join(sorted(missing))}")
    return verb, {"verb": verb, **values}


def _identify(root, catalog: Catalog, settings: Settings, values) -> None:
    ident = _sub(root, "Identify")
    _sub(ident, "repositoryName", settings.repository_name)
    _sub(ident, "baseURL", settings.base_url)
    _sub(ident, "protocolVersion", "2.0")
    _sub(ident, "adminEmail", settings.admin_email)
    earliest = queries.earliest_change(catalog) or utcnow()
    _sub(ident, "earliestDatestamp", _time(earliest))
    _sub(ident, "deletedRecord", "persistent")
    _sub(ident, "granularity", GRANULARITY)
    description = _sub(ident, "description")
    schema = f"{OAI_ID} http://www.openarchives.org/OAI/2.0/oai-identifier.xsd"
    box = etree.SubElement(description, f"{{{OAI_ID}}}oai-identifier", nsmap={None: OAI_ID})
    box.set(f"{{{formats.XSI}}}schemaLocation", schema)
    for tag, text in (
        ("scheme", "oai"),
        ("repositoryIdentifier", settings.repository_id),
        ("delimiter", ":"),
        ("sampleIdentifier", f"oai:{settings.repository_id}:1"),
    ):
        etree.SubElement(box, f"{{{OAI_ID}}}{tag}").text = text


def _record_id(settings: Settings, identifier: str) -> int:
    prefix = f"oai:{settings.repository_id}:"
    tail = identifier[len(prefix) :] if identifier.startswith(prefix) else ""
    if not tail.isdigit():
        raise OAIRequestError(
            "idDoesNotExist", f"{identifier!r} is not an identifier of this repository"
        )
    return int(tail)


def _lookup(catalog: Catalog, settings: Settings, identifier: str) -> Record:
    record = queries.any_record(catalog, _record_id(settings, identifier))
    if record is None:
        raise OAIRequestError("idDoesNotExist", f"no record {identifier!r}")
    return record


def _list_formats(root, catalog: Catalog, settings: Settings, values) -> None:
    if "identifier" in values:
        _lookup(catalog, settings, values["identifier"])
    element = _sub(root, "ListMetadataFormats")
    for prefix, (namespace, schema) in formats.FORMATS.items():
        fmt = _sub(element, "metadataFormat")
        _sub(fmt, "metadataPrefix", prefix)
        _sub(fmt, "schema", schema)
        _sub(fmt, "metadataNamespace", namespace)


def _list_sets(root, catalog: Catalog, settings: Settings, values) -> None:
    if "resumptionToken" in values:
        raise OAIRequestError("badResumptionToken", "ListSets is answered in one response")
    element = _sub(root, "ListSets")
    for spec, name in repository.list_sets(catalog):
        item = _sub(element, "set")
        _sub(item, "setSpec", spec)
        _sub(item, "setName", name)


def _header(parent, record: Record, settings: Settings) -> None:
    header = _sub(parent, "header")
    if repository.is_deleted(record):
        header.set("status", "deleted")
    _sub(header, "identifier", f"oai:{settings.repository_id}:{record.id}")
    _sub(header, "datestamp", _time(record.last_changed))
    for spec in repository.set_specs(record):
        _sub(header, "setSpec", spec)


def _record(parent, record: Record, settings: Settings, prefix: str) -> None:
    element = _sub(parent, "record")
    _header(element, record, settings)
    if not repository.is_deleted(record):
        metadata = _sub(element, "metadata")
        metadata.append(formats.render(prefix, record, settings.permalink(record.id)))


def _check_prefix(prefix: str) -> None:
    if prefix not in formats.FORMATS:
        raise OAIRequestError(
            "cannotDisseminateFormat", f"metadataPrefix {prefix!r} is not offered"
        )


def _get_record(root, catalog: Catalog, settings: Settings, values) -> None:
    _check_prefix(values["metadataPrefix"])
    record = _lookup(catalog, settings, values["identifier"])
    _record(_sub(root, "GetRecord"), record, settings, values["metadataPrefix"])


DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


def _parse_date(value: str | None, *, end: bool) -> tuple[dt.datetime | None, str | None]:
    """A from/until value as a bound (``end`` bounds are exclusive) and its granularity."""
    if value is None:
        return None, None
    try:
        if DATE.match(value):
            day = dt.datetime.strptime(value, "%Y-%m-%d")
            return (day + dt.timedelta(days=1) if end else day), "day"
        if DATETIME.match(value):
            moment = dt.datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ")
            return (moment + dt.timedelta(seconds=1) if end else moment), "second"
    except ValueError:
        pass
    raise OAIRequestError("badArgument", f"{value!r} is not a date in {GRANULARITY} or YYYY-MM-DD")


def _selection(catalog: Catalog, set_spec, from_, until) -> queries.Changes:
    start, start_kind = _parse_date(from_, end=False)
    end, end_kind = _parse_date(until, end=True)
    if start_kind and end_kind and start_kind != end_kind:
        raise OAIRequestError("badArgument", "from and until must have the same granularity")
    if start and end and start >= end:
        raise OAIRequestError("badArgument", "from is later than until")
    if set_spec is not None and not repository.known_set(catalog, set_spec):
        raise OAIRequestError("badArgument", f"there is no set {set_spec!r}")
    return repository.changes(set_spec, start, end)


def _list(root, catalog: Catalog, settings: Settings, values) -> None:
    verb = values["verb"]
    if "resumptionToken" in values:
        pos = tokens.decode(values["resumptionToken"], settings.secret, settings.token_ttl)
        if pos.verb != verb:
            raise OAIRequestError("badResumptionToken", f"this token belongs to {pos.verb}")
        prefix, set_spec, from_, until = pos.prefix, pos.set_spec, pos.from_, pos.until
        after, cursor, size = (pos.last_changed, pos.last_id), pos.cursor, pos.size
    else:
        prefix, set_spec = values["metadataPrefix"], values.get("set")
        from_, until = values.get("from"), values.get("until")
        after, cursor, size = None, 0, None
    _check_prefix(prefix)
    selection = _selection(catalog, set_spec, from_, until)
    rows = queries.changes_after(catalog, selection, after, settings.page_size + 1)
    if not rows and after is None:
        raise OAIRequestError("noRecordsMatch", "no record matches these arguments")
    size = queries.count_changes(catalog, selection) if size is None else size
    more, rows = len(rows) > settings.page_size, rows[: settings.page_size]
    element = _sub(root, verb)
    for record in rows:
        if verb == "ListRecords":
            _record(element, record, settings, prefix)
        else:
            _header(element, record, settings)
    if after is None and not more:
        return
    token = _sub(element, "resumptionToken", completeListSize=str(size), cursor=str(cursor))
    if more:
        last = rows[-1]
        position = tokens.Position(
            verb,
            prefix,
            set_spec,
            from_,
            until,
            last.last_changed,
            last.id,
            cursor + len(rows),
            size,
        )
        token.text = tokens.encode(position, settings.secret)
        expires = utcnow() + dt.timedelta(seconds=settings.token_ttl)
        token.set("expirationDate", _time(expires))


HANDLERS = {
    "Identify": _identify,
    "ListMetadataFormats": _list_formats,
    "ListSets": _list_sets,
    "GetRecord": _get_record,
    "ListIdentifiers": _list,
    "ListRecords": _list,
}
