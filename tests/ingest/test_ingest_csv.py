"""The CSV batch intake reads its rows through the normaliser of every intake: an uploaded
record reads like a harvested one with the same raw values; its columns and errors stay."""

from __future__ import annotations

import re

import pytest
from lxml import etree
from sqlalchemy import select

from catalog.errors import InvalidInput
from catalog.models import Record
from catalog.records import DESCRIPTIVE_FIELDS
from harvester.mapping import map_record
from harvester.protocol import record_from_element
from ingest import batch
from ingest.settings import IngestSettings

from .conftest import render, save

HEADER = "files,title,creator,date,language,type,rights,description\n"


def _csv(tmp_path, *rows: str, header: str = HEADER):
    path = tmp_path / "metadata.csv"
    path.write_text(header + "".join(f"{row}\n" for row in rows), encoding="utf-8")
    return path


def _oai_dc(**values: list[str]):
    elements = "".join(
        f"<dc:{name}>{value}</dc:{name}>" for name, items in values.items() for value in items
    )
    return record_from_element(
        etree.fromstring(
            '<record xmlns="http://www.openarchives.org/OAI/2.0/"><header><identifier>'
            "oai:arkib:1</identifier><datestamp>2024-05-01</datestamp></header><metadata>"
            '<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" '
            f'xmlns:dc="http://purl.org/dc/elements/1.1/">{elements}</oai_dc:dc></metadata>'
            "</record>"
        )
    )


@pytest.mark.parametrize("language", ["indonesian", "Bahasa Indonesia"])
def test_a_csv_row_and_an_oai_dc_record_with_the_same_values_read_the_same(tmp_path, language):
    path = _csv(
        tmp_path,
        f"a.png,Hikayat Banjar,Anonim; Tuan Guru,abad ke-19,{language},manuscript,"
        "CC BY 4.0,Naskah Jawi",
    )
    [item] = batch.read_csv(tmp_path, path)
    harvested = map_record(
        _oai_dc(
            title=["Hikayat Banjar"],
            creator=["Anonim", "Tuan Guru"],
            date=["abad ke-19"],
            language=[language],
            type=["manuscript"],
            rights=["CC BY 4.0"],
            description=["Naskah Jawi"],
        ),
        "oai_dc",
    )
    uploaded = item.record
    for name in DESCRIPTIVE_FIELDS:
        assert getattr(uploaded, name) == getattr(harvested, name), name
    # what the CSV intake stored before it shared the normaliser: "indonesian", no years
    assert uploaded.languages == ("ind",)
    assert (uploaded.year_from, uploaded.year_to) == (1800, 1899)
    assert uploaded.source_format == "upload-csv" and uploaded.oai_identifier == ""
    assert uploaded.quality_flags == ()  # an upload has no link back nor OAI datestamp


def test_a_language_the_normaliser_cannot_read_is_an_error_naming_row_and_column(tmp_path):
    path = _csv(tmp_path, "a.png|b.png,Peta Kuching,,1890-an,msa; Bahasa Kalbar,map,,")
    with pytest.raises(InvalidInput, match="line 2: “Bahasa Kalbar” is not a language we know"):
        batch.read_csv(tmp_path, path)
    [item] = batch.read_csv(tmp_path, _csv(tmp_path, "a.png|b.png,Peta Kuching,,1890-an,msa,map,,"))
    assert item.files == (tmp_path / "a.png", tmp_path / "b.png")
    assert item.record.languages == ("msa",) and item.record.type == "map"
    assert (item.record.year_from, item.record.year_to) == (1890, 1899)
    assert item.record.quality_flags == ()


def test_an_empty_type_is_other(tmp_path):
    [item] = batch.read_csv(tmp_path, _csv(tmp_path, "a.png,Surat,,,,,,"))
    assert item.record.type == "other" and item.record.languages == ()
    assert item.record.date_original is None and item.record.rights is None


@pytest.mark.parametrize(
    "rows, header, message",
    [
        # ("judul" is Indonesian for title, "naskah kuno" a manuscript: both read now)
        (["a.png,Surat"], "files,nama\n", "line 1: the sheet has no title column"),
        (["a.png,,,,,,,"], HEADER, "line 2: the title is empty (column title)"),
        (["a.png,Surat,,,,Bukan jenis,,"], HEADER, "line 2: type “Bukan jenis” is not one of"),
        ([",Surat,,,,,,"], HEADER, "line 2: no file names (column files)"),
    ],
)
def test_the_csv_errors_name_the_row(tmp_path, rows, header, message):
    with pytest.raises(InvalidInput, match=re.escape(message)):
        batch.read_csv(tmp_path, _csv(tmp_path, *rows, header=header))


def test_a_csv_that_is_not_utf8_is_refused(tmp_path):
    path = tmp_path / "metadata.csv"
    path.write_bytes(HEADER.encode() + "a.png,Surat Rasmi \xe9\n".encode("latin-1"))
    with pytest.raises(InvalidInput, match="cannot be read as a UTF-8 CSV"):
        batch.read_csv(tmp_path, path)


def test_taken_in_records_are_stored_as_normalised(tmp_path, sqlite_catalog, file_store, partner):
    image = render(["Selamat datang"], size=(400, 200), origin=(20, 40)).image
    save(image, tmp_path / "a.png")
    save(image.rotate(180), tmp_path / "scan 01.png")
    items = [
        *batch.read_csv(tmp_path, _csv(tmp_path, "a.png,Warta,,abad XIX,Bahasa Indonesia,,,")),
        batch.Item((tmp_path / "scan 01.png",), None),
    ]
    reports = batch.take_in(sqlite_catalog, file_store, partner, items, IngestSettings())
    assert [r.status for r in reports] == ["ok", "ok"]
    with sqlite_catalog.session() as s:
        csv_row, by_file = s.scalars(select(Record).order_by(Record.id))
        assert csv_row.languages == ["ind"] and (csv_row.year_from, csv_row.year_to) == (
            1800,
            1899,
        )
        # a file without a sheet is titled after itself, through the same normaliser
        assert by_file.title == "scan 01" and by_file.type == "other"
        assert by_file.titles == [{"value": "scan 01", "lang": None}]
