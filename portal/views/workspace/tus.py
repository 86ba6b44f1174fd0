"""The HTTP side of resumable uploads: the tus 1.0 protocol (core, creation,
termination) at ``/workspace/uploads/``, spoken by Uppy's ``@uppy/tus`` in the batch
page (``static/js/uploads.js``). The storage side is :mod:`ingest.uploads`.

- ``OPTIONS /workspace/uploads/`` says what the server supports (``Tus-Version``,
  ``Tus-Extension``, ``Tus-Max-Size``); no login needed.
- ``POST /workspace/uploads/`` creates an upload (``Upload-Length``,
  ``Upload-Metadata`` with ``filename`` and ``batch_id``): 201 with ``Location``.
  Throttled per user (``UPLOAD_LIMIT_PER_USER``, :mod:`portal.auth`).
- ``HEAD /workspace/uploads/<id>`` gives ``Upload-Offset`` (resume from there);
  ``PATCH`` (``Content-Type: application/offset+octet-stream``, ``Upload-Offset``)
  appends the body, streamed from ``request.stream``; ``DELETE`` terminates.

Every request but ``OPTIONS`` needs a login, ``Tus-Resumable: 1.0.0`` (else 412) and,
for ``POST``/``PATCH``/``DELETE``, the CSRF token in the ``X-CSRFToken`` header
(Flask-WTF's ``CSRFProtect`` checks it as for any form). The policy decides:
:data:`~catalog.policy.Action.UPLOAD_SCANS` on the batch's partner; an upload of another
user is 404. Errors answer as JSON ``{"error", "message"}`` (:mod:`portal.errors`), so
the page can show the message: 413 over the size cap or quota, 409 for a wrong offset
or a second writer, 410 for an upload that takes no more bytes, and 422 with the
reason when the finished file is refused (not an image, truncated, a bomb, empty).
"""

from __future__ import annotations

import base64
import binascii

from flask import Response, current_app, request, url_for
from flask_login import login_required

from catalog.errors import IngestError, InvalidInput, WarisanError
from catalog.upload_models import Upload, UploadStatus
from ingest import uploads
from ingest.upload_settings import UploadSettings
from portal import auth
from portal.services import get_services
from portal.views.workspace import bp

TUS_VERSION = "1.0.0"
PREFIX = "/workspace/uploads/"
OFFSET_TYPE = "application/offset+octet-stream"


class UnsupportedVersion(WarisanError):
    """A request without ``Tus-Resumable: 1.0.0``."""

    status = 412


class WrongContentType(WarisanError):
    status = 415


def upload_settings() -> UploadSettings:
    return UploadSettings.from_config(current_app.config)


@bp.after_app_request
def _tus_headers(response: Response) -> Response:
    """``Tus-Resumable`` on every answer under ``/workspace/uploads/`` (errors too), and
    ``Tus-Version`` with a 412."""
    if request.path.startswith(PREFIX):
        response.headers["Tus-Resumable"] = TUS_VERSION
        response.headers.setdefault("Cache-Control", "no-store")
        if response.status_code == 412:
            response.headers["Tus-Version"] = TUS_VERSION
    return response


def _check_version() -> None:
    if request.headers.get("Tus-Resumable") != TUS_VERSION:
        raise UnsupportedVersion(f"this server speaks tus {TUS_VERSION} only")


def _whole_number(header: str) -> int:
    value = request.headers.get(header, "")
    if not value.isascii() or not value.isdigit():
        raise InvalidInput(f"{header} must be a whole number", header=header)
    return int(value)


def parse_metadata(value: str) -> dict[str, str]:
    """``Upload-Metadata`` decoded: comma-separated ``key base64(value)`` pairs (a key
    alone has an empty value). :class:`InvalidInput` for a malformed one."""
    meta: dict[str, str] = {}
    for pair in filter(None, (p.strip() for p in value.split(","))):
        key, _, encoded = pair.partition(" ")
        if not key or " " in encoded.strip() or key in meta:
            raise InvalidInput("Upload-Metadata is malformed", header="Upload-Metadata")
        try:
            meta[key] = base64.b64decode(encoded.strip(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError) as exc:
            raise InvalidInput(f"Upload-Metadata {key!r} is not base64 of UTF-8") from exc
    return meta


def _answer(upload: Upload, status: int = 204) -> Response:
    response = Response(status=status)
    response.headers["Upload-Offset"] = str(upload.offset)
    response.headers["Upload-Length"] = str(upload.length)
    return response


def _refused(upload: Upload) -> Upload:
    """A finished upload, or :class:`IngestError` (422) with the reason it was refused."""
    if upload.status == UploadStatus.REJECTED:
        raise IngestError(upload.error or "the file was refused", file=upload.filename)
    return upload


@bp.route("/uploads/", methods=["OPTIONS"])
def tus_options():
    """What this tus server supports."""
    response = Response(status=204)
    response.headers["Tus-Version"] = TUS_VERSION
    response.headers["Tus-Extension"] = "creation,termination"
    response.headers["Tus-Max-Size"] = str(upload_settings().max_bytes)
    return response


@bp.route("/uploads/", methods=["POST"])
@login_required
def tus_create():
    """Create an upload in the batch named by ``batch_id`` in ``Upload-Metadata``."""
    _check_version()
    if "Upload-Defer-Length" in request.headers:
        raise InvalidInput("Upload-Defer-Length is not supported: send Upload-Length")
    length = _whole_number("Upload-Length")
    meta = parse_metadata(request.headers.get("Upload-Metadata", ""))
    batch = meta.get("batch_id", "")
    if not batch.isascii() or not batch.isdigit():
        raise InvalidInput("Upload-Metadata must name the batch (batch_id)")
    upload = uploads.create(
        get_services().catalog,
        upload_settings(),
        auth.current_principal(),
        int(batch),
        length,
        meta,
    )
    _refused(upload)  # an empty file is finished, and refused, at once
    response = _answer(upload, 201)
    response.headers["Location"] = url_for("workspace.tus_upload", upload_id=upload.id)
    return response


@bp.route("/uploads/<upload_id>", methods=["HEAD", "PATCH", "DELETE"])
@login_required
def tus_upload(upload_id: str):
    """The offset (HEAD), more bytes (PATCH) or the end (DELETE) of one's own upload."""
    _check_version()
    catalog, settings = get_services().catalog, upload_settings()
    principal = auth.current_principal()
    if request.method == "HEAD":
        return _answer(uploads.get(catalog, settings, principal, upload_id), 200)
    if request.method == "DELETE":
        uploads.terminate(catalog, settings, principal, upload_id)
        return Response(status=204)
    if request.mimetype != OFFSET_TYPE:
        raise WrongContentType(f"a PATCH must be sent as {OFFSET_TYPE}")
    offset = _whole_number("Upload-Offset")
    upload = uploads.get(catalog, settings, principal, upload_id)
    sent = request.content_length
    if sent is not None and offset + sent > upload.length:
        raise uploads.UploadTooLarge(
            f"{offset + sent} bytes would pass the announced length {upload.length}",
            limit=upload.length,
            kind="file",
        )
    upload = uploads.append(catalog, settings, principal, upload_id, offset, request.stream)
    return _answer(_refused(upload))
