"""Engine-specific guarantees: one writer, fresh readers, zero-downtime rebuilds, errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from catalog.errors import BackendUnavailable, ConfigError
from search.backends import open_backend
from search.backends.base import Plan, SearchBackend
from search.backends.locking import writer_lock
from search.documents import RecordDoc
from search.query import parse


def doc(rid: int, title: str) -> RecordDoc:
    return RecordDoc(rid, f"oai:t:{rid}", "p-one", "MY", "book", title)


def total(backend, text: str) -> int:
    return backend.search(Plan(parse(text))).total


def test_backends_satisfy_the_protocol(backend):
    assert isinstance(backend, SearchBackend)


def test_rebuild_has_no_empty_moment(backend_url):
    writer = open_backend(backend_url)
    reader = open_backend(backend_url)
    writer.index([doc(1, "rumah lama"), doc(2, "rumah lama")])
    seen = []

    def docs():
        yield doc(3, "kapal baru")
        seen.append(total(reader, "rumah"))  # mid-rebuild: the old index still answers
        yield doc(4, "kapal baru")

    assert writer.rebuild(docs()) == 2
    assert seen == [2]
    assert total(reader, "rumah") == 0 and total(reader, "kapal") == 2
    assert reader.count() == 2
    writer.clear()
    writer.close()
    reader.close()


def test_rebuild_twice_keeps_one_generation(tmp_path):
    url = f"tantivy://{tmp_path / 'ix'}"
    backend = open_backend(url)
    backend.rebuild([doc(1, "satu")])
    backend.rebuild([doc(2, "dua")])
    generations = sorted(p.name for p in (tmp_path / "ix").glob("g*"))
    assert generations == ["g3"] and (tmp_path / "ix" / "CURRENT").read_text().strip() == "g3"
    assert total(open_backend(url), "dua") == 1


def test_a_reader_sees_another_writers_commit_at_once(tmp_path):
    url = f"tantivy://{tmp_path / 'ix'}"
    reader = open_backend(url)
    assert reader.count() == 0
    open_backend(url).index([doc(1, "tenun")])
    assert total(reader, "tenun") == 1


def test_an_update_brings_its_words_to_the_vocabulary_before_readers_see_it(tmp_path):
    url = f"tantivy://{tmp_path / 'ix'}"
    reader = open_backend(url)
    writer = open_backend(url)
    writer.rebuild([doc(1, "rumah lama")])
    assert total(reader, "cerita") == 0
    # words only an update brings: reached through old spellings and stems, not fuzzily
    writer.index([doc(2, "Tjerita kerajaan Soerabaja"), paged(3, "buku", "Djalan ketjil")])
    for query in ("cerita", "raja", "surabaya", "jalan", "kecil", '"jalan kecil"'):
        assert total(reader, query) == 1, query
    assert total(open_backend(url), "cerita") == 1  # a new process reads the same file


def test_one_writer_at_a_time(tmp_path):
    from search.backends.tantivy_backend import TantivyBackend

    backend = TantivyBackend(tmp_path / "ix", lock_timeout=0.2)
    with (
        writer_lock(tmp_path / "ix", 1),
        pytest.raises(BackendUnavailable, match="another process"),
    ):
        backend.index([doc(1, "x")])
    assert backend.index([doc(1, "x")]) == 1


def test_an_unreadable_index_says_to_reindex_and_reindex_repairs_it(tmp_path):
    url = f"tantivy://{tmp_path / 'ix'}"
    open_backend(url).index([doc(1, "x")])
    (tmp_path / "ix" / "g1" / "records" / "meta.json").write_text("{not json")
    backend = open_backend(url)  # the portal still starts
    with pytest.raises(BackendUnavailable, match="warisan reindex"):
        backend.search(Plan(parse("x")))
    with pytest.raises(BackendUnavailable, match="warisan reindex"):
        backend.index([doc(2, "y")])
    assert backend.rebuild([doc(3, "kapal")]) == 1  # and `warisan reindex` repairs it
    assert total(backend, "kapal") == 1


@pytest.mark.parametrize(
    "url", ["solr://h/x", "tantivy://host/x", "tantivy:relative", "", "http://"]
)
def test_bad_urls_name_the_setting(url):
    with pytest.raises(ConfigError, match="SEARCH_URL"):
        open_backend(url)


@pytest.mark.elasticsearch
def test_elasticsearch_rebuild_swaps_the_alias(elasticsearch_url):
    backend = open_backend(f"{elasticsearch_url}/?prefix=swap-test&analysis=portable")
    backend.clear()
    backend.index([doc(1, "satu")])
    first = backend._concrete()
    backend.rebuild([doc(2, "dua"), doc(3, "tiga")])
    second = backend._concrete()
    assert first == ["swap-test-1"] and second == ["swap-test-2"]
    assert not backend.es.indices.exists(index="swap-test-1")
    assert backend.count() == 2
    backend.clear()
    backend.close()


@pytest.mark.elasticsearch
def test_elasticsearch_unreachable_is_backend_unavailable():
    backend = open_backend("http://127.0.0.1:9/?prefix=nowhere")
    with pytest.raises(BackendUnavailable, match="unreachable"):
        backend.count()


KILLED_REBUILD = """
import sys, time
from search.backends import open_backend
from search.documents import RecordDoc

