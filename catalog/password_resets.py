"""Password-reset links: signed, expiring, and good for one use.

A link's token is signed with the portal's secret (``itsdangerous``) and names a user
and a *fingerprint* of that user's current password hash and ``session_version``.
Nothing is stored: once the password changes (by this link or any other way), or the
user is disabled, the fingerprint no longer matches and every earlier link is dead.
:func:`reset_password` claims the change with a conditional update on
``session_version``, so two uses of one link at the same moment cannot both win.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import TYPE_CHECKING

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import update

from catalog import passwords
from catalog.account_models import User
from catalog.audit import record_audit
from catalog.errors import WarisanError

if TYPE_CHECKING:
    from catalog.store import Catalog

SALT = "warisan.password-reset"


class ResetLinkInvalid(WarisanError):
    """A reset link that is not ours or was tampered with (``reason`` ``invalid``,
    404), or that expired or was already used (``expired``, ``used``: 410 Gone)."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"this password-reset link cannot be used ({reason})", reason=reason)
        self.reason = reason
        self.status = 404 if reason == "invalid" else 410


def _serializer(secret: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt=SALT)


def _fingerprint(user: User) -> str:
    material = f"{user.session_version}:{user.password_hash or ''}".encode()
    return hashlib.sha256(material).hexdigest()[:32]


def reset_token(user: User, secret: str) -> str:
    """A token for a reset link of ``user`` (give it only to the user's mailbox)."""
    return _serializer(secret).dumps({"u": user.id, "f": _fingerprint(user)})


def user_for_reset(catalog: Catalog, token: str, secret: str, max_age: int) -> User:
    """The active user a still-valid token names; :class:`ResetLinkInvalid` otherwise."""
    from catalog import accounts

    try:
        payload = _serializer(secret).loads(token, max_age=max_age)
    except SignatureExpired as exc:
        raise ResetLinkInvalid("expired") from exc
    except BadSignature as exc:
        raise ResetLinkInvalid("invalid") from exc
    if not isinstance(payload, dict) or not isinstance(payload.get("u"), int):
        raise ResetLinkInvalid("invalid")
    user = accounts.get_user(catalog, payload["u"])
    if user is None or not user.active:
        raise ResetLinkInvalid("used")
    if not hmac.compare_digest(str(payload.get("f", "")), _fingerprint(user)):
        raise ResetLinkInvalid("used")
    return user


def reset_password(
    catalog: Catalog, token: str, password: str, *, secret: str, max_age: int
) -> User:
    """Set the password of the user a valid token names and end all their sessions
    (``session_version`` + 1), which also kills the token; the user, to log in.

    :class:`ResetLinkInvalid` for a bad, expired or used token (also when another
    request used it a moment before); :class:`InvalidInput` when the password breaks
    the rules (the link stays usable).
    """
    user = user_for_reset(catalog, token, secret, max_age)
    password_hash = passwords.hash_password(password)
    with catalog.session() as s:
        changed = s.execute(
            update(User)
            .where(
                User.id == user.id,
                User.active.is_(True),
                User.session_version == user.session_version,
            )
            .values(password_hash=password_hash, session_version=user.session_version + 1)
            .execution_options(synchronize_session=False)
        )
        if changed.rowcount != 1:
            raise ResetLinkInvalid("used")
        before = {"session_version": user.session_version}
        after = {"session_version": user.session_version + 1, "via": "reset link"}
        record_audit(s, user, "user.password", ("user", user.id), before, after)
        fresh = s.get(User, user.id, populate_existing=True)
    return fresh
