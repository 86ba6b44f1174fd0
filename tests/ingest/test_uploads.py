"""The storage side of resumable uploads (:mod:`ingest.uploads`): offsets, conflicts,
caps and quotas, termination, cleaning, and the check of every finished file — real
files, a real SQLite catalogue, real ``.part`` files on disk."""

from __future__ import annotations

import datetime as dt
import io
import os

import pytest
from sqlalchemy import select

from catalog import accounts
from catalog.account_models import AuditEvent
from catalog.errors import Conflict, Forbidden, InvalidInput, NotFound
from catalog.upload_models import BatchStatus, Upload, UploadBatch, UploadStatus
from ingest import upload_batches, upload_cleaning, uploads
from ingest.upload_settings import UploadSettings
from tests.support.scans import hostile_files, jpeg_bytes, tiff_bytes
from tests.support.web import make_user


@pytest.fixture
def settings(tmp_path) -> UploadSettings:
    return UploadSettings(directory=tmp_path / "uploads", chunk_bytes=1000, quota_bytes=10**7)


@pytest.fixture
def world(sqlite_catalog):
    """Two partners, an operator of each, and an open batch of the first."""
    sqlite_catalog.add_partner("rajang", name="Pustaka Rajang", country="MY")
    sqlite_catalog.add_partner("khatulistiwa", name="Khatulistiwa", country="ID")
    a = make_user(sqlite_catalog, "op.a@example.org", ("operator", "rajang"))
    b = make_user(sqlite_catalog, "op.b@example.org", ("operator", "khatulistiwa"))
    op_a = accounts.principal(sqlite_catalog, a)
    op_b = accounts.principal(sqlite_catalog, b)
    batch = upload_batches.create_batch(sqlite_catalog, op_a, "rajang", "Kotak 1", "ind")
    return sqlite_catalog, op_a, op_b, batch.id


