"""WARC import at scale: peak RSS at two WARC sizes, throughput against a replay crawl, SIGKILL and resume.

    .venv/bin/python -m benchmarks.warc_bench [--sizes 250,1000] [--mib-per-article 0.0333]

For each size (MiB) a synthetic portal (``benchmarks.synthetic_portal``) of
``size / mib_per_article`` articles is built and written as a WARC of response
records, gzipped per record as real WARCs are (``warcio``): the home page,
robots.txt, every list page, every article, and attachments (incompressible
``.pdf`` payloads of 256 KiB - 2 MiB) that bring the file to its size. Then:

(a) ``python -m g60crawler.cli import-warc`` into a fresh archive: wall time,
    articles/s, peak RSS (the kernel's ``ru_maxrss`` of the process, ``os.wait4``);
(b) at the first (smallest) size only, the baseline: ``scrapy crawl g60 -s
    G60_REPLAY_DIR=<portal>`` of the same pages into a fresh archive, articles/s;
(c) at the first size only, the import again, SIGKILLed once half its articles
    are committed (the archive's row count is polled), then run once more: its
    rows (articles, versions per article, captures, blobs, URLs) against (a)'s.

Results go to ``benchmarks/results/warc.json``; ``docs/benchmarks-warc.md`` is
generated from it (``benchmarks/report.py``). The large files are written under ``--workdir`` and deleted
at the end (``--keep`` keeps them).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from random import Random

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from benchmarks.synthetic_portal import build
from g60crawler import portal

PROJECT = Path(__file__).resolve().parent.parent
RESULTS = PROJECT / "benchmarks" / "results" / "warc.json"
#: MiB of WARC per article (about 6 KB of gzipped page, the rest attachments): 1 GiB holds 30,000 articles
MIB_PER_ARTICLE = 1 / 30
#: share of the WARC's bytes that attachments make up, at most
ATTACHMENT_SHARE = 0.85
CAPTURED = datetime(2026, 11, 1, tzinfo=timezone.utc)
CRAWL_SETTINGS = {"DOWNLOAD_DELAY": "0", "AUTOTHROTTLE_ENABLED": "False", "CONCURRENT_REQUESTS": "16",
                  "CONCURRENT_REQUESTS_PER_DOMAIN": "16", "LOG_LEVEL": "WARNING", "G60_MAX_LIST_PAGES": "100000"}
TABLES = ("articles", "article_versions", "article_urls", "captures", "blobs", "failures")


def log(message: str) -> None:
    print(f"[warc_bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def url_of(root: Path, path: Path) -> str:
    """The URL a mirror file answers (a folder's ``index.shtml`` is the folder's URL)."""
    rel = path.relative_to(root).as_posix()
    if rel == "index.shtml":
        rel = ""
    elif rel.endswith("/index.shtml"):
        rel = rel[: -len("index.shtml")]
    return f"http://{portal.HOST}/{rel}"


def write_warc(portal_root: Path, out: Path, target_bytes: int, seed: int = 1) -> dict:
    """Write the portal's files as gzipped WARC response records, attachments added up to ``target_bytes``.

    :param portal_root: the ``<host>/`` folder of a synthetic portal.
    :param out: the ``.warc.gz`` to write.
    :param target_bytes: the file's size to reach with attachments (at most :data:`ATTACHMENT_SHARE` of it).
    :param seed: seeds the attachments' sizes.
    """
    rng = Random(seed)
    files = sorted(p for p in portal_root.rglob("*") if p.is_file())
    counts = {"pages": 0, "articles": 0, "attachments": 0, "attachment_bytes": 0}
    started = time.perf_counter()
    when = CAPTURED
    with out.open("wb") as stream:
        writer = WARCWriter(stream, gzip=True)
        writer.write_record(writer.create_warcinfo_record(out.name, {"software": "benchmarks.warc_bench",
                                                                     "format": "WARC File Format 1.0"}))

        def response(url: str, body: bytes, kind: str) -> None:
            nonlocal when
            when += timedelta(seconds=1)
            http = StatusAndHeaders("200 OK", [("Content-Type", kind), ("Content-Length", str(len(body))),
                                               ("Server", "nginx"), ("Accept-Ranges", "bytes"),
                                               ("Date", when.strftime("%a, %d %b %Y %H:%M:%S GMT"))],
                                    protocol="HTTP/1.1")
            record = writer.create_warc_record(url, "response", payload=io.BytesIO(body), length=len(body),
                                               http_headers=http,
                                               warc_headers_dict={"WARC-Date": when.strftime("%Y-%m-%dT%H:%M:%SZ")})
            writer.write_record(record)

        attachments_every, due = 0, False
        for i, path in enumerate(files):
            body = path.read_bytes()
            url = url_of(portal_root, path)
            response(url, body, "text/plain" if path.name == "robots.txt" else "text/html")
            counts["pages"] += 1
            counts["articles"] += portal.current().is_article(url)
            if i == 200 and stream.tell():  # by now the pages' compressed size is known: space the attachments
                per_page = stream.tell() / (i + 1)
                room = max(0, min(target_bytes * ATTACHMENT_SHARE, target_bytes - per_page * len(files)))
                wanted = int(room / (1.125 * 2**20))  # mean of 256 KiB .. 2 MiB
                attachments_every = max(1, len(files) // wanted) if wanted else 0
            due = due or bool(attachments_every and i % attachments_every == 0)
            if due and portal.current().is_article(url):  # after an article, as its page links it
                due = False
                size = rng.randrange(256 << 10, 2 << 20)
                data = b"%PDF-1.4\n" + os.urandom(size)  # incompressible, as a PDF's streams are
                response(url.rsplit("/", 1)[0] + f"/P0{i:08d}.pdf", data, "application/pdf")
                counts["attachments"] += 1
                counts["attachment_bytes"] += len(data)
        while stream.tell() < target_bytes:  # the pages were smaller than foreseen: attachments make up the rest
            data = b"%PDF-1.4\n" + os.urandom(min(rng.randrange(256 << 10, 2 << 20), target_bytes - stream.tell()))
            response(f"http://{portal.HOST}/uploads/P1{counts['attachments']:08d}.pdf", data, "application/pdf")
            counts["attachments"] += 1
            counts["attachment_bytes"] += len(data)
    return {**counts, "bytes": out.stat().st_size, "seconds": time.perf_counter() - started}


def env() -> dict:
    return {**os.environ, "PYTHONPATH": str(PROJECT) + os.pathsep + os.environ.get("PYTHONPATH", "")}


def import_command(warc: Path, archive: Path) -> list[str]:
    return [sys.executable, "-m", "g60crawler.cli", "import-warc", str(warc), "--db", str(archive)]


def crawl_command(portal_dir: Path, archive: Path) -> list[str]:
    settings = {**CRAWL_SETTINGS, "G60_REPLAY_DIR": str(portal_dir), "G60_ARCHIVE": str(archive)}
    return [sys.executable, "-m", "scrapy", "crawl", "g60", *[a for k, v in settings.items() for a in ("-s", f"{k}={v}")]]


def run_measured(cmd: list[str], log_path: Path, kill_when=None) -> dict:
    """Run a command from the project folder: wall time, exit status, peak RSS (``os.wait4``).

    :param kill_when: a function polled every 0.2 s; when it returns True the process is SIGKILLed.
    """
    started = time.perf_counter()
    killed = False
    with log_path.open("wb") as out:
        proc = subprocess.Popen(cmd, cwd=PROJECT, env=env(), stdout=out, stderr=subprocess.STDOUT)
        while kill_when is not None:
            pid, wait_status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if kill_when():
                os.kill(proc.pid, signal.SIGKILL)
                killed = True
                kill_when = None
            time.sleep(0.2)
        else:
            pid = 0
        if not pid:
            _, wait_status, usage = os.wait4(proc.pid, 0)
    return {"wall_seconds": time.perf_counter() - started, "exit_code": os.waitstatus_to_exitcode(wait_status),
            "max_rss_mib": usage.ru_maxrss / 1024, "cpu_seconds": usage.ru_utime + usage.ru_stime,
            "killed": killed, "output_tail": log_path.read_text("utf-8", "replace")[-600:]}


def rows(archive: Path) -> dict:
    """The archive's row counts, and what must be equal after a resumed import."""
    conn = sqlite3.connect(f"file:{archive}?mode=ro", uri=True)
    try:
        counts = {t: conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in TABLES}
        counts["versions_per_article"] = sorted(conn.execute(
            "SELECT a.canonical_url, COUNT(v.id) FROM articles a JOIN article_versions v ON v.article_id = a.id "
            "GROUP BY a.id ORDER BY a.canonical_url").fetchall())
        counts["duplicate_captures"] = conn.execute(
            "SELECT COUNT(*) FROM (SELECT url, sha256 FROM captures GROUP BY url, sha256 HAVING COUNT(*) > 1)"
        ).fetchone()[0]
    finally:
        conn.close()
    return counts


