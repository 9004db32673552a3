"""Chinese full-text search over the archive: bigram FTS5 against a scan, trigram and jieba.

    .venv/bin/pip install -e ".[bench]"   # jieba is in the bench extra
    .venv/bin/python -m benchmarks.search_bench --articles 100000

Builds (or reuses) a synthetic archive with ``benchmarks.synthetic_archive``
under ``/tmp/g60-search-bench/`` (``G60_BENCH_DIR`` or ``--work-dir`` to move
it), and beside it one file with the indexes compared: an FTS5 ``trigram``
table of the same rows, and two FTS5 ``unicode61`` tables of text segmented by
jieba (``cut_for_search`` and ``cut``). Then, in one process:

* correctness: for every query, the full set of matching ids (no limit) of
  each approach against a plain scan (``instr`` on title, summary and body,
  every term ANDed), which is the ground truth: recall and precision;
* speed: median and 95th percentile (nearest rank) of ``--reps`` timings per
  query and approach after one warm-up pass, approaches interleaved (their
  order rotates at every repetition); the ratio of each median to the scan's
  median of the same query, since the machine is shared;
* export: ``write_csv`` and ``write_jsonl`` of the whole archive to /dev/null,
  each in a fresh process, articles per second and resident memory before,
  during (sampled every 10,000 rows) and at the end.

A table on stdout; every figure in ``benchmarks/results/search.json`` (under
``runs.<articles>``, so a run with another size does not erase this one).
docs/search.md has the method, the results and the decision.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import os
import platform
import resource
import sqlite3
import statistics
import subprocess
import sys
import time
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from importlib.metadata import version
from multiprocessing import Pool
from pathlib import Path

import jieba

from g60crawler.archive.export import write_csv, write_jsonl
from g60crawler.archive.fts import SEARCH_INDEX, TITLE_TABLE, parse_query, segment
from g60crawler.archive.schema import LATEST_VERSION
from g60crawler.archive.search import Filters, count, search
from g60crawler.archive.store import Archive

from . import synthetic_archive

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "search.json"
DEFAULT_WORK_DIR = Path(os.environ.get("G60_BENCH_DIR", "/tmp/g60-search-bench"))
LIMIT = 20
REPS = 30
SAMPLE_EVERY = 10_000
SCAN_TEXT = "title || ' ' || COALESCE(summary, '') || ' ' || body"
DATE_ORDER = "published IS NULL, published DESC, id DESC"  # as search(sort="date")

#: (query as a user types it, group)
QUERIES: tuple[tuple[str, str], ...] = (
    ("合肥", "2 characters"),
    ("松江", "2 characters"),
    ("人才", "2 characters"),
    ("政策", "2 characters"),
    ("长三角", "3 characters"),
    ("九城市", "3 characters"),
    ("长三角一体化", "6 characters"),
    ("G60科创走廊", "mixed ASCII"),
    ("5G", "mixed ASCII"),
    ("合肥 人才", "two words"),
    ("松江 政策 集成电路", "three words"),
    ("量子计算", "rare"),
    ("碳纤维", "rare"),
    ("航空发动机", "rare"),
    ("发展", "common"),
    ("科技创新", "common"),
    ("A股", "limit: ASCII + 1 character"),
    ("芯", "limit: 1 character"),
)

jieba.setLogLevel(logging.WARNING)


# ------------------------------------------------------------------ the archive and the other indexes

def ensure_archive(work_dir: Path, articles: int, seed: int, rebuild: bool) -> tuple[Path, dict]:
    """The synthetic archive of this size and seed, built if absent; with its build figures."""
    # one file per schema: an archive of an older schema would be migrated in place, and keep the
    # free pages of what the migration dropped (its size would not be a new archive's)
    path = work_dir / f"archive-{articles}-s{seed}-v{LATEST_VERSION}.sqlite"
    info_path = path.with_suffix(".build.json")
    if path.exists() and info_path.exists() and not rebuild:
        info = json.loads(info_path.read_text("utf-8"))
        info["reused"] = True
        return path, info
    _remove_db(path)
    print(f"building the synthetic archive: {articles} articles, seed {seed} -> {path}", file=sys.stderr)
    info = synthetic_archive.build(path, articles, seed)
    print(f"  built in {info['seconds']:.1f} s, {info['articles_per_second']:.0f} articles/s", file=sys.stderr)
    info_path.write_text(json.dumps(info, ensure_ascii=False, indent=2), "utf-8")
    info["reused"] = False
    return path, info


def _remove_db(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(str(path) + suffix).unlink(missing_ok=True)


def _articles(archive: Path, upto: int | None = None) -> Iterator[tuple]:
    conn = sqlite3.connect(archive)
    try:
        sql = "SELECT id, title, summary, body FROM articles"
        yield from conn.execute(sql + (" WHERE id <= ? ORDER BY id" if upto else " ORDER BY id"),
                                (upto,) if upto else ())
    finally:
        conn.close()


def _jieba_chunk(rows: list[tuple]) -> tuple[list[tuple], list[tuple], float, float]:
    """Segment rows both ways (in a worker process); with the CPU seconds of each way."""
    out = {}
    cpu = {}
    for mode, cut in (("search", jieba.cut_for_search), ("default", jieba.cut)):
        start = time.process_time()
        out[mode] = [(i, *(None if text is None else " ".join(cut(text)) for text in texts))
                     for i, *texts in rows]
        cpu[mode] = time.process_time() - start
    return out["search"], out["default"], cpu["search"], cpu["default"]


def _chunks(rows: Iterator[tuple], size: int = 500) -> Iterator[list[tuple]]:
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def ensure_comparison(work_dir: Path, archive: Path, articles: int, seed: int, jieba_articles: int,
                      rebuild: bool) -> tuple[Path, dict]:
    """The file of comparison indexes (bigram copy, trigram, jieba x2), built if absent."""
    path = work_dir / f"compare-{articles}-s{seed}-j{jieba_articles}.sqlite"
    if path.exists() and not rebuild:
        conn = sqlite3.connect(path)
        try:
            row = conn.execute("SELECT value FROM meta WHERE key = 'build'").fetchone()
        except sqlite3.OperationalError:
            row = None
        conn.close()
        if row:
            info = json.loads(row[0])
            info["reused"] = True
            return path, info
    _remove_db(path)
    print(f"building the comparison indexes -> {path}", file=sys.stderr)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.executescript("""
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        -- the project's index, rebuilt here only to time its build like the others
        CREATE VIRTUAL TABLE bigram USING fts5(title, summary, body, tokenize = 'unicode61');
        CREATE VIRTUAL TABLE trigram USING fts5(title, summary, body, tokenize = 'trigram');
        CREATE VIRTUAL TABLE jieba_search USING fts5(title, summary, body, tokenize = 'unicode61');
        CREATE VIRTUAL TABLE jieba_default USING fts5(title, summary, body, tokenize = 'unicode61');
    """)
    info: dict = {"articles": articles, "jieba_articles": jieba_articles}

    start = time.perf_counter()
    conn.executemany("INSERT INTO bigram (rowid, title, summary, body) VALUES (?, ?, ?, ?)",
                     ((i, segment(t), segment(s) if s is not None else None, segment(b))
                      for i, t, s, b in _articles(archive)))
    conn.commit()
    info["bigram"] = {"seconds": time.perf_counter() - start, "rows": articles}
    print(f"  bigram (segment + insert): {info['bigram']['seconds']:.1f} s", file=sys.stderr)

    start = time.perf_counter()
    conn.executemany("INSERT INTO trigram (rowid, title, summary, body) VALUES (?, ?, ?, ?)", _articles(archive))
    conn.commit()
    info["trigram"] = {"seconds": time.perf_counter() - start, "rows": articles}
    print(f"  trigram: {info['trigram']['seconds']:.1f} s", file=sys.stderr)

    jieba.initialize()  # once, before the workers fork
    workers = os.cpu_count() or 1
    start = time.perf_counter()
    cpu = {"search": 0.0, "default": 0.0}
    done = 0
    with Pool(workers) as pool:
        for seg_search, seg_default, cpu_search, cpu_default in pool.imap(
                _jieba_chunk, _chunks(_articles(archive, jieba_articles))):
            conn.executemany("INSERT INTO jieba_search (rowid, title, summary, body) VALUES (?, ?, ?, ?)", seg_search)
            conn.executemany("INSERT INTO jieba_default (rowid, title, summary, body) VALUES (?, ?, ?, ?)",
                             seg_default)
            cpu["search"] += cpu_search
            cpu["default"] += cpu_default
            done += len(seg_search)
            if done % 20_000 < 500:
                print(f"  jieba: {done} articles, {time.perf_counter() - start:.0f} s", file=sys.stderr)
    conn.commit()
    wall = time.perf_counter() - start
    info["jieba"] = {"seconds_wall_both_modes": wall, "workers": workers, "rows": jieba_articles,
                     "cpu_seconds_segmenting": cpu}
    print(f"  jieba, both modes, {workers} processes: {wall:.1f} s wall; segmenting CPU "
          f"cut_for_search {cpu['search']:.0f} s, cut {cpu['default']:.0f} s", file=sys.stderr)
    conn.execute("INSERT INTO meta (key, value) VALUES ('build', ?)", (json.dumps(info),))
    conn.commit()
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    info["reused"] = False
    return path, info


def fts_sizes(conn: sqlite3.Connection, tables: tuple[str, ...]) -> dict:
    """Bytes of each FTS5 table: the inverted index (data, idx) and the stored text (content)."""
    sizes = {}
    for table in tables:
        rows = dict(conn.execute("SELECT name, SUM(pgsize) FROM dbstat WHERE name LIKE ? GROUP BY name",
                                 (f"{table}_%",)).fetchall())
        sizes[table] = {"index_bytes": rows.get(f"{table}_data", 0) + rows.get(f"{table}_idx", 0),
                        "content_bytes": rows.get(f"{table}_content", 0),
                        "total_bytes": sum(rows.values())}
    return sizes


# ------------------------------------------------------------------ the approaches

def _quote(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


def scan_sql(query: str) -> tuple[str, list[str]]:
    terms = query.split()
    return " AND ".join([f"instr({SCAN_TEXT}, ?) > 0"] * len(terms)), terms


def jieba_expression(query: str, mode: str) -> str:
    """A query segmented like the index: ``cut`` -> a phrase per term; ``cut_for_search``
    -> every token of every term ANDed (its tokens overlap, so they are no phrase)."""
    parts = []
    for term in query.split():
        cut = jieba.cut_for_search(term) if mode == "search" else jieba.cut(term)
        toks = [t.strip() for t in cut if any(ch.isalnum() for ch in t)]
        if not toks:
            continue
        if mode == "search":
            parts += [_quote(t) for t in dict.fromkeys(toks)]
        else:
            parts.append(_quote(" ".join(toks)))
    return " AND ".join(parts)


def trigram_expression(query: str) -> str | None:
    terms = query.split()
    if any(len(t) < 3 for t in terms):
        return None  # the trigram tokenizer matches nothing shorter than 3 characters
    return " AND ".join(_quote(t) for t in terms)


def expressions(query: str) -> dict:
    """What each index is asked for this query (for the record)."""
    parsed = parse_query(query)
    where, params = scan_sql(query)
    return {"scan": params, "bigram": parsed.match, "bigram_singles_by_instr": list(parsed.singles),
            "trigram": trigram_expression(query), "jieba_search": jieba_expression(query, "search"),
            "jieba_default": jieba_expression(query, "default")}


@dataclass
class Approach:
    """One way of answering a query: its full result set, and the limited query that is timed."""

    name: str
    label: str
    universe: int  # it indexes the articles with id <= universe
    full: Callable[[str], set[int] | None]  # None: it cannot answer this query
    timed: Callable[[str], Callable[[], object] | None]
    baseline: str = "scan"  # the approach its latency is divided by
    conn: sqlite3.Connection | None = None


def make_approaches(arch: sqlite3.Connection, cmp: sqlite3.Connection, articles: int,
                    jieba_articles: int) -> list[Approach]:
    def scan_full(universe):
        def full(q):
            where, params = scan_sql(q)
            return {r[0] for r in arch.execute(f"SELECT id FROM articles WHERE {where} AND id <= ?",
                                               (*params, universe))}
        return full

    def scan_timed(universe):
        def timed(q):
            where, params = scan_sql(q)
            extra = "" if universe >= articles else " AND id <= ?"
            sql = f"SELECT id FROM articles WHERE {where}{extra} ORDER BY {DATE_ORDER} LIMIT {LIMIT}"
            args = (*params, universe) if extra else tuple(params)
            return lambda: arch.execute(sql, args).fetchall()
        return timed

    def bigram_full(q):
        return {h.id for h in search(arch, q, Filters(), "date", limit=10 ** 9)}

    def bigram_timed(sort):
        return lambda q: (lambda: search(arch, q, Filters(), sort, LIMIT))

    def bigram_match_expr(q):
        parsed = parse_query(q)
        return None if parsed.singles or not parsed.match else parsed.match

    def fts(conn, table, expression):
        def full(q):
            expr = expression(q)
            if expr is None:
                return None
            return {r[0] for r in conn.execute(f"SELECT rowid FROM {table} WHERE {table} MATCH ?", (expr,))}

        def timed(q):
            expr = expression(q)
            if expr is None:
                return None
            sql = f"SELECT rowid FROM {table} WHERE {table} MATCH ? ORDER BY rank LIMIT {LIMIT}"
            return lambda: conn.execute(sql, (expr,)).fetchall()
        return full, timed

    approaches = [
        Approach("scan", "scan (instr)", articles, scan_full(articles), scan_timed(articles), conn=arch),
        Approach("bigram_search_relevance", "bigram search() relevance", articles, bigram_full,
                 bigram_timed("relevance")),
        Approach("bigram_search_date", "bigram search() date", articles, bigram_full, bigram_timed("date")),
        # what the web search page adds to every page of hits: how many match in all
        Approach("bigram_count", "bigram count()", articles, bigram_full, lambda q: (lambda: count(arch, q))),
        Approach("bigram_match", "bigram MATCH", articles, *fts(arch, "articles_fts", bigram_match_expr)),
        Approach("trigram", "trigram MATCH", articles, *fts(cmp, "trigram", trigram_expression)),
    ]
    baseline = "scan"
    if jieba_articles < articles:
        baseline = "scan_subset"
        approaches.append(Approach("scan_subset", f"scan (instr), first {jieba_articles}", jieba_articles,
                                   scan_full(jieba_articles), scan_timed(jieba_articles), baseline))
    approaches += [
        Approach("jieba_search", "jieba cut_for_search", jieba_articles,
                 *fts(cmp, "jieba_search", lambda q: jieba_expression(q, "search")), baseline=baseline),
        Approach("jieba_default", "jieba cut", jieba_articles,
                 *fts(cmp, "jieba_default", lambda q: jieba_expression(q, "default")), baseline=baseline),
    ]
    return approaches


# ------------------------------------------------------------------ measuring

def contexts(arch: sqlite3.Connection, query: str, ids: set[int], limit: int = 1000) -> list:
    """The commonest text around a one-word query's first occurrence in these articles
    (two characters each side): what an approach missed, or found beyond the scan."""
    if len(query.split()) != 1 or not ids:
        return []
    seen: dict[str, int] = {}
    needles = (query, unicodedata.normalize("NFKC", query).upper())
    for i in sorted(ids)[:limit]:
        (text,) = arch.execute(f"SELECT {SCAN_TEXT} FROM articles WHERE id = ?", (i,)).fetchone()
        folded = unicodedata.normalize("NFKC", text).upper()
        for source, needle in ((text, needles[0]), (folded, needles[1])):
            pos = source.find(needle)
            if pos >= 0:
                ctx = text[max(0, pos - 2):pos + len(needle) + 2]
                seen[ctx] = seen.get(ctx, 0) + 1
                break
    return sorted(seen.items(), key=lambda kv: (-kv[1], kv[0]))[:6]


def correctness(approaches: list[Approach], queries) -> dict:
    """Per query and approach: found, recall and precision against the scan of the same articles."""
    truth_cache: dict[tuple[str, int], set[int]] = {}
    scan = approaches[0]
    scan_conn = scan.conn
    out = {}
    for query, _group in queries:
        per = {}
        for a in approaches:
            key = (query, a.universe)
            if key not in truth_cache:
                truth_cache[key] = {i for i in scan.full(query) if i <= a.universe}
            truth = truth_cache[key]
            start = time.perf_counter()
            found = a.full(query)
            seconds = time.perf_counter() - start
            if found is None:
                per[a.name] = {"answered": False}
                continue
            hit = len(found & truth)
            per[a.name] = {
                "answered": True, "truth": len(truth), "found": len(found), "missed": len(truth - found),
                "extra": len(found - truth),
                "recall": hit / len(truth) if truth else (1.0 if not found else 0.0),
                "precision": hit / len(found) if found else (1.0 if not truth else 0.0),
                "full_set_seconds": seconds,
                "missed_sample": sorted(truth - found)[:5], "extra_sample": sorted(found - truth)[:5],
                "missed_contexts": contexts(scan_conn, query, truth - found),
                "extra_contexts": contexts(scan_conn, query, found - truth),
            }
        out[query] = per
    return out


def latency(approaches: list[Approach], queries, reps: int) -> dict:
    """Per query and approach: the timings (ms) of ``reps`` interleaved runs after a warm-up."""
    tasks = []
    for query, _group in queries:
        for a in approaches:
            fn = a.timed(query)
            if fn is not None:
                tasks.append((query, a.name, fn))
    for _query, _name, fn in tasks:  # warm-up: caches, statements, jieba's dictionary
        fn()
    samples: dict[tuple[str, str], list[float]] = {(q, n): [] for q, n, _ in tasks}
    by_query: dict[str, list] = {}
    for q, n, fn in tasks:
        by_query.setdefault(q, []).append((n, fn))
    started = time.perf_counter()
    for rep in range(reps):
        for q, runs in by_query.items():
            k = rep % len(runs)
            for name, fn in runs[k:] + runs[:k]:  # a different approach goes first each time
                t0 = time.perf_counter()
                fn()
                samples[(q, name)].append((time.perf_counter() - t0) * 1000)
        if rep % 5 == 4:
            print(f"  timing: {rep + 1}/{reps} repetitions, {time.perf_counter() - started:.0f} s",
                  file=sys.stderr, flush=True)
    return samples


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def search_diagnostics(arch: sqlite3.Connection, reps: int) -> dict:
    """Where search()'s time goes when the hits are few: the per-query sections subquery."""
    from g60crawler.archive.search import _COLUMNS

    def median_ms(fn) -> float:
        fn()
        values = []
        for _ in range(reps):
            t0 = time.perf_counter()
            fn()
            values.append((time.perf_counter() - t0) * 1000)
        return statistics.median(values)

    sections = _COLUMNS.split("(SELECT group_concat", 1)[1]
    one = f"SELECT (SELECT group_concat{sections} FROM articles a WHERE a.id = ?"
    rare = "航空发动机"  # a few hits: the hits themselves cost little
    match = parse_query(rare).match
    return {
        "rare_query": rare,
        "rare_hits": len(search(arch, rare, Filters(), "relevance", 10 ** 6)),
        "sections_subquery_sql": one,
        "sections_subquery_one_article_ms": median_ms(lambda: arch.execute(one, (1,)).fetchall()),
        "sections_subquery_plan": [r[3] for r in arch.execute("EXPLAIN QUERY PLAN " + one, (1,))],
        "search_rare_ms": median_ms(lambda: search(arch, rare, Filters(), "relevance", LIMIT)),
        "search_sql_without_sections_rare_ms": median_ms(lambda: arch.execute(
            "SELECT a.id, a.canonical_url, a.title, a.published, a.editor, a.cities, a.summary, a.body, "
            "bm25(articles_fts, 10.0, 5.0, 1.0) AS score FROM articles_fts JOIN articles a "
            "ON a.id = articles_fts.rowid WHERE articles_fts MATCH ? AND a.kind = 'article' "
            "ORDER BY score LIMIT 20", (match,)).fetchall()),
        "match_rare_ms": median_ms(lambda: arch.execute(
            "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? ORDER BY rank LIMIT 20", (match,)).fetchall()),
    }


