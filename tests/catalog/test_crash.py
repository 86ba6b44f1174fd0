"""kill -9 in the middle of upserts and file writes: no partial record, no half file."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import textwrap

from sqlalchemy import func, select

from catalog.files import FileStore
from catalog.models import Record
from catalog.store import Catalog

BATCH = 50

WRITER = textwrap.dedent(
    """
    import os, sys
    from catalog.files import FileStore
    from catalog.records import RecordData
    from catalog.store import Catalog

    catalog = Catalog(sys.argv[1])
    files = FileStore(sys.argv[2])
    batch = int(sys.argv[3])
    n = 0
    while True:
        items = []
        for _ in range(batch):
            n += 1
            items.append(RecordData(
                oai_identifier=f"oai:crash:{n}", title=f"Surat {n}",
                subjects=("surat", "arsip"), description="x" * 2000,
                raw_xml=f"<r>{n}</r>".encode()))
        catalog.upsert_records("crash", items)
        files.put_bytes(os.urandom(256 * 1024) + str(n).encode())
        print(n, flush=True)
    """
)


def test_kill_minus_nine_leaves_whole_batches_and_whole_files(catalog, tmp_path):
    catalog.add_partner("crash", name="Crash test", country="BN")
    files_dir = tmp_path / "files"
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, catalog.url, str(files_dir), str(BATCH)],
        stdout=subprocess.PIPE,
        env=env,
        text=True,
    )
    seen = 0
    while seen < 20 * BATCH:  # let it write a good number of batches, then kill it mid-flight
        line = proc.stdout.readline()
        assert line, "writer died on its own"
        seen = int(line)
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    proc.stdout.close()

    reopened = Catalog(catalog.url)
    with reopened.session() as s:
        count = s.scalar(select(func.count()).select_from(Record))
        titles = set(s.scalars(select(Record.title)))
        broken = s.scalar(
            select(func.count())
            .select_from(Record)
            .where((Record.raw_xml_id.is_(None)) | (Record.content_hash == ""))
        )
    reopened.dispose()
    assert count >= seen and count % BATCH == 0, "a batch was half written"
    assert titles == {f"Surat {n}" for n in range(1, count + 1)}
    assert broken == 0

    store = FileStore(files_dir)
    checksums = list(store.iter_checksums())
    assert len(checksums) >= seen // BATCH
    for sha in checksums:
        assert hashlib.sha256(store.read(sha)).hexdigest() == sha, "a half-written file"
    store.clean_incoming()
    assert not list(files_dir.glob(".incoming-*"))
