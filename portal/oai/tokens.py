"""Resumption tokens of the OAI-PMH provider: opaque, signed, expiring, keyset-based.

A token carries the request (verb, prefix, set, from, until), the position after the
last record sent as ``(last_changed, id)``, the cursor and the complete list size. It is
signed with the app's secret, so a token cannot be forged or edited, and it stops
working after ``OAI_TOKEN_TTL`` seconds. Keyset paging means records changed while a
harvester pages through never shift the pages.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from catalog.errors import OAIRequestError

SALT = "warisan-oai-resumption"


class TokenError(OAIRequestError):
    """The token is unknown, edited or expired (``expired`` says which): ``badResumptionToken``."""

    def __init__(self, message: str, *, expired: bool = False) -> None:
        super().__init__("badResumptionToken", message, expired=expired)
        self.expired = expired


@dataclasses.dataclass(frozen=True)
class Position:
    """Where a list request continues."""

    verb: str
    prefix: str
    set_spec: str | None
    from_: str | None
    until: str | None
    last_changed: dt.datetime
    last_id: int
    cursor: int
    size: int


def _serializer(secret: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt=SALT)


def encode(position: Position, secret: str) -> str:
    """The opaque token of a position."""
    data = [
        position.verb,
        position.prefix,
        position.set_spec,
        position.from_,
        position.until,
        position.last_changed.isoformat(),
        position.last_id,
        position.cursor,
        position.size,
    ]
    return _serializer(secret).dumps(data)


def decode(token: str, secret: str, max_age: int) -> Position:
    """The position in ``token``; :class:`TokenError` when it is bad or expired."""
    try:
        data = _serializer(secret).loads(token, max_age=max_age)
    except SignatureExpired as exc:
        raise TokenError("the resumption token has expired", expired=True) from exc
    except BadSignature as exc:
        raise TokenError("the resumption token is not one of ours") from exc
    try:
        verb, prefix, set_spec, from_, until, changed, last_id, cursor, size = data
        return Position(
            verb,
            prefix,
            set_spec,
            from_,
            until,
            dt.datetime.fromisoformat(changed),
            int(last_id),
            int(cursor),
            int(size),
        )
    except (TypeError, ValueError) as exc:
        raise TokenError("the resumption token is damaged") from exc
