"""Relevance of Warisan search on the demo corpus: plain indexing against ours.

Plain = folding only (no stemming, no old-spelling normalisation, no glossary, no fuzzy);
ours = the full analysis. Prints recall@10 and nDCG@10 per query category, side by side.

    .venv/bin/python bench/relevance.py
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from catalog.store import Catalog
from search.glossary import load
from tests.search import demo_corpus, relevance


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="warisan-relevance-"))
    catalog = Catalog(f"sqlite:///{folder / 'catalog.db'}")
    catalog.upgrade()
    demo_corpus.load(catalog)
    glossary = load()
    results = {}
    for name, plain in (("plain", True), ("ours", False)):
        service = relevance.indexed_service(catalog, folder / name, glossary, plain=plain)
        results[name] = relevance.evaluate(service)
        if not plain:
            missed = relevance.misses(service)
    print(
        f"{'category':10} {'queries':>7}  {'recall@10 plain':>15} {'ours':>6}  "
        f"{'nDCG@10 plain':>13} {'ours':>6}"
    )
    for category in ("old", "xlang", "ocr", "stem", "field", "phrase", "plain", "all"):
        p, o = results["plain"][category], results["ours"][category]
        print(
            f"{category:10} {o['queries']:>7}  {p['recall']:>15.3f} {o['recall']:>6.3f}  "
            f"{p['ndcg']:>13.3f} {o['ndcg']:>6.3f}"
        )
    ratio = results["ours"]["all"]["recall"] / max(results["plain"]["all"]["recall"], 1e-9)
    print(f"recall@10 ratio ours/plain: {ratio:.2f}x")
    for text, missing in missed:
        print(f"  missed in top 10: {text!r} -> {', '.join(sorted(missing))}")


if __name__ == "__main__":
    main()
