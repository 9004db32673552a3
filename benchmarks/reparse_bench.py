"""Reparse throughput: `g60crawler reparse` against extraction alone on the same stored pages.

    python -m benchmarks.reparse_bench [--articles 100000] [--repeat 3] [--stale 0.03]

An archive of N articles with their stored captures is built once (cached under
``--workdir`` by size and seed) through the archive library, from the article
pages of the synthetic portal (``benchmarks/synthetic_portal.py``: 15-40 KB of
real-looking chrome each, half in each known template), each with its list
entry, as a crawl stores them. Each repeat then measures, in the same run:

(a) extraction alone: :func:`g60crawler.ingest.reparse.extract_article`, the
    function reparse calls, over the same page bytes, read and decompressed
    beforehand (outside the timing), articles/s;
(b) ``g60crawler reparse --db COPY`` as a subprocess on a fresh copy of the
    archive in which ``--stale`` of the articles look extracted by older code
    (so they get a new version, as after a selector fix), articles/s of wall time.

The figure is the ratio (b)/(a), median of the repeats (target >= 0.5); the same
ratio by CPU time (user + system of each) is recorded beside it, since on a shared
machine wall time also measures what else ran. When the ratio
is below 0.5 (or with ``--profile always``) one more reparse runs under cProfile and its top functions are
kept. Results go to benchmarks/results/reparse.json; docs/benchmarks-reparse.md
is generated from that file (benchmarks/report.py).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import platform
import pstats
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import zlib
from datetime import datetime, timezone
from pathlib import Path

from benchmarks import report
from benchmarks import synthetic_portal as portal_pages
from g60crawler import normalize, portal
from g60crawler.archive.store import Archive
from g60crawler.ingest.reparse import extract_article
from g60crawler.items import ArticleItem, Capture, ListEntry

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "reparse.json"
HEADERS = {"Content-Type": "text/html"}
FETCHED = "2026-01-01T00:00:00+00:00"


def log(message: str) -> None:
    print(f"[{datetime.now().strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def article_pages(n: int, seed: int):
    """(article, url, page bytes) of the synthetic portal's articles, as its build writes them."""
    every = portal_pages.plan(n, seed)
    newest_first = sorted(every, key=lambda a: (a.day, a.id), reverse=True)
    by_section = {s: [a for a in newest_first if a.section == s] for s in portal_pages.NEWS}
    index_in_section = {a.id: i for s in portal_pages.NEWS for i, a in enumerate(by_section[s])}
    for a in every:
        same = by_section[a.section]
        i = index_in_section[a.id]
        start = max(0, min(i - 15, len(same) - 31))
        neighbours = [x for x in same[start:start + 31] if x is not a]
        rank_rng = portal_pages._rng(seed, a.number, 2)
        ranked = [every[rank_rng.randrange(len(every))] for _ in range(150)]
        hot = [every[rank_rng.randrange(len(every))] for _ in range(10)]
        yield a, portal.BASE_URL.rstrip("/") + a.path, portal_pages.article_page(a, seed, neighbours, hot, ranked)


def build_archive(path: Path, n: int, seed: int) -> dict:
    """Write an archive of n articles with their captures and list entries, as a crawl stores them."""
    started = time.perf_counter()
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    archive = Archive.open(partial)
    run = archive.start_run("reparse-bench", {})
    stored = failed = page_bytes = 0
    for done, (a, url, body) in enumerate(article_pages(n, seed), 1):
        entry = ListEntry(normalize.canonical_url(url), a.section, a.title, a.day.isoformat(),
                          f"{portal.BASE_URL}{a.section}/")
        item = extract_article({normalize.canonical_url(url): (url, body, HEADERS)}, url, "article", entry)
        page_bytes += len(body)
        if not isinstance(item, ArticleItem):
            failed += 1
            continue
        item.captures = [Capture(url, 200, dict(HEADERS), body, FETCHED)]
        archive.record_listings([entry])
        archive.record_article(item, run)
        stored += 1
        if done % 1000 == 0:
            archive.commit()
        if done % 10_000 == 0:
            log(f"  built {done:,} articles, {time.perf_counter() - started:.0f} s")
    archive.finish_run(run, "finished", {"articles_new": stored})
    archive.close()
    partial.rename(path)
    return {"articles": n, "stored": stored, "not_extracted": failed, "seed": seed,
            "mean_page_kb": page_bytes / max(1, n) / 1024, "bytes": path.stat().st_size,
            "seconds": time.perf_counter() - started}


