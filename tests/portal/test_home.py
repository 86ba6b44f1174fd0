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
