"""Search latency and reindex throughput: through `SearchBackend` against the raw engine.

A generated corpus (default 20,000 records / 200,000 pages of Indonesian/Malay/English
words, some in old spellings, Zipf-distributed) is indexed twice in the same run:

* ours — ``SearchBackend.rebuild`` (words as written, then the vocabulary of their keys:
  folding, old spellings, two stemmers);
* raw  — the same documents added straight to tantivy with its own ``default`` tokenizer.

Then the same query mix (common and rare words, two-word AND, phrases, filters, old
spellings), each with seven facet counts and the top 20 documents fetched, runs against
both, and a third time as our compiled tantivy queries issued straight to the engine
(what the layer itself costs, apart from the richer matching). Prints p50/p95 and the
ratios (targets: latency ≤ 1.5× raw, p95 < 100 ms, reindex ≥ 0.7× raw), and the CPU
seconds of both reindexes (all threads: the work itself, which a busy machine disturbs
less than the wall time).

    .venv/bin/python bench/search.py [--records 20000] [--pages 10] [--words 80]
                                     [--rounds 5] [--reindex-rounds 1]
"""

from __future__ import annotations

import argparse
import itertools
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import tantivy

from search.backends import open_backend
from search.backends.base import FIELD_BOOSTS, Plan
from search.documents import PageDoc, RecordDoc
from search.expand import expand
from search.glossary import load
from search.query import parse
from search.types import FACET_FIELDS

WORDS = str.split(
    "rumah panjang sungai kampung kapal perahu cerita rakyat hikayat syair surat kabar akhbar "
    "pasar ikan nelayan padi ladang hutan kayu rotan getah lada emas raja sultan kerajaan "
    "negeri orang anak murid sekolah guru jalan kota pelabuhan tenun kain tembaga perak gong "
    "adat gawai iban dayak melayu bugis pontianak sibu kapit sambas brunei kuching sarawak "
    "borneo kalimantan longhouse river village boat story folk tale manuscript newspaper "
    "market fish rice forest rubber pepper gold king palace school road town harbour weaving "
    "cloth silver music dance festival tjerita djalan soengai kampoeng radja negeri rakjat "
    "chabar sedjarah pemoeda perdjoeangan boekoe ketjil dengan yang dan di ke dari untuk pada "
    "itu ini ada tidak akan sudah telah oleh dalam the of and in to a is was for on with"
)
PARTNERS = [("khatulistiwa", "ID"), ("rajang", "MY"), ("kampong-ayer", "BN")]
TYPES = ["book", "manuscript", "newspaper", "image", "map", "audio"]
SUBJECTS = [
    f"{a} {b}"
    for a in ("Sejarah", "Adat", "Sungai", "Perahu", "Tenun")
    for b in ("Sarawak", "Brunei", "Kalimantan", "Sibu", "Pontianak", "Kapit")
]


def vocabulary(rng: random.Random, size: int = 30_000) -> tuple[list[str], list[float]]:
    """Real words first, then pseudo-words; Zipf weights by rank."""
    syllables = [
        "ka",
        "ba",
        "ta",
        "ma",
        "na",
        "ra",
        "sa",
        "la",
        "pa",
        "da",
        "ng",
        "ku",
        "ri",
        "lu",
        "se",
        "be",
        "to",
        "ja",
        "ny",
        "oe",
    ]
    words = list(WORDS)
    seen = set(words)
    while len(words) < size:
        word = "".join(rng.choice(syllables) for _ in range(rng.randint(2, 4)))
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words, [1 / (rank + 1) for rank in range(len(words))]


def corpus(records: int, pages: int, words_per_page: int, seed: int = 7) -> list[RecordDoc]:
    rng = random.Random(seed)
    vocab, weights = vocabulary(rng)
    cumulative = list(itertools.accumulate(weights))

    def text(n: int) -> str:
        return " ".join(rng.choices(vocab, cum_weights=cumulative, k=n))

    docs = []
    for rid in range(1, records + 1):
        partner, country = PARTNERS[rid % 3]
        page_docs = tuple(
            PageDoc(rid * 100 + n, rid, n, text(words_per_page)) for n in range(1, pages + 1)
        )
        docs.append(
            RecordDoc(
                record_id=rid,
                oai_identifier=f"oai:bench:{rid}",
                partner=partner,
                country=country,
                type=rng.choice(TYPES),
                title=text(rng.randint(3, 8)).title(),
                creators=(text(2).title(),),
                subjects=tuple(rng.sample(SUBJECTS, 2)),
                description=text(rng.randint(15, 40)),
                languages=(rng.choice(["ind", "msa", "eng"]),),
                year=rng.randint(1850, 2020),
                digitized=True,
                text="\n".join(p.text for p in page_docs),
                pages=page_docs,
            )
        )
    return docs