def committed_articles(archive: Path) -> int:
    """Articles committed so far (0 while the archive is not there or busy)."""
    if not archive.exists():
        return 0
    try:
        conn = sqlite3.connect(f"file:{archive}?mode=ro", uri=True, timeout=0.1)
        try:
            return conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error:
        return 0


def fresh(path: Path) -> Path:
    for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}.lock")):
        p.unlink(missing_ok=True)
    return path


def measure_size(size_mib: int, args, workdir: Path, first: bool) -> dict:
    articles = max(50, int(size_mib / args.mib_per_article))
    portal_dir = workdir / f"portal-{size_mib}"
    log(f"{size_mib} MiB: building a portal of {articles} articles")
    built = build(portal_dir, articles, seed=args.seed, progress=False)
    warc = workdir / f"portal-{size_mib}.warc.gz"
    log(f"{size_mib} MiB: writing {warc}")
    written = write_warc(portal_dir / portal.HOST, warc, size_mib << 20, seed=args.seed)
    log(f"{size_mib} MiB: {written['bytes'] >> 20} MiB written; importing")
    result = {"size_mib": size_mib, "portal": {k: built[k] for k in ("articles", "files", "bytes")}, "warc": written}
    archive = fresh(workdir / f"import-{size_mib}.sqlite")
    imported = run_measured(import_command(warc, archive), workdir / f"import-{size_mib}.log")
    imported["rows"] = {k: v for k, v in rows(archive).items() if k != "versions_per_article"}
    imported["articles_per_second"] = imported["rows"]["articles"] / imported["wall_seconds"]
    result["import"] = imported
    log(f"{size_mib} MiB: import {imported['wall_seconds']:.0f} s, {imported['articles_per_second']:.0f} articles/s, "
        f"peak RSS {imported['max_rss_mib']:.0f} MiB, exit {imported['exit_code']}")
    if first:
        crawl_archive = fresh(workdir / f"crawl-{size_mib}.sqlite")
        log(f"{size_mib} MiB: replay crawl of the same pages")
        crawled = run_measured(crawl_command(portal_dir, crawl_archive), workdir / f"crawl-{size_mib}.log")
        crawled["rows"] = {k: v for k, v in rows(crawl_archive).items() if k != "versions_per_article"}
        crawled["articles_per_second"] = crawled["rows"]["articles"] / crawled["wall_seconds"]
        result["replay_crawl"] = crawled
        log(f"{size_mib} MiB: replay crawl {crawled['wall_seconds']:.0f} s, "
            f"{crawled['articles_per_second']:.0f} articles/s, exit {crawled['exit_code']}")
        result["resume"] = resume_check(warc, archive, workdir, size_mib)
        fresh(crawl_archive)
    if not args.keep:
        shutil.rmtree(portal_dir, ignore_errors=True)
        warc.unlink(missing_ok=True)
        fresh(archive)
    return result


