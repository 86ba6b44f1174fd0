"""``warisan worker``, ``warisan ocr`` and ``warisan ingest``: the ingest pipeline's CLI."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import click
from flask.cli import with_appcontext

from catalog.errors import InvalidInput
from ingest import batch, ocr, work
from portal.services import get_services
from portal.tasks import get_jobs


def _processes(jobs, value: int | None) -> int:
    return value or jobs.settings.processes


def _check_tesseract(jobs) -> None:
    """Fail loudly when Tesseract or a model of the default path is missing; say which
    models are there (a record's language uses its own model only when installed)."""
    settings = jobs.settings
    needed = "+".join(filter(None, (settings.languages, settings.reread_languages)))
    version = ocr.check_tesseract(needed, settings.tesseract_cmd)
    installed = " ".join(sorted(ocr.installed_models(settings.tesseract_cmd)))
    again = settings.reread_languages
    again = f", read again with {again} when unsure" if again else ""
    click.echo(
        f"Tesseract {version}; pages without a language hint: {settings.languages}{again}; "
        f"models installed: {installed}.",
        err=True,
    )


@click.command("worker")
@click.option(
    "--processes", type=click.IntRange(1, 256), help="Worker processes (default: one per core)."
)
@with_appcontext
def worker(processes: int | None) -> None:
    """Run queued jobs (fetch scans, ingest, OCR, reindex) until stopped with Ctrl-C.

    Unfinished work found in the catalogue is queued again first, so a worker that was
    killed resumes where it stopped.
    """
    services = get_services()
    jobs = get_jobs()
    _check_tesseract(jobs)
    todo = jobs.enqueue_pending()
    click.echo(f"Resumed {len(todo)} unfinished job(s).", err=True)
    jobs.before_fork()
    services.close()  # worker processes open their own connections
    consumer = jobs.huey.create_consumer(
        workers=_processes(jobs, processes),
        worker_type="process",
        periodic=True,
        initial_delay=0.05,
        backoff=1.3,
        max_delay=1.0,
    )
    consumer.run()


@click.command("ocr")
@click.option("--pending", is_flag=True, help="Queue every unfinished fetch, ingest and OCR first.")
@click.option(
    "--record", "record_id", type=int, help="Queue the unfinished work of one record first."
)
@click.option("--retry-failed", is_flag=True, help="Try failed objects and pages again.")
@click.option("--processes", type=click.IntRange(1, 256), help="Processes (default: one per core).")
@with_appcontext
def ocr_command(
    pending: bool, record_id: int | None, processes: int | None, retry_failed: bool = False
) -> None:
    """Run queued jobs in the foreground with a progress bar; exits when the queue is empty."""
    from portal.foreground import run_queue

    services = get_services()
    jobs = get_jobs()
    _check_tesseract(jobs)
    if retry_failed:
        objects, pages = work.retry_failed(services.catalog, record_id=record_id)
        click.echo(f"Trying again {objects} failed object(s) and {pages} failed page(s).")
    if pending or retry_failed or record_id is not None:
        todo = jobs.enqueue_pending(record_id)
        click.echo(
            f"Queued {len(todo.fetch)} scan fetch(es), {len(todo.ingest)} object(s) to "
            f"ingest, {len(todo.ocr)} page(s) to OCR, {len(todo.index)} record(s) to index."
        )
    stats = jobs.stats()
    models: Counter[str] = Counter()

    def note(name: str, value) -> None:
        if name == "ocr_page" and isinstance(value, dict):
            models.update(value.get("models") or ())

    with click.progressbar(length=max(stats["queued"], 1), label="Jobs") as bar:

        def advance(finished: int, known: int) -> None:
            bar.length = max(bar.length, known)
            bar.update(finished - bar.pos)

        ran = run_queue(
            jobs, processes=_processes(jobs, processes), on_done=advance, on_result=note
        )
    counts = work.page_counts(services.catalog, record_id=record_id)
    click.echo(
        f"Ran {ran} job(s). Pages: {counts['done']} done, {counts['failed']} failed, "
        f"{counts['pending'] + counts['running']} unfinished."
    )
    used = ", ".join(f"{model} {n}" for model, n in sorted(models.items()))
    click.echo(f"Tesseract models used (pages): {used or 'none'}.")
    for failure in work.failures(services.catalog, limit=20):
        where = f"page {failure['page']}" if "page" in failure else f"object {failure['object']}"
        click.echo(f"  failed: {where}: {failure['error']}")


@click.command("ingest")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--partner", "partner_id", required=True, help="Partner the items belong to.")
@click.option("--record", "record_id", type=int, help="Attach the files to this record.")
@click.option(
    "--sheet",
    "--csv",
    "csv_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Metadata sheet for a folder, CSV (comma or semicolon) or XLSX: one row per item "
    "(local_id, record, files, title, creator, date, language, type, subjects, places, "
    "publisher, extent, shelfmark, rights, description).",
)
@click.option(
    "--draft", is_flag=True, help="Make new records drafts (published later in the workspace)."
)
@with_appcontext
def ingest_command(
    paths: tuple[Path, ...],
    partner_id: str,
    record_id: int | None,
    csv_path: Path | None,
    draft: bool = False,
) -> None:
    """Take in scans (files or folders) for partner --partner and queue them for OCR.

    Every file is checked in full first; a bad file is reported and the batch goes on.
    A sheet with any error is reported whole (every row and column) and nothing is
    taken in. A row whose local_id names a record of the partner updates that record
    (keeping a version) instead of adding one, so running the same sheet again adds
    nothing. Exits with status 1 when any file was refused.
    """
    services = get_services()
    jobs = get_jobs()
    try:
        items = _items(paths, csv_path)
    except InvalidInput as exc:
        raise click.ClickException(exc.message) from exc
    total = sum(len(item.files) for item in items)
    reports: list[batch.FileReport] = []
    with click.progressbar(length=total, label="Files") as bar:

        def progress(report: batch.FileReport) -> None:
            reports.append(report)
            bar.update(1)

        batch.take_in(
            services.catalog,
            services.files,
            partner_id,
            items,
            jobs.settings,
            record_id=record_id,
            draft=draft,
            progress=progress,
        )
    for report in reports:
        if report.status == "ok" and report.object_id is None:
            click.echo(f"ok     {report.file}: record {report.record_id}, {report.message}")
        elif report.status == "ok":
            jobs.ingest_object(report.object_id)
            click.echo(
                f"ok     {report.file}: record {report.record_id}, object "
                f"{report.object_id}, {report.pages} page(s)"
            )
        else:
            click.echo(f"error  {report.message}")
    bad = sum(r.status != "ok" for r in reports)
    click.echo(
        f"{len(reports) - bad} file(s) taken in, {bad} refused. "
        "Run `warisan ocr` or a `warisan worker` to OCR them."
    )
    if bad:
        raise SystemExit(1)


def _items(paths: tuple[Path, ...], csv_path: Path | None) -> list[batch.Item]:
    if csv_path is not None:
        if len(paths) != 1 or not paths[0].is_dir():
            raise click.UsageError("--sheet needs exactly one FOLDER argument")
        return batch.read_csv(paths[0], csv_path)
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(
                sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith("."))
            )
        else:
            files.append(path)
    return [batch.Item((path,), None) for path in files]


commands = [worker, ocr_command, ingest_command]
