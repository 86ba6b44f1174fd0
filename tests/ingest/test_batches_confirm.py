"""A batch from its sheet and uploads to draft records: the preview shows each row as it
will be catalogued and every error with its row and column; confirming makes drafts,
updates records by ``local_id`` keeping a version (the same sheet again changes
nothing), adds scans to harvested records, and stores nothing while there is an error."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from PIL import Image
from sqlalchemy import func, select

from catalog.account_models import AuditEvent
from catalog.errors import Conflict, Forbidden
from catalog.models import DigitalObject, Record, RecordVersion
from catalog.policy import Principal
from catalog.records import RecordData
from catalog.upload_models import BatchStatus, Upload, UploadBatch, UploadStatus
from ingest import batches
from ingest.batches import BatchHasErrors
from ingest.upload_settings import UploadSettings
from tests.support.web import make_user

HEADER = ["local_id", "files", "title", "language", "type", "subjects", "places", "shelfmark"]


@pytest.fixture
def operator(sqlite_catalog, partner):
    user = make_user(sqlite_catalog, "op@example.org", ("operator", partner))
    return Principal.of(user.id, True, [("operator", partner)], "op@example.org")


@pytest.fixture
def settings(tmp_path):
    """The uploads' settings as :func:`ingest.batches.confirm` uses them."""
    folder = tmp_path / "uploads"
    folder.mkdir()
    return UploadSettings(directory=folder)


@pytest.fixture
def new_batch(sqlite_catalog, partner, operator):
    def make(language: str | None = "msa") -> int:
        with sqlite_catalog.session() as s:
            batch = UploadBatch(partner_id=partner, user_id=operator.user_id, language=language)
            s.add(batch)
            s.flush()
            return batch.id

    return make


@pytest.fixture
def upload(sqlite_catalog, partner, settings):
    """``upload(batch_id, name, status="complete", colour=…)``: an upload of a small PNG
    with its bytes where the uploads keep them."""
    counter = iter(range(1000))

    def make(batch_id, name, status=UploadStatus.COMPLETE, colour="white", error=None):
        out = io.BytesIO()
        Image.new("RGB", (60, 40), colour).save(out, "PNG")
        upload_id = f"u{next(counter):04d}"
        (settings.directory / f"{upload_id}.part").write_bytes(out.getvalue())
        with sqlite_catalog.session() as s:
            s.add(
                Upload(
                    id=upload_id, partner_id=partner, batch_id=batch_id, filename=name,
                    length=len(out.getvalue()), offset=len(out.getvalue()), status=status,
                    media_type="image/png", pages=1, error=error,
                    created_at=dt.datetime(2026, 12, 1, 0, 0, next(counter) % 60),
                )
            )  # fmt: skip
        return upload_id

    return make


def _sheet(catalog, principal, batch_id, rows, header=HEADER):
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=";").writerows([header, *rows])
    return batches.attach_sheet(catalog, principal, batch_id, "items.csv", out.getvalue().encode())


def _count(catalog, model) -> int:
    with catalog.session() as s:
        return s.scalar(select(func.count()).select_from(model))


def _records(catalog) -> dict[str, Record]:
    with catalog.session() as s:
        return {r.local_id or r.title: r for r in s.scalars(select(Record))}


ROWS = [
    ["MS-1", "hikayat.png", "Hikayat Banjar", "bjn", "naskah", "Sejarah; Banjar", "Banjarmasin",
     "MS 12"],
    ["MS-2", "", "Peta Kuching", "", "map", "", "", ""],
]  # fmt: skip


