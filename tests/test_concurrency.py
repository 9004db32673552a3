"""Readers (the search library, the CLI, the web view) while a crawl writes: no lock errors, consistent rows."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import subprocess
import sys
import time

import pytest
from datasette.app import Datasette

from g60crawler.archive import Archive
from g60crawler.archive.search import search
from g60crawler.web.metadata import metadata

from .conftest import ROOT
from .crawl import query

CONSISTENT = [
    # every article has its current version, and an index row
    ("SELECT COUNT(*) FROM articles a LEFT JOIN article_versions v ON v.article_id = a.id "
     "AND v.version = a.current_version WHERE v.id IS NULL", 0),
    ("SELECT (SELECT COUNT(*) FROM articles) - (SELECT COUNT(*) FROM articles_fts)", 0),
]


@pytest.mark.reliability("searches (library, CLI) and web-view queries while a crawl writes",
                         "no 'database is locked' on either side; every read sees whole articles",
                         group="interruption")
def test_readers_while_a_crawl_writes(proxy, tmp_path):
    archive = tmp_path / "g60.sqlite"
    env = {**os.environ, "http_proxy": proxy, "HTTP_PROXY": proxy}
    crawl = subprocess.Popen(
        [sys.executable, "-m", "scrapy", "crawl", "g60", "-s", f"G60_ARCHIVE={archive}", "-s", "G60_ARCHIVE_BATCH=1",
         "-s", "DOWNLOAD_DELAY=0.05", "-s", "AUTOTHROTTLE_ENABLED=False"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while not archive.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    ds = Datasette([str(archive)], metadata=metadata("g60"))

    async def web_count():
        response = await ds.client.get("/g60/search.json?q=%E5%90%88%E8%82%A5&_shape=array")
        assert response.status_code == 200, response.text[:300]
        return len(response.json())

    reads, seen, seen_web, errors = 0, [], [], []
    try:
        while crawl.poll() is None:
            try:
                reader = Archive.open(archive, create=False)
                with reader.conn:  # one read transaction: a consistent snapshot
                    reader.conn.execute("BEGIN")
                    for sql, expected in CONSISTENT:
                        assert reader.conn.execute(sql).fetchone()[0] == expected
                    seen.append(len(search(reader.conn, "合肥", limit=100)))
                reader.close()
                seen_web.append(asyncio.run(web_count()))
                if reads % 10 == 0:
                    cli = subprocess.run([sys.executable, "-m", "g60crawler.cli", "search", "合肥", "--db", str(archive)],
                                         cwd=ROOT, capture_output=True, text=True, timeout=60)
                    if cli.returncode != 0:
                        errors.append(cli.stderr or cli.stdout)
                reads += 1
            except sqlite3.OperationalError as exc:
                errors.append(str(exc))
            time.sleep(0.02)
    finally:
        _, stderr = crawl.communicate(timeout=120)
    assert crawl.returncode == 0, stderr[-2000:]
    assert "database is locked" not in stderr
    assert errors == []
    assert reads >= 10
    # the number of 合肥 articles only grows as the crawl goes on, seen from either side
    assert seen == sorted(seen) and seen_web == sorted(seen_web) and seen[-1] > 0
    assert query(archive, "SELECT COUNT(*) FROM articles") == [(47,)]
