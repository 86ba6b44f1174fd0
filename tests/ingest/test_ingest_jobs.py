"""The job pipeline end to end: CLI batch intake, foreground runs, the cache, retries that
end visibly failed, Redis, and a worker killed with SIGKILL mid-batch that resumes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from catalog.models import DigitalObject, Page, Record
from portal.foreground import run_queue
from portal.services import get_services
from portal.tasks import get_jobs

from .conftest import ENGLISH, INDONESIAN, MALAY, render, save

pytestmark = pytest.mark.tesseract


def _scans(folder, count, lines=MALAY):
    folder.mkdir(exist_ok=True)
    for n in range(count):
        text = [*lines, f"halaman nomor {n}"]
        save(render(text, size=(1400, 700)).image, folder / f"page{n:02}.png", dpi=(300, 300))
    return folder


def _partner(app):
    with app.app_context():
        get_services().catalog.add_partner("arsip-test", name="Arsip", country="ID")


def _wait_until_group_is_gone(group: int, timeout: float = 30) -> None:
    """Wait until no live (non-zombie) process of a process group is left, as after a
    machine restart; SIGKILL is delivered asynchronously to the worker's children."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        alive = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rpartition(")")[2].split()
            except OSError:
                continue
            if int(fields[2]) == group and fields[0] not in ("Z", "X"):
                alive.append(stat.parent.name)
        if not alive:
            return
        time.sleep(0.05)
    raise AssertionError(f"processes of group {group} still alive: {alive}")


def _pages(app):
    with app.app_context(), get_services().catalog.session() as s:
        return list(s.scalars(select(Page).order_by(Page.id)))


def test_csv_batch_intake_then_foreground_ocr(app, runner, tmp_path):
    _partner(app)
    folder = _scans(tmp_path / "batch", 3)
    (folder / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 30)
    (folder / "metadata.csv").write_text(
        "files,title,creator,date,language,type,rights,description\n"
        "page00.png;page01.png,Warta Borneo,Redaksi; Percetakan Kuching,1936,msa,newspaper,"
        "CC BY 4.0,Two pages\n"
        "page02.png|broken.png,Surat Rasmi,,c. 1950-1955,ind,manuscript,,\n",
        encoding="utf-8",
    )
    result = runner.invoke(
        args=[
            "ingest",
            str(folder),
            "--partner",
            "arsip-test",
            "--csv",
            str(folder / "metadata.csv"),
        ]
    )
    assert result.exit_code == 1, result.output
    assert "ok     page00.png" in result.output
    assert "error  broken.png" in result.output and "3 file(s) taken in, 1 refused" in result.output
    result = runner.invoke(args=["ocr"])
    assert result.exit_code == 0, result.output
    assert "Pages: 3 done, 0 failed, 0 unfinished" in result.output
    with app.app_context(), get_services().catalog.session() as s:
        records = {r.title: r for r in s.scalars(select(Record))}
        assert records["Warta Borneo"].creators == ["Redaksi", "Percetakan Kuching"]
        assert (
            records["Warta Borneo"].type == "newspaper"
            and records["Warta Borneo"].year_from == 1936
        )
        assert (records["Surat Rasmi"].year_from, records["Surat Rasmi"].year_to) == (1950, 1955)
        assert (
            len(records["Warta Borneo"].objects) == 2 and len(records["Surat Rasmi"].objects) == 1
        )
    pages = _pages(app)
    assert all(p.ocr_status == "done" and "halaman" in p.text for p in pages)


def test_second_run_does_no_ocr_and_identical_scans_share_a_result(app, runner, tmp_path):
    _partner(app)
    folder = _scans(tmp_path / "scans", 1, ENGLISH)
    runner.invoke(args=["ingest", str(folder), "--partner", "arsip-test"])
    runner.invoke(args=["ingest", str(folder), "--partner", "arsip-test"])  # the same scan again
    assert runner.invoke(args=["ocr"]).exit_code == 0
    first, second = _pages(app)
    assert first.ocr_key == second.ocr_key and first.words == second.words
    before = [(p.id, p.ocr_at) for p in _pages(app)]
    result = runner.invoke(args=["ocr", "--pending"])
    assert "0 object(s) to ingest, 0 page(s) to OCR" in result.output
    assert [(p.id, p.ocr_at) for p in _pages(app)] == before


