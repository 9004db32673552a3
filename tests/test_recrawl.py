"""Re-crawls are incremental: the archive is the memory.

An unchanged site costs robots.txt and one list request per news section; the
site's second state (fixtures/site-v2: 2 new articles, 1630031 edited,
1631013 removed) costs exactly what is new or due. Expected request lists were
worked out by hand from the mirror and the revisit schedule.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import HOST, SITE, SITE_V2
from .crawl import last_run_stats, query, run_crawl

BASE = f"http://{HOST}"
TABLES = ("articles", "article_versions", "article_urls", "captures", "blobs", "listings", "failures")
NEWS = ("g60zx", "sjxw", "jcfc", "zcfw", "cytz", "zcnx")
# The first crawl happens on 1 Nov 2024 and the second on 30 Nov; with revisits 30 and
# 180 days after publication, three archived articles fall due in between:
# 1630031 (28 May, +180 = 24 Nov), 1632015 (12 Oct, +30 = 11 Nov), 1632060 (15 Oct, +30 = 14 Nov).
FIRST = ("G60_NOW=2024-11-01T12:00:00+08:00", "G60_REVISIT_DAYS=30,180")
SECOND = ("G60_NOW=2024-11-30T12:00:00+08:00", "G60_REVISIT_DAYS=30,180")


def counts(archive: Path) -> dict[str, int]:
    return {t: query(archive, f"SELECT COUNT(*) FROM {t}")[0][0] for t in TABLES}


def requested(archive: Path) -> int:
    return last_run_stats(archive)["downloader/request_count"]


@pytest.fixture(scope="module")
def twice(tmp_path_factory):
    archive = tmp_path_factory.mktemp("recrawl") / "a.sqlite"
    first = run_crawl(archive, replay=SITE)
    assert first.returncode == 0, first.stderr[-3000:]
    after_first = counts(archive)
    snapshot = query(archive, "SELECT id, content_hash, current_version, last_changed FROM articles ORDER BY id")
    second = run_crawl(archive, replay=SITE)
    assert second.returncode == 0, second.stderr[-3000:]
    return archive, after_first, snapshot


def test_second_crawl_adds_no_article_version_or_capture(twice):
    archive, after_first, snapshot = twice
    assert counts(archive) == after_first
    assert query(archive, "SELECT id, content_hash, current_version, last_changed FROM articles ORDER BY id") == snapshot


def test_unchanged_site_costs_one_list_request_per_section(twice):
    archive, _, _ = twice
    stats = last_run_stats(archive)
    # robots.txt + the first list page of each of the 6 news sections; no article, no 关于我们
    assert stats["downloader/request_count"] == 7
    assert stats["robotstxt/request_count"] == 1
    assert stats["g60/list/stopped_at_known_page"] == 6
    (row,) = query(archive, "SELECT articles_new, articles_changed, articles_unchanged, duplicates, failures "
                            "FROM crawl_runs WHERE id = 2")
    assert row == (0, 0, 0, 0, 0)


def test_full_sweep_walks_every_list_page_but_fetches_no_known_article(tmp_path):
    archive = tmp_path / "a.sqlite"
    assert run_crawl(archive, replay=SITE).returncode == 0
    done = run_crawl(archive, replay=SITE, args=("full=1",))
    assert done.returncode == 0, done.stderr[-2000:]
    # robots.txt + all 13 list pages + 关于我们 (a full run re-reads static pages)
    assert requested(archive) == 15
    assert query(archive, "SELECT COUNT(*) FROM article_versions") == [(47,)]


@pytest.fixture(scope="module")
def then_v2(tmp_path_factory):
    archive = tmp_path_factory.mktemp("v2") / "a.sqlite"
    for site, settings in ((SITE, FIRST), (SITE_V2, SECOND)):
        done = run_crawl(archive, *settings, replay=site)
        assert done.returncode == 0, done.stderr[-3000:]
    return archive


def test_v2_fetches_only_what_is_new_or_due(then_v2):
    stats = last_run_stats(then_v2)
    # robots.txt; g60zx and sjxw: page 0 (one new article each) and page 1 (nothing new, stop);
    # the other 4 sections: page 0; the 2 new articles; 3 scheduled revisits; 1631013, which
    # vanished from the middle of jcfc's list
    assert stats["downloader/request_count"] == 1 + 8 + 2 + 3 + 1
    assert stats["g60/revisits/scheduled"] == 3
    assert stats["g60/revisits/vanished_from_list"] == 1


def test_v2_run_outcomes(then_v2):
    (row,) = query(then_v2, "SELECT articles_new, articles_changed, articles_unchanged, not_modified, "
                            "duplicates, failures, tombstones FROM crawl_runs WHERE id = 2")
    # 1632060 answers 304 to its conditional request (its ETag did not change); 1632015 has
    # no validators and is fetched whole, unchanged; 1631013 is gone: a tombstone
    assert row == (2, 1, 1, 1, 0, 1, 1)
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


def test_v2_removed_article_gets_a_tombstone_not_a_deletion(then_v2):
    rows = query(then_v2, "SELECT title IS NOT NULL, removed_at FROM articles WHERE canonical_url = ?",
                 (f"{BASE}/jcfc/2023/0921/1631013.shtml",))
    assert rows == [(1, "2024-11-30T04:00:00.000000+00:00")]
    assert query(then_v2, "SELECT COUNT(*) FROM articles WHERE removed_at IS NOT NULL") == [(1,)]


def test_v2_new_captures_only_for_what_was_fetched_and_new(then_v2):
    rows = query(then_v2, "SELECT c.url, v.version FROM captures c JOIN article_versions v ON v.id = c.version_id "
                          "WHERE c.run_id = 2 ORDER BY c.url")
    assert rows == [
        (f"{BASE}/g60zx/2024/0528/1630031.shtml", 2),
        (f"{BASE}/g60zx/2024/1105/1630041.shtml", 1),
        (f"{BASE}/sjxw/2024/1112/1630042.shtml", 1),
    ]
    # and the 404 of the removed article, kept as the failure's capture
    assert query(then_v2, "SELECT url, status FROM captures WHERE run_id = 2 AND version_id IS NULL "
                          "AND url NOT IN (SELECT list_url FROM listings)") == [
        (f"{BASE}/jcfc/2023/0921/1631013.shtml", 404)]
    # list pages are kept too (for replay), once per content: only those that changed are new in run 2
    changed_lists = query(then_v2, "SELECT url, status FROM captures WHERE run_id = 2 AND version_id IS NULL "
                                   "AND url IN (SELECT list_url FROM listings) ORDER BY url")
    assert changed_lists and all(status == 200 for _, status in changed_lists)
    assert len(changed_lists) < query(then_v2, "SELECT COUNT(DISTINCT list_url) FROM listings")[0][0]
