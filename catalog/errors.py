"""The one exception tree of Warisan.

Every error raised on purpose by our code is a :class:`WarisanError`. Errors carry
fields (not only a message) and, where they can reach a user, an HTTP ``status``.
Third-party errors are wrapped at the boundary with ``raise ... from exc``; the portal
turns these errors into pages in one place.
"""

from __future__ import annotations

from typing import Any


class WarisanError(Exception):
    """Root of all Warisan errors.

    ``message`` is meant for people (logs, CLI, error pages); ``fields`` holds the
    structured details (partner id, URL, setting name…); ``status`` is the HTTP status
    the portal answers with when the error reaches a request.
    """

    status: int = 500

    def __init__(self, message: str, **fields: Any) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields

    def __str__(self) -> str:
        return self.message

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready view of the error for APIs and reports."""
        return {"error": type(self).__name__, "message": self.message, **_jsonable(self.fields)}


def _jsonable(fields: dict[str, Any]) -> dict[str, Any]:
    return {
        k: v if isinstance(v, str | int | float | bool | None) else str(v)
        for k, v in fields.items()
    }


class ConfigError(WarisanError):
    """A setting has a bad value; ``setting`` names it."""


class StoreError(WarisanError):
    """The catalogue store could not do what was asked."""


class NotFound(WarisanError):
    """A partner, record, object, page or file does not exist."""

    status = 404


class Withdrawn(NotFound):
    """A record its partner withdrew from the public (``reason``: theirs, or None).

    Still a :class:`NotFound` to code that only asks whether a record is there; the
    portal answers 410 Gone with the partner's reason.
    """

    status = 410


class Conflict(WarisanError):
    """The request conflicts with what is stored (e.g. a partner id already taken)."""

    status = 409


class InvalidInput(WarisanError):
    """A value given by a user or a partner is not acceptable."""

    status = 400


class Forbidden(WarisanError):
    """The one asking may not do this (decided by :mod:`catalog.policy`)."""

    status = 403


class ContentRestricted(Forbidden):
    """A record's or object's digital content is not served online (its partner made it
    metadata-only or on-site only, or it is under embargo); see :mod:`catalog.access`.

    Fields: ``record`` (id), ``access`` (``metadata``, ``onsite`` or ``embargo``),
    ``partner`` (the partner's name) and ``until`` (the embargo's end, ISO date) when
    under embargo.
    """

    status = 403


class FileStoreError(WarisanError):
    """A file could not be stored or read."""


class HarvestError(WarisanError):
    """A harvest could not run or had to stop."""


class OAIProtocolError(HarvestError):
    """A partner's OAI-PMH endpoint answered with an OAI error or a broken response."""


class OAIRequestError(WarisanError):
    """A request to the portal's OAI-PMH provider that the protocol answers with an error.

    ``code`` is the protocol's error code (``badArgument``, ``badResumptionToken``…).
    OAI-PMH reports errors inside a normal response document, so ``status`` is 200 and
    the provider renders the error itself as OAI-PMH XML.
    """

    status = 200

    def __init__(self, code: str, message: str, **fields: Any) -> None:
        super().__init__(message, code=code, **fields)
        self.code = code


class UnsafeURL(HarvestError):
    """A URL points somewhere we must not fetch (a private address, a host not allowed)."""

    status = 400


class IngestError(WarisanError):
    """A file could not be ingested (bad, hostile or unsupported input)."""

    status = 422


class OcrError(IngestError):
    """Tesseract failed or is not installed with the needed language packs."""

    status = 500


class SearchError(WarisanError):
    """A search could not be answered."""


class QuerySyntaxError(SearchError):
    """A query could not be understood even after cleaning."""

    status = 400


class BackendUnavailable(SearchError):
    """The search engine cannot be reached or is not installed."""

    status = 503
