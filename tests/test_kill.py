"""Crawls killed with SIGKILL at random points lose at most their last batch and leave a sound archive.

Several runs with fixed seeds: each kills a real `scrapy crawl` subprocess
after a random number of committed articles, checks the database, then lets
the next run complete the archive and compares it with an uninterrupted crawl.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time

import pytest

from .conftest import ROOT, SITE
from .crawl import article_count, query, run_crawl
from .expectations import EXPECTED
from .reliability import articles_lost


def _state(archive):
    return sorted(query(archive, "SELECT group_concat(u.url, ' '), a.content_hash, a.current_version FROM articles a "
                                 "JOIN (SELECT * FROM article_urls ORDER BY url) u ON u.article_id = a.id GROUP BY a.id"))


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    archive = tmp_path_factory.mktemp("ref") / "a.sqlite"
    assert run_crawl(archive, replay=SITE).returncode == 0
    return _state(archive)


@pytest.mark.parametrize("seed", [pytest.param(seed, marks=pytest.mark.reliability(
    f"SIGKILL of a crawl after a random number of committed articles (seed {seed})",
    "integrity_check ok; committed articles whole; the next run completes with no duplicates",
    group="interruption")) for seed in (1, 2, 3, 4)])
def test_sigkill_at_a_random_point_then_resume(proxy, tmp_path, seed, reference, request):
    kill_after = random.Random(seed).randint(1, 40)
    archive = tmp_path / "a.sqlite"
    env = {**os.environ, "http_proxy": proxy, "HTTP_PROXY": proxy}
    crawl = subprocess.Popen(
        [sys.executable, "-m", "scrapy", "crawl", "g60", "-s", f"G60_ARCHIVE={archive}", "-s", "G60_ARCHIVE_BATCH=3",
         "-s", "DOWNLOAD_DELAY=0.03", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY_JITTER=0"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while article_count(archive) < kill_after and time.monotonic() < deadline and crawl.poll() is None:
        time.sleep(0.01)
    assert crawl.poll() is None, "the crawl ended before it could be killed"
    crawl.send_signal(signal.SIGKILL)
    crawl.wait(timeout=10)

    assert query(archive, "PRAGMA integrity_check") == [("ok",)]
    killed_at = article_count(archive)
    assert kill_after <= killed_at < 47
    # every committed article is whole: its current version and a capture of it are there
    assert query(archive, "SELECT COUNT(*) FROM articles a LEFT JOIN article_versions v "
                          "ON v.article_id = a.id AND v.version = a.current_version WHERE v.id IS NULL") == [(0,)]
    assert query(archive, "SELECT COUNT(*) FROM articles a WHERE NOT EXISTS (SELECT 1 FROM captures c "
                          "JOIN article_versions v ON v.id = c.version_id WHERE v.article_id = a.id)") == [(0,)]
    assert query(archive, "SELECT COUNT(*) FROM articles a WHERE NOT EXISTS "
                          "(SELECT 1 FROM articles_fts f WHERE f.rowid = a.id)") == [(0,)]
    assert query(archive, "SELECT finished_at FROM crawl_runs") == [(None,)]
    committed = set(query(archive, "SELECT canonical_url, content_hash FROM articles"))

    done = run_crawl(archive, "DOWNLOAD_DELAY=0", "AUTOTHROTTLE_ENABLED=False",
                     env={"http_proxy": proxy, "HTTP_PROXY": proxy})
    # measured against the mirror's hand-checked truth, recorded, and only then asserted
    lost = articles_lost(archive, EXPECTED)
    request.node.user_properties.append(("articles_lost", lost))
    assert done.returncode == 0, done.stderr[-2000:]
    assert lost == 0
    assert _state(archive) == reference
    assert committed <= set(query(archive, "SELECT canonical_url, content_hash FROM articles"))  # nothing lost
    assert query(archive, "SELECT COUNT(*) FROM (SELECT url FROM captures GROUP BY url, sha256 HAVING COUNT(*) > 1)") == [(0,)]