QUERIES = [
    ("sungai", {}),
    ("rumah", {}),
    ("cerita", {}),
    ("pontianak", {}),
    ("the", {}),
    ("kampung", {}),
    ("river", {}),
    ("raja", {}),
    ("perahu", {}),
    ("adat", {}),
    ("gong", {}),
    ("palace", {}),
    ("weaving", {}),
    ("harbour", {}),
    ("silver", {}),
    ("rumah panjang", {}),
    ("kapal sungai", {}),
    ("cerita rakyat", {}),
    ("pasar ikan", {}),
    ("sibu kapit", {}),
    ('"rumah panjang"', {}),
    ('"surat kabar"', {}),
    ('"kapal perahu"', {}),
    ("sungai", {"partner": ("rajang",)}),
    ("rumah", {"decade": ("1920", "1930")}),
    ("cerita", {"type": ("book", "manuscript")}),
    ("kampung", {"language": ("ind",)}),
    ("raja", {"partner": ("kampong-ayer",), "type": ("manuscript",)}),
    ("tjerita", {}),
    ("soengai", {}),
    ("djalan", {}),
    ("radja", {}),
]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def time_ours(url: str, docs: list[RecordDoc]):
    glossary = load()
    backend = open_backend(url, glossary=glossary)
    started, cpu = time.perf_counter(), time.process_time()
    backend.rebuild(iter(docs))
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu

    def run(text: str, filters: dict) -> None:
        plan = Plan(expand(parse(text), glossary), filters, facets=True)
        backend.search(plan)

    return backend, (seconds, cpu), run


def compiled(backend, glossary):
    """Our analysed queries, compiled once, issued straight to tantivy (no layer around)."""
    from search.backends.tantivy_query import Q, filters_query

    aggs = {
        f: {"terms": {"field": f, "size": 20 if f == "subject" else 1000}} for f in FACET_FIELDS
    }
    queries = {}
    for text, filters in QUERIES:
        plan = Plan(expand(parse(text), glossary), filters)
        base = backend._base(plan, FIELD_BOOSTS)
        queries[text, tuple(filters.items())] = (
            Q.boolean_query(base + filters_query(backend.schema, filters)),
            Q.boolean_query(base),
        )

    def run(text: str, filters: dict) -> None:
        query, unfiltered = queries[text, tuple(filters.items())]
        searcher = backend.generations.fresh()[0].searcher()  # the records index
        for _, address in searcher.search(query, 20).hits:
            searcher.doc(address)
        searcher.aggregate(unfiltered if filters else query, aggs)

    return run


def raw_schema() -> tantivy.Schema:
    b = tantivy.SchemaBuilder()
    b.add_text_field("kind", tokenizer_name="raw", fast=True)
    b.add_integer_field("rid", indexed=True, fast=True)
    b.add_integer_field("year", indexed=True, fast=True)
    for field in FACET_FIELDS:
        b.add_text_field(field, tokenizer_name="raw", fast=True)
    b.add_bytes_field("data", stored=True)
    for field in FIELD_BOOSTS:
        b.add_text_field(f"{field}_t", tokenizer_name="default")
    return b.build()


def time_raw(folder: Path, docs: list[RecordDoc]):
    import json

    schema = raw_schema()
    folder.mkdir(parents=True, exist_ok=True)
    index = tantivy.Index(schema, path=str(folder))
    started, cpu = time.perf_counter(), time.process_time()
    writer = index.writer(256_000_000, 1)
    for doc in docs:
        d = tantivy.Document()
        d.add_text("kind", "record")
        d.add_integer("rid", doc.record_id)
        d.add_integer("year", doc.year)
        for field, value in (
            ("partner", doc.partner),
            ("country", doc.country),
            ("type", doc.type),
            ("decade", doc.decade),
            ("digitized", "yes"),
            *(("language", v) for v in doc.languages),
            *(("subject", v) for v in doc.subjects),
        ):
            d.add_text(field, value)
        d.add_bytes("data", json.dumps({"record_id": doc.record_id, "title": doc.title}).encode())
        for field, value in (
            ("title", doc.title),
            ("description", doc.description),
            ("text", doc.text),
            *(("subject", v) for v in doc.subjects),
            *(("creator", v) for v in doc.creators),
        ):
            d.add_text(f"{field}_t", value)
        writer.add_document(d)
        for page in doc.pages:
            p = tantivy.Document()
            p.add_text("kind", "page")
            p.add_integer("rid", doc.record_id)
            p.add_bytes("data", json.dumps({"text": page.text}).encode())
            p.add_text("text_t", page.text)
            writer.add_document(p)
    writer.commit()
    writer.wait_merging_threads()
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    index.reload()
    fields = [f"{f}_t" for f in FIELD_BOOSTS]
    boosts = {f"{f}_t": b for f, b in FIELD_BOOSTS.items()}
    aggs = {
        f: {"terms": {"field": f, "size": 20 if f == "subject" else 1000}} for f in FACET_FIELDS
    }
    kind = tantivy.Query.term_query(schema, "kind", "record")

    def run(text: str, filters: dict) -> None:
        searcher = index.searcher()
        clauses = [
            (tantivy.Occur.Must, kind),
            (tantivy.Occur.Must, index.parse_query_lenient(text, fields, boosts)[0]),
        ]
        for field, values in filters.items():
            clauses.append(
                (tantivy.Occur.Must, tantivy.Query.term_set_query(schema, field, list(values)))
            )
        query = tantivy.Query.boolean_query(clauses)
        result = searcher.search(query, 20)
        for _, address in result.hits:
            searcher.doc(address)
        searcher.aggregate(query, aggs)

    return (seconds, cpu), run


