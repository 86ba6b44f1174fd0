"""A remap goes through the catalogue's upsert: what it changes is due for indexing, in
the same transaction, and what it leaves as it was is not."""

from __future__ import annotations

from lxml import etree
from sqlalchemy import select, update

from catalog.models import Record
from harvester.mapping import map_record
from harvester.protocol import record_from_element
from harvester.remap import remap_partner

RECORD = (
    '<record xmlns="http://www.openarchives.org/OAI/2.0/"><header>'
    "<identifier>oai:kuching:{n}</identifier><datestamp>2024-03-01</datestamp></header>"
    '<metadata><oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>Hikayat {n}</dc:title>'
    "<dc:identifier>https://pustaka.example/item/{n}</dc:identifier></oai_dc:dc></metadata>"
    "</record>"
)


def test_remap_marks_what_it_changed_due(catalog):
    catalog.add_partner("pustaka-kuching", name="Pustaka Kuching", country="MY")
    items = [
        map_record(record_from_element(etree.fromstring(RECORD.format(n=n))), "oai_dc")
        for n in (1, 2)
    ]
    catalog.upsert_records("pustaka-kuching", items)
    with catalog.session() as s:  # as if an older mapping had stored oai:kuching:1
        s.execute(update(Record).values(index_due=None))
        s.execute(
            update(Record)
            .where(Record.oai_identifier == "oai:kuching:1")
            .values(content_hash="0" * 64)
        )
    report = remap_partner(catalog, "pustaka-kuching")
    assert report.counts["updated"] == 1 and report.counts["unchanged"] == 1
    with catalog.session() as s:
        due = dict(s.execute(select(Record.oai_identifier, Record.index_due)).all())
    assert due["oai:kuching:1"] is not None
    assert due["oai:kuching:2"] is None
