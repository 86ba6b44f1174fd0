"""Partner profiles: the public face a partner edits in the workspace.

:class:`Profile` is the one shape of ``Partner.profile`` (a JSON column): names,
description, services and access conditions per interface language (``en``, ``id``,
``ms``) and a short list of :class:`Contact`. :func:`validate` turns raw input into a
clean profile or raises :class:`ProfileInvalid` with one error code per field, so the
web form can show each next to its field; :func:`update_profile` stores it and writes
one audit event holding the changed fields only, before and after.

The catalogue's name of record (``Partner.name``) is not part of the profile and never
changes here: a profile with no names still shows that name (:meth:`Profile.text`
falls back to the asked language, then English, then any).

The logo is checked and re-encoded by :mod:`ingest.logos` (images are ingest's
business); :func:`store_logo` and :func:`remove_logo` only record the outcome, and
:func:`public_logo` says whether a stored file is some partner's logo (served to all).
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from catalog.audit import Actor, record_audit
from catalog.errors import InvalidInput
from catalog.models import File, Partner, utcnow
from catalog.partners import get_partner

if TYPE_CHECKING:
    from catalog.files import StoredFile
    from catalog.store import Catalog

LANGUAGES = ("en", "id", "ms")
"""The languages a profile is written in (the portal's interface languages)."""

TEXT_FIELDS: dict[str, int] = {
    "names": 300,
    "description": 5000,
    "services": 3000,
    "access_conditions": 3000,
}
"""The per-language fields of a profile and the longest text each may hold."""

PROFILE_KEYS = frozenset({*TEXT_FIELDS, "contacts"})
"""The keys of ``Partner.profile`` a :class:`Profile` owns; others (a partner's
settings, e.g. :mod:`ingest.suggestions`') are left as they are."""

CONTACT_FIELDS: dict[str, int] = {
    "name": 200,
    "role": 200,
    "email": 320,
    "phone": 40,
    "address": 500,
}
"""The fields of one contact and the longest text each may hold."""

MAX_CONTACTS = 5
SINGLE_LINE = frozenset({"names"})
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
PHONE = re.compile(r"^\+?[0-9][0-9 ()./-]*$")
LOGO_MEDIA_TYPE = "image/png"


@dataclasses.dataclass(frozen=True)
class Contact:
    """Someone to ask at the partner: a name, and optionally role, email, phone, address."""

    name: str = ""
    role: str = ""
    email: str = ""
    phone: str = ""
    address: str = ""

    def to_json(self) -> dict[str, str]:
        return {key: value for key, value in dataclasses.asdict(self).items() if value}


@dataclasses.dataclass(frozen=True)
class Profile:
    """The public profile of a partner.

    Each text field maps a language code to its text (absent language: not written);
    ``contacts`` keeps the order the partner gave.
    """

    names: Mapping[str, str] = dataclasses.field(default_factory=dict)
    description: Mapping[str, str] = dataclasses.field(default_factory=dict)
    services: Mapping[str, str] = dataclasses.field(default_factory=dict)
    access_conditions: Mapping[str, str] = dataclasses.field(default_factory=dict)
    contacts: tuple[Contact, ...] = ()

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> Profile:
        """The profile stored in ``Partner.profile`` (unknown keys and languages, and
        values that are not text, are left out: a stored profile always reads)."""
        data = data or {}
        texts = {}
        for field in TEXT_FIELDS:
            values = data.get(field)
            values = values if isinstance(values, Mapping) else {}
            texts[field] = {
                lang: values[lang]
                for lang in LANGUAGES
                if isinstance(values.get(lang), str) and values[lang]
            }
        contacts = []
        for item in data.get("contacts") or ():
            if isinstance(item, Mapping):
                contacts.append(Contact(**{k: str(item[k]) for k in CONTACT_FIELDS if item.get(k)}))
        return cls(**texts, contacts=tuple(contacts))

    def to_json(self) -> dict[str, Any]:
        """The JSON stored in ``Partner.profile`` (empty fields left out)."""
        out: dict[str, Any] = {
            field: dict(getattr(self, field)) for field in TEXT_FIELDS if getattr(self, field)
        }
        if self.contacts:
            out["contacts"] = [contact.to_json() for contact in self.contacts]
        return out

    def text(self, field: str, lang: str) -> tuple[str, str] | None:
        """``(text, its language)`` of ``field`` in ``lang``, else in English, else in
        any language written; None when the field is empty in every language."""
        values = getattr(self, field)
        for candidate in (lang, "en", *LANGUAGES):
            if values.get(candidate):
                return values[candidate], candidate
        return None

    def flat(self) -> dict[str, str]:
        """Every non-empty field as ``{"names.en": text, "contacts.1.email": text, …}``
        (contacts numbered from 1): the shape audit events and their diffs use."""
        out = {}
        for field in TEXT_FIELDS:
            for lang, value in getattr(self, field).items():
                out[f"{field}.{lang}"] = value
        for number, contact in enumerate(self.contacts, start=1):
            for key, value in contact.to_json().items():
                out[f"contacts.{number}.{key}"] = value
        return out


class ProfileInvalid(InvalidInput):
    """A profile that cannot be stored. ``errors`` maps a field path (``names.en``,
    ``contacts.0.email``, ``contacts``; contacts numbered from 0 as in a form) to an
    error code: ``too-long`` (``limits`` holds the limit), ``control-characters``,
    ``not-email``, ``not-phone``, ``contact-needs-name``, ``too-many-contacts``."""

    def __init__(self, errors: dict[str, str], limits: dict[str, int]) -> None:
        listed = ", ".join(f"{path}: {code}" for path, code in sorted(errors.items()))
        super().__init__(f"the profile is not valid ({listed})", fields=listed)
        self.errors = errors
        self.limits = limits


def validate(raw: Mapping[str, Any]) -> Profile:
    """A clean :class:`Profile` from raw input shaped like :meth:`Profile.to_json`
    (texts per language, a list of contact dicts), or :class:`ProfileInvalid`.

    Texts are trimmed and NFC-normalised, line ends made ``\\n``; empty texts and wholly
    empty contacts are dropped. Names are one line; no text may hold other control
    characters. A contact needs a name; its email must look like one, its phone like a
    phone number.
    """
    errors: dict[str, str] = {}
    limits: dict[str, int] = {}

    def clean(path: str, value: Any, limit: int, single_line: bool) -> str:
        text = unicodedata.normalize("NFC", str(value or "")).replace("\r\n", "\n").strip()
        allowed = "" if single_line else "\n\t"
        if any(unicodedata.category(ch) == "Cc" and ch not in allowed for ch in text):
            errors[path] = "control-characters"
        elif len(text) > limit:
            errors[path], limits[path] = "too-long", limit
        return text

    texts = {}
    for field, limit in TEXT_FIELDS.items():
        values = raw.get(field) or {}
        texts[field] = {
            lang: text
            for lang in LANGUAGES
            if (text := clean(f"{field}.{lang}", values.get(lang), limit, field in SINGLE_LINE))
        }
    contacts = []
    for index, item in enumerate(raw.get("contacts") or ()):
        fields = {
            key: clean(f"contacts.{index}.{key}", item.get(key), limit, key != "address")
            for key, limit in CONTACT_FIELDS.items()
        }
        if not any(fields.values()):
            continue
        if not fields["name"]:
            errors.setdefault(f"contacts.{index}.name", "contact-needs-name")
        if fields["email"] and not EMAIL.match(fields["email"]):
            errors.setdefault(f"contacts.{index}.email", "not-email")
        if fields["phone"] and not PHONE.match(fields["phone"]):
            errors.setdefault(f"contacts.{index}.phone", "not-phone")
        contacts.append(Contact(**fields))
    if len(contacts) > MAX_CONTACTS:
        errors["contacts"], limits["contacts"] = "too-many-contacts", MAX_CONTACTS
    if errors:
        raise ProfileInvalid(errors, limits)
    return Profile(**texts, contacts=tuple(contacts))


def get_profile(catalog: Catalog, partner_id: str) -> tuple[Partner, Profile]:
    """The partner (detached) and its profile; :class:`NotFound` for an unknown id."""
    with catalog.session() as s:
        partner = get_partner(s, partner_id)
        return partner, Profile.from_json(partner.profile)


def update_profile(
    catalog: Catalog, partner_id: str, profile: Profile | Mapping[str, Any], actor: Actor
) -> bool:
    """Validate and store a partner's profile; returns whether anything changed.

    A change sets ``profile_updated_at`` and writes one audit event
    (``partner.profile``) in the same transaction, with the changed fields only
    (:meth:`Profile.flat` keys; a field that was or became empty is None on that side).
    Raises :class:`ProfileInvalid` or :class:`NotFound`; nothing is stored then.
    """
    raw = profile.to_json() if isinstance(profile, Profile) else profile
    clean = validate(raw)
    with catalog.session() as s:
        partner = get_partner(s, partner_id)
        old = Profile.from_json(partner.profile).flat()
        new = clean.flat()
        changed = sorted(key for key in old.keys() | new.keys() if old.get(key) != new.get(key))
        if not changed:
            return False
        kept = {k: v for k, v in (partner.profile or {}).items() if k not in PROFILE_KEYS}
        partner.profile = {**kept, **clean.to_json()}  # keys of other owners stay
        partner.profile_updated_at = utcnow()
        record_audit(
            s,
            actor,
            "partner.profile",
            ("partner", partner_id),
            {key: old.get(key) for key in changed},
            {key: new.get(key) for key in changed},
            partner_id=partner_id,
        )
        return True


def store_logo(catalog: Catalog, partner_id: str, stored: StoredFile, actor: Actor) -> None:
    """Make ``stored`` (a PNG already checked and re-encoded by :mod:`ingest.logos`, in
    the file store) the partner's logo, with its ``file`` row; audited as
    ``partner.logo``. Storing the logo it already has changes nothing."""
    with catalog.session() as s:
        partner = get_partner(s, partner_id)
        if partner.logo_sha256 == stored.sha256:
            return
        if s.get(File, stored.sha256) is None:
            s.add(
                File(
                    sha256=stored.sha256,
                    media_type=LOGO_MEDIA_TYPE,
                    size=stored.size,
                    path=stored.relpath,
                )
            )
        _set_logo(s, partner, stored.sha256, actor)


def remove_logo(catalog: Catalog, partner_id: str, actor: Actor) -> bool:
    """Take the partner's logo away (the file stays in the store: content-addressed,
    it may be used elsewhere); returns whether there was one. Audited as ``partner.logo``."""
    with catalog.session() as s:
        partner = get_partner(s, partner_id)
        if partner.logo_sha256 is None:
            return False
        _set_logo(s, partner, None, actor)
        return True


def _set_logo(s, partner: Partner, sha256: str | None, actor: Actor) -> None:
    before = {"logo": partner.logo_sha256}
    partner.logo_sha256 = sha256
    partner.profile_updated_at = utcnow()
    record_audit(
        s,
        actor,
        "partner.logo",
        ("partner", partner.id),
        before,
        {"logo": sha256},
        partner_id=partner.id,
    )


def public_logo(catalog: Catalog, sha256: str) -> File | None:
    """The ``file`` row of ``sha256`` when it is some partner's logo (public to all:
    a logo is the partner's public face), else None."""
    with catalog.session() as s:
        used = s.scalar(select(Partner.id).where(Partner.logo_sha256 == sha256).limit(1))
        return s.get(File, sha256) if used is not None else None


def display_name(partner: Partner, lang: str) -> tuple[str, str | None]:
    """The name to show for ``partner`` in ``lang``: the profile's (falling back as
    :meth:`Profile.text` does) with its language, else the catalogue's name and None."""
    found = Profile.from_json(partner.profile).text("names", lang)
    return found if found is not None else (partner.name, None)