def resume_check(warc: Path, whole: Path, workdir: Path, size_mib: int) -> dict:
    """Import, SIGKILL once half the articles are committed, import again; compare with the whole import."""
    expected = rows(whole)
    archive = fresh(workdir / f"resume-{size_mib}.sqlite")
    half = expected["articles"] // 2
    killed = run_measured(import_command(warc, archive), workdir / f"killed-{size_mib}.log",
                          kill_when=lambda: committed_articles(archive) >= half)
    at_kill = committed_articles(archive)
    again = run_measured(import_command(warc, archive), workdir / f"resumed-{size_mib}.log")
    got = rows(archive)
    differences = sorted(k for k in expected if expected[k] != got[k] and k != "failures")
    log(f"resume: killed={killed['killed']} with {at_kill} articles committed; second import exit "
        f"{again['exit_code']}; differences: {differences or 'none'}")
    fresh(archive)
    return {"killed": killed["killed"], "articles_at_kill": at_kill, "second_exit_code": again["exit_code"],
            "second_wall_seconds": again["wall_seconds"],
            "rows_uninterrupted": {k: v for k, v in expected.items() if k != "versions_per_article"},
            "rows_resumed": {k: v for k, v in got.items() if k != "versions_per_article"},
            "same_versions_per_article": expected["versions_per_article"] == got["versions_per_article"],
            "differences": differences, "ok": killed["killed"] and again["exit_code"] == 0 and not differences}