def test_confirm_makes_drafts_from_rows_with_and_without_files(
    sqlite_catalog, file_store, settings, operator, new_batch, upload, partner
):
    batch_id = new_batch()
    upload_id = upload(batch_id, "hikayat.png")
    _sheet(sqlite_catalog, operator, batch_id, ROWS)
    preview = batches.preview(sqlite_catalog, operator, batch_id)
    assert preview.errors == [] and preview.confirmable
    assert [(r.row, r.action, r.title) for r in preview.rows] == [
        (2, "new", "Hikayat Banjar"),
        (3, "new", "Peta Kuching"),
    ]
    assert preview.rows[0].files == (batches.FileMatch("hikayat.png", upload_id),)
    assert _count(sqlite_catalog, Record) == 0  # a preview stores nothing

    done = batches.confirm(sqlite_catalog, file_store, settings, batch_id, operator)
    assert len(done.created) == 2 and done.updated == [] and len(done.objects) == 1
    records = _records(sqlite_catalog)
    scanned, described = records["MS-1"], records["MS-2"]
    assert (scanned.draft, scanned.origin, scanned.batch_id) == (True, "uploaded", batch_id)
    assert (described.draft, described.origin) == (True, "catalogued")
    assert scanned.published_at is None and scanned.partner_id == partner
    assert scanned.languages == ["bjn"] and described.languages == ["msa"]  # the batch's
    assert scanned.type == "manuscript" and scanned.subjects == ["Sejarah", "Banjar"]
    assert scanned.extra == {"coverage": ["Banjarmasin"], "call_number": ["MS 12"]}
    assert scanned.source_format == "upload-csv" and scanned.index_due is not None
    with sqlite_catalog.session() as s:
        [obj] = s.scalars(select(DigitalObject))
        assert (obj.record_id, obj.draft, obj.status, obj.label) == (
            scanned.id, False, "stored", "hikayat.png"
        )  # fmt: skip
        assert file_store.exists(obj.file_sha256)
        used = s.get(Upload, upload_id)
        assert (used.status, used.record_id, used.file_sha256) == (
            "used", scanned.id, obj.file_sha256
        )  # fmt: skip
        batch = s.get(UploadBatch, batch_id)
        assert batch.status == BatchStatus.CONFIRMED and batch.confirmed_at is not None
        assert [r["action"] for r in batch.report["rows"]] == ["new", "new"]
        actions = sorted(
            s.scalars(select(AuditEvent.action).where(AuditEvent.actor == "op@example.org"))
        )
    assert not (settings.directory / f"{upload_id}.part").exists()  # moved to the store
    assert actions == ["batch.confirm", "batch.sheet", "object.add", "record.create",
                       "record.create"]  # fmt: skip
    with pytest.raises(Conflict):
        batches.confirm(sqlite_catalog, file_store, settings, batch_id, operator)