backend = open_backend(sys.argv[1])

def docs():
    for rid in range(100, 100_000):
        yield RecordDoc(rid, f"oai:t:{rid}", "p-one", "MY", "book", "kapal baru")
        if rid == 150:
            print("writing", flush=True)
            time.sleep(60)

backend.rebuild(docs())
"""


def test_a_rebuild_killed_midway_leaves_the_old_index(tmp_path):
    import signal
    import subprocess
    import sys

    url = f"tantivy://{tmp_path / 'ix'}"
    open_backend(url).index([doc(1, "rumah lama")])
    child = subprocess.Popen(
        [sys.executable, "-c", KILLED_REBUILD, url],
        stdout=subprocess.PIPE,
        text=True,
        cwd=str(Path(__file__).resolve().parents[2]),
    )
    assert child.stdout.readline().strip() == "writing"
    child.send_signal(signal.SIGKILL)
    child.wait()
    child.stdout.close()
    backend = open_backend(url)
    assert backend.count() == 1 and total(backend, "rumah") == 1
    assert backend.rebuild([doc(2, "kapal")]) == 1  # the lock died with the process
    assert total(backend, "kapal") == 1 and total(backend, "rumah") == 0


def paged(rid: int, title: str, *texts: str) -> RecordDoc:
    from search.documents import PageDoc

    pages = tuple(PageDoc(rid * 10 + n, rid, n, t) for n, t in enumerate(texts, 1))
    return RecordDoc(
        rid, f"oai:t:{rid}", "p-one", "MY", "book", title, text="\n".join(texts), pages=pages
    )


def test_records_and_pages_fed_apart_still_own_each_other(tmp_path, monkeypatch):
    import search.backends.tantivy_writer as tantivy_writer

    monkeypatch.setattr(tantivy_writer, "FEED_BATCH", 2)  # many batches handed over
    backend = open_backend(f"tantivy://{tmp_path / 'ix'}")
    records = [paged(r, f"judul {r}", f"sungai {r}", "kapal", "rumah panjang") for r in (1, 2, 3)]
    assert backend.rebuild(records) == 3
    # the same record twice in one batch: the later version replaces the earlier one
    assert backend.index([paged(4, "empat", "lama"), paged(4, "empat", "baru", "kapal")]) == 2
    plan = Plan(parse("kapal"))
    assert total(backend, "kapal") == 4 and total(backend, "lama") == 0
    assert backend.pages(Plan(parse("lama")), [4]) == []
    pages = backend.pages(plan, [1, 2, 3, 4])
    assert sorted((p.record_id, p.order) for p in pages) == [(1, 2), (2, 2), (3, 2), (4, 2)]
    assert [p.text for p in backend.pages(Plan(parse("sungai")), [2])] == ["sungai 2"]
    assert total(backend, '"rumah panjang"') == 3


def test_feeding_thread_keeps_order_and_raises_the_writers_error_in_the_caller():
    from search.backends.tantivy_writer import Feeder

    class Writer:  # stands in for tantivy's writer: records calls, fails on "bad"
        def __init__(self):
            self.calls = []

        def add_document(self, doc):
            if doc == "bad":
                raise ValueError("rejected")
            self.calls.append(doc)

        def delete_documents_by_term(self, field, value):
            self.calls.append((field, value))

    writer = Writer()
    feeder = Feeder(writer)
    feeder.put([7, "page a", "page b"] + [f"p{n}" for n in range(1200)])
    feeder.put(["record 7"])
    feeder.close()
    assert writer.calls[:3] == [("rid", 7), "page a", "page b"]
    assert writer.calls[-1] == "record 7" and len(writer.calls) == 1204

    failing = Feeder(Writer())
    failing.put(["ok", "bad", "never"])
    with pytest.raises(ValueError, match="rejected"):
        failing.close()
