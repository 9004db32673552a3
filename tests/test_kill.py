"""A crawl killed with SIGKILL loses at most its last batch and leaves a sound archive."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time

from .conftest import ROOT
from .crawl import query, run_crawl


def _articles(archive) -> int:
    try:
        with sqlite3.connect(archive, timeout=1) as conn:
            return conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    except sqlite3.Error:
        return 0


def test_sigkill_mid_crawl_then_resume(proxy, tmp_path):
    archive = tmp_path / "a.sqlite"
    env = {**os.environ, "http_proxy": proxy, "HTTP_PROXY": proxy}
    crawl = subprocess.Popen(
        [sys.executable, "-m", "scrapy", "crawl", "g60", "-s", f"G60_ARCHIVE={archive}",
         "-s", "G60_ARCHIVE_BATCH=5", "-s", "DOWNLOAD_DELAY=0.05", "-s", "AUTOTHROTTLE_ENABLED=False",
         "-s", "DOWNLOAD_DELAY_JITTER=0"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while _articles(archive) < 10 and time.monotonic() < deadline and crawl.poll() is None:
        time.sleep(0.05)
    assert crawl.poll() is None, "the crawl ended before it could be killed"
    crawl.send_signal(signal.SIGKILL)
    crawl.wait(timeout=10)

    killed_at = _articles(archive)
    assert 10 <= killed_at < 47
    assert query(archive, "PRAGMA integrity_check") == [("ok",)]
    # every committed article is whole: its current version and its captures are there
    assert query(archive, "SELECT COUNT(*) FROM articles a LEFT JOIN article_versions v "
                          "ON v.article_id = a.id AND v.version = a.current_version WHERE v.id IS NULL") == [(0,)]
    assert query(archive, "SELECT COUNT(*) FROM articles a WHERE NOT EXISTS (SELECT 1 FROM captures c "
                          "JOIN article_versions v ON v.id = c.version_id WHERE v.article_id = a.id)") == [(0,)]
    # the run that was killed has no end recorded
    assert query(archive, "SELECT finished_at FROM crawl_runs") == [(None,)]

    done = run_crawl(archive, "DOWNLOAD_DELAY=0", "AUTOTHROTTLE_ENABLED=False",
                     env={"http_proxy": proxy, "HTTP_PROXY": proxy})
    assert done.returncode == 0, done.stderr[-2000:]
    assert query(archive, "SELECT kind, COUNT(*) FROM articles GROUP BY kind ORDER BY kind") == [
        ("article", 46), ("page", 1)]
    assert query(archive, "SELECT COUNT(*) FROM article_versions") == [(47,)]
    assert query(archive, "SELECT COUNT(*) FROM (SELECT url FROM captures GROUP BY url, sha256 HAVING COUNT(*) > 1)") == [(0,)]
