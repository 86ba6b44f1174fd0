"""The scale-out backend: Elasticsearch 8.x/9.x through the ``elasticsearch`` 8.x client.

``portable`` (``?analysis=portable`` in ``SEARCH_URL``) drops the ``condition`` filter and
the Indonesian stemmer, which Elasticsearch-API emulators such as noida-db lack
(wire-level tests only).

Searches go to the alias ``<prefix>`` (``?prefix=`` in ``SEARCH_URL``, default
``warisan``; checked by :func:`search.backends.parse_search_url`), which points at one
concrete index ``<prefix>-<n>``. A rebuild fills ``<prefix>-<n+1>`` and swaps the alias in
one atomic ``update_aliases`` call, then drops the old index: zero downtime. Writes use
``streaming_bulk``, which retries documents rejected with 429 (the cluster's
backpressure) with exponential backoff.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from elasticsearch import ApiError, Elasticsearch, NotFoundError, TransportError, helpers

from catalog.errors import BackendUnavailable, SearchError
from search.analysis import Analyzer
from search.backends import Engine, es_mapping, es_query
from search.backends.base import Matches, PageMatch, Plan, Progress, RecordMatch
from search.documents import RecordDoc
from search.glossary import Glossary
from search.types import FACET_FIELDS

CHUNK = 500


class ElasticsearchBackend:
    """A :class:`search.backends.base.SearchBackend` on an Elasticsearch cluster."""

    name = Engine.ELASTICSEARCH

    def __init__(
        self,
        host: str,
        *,
        prefix: str,
        portable: bool = False,
        glossary: Glossary | None = None,
        plain: bool = False,
        timeout: float = 30.0,
    ) -> None:
        self.alias = prefix
        self.portable = portable
        self.analyzer = Analyzer(plain=plain)
        self.plain = plain
        self.rules = glossary.synonym_rules() if glossary and not plain else []
        self._ready = False
        self.es = Elasticsearch(host, request_timeout=timeout, max_retries=2, retry_on_timeout=True)

    # -- indices and alias ---------------------------------------------------------------

    def _call(self, what: str, fn, *args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except (TransportError, ConnectionError) as exc:
            raise BackendUnavailable(
                f"Elasticsearch unreachable during {what}: {exc}", setting="SEARCH_URL"
            ) from exc
        except ApiError as exc:
            raise SearchError(f"Elasticsearch refused {what}: {exc}") from exc

    def _concrete(self) -> list[str]:
        try:
            names = self.es.indices.get_alias(name=self.alias)
            return sorted(names, key=_generation)
        except NotFoundError:
            return []
        except (TransportError, ConnectionError) as exc:
            raise BackendUnavailable(
                f"Elasticsearch unreachable: {exc}", setting="SEARCH_URL"
            ) from exc

    def _create(self, generation: int) -> str:
        name = f"{self.alias}-{generation}"
        self._call(
            "index creation",
            self.es.indices.create,
            index=name,
            settings=es_mapping.settings(self.rules, plain=self.plain, portable=self.portable),
            mappings=es_mapping.mappings(),
        )
        return name

    def _ensure(self) -> str:
        """The alias, created with a first index when missing (checked once per backend)."""
        if self._ready:
            return self.alias
        if not self._concrete():
            try:
                name = self._create(1)
                self._call("alias creation", self.es.indices.put_alias, index=name, name=self.alias)
            except SearchError:
                if not self._concrete():  # not another process creating it at the same time
                    raise
        self._ready = True
        return self.alias

    # -- writing -------------------------------------------------------------------------

    def _bulk(self, index: str, actions: Iterable[dict[str, Any]]) -> None:
        try:
            for ok, item in helpers.streaming_bulk(
                self.es,
                actions,
                index=index,
                chunk_size=CHUNK,
                max_retries=6,
                initial_backoff=1,
                max_backoff=30,
                raise_on_error=False,
            ):
                if not ok and next(iter(item.values())).get("status") != 404:
                    raise SearchError(f"Elasticsearch rejected a document: {item}")
        except (TransportError, ConnectionError) as exc:
            raise BackendUnavailable(
                f"Elasticsearch unreachable while indexing: {exc}", setting="SEARCH_URL"
            ) from exc

    def index(self, docs: Iterable[RecordDoc]) -> int:
        target = self._ensure()
        docs = list(docs)
        if not docs:
            return 0
        self._delete_pages(target, [d.record_id for d in docs])
        self._bulk(target, _actions(docs))
        self._call("refresh", self.es.indices.refresh, index=target)
        return len(docs)

    def _delete_pages(self, index: str, ids: list[int]) -> None:
        pages = {"bool": {"filter": [{"term": {"kind": "page"}}, {"terms": {"record_id": ids}}]}}
        self._delete_where(index, pages)

    def _delete_where(self, index: str, query: dict[str, Any]) -> None:
        """Delete the documents ``query`` matches, visible to the next search."""
        self._call(
            "delete",
            self.es.delete_by_query,
            index=index,
            refresh=True,
            conflicts="proceed",
            query=query,
        )

    def remove(self, record_ids: Iterable[int]) -> None:
        ids = [int(i) for i in record_ids]
        if not ids:
            return
        self._delete_where(self._ensure(), {"terms": {"record_id": ids}})

    def rebuild(self, docs: Iterable[RecordDoc], progress: Progress | None = None) -> int:
        old = self._concrete()
        generation = max((_generation(n) for n in old), default=0) + 1
        new = self._create(generation)
        count = 0

        def counted() -> Iterator[dict[str, Any]]:
            nonlocal count
            for doc in docs:
                yield from _actions([doc])
                count += 1
                if progress:
                    progress(1)

        self._bulk(new, counted())
        self._call("refresh", self.es.indices.refresh, index=new)
        actions = [{"add": {"index": new, "alias": self.alias}}]
        actions += [{"remove": {"index": name, "alias": self.alias}} for name in old]
        self._call("alias swap", self.es.indices.update_aliases, actions=actions)
        self._ready = True
        for name in old:
            self._call("index deletion", self.es.indices.delete, index=name)
        return count

    def clear(self) -> None:
        self._ready = False
        for name in self._concrete():
            self._call("index deletion", self.es.indices.delete, index=name)

    # -- reading -------------------------------------------------------------------------

    def search(self, plan: Plan) -> Matches:
        self._ensure()
        body = es_query.search_body(plan, fuzzy=not self.plain)
        response = self._call("search", self.es.search, index=self.alias, **body)
        hits = tuple(
            RecordMatch(
                int(h["_source"]["record_id"]),
                float(h.get("_score") or 0.0),
                dict(h["_source"].get("stored") or {}),
            )
            for h in response["hits"]["hits"]
        )
        facets = {}
        for facet in FACET_FIELDS if plan.facets else ():
            buckets = response["aggregations"][facet]["values"]["buckets"]
            facets[facet] = tuple((str(b["key"]), int(b["doc_count"])) for b in buckets)
        return Matches(int(response["hits"]["total"]["value"]), hits, facets)

    def pages(self, plan: Plan, record_ids: Iterable[int], limit: int = 50) -> list[PageMatch]:
        ids = [int(i) for i in record_ids]
        if plan.node is None or not ids:
            return []
        self._ensure()
        body = es_query.pages_body(plan, ids, min(limit, 10_000))
        response = self._call("search", self.es.search, index=self.alias, **body)
        out = []
        for h in response["hits"]["hits"]:
            s = h["_source"]
            out.append(
                PageMatch(
                    int(s["page_id"]),
                    int(s["record_id"]),
                    int(s["order"]),
                    float(h.get("_score") or 0.0),
                    (s.get("stored") or {}).get("text", ""),
                )
            )
        return out

    def suggest(self, words: list[str]) -> dict[str, str]:
        if not words:
            return {}
        self._ensure()
        suggest = {
            f"w{i}": {
                "text": w,
                "term": {"field": "text", "suggest_mode": "missing", "min_word_length": 3},
            }
            for i, w in enumerate(words)
        }
        response = self._call("suggest", self.es.search, index=self.alias, size=0, suggest=suggest)
        out = {}
        for i, word in enumerate(words):
            for entry in response.get("suggest", {}).get(f"w{i}", []):
                options = entry.get("options") or []
                if options:
                    out[word] = options[0]["text"]
        return out

    def count(self) -> int:
        self._ensure()
        response = self._call(
            "count", self.es.count, index=self.alias, query={"term": {"kind": "record"}}
        )
        return int(response["count"])

    def close(self) -> None:
        self.es.close()


def _generation(name: str) -> int:
    """The generation number of a concrete index ``<alias>-<n>`` (0 when not ours)."""
    tail = name.rsplit("-", 1)[-1]
    return int(tail) if tail.isdigit() else 0


def _actions(docs: Iterable[RecordDoc]) -> Iterator[dict[str, Any]]:
    for doc in docs:
        yield {"_id": f"r{doc.record_id}", "_source": record_source(doc)}
        for page in doc.pages:
            if page.text:
                yield {
                    "_id": f"p{page.page_id}",
                    "_source": {
                        "kind": "page",
                        "record_id": doc.record_id,
                        "page_id": page.page_id,
                        "order": page.order,
                        "text": page.searched,  # a corrected page: its OCR too
                        "stored": {"text": page.text},
                    },
                }


def record_source(doc: RecordDoc) -> dict[str, Any]:
    """The Elasticsearch source of a record document."""
    stored = doc.stored()
    return {
        "kind": "record",
        "record_id": doc.record_id,
        "year": doc.year,
        "partner": doc.partner,
        "country": doc.country,
        "type": doc.type,
        "language": list(dict.fromkeys(doc.languages)),
        "decade": doc.decade,
        "digitized": "yes" if doc.digitized else "no",
        "rights": doc.rights,
        "subject_facet": list(dict.fromkeys(doc.subjects)),
        "title_sort": (doc.title or "")[:200],
        "title": [doc.title, *doc.titles],
        "subject": list(doc.subjects),
        "creator": list(doc.creators),
        "description": doc.description,
        "text": doc.text,
        "oai_identifier": doc.oai_identifier,
        "stored": stored,
    }


__all__ = ["ElasticsearchBackend", "record_source"]