# ------------------------------------------------------------------ export

class _Sampler:
    """A text stream that passes writes on and samples the resident memory every N writes."""

    def __init__(self, out, every: int) -> None:
        self.out, self.every, self.writes, self.chars, self.samples = out, every, 0, 0, []

    def write(self, text: str) -> int:
        self.writes += 1
        self.chars += len(text)
        if self.writes % self.every == 0:
            self.samples.append([self.writes, _rss_kib()])
        return self.out.write(text)


def _io() -> dict[str, int]:
    """This process's I/O counters (/proc/self/io): write_bytes is what reached the disk."""
    try:
        with open("/proc/self/io", encoding="ascii") as io:
            return {k: int(v) for k, v in (line.split(":") for line in io)}
    except OSError:
        return {"write_bytes": 0}


def _rss_kib(field: str = "VmRSS") -> int:
    """The process's resident memory (VmRSS) or its peak (VmHWM), in KiB."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return -1


def export_probe(db: Path, fmt: str) -> dict:
    """Export the whole archive to /dev/null (run in a fresh process by ``export_figures``)."""
    archive = Archive.open(db, create=False)
    plan = [r[3] for r in archive.conn.execute(
        "EXPLAIN QUERY PLAN SELECT a.id FROM articles a WHERE a.kind = 'article' "
        "ORDER BY a.published IS NULL, a.published, a.id")]
    writer, encoding = (write_csv, "utf-8-sig") if fmt == "csv" else (write_jsonl, "utf-8")
    try:  # reset the peak (VmHWM, ru_maxrss) to the current RSS: the peak after is the export's
        with open("/proc/self/clear_refs", "w", encoding="ascii") as clear:
            clear.write("5")
        peak_reset = True
    except OSError:
        peak_reset = False
    before = {"rss_kib": _rss_kib(), "hwm_kib": _rss_kib("VmHWM"),
              "maxrss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, "peak_reset": peak_reset,
              "io": _io()}
    with open(os.devnull, "w", encoding=encoding, newline="") as null:
        sampler = _Sampler(null, SAMPLE_EVERY)
        start = time.perf_counter()
        n = writer(archive.conn, sampler, Filters(), None)
        seconds = time.perf_counter() - start
    after = {"rss_kib": _rss_kib(), "hwm_kib": _rss_kib("VmHWM"),
             "maxrss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, "io": _io()}
    (text_bytes,) = archive.conn.execute(
        "SELECT SUM(LENGTH(CAST(title AS BLOB)) + COALESCE(LENGTH(CAST(summary AS BLOB)), 0) "
        "+ LENGTH(CAST(body AS BLOB))) FROM articles").fetchone()
    archive.close()
    rss = [s[1] for s in sampler.samples]
    return {"format": fmt, "articles": n, "seconds": seconds, "articles_per_second": n / seconds,
            "chars_written": sampler.chars, "archive_text_bytes": text_bytes,
            # bytes this process wrote to disk: SQLite's sorter spilling to temporary files
            "disk_write_bytes": after["io"]["write_bytes"] - before["io"]["write_bytes"],
            "before": before, "after": after,
            # the peak while exporting (VmHWM, reset just before), above the resident memory before it;
            # ru_maxrss is kept but not used: Linux carries it over exec() from the parent's fork
            "peak_growth_kib": after["hwm_kib"] - before["rss_kib"],
            "rss_samples_kib": sampler.samples,
            "rss_spread_during_kib": (max(rss) - min(rss)) if rss else None,
            "query_plan": plan}


def export_figures(db: Path) -> dict:
    out = {}
    for fmt in ("csv", "jsonl"):
        proc = subprocess.run([sys.executable, "-m", "benchmarks.search_bench", "--export-probe", fmt,
                               "--db", str(db)], cwd=ROOT, capture_output=True, text=True, check=True)
        out[fmt] = json.loads(proc.stdout)
    return out


# ------------------------------------------------------------------ report

def _pct(x: float | None) -> str:
    return "-" if x is None else f"{100 * x:.1f}%" if x < 1 else "100%"


def _ms(x: float) -> str:
    return f"{x:.1f}" if x >= 10 else f"{x:.2f}" if x >= 1 else f"{x:.3f}"


def tables(approaches: list[Approach], queries, correct: dict, lat: dict) -> dict[str, str]:
    names = [a.name for a in approaches if not a.name.startswith("scan")]
    labels = {a.name: a.label for a in approaches}
    head = "| query | group | scan: articles | " + " | ".join(labels[n] for n in names
                                                              if n not in SAME_SET) + " |"
    rows = [head, "|" + "---|" * (head.count("|") - 1)]
    shown = [n for n in names if n not in SAME_SET]  # same full set as relevance
    for q, group in queries:
        cells = []
        for n in shown:
            c = correct[q][n]
            cells.append("n/a" if not c["answered"] else f"{_pct(c['recall'])} / {_pct(c['precision'])}")
        rows.append(f"| {q} | {group} | {correct[q]['scan']['truth']} | " + " | ".join(cells) + " |")
    correctness_md = "\n".join(rows)

    lat_names = [a.name for a in approaches]
    head = "| query | " + " | ".join(labels[n] for n in lat_names) + " |"
    rows = [head, "|" + "---|" * (head.count("|") - 1)]
    rows95 = list(rows)
    for q, _group in queries:
        cells, cells95 = [], []
        for n in lat_names:
            v = lat[q].get(n)
            if v is None:
                cells.append("n/a")
                cells95.append("n/a")
                continue
            ratio = v["ratio_to_baseline"]
            cells.append(_ms(v["median_ms"]) if n.startswith("scan") else f"{_ms(v['median_ms'])} ({ratio:.3f}×)")
            cells95.append(_ms(v["p95_ms"]))
        rows.append(f"| {q} | " + " | ".join(cells) + " |")
        rows95.append(f"| {q} | " + " | ".join(cells95) + " |")
    return {"correctness": correctness_md, "latency_median": "\n".join(rows), "latency_p95": "\n".join(rows95)}


#: approaches whose full result set is bigram_search_relevance's (one correctness column for them)
SAME_SET = ("bigram_search_date", "bigram_count")
TARGET_MS = 20.0
TARGET_SHARE = 0.25
DOC = ROOT / "docs" / "search.md"
DOC_BEGIN = "<!-- figures below generated by python -m benchmarks.search_bench from benchmarks/results/search.json -->"
DOC_END = "<!-- end of generated figures -->"


def target_markdown(runs: dict) -> str:
    """The issue's targets against every run in the results: p95 of search() and count() per query, sizes."""
    out = []
    for size in sorted(runs, key=int):
        run = runs[size]
        if "sizes" not in run or "search_index_bytes" not in run["sizes"]["archive_fts"]:
            continue  # a run of before the contentless index: no share recorded
        fts = run["sizes"]["archive_fts"]
        out.append(f"### {int(size):,} articles ({run['generated']}, `{run['command']}`, "
                   f"{run['settings']['reps']} repetitions, SQLite {run['versions']['sqlite']})\n")
        out.append(f"Archive {run['sizes']['archive_bytes'] / 2 ** 20:,.0f} MiB; full-text index "
                   f"{fts['total_bytes'] / 2 ** 20:,.1f} MiB (inverted index {fts['index_bytes'] / 2 ** 20:,.1f} MiB, "
                   f"stored text {fts['content_bytes'] / 2 ** 20:,.1f} MiB"
                   + (f", titles' index `{TITLE_TABLE}` {fts['title_index_bytes'] / 2 ** 20:,.1f} MiB"
                      if "title_index_bytes" in fts else "")
                   + f") and the `{SEARCH_INDEX}` index "
                   f"{fts['search_index_bytes'] / 2 ** 20:,.1f} MiB: **{100 * fts['share_of_archive']:.1f}%** of the "
                   f"archive (target at most {100 * TARGET_SHARE:.0f}%).\n")
        rows = ["| query | group | matches | search() relevance p95 | search() date p95 | count() p95 | "
                "scan p95 | met (< 20 ms) |", "|---|---|---|---|---|---|---|---|"]
        for q in run["queries"]:
            lat = q["latency"]
            p = {n: lat[n]["p95_ms"] for n in ("bigram_search_relevance", "bigram_search_date", "bigram_count", "scan")
                 if n in lat}
            met = all(p[n] < TARGET_MS for n in ("bigram_search_relevance", "bigram_search_date") if n in p)
            rows.append(f"| {q['query']} | {q['group']} | {q['correctness']['scan']['truth']} | "
                        + " | ".join(_ms(p[n]) if n in p else "n/a" for n in
                                     ("bigram_search_relevance", "bigram_search_date", "bigram_count", "scan"))
                        + f" | {'yes' if met else 'no'} |")
        out.append("\n".join(rows) + "\n")
    return "\n".join(out)


