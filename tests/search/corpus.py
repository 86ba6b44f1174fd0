"""A small hand-written corpus for the search tests: three partners, old and modern
spellings, English/Indonesian/Malay metadata, OCR pages with word boxes."""

from __future__ import annotations

import hashlib

from catalog.models import DigitalObject, File, Page
from catalog.records import RecordData
from catalog.store import Catalog

PARTNERS = {
    "pustaka-sarawak": ("Pustaka Negeri Sarawak", "MY"),
    "arsip-kalbar": ("Arsip Kalimantan Barat", "ID"),
    "dbp-brunei": ("Dewan Bahasa dan Pustaka Brunei", "BN"),
}

RECORDS = [
    (
        "pustaka-sarawak",
        RecordData(
            "oai:ps:1",
            title="Rumah panjang Iban di Kapit",
            type="book",
            year_from=1958,
            subjects=("Longhouses", "Iban"),
            languages=("msa",),
            creators=("Benedict Sandin",),
            description="Kisah kehidupan sehari-hari di rumah panjang Iban.",
        ),
    ),
    (
        "pustaka-sarawak",
        RecordData(
            "oai:ps:2",
            title="Pua kumbu: the woven blankets of the Iban",
            type="image",
            year_from=1975,
            subjects=("Weaving", "Textiles"),
            languages=("eng",),
            description="Photographs of weavers and their ikat textiles.",
        ),
    ),
    (
        "pustaka-sarawak",
        RecordData(
            "oai:ps:3",
            title="Burung kenyalang dalam budaya Iban",
            type="book",
            year_from=1988,
            subjects=("Hornbills", "Iban"),
            languages=("msa",),
            description="Kenyalang sebagai lambang adat dan perayaan gawai.",
        ),
    ),
    (
        "arsip-kalbar",
        RecordData(
            "oai:ak:1",
            title="Tjerita dari Djakarta dan Soerabaja",
            type="newspaper",
            year_from=1925,
            languages=("ind",),
            subjects=("Surat kabar",),
            description="Chabar kota dan tjerita rakjat.",
        ),
    ),
    (
        "arsip-kalbar",
        RecordData(
            "oai:ak:2",
            title="Hikajat Radja-Radja Sambas",
            type="manuscript",
            year_from=1890,
            languages=("ind",),
            subjects=("Naskah Melayu", "Sambas"),
            creators=("Anonim",),
            description="Naskah tentang radja-radja negeri Sambas di tepi soengai.",
        ),
    ),
    (
        "arsip-kalbar",
        RecordData(
            "oai:ak:3",
            title="Kota Pontianak tahun 1950",
            type="image",
            year_from=1950,
            languages=("ind",),
            subjects=("Pontianak",),
            description="Foto kota dan pelabuhan.",
        ),
    ),
    (
        "dbp-brunei",
        RecordData(
            "oai:db:1",
            title="Cerita rakyat Brunei",
            type="book",
            year_from=1970,
            languages=("msa",),
            subjects=("Cerita rakyat",),
            creators=("Dewan Bahasa",),
            description="Himpunan cerita dongeng dari kampung air.",
        ),
    ),
    (
        "dbp-brunei",
        RecordData(
            "oai:db:2",
            title="Folk tales of Borneo",
            type="book",
            year_from=1968,
            languages=("eng",),
            subjects=("Folklore",),
            creators=("Anne Smith",),
            description="Legends collected in Brunei and Sarawak.",
        ),
    ),
    (
        "dbp-brunei",
        RecordData(
            "oai:db:3",
            title="Surat khabar lama",
            type="newspaper",
            year_from=1955,
            languages=("msa",),
            subjects=("Akhbar",),
            description="Akhbar Melayu tahun 1950-an.",
        ),
    ),
]

PAGES = {
    "oai:ak:2": [
        "Alkisah maka terseboetlah perkataan seorang radja jang bernama Raden Soelaiman.",
        "Adapoen negeri Sambas itoe terletak di tepi soengai, rakjatnja bekerdja berladang.",
    ],
    "oai:ps:1": ["Rumah panjang itu didiami oleh tiga puluh keluarga Iban di tepi sungai."],
}


def words_of(text: str) -> list[list]:
    """Word boxes laid out on one line per sentence, 10 px a character."""
    out, x = [], 10
    for word in text.split():
        out.append([word, x, 20, 10 * len(word), 18, 95.0, 0])
        x += 10 * len(word) + 10
    return out


def seed(catalog: Catalog) -> dict[str, int]:
    """Store the corpus; returns record ids by OAI identifier."""
    for pid, (name, country) in PARTNERS.items():
        catalog.add_partner(pid, name=name, country=country)
    ids: dict[str, int] = {}
    for pid in PARTNERS:
        items = [r for p, r in RECORDS if p == pid]
        for outcome in catalog.upsert_records(pid, items):
            ids[outcome.oai_identifier] = outcome.record_id
    for ident, texts in PAGES.items():
        add_pages(catalog, ids[ident], texts)
    return ids


def add_pages(catalog: Catalog, record_id: int, texts: list[str], lang: str | None = None) -> None:
    """Give a record one digital object with a page per text (words laid out)."""
    with catalog.session() as s:
        obj = DigitalObject(record_id=record_id, status="done")
        s.add(obj)
        s.flush()
        for order, text in enumerate(texts, 1):
            sha = hashlib.sha256(f"{record_id}:{order}:{text}".encode()).hexdigest()
            if s.get(File, sha) is None:
                s.add(File(sha256=sha, media_type="image/png", size=1, path=f"{sha[:2]}/{sha}"))
                s.flush()
            s.add(
                Page(
                    object_id=obj.id,
                    order=order,
                    image_sha256=sha,
                    text=text,
                    words=words_of(text),
                    language=lang,
                    ocr_status="done",
                )
            )
