"""Login throttling through the real app: per typed account and per client address."""

from __future__ import annotations

import pytest

from portal.services import get_services
from tests.support.web import log_in, make_user


@pytest.fixture
def catalog(app):
    app.config["WTF_CSRF_ENABLED"] = True
    with app.app_context():
        catalog = get_services().catalog
    make_user(catalog, "admin@example.org", ("consortium-admin", None))
    return catalog


def test_failed_logins_for_one_account_are_throttled_even_with_the_right_password(
    app, client, catalog
):
    assert app.config["LOGIN_LIMIT_PER_ACCOUNT"] == "5 per minute"
    for _ in range(5):
        assert log_in(client, "admin@example.org", "guessing, guessing").status_code == 200
    throttled = log_in(client, "ADMIN@example.org", headers={"Accept-Language": "ms"})
    assert throttled.status_code == 429
    assert "Terlalu banyak cubaan." in throttled.text
    assert "Retry-After" in throttled.headers
    other = log_in(app.test_client(), "someone-else@example.org", "guessing, guessing")
    assert other.status_code == 200, "another account from the same address is not throttled"


def test_successful_logins_do_not_count(app, catalog):
    for _ in range(8):
        assert log_in(app.test_client(), "admin@example.org").status_code == 302


def test_failed_logins_from_one_address_are_throttled_whatever_the_account(app, client, catalog):
    assert app.config["LOGIN_LIMIT_PER_ADDRESS"] == "20 per minute"
    for n in range(20):
        assert log_in(client, f"guess{n}@example.org", "guessing, guessing").status_code == 200
    assert log_in(client, "admin@example.org").status_code == 429
    elsewhere = app.test_client()
    response = log_in(elsewhere, "admin@example.org", environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert response.status_code == 302
