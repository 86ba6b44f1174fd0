"""``warisan reindex`` and ``warisan search``: rebuild the index, search from the shell."""

from __future__ import annotations

import json

import click
from flask.cli import with_appcontext

from portal.services import get_services
from search import indexing
from search.types import FACET_FIELDS, SearchQuery


@click.command("reindex")
@click.option("--partner", help="Re-index only this partner's records (in place).")
@with_appcontext
def reindex(partner: str | None) -> None:
    """Rebuild the search index from the catalogue (zero downtime for a full rebuild)."""
    services = get_services()
    total = services.search.count_to_index(partner)
    with click.progressbar(length=total, label="Indexing records") as bar:
        done = indexing.reindex(services.catalog, services.search, partner, progress=bar.update)
    click.echo(f"Indexed {done} records.")


@click.command("search")
@click.argument("query", nargs=-1)
@click.option("--lang", help="Interface language of the searcher (en, id, ms).")
@click.option(
    "--filter",
    "filters",
    multiple=True,
    metavar="FIELD=VALUE",
    help=f"Facet filter, repeatable ({', '.join(FACET_FIELDS)}).",
)
@click.option("--limit", type=click.IntRange(1, 100), default=10, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@with_appcontext
def search(
    query: tuple[str, ...], lang: str | None, filters: tuple[str, ...], limit: int, as_json: bool
) -> None:
    """Search the index: words, "phrases", AND/OR/NOT, title:/creator:/subject:/partner:/year:."""
    result = get_services().search.search(
        SearchQuery(" ".join(query), _filters(filters), page_size=limit, lang=lang)
    )
    if as_json:
        click.echo(json.dumps(_json(result), ensure_ascii=False, indent=2))
        return
    click.echo(f"{result.total} records")
    for hit in result.hits:
        click.echo(f"{hit.record_id:>7}  {hit.partner:24} {hit.title}")
        for line in hit.highlights[:2]:
            click.echo(f"         {line}")
    if result.suggestion:
        click.echo(f"Did you mean: {result.suggestion}")


def _filters(pairs: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = {}
    for pair in pairs:
        field, sep, value = pair.partition("=")
        if not sep or field not in FACET_FIELDS or not value:
            raise click.BadParameter(
                f"{pair!r}: use FIELD=VALUE with FIELD one of {', '.join(FACET_FIELDS)}",
                param_hint="--filter",
            )
        out.setdefault(field, []).append(value)
    return {k: tuple(v) for k, v in out.items()}


def _json(result) -> dict:
    return {
        "total": result.total,
        "hits": [
            {
                "id": h.record_id,
                "oai_identifier": h.oai_identifier,
                "partner": h.partner,
                "title": h.title,
                "score": h.score,
                "highlights": list(h.highlights),
            }
            for h in result.hits
        ],
        "facets": {
            field: [{"value": v.value, "count": v.count, "selected": v.selected} for v in values]
            for field, values in result.facets.items()
        },
        "suggestion": result.suggestion,
    }


commands = [reindex, search]