def test_changed_ocr_settings_mean_a_new_ocr(app, runner, tmp_path):
    from ingest.pages import ocr_page
    from ingest.settings import IngestSettings

    _partner(app)
    runner.invoke(
        args=["ingest", str(_scans(tmp_path / "s", 1, INDONESIAN)), "--partner", "arsip-test"]
    )
    runner.invoke(args=["ocr"])
    [page] = _pages(app)
    with app.app_context():
        services = get_services()
        settings = IngestSettings.from_config({**app.config, "OCR_LANGUAGES": "ind+msa"})
        assert ocr_page(services.catalog, services.files, page.id, settings).action == "ocr"
    assert _pages(app)[0].ocr_key != page.ocr_key


def test_failing_ocr_retries_with_backoff_then_stays_failed(app, runner, tmp_path):
    app.config.update(OCR_LANGUAGES="xyz", OCR_RETRIES=2, OCR_RETRY_DELAY=0.05)
    _partner(app)
    runner.invoke(args=["ingest", str(_scans(tmp_path / "s", 1)), "--partner", "arsip-test"])
    result = runner.invoke(args=["ocr"])
    assert result.exit_code != 0 and "language pack(s) missing: xyz" in result.output
    with app.app_context():
        jobs = get_jobs()
        assert jobs.retries == 2
        ran = run_queue(jobs, processes=1)
    assert ran == 1 + 1 + 2  # ingest, OCR, two retries
    [page] = _pages(app)
    assert page.ocr_status == "failed" and "xyz" in page.ocr_error


def test_a_page_failing_in_a_batch_retries_alone_then_stays_failed(app, runner, tmp_path):
    app.config.update(OCR_RETRIES=1, OCR_RETRY_DELAY=0.05, WORKER_PROCESSES=1)  # one batch
    _partner(app)
    runner.invoke(args=["ingest", str(_scans(tmp_path / "s", 3)), "--partner", "arsip-test"])
    assert runner.invoke(args=["ocr"]).exit_code == 0
    first, bad, third = _pages(app)
    with app.app_context():
        services = get_services()
        master = services.files.path(bad.image_sha256)
        master.write_bytes(master.read_bytes()[:200])  # Tesseract cannot read it
        with services.catalog.session() as s:
            for page in s.scalars(select(Page)):
                page.ocr_status, page.ocr_key = "pending", None
        get_jobs().ocr_page(first.id)  # its batch takes the two others along
        ran = run_queue(get_jobs(), processes=1)
    assert ran == 1 + 1 + 1 + 1  # the batch, the index job, the bad page alone, its one retry
    first, bad, third = _pages(app)
    assert first.ocr_status == third.ocr_status == "done"
    assert bad.ocr_status == "failed" and "Tesseract failed" in bad.ocr_error


def test_bad_master_fails_without_retry(app, runner, tmp_path):
    _partner(app)
    runner.invoke(args=["ingest", str(_scans(tmp_path / "s", 1)), "--partner", "arsip-test"])
    runner.invoke(args=["ocr"])
    [page] = _pages(app)
    with app.app_context():
        services = get_services()
        with services.catalog.session() as s:
            s.get(Page, page.id).ocr_status = "pending"
        master = services.files.read(page.image_sha256)
        services.files.path(page.image_sha256).unlink()
        get_jobs().ocr_page(page.id)
        assert run_queue(get_jobs(), processes=1) == 1
    [page] = _pages(app)
    assert page.ocr_status == "failed" and "missing" in page.ocr_error
    result = runner.invoke(args=["ocr"])
    assert "0 done, 1 failed" in result.output and "missing" in result.output
    with app.app_context():
        get_services().files.put_bytes(master)
    result = runner.invoke(args=["ocr", "--retry-failed"])
    assert "Trying again 0 failed object(s) and 1 failed page(s)" in result.output
    [page] = _pages(app)
    assert page.ocr_status == "done" and page.ocr_error is None


