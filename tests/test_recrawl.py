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


@pytest.fixture(scope="module")
def then_v2(tmp_path_factory):
    archive = tmp_path_factory.mktemp("v2") / "a.sqlite"
    for site in (SITE, SITE_V2):
        done = run_crawl(archive, replay=site)
        assert done.returncode == 0, done.stderr[-3000:]
    return archive


def test_v2_adds_the_two_new_articles(then_v2):
    (row,) = query(then_v2, "SELECT articles_new, articles_changed, articles_unchanged, duplicates, failures "
                            "FROM crawl_runs WHERE id = 2")
    # 2 new; 1630031 edited; 47 archived before, minus the edited and the removed one: 45 unchanged
    assert row == (2, 1, 45, 1, 2)
    new = query(then_v2, "SELECT canonical_url FROM articles WHERE first_seen > "
                         "(SELECT finished_at FROM crawl_runs WHERE id = 1) ORDER BY canonical_url")
    assert new == [(f"{BASE}/g60zx/2024/1105/1630041.shtml",), (f"{BASE}/sjxw/2024/1112/1630042.shtml",)]


def test_v2_edit_is_one_new_version_with_the_old_kept(then_v2):
    url = f"{BASE}/g60zx/2024/0528/1630031.shtml"
    versions = query(then_v2, "SELECT v.version, v.editor, v.superseded_at IS NOT NULL, v.run_id "
                              "FROM article_versions v JOIN articles a ON a.id = v.article_id "
                              "WHERE a.canonical_url = ? ORDER BY v.version", (url,))
    assert versions == [(1, "张颖", 1, 1), (2, "陈晨", 0, 2)]
    (body,) = query(then_v2, "SELECT body FROM articles WHERE canonical_url = ?", (url,))[0]
    assert "400余人" in body and "500余家" in body
    assert query(then_v2, "SELECT COUNT(*) FROM article_versions WHERE version > 1") == [(1,)]


def test_v2_removed_article_is_kept(then_v2):
    assert query(then_v2, "SELECT COUNT(*) FROM articles WHERE canonical_url = ?",
                 (f"{BASE}/jcfc/2023/0921/1631013.shtml",)) == [(1,)]


def test_v2_new_captures_only_for_what_changed(then_v2):
    # 51 captures after the first crawl; the two new pages and the edited page add 3, and
    # 1631009 and 1631020 lost a related-news link to the removed article: new bytes, same article
    rows = query(then_v2, "SELECT c.url, v.version FROM captures c JOIN article_versions v ON v.id = c.version_id "
                          "WHERE c.run_id = 2 ORDER BY c.url")
    assert rows == [
        (f"{BASE}/g60zx/2024/0528/1630031.shtml", 2),
        (f"{BASE}/g60zx/2024/1105/1630041.shtml", 1),
        (f"{BASE}/jcfc/2023/0712/1631009.shtml", 1),
        (f"{BASE}/jcfc/2023/1208/1631020.shtml", 1),
        (f"{BASE}/sjxw/2024/1112/1630042.shtml", 1),
    ]
    assert query(then_v2, "SELECT COUNT(*) FROM captures") == [(56,)]
