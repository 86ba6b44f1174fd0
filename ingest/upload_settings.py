"""The settings of web uploads (:mod:`ingest.uploads`), as one small frozen dataclass.

The portal builds :class:`UploadSettings` from its config (``UPLOADS_DIR``,
``UPLOAD_MAX_FILE_MB``, ``UPLOAD_QUOTA_MB``, ``UPLOAD_ABANDON_HOURS`` and the ingest
settings the finished files are checked with) by :meth:`UploadSettings.from_config`;
tests build it directly.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ingest.settings import MB, IngestSettings, _number

GB = 1024 * MB


@dataclasses.dataclass(frozen=True)
class UploadSettings:
    """Where uploads are kept while they arrive, and how much one may send.

    ``directory`` holds ``<id>.part`` files while they arrive (a folder on the same
    filesystem as the file store, so storing one is a cheap copy). ``max_bytes`` is the
    largest single file (masters of several GB are normal); ``quota_bytes`` the most one
    user may have on the server at once (uploads arriving or waiting for their batch to
    be confirmed). An upload that has received nothing for ``abandon_hours`` is removed
    by :func:`ingest.upload_cleaning.clean`. ``chunk_bytes`` is how much is read from the request
    and written at a time (never a whole file in memory). ``ingest`` are the settings a
    finished file is checked with (:func:`ingest.intake.check_file`); its own size limit
    is raised to ``max_bytes``: for uploads this module's cap decides.
    """

    directory: Path
    max_bytes: int = 8 * GB
    quota_bytes: int = 50 * GB
    abandon_hours: float = 24.0
    chunk_bytes: int = MB
    ingest: IngestSettings = dataclasses.field(default_factory=IngestSettings)

    def __post_init__(self) -> None:
        object.__setattr__(self, "directory", Path(self.directory))
        if self.ingest.max_file_bytes < self.max_bytes:
            widened = dataclasses.replace(self.ingest, max_file_bytes=self.max_bytes)
            object.__setattr__(self, "ingest", widened)

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> UploadSettings:
        """The settings given by a portal config (``UPLOADS_DIR`` must be set: the
        portal derives it from the instance folder). An absent setting keeps the
        default; a setting that is not a number raises :class:`ConfigError`."""
        default_max = _number(config, "UPLOAD_MAX_FILE_MB", None)
        quota = _number(config, "UPLOAD_QUOTA_MB", None)
        return cls(
            directory=Path(config["UPLOADS_DIR"]),
            max_bytes=cls.max_bytes if default_max is None else default_max * MB,
            quota_bytes=cls.quota_bytes if quota is None else quota * MB,
            abandon_hours=_number(config, "UPLOAD_ABANDON_HOURS", cls.abandon_hours, float),
            ingest=IngestSettings.from_config(config),
        )
