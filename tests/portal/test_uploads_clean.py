"""Abandoned uploads go: ``warisan uploads clean`` and the queue's hourly job both run
:func:`ingest.upload_cleaning.clean` on the portal's own settings."""

from __future__ import annotations

import datetime as dt

from catalog import accounts
from catalog.upload_models import Upload, UploadStatus
from ingest import upload_batches, uploads
from ingest.upload_settings import UploadSettings
from portal.services import get_services
from portal.tasks import get_jobs
from tests.support.web import make_user


def _abandoned(app) -> tuple[str, UploadSettings]:
    with app.app_context():
        catalog = get_services().catalog
        settings = UploadSettings.from_config(app.config)
    catalog.add_partner("rajang", name="Pustaka Rajang", country="MY")
    user = make_user(catalog, "op@example.org", ("operator", "rajang"))
    op = accounts.principal(catalog, user)
    batch = upload_batches.create_batch(catalog, op, "rajang")
    upload = uploads.create(catalog, settings, op, batch.id, 100, {"filename": "a.tif"})
    with catalog.session() as s:
        s.get(Upload, upload.id).updated_at -= dt.timedelta(hours=25)
    return upload.id, settings


def _status(app, upload_id: str) -> str:
    with app.app_context(), get_services().catalog.session() as s:
        return s.get(Upload, upload_id).status


def test_the_command_removes_abandoned_uploads(app, runner):
    upload_id, settings = _abandoned(app)
    assert (
        settings.directory == app.config["UPLOADS_DIR"]
        or str(settings.directory) == (app.config["UPLOADS_DIR"])
    )
    assert uploads.upload_path(settings, upload_id).exists()
    result = runner.invoke(args=["uploads", "clean"])
    assert result.exit_code == 0 and result.output.startswith("1 abandoned upload removed")
    assert _status(app, upload_id) == UploadStatus.TERMINATED
    assert not uploads.upload_path(settings, upload_id).exists()
    assert runner.invoke(args=["uploads", "clean"]).output.startswith("0 abandoned uploads")


def test_the_hourly_job_removes_them_too(app):
    upload_id, _settings = _abandoned(app)
    app.config["QUEUE_URL"] = "memory://"
    with app.app_context():
        jobs = get_jobs()
        assert jobs.clean_uploads.call_local() == 1
    assert _status(app, upload_id) == UploadStatus.TERMINATED
