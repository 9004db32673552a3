"""Re-crawls: the same mirror twice changes nothing; the site's second state adds exactly its changes."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import HOST, SITE, SITE_V2
from .crawl import query, run_crawl

BASE = f"http://{HOST}"
TABLES = ("articles", "article_versions", "article_urls", "captures", "blobs", "listings", "failures")


def counts(archive: Path) -> dict[str, int]:
    return {t: query(archive, f"SELECT COUNT(*) FROM {t}")[0][0] for t in TABLES}


@pytest.fixture(scope="module")
def twice(tmp_path_factory):
    archive = tmp_path_factory.mktemp("recrawl") / "a.sqlite"
    first = run_crawl(archive, replay=SITE)
    assert first.returncode == 0, first.stderr[-3000:]
    after_first = counts(archive)
    snapshot = query(archive, "SELECT id, content_hash, current_version FROM articles ORDER BY id")
    second = run_crawl(archive, replay=SITE)
    assert second.returncode == 0, second.stderr[-3000:]
    return archive, after_first, snapshot


def test_second_crawl_adds_no_article_version_or_capture(twice):
    archive, after_first, snapshot = twice
    assert counts(archive) == after_first
    assert query(archive, "SELECT id, content_hash, current_version FROM articles ORDER BY id") == snapshot


def test_second_run_counts_everything_unchanged(twice):
    archive, _, _ = twice
    (row,) = query(archive, "SELECT articles_new, articles_changed, articles_unchanged, duplicates, failures "
                            "FROM crawl_runs WHERE id = 2")
    # 47 archived (46 articles + 关于我们) seen again, the republished copy again, the 2 failures again
    assert row == (0, 0, 47, 1, 2)
    assert query(archive, "SELECT times FROM failures ORDER BY url") == [(2,), (2,)]