def test_the_same_sheet_again_changes_nothing_and_a_changed_row_keeps_a_version(
    sqlite_catalog, file_store, settings, operator, new_batch, upload
):
    first = new_batch()
    upload(first, "hikayat.png")
    _sheet(sqlite_catalog, operator, first, ROWS)
    batches.confirm(sqlite_catalog, file_store, settings, first, operator)
    before = {k: (r.id, r.version, r.last_changed) for k, r in _records(sqlite_catalog).items()}

    again = new_batch()
    upload(again, "hikayat.png")  # the very same scan
    _sheet(sqlite_catalog, operator, again, ROWS)
    preview = batches.preview(sqlite_catalog, operator, again)
    assert [(r.action, r.record_id) for r in preview.rows] == [
        ("unchanged", before["MS-1"][0]),
        ("unchanged", before["MS-2"][0]),
    ]
    assert [p.code for p in preview.warnings] == ["file_attached"]
    done = batches.confirm(sqlite_catalog, file_store, settings, again, operator)
    assert (done.created, done.updated, done.objects) == ([], [], [])
    after = {k: (r.id, r.version, r.last_changed) for k, r in _records(sqlite_catalog).items()}
    assert after == before
    assert _count(sqlite_catalog, Record) == 2 and _count(sqlite_catalog, DigitalObject) == 1
    assert _count(sqlite_catalog, RecordVersion) == 0

    bare = new_batch()  # the same sheet once more, its scan not uploaded again
    _sheet(sqlite_catalog, operator, bare, ROWS)
    preview = batches.preview(sqlite_catalog, operator, bare)
    assert preview.errors == [] and [r.action for r in preview.rows] == ["unchanged"] * 2
    assert [(p.row, p.column, p.code) for p in preview.warnings] == [(2, "files", "file_kept")]
    assert preview.rows[0].files == ()
    done = batches.confirm(sqlite_catalog, file_store, settings, bare, operator)
    assert (done.created, done.updated, done.objects) == ([], [], [])
    assert _count(sqlite_catalog, DigitalObject) == 1

    changed = new_batch()
    unnamed = [ROWS[0][0], "", *ROWS[0][2:]]  # the scans are in, the row needs none
    rows = [unnamed, ["MS-2", "", "Peta Kuching 1890", "", "map"]]
    _sheet(sqlite_catalog, operator, changed, rows)
    preview = batches.preview(sqlite_catalog, operator, changed)
    assert [r.action for r in preview.rows] == ["unchanged", "update"]
    done = batches.confirm(sqlite_catalog, file_store, settings, changed, operator)
    assert done.updated == [before["MS-2"][0]] and done.created == []
    record = _records(sqlite_catalog)["MS-2"]
    assert record.title == "Peta Kuching 1890" and record.version == before["MS-2"][1] + 1
    assert record.draft is True and record.batch_id == first  # made by the first batch
    with sqlite_catalog.session() as s:
        [version] = s.scalars(select(RecordVersion))
        event = s.scalar(select(AuditEvent).where(AuditEvent.action == "record.update"))
    assert (version.record_id, version.number, version.source) == (
        record.id, before["MS-2"][1], f"sheet:{changed}"
    )  # fmt: skip
    assert version.fields["title"] == "Peta Kuching" and version.actor == "op@example.org"
    assert event.before["title"] == "Peta Kuching" and event.after["title"] == "Peta Kuching 1890"


def test_scans_go_to_a_harvested_record_as_drafts_its_description_untouched(
    sqlite_catalog, file_store, settings, operator, new_batch, upload, partner
):
    harvested = sqlite_catalog.upsert_record(
        partner, RecordData(oai_identifier="oai:pustaka:7", title="Syair Perahu")
    ).record_id
    batch_id = new_batch()
    upload(batch_id, "p1.png", colour="red")
    upload(batch_id, "p2.png", colour="blue")
    header = ["record", "files", "title"]
    _sheet(sqlite_catalog, operator, batch_id, [["oai:pustaka:7", "p1.png|p2.png", "Syair"]],
           header)  # fmt: skip
    [row] = batches.preview(sqlite_catalog, operator, batch_id).rows
    assert (row.action, row.record_id, row.title) == ("scans", harvested, "Syair Perahu")
    assert [(p.column, p.code) for p in row.problems] == [("title", "record_metadata_ignored")]
    done = batches.confirm(sqlite_catalog, file_store, settings, batch_id, operator)
    assert done.created == [] and len(done.objects) == 2
    with sqlite_catalog.session() as s:
        record = s.get(Record, harvested)
        assert (record.title, record.origin, record.draft) == ("Syair Perahu", "harvested", False)
        assert [(o.label, o.draft) for o in record.objects] == [("p1.png", True), ("p2.png", True)]


