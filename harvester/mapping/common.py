"""What every format mapping produces: :class:`Fields`, and helpers to build it."""

from __future__ import annotations

import dataclasses
from typing import Any

from catalog.models import RECORD_TYPES
from harvester.mapping import normalise


@dataclasses.dataclass(frozen=True)
class Fields:
    """The descriptive fields of a record as one format mapping read them."""

    title: str | None = None
    titles: tuple[dict[str, Any], ...] = ()
    creators: tuple[str, ...] = ()
    subjects: tuple[str, ...] = ()
    description: str | None = None
    date_original: str | None = None
    year_from: int | None = None
    year_to: int | None = None
    type: str = "other"
    languages: tuple[str, ...] = ()
    rights: str | None = None
    identifiers: tuple[str, ...] = ()
    source_url: str | None = None
    scan_urls: tuple[str, ...] = ()
    extra: dict[str, Any] = dataclasses.field(default_factory=dict)
    flags: tuple[str, ...] = ()


def build(
    *,
    titles: list[tuple[str, str | None]],
    creators: list[str],
    subjects: list[str],
    descriptions: list[str],
    dates: list[str],
    types: list[str],
    type_default: str | None,
    languages: list[str],
    rights: list[str],
    identifiers: list[str],
    links: list[str],
    scans: list[str],
    extra: dict[str, Any],
    flags: list[str] | None = None,
) -> Fields:
    """Normalise what a mapping collected into :class:`Fields` with quality flags."""
    flags = list(flags or [])
    title_list = []
    title_seen: set[str] = set()
    for value, lang in titles:
        value = normalise.tidy(value)
        if value and value not in title_seen:
            title_seen.add(value)
            title_list.append({"value": value, "lang": (lang and normalise.language(lang)) or lang})
    codes, unknown = normalise.languages(languages)
    flags += [f"language_unknown:{u}" for u in unknown]
    date_original, years = None, None
    for date in dates:
        date = normalise.tidy(date)
        if date:
            date_original = date_original or date
            years = normalise.year_range(date)
            if years:
                date_original = date
                break
    if date_original and not years:
        flags.append("date_unparsed")
    kind = normalise.record_type(types) or type_default or ("other" if types else "text")
    if kind not in RECORD_TYPES:
        kind = "other"
    is_url = normalise.is_url
    urls = normalise.unique([u for u in (links + scans if scans else links) if is_url(u)])
    scan_urls = tuple(u for u in urls if u in scans or normalise.is_scan_url(u))
    link_urls = [u for u in urls if u not in scan_urls] if scan_urls else urls
    description = "\n\n".join(normalise.unique(descriptions)) or None
    rights_values = normalise.unique(rights)
    extra_values = {}
    for key, values in extra.items():
        kept = normalise.unique(values) if values else ()
        if kept:
            extra_values[key] = list(kept)
    return Fields(
        title=title_list[0]["value"] if title_list else None,
        titles=tuple(title_list),
        creators=normalise.unique(creators),
        subjects=normalise.unique(subjects),
        description=description,
        date_original=date_original,
        year_from=years[0] if years else None,
        year_to=years[1] if years else None,
        type=kind,
        languages=codes,
        rights=rights_values[0] if rights_values else None,
        identifiers=normalise.unique([i for i in identifiers if not is_url(i)]),
        source_url=link_urls[0] if link_urls else None,
        scan_urls=scan_urls,
        extra=extra_values,
        flags=tuple(flags),
    )