def write_doc(runs: dict) -> None:
    """Replace the generated part of docs/search.md with the figures of the results file."""
    text = DOC.read_text("utf-8")
    if DOC_BEGIN not in text or DOC_END not in text:
        return
    head, rest = text.split(DOC_BEGIN, 1)
    tail = rest.split(DOC_END, 1)[1]
    DOC.write_text(f"{head}{DOC_BEGIN}\n\n{target_markdown(runs)}\n{DOC_END}{tail}", "utf-8")


def _mib(kib: int | None) -> str:
    return "-" if kib is None else f"{kib / 1024:.1f} MiB"


def export_table(export: dict) -> str:
    rows = ["| export | articles | seconds | articles/s | RSS before | RSS at end | peak RSS growth | "
            "RSS range while exporting | written to temp files |", "|---|---|---|---|---|---|---|---|---|"]
    for fmt, e in export.items():
        rows.append(f"| {fmt} | {e['articles']} | {e['seconds']:.1f} | {e['articles_per_second']:.0f} | "
                    f"{e['before']['rss_kib'] / 1024:.1f} MiB | {e['after']['rss_kib'] / 1024:.1f} MiB | "
                    f"{e['peak_growth_kib'] / 1024:.1f} MiB | {_mib(e['rss_spread_during_kib'])} | "
                    f"{e['disk_write_bytes'] / 2 ** 20:.0f} MiB |")
    return "\n".join(rows)


