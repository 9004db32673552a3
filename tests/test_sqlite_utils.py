"""Researchers open the archive with the sqlite-utils CLI: tables, rows and queries work on a crawled archive."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys

from g60crawler.archive import Archive
from g60crawler.archive.search import Filters, search

SQLITE_UTILS = [sys.executable, "-m", "sqlite_utils"]


def sqlite_utils(*args: str) -> list[dict]:
    done = subprocess.run([*SQLITE_UTILS, *args], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_tables_rows_and_query(fixture_archive):
    tables = {t["table"]: t["count"] for t in sqlite_utils("tables", str(fixture_archive), "--counts")}
    archive = Archive.open(fixture_archive, create=False)
    counts = archive.counts()
    archive.close()
    assert {name: tables[name] for name in counts} == counts
    rows = sqlite_utils("rows", str(fixture_archive), "articles", "-c", "canonical_url", "-c", "title")
    assert len(rows) == counts["articles"] and all(r["title"] for r in rows)
    # the index holds character bigrams: a two-character word is one token
    hits = sqlite_utils("query", str(fixture_archive),
                        "SELECT a.title || ' ' || COALESCE(a.summary, '') || ' ' || a.body AS text "
                        "FROM articles_fts f JOIN articles a ON a.id = f.rowid WHERE articles_fts MATCH :q",
                        "-p", "q", '"合肥"')
    assert hits and all("合肥" in h["text"] for h in hits)


def test_search_over_the_bigram_index(fixture_archive):
    """`sqlite-utils search` works on articles_fts (its text is bigrams): the same articles as `g60crawler search`."""
    found = {row["rowid"] for row in sqlite_utils("search", str(fixture_archive), "articles_fts", "合肥")}
    conn = sqlite3.connect(fixture_archive)
    expected = {hit.id for hit in search(conn, "合肥", Filters(kind=None), limit=1000)}  # 关于我们 too
    conn.close()
    assert found and found == expected