def test_nothing_is_stored_while_the_preview_has_errors(
    sqlite_catalog, file_store, settings, operator, new_batch, upload
):
    batch_id = new_batch()
    good = upload(batch_id, "a.png")
    upload(batch_id, "bad.png", status=UploadStatus.REJECTED, error="not a supported file")
    upload(batch_id, "spare.png")
    rows = [
        ["L1", "a.png; missing.png", "Surat", "", "", "", "", ""],
        ["L2", "bad.png", "", "xx-no", "", "", "", ""],
    ]
    _sheet(sqlite_catalog, operator, batch_id, rows)
    preview = batches.preview(sqlite_catalog, operator, batch_id)
    assert not preview.confirmable
    assert [(p.row, p.column, p.code) for p in preview.errors] == [
        (2, "files", "file_not_uploaded"),
        (3, "title", "title_missing"),
        (3, "language", "language_unknown"),
        (3, "files", "file_rejected"),
    ]
    assert batches.message(preview.errors[3]) == "“bad.png” was refused: not a supported file"
    assert [(p.code, p.params["value"]) for p in preview.warnings] == [
        ("upload_unnamed", "spare.png")
    ]
    with pytest.raises(BatchHasErrors) as caught:
        batches.confirm(sqlite_catalog, file_store, settings, batch_id, operator)
    assert len(caught.value.preview.errors) == 4
    assert _count(sqlite_catalog, Record) == 0 and _count(sqlite_catalog, DigitalObject) == 0
    assert list(file_store.iter_checksums()) == []
    with sqlite_catalog.session() as s:
        assert s.get(Upload, good).status == "complete"
        assert s.get(UploadBatch, batch_id).status == "open"
    assert (settings.directory / f"{good}.part").exists()


def test_an_unknown_record_is_an_error_on_its_row(sqlite_catalog, operator, new_batch, upload):
    batch_id = new_batch()
    upload(batch_id, "a.png")
    _sheet(sqlite_catalog, operator, batch_id, [["999999", "a.png"]], ["record", "files"])
    [error] = batches.preview(sqlite_catalog, operator, batch_id).errors
    assert (error.row, error.column, error.code) == (2, "record", "record_unknown")


def test_without_a_sheet_each_file_becomes_a_draft_titled_after_it(
    sqlite_catalog, file_store, settings, operator, new_batch, upload
):
    batch_id = new_batch(language=None)
    upload(batch_id, "Surat 1901.png", colour="red")
    upload(batch_id, "warta.png", colour="blue")
    preview = batches.preview(sqlite_catalog, operator, batch_id)
    assert [(r.action, r.title) for r in preview.rows] == [
        ("new", "Surat 1901"),
        ("new", "warta"),
    ]
    done = batches.confirm(sqlite_catalog, file_store, settings, batch_id, operator)
    assert len(done.created) == 2 and len(done.objects) == 2
    records = _records(sqlite_catalog)
    assert records["warta"].draft and records["warta"].origin == "uploaded"


def test_an_empty_batch_has_nothing_to_confirm(sqlite_catalog, operator, new_batch):
    preview = batches.preview(sqlite_catalog, operator, new_batch())
    assert [p.code for p in preview.errors] == ["nothing"] and not preview.confirmable


def test_another_partners_member_may_neither_preview_nor_confirm(
    sqlite_catalog, file_store, settings, new_batch
):
    sqlite_catalog.add_partner("lain", name="Lain", country="ID")
    user = make_user(sqlite_catalog, "b@example.org", ("partner-admin", "lain"))
    stranger = Principal.of(user.id, True, [("partner-admin", "lain")], "b@example.org")
    batch_id = new_batch()
    with pytest.raises(Forbidden):
        batches.preview(sqlite_catalog, stranger, batch_id)
    with pytest.raises(Forbidden):
        _sheet(sqlite_catalog, stranger, batch_id, ROWS)
    with pytest.raises(Forbidden):
        batches.confirm(sqlite_catalog, file_store, settings, batch_id, stranger)
    with sqlite_catalog.session() as s:
        assert s.get(UploadBatch, batch_id).sheet is None


def test_an_upload_whose_bytes_are_gone_stops_the_confirm_with_nothing_stored(
    sqlite_catalog, file_store, settings, operator, new_batch, upload
):
    batch_id = new_batch()
    gone = upload(batch_id, "hikayat.png")
    _sheet(sqlite_catalog, operator, batch_id, ROWS)
    (settings.directory / f"{gone}.part").unlink()
    with pytest.raises(Conflict) as caught:
        batches.confirm(sqlite_catalog, file_store, settings, batch_id, operator)
    assert caught.value.fields["code"] == "changed"
    assert _count(sqlite_catalog, Record) == 0
    with sqlite_catalog.session() as s:
        assert s.get(UploadBatch, batch_id).status == "open"