def ensure_archive(workdir: Path, n: int, seed: int, rebuild: bool) -> tuple[Path, dict]:
    path = workdir / f"reparse-{n}-s{seed}.sqlite"
    info_path = path.with_suffix(".json")
    if path.exists() and info_path.exists() and not rebuild:
        return path, {**json.loads(info_path.read_text()), "reused": True}
    log(f"building an archive of {n:,} articles at {path}")
    info = build_archive(path, n, seed)
    info_path.write_text(json.dumps(info))
    return path, {**info, "reused": False}


def stored_pages(db: Path, chunk: int = 500):
    """Chunks of (first URL, kind, {canonical URL: (url, bytes, headers)}, list entry), as reparse reads them."""
    conn = sqlite3.connect(db)
    rows = conn.execute(
        "SELECT v.url, a.kind, c.url, c.headers, b.data, b.compression, "
        "l.url, l.section, l.list_title, l.list_date, l.list_url FROM articles a "
        "JOIN article_versions v ON v.article_id = a.id AND v.version = a.current_version "
        "JOIN captures c ON c.version_id = v.id AND c.status = 200 JOIN blobs b ON b.sha256 = c.sha256 "
        "LEFT JOIN listings l ON l.url = v.url ORDER BY a.id, c.id")
    while batch := rows.fetchmany(chunk):
        out = []
        for url, kind, c_url, headers, data, compression, *listing in batch:
            body = zlib.decompress(data) if compression == "zlib" else data
            entry = ListEntry(*listing) if listing[0] else None
            out.append((url, kind, {normalize.canonical_url(c_url): (c_url, body, json.loads(headers))}, entry))
        yield out
    conn.close()


def extraction_alone(db: Path) -> dict:
    """Seconds of extract_article over every stored page, the reading and decompressing outside the clock."""
    seconds = cpu = 0.0
    articles = 0
    for chunk in stored_pages(db):
        start, start_cpu = time.perf_counter(), time.process_time()
        for url, kind, pages, entry in chunk:
            extract_article(pages, url, kind, entry)
        seconds += time.perf_counter() - start
        cpu += time.process_time() - start_cpu
        articles += len(chunk)
    return {"articles": articles, "seconds": seconds, "articles_per_second": articles / seconds,
            "cpu_seconds": cpu, "articles_per_cpu_second": articles / cpu}


def stale_copy(source: Path, target: Path, share: float) -> int:
    """Copy the archive; make ``share`` of its articles look extracted by older code. Returns how many."""
    shutil.copyfile(source, target)
    every = max(1, round(1 / share)) if share > 0 else 0
    if not every:
        return 0
    with sqlite3.connect(target) as conn:
        return conn.execute("UPDATE articles SET editor = NULL, content_hash = 'older' WHERE id % ? = 0",
                            (every,)).rowcount


def reparse_command(db: Path, prefix: list[str] | None = None) -> list[str]:
    return [sys.executable, *(prefix or []), "-m", "g60crawler.cli", "reparse", "--db", str(db)]


