"""Run every benchmark and print one table: `python -m benchmarks [--quick]`.

Each figure is a ratio against a baseline measured in the same run (the
machines are shared and noisy); the parts write their full results as JSON
under benchmarks/results/ and their method in docs/. None of this runs in the
test suite.

    python -m benchmarks            # crawl 10k (+ memory at 50k), extraction, archive writes, search at 100k,
                                    # reparse at 100k, WARC import at 250 MiB and 1 GiB
    python -m benchmarks --quick    # smaller sizes, for a check that everything still runs
    python -m benchmarks --only extraction,archive
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

from benchmarks import report

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"

PARTS = {
    # name: (module, full arguments, quick arguments)
    "extraction": ("benchmarks.extraction_bench", ["--repeat", "15"], ["--repeat", "3", "--synthetic", "20", "--padded", "10"]),
    "archive": ("benchmarks.archive_bench", ["--articles", "5000", "--repeat", "3"], ["--articles", "500", "--repeat", "1"]),
    "crawl": ("benchmarks.crawl_bench", ["--articles", "10000", "--repeat", "3", "--scale", "50000"],
              ["--articles", "1000", "--repeat", "1"]),
    "search": ("benchmarks.search_bench", ["--articles", "100000"], ["--articles", "5000", "--reps", "5"]),
    "first_contact": ("benchmarks.first_contact", [], ["--only", "trs,mainhost"]),
    "reparse": ("benchmarks.reparse_bench", ["--articles", "100000", "--repeat", "3"],
                ["--articles", "2000", "--repeat", "1"]),
    "warc": ("benchmarks.warc_bench", ["--sizes", "250,1000"], ["--sizes", "10,20"]),
}


def _load(name: str) -> dict:
    path = RESULTS / f"{name}.json"
    return json.loads(path.read_text("utf-8")) if path.exists() else {}


def summary() -> list[tuple[str, str, str, str]]:
    """(figure, measured, ratio against the baseline, target) rows from the results files."""
    rows = []
    crawl = _load("crawl").get("medians", {})
    if crawl:
        server = _load("crawl").get("server", {}).get("kind", "?")
        rows.append((f"full crawl vs links-only baseline spider, pages/s (server: {server})",
                     f"{crawl['full_pages_per_second']:.0f} vs {crawl['baseline_pages_per_second']:.0f}",
                     f"{crawl['ratio_full_to_baseline']:.2f}", ">= 0.70"))
        rows.append(("unchanged re-crawl of the full archive", f"{crawl['recrawl_wall_seconds']:.1f} s, "
                     f"{crawl['recrawl_requests']} requests", "", "< 10 s, 7 requests"))
    scale = _load("crawl").get("scale", {})
    if crawl:
        big = scale.get("full", {}).get("max_rss_mib")
        rows.append((f"peak RSS of the crawl, {_load('crawl')['articles']:,} vs {scale.get('articles', 0):,} articles",
                     f"{crawl['full_max_rss_mib']:.0f} vs " + (f"{big:.0f} MiB" if big else "(no --scale run)"),
                     f"{big / crawl['full_max_rss_mib']:.2f} for {scale['articles'] / _load('crawl')['articles']:.0f}x "
                     "the articles" if big else "", "<= 99 / 119 MiB (10k / 50k)"))
    extraction = _load("extraction")
    for label, r in extraction.get("sets", {}).items():
        rows.append((f"extraction, {label} ({r['pages']}, {r['mean_page_kb']:.0f} KB), ms/page",
                     f"{r['median_ms']['g60crawler']:.2f} vs trafilatura {r['median_ms']['trafilatura']:.2f}, "
                     f"gne {r['median_ms']['gne']:.2f}",
                     f"{r['ratio_to_g60crawler']['trafilatura']:.1f}x faster than trafilatura", ">= 8x"))
    archive = _load("archive")
    if archive:
        rows.append(("archive writes vs sqlite-utils insert_all, articles/s",
                     f"{archive['store_per_s']:.0f} vs {archive['plain_insert_per_s']:.0f}",
                     f"{archive['ratio']:.2f}", ">= 0.50"))
    search_results = _load("search")
    latest = search_results.get("runs", {}).get(str(search_results.get("latest")), {})
    s = latest.get("summary", {})
    if s:
        ours, scan = s["bigram_search_relevance"], s["scan"]
        rows.append((f"search() at {latest['archive_build'].get('articles', search_results['latest'])} articles "
                     "vs a scan, median of per-query medians",
                     f"{ours['median_of_medians_ms']:.0f} vs {scan['median_of_medians_ms']:.0f} ms",
                     f"{ours['geomean_ratio_to_baseline']:.2f} (geometric mean)", "faster than the scan"))
    warc = _load("warc").get("summary", {})
    if warc:
        rss = ", ".join(f"{v:.0f} MiB at {k} MiB" for k, v in warc["rss_mib"].items())
        slope = warc["rss_slope_mib_per_gib"]
        rows.append(("import-warc peak RSS by WARC size (slope)",
                     f"{rss} ({'n/a' if slope is None else f'{slope:+.1f} MiB/GiB'})", "", "< 250 MiB, flat"))
        rows.append(("import-warc vs replay crawl of the same pages, articles/s",
                     f"{warc['import_articles_per_second']:.0f} vs {warc['replay_crawl_articles_per_second']:.0f}",
                     f"{warc['ratio_import_to_replay']:.2f}", ">= 0.80"))
        rows.append(("import-warc SIGKILLed half-way, then run again", "same rows as uninterrupted"
                     if warc["resume_ok"] else "DIFFERENT rows", "", "no duplicate"))
    contact = _load("first_contact").get("variants", {})
    if contact:
        right = {}
        for per_tool in contact.values():
            for tool, r in per_tool.items():
                if "error" not in r:
                    got = right.setdefault(tool, [0, 0, 0])
                    got[0] += min(r["section"], r["title"], r["date"], r["body"])
                    got[1] += r["expected"]
                    got[2] += r["non_articles"] + r["other_channel"]
        rows.append((f"first contact, {len(contact)} variants: fewest right of section/title/date/body, strays",
                     ", ".join(f"{t} {g[0]}/{g[1]} ({g[2]} strays)" for t, g in right.items()), "",
                     ">= 95%, 0 strays"))
    reparse = _load("reparse").get("medians", {})
    if reparse:
        rows.append((f"reparse of {_load('reparse')['articles']:,} articles vs extraction alone, articles/s",
                     f"{reparse['reparse_per_s']:.0f} vs {reparse['extraction_per_s']:.0f}",
                     f"{reparse['ratio']:.2f} (by CPU time {reparse.get('ratio_cpu', 0):.2f})", ">= 0.50"))
    return rows


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes: a check that everything runs")
    parser.add_argument("--only", help="comma-separated parts: " + ",".join(PARTS))
    args = parser.parse_args(argv)
    chosen = args.only.split(",") if args.only else list(PARTS)
    unknown = [c for c in chosen if c not in PARTS]
    if unknown:
        parser.error(f"unknown part(s) {','.join(unknown)}; known: {','.join(PARTS)}")
    status = 0
    if "crawl" in chosen and not shutil.which("nginx"):
        print("note: nginx is not on PATH, so the crawl benchmark serves with tests.mirror_server, too slow for a "
              "meaningful ratio; on Debian `bash benchmarks/setup-nginx` installs nginx", flush=True)
    for name in chosen:
        module, full, quick = PARTS[name]
        print(f"== {name}: python -m {module} {' '.join(quick if args.quick else full)}", flush=True)
        started = time.monotonic()
        done = subprocess.run([sys.executable, "-m", module, *(quick if args.quick else full)], cwd=ROOT)
        print(f"== {name}: exit {done.returncode} after {time.monotonic() - started:.0f} s", flush=True)
        status = status or done.returncode
    for path in report.write_docs():  # every generated page, from the results files as they now are
        print(f"wrote {path.relative_to(ROOT)}")
    rows = summary()
    widths = [max(len(r[i]) for r in rows + [("figure", "measured", "ratio", "target")]) for i in range(4)]
    print()
    for row in [("figure", "measured", "ratio", "target"), *rows]:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip())
    (RESULTS / "summary.json").write_text(json.dumps([dict(zip(("figure", "measured", "ratio", "target"), r))
                                                      for r in rows], ensure_ascii=False, indent=2), "utf-8")
    return status


if __name__ == "__main__":
    raise SystemExit(main())
