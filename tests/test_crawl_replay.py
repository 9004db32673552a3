"""A replay crawl of the fixture mirror, end to end, into a temporary archive.

Counts are asserted exactly; they were worked out by hand from the mirror
(fixtures/README.md and the list pages), not read off a run.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from g60crawler.items import ARTICLE_FIELDS

from .conftest import HOST, SITE
from .crawl import last_run_stats, query, run_crawl

BASE = f"http://{HOST}"


@pytest.fixture(scope="module")
def crawled(tmp_path_factory) -> Path:
    archive = tmp_path_factory.mktemp("replay") / "a.sqlite"
    done = run_crawl(archive, replay=SITE)
    assert done.returncode == 0, done.stderr[-3000:]
    return archive


def test_articles_and_pages(crawled):
    # 18 (g60zx+sjxw, the split article once) + 14 (jcfc+zcfw: 16 pages, one
    # empty, one republished copy) + 14 (cytz+zcnx) articles, and 关于我们.
    assert query(crawled, "SELECT kind, COUNT(*) FROM articles GROUP BY kind ORDER BY kind") == [
        ("article", 46), ("page", 1)]
    assert query(crawled, "SELECT COUNT(*) FROM article_versions") == [(47,)]


def test_run_counts(crawled):
    (row,) = query(crawled, "SELECT pages_fetched, articles_new, articles_changed, articles_unchanged, "
                            "duplicates, failures, finish_reason FROM crawl_runs")
    # robots.txt + 13 list pages + 关于我们 + 49 article URLs + 1 redirect hop + 1 page 2
    # + 4 attachments (3 of 1631017, 1 of 1632058) = 70
    assert row == (70, 47, 0, 0, 1, 2, "finished")


def test_failures_are_recorded_with_reason_and_capture(crawled):
    rows = query(crawled, "SELECT url, reason, capture_id IS NOT NULL FROM failures ORDER BY url")
    assert rows == [
        (f"{BASE}/g60zx/2023/0301/1630090.shtml", "http 404", 1),
        (f"{BASE}/zcfw/2024/0118/1631022.shtml", "no body", 1),
    ]


def test_offsite_link_not_followed(crawled):
    assert query(crawled, "SELECT COUNT(*) FROM captures WHERE url NOT LIKE ?", (f"{BASE}/%",)) == [(0,)]
    assert query(crawled, "SELECT COUNT(*) FROM listings WHERE url LIKE '%www.chinadevelopment%'") == [(0,)]
    assert last_run_stats(crawled)["g60/list/links_not_followed"] == 1


def test_robots_txt_fetched(crawled):
    assert last_run_stats(crawled)["robotstxt/request_count"] == 1


def test_article_listed_in_two_sections_is_one_article(crawled):
    rows = query(crawled, "SELECT s.section FROM article_sections s JOIN articles a ON a.id = s.article_id "
                          "WHERE a.canonical_url = ? ORDER BY s.section", (f"{BASE}/sjxw/2024/0229/1630025.shtml",))
    assert rows == [("g60zx",), ("sjxw",)]


def test_republished_article_is_one_article_with_two_urls(crawled):
    urls = (f"{BASE}/jcfc/2024/0315/1631026.shtml", f"{BASE}/zcfw/2024/0315/1631027.shtml")
    rows = query(crawled, "SELECT DISTINCT article_id FROM article_urls WHERE url IN (?, ?)", urls)
    assert len(rows) == 1
    sections = query(crawled, "SELECT section FROM article_sections WHERE article_id = ? ORDER BY 1", rows[0])
    assert sections == [("jcfc",), ("zcfw",)]


def test_redirected_article_keeps_both_urls(crawled):
    rows = query(crawled, "SELECT url FROM article_urls WHERE article_id = (SELECT article_id FROM article_urls "
                          "WHERE url = ?) ORDER BY url", (f"{BASE}/zcnx/2024/0105/1632052.shtml",))
    assert rows == [(f"{BASE}/zcnx/2024/0105/1632051.shtml",), (f"{BASE}/zcnx/2024/0105/1632052.shtml",)]


def test_tracking_query_is_not_part_of_the_key(crawled):
    assert query(crawled, "SELECT COUNT(*) FROM articles WHERE canonical_url LIKE '%1632010%'") == [(1,)]
    assert query(crawled, "SELECT COUNT(*) FROM articles WHERE canonical_url LIKE '%?%'") == [(0,)]


def test_split_article_is_joined_and_both_pages_captured(crawled):
    url = f"{BASE}/g60zx/2023/0915/1630015.shtml"
    captures = query(crawled, "SELECT url FROM captures WHERE version_id = (SELECT v.id FROM article_versions v "
                              "JOIN articles a ON a.id = v.article_id WHERE a.canonical_url = ?) ORDER BY url", (url,))
    assert captures == [(url,), (url.replace(".shtml", "_2.shtml"),)]


def test_raw_captures_are_kept_byte_exact(crawled):
    from g60crawler.archive import Archive

    page = SITE / HOST / "sjxw/2023/0210/1630006.shtml"  # a GBK page
    archive = Archive.open(crawled, create=False)
    (capture_id,) = archive.conn.execute("SELECT id FROM captures WHERE url = ?",
                                         (f"{BASE}/sjxw/2023/0210/1630006.shtml",)).fetchone()
    assert archive.capture_body(capture_id) == page.read_bytes()
    archive.close()


def _expected_items() -> list[dict]:
    items = []
    for path in sorted(SITE.rglob("*.expected.json")):
        if path.name.endswith("_2.shtml.expected.json") or ".joined." in path.name:
            continue
        joined = path.with_name(path.name.replace(".shtml.expected.json", ".joined.expected.json"))
        items.append(json.loads((joined if joined.exists() else path).read_text("utf-8")))
    return items


@pytest.mark.parametrize("expected", _expected_items(), ids=lambda e: e["url"].split(HOST)[1])
def test_every_article_is_archived_with_every_field(crawled, expected):
    (article_id,) = query(crawled, "SELECT article_id FROM article_urls WHERE url = ?",
                          (expected["canonical_url"],))[0]
    columns = [f for f in ARTICLE_FIELDS if f not in ("url", "canonical_url", "section")]
    (row,) = query(crawled, f"SELECT {', '.join(columns)}, canonical_url FROM articles WHERE id = ?",
                   (article_id,))
    got = dict(zip(columns, row))
    got["images"], got["attachments"] = json.loads(got["images"]), json.loads(got["attachments"])
    if row[-1] != expected["canonical_url"]:
        # the republished copy: archived as a URL of the first copy; same text
        assert got["body"] == expected["body"] and got["title"] == expected["title"]
        return
    for field in columns:
        if field == "body" and expected["extraction"].startswith("generic:"):
            assert all(p in got["body"] for p in expected["body"].split("\n\n"))
        else:
            assert got[field] == expected[field], field


def test_attachments_are_stored_once_by_hash(crawled):
    import hashlib

    from g60crawler.mirror import url_to_path

    rows = query(crawled, "SELECT t.url, t.name, t.status, t.size, t.mime, f.path FROM article_attachments t "
                          "JOIN attachment_files f ON f.sha256 = t.sha256 ORDER BY t.url")
    assert [r[1:5] for r in rows] == [
        ("关于印发《长三角G60科创走廊科技成果转化示范项目管理办法》的通知.pdf", "stored", 751, "application/pdf"),
        ("2023年度长三角G60科创走廊科技成果转化示范项目申报书.doc", "stored", 375, "application/msword"),
        ("2023年度科技成果转化示范项目汇总表.xlsx", "stored", 1750,
         "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("公开招聘工作人员报名表.docx", "stored", 1185,
         "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ]
    for url, *_, path in rows:
        stored = (crawled.parent / path).read_bytes()
        assert stored == url_to_path(SITE, url).read_bytes()  # the bytes the portal served
        assert path == f"attachments/{hashlib.sha256(stored).hexdigest()[:2]}/{hashlib.sha256(stored).hexdigest()}" \
                       + path[path.rindex("."):]


def test_every_list_entry_ends_as_an_article_a_failure_or_a_duplicate(crawled):
    stats = last_run_stats(crawled)
    # 49 article URLs on the lists (1630025 in two sections, counted once): 46 archived (1632051 as
    # an alias of 1632052), 1630090 (404) and 1631022 (no body) failed, the republished copy a duplicate
    assert stats["g60/entries/seen"] == 49
    assert (stats["g60/entries/archived"], stats["g60/entries/failed"], stats["g60/entries/duplicates"]) == (46, 2, 1)
    assert stats["g60/entries/seen"] == (stats["g60/entries/archived"] + stats["g60/entries/failed"]
                                         + stats["g60/entries/duplicates"])
