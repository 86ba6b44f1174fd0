"""The home page says what is there."""

from __future__ import annotations

from portal.services import get_services


def test_home_lists_partners_with_counts(app, client):
    with app.app_context():
        get_services().catalog.add_partner("pustaka-brunei", name="Pustaka Brunei", country="BN")
    page = client.get("/")
    assert page.status_code == 200
    assert "Pustaka Brunei" in page.get_data(as_text=True)


def test_health_and_not_found(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}
    missing = client.get("/no/such/page")
    assert missing.status_code == 404


def test_rare_language_codes_get_names(app):
    from portal.vocab import value_label

    with app.test_request_context("/?lang=en"):
        assert value_label("language", "mel") == "Central Melanau"
        assert value_label("language", "hak") == "Hakka Chinese"
        assert value_label("language", "ind") == "Indonesian"
        assert value_label("language", "xx-not-a-code") == "xx-not-a-code"
