"""Counts of the visible catalogue for the home and browse pages, and partner names,
each kept per process for a while (they read every record or partner)."""

from __future__ import annotations

import collections
import dataclasses
import time
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from catalog.models import Partner, Record
from catalog.queries import visible

if TYPE_CHECKING:
    from catalog.store import Catalog


@dataclasses.dataclass(frozen=True)
class Overview:
    """Counts of visible records for the home and browse pages."""

    partners: list[tuple[Partner, int]]
    countries: list[tuple[str, int]]
    types: list[tuple[str, int]]
    decades: list[tuple[str, int]]
    subjects: list[tuple[str, int]]
    collections: list[tuple[str, str, int]]
    set_labels: dict[tuple[str, str], str]
    total: int


def overview(catalog: Catalog, *, subjects: int = 60) -> Overview:
    """Record counts by partner, country, type, decade, subject and partner set."""
    with catalog.session() as s:
        per_partner = dict(
            s.execute(
                visible(select(Record.partner_id, func.count())).group_by(Record.partner_id)
            ).all()
        )
        partners = list(s.scalars(select(Partner).order_by(Partner.country, Partner.name)))
        types = s.execute(visible(select(Record.type, func.count())).group_by(Record.type)).all()
        decade = (Record.year_from // 10) * 10
        decades = s.execute(
            visible(select(decade, func.count()).where(Record.year_from.is_not(None))).group_by(
                decade
            )
        ).all()
        listy = s.execute(visible(select(Record.partner_id, Record.subjects, Record.sets)))
        subject_counts: collections.Counter[str] = collections.Counter()
        set_counts: collections.Counter[tuple[str, str]] = collections.Counter()
        for partner_id, subs, sets in listy:
            subject_counts.update(set(subs or ()))
            set_counts.update((partner_id, spec) for spec in set(sets or ()))
    countries: collections.Counter[str] = collections.Counter()
    for partner in partners:
        countries[partner.country] += per_partner.get(partner.id, 0)
    return Overview(
        partners=[(p, per_partner.get(p.id, 0)) for p in partners],
        countries=sorted(countries.items()),
        types=sorted(types, key=lambda row: -row[1]),
        decades=sorted((str(int(d)), n) for d, n in decades),
        subjects=subject_counts.most_common(subjects),
        collections=[(p, spec, n) for (p, spec), n in set_counts.most_common()],
        set_labels={(p.id, spec): name for p in partners for spec, name in set_names(p).items()},
        total=sum(per_partner.values()),
    )


_OVERVIEWS: dict[str, tuple[float, Overview]] = {}


def cached_overview(catalog: Catalog, max_age: float) -> Overview:
    """:func:`overview`, counted again at most every ``max_age`` seconds per process.

    Counting subjects and collections reads every record; the home and browse pages
    would otherwise pay that on each request.
    """
    now = time.monotonic()
    found = _OVERVIEWS.get(catalog.url)
    if found is None or now - found[0] > max_age:
        found = _OVERVIEWS[catalog.url] = (now, overview(catalog))
    return found[1]


_NAMES: dict[str, tuple[float, dict[str, str]]] = {}


def partner_names(catalog: Catalog, max_age: float) -> dict[str, str]:
    """Partner id → name, read again at most every ``max_age`` seconds per process."""
    now = time.monotonic()
    found = _NAMES.get(catalog.url)
    if found is None or now - found[0] > max_age:
        names = {p.id: p.name for p in catalog.list_partners()}
        found = _NAMES[catalog.url] = (now, names)
    return found[1]


def set_names(partner: Partner) -> dict[str, str]:
    """A partner's set specs mapped to their names (from its cached ListSets)."""
    names: dict[str, str] = {}
    for item in partner.set_list or []:
        if isinstance(item, dict) and item.get("spec"):
            names[str(item["spec"])] = str(item.get("name") or item["spec"])
    return names
