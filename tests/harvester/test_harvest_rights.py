"""Harvested rights (texts, MODS xlink:href, MARC 540 $u) map to a statement URI; a
partner's workspace choice survives every later harvest and remap."""

from __future__ import annotations

from lxml import etree
from sqlalchemy import select, update

from catalog.models import Record, RightsSource
from harvester.harvest import harvest_partner
from harvester.mapping import map_record
from harvester.protocol import record_from_element
from harvester.remap import remap_partner
from tests.harvester.conftest import add_partner
from tests.harvester.feedgen import SyntheticFeed

BY = "https://creativecommons.org/licenses/by/4.0/"
BY_SA = "https://creativecommons.org/licenses/by-sa/4.0/"
CC0 = "https://creativecommons.org/publicdomain/zero/1.0/"
INC = "http://rightsstatements.org/vocab/InC/1.0/"
PDM = "https://creativecommons.org/publicdomain/mark/1.0/"


class RightsFeed(SyntheticFeed):
    """The synthetic feed with ``dc:rights`` values per record (a list each)."""

    def __init__(self, n: int, rights: dict[int, list[str]]) -> None:
        super().__init__(n, page_size=10)
        self.rights = rights

    def record(self, i: int, header_only: bool = False) -> str:
        text = super().record(i, header_only)
        values = "".join(f"<dc:rights>{v}</dc:rights>" for v in self.rights.get(i, []))
        return text.replace("</oai_dc:dc>", values + "</oai_dc:dc>")


def _rights(catalog) -> dict[str, tuple[str | None, str | None, str | None]]:
    with catalog.session() as s:
        rows = s.execute(
            select(Record.oai_identifier, Record.rights, Record.rights_uri, Record.rights_source)
        ).all()
    return {ident: (text, uri, source) for ident, text, uri, source in rows}


def test_harvest_maps_rights_and_a_workspace_choice_wins(sqlite_catalog, settings, serve):
    feed = RightsFeed(
        5,
        {
            0: ["CC BY 4.0"],
            1: ["Hak cipta dilindungi; salinan untuk penelitian."],
            2: ["Hak cipta pada keluarga fotografer"],
            4: [
                "info:eu-repo/semantics/openAccess",
                "https://creativecommons.org/licenses/by/4.0/legalcode",
                "Creative Commons Attribution 4.0 International",
            ],
        },
    )
    server = serve(feed.respond)
    pid = add_partner(sqlite_catalog, server.url)
    assert harvest_partner(sqlite_catalog, pid, settings).status == "completed"
    harvest = RightsSource.HARVEST
    first = _rights(sqlite_catalog)
    assert first["oai:synth:0"] == ("CC BY 4.0", BY, harvest)
    assert first["oai:synth:1"][1:] == (INC, harvest)
    assert first["oai:synth:2"] == ("Hak cipta pada keluarga fotografer", None, None)
    assert first["oai:synth:3"] == (None, None, None)
    assert first["oai:synth:4"] == ("info:eu-repo/semantics/openAccess", BY, harvest)

    # the partner chooses statements in the workspace for records 1 and 2
    with sqlite_catalog.session() as s:
        s.execute(
            update(Record)
            .where(Record.oai_identifier.in_(["oai:synth:1", "oai:synth:2"]))
            .values(rights_uri=CC0, rights_source=RightsSource.WORKSPACE)
        )
    # the feed changes every record's rights text; the next harvest brings them
    feed.rights = {0: ["CC BY-SA 4.0"], 1: ["Public domain"], 2: ["In Copyright"]}
    feed.change(range(5))
    report = harvest_partner(sqlite_catalog, pid, settings)
    assert report.status == "completed" and report.counts["updated"] == 5
    second = _rights(sqlite_catalog)
    assert second["oai:synth:0"] == ("CC BY-SA 4.0", BY_SA, harvest)
    assert second["oai:synth:1"] == ("Public domain", CC0, RightsSource.WORKSPACE)
    assert second["oai:synth:2"] == ("In Copyright", CC0, RightsSource.WORKSPACE)
    assert second["oai:synth:4"] == (None, None, None)  # its rights are gone from the feed

    # a remap after a mapping change applies the mapping, the workspace choice still wins
    with sqlite_catalog.session() as s:
        s.execute(update(Record).values(content_hash="0" * 64))
        s.execute(
            update(Record)
            .where(Record.oai_identifier == "oai:synth:0")
            .values(rights_uri=None, rights_source=None)
        )
    remap = remap_partner(sqlite_catalog, pid)
    assert remap.counts["updated"] == 5
    third = _rights(sqlite_catalog)
    assert third["oai:synth:0"] == ("CC BY-SA 4.0", BY_SA, harvest)
    assert third["oai:synth:1"][1:] == third["oai:synth:2"][1:] == (CC0, RightsSource.WORKSPACE)


def _wrapped(payload: str) -> str:
    return (
        '<record xmlns="http://www.openarchives.org/OAI/2.0/"><header><identifier>oai:x:1'
        "</identifier><datestamp>2024-05-01</datestamp></header><metadata>"
        f"{payload}</metadata></record>"
    )


def _map(payload: str, prefix: str):
    return map_record(record_from_element(etree.fromstring(_wrapped(payload))), prefix)


def test_mods_access_condition_links_and_marc_540_u_map():
    mods = _map(
        '<mods xmlns="http://www.loc.gov/mods/v3" xmlns:xlink="http://www.w3.org/1999/xlink">'
        "<titleInfo><title>Warta</title></titleInfo>"
        '<accessCondition type="use and reproduction" '
        'xlink:href="https://rightsstatements.org/page/InC/1.0/?language=en">'
        "Hak cipta pada penerbit</accessCondition></mods>",
        "mods",
    )
    assert mods.rights == "Hak cipta pada penerbit" and mods.rights_uri == INC
    marc = _map(
        '<record xmlns="http://www.loc.gov/MARC21/slim"><leader>00000cam a2200000 a 4500'
        '</leader><datafield tag="245" ind1="0" ind2="0"><subfield code="a">Syair</subfield>'
        '</datafield><datafield tag="540" ind1=" " ind2=" "><subfield code="a">Boleh '
        'digunakan dengan menyebut sumber</subfield><subfield code="u">'
        "http://creativecommons.org/licenses/by/4.0/deed.id</subfield></datafield></record>",
        "marcxml",
    )
    assert marc.rights == "Boleh digunakan dengan menyebut sumber" and marc.rights_uri == BY
