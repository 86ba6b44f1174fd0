"""Partner profiles: validation, storage, the audit event, language fallback."""

from __future__ import annotations

import pytest

from catalog import profiles
from catalog.audit import audit_events
from catalog.errors import NotFound
from catalog.models import Partner


@pytest.fixture
def catalog(sqlite_catalog):
    sqlite_catalog.add_partner("rajang", name="Pustaka Warisan Rajang", country="MY")
    return sqlite_catalog


def full() -> dict:
    return {
        "names": {"en": "Rajang Heritage Library", "id": "Pustaka Warisan Rajang"},
        "description": {"en": "Manuscripts of the Rajang basin.\n\nOpen since 1960."},
        "services": {"ms": "Salinan digital atas permintaan."},
        "access_conditions": {"en": "Reading room by appointment."},
        "contacts": [
            {"name": "Siti Aminah", "role": "Librarian", "email": "siti@rajang.example"},
            {"name": "", "role": "", "email": "", "phone": "", "address": ""},
            {"name": "Ahmad", "phone": "+60 82 123-456", "address": "Jalan Satu\nSibu"},
        ],
    }


def test_a_profile_is_stored_clean_and_audited_with_its_changed_fields(catalog):
    assert profiles.update_profile(catalog, "rajang", full(), "cli") is True
    partner, profile = profiles.get_profile(catalog, "rajang")
    assert partner.name == "Pustaka Warisan Rajang"  # the catalogue's name stays
    assert partner.profile_updated_at is not None
    assert [c.name for c in profile.contacts] == ["Siti Aminah", "Ahmad"]  # blank one dropped
    assert profile.contacts[1].address == "Jalan Satu\nSibu"
    [event] = audit_events(catalog, partner_id="rajang")
    assert (event.action, event.target_type, event.target_id) == (
        "partner.profile",
        "partner",
        "rajang",
    )
    assert event.before["names.en"] is None
    assert event.after["names.en"] == "Rajang Heritage Library"
    assert event.after["contacts.2.phone"] == "+60 82 123-456"

    changed = full()
    changed["names"]["en"] = "Rajang Library"
    del changed["services"]
    assert profiles.update_profile(catalog, "rajang", changed, "cli") is True
    latest = audit_events(catalog, partner_id="rajang")[0]
    assert latest.before == {
        "names.en": "Rajang Heritage Library",
        "services.ms": "Salinan digital atas permintaan.",
    }
    assert latest.after == {"names.en": "Rajang Library", "services.ms": None}


def test_saving_the_same_profile_changes_nothing_and_audits_nothing(catalog):
    profiles.update_profile(catalog, "rajang", full(), "cli")
    assert profiles.update_profile(catalog, "rajang", full(), "cli") is False
    assert len(audit_events(catalog, partner_id="rajang")) == 1


@pytest.mark.parametrize(
    ("raw", "path", "code"),
    [
        ({"names": {"en": "x" * 301}}, "names.en", "too-long"),
        ({"description": {"ms": "y" * 5001}}, "description.ms", "too-long"),
        ({"names": {"id": "two\nlines"}}, "names.id", "control-characters"),
        ({"services": {"en": "bell \x07"}}, "services.en", "control-characters"),
        ({"contacts": [{"name": "A", "email": "not an email"}]}, "contacts.0.email", "not-email"),
        ({"contacts": [{"name": "A", "phone": "call me"}]}, "contacts.0.phone", "not-phone"),
        ({"contacts": [{"email": "a@b.example"}]}, "contacts.0.name", "contact-needs-name"),
        ({"contacts": [{"name": f"n{i}"} for i in range(6)]}, "contacts", "too-many-contacts"),
    ],
)
def test_bad_input_is_refused_per_field_and_nothing_is_stored(catalog, raw, path, code):
    with pytest.raises(profiles.ProfileInvalid) as caught:
        profiles.update_profile(catalog, "rajang", raw, "cli")
    assert caught.value.errors == {path: code}
    assert caught.value.status == 400
    _partner, profile = profiles.get_profile(catalog, "rajang")
    assert profile == profiles.Profile()
    assert audit_events(catalog, partner_id="rajang") == []


def test_an_unknown_partner_is_not_found(catalog):
    with pytest.raises(NotFound):
        profiles.update_profile(catalog, "nobody", full(), "cli")


def test_texts_fall_back_to_english_then_to_any_language():
    profile = profiles.validate(full())
    assert profile.text("names", "id") == ("Pustaka Warisan Rajang", "id")
    assert profile.text("names", "ms") == ("Rajang Heritage Library", "en")
    assert profile.text("services", "en") == ("Salinan digital atas permintaan.", "ms")
    assert profiles.Profile().text("description", "en") is None
    partner = Partner(id="x", name="Catalogue name", profile={})
    assert profiles.display_name(partner, "ms") == ("Catalogue name", None)


def test_a_stored_profile_of_odd_shape_still_reads():
    odd = {"names": {"en": 3, "fr": "Nom", "ms": "Nama"}, "contacts": ["x", {"name": "A"}]}
    profile = profiles.Profile.from_json(odd)
    assert profile.names == {"ms": "Nama"}
    assert profile.contacts == (profiles.Contact(name="A"),)
