"""Ingest: turn scans into pages with text, word boxes, confidence and language.

A plain library (no Flask): settings come in as :class:`ingest.settings.IngestSettings`.

- :mod:`ingest.intake` reads an upload (TIFF, JPEG, PNG, JPEG 2000, PDF) into page images,
  refusing bad or hostile files with :class:`catalog.errors.IngestError`;
- :mod:`ingest.images` normalises with Pillow and makes the web derivatives;
- :mod:`ingest.pdf` rasterises PDF pages and keeps a usable embedded text layer;
- :mod:`ingest.ocr` is the one module that runs Tesseract;
- :mod:`ingest.language` tells Indonesian from Malay from English;
- :mod:`ingest.models` chooses the Tesseract models from a record's languages, and the
  page-language label;
- :mod:`ingest.objects` splits a digital object into stored pages;
- :mod:`ingest.pages` OCRs one page exactly once (claim, cache, store);
- :mod:`ingest.work` finds the work still to do in the catalogue (the durable queue state);
- :mod:`ingest.batch` is the CSV batch intake of digitization teams.
"""
