"""Citation exports (BibTeX, RIS, CSL-JSON) and schema.org JSON-LD of a record.

Pure functions of a :class:`catalog.models.Record` and its permalink; the views only
choose the format and set the response headers.
"""

from __future__ import annotations

import json
import re
from typing import Any

from catalog.models import Record

CSL_TYPES = {
    "book": "book",
    "manuscript": "manuscript",
    "newspaper": "article-newspaper",
    "periodical": "article-magazine",
    "map": "map",
    "image": "graphic",
    "audio": "song",
    "video": "motion_picture",
    "dataset": "dataset",
}
RIS_TYPES = {
    "book": "BOOK",
    "manuscript": "MANSCPT",
    "newspaper": "NEWS",
    "periodical": "MGZN",
    "map": "MAP",
    "image": "ART",
    "audio": "SOUND",
    "video": "VIDEO",
    "dataset": "DATA",
}
BIBTEX_TYPES = {"book": "book", "manuscript": "unpublished"}
SCHEMA_TYPES = {
    "book": "Book",
    "manuscript": "Manuscript",
    "newspaper": "Newspaper",
    "periodical": "Periodical",
    "map": "Map",
    "image": "Photograph",
    "audio": "AudioObject",
    "video": "VideoObject",
    "dataset": "Dataset",
}
FORMATS = {
    "bibtex": ("application/x-bibtex", "bib"),
    "ris": ("application/x-research-info-systems", "ris"),
    "csl": ("application/vnd.citationstyles.csl+json", "json"),
}
"""Citation format → (media type, file extension)."""


def _year(record: Record) -> int | None:
    return record.year_from


def _publisher(record: Record) -> str:
    return record.partner.name if record.partner else ""


def _bibtex_escape(value: str) -> str:
    value = value.replace("\\", "\\textbackslash{}")
    value = re.sub(r"([{}&%$#_^~])", r"\\\1", value)
    return value.replace("\n", " ")


def bibtex(record: Record, permalink: str) -> str:
    """A BibTeX entry keyed ``warisan<record id>``; special characters escaped."""
    kind = BIBTEX_TYPES.get(record.type, "misc")
    fields: list[tuple[str, str]] = [("title", record.title or "")]
    if record.creators:
        fields.append(("author", " and ".join(record.creators)))
    if _year(record) is not None:
        fields.append(("year", str(_year(record))))
    if record.date_original:
        fields.append(("note", record.date_original))
    fields.append(("publisher" if kind == "book" else "howpublished", _publisher(record)))
    if record.languages:
        fields.append(("language", ", ".join(record.languages)))
    fields.append(("url", permalink))
    body = ",\n".join(f"  {name} = {{{_bibtex_escape(value)}}}" for name, value in fields)
    return f"@{kind}{{warisan{record.id},\n{body}\n}}\n"


def ris(record: Record, permalink: str) -> str:
    """An RIS record (CRLF line ends, ``ER`` terminated)."""
    lines = [("TY", RIS_TYPES.get(record.type, "GEN")), ("TI", record.title or "")]
    lines += [("AU", name) for name in record.creators or ()]
    if _year(record) is not None:
        lines.append(("PY", str(_year(record))))
    if record.date_original:
        lines.append(("DA", record.date_original))
    lines += [("KW", subject) for subject in record.subjects or ()]
    if record.description:
        lines.append(("AB", record.description))
    lines += [("LA", code) for code in record.languages or ()]
    lines += [("PB", _publisher(record)), ("UR", permalink), ("ID", f"warisan{record.id}")]
    out = [f"{tag}  - {' '.join(str(value).split())}" for tag, value in lines if value]
    return "\r\n".join([*out, "ER  - ", ""])


def csl_json(record: Record, permalink: str) -> str:
    """A CSL-JSON array with one item."""
    item: dict[str, Any] = {
        "id": f"warisan{record.id}",
        "type": CSL_TYPES.get(record.type, "document"),
        "title": record.title or "",
        "URL": permalink,
        "publisher": _publisher(record),
    }
    if record.creators:
        item["author"] = [{"literal": name} for name in record.creators]
    if _year(record) is not None:
        item["issued"] = {"date-parts": [[_year(record)]]}
    if record.description:
        item["abstract"] = record.description
    if record.languages:
        item["language"] = record.languages[0]
    if record.subjects:
        item["keyword"] = ", ".join(record.subjects)
    return json.dumps([item], ensure_ascii=False, indent=2)


def render(fmt: str, record: Record, permalink: str) -> str:
    """The citation of ``record`` in ``fmt`` (a key of :data:`FORMATS`)."""
    return {"bibtex": bibtex, "ris": ris, "csl": csl_json}[fmt](record, permalink)


def json_ld(record: Record, permalink: str, thumbnail: str | None = None) -> dict[str, Any]:
    """A schema.org description of the record for search engines."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": SCHEMA_TYPES.get(record.type, "CreativeWork"),
        "@id": permalink,
        "url": permalink,
        "name": record.title or "",
        "provider": {"@type": "Organization", "name": _publisher(record)},
    }
    if record.partner and record.partner.website:
        data["provider"]["url"] = record.partner.website
    if record.creators:
        data["creator"] = [{"@type": "Person", "name": name} for name in record.creators]
    optional = {
        "description": record.description,
        "dateCreated": record.date_original,
        "license": record.rights,
        "sameAs": record.source_url,
        "thumbnailUrl": thumbnail,
    }
    data.update({key: value for key, value in optional.items() if value})
    if record.subjects:
        data["keywords"] = list(record.subjects)
    if record.languages:
        data["inLanguage"] = list(record.languages)
    return data


def json_ld_script(data: dict[str, Any]) -> str:
    """JSON for a ``<script type="application/ld+json">`` block, safe against ``</script>``."""
    text = json.dumps(data, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