def latencies(run, rounds: int) -> list[float]:
    for text, filters in QUERIES:  # warm-up
        run(text, filters)
    out = []
    for _ in range(rounds):
        for text, filters in QUERIES:
            started = time.perf_counter()
            run(text, filters)
            out.append((time.perf_counter() - started) * 1000)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--pages", type=int, default=10, help="pages per record")
    parser.add_argument("--words", type=int, default=80, help="words per page")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--reindex-rounds", type=int, default=1, help="index both this often, best of each"
    )
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="warisan-bench-"))
    docs = corpus(args.records, args.pages, args.words)
    pages = args.records * args.pages
    print(f"corpus: {args.records} records, {pages} pages, {args.words} words/page")

    raw_times, our_times, backend = [], [], None
    for n in range(args.reindex_rounds):  # alternated: a noisy machine hits both alike
        if backend is not None:
            backend.close()
            for old in folder.iterdir():
                shutil.rmtree(old, ignore_errors=True)
        raw_took, raw_run = time_raw(folder / f"raw{n}", docs)
        backend, our_took, our_run = time_ours(f"tantivy://{folder / f'ours{n}'}", docs)
        raw_times.append(raw_took)
        our_times.append(our_took)
    (raw_seconds, raw_cpu), (our_seconds, our_cpu) = min(raw_times), min(our_times)
    if args.reindex_rounds > 1:
        print(
            f"reindex rounds (s) raw {[round(t, 2) for t, _ in raw_times]} "
            f"ours {[round(t, 2) for t, _ in our_times]}; best of each below"
        )
    ours, raw = latencies(our_run, args.rounds), latencies(raw_run, args.rounds)
    same = latencies(compiled(backend, load()), args.rounds)
    backend.close()
    shutil.rmtree(folder, ignore_errors=True)

    print(f"reindex  raw tantivy: {pages / raw_seconds:8.0f} pages/s ({raw_seconds:.1f} s)")
    print(f"reindex  SearchBackend: {pages / our_seconds:6.0f} pages/s ({our_seconds:.1f} s)")
    print(f"reindex throughput ours/raw: {raw_seconds / our_seconds:.2f}x (target >= 0.7x)")
    print(  # CPU seconds of all threads (Python and tantivy's): the work, less hit by a busy box
        f"reindex CPU work (s): raw {raw_cpu:.1f}, ours {our_cpu:.1f}, "
        f"ours/raw {our_cpu / raw_cpu:.2f}x"
    )
    for name, values in (("raw tantivy", raw), ("SearchBackend", ours), ("ours issued raw", same)):
        print(
            f"latency  {name:15} p50 {statistics.median(values):6.2f} ms  "
            f"p95 {percentile(values, 0.95):6.2f} ms  ({len(values)} queries)"
        )
    print(
        f"latency overhead ours/raw: p50 {statistics.median(ours) / statistics.median(raw):.2f}x"
        f"  p95 {percentile(ours, 0.95) / percentile(raw, 0.95):.2f}x (target <= 1.5x, "
        f"p95 < 100 ms)"
    )
    print(
        "layer overhead (SearchBackend / our compiled queries issued raw): "
        f"p50 {statistics.median(ours) / statistics.median(same):.2f}x  "
        f"p95 {percentile(ours, 0.95) / percentile(same, 0.95):.2f}x"
    )


if __name__ == "__main__":
    main()
