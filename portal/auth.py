"""Who is asking: Flask-Login sessions and login throttling (Flask-Limiter).

Flask-Login only answers *who*; what a person *may* do is decided by
:mod:`catalog.policy` on the :class:`~catalog.policy.Principal` that
:func:`current_principal` returns (``ANONYMOUS`` when nobody is logged in).

Contracts:

- The session holds ``"<user id>:<session_version>"`` and nothing else about the user.
  Every request loads the user again; a user who is disabled, deleted or whose
  ``session_version`` moved (password change, "log out everywhere") is anonymous from
  that request on.
- :func:`start_session` clears the whole session before logging in (only the language
  choice survives), so nothing from before the login — a planted session, an old CSRF
  token — carries over.
- Login attempts that fail are counted per typed e-mail address
  (``LOGIN_LIMIT_PER_ACCOUNT``) and per client address (``LOGIN_LIMIT_PER_ADDRESS``) in
  ``RATELIMIT_STORAGE_URI``; past either limit the login answers 429. Password-reset
  requests are counted the same way, every one (``RESET_LIMIT_PER_*``), and so are the
  uploads a user starts (``UPLOAD_LIMIT_PER_USER``, per user).
"""

from __future__ import annotations

from flask import Flask, g, request, session
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import (
    AnonymousUserMixin,
    LoginManager,
    UserMixin,
    current_user,
    login_user,
    logout_user,
)
from limits.errors import ConfigurationError as LimitsConfigurationError

from catalog import accounts, policy
from catalog.errors import ConfigError
from portal.errors import LoginRequired
from portal.services import get_services

LOGIN_ENDPOINT = "workspace.login"
RESET_ENDPOINT = "workspace.forgot_password"
PASSWORD_ENDPOINT = "workspace.change_password"  # noqa: S105 - an endpoint name
UPLOAD_ENDPOINT = "workspace.tus_create"
KEPT_ACROSS_LOGIN = ("lang",)


class SessionUser(UserMixin):
    """The logged-in user of one request: a snapshot of :class:`catalog.accounts.User`."""

    def __init__(self, user) -> None:
        self.user = user

    def get_id(self) -> str:
        return f"{self.user.id}:{self.user.session_version}"

    @property
    def is_active(self) -> bool:
        return bool(self.user.active)


def load_user(token: str) -> SessionUser | None:
    """The user named by a session token, or None when the token no longer holds."""
    user_id, _, version = token.partition(":")
    try:
        user_id_number, version_number = int(user_id), int(version)
    except ValueError:
        return None
    user = accounts.get_user(get_services().catalog, user_id_number)
    if user is None or not user.active or user.session_version != version_number:
        return None
    return SessionUser(user)


def _unauthorized():
    raise LoginRequired("login required")


def current_principal():
    """The :class:`~catalog.policy.Principal` of this request (``policy.ANONYMOUS``
    when nobody is logged in), computed once per request."""
    if "principal" not in g:
        if current_user.is_authenticated:
            g.principal = accounts.principal(get_services().catalog, current_user.user)
        else:
            g.principal = policy.ANONYMOUS
    return g.principal


def _clear_session() -> None:
    kept = {key: session[key] for key in KEPT_ACROSS_LOGIN if key in session}
    session.clear()
    session.update(kept)


def start_session(user) -> None:
    """Log ``user`` in on a fresh session (no fixation: nothing of the old one is kept
    but the interface language)."""
    _clear_session()
    login_user(SessionUser(user))


def end_session() -> None:
    """Log out and drop everything of the session but the interface language."""
    logout_user()
    _clear_session()


def _typed_email(prefix: str = "login-account:"):
    def key() -> str:
        return prefix + (request.form.get("email") or "").strip().lower()

    return key


def _failed(response) -> bool:
    """An attempt (a login, a password change) counts against the limits unless it
    went through (a redirect)."""
    return response.status_code != 302


def _own_account_as(prefix: str):
    def key() -> str:
        user = getattr(current_user, "user", None)
        return f"{prefix}{user.id if user is not None else request.remote_addr}"

    return key


_own_account = _own_account_as("password-change:")


THROTTLED = {
    LOGIN_ENDPOINT: (
        (
            ("LOGIN_LIMIT_PER_ACCOUNT", _typed_email()),
            ("LOGIN_LIMIT_PER_ADDRESS", get_remote_address),
        ),
        _failed,
    ),
    RESET_ENDPOINT: (
        (
            ("RESET_LIMIT_PER_ACCOUNT", _typed_email("reset-account:")),
            ("RESET_LIMIT_PER_ADDRESS", get_remote_address),
        ),
        None,
    ),
    PASSWORD_ENDPOINT: ((("LOGIN_LIMIT_PER_ACCOUNT", _own_account),), _failed),
    UPLOAD_ENDPOINT: ((("UPLOAD_LIMIT_PER_USER", _own_account_as("upload-create:")),), None),
}
"""Endpoint → ((setting naming a rate, key of what is counted), which POSTs count:
None for every one)."""


def _throttle(app: Flask, limiter: Limiter, endpoint: str) -> None:
    """Wrap ``endpoint``'s POSTs in its limits (read from the config per request)."""
    limits, deduct_when = THROTTLED[endpoint]
    view = app.view_functions[endpoint]
    config = app.config
    for setting, key in limits:
        view = limiter.limit(
            lambda setting=setting: config[setting],
            key_func=key,
            methods=["POST"],
            deduct_when=deduct_when,
        )(view)
    app.view_functions[endpoint] = view


def init_app(app: Flask) -> None:
    """Set up Flask-Login and the login throttle (after the blueprints are registered)."""
    manager = LoginManager()
    manager.user_loader(load_user)
    manager.unauthorized_handler(_unauthorized)
    manager.anonymous_user = AnonymousUserMixin
    manager.session_protection = "basic"
    manager.init_app(app)

    uri = app.config["RATELIMIT_STORAGE_URI"]
    limiter = Limiter(key_func=get_remote_address, storage_uri=uri, headers_enabled=True)
    try:
        limiter.init_app(app)
    except LimitsConfigurationError as exc:
        raise ConfigError(
            f"RATELIMIT_STORAGE_URI must be memory:// or redis://host:port/db; got {uri!r} ({exc})",
            setting="RATELIMIT_STORAGE_URI",
        ) from exc
    app.extensions["warisan.limiter"] = limiter
    for endpoint in THROTTLED:
        _throttle(app, limiter, endpoint)