def _send(world, settings, name: str, content: bytes, pieces: int = 1) -> Upload:
    catalog, op, _, batch = world
    upload = uploads.create(catalog, settings, op, batch, len(content), {"filename": name})
    step = max(1, -(-len(content) // pieces))
    for start in range(0, len(content), step):
        upload = uploads.append(
            catalog, settings, op, upload.id, start, io.BytesIO(content[start : start + step])
        )
    return upload


def test_a_file_sent_in_pieces_is_complete_and_checked(world, settings):
    content = tiff_bytes(pages=3)
    upload = _send(world, settings, "kotak/surat.tif", content, pieces=4)
    assert upload.status == UploadStatus.COMPLETE
    assert (upload.offset, upload.media_type, upload.pages) == (len(content), "image/tiff", 3)
    assert upload.filename == "surat.tif"
    assert uploads.upload_path(settings, upload).read_bytes() == content
    listed = uploads.complete_uploads(world[0], world[3])
    assert [u.id for u in listed] == [upload.id]


def test_the_offset_must_match_and_nothing_is_written_past_it(world, settings):
    catalog, op, _, batch = world
    content = jpeg_bytes()
    upload = uploads.create(catalog, settings, op, batch, len(content), {"filename": "a.jpg"})
    uploads.append(catalog, settings, op, upload.id, 0, io.BytesIO(content[:100]))
    with pytest.raises(Conflict) as wrong:
        uploads.append(catalog, settings, op, upload.id, 50, io.BytesIO(content[50:]))
    assert wrong.value.fields["offset"] == 100
    assert uploads.get(catalog, settings, op, upload.id).offset == 100
    too_much = io.BytesIO(content[100:] + b"extra")
    with pytest.raises(uploads.UploadTooLarge):
        uploads.append(catalog, settings, op, upload.id, 100, too_much)
    assert uploads.upload_path(settings, upload).stat().st_size == 100
    done = uploads.append(catalog, settings, op, upload.id, 100, io.BytesIO(content[100:]))
    assert done.status == UploadStatus.COMPLETE


class Dropped(io.BytesIO):
    """A request body whose connection drops after ``keep`` bytes."""

    def __init__(self, data: bytes, keep: int) -> None:
        super().__init__(data[:keep])

    def read(self, size: int = -1) -> bytes:
        data = super().read(size)
        if not data:
            raise ConnectionResetError("client went away")
        return data


def test_bytes_received_before_a_dropped_connection_count(world, settings):
    catalog, op, _, batch = world
    content = tiff_bytes()
    upload = uploads.create(catalog, settings, op, batch, len(content), {"filename": "a.tif"})
    with pytest.raises(ConnectionResetError):
        uploads.append(catalog, settings, op, upload.id, 0, Dropped(content, 4321))
    assert uploads.get(catalog, settings, op, upload.id).offset == 4321
    done = uploads.append(catalog, settings, op, upload.id, 4321, io.BytesIO(content[4321:]))
    assert done.status == UploadStatus.COMPLETE
    assert uploads.upload_path(settings, done).read_bytes() == content


def test_head_trusts_the_bytes_on_disk_after_a_crash(world, settings):
    """A process killed mid-write never stored its offset: the file's size is it."""
    catalog, op, _, batch = world
    upload = uploads.create(catalog, settings, op, batch, 5000, {"filename": "a.tif"})
    uploads.upload_path(settings, upload).write_bytes(b"x" * 1234)
    assert uploads.get(catalog, settings, op, upload.id).offset == 1234


def test_a_second_writer_is_refused(world, settings):
    import fcntl

    catalog, op, _, batch = world
    upload = uploads.create(catalog, settings, op, batch, 5000, {"filename": "a.tif"})
    with open(uploads.upload_path(settings, upload), "ab") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        with pytest.raises(Conflict, match="another request"):
            uploads.append(catalog, settings, op, upload.id, 0, io.BytesIO(b"abc"))


def test_the_size_cap_and_the_quota(world, settings, tmp_path):
    catalog, op, _, batch = world
    capped = UploadSettings(directory=settings.directory, max_bytes=1000, quota_bytes=2500)
    with pytest.raises(uploads.UploadTooLarge) as big:
        uploads.create(catalog, capped, op, batch, 1001, {"filename": "big.tif"})
    assert (big.value.status, big.value.fields["kind"]) == (413, "file")
    first = uploads.create(catalog, capped, op, batch, 1000, {"filename": "1.tif"})
    uploads.create(catalog, capped, op, batch, 1000, {"filename": "2.tif"})
    with pytest.raises(uploads.UploadTooLarge) as quota:
        uploads.create(catalog, capped, op, batch, 600, {"filename": "3.tif"})
    assert quota.value.fields["kind"] == "quota"
    uploads.terminate(catalog, capped, op, first.id)  # a terminated one frees its share
    uploads.create(catalog, capped, op, batch, 600, {"filename": "3.tif"})
    with pytest.raises(InvalidInput):
        uploads.create(catalog, capped, op, batch, -1, {})


def test_the_default_cap_allows_masters_of_several_gigabytes(tmp_path):
    settings = UploadSettings.from_config({"UPLOADS_DIR": str(tmp_path)})
    assert settings.max_bytes == 8 * 1024**3
    assert settings.ingest.max_file_bytes >= settings.max_bytes
    small = UploadSettings.from_config({"UPLOADS_DIR": str(tmp_path), "UPLOAD_MAX_FILE_MB": 5})
    assert small.max_bytes == 5 * 1024**2


@pytest.mark.parametrize("name", sorted(hostile_files()))
def test_a_hostile_file_is_rejected_with_its_reason(world, settings, name):
    content, words = hostile_files()[name]
    upload = _send(world, settings, name, content, pieces=3)
    assert upload.status == UploadStatus.REJECTED
    assert words in upload.error and name in upload.error
    assert not uploads.upload_path(settings, upload).exists()
    with world[0].session() as s:
        event = s.scalars(select(AuditEvent).where(AuditEvent.target_id == upload.id)).one()
    assert (event.action, event.partner_id, event.actor) == (
        "upload.reject",
        "rajang",
        "op.a@example.org",
    )
    assert event.after["error"] == upload.error
    with pytest.raises(uploads.UploadGone):
        uploads.append(world[0], settings, world[1], upload.id, 0, io.BytesIO(b"x"))


def test_the_rest_of_a_batch_goes_on_beside_a_rejected_file(world, settings):
    _send(world, settings, "truncated.tif", hostile_files()["truncated.tif"][0])
    good = _send(world, settings, "good.jpg", jpeg_bytes())
    assert good.status == UploadStatus.COMPLETE
    listed = uploads.batch_uploads(world[0], world[3])
    assert {u.filename: u.status for u in listed} == {
        "truncated.tif": "rejected",
        "good.jpg": "complete",
    }
    summary = upload_batches.list_batches(world[0], world[1], "rajang")[0]
    assert summary.counts == {"rejected": 1, "complete": 1} and summary.files == 2


def test_another_users_upload_is_not_found_and_unchanged(world, settings):
    catalog, op_a, op_b, batch = world
    upload = uploads.create(catalog, settings, op_a, batch, 10, {"filename": "a.tif"})
    for call in (
        lambda: uploads.get(catalog, settings, op_b, upload.id),
        lambda: uploads.append(catalog, settings, op_b, upload.id, 0, io.BytesIO(b"0123456789")),
        lambda: uploads.terminate(catalog, settings, op_b, upload.id),
    ):
        with pytest.raises(NotFound):
            call()
    assert uploads.get(catalog, settings, op_a, upload.id).offset == 0
    with pytest.raises(Forbidden):  # B's operator may not upload into A's batch
        uploads.create(catalog, settings, op_b, batch, 10, {"filename": "b.tif"})


def test_a_closed_batch_takes_no_more_files(world, settings):
    catalog, op, _, batch = world
    with catalog.session() as s:
        s.get(UploadBatch, batch).status = BatchStatus.CONFIRMED
    with pytest.raises(Conflict):
        uploads.create(catalog, settings, op, batch, 10, {"filename": "a.tif"})


def test_termination_deletes_the_bytes(world, settings):
    catalog, op, _, batch = world
    upload = uploads.create(catalog, settings, op, batch, 100, {"filename": "a.tif"})
    uploads.append(catalog, settings, op, upload.id, 0, io.BytesIO(b"x" * 40))
    uploads.terminate(catalog, settings, op, upload.id)
    assert not uploads.upload_path(settings, upload).exists()
    with pytest.raises(uploads.UploadGone):
        uploads.get(catalog, settings, op, upload.id)
    with catalog.session() as s:
        assert s.get(Upload, upload.id).status == UploadStatus.TERMINATED


def test_cleaning_removes_abandoned_uploads_and_leftovers(world, settings):
    catalog, op, _, batch = world
    old = uploads.create(catalog, settings, op, batch, 100, {"filename": "old.tif"})
    fresh = uploads.create(catalog, settings, op, batch, 100, {"filename": "fresh.tif"})
    done = _send(world, settings, "done.jpg", jpeg_bytes())
    used = _send(world, settings, "used.jpg", jpeg_bytes())
    with catalog.session() as s:
        uploads.mark_used(s, used.id, file_sha256="0" * 64, record_id=1)
    with catalog.session() as s:  # a batch confirmed long ago, one file left unused
        closed = UploadBatch(partner_id="rajang")
        s.add(closed)
        s.flush()
        closed_id = closed.id
    unused = _send((catalog, op, None, closed_id), settings, "unused.jpg", jpeg_bytes())
    with catalog.session() as s:
        s.get(UploadBatch, closed_id).status = BatchStatus.CONFIRMED
        s.get(UploadBatch, closed_id).updated_at = dt.datetime(2000, 1, 1)
    stray = settings.directory / "nobody.part"
    stray.write_bytes(b"?")
    old_time = (dt.datetime.now() - dt.timedelta(hours=30)).timestamp()
    os.utime(stray, (old_time, old_time))
    later = dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(hours=23)
    with catalog.session() as s:
        s.get(Upload, old.id).updated_at = later - dt.timedelta(hours=25)

    assert upload_cleaning.clean(catalog, settings, now=later) == [old.id, unused.id]
    path = uploads.upload_path
    assert not path(settings, old).exists() and not path(settings, used).exists()
    assert not stray.exists() and not path(settings, unused).exists()
    assert path(settings, fresh).exists() and path(settings, done).exists()
    with catalog.session() as s:
        assert s.get(Upload, old.id).status == UploadStatus.TERMINATED
        actions = s.scalars(select(AuditEvent.action).where(AuditEvent.actor == "system")).all()
    assert actions == ["upload.abandon", "upload.abandon"]


def test_a_batch_language_must_be_a_language(world):
    catalog, op, _, _ = world
    with pytest.raises(InvalidInput, match="xqz"):
        upload_batches.create_batch(catalog, op, "rajang", "x", "xqz")
    assert upload_batches.create_batch(catalog, op, "rajang", "", "Bahasa Indonesia").language == (
        "ind"
    )