def summarise(sizes: list[dict]) -> dict:
    small, large = sizes[0], sizes[-1]
    base = small["replay_crawl"]["articles_per_second"]
    slope = ((large["import"]["max_rss_mib"] - small["import"]["max_rss_mib"])
             / max(1e-9, (large["warc"]["bytes"] - small["warc"]["bytes"]) / 2**30)) if len(sizes) > 1 else None
    return {
        "rss_mib": {str(s["size_mib"]): s["import"]["max_rss_mib"] for s in sizes},
        "rss_slope_mib_per_gib": slope,
        "max_rss_mib": max(s["import"]["max_rss_mib"] for s in sizes),
        "import_articles_per_second": small["import"]["articles_per_second"],
        "replay_crawl_articles_per_second": base,
        "ratio_import_to_replay": small["import"]["articles_per_second"] / base,
        # CPU seconds per article: less sensitive than wall time to the other work of a shared machine
        "cpu_ms_per_article": {"import": 1000 * small["import"]["cpu_seconds"] / small["import"]["rows"]["articles"],
                               "replay_crawl": 1000 * small["replay_crawl"]["cpu_seconds"]
                               / small["replay_crawl"]["rows"]["articles"]},
        "resume_ok": small["resume"]["ok"],
        "targets": {"max_rss_mib": "< 250", "ratio_import_to_replay": ">= 0.80", "resume": "no difference"},
    }


