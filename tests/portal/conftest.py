"""Fixtures shared by the portal's workspace tests."""

from __future__ import annotations

import pytest

from portal.services import get_services


@pytest.fixture
def mail_catalog(app, mailbox):
    """The catalogue of an app that checks CSRF tokens and sends its mail to the local
    SMTP server ``mailbox``, with one partner, ``rajang``."""
    app.config["WTF_CSRF_ENABLED"] = True
    app.config["MAIL_URL"] = mailbox.url
    with app.app_context():
        catalog = get_services().catalog
    catalog.add_partner("rajang", name="Pustaka Rajang", country="MY")
    return catalog
