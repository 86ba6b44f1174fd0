"""Index documents built from the catalogue: one per record and one per page.

Documents are plain frozen dataclasses holding original text; each backend analyses
them its own way (tantivy through :mod:`search.analysis`, Elasticsearch through its
analyzers). Deleted, hidden and draft records produce no document: their ids are
reported for removal instead; a record's draft objects give no text. The text of pages
whose content is not open (:mod:`catalog.access`: metadata only, on site only, under
embargo) is left out — no page document, no words in the record's text, no snippets —
so releasing an embargo (which marks the record due)
brings it back at the next indexing.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import func, select

from catalog import access, queries
from catalog.models import Record
from catalog.pagetext import numbered
from catalog.queries import is_published, is_visible, visible
from catalog.store import Catalog

MAX_TEXT = 2_000_000
TEXT_LANGS = ("ind", "msa", "eng")


@dataclasses.dataclass(frozen=True)
class PageDoc:
    """One OCR'd page: its record, its number (:func:`catalog.pagetext.numbered`) and the
    text shown (the corrected text of a corrected page); ``original`` is a corrected
    page's OCR text (else empty), searched too but never shown in snippets."""

    page_id: int
    record_id: int
    order: int
    text: str
    lang: str | None = None
    original: str = ""

    @property
    def searched(self) -> str:
        """What the backends index for the page: its text, then the original OCR of a
        corrected page, so a word of either finds it (the stored text stays ``text``)."""
        return f"{self.text}\n{self.original}" if self.original else self.text


@dataclasses.dataclass(frozen=True)
class RecordDoc:
    """One record: metadata, facet values and the text of its open pages; ``rights`` is
    the record's rights statement URI (:mod:`catalog.rights`) or None."""

    record_id: int
    oai_identifier: str
    partner: str
    country: str
    type: str
    title: str
    titles: tuple[str, ...] = ()
    creators: tuple[str, ...] = ()
    subjects: tuple[str, ...] = ()
    description: str = ""
    languages: tuple[str, ...] = ()
    year: int | None = None
    digitized: bool = False
    rights: str | None = None
    text: str = ""
    pages: tuple[PageDoc, ...] = ()

    @property
    def decade(self) -> str | None:
        return str(self.year // 10 * 10) if self.year is not None else None

    @property
    def lang(self) -> str | None:
        """The record's text language for analysis when it has exactly one known one."""
        known = [code for code in self.languages if code in TEXT_LANGS]
        return known[0] if len(known) == 1 else None

    def stored(self) -> dict[str, Any]:
        """The fields every backend stores to build hits without the catalogue."""
        return {
            "oai_identifier": self.oai_identifier,
            "partner": self.partner,
            "country": self.country,
            "title": self.title,
            "titles": list(self.titles),
            "creators": list(self.creators),
            "subjects": list(self.subjects),
            "description": self.description,
            "year": self.year,
            "type": self.type,
            "languages": list(self.languages),
            "rights": self.rights,
        }


def record_doc(record: Record) -> RecordDoc:
    """The document of a live record (objects and pages must be loaded); pages of
    draft objects (:func:`catalog.queries.is_published`) and of objects whose content is
    not open get no document and give no text."""
    published = [obj for obj in record.objects or () if is_published(obj)]
    opened = {obj.id for obj in access.open_objects(record)}
    pages = tuple(
        _page_doc(page, record.id, number)
        for number, page in numbered(page for obj in published for page in obj.pages)
        if page.object_id in opened
    )
    text = "\n".join(p.searched for p in pages if p.text)[:MAX_TEXT]
    titles = tuple(str(t.get("value")) for t in record.titles or () if t.get("value"))
    return RecordDoc(
        record_id=record.id,
        oai_identifier=record.oai_identifier,
        partner=record.partner_id,
        country=(record.partner.country if record.partner else "") or "",
        type=record.type or "other",
        title=record.title or (titles[0] if titles else ""),
        titles=tuple(t for t in titles if t != record.title),
        creators=tuple(str(c) for c in record.creators or ()),
        subjects=tuple(str(s) for s in record.subjects or ()),
        description=record.description or "",
        languages=tuple(str(code) for code in record.languages or ()),
        year=record.year_from,
        digitized=bool(published) or bool(record.scan_urls),
        rights=record.rights_uri or None,
        text=text,
        pages=pages,
    )


def _page_doc(page, record_id: int, number: int) -> PageDoc:
    """A page's document: its corrected text (:mod:`ingest.corrections`) with the OCR as
    ``original``, or the OCR alone."""
    if page.corrected_text is None:
        return PageDoc(page.id, record_id, number, page.text or "", page.language)
    original = (page.text or "") if page.text != page.corrected_text else ""
    return PageDoc(page.id, record_id, number, page.corrected_text, page.language, original)


def load(catalog: Catalog, record_ids: Iterable[int]) -> tuple[list[RecordDoc], list[int]]:
    """Documents of the given records, and the ids to remove (deleted, hidden, unknown)."""
    wanted = sorted({int(i) for i in record_ids})
    docs: list[RecordDoc] = []
    found: set[int] = set()
    for start in range(0, len(wanted), 200):
        chunk = wanted[start : start + 200]
        with catalog.session() as s:
            for record in s.scalars(_query().where(Record.id.in_(chunk))):
                found.add(record.id)
                if not is_visible(record):
                    continue
                docs.append(record_doc(record))
    live = {d.record_id for d in docs}
    return docs, [i for i in wanted if i not in live or i not in found]


def iter_all(catalog: Catalog, partner: str | None = None, batch: int = 200) -> Iterator[RecordDoc]:
    """Documents of every live record (of one partner), in id order, batch by batch."""
    last = 0
    while True:
        with catalog.session() as s:
            query = visible(_query().where(Record.id > last))
            if partner:
                query = query.where(Record.partner_id == partner)
            rows = list(s.scalars(query.order_by(Record.id).limit(batch)))
            docs = [record_doc(r) for r in rows]
        if not docs:
            return
        yield from docs
        last = docs[-1].record_id


def count_live(catalog: Catalog, partner: str | None = None) -> int:
    """How many records :func:`iter_all` will yield."""
    with catalog.session() as s:
        query = visible(select(func.count()).select_from(Record))
        if partner:
            query = query.where(Record.partner_id == partner)
        return int(s.scalar(query) or 0)


def _query():
    """Records with their published objects only: a draft object's text is never indexed."""
    return select(Record).options(queries.published_objects())