def render(result: dict) -> str:
    """docs/benchmarks-warc.md (below benchmarks/report.py's header), from the results."""
    s = result["summary"]
    lines = [
        "# Benchmark: WARC import at scale",
        "",
        f"Run {result['when']} on {result['machine']}, command `{result['command']}`.",
        "",
        "Each WARC is a synthetic portal (`benchmarks/synthetic_portal.py`) written as gzipped-per-record response",
        "records (home page, robots.txt, list pages, articles, and incompressible `.pdf` attachments), imported",
        "with `python -m g60crawler.cli import-warc` into a fresh archive. Peak RSS is the kernel's `ru_maxrss` of",
        "the import process. The baseline is a replay crawl (`scrapy crawl g60 -s G60_REPLAY_DIR=<portal>`) of the",
        "same pages in the same run, at the first size.",
        "",
        "| WARC | articles | attachments | import | articles/s | peak RSS |",
        "|---|---|---|---|---|---|",
    ]
    for r in result["sizes"]:
        lines.append(f"| {r['warc']['bytes'] / 2**20:.0f} MiB | {r['warc']['articles']} | {r['warc']['attachments']} | "
                     f"{r['import']['wall_seconds']:.0f} s | {r['import']['articles_per_second']:.0f} | "
                     f"{r['import']['max_rss_mib']:.0f} MiB |")
    first = result["sizes"][0]
    resume = first["resume"]
    slope = s["rss_slope_mib_per_gib"]
    lines += [
        "",
        "| figure | measured | target |",
        "|---|---|---|",
        f"| peak RSS of the import, largest | {s['max_rss_mib']:.0f} MiB | {s['targets']['max_rss_mib']} MiB |",
        f"| peak RSS slope in the WARC's size | {'n/a' if slope is None else f'{slope:+.1f} MiB per GiB'} | flat |",
        f"| import vs replay crawl, articles/s ({first['warc']['bytes'] / 2**20:.0f} MiB) | "
        f"{s['import_articles_per_second']:.0f} vs {s['replay_crawl_articles_per_second']:.0f}, ratio "
        f"{s['ratio_import_to_replay']:.2f} | {s['targets']['ratio_import_to_replay']} |",
        f"| CPU per article, import vs replay crawl | {s['cpu_ms_per_article']['import']:.1f} vs "
        f"{s['cpu_ms_per_article']['replay_crawl']:.1f} ms | |",
        f"| SIGKILL at {resume['articles_at_kill']} of {resume['rows_uninterrupted']['articles']} articles, "
        f"then import again | {'same rows as an uninterrupted import' if resume['ok'] else 'DIFFERENT: ' + ', '.join(resume['differences'])} "
        f"(second import {resume['second_wall_seconds']:.0f} s) | no duplicate |",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.warc_bench", description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="250,1000", help="WARC sizes in MiB, comma-separated (the first is "
                                                            "the baseline's and the resume check's)")
    parser.add_argument("--mib-per-article", type=float, default=MIB_PER_ARTICLE)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workdir", type=Path, help="where the portals, WARCs and archives go (default: a temp dir)")
    parser.add_argument("--keep", action="store_true", help="keep the WARCs, portals and archives")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="warc_bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    free = shutil.disk_usage(workdir).free
    if free < max(sizes) * 4 << 20:
        print(f"Error: {free >> 20} MiB free in {workdir}; the {max(sizes)} MiB WARC needs about {max(sizes) * 4} MiB",
              file=sys.stderr)
        return 1
    measured = [measure_size(size, args, workdir, first=i == 0) for i, size in enumerate(sizes)]
    if not args.workdir and not args.keep:
        shutil.rmtree(workdir, ignore_errors=True)
    result = {
        "command": "python -m benchmarks.warc_bench " + " ".join(argv if argv is not None else sys.argv[1:]),
        "when": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}",
        "import_command": "python -m g60crawler.cli import-warc WARC --db ARCHIVE",
        "baseline_command": "scrapy crawl g60 " + " ".join(f"-s {k}={v}" for k, v in CRAWL_SETTINGS.items())
                            + " -s G60_REPLAY_DIR=PORTAL -s G60_ARCHIVE=ARCHIVE",
        "sizes": measured,
    }
    result["summary"] = summarise(measured)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", "utf-8")
    from benchmarks import report

    report.write_docs(["warc"])
    s = result["summary"]
    print(f"peak RSS {', '.join(f'{k} MiB WARC: {v:.0f} MiB' for k, v in s['rss_mib'].items())}; import "
          f"{s['import_articles_per_second']:.0f} vs replay crawl {s['replay_crawl_articles_per_second']:.0f} "
          f"articles/s ({s['ratio_import_to_replay']:.2f}); resume {'ok' if s['resume_ok'] else 'FAILED'}")
    ok = s["max_rss_mib"] < 250 and s["ratio_import_to_replay"] >= 0.8 and s["resume_ok"]
    return 0 if ok else 3


if __name__ == "__main__":
    raise SystemExit(main())