# ------------------------------------------------------------------ main

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.search_bench", description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--reps", type=int, default=REPS)
    parser.add_argument("--jieba-articles", type=int, default=None,
                        help="index only the first N articles with jieba (default: all)")
    parser.add_argument("--work-dir", type=Path, default=DEFAULT_WORK_DIR)
    parser.add_argument("--rebuild", action="store_true", help="rebuild the archive and the indexes")
    parser.add_argument("--export-probe", choices=("csv", "jsonl"), help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.export_probe:
        print(json.dumps(export_probe(args.db, args.export_probe)))
        return 0

    jieba_articles = min(args.jieba_articles or args.articles, args.articles)
    args.work_dir.mkdir(parents=True, exist_ok=True)
    run_started = time.perf_counter()
    archive_path, build = ensure_archive(args.work_dir, args.articles, args.seed, args.rebuild)
    compare_path, compare_build = ensure_comparison(args.work_dir, archive_path, args.articles, args.seed,
                                                    jieba_articles, args.rebuild)

    archive = Archive.open(archive_path, create=False)
    arch = archive.conn
    cmp = sqlite3.connect(compare_path)
    (count,) = arch.execute("SELECT COUNT(*) FROM articles").fetchone()
    if count != args.articles:
        raise SystemExit(f"{archive_path} holds {count} articles, not {args.articles}: rerun with --rebuild")
    approaches = make_approaches(arch, cmp, args.articles, jieba_articles)

    print("correctness: full result sets against the scan", file=sys.stderr)
    correct = correctness(approaches, QUERIES)
    # search(sort="date") limited to 20 must be the scan's first 20 by date where the sets agree
    top20 = {}
    for q, _group in QUERIES:
        where, params = scan_sql(q)
        scan_top = [r[0] for r in arch.execute(
            f"SELECT id FROM articles WHERE {where} ORDER BY {DATE_ORDER} LIMIT {LIMIT}", params)]
        top20[q] = [h.id for h in search(arch, q, Filters(), "date", LIMIT)] == scan_top

    print(f"latency: {args.reps} interleaved repetitions", file=sys.stderr)
    samples = latency(approaches, QUERIES, args.reps)
    baseline_of = {a.name: a.baseline for a in approaches}
    lat: dict[str, dict] = {q: {} for q, _ in QUERIES}
    for (q, name), values in samples.items():
        lat[q][name] = {"median_ms": statistics.median(values), "p95_ms": p95(values),
                        "min_ms": min(values), "samples_ms": [round(v, 4) for v in values]}
    for q in lat:
        for name, v in lat[q].items():
            base = lat[q][baseline_of[name]]["median_ms"]
            v["ratio_to_baseline"] = v["median_ms"] / base
            v["baseline"] = baseline_of[name]
    summary = {}
    for a in approaches:
        ratios = [lat[q][a.name]["ratio_to_baseline"] for q, _ in QUERIES if a.name in lat[q]]
        answered = [correct[q][a.name] for q, _ in QUERIES if correct[q][a.name]["answered"]]
        summary[a.name] = {
            "label": a.label, "indexed_articles": a.universe, "baseline": a.baseline,
            "queries_answered": len(answered), "queries": len(QUERIES),
            "exact_queries": sum(1 for c in answered if c["missed"] == 0 and c["extra"] == 0),
            "geomean_ratio_to_baseline": math.exp(statistics.mean(math.log(r) for r in ratios)) if ratios else None,
            "median_of_medians_ms": statistics.median(lat[q][a.name]["median_ms"] for q, _ in QUERIES
                                                      if a.name in lat[q]) if ratios else None,
        }

    diagnostics = search_diagnostics(arch, args.reps)
    archive_fts = fts_sizes(arch, ("articles_fts",))["articles_fts"]
    (search_index,) = arch.execute("SELECT COALESCE(SUM(pgsize), 0) FROM dbstat WHERE name = ?",
                                   (SEARCH_INDEX,)).fetchone()
    archive_fts["search_index_bytes"] = search_index
    # total_bytes counts every articles_fts_* table (LIKE's _ is any character): the titles' index included
    archive_fts["title_index_bytes"] = arch.execute(
        "SELECT COALESCE(SUM(pgsize), 0) FROM dbstat WHERE name LIKE ? ESCAPE '\\'",
        (TITLE_TABLE.replace("_", "\\_") + "\\_%",)).fetchone()[0]
    archive_fts["share_of_archive"] = (archive_fts["total_bytes"] + search_index) / archive_path.stat().st_size
    sizes = {"archive_bytes": archive_path.stat().st_size,
             "archive_fts": archive_fts,
             **fts_sizes(cmp, ("bigram", "trigram", "jieba_search", "jieba_default"))}
    archive.close()
    cmp.close()

    print("export: write_csv and write_jsonl of the whole archive, each in a fresh process", file=sys.stderr)
    export = export_figures(archive_path)

    md = tables(approaches, QUERIES, correct, lat)
    md["export"] = export_table(export)
    print("\nCorrectness: recall / precision against the scan\n")
    print(md["correctness"])
    print(f"\nLatency, median ms of {args.reps} (ratio to the scan's median); limit {LIMIT}\n")
    print(md["latency_median"])
    print("\nLatency, 95th percentile ms\n")
    print(md["latency_p95"])
    print("\nSummary\n")
    for name, s in summary.items():
        g = s["geomean_ratio_to_baseline"]
        print(f"  {s['label']:<32} answered {s['queries_answered']:>2}/{s['queries']}, exact {s['exact_queries']:>2}, "
              f"geometric mean of ratios {'-' if g is None else f'{g:.4f}'}")
    print("\nsearch(sort=date) first 20 == scan's first 20 by date: "
          + ", ".join(f"{q} {'yes' if ok else 'NO'}" for q, ok in top20.items()))
    print(f"\nsearch() floor: the sections subquery of one article takes "
          f"{diagnostics['sections_subquery_one_article_ms']:.1f} ms (median); search({diagnostics['rare_query']}) "
          f"({diagnostics['rare_hits']} hits) {diagnostics['search_rare_ms']:.1f} ms, its SQL without the "
          f"sections {diagnostics['search_sql_without_sections_rare_ms']:.2f} ms, "
          f"the bare MATCH {diagnostics['match_rare_ms']:.3f} ms")
    print("\nExport\n")
    print(md["export"])

    run = {
        "generated": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "command": f"python -m benchmarks.search_bench --articles {args.articles}"
                   + (f" --seed {args.seed}" if args.seed != 1 else "")
                   + (f" --jieba-articles {jieba_articles}" if jieba_articles < args.articles else ""),
        "settings": {"articles": args.articles, "seed": args.seed, "reps": args.reps, "limit": LIMIT,
                     "jieba_articles": jieba_articles, "p95": "nearest rank",
                     "scan_sql": f"SELECT id FROM articles WHERE instr({SCAN_TEXT}, ?) > 0 [AND ...] "
                                 f"ORDER BY {DATE_ORDER} LIMIT {LIMIT}",
                     "fts_sql": f"SELECT rowid FROM <table> WHERE <table> MATCH ? ORDER BY rank LIMIT {LIMIT}",
                     "search_call": f"search(conn, query, Filters(), sort, limit={LIMIT})"},
        "versions": {"python": platform.python_version(), "sqlite": sqlite3.sqlite_version,
                     "jieba": version("jieba")},
        "machine": {"platform": platform.platform(), "processor": platform.machine(), "cpus": os.cpu_count()},
        "archive_build": build,
        "comparison_build": compare_build,
        "sizes": sizes,
        "queries": [{"query": q, "group": g, "expressions": expressions(q), "correctness": correct[q],
                     "latency": lat[q],
                     "search_date_top20_equals_scan": top20[q]} for q, g in QUERIES],
        "summary": summary,
        "export": export,
        "diagnostics": diagnostics,
        "tables_markdown": md,
        "run_seconds": time.perf_counter() - run_started,
    }
    results = {}
    if RESULTS.exists():
        try:
            results = json.loads(RESULTS.read_text("utf-8"))
        except ValueError:
            results = {}
    results.setdefault("runs", {})[str(args.articles)] = run
    results["latest"] = str(args.articles)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    tmp = RESULTS.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", "utf-8")
    tmp.replace(RESULTS)
    write_doc(results["runs"])
    print("\n" + target_markdown({str(args.articles): run}))
    print(f"\nwritten: {RESULTS.relative_to(ROOT)} (runs.{args.articles}); {run['run_seconds']:.0f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