def run_reparse(db: Path) -> dict:
    """Run `g60crawler reparse` as a subprocess; wall seconds, CPU seconds, its summary line."""
    start = time.perf_counter()
    proc = subprocess.Popen(reparse_command(db), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    out, err = proc.stdout.read(), proc.stderr.read()
    proc.stdout.close()
    proc.stderr.close()
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        raise SystemExit(f"Error: reparse exited {code}: {err.strip()[-500:]}")
    articles = int(out.split(" article(s)")[0])
    return {"wall_seconds": wall, "cpu_seconds": usage.ru_utime + usage.ru_stime,
            "max_rss_mib": usage.ru_maxrss / 1024, "articles": articles,
            "articles_per_second": articles / wall, "articles_per_cpu_second": articles / (usage.ru_utime + usage.ru_stime),
            "output": out.strip()}


def profile_reparse(db: Path, top: int = 20) -> dict:
    """One reparse under cProfile (in a subprocess): the top functions by own and cumulative time."""
    prof = db.with_suffix(".prof")
    subprocess.run(reparse_command(db, ["-m", "cProfile", "-o", str(prof)]), cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)
    stats = pstats.Stats(str(prof))
    rows = []
    for (file, line, name), (_cc, calls, own, cum, _callers) in stats.stats.items():
        rows.append({"function": name, "where": f"{Path(file).name}:{line}" if line else file,
                     "calls": calls, "own_s": round(own, 3), "cumulative_s": round(cum, 3)})
    text = io.StringIO()
    pstats.Stats(str(prof), stream=text).sort_stats("cumulative").print_stats(25)
    return {"total_s": round(stats.total_tt, 2),
            "top_own": sorted(rows, key=lambda r: -r["own_s"])[:top],
            "top_cumulative": sorted(rows, key=lambda r: -r["cumulative_s"])[:top]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.reparse_bench", description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--stale", type=float, default=0.03, help="share of articles that get a new version")
    parser.add_argument("--profile", choices=("auto", "always", "never"), default="auto",
                        help="profile one more reparse with cProfile: always, never, or when the ratio is below 0.5")
    parser.add_argument("--rebuild", action="store_true", help="build the archive even if a cached one exists")
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "g60-reparse-bench")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    if args.articles < 1 or args.repeat < 1 or not 0 <= args.stale < 1:
        parser.error("--articles and --repeat must be at least 1, --stale in [0, 1)")
    started = time.perf_counter()
    db, info = ensure_archive(args.workdir, args.articles, args.seed, args.rebuild)
    copy = args.workdir / "reparse-copy.sqlite"
    repeats = []
    for r in range(1, args.repeat + 1):
        stale = stale_copy(db, copy, args.stale)
        order = ["extraction", "reparse"] if r % 2 else ["reparse", "extraction"]
        rep = {"repeat": r, "stale": stale}
        for part in order:
            rep[part] = extraction_alone(db) if part == "extraction" else run_reparse(copy)
        rep["ratio"] = rep["reparse"]["articles_per_second"] / rep["extraction"]["articles_per_second"]
        # the same by CPU time: on a shared machine, the wall-time ratio also measures who else ran
        rep["ratio_cpu"] = rep["reparse"]["articles_per_cpu_second"] / rep["extraction"]["articles_per_cpu_second"]
        log(f"repeat {r}: extraction {rep['extraction']['articles_per_second']:.0f}/s, reparse "
            f"{rep['reparse']['articles_per_second']:.0f}/s, ratio {rep['ratio']:.2f} (by CPU time {rep['ratio_cpu']:.2f})")
        repeats.append(rep)
    result = {
        "generated": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "command": "python -m benchmarks.reparse_bench " + " ".join(sys.argv[1:] if argv is None else argv),
        "articles": args.articles, "stale_share": args.stale,
        "machine": {"platform": platform.platform(), "cpus": os.cpu_count(), "python": platform.python_version()},
        "archive": info,
        "repeats": repeats,
        "medians": {
            "extraction_per_s": statistics.median(r["extraction"]["articles_per_second"] for r in repeats),
            "reparse_per_s": statistics.median(r["reparse"]["articles_per_second"] for r in repeats),
            "ratio": statistics.median(r["ratio"] for r in repeats),
            "ratio_cpu": statistics.median(r["ratio_cpu"] for r in repeats),
        },
    }
    if args.profile == "always" or (args.profile == "auto" and result["medians"]["ratio"] < 0.5):
        stale_copy(db, copy, args.stale)
        log("profiling one reparse (cProfile)")
        result["profile"] = profile_reparse(copy)
    for leftover in (copy, copy.with_name(copy.name + ".lock"), copy.with_suffix(".prof")):
        leftover.unlink(missing_ok=True)
    result["seconds"] = time.perf_counter() - started
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", "utf-8")
    med = result["medians"]
    print(f"reparse {med['reparse_per_s']:.0f} articles/s vs extraction alone {med['extraction_per_s']:.0f}: "
          f"ratio {med['ratio']:.2f} (target >= 0.5; by CPU time {med['ratio_cpu']:.2f}), {args.articles:,} articles, {args.repeat} repeat(s)")
    if args.out == RESULTS:
        report.write_docs(["reparse"])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
