"""The settings of the ingest pipeline, as one small frozen dataclass.

The portal builds :class:`IngestSettings` from its config (``OCR_*``, ``INGEST_*`` and
``WORKER_PROCESSES``) with :meth:`IngestSettings.from_config`; tests build it directly.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from collections.abc import Mapping
from typing import Any

from catalog.errors import ConfigError

MB = 1024 * 1024

TESSERACT_LANGUAGES = ("ind", "eng")
"""The Tesseract language packs the default path needs (Debian ``tesseract-ocr-<code>``);
``msa``, ``jav`` and ``sun`` are used for records in those languages when installed."""


@dataclasses.dataclass(frozen=True)
class IngestSettings:
    """How files are checked, normalised and OCR'd.

    ``languages`` is the Tesseract language string a page is first read with when its
    record names no language with a model (:mod:`ingest.models`: the default path);
    such a page is read again with ``reread_languages`` (empty: never) when its first
    reading's mean word confidence is below ``reread_languages_below`` and the language
    detected in it is one of ``reread_languages`` but not of ``languages`` (English);
    the more confident reading is kept.
    ``max_pixels`` is Pillow's decompression-bomb limit, applied
    per page image. Images whose declared resolution is below ``min_dpi``, or whose longest
    side is below ``small_side``, are upscaled for OCR (never more than ``max_upscale``);
    boxes are mapped back to master pixels. A page whose longest side is below
    ``clipping_side`` is OCR'd as one block (``--psm 6``), a larger one as a full page
    with automatic layout (``--psm 3``). A job reads up to ``ocr_batch`` pages that are
    read the same way in one Tesseract process (the language models load once); this
    changes no reading, so it is not part of :meth:`ocr_fingerprint`.

    A failed job (fetch, ingest, OCR, index) is tried again ``job_retries`` times, the
    first time after ``job_retry_delay`` seconds, each further time twice as late.
    ``worker_processes`` is how many processes run jobs (None: one per CPU core).
    """

    languages: str = "ind"
    reread_languages: str = "eng+ind"
    reread_languages_below: float = 88.0
    max_file_bytes: int = 500 * MB
    max_pixels: int = 150_000_000
    max_side: int = 30_000
    max_pages: int = 2_000
    display_side: int = 2_000
    thumb_side: int = 300
    display_quality: int = 85
    min_dpi: int = 200
    small_side: int = 1_000
    small_print: int = 20
    reread_confidence: float = 60.0
    max_upscale: float = 3.0
    clipping_side: int = 1_200
    pdf_dpi: int = 300
    pdf_min_chars: int = 20
    ocr_timeout: int = 300
    ocr_batch: int = 8
    tesseract_cmd: str = "tesseract"
    job_retries: int = 3
    job_retry_delay: float = 10.0
    worker_processes: int | None = None

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> IngestSettings:
        """The settings given by a portal config; an absent (or None) setting keeps the
        default above. Raises :class:`ConfigError` naming a setting that is not a number."""
        default = cls()
        max_mb = _number(config, "INGEST_MAX_FILE_MB", None)
        return cls(
            languages=str(config.get("OCR_LANGUAGES") or default.languages),
            reread_languages=str(
                default.reread_languages
                if config.get("OCR_REREAD_LANGUAGES") is None
                else config["OCR_REREAD_LANGUAGES"]
            ),
            reread_languages_below=_number(
                config, "OCR_REREAD_BELOW", default.reread_languages_below, float
            ),
            ocr_timeout=_number(config, "OCR_TIMEOUT", default.ocr_timeout),
            max_file_bytes=default.max_file_bytes if max_mb is None else max_mb * MB,
            max_pixels=_number(config, "INGEST_MAX_PIXELS", default.max_pixels),
            display_side=_number(config, "INGEST_DISPLAY_SIDE", default.display_side),
            thumb_side=_number(config, "INGEST_THUMB_SIDE", default.thumb_side),
            pdf_dpi=_number(config, "INGEST_PDF_DPI", default.pdf_dpi),
            job_retries=_number(config, "OCR_RETRIES", default.job_retries),
            job_retry_delay=_number(config, "OCR_RETRY_DELAY", default.job_retry_delay, float),
            worker_processes=_number(config, "WORKER_PROCESSES", default.worker_processes),
        )

    @property
    def processes(self) -> int:
        """How many processes run jobs: ``worker_processes``, or one per CPU core."""
        return self.worker_processes or os.cpu_count() or 1

    def ocr_fingerprint(self, languages: str) -> str:
        """A short checksum of everything that changes OCR output for a given image;
        ``languages`` is a :attr:`ingest.models.Plan.key`."""
        payload: dict[str, object] = {
            "v": 4,
            "lang": languages,
            "min_dpi": self.min_dpi,
            "small": self.small_side,
            "print": self.small_print,
            "reread": self.reread_confidence,
            "up": self.max_upscale,
            "clip": self.clipping_side,
        }
        if "|" in languages:  # the default path: when it reads again matters too
            payload["reread_below"] = self.reread_languages_below
        blob = json.dumps(payload, sort_keys=True).encode()
        return hashlib.sha256(blob).hexdigest()[:16]


def _number(config: Mapping[str, Any], key: str, default: Any, kind: type = int) -> Any:
    value = config.get(key)
    if value is None:
        return default
    try:
        return kind(value)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{key} must be a number: {exc}", setting=key) from exc


def ocr_key(image_sha256: str, languages: str, settings: IngestSettings) -> str:
    """The cache key of a page: image checksum + OCR settings (64 characters)."""
    return hashlib.sha256(
        f"{image_sha256}:{settings.ocr_fingerprint(languages)}".encode()
    ).hexdigest()
