"""How full each printed page of a report is, and which pages end a chapter (issue #30).

    python bench/print_pages.py reports/report.pdf [more.pdf ...] [--output print_pages.json]

A page's fill is how far down its content reaches (0 = empty, 1 = down to the footer),
read from the page rendered at 20 dpi (``pdftoppm`` from poppler-utils). Chapter starts
are the page numbers in the contents on page 1 (``report --pdf`` writes them); a page
before a chapter start, and the last page, ends a chapter. The target: no page less than
half full except the title page and chapter ends.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import tempfile
from pathlib import Path

import numpy as np
from PIL import Image
from pypdf import PdfReader

RESULTS = Path(__file__).parent / "results"


def page_fill(pdf: Path) -> list[float]:
    """Return how far down the content of each page reaches, footer left out."""
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["pdftoppm", "-png", "-r", "20", str(pdf), f"{tmp}/p"], check=True)
        fills = []
        for png in sorted(Path(tmp).glob("p-*.png")):
            grey = np.asarray(Image.open(png).convert("L"))
            height = grey.shape[0]
            body = grey[int(height * 0.04):int(height * 0.92)]
            rows = np.flatnonzero((body < 235).any(axis=1))
            fills.append(round(float((rows.max() + 1) / body.shape[0]) if len(rows) else 0.0, 2))
    return fills


def chapter_starts(pdf: Path) -> list[int]:
    """Return the page numbers the contents on page 1 give."""
    first = PdfReader(str(pdf)).pages[0].extract_text(extraction_mode="layout")
    return [int(n) for n in re.findall(r"^\s*\d+\. .+?\s{2,}(\d+)\s*$", first, flags=re.M)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pdfs", nargs="+", type=Path)
    parser.add_argument("--output", default="print_pages.json")
    args = parser.parse_args()
    results = {}
    for pdf in args.pdfs:
        fills, starts = page_fill(pdf), chapter_starts(pdf)
        ends = {1, len(fills), *(s - 1 for s in starts)}
        thin = [k for k, f in enumerate(fills, start=1) if f < 0.5]
        results[str(pdf)] = {"pages": len(fills), "chapter_starts": starts, "fill": fills,
                             "less_than_half": thin,
                             "less_than_half_mid_chapter": [k for k in thin if k not in ends]}
        print(f"{pdf}: {len(fills)} pages, less than half full: {thin}, of which not a "
              f"chapter end: {results[str(pdf)]['less_than_half_mid_chapter']}")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / args.output).write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
