"""Logging in through the real login form, as a browser would (CSRF token included)."""

from __future__ import annotations

from lxml import html

LOGIN = "/workspace/login"
PASSWORD = "correct horse battery staple"


def csrf_token(client, path: str = LOGIN) -> str:
    """The CSRF token of the form on ``path`` (from this client's session)."""
    page = client.get(path)
    assert page.status_code == 200, page.status_code
    return html.fromstring(page.data).xpath('//input[@name="csrf_token"]/@value')[0]


def log_in(client, email: str, password: str = PASSWORD, *, next_: str | None = None, **kw):
    """POST the login form with a fresh CSRF token; the response, not followed."""
    token = csrf_token(client)
    query = {"next": next_} if next_ is not None else None
    data = {"csrf_token": token, "email": email, "password": password}
    return client.post(LOGIN, data=data, query_string=query, **kw)


def make_user(catalog, email: str, *roles: tuple[str, str | None], name: str | None = None):
    """A user with ``PASSWORD`` and the given ``(role, partner id)`` memberships."""
    from catalog import accounts

    user = accounts.create_user(catalog, email, PASSWORD, display_name=name, actor="test")
    for role, partner in roles:
        accounts.add_membership(catalog, user.id, role, partner, actor="test")
    return user
