"""Is the generic path no slower than gne alone? Time ratio of our generic extraction to gne.extract.

For each page of ``benchmarks/generic_pages`` (and of ``fixtures/generic-corpus`` when its
pages are there), ``extract_generic`` and ``GeneralNewsExtractor().extract`` run alternately,
RUNS times each after a warm-up; the ratio of their median times is taken per page and the
median over pages is reported. Run from the repository root::

    .venv/bin/python -m benchmarks.generic_speed

Results: ``benchmarks/results/generic_speed.json``.
"""

from __future__ import annotations

import json
import statistics
import time
from datetime import datetime, timezone
from pathlib import Path

from gne import GeneralNewsExtractor

from g60crawler.pages.decode import decode_html
from g60crawler.pages.generic import extract_generic

ROOT = Path(__file__).resolve().parent.parent
PAGE_DIRS = (ROOT / "benchmarks" / "generic_pages", ROOT / "fixtures" / "generic-corpus")
RESULTS = ROOT / "benchmarks" / "results" / "generic_speed.json"
RUNS = 5
_GNE = GeneralNewsExtractor()


def _gne(html: str) -> None:
    try:
        _GNE.extract(html)
    except Exception:  # gne raises on pages with no body; the time still counts
        pass


def page_ratio(html: str, encoding: str, runs: int = RUNS) -> dict:
    """Median milliseconds of ours and gne's on one page, alternating which goes first.

    :param html: the decoded page.
    :param encoding: its encoding.
    :param runs: timed calls of each.
    """
    ours = lambda: extract_generic(html, "https://example.cn/a.html", encoding)  # noqa: E731
    theirs = lambda: _gne(html)  # noqa: E731
    ours(), theirs()
    times: dict[str, list[float]] = {"ours": [], "gne": []}
    for i in range(runs):
        for name, call in (("ours", ours), ("gne", theirs))[:: 1 if i % 2 == 0 else -1]:
            start = time.perf_counter()
            call()
            times[name].append((time.perf_counter() - start) * 1000)
    o, g = statistics.median(times["ours"]), statistics.median(times["gne"])
    return {"ours_ms": round(o, 3), "gne_ms": round(g, 3), "ratio": round(o / g, 3)}


def main() -> int:
    pages = {}
    for folder in PAGE_DIRS:
        for path in sorted(folder.glob("*.html")):
            html, encoding = decode_html(path.read_bytes())
            pages[f"{folder.name}/{path.name}"] = page_ratio(html, encoding)
    if not pages:
        print("Error: no pages found")
        return 1
    median = statistics.median(p["ratio"] for p in pages.values())
    result = {"generated": datetime.now(timezone.utc).isoformat(timespec="seconds"),
              "command": "python -m benchmarks.generic_speed", "runs_per_page": RUNS,
              "pages": len(pages), "median_ratio_ours_over_gne": median, "per_page": pages}
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=1) + "\n", "utf-8")
    print(f"{len(pages)} pages: generic path / gne.extract, median of per-page ratios {median:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
