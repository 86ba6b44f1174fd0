"""The interface catalogues: every string of the portal translated into Indonesian and
Malay, placeholders intact, catalogues that compile, and pages that switch language."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from lxml import html

from portal import ROOT, create_app
from portal.services import get_services

LOCALES = ("id", "ms")


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> Path:
    """A fresh extraction of every string in portal/ and templates/ (babel.cfg)."""
    out = tmp_path_factory.mktemp("pot") / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "-o",
            str(out),
            "--no-location",
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    return out


@pytest.fixture(scope="module")
def compiled(tmp_path_factory) -> Path:
    """The catalogues compiled to .mo files in a temporary translations folder."""
    folder = tmp_path_factory.mktemp("translations")
    for locale in LOCALES:
        with open(ROOT / "translations" / locale / "LC_MESSAGES" / "messages.po", "rb") as fh:
            catalog = read_po(fh, locale=locale)
        target = folder / locale / "LC_MESSAGES"
        target.mkdir(parents=True)
        with open(target / "messages.mo", "wb") as fh:
            write_mo(fh, catalog)
    return folder


@pytest.mark.parametrize("locale", LOCALES)
def test_every_string_is_translated(extracted, locale):
    with open(extracted, "rb") as fh:
        template = read_po(fh)
    with open(ROOT / "translations" / locale / "LC_MESSAGES" / "messages.po", "rb") as fh:
        catalog = read_po(fh, locale=locale)
    untranslated = []
    for message in template:
        if not message.id:
            continue
        found = catalog.get(message.id)
        strings = found.string if found else None
        if isinstance(strings, tuple):
            strings = all(strings)
        if not found or not strings or found.fuzzy:
            untranslated.append(message.id)
    assert untranslated == [], f"run pybabel extract/update and translate these ({locale})"


@pytest.mark.parametrize("locale", LOCALES)
def test_placeholders_survive_translation(locale):
    with open(ROOT / "translations" / locale / "LC_MESSAGES" / "messages.po", "rb") as fh:
        catalog = read_po(fh, locale=locale)
    problems = [(m.id, errors) for m, errors in catalog.check() if errors]
    assert problems == []


@pytest.fixture
def translated_app(instance_dir, compiled):
    app = create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(instance_dir),
            "SECRET_KEY": "test",
            "BABEL_TRANSLATION_DIRECTORIES": str(compiled),
        }
    )
    with app.app_context():
        get_services().catalog.upgrade()
    yield app
    app.extensions["warisan"].close()


@pytest.mark.parametrize(
    ("locale", "search", "browse"),
    [("en", "Search", "Browse"), ("id", "Cari", "Jelajahi"), ("ms", "Cari", "Semak imbas")],
)
def test_pages_speak_the_chosen_language(translated_app, locale, search, browse):
    client = translated_app.test_client()
    doc = html.fromstring(client.get("/browse/", headers={"Accept-Language": locale}).data)
    assert doc.get("lang") == locale
    assert doc.xpath("//form[@role='search']//button")[0].text == search
    assert doc.xpath("//nav[contains(@class, 'site-nav')]/a")[0].text == browse


def test_facet_values_and_labels_are_translated(translated_app):
    from tests.portal.public.conftest import build_library

    lib = build_library(translated_app)
    client = translated_app.test_client()
    client.get("/language/id")
    text = html.fromstring(client.get(f"/records/{lib.manuscript}").data).text_content()
    assert "Naskah" in text and "Asal-usul" in text and "Bahasa Melayu" in text
    client.get("/language/ms")
    text = html.fromstring(client.get("/browse/").data).text_content()
    assert "Manuskrip" in text and "Tahun 1920-an" in text and "Dekad" in text


@pytest.mark.parametrize(
    ("locale", "malay", "unknown"),
    [
        ("en", "Language of the text: Malay", "Language of the text: unknown"),
        ("id", "Bahasa teks: Bahasa Melayu", "Bahasa teks: tidak diketahui"),
        ("ms", "Bahasa teks: Bahasa Melayu", "Bahasa teks: tidak diketahui"),
    ],
)
def test_the_page_language_label_says_unknown_when_it_is(translated_app, locale, malay, unknown):
    from tests.portal.public.conftest import build_library

    lib = build_library(translated_app)
    client = translated_app.test_client()
    client.get(f"/language/{locale}")
    label = "//p[contains(@class, 'page-language')]"
    first = html.fromstring(client.get(f"/records/{lib.manuscript}").data)
    assert first.xpath(label)[0].text_content() == malay
    second = html.fromstring(client.get(f"/records/{lib.manuscript}?page=2").data)
    assert second.xpath(label)[0].text_content() == unknown
    api = client.get(f"/api/records/{lib.manuscript}/pages/2").get_json()
    assert api["language"] is None
