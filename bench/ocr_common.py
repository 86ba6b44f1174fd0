"""Shared pieces of the OCR benchmarks: ground truth, CER, and running the real pipeline
(catalogue, file store, ingest and OCR jobs) on a set of files."""

from __future__ import annotations

import dataclasses
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


@dataclasses.dataclass(frozen=True)
class Scan:
    """A scan, its transcription, its group and the languages its record would carry."""

    path: Path
    truth: str
    group: str
    languages: tuple[str, ...]
    language: str | None = None


def ground_truth_scans(folder: Path) -> list[Scan]:
    """Scans with a transcription: ``x.png`` + ``x.gt.txt`` (RagamBahasa, grouped by
    language prefix) and ``x.png`` + ``x.txt`` (Tesseract's own test images)."""
    scans = []
    for image in sorted(folder.glob("*/*.png")):
        for truth in (image.with_suffix(".gt.txt"), image.with_suffix(".txt")):
            if truth.is_file():
                group = image.name.split("_")[0] if "_" in image.name else image.parent.name
                languages = ("eng",) if group == "tesseract" else (group,)
                scans.append(Scan(image, truth.read_text(encoding="utf-8"), group, languages))
                break
    return scans


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def cer(hypothesis: str, truth: str) -> float:
    """Character error rate: edit distance over the length of the (normalised) truth."""
    ref = normalise(truth)
    return edits(hypothesis, truth) / len(ref) if ref else float(bool(normalise(hypothesis)))


def edits(hypothesis: str, truth: str) -> int:
    """Levenshtein distance between the normalised texts."""
    hyp, ref = normalise(hypothesis), normalise(truth)
    previous = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        current = [i]
        for j, h in enumerate(hyp, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (r != h)))
        previous = current
    return previous[-1]


def pipeline_texts(
    workdir: Path, paths: dict[Path, tuple[str, ...]]
) -> dict[Path, tuple[str, str | None]]:
    """Ingest and OCR each file (with its record's languages) through the real pipeline,
    pages read in batches as a worker reads them; returns the text and the detected
    language of each file's (first) page."""
    from catalog.files import FileStore
    from catalog.models import DigitalObject, Page
    from catalog.records import RecordData
    from catalog.store import Catalog
    from ingest import objects, pages
    from ingest.settings import IngestSettings

    settings = IngestSettings()
    catalog = Catalog(f"sqlite:///{workdir / 'bench.db'}")
    catalog.upgrade()
    files = FileStore(workdir / "files")
    catalog.add_partner("bench", name="Bench", country="ID")
    texts: dict[Path, tuple[str, str | None]] = {}
    object_ids: dict[Path, int] = {}
    todo: list[int] = []
    for path, languages in paths.items():
        data = RecordData(oai_identifier="", title=path.name, languages=languages)
        record = catalog.create_uploaded_record("bench", data)
        row = objects.store_file(catalog, files, path, path.name)
        with catalog.session() as s:
            obj = DigitalObject(record_id=record, file_sha256=row.sha256, status="stored")
            s.add(obj)
            s.flush()
            object_ids[path] = obj.id
        todo += objects.ingest_object(catalog, files, object_ids[path], settings).pages_to_ocr
    for page_id in todo:  # in batches, as a worker reads them (later ones find theirs done)
        pages.ocr_pages(catalog, files, page_id, settings, batch=settings.ocr_batch)
    for path, object_id in object_ids.items():
        with catalog.session() as s:
            rows = s.query(Page).filter(Page.object_id == object_id).order_by(Page.order)
            found = list(rows)
            text = "\n".join(p.text or "" for p in found)
            texts[path] = (text, found[0].language if found else None)
    catalog.dispose()
    return texts
