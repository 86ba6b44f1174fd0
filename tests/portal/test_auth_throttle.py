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


def test_an_unknown_throttle_storage_fails_at_start(instance_dir):
    from catalog.errors import ConfigError
    from portal import create_app

    with pytest.raises(ConfigError) as caught:
        create_app({"INSTANCE_PATH": str(instance_dir), "RATELIMIT_STORAGE_URI": "nosuch://x"})
    assert caught.value.fields["setting"] == "RATELIMIT_STORAGE_URI"


@pytest.mark.redis
def test_web_processes_sharing_redis_share_the_count(tmp_path, redis_url):
    """Two apps (two gunicorn workers, say) on one Redis: attempts on either count."""
    from portal import create_app

    apps = []
    for n in range(2):
        instance = tmp_path / f"instance{n}"
        instance.mkdir()
        config = {
            "TESTING": True,
            "SECRET_KEY": "test",
            "INSTANCE_PATH": str(instance),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'shared.db'}",
            "RATELIMIT_STORAGE_URI": redis_url,
            "RATELIMIT_KEY_PREFIX": f"test-{tmp_path.name}",
        }
        apps.append(create_app(config))
    with apps[0].app_context():
        catalog = get_services().catalog
        catalog.upgrade()
    make_user(catalog, "admin@example.org", ("consortium-admin", None))
    try:
        for n in range(5):
            response = log_in(apps[n % 2].test_client(), "admin@example.org", "guessing, guessing")
            assert response.status_code == 200
        assert log_in(apps[1].test_client(), "admin@example.org").status_code == 429
        assert log_in(apps[0].test_client(), "admin@example.org").status_code == 429
    finally:
        for app in apps:
            app.extensions["warisan"].close()