@pytest.mark.redis
def test_redis_queue(app, runner, tmp_path, redis_url):
    app.config["QUEUE_URL"] = redis_url
    _partner(app)
    runner.invoke(args=["ingest", str(_scans(tmp_path / "s", 2)), "--partner", "arsip-test"])
    with app.app_context():
        jobs = get_jobs()
        assert type(jobs.huey).__name__ == "RedisHuey" and jobs.stats()["queued"] == 2
    result = runner.invoke(args=["ocr"])
    assert "Pages: 2 done" in result.output, result.output
    with app.app_context():
        assert get_jobs().stats() == {"queued": 0, "scheduled": 0}


@pytest.mark.slow
def test_worker_killed_mid_batch_resumes_and_ocrs_each_page_once(
    app, runner, tmp_path, instance_dir
):
    _partner(app)
    runner.invoke(args=["ingest", str(_scans(tmp_path / "s", 10)), "--partner", "arsip-test"])
    env = {**os.environ, "WARISAN_INSTANCE": str(instance_dir), "WARISAN_SECRET_KEY": "test"}
    worker = subprocess.Popen(
        [sys.executable, "-c", "from portal.cli import main; main()", "worker", "--processes", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            done = [p for p in _pages(app) if p.ocr_status == "done"]
            if len(done) >= 2:
                break
            time.sleep(0.05)
    finally:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(10)
        _wait_until_group_is_gone(worker.pid)
    pages = _pages(app)
    done_before = {p.id: p.ocr_at for p in pages if p.ocr_status == "done"}
    assert 2 <= len(done_before) < 10, "the worker should be killed mid-batch"
    assert len(pages) == 10
    result = runner.invoke(args=["ocr", "--pending"])
    assert result.exit_code == 0, result.output
    pages = _pages(app)
    assert [p.ocr_status for p in pages] == ["done"] * 10, (
        [p.ocr_key for p in pages],
        result.output,
    )
    assert {p.id: p.ocr_at for p in pages if p.id in done_before} == done_before
    with app.app_context(), get_services().catalog.session() as s:
        assert {o.status for o in s.scalars(select(DigitalObject))} == {"ingested"}


def test_ocr_text_is_searchable_with_hit_boxes_after_the_reindex_job(app, runner, tmp_path):
    pytest.importorskip("search.service")
    _partner(app)
    runner.invoke(args=["ingest", str(_scans(tmp_path / "s", 1)), "--partner", "arsip-test"])
    assert runner.invoke(args=["ocr"]).exit_code == 0
    [page] = _pages(app)
    with app.app_context():
        services = get_services()
        with services.catalog.session() as s:
            record_id = s.get(DigitalObject, page.object_id).record_id
        hits = services.search.search_inside(record_id, "sekolah")
    assert [h.page_id for h in hits] == [page.id]
    word = next(w for w in page.words if w[0] == "sekolah")
    assert (word[1], word[2], word[3], word[4]) in {(b.x, b.y, b.w, b.h) for b in hits[0].boxes}


def test_in_memory_queue_runs_in_the_foreground_process(app, runner, tmp_path):
    app.config["QUEUE_URL"] = "memory://"
    _partner(app)
    runner.invoke(
        args=["ingest", str(_scans(tmp_path / "s", 1, ENGLISH)), "--partner", "arsip-test"]
    )
    result = runner.invoke(args=["ocr"])
    assert "Pages: 1 done, 0 failed, 0 unfinished" in result.output, result.output
    [page] = _pages(app)
    assert page.language == "eng"
