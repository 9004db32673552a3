"""The archive library alone: migrations, dedup, versions, captures, failures."""

from __future__ import annotations

import sqlite3
from dataclasses import replace

import pytest

from g60crawler.archive import Archive, ArchiveError
from g60crawler.archive.schema import MIGRATIONS, current_version
from g60crawler.items import ArticleItem, Capture, FailureItem, ListEntry

URL = "http://g60.chinadevelopment.com.cn/g60zx/2023/0606/1630012.shtml"


def article(**changes) -> ArticleItem:
    base = ArticleItem(
        url=URL, canonical_url=URL, section="g60zx", title="长三角一体化发展成果发布会在合肥举行",
        summary="6月6日上午,长三角一体化发展成果发布会在合肥举行。",
        body="第一段。\n\n第二段。", editor="倪珺", published="2023-06-06",
        extraction="template:article-detail", encoding="utf-8",
        captures=[Capture(URL, 200, {"Content-Type": "text/html"}, b"<html>v1</html>", "2023-06-06T00:00:00+00:00")],
    )
    return replace(base, **changes)


def with_runs(a: Archive) -> Archive:
    for _ in range(3):  # runs 1, 2, 3: captures and versions name the run that made them
        a.start_run("test", {})
    return a


@pytest.fixture
def archive():
    a = with_runs(Archive.open(":memory:"))
    yield a
    a.close()


def rows(archive, sql, params=()):
    return archive.conn.execute(sql, params).fetchall()


def test_migrations_apply_once(tmp_path):
    path = tmp_path / "a.sqlite"
    Archive.open(path).close()
    Archive.open(path).close()
    conn = sqlite3.connect(path)
    assert current_version(conn) == MIGRATIONS[-1][0]
    assert conn.execute("SELECT COUNT(*) FROM schema_migrations").fetchone() == (len(MIGRATIONS),)
    assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    assert conn.execute("SELECT slug FROM sections ORDER BY slug").fetchall()[0] == ("cytz",)


def test_new_then_unchanged(archive):
    assert archive.record_article(article(), 1) == "new"
    assert archive.record_article(article(), 1) == "unchanged"
    assert rows(archive, "SELECT COUNT(*) FROM articles") == [(1,)]
    assert rows(archive, "SELECT COUNT(*) FROM article_versions") == [(1,)]
    # the same bytes fetched twice: one blob, one capture row
    assert rows(archive, "SELECT COUNT(*) FROM captures") == [(1,)]
    assert rows(archive, "SELECT COUNT(*) FROM blobs") == [(1,)]


def test_changed_content_makes_a_version_and_keeps_the_old(archive):
    archive.record_article(article(), 1)
    edited = article(body="第一段。\n\n第二段（更正）。", editor="张三",
                     captures=[Capture(URL, 200, {}, b"<html>v2</html>", "2023-06-07T00:00:00+00:00")])
    assert archive.record_article(edited, 2) == "changed"
    assert rows(archive, "SELECT current_version, body, editor FROM articles") == [
        (2, "第一段。\n\n第二段（更正）。", "张三")]
    versions = rows(archive, "SELECT version, editor, superseded_at IS NOT NULL, run_id FROM article_versions "
                             "ORDER BY version")
    assert versions == [(1, "倪珺", 1, 1), (2, "张三", 0, 2)]
    # each capture is linked to the version it produced
    assert rows(archive, "SELECT v.version FROM captures c JOIN article_versions v ON v.id = c.version_id "
                         "ORDER BY c.id") == [(1,), (2,)]
    # seeing the old content again is not a change back and forth
    assert archive.record_article(edited, 3) == "unchanged"


def test_same_body_under_another_url_is_a_duplicate(archive):
    archive.record_article(article(), 1)
    other = "http://g60.chinadevelopment.com.cn/sjxw/2023/0607/1630099.shtml"
    copy = article(url=other, canonical_url=other, section="sjxw", body="第一段。\n\n 第二段。",
                   captures=[])
    assert archive.record_article(copy, 1) == "duplicate"
    assert rows(archive, "SELECT COUNT(*) FROM articles") == [(1,)]
    assert rows(archive, "SELECT url, section FROM article_urls ORDER BY url") == [(URL, "g60zx"), (other, "sjxw")]
    assert rows(archive, "SELECT section FROM article_sections ORDER BY section") == [("g60zx",), ("sjxw",)]
    # a copy never versions the article, even when it differs in other fields
    assert archive.record_article(replace(copy, source="别处"), 2) == "duplicate"
    assert rows(archive, "SELECT COUNT(*) FROM article_versions") == [(1,)]


def test_listing_gives_sections(archive):
    archive.record_article(article(), 1)
    archive.record_listing(ListEntry(URL, "sjxw", "标题", "2023-06-06", "http://g60.chinadevelopment.com.cn/sjxw/"))
    archive.record_listing(ListEntry(URL, "sjxw", "标题", "2023-06-06", "http://g60.chinadevelopment.com.cn/sjxw/"))
    assert rows(archive, "SELECT COUNT(*) FROM listings") == [(1,)]
    assert rows(archive, "SELECT section FROM article_sections ORDER BY section") == [("g60zx",), ("sjxw",)]


def test_failure_is_kept_counted_and_resolved(archive):
    fail = FailureItem(URL, "http 503", "Service Unavailable", "g60zx",
                       [Capture(URL, 503, {}, b"busy", "2023-06-06T00:00:00+00:00")])
    archive.record_failure(fail, 1)
    archive.record_failure(fail, 2)
    assert rows(archive, "SELECT reason, times, last_run_id, resolved_at FROM failures") == [
        ("http 503", 2, 2, None)]
    assert rows(archive, "SELECT status FROM captures") == [(503,)]
    archive.record_article(article(), 3)
    assert rows(archive, "SELECT resolved_at IS NOT NULL FROM failures") == [(1,)]


def test_uncommitted_batch_is_lost_whole(tmp_path):
    path = tmp_path / "a.sqlite"
    a = with_runs(Archive.open(path))
    a.record_article(article(), 1)
    a.commit()
    other = URL.replace("1630012", "1630013")
    a.record_article(article(url=other, canonical_url=other, body="别的文章。"), 1)
    a.conn.close()  # like a kill: the second article was never committed
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert conn.execute("SELECT canonical_url FROM articles").fetchall() == [(URL,)]
    assert conn.execute("SELECT COUNT(*) FROM article_versions").fetchone() == (1,)


def test_capture_body_round_trips(archive):
    item = article()
    archive.record_article(item, 1)
    (capture_id,) = rows(archive, "SELECT id FROM captures")[0]
    assert archive.capture_body(capture_id) == b"<html>v1</html>"


@pytest.mark.parametrize("make, message", [
    (lambda p: p.mkdir(), "is a directory"),
    (lambda p: p.write_text("not a database, just text " * 100), "not a usable archive"),
])
def test_bad_archive_paths(tmp_path, make, message):
    path = tmp_path / "x.sqlite"
    make(path)
    with pytest.raises(ArchiveError, match=message):
        Archive.open(path)


def test_missing_archive_is_not_created_when_asked(tmp_path):
    with pytest.raises(ArchiveError, match="no archive at"):
        Archive.open(tmp_path / "missing.sqlite", create=False)
    assert not (tmp_path / "missing.sqlite").exists()
