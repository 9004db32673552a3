"""Versions follow capture time, and distinct notices stay distinct articles (the archive library)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone

import pytest

from g60crawler.archive import Archive
from g60crawler.archive.search import search
from g60crawler.items import ArticleItem, AttachmentFile, Capture

HOST = "http://g60.chinadevelopment.com.cn"
URL = f"{HOST}/g60zx/2023/0606/1630012.shtml"


def at(day: int) -> datetime:
    return datetime(2024, 1, day, 8, 0, tzinfo=timezone.utc)


def iso(day: int) -> str:
    return at(day).isoformat(timespec="microseconds")


def article(body: str, day: int, url: str = URL, **changes) -> ArticleItem:
    """The article at URL as a capture on 2024-01-<day> showed it."""
    item = ArticleItem(
        url=url, canonical_url=url, section="g60zx", title="长三角一体化发展成果发布会在合肥举行",
        body=body, published="2023-06-06", extraction="template:article-detail", encoding="utf-8",
        captures=[Capture(url, 200, {}, body.encode(), iso(day))],
    )
    return replace(item, **changes)


def record(archive: Archive, item: ArticleItem, day: int, run_id: int | None = None) -> str:
    archive.clock = lambda: at(day)  # as import-warc does: "now" is the capture's time
    return archive.record_article(item, run_id)


@pytest.fixture
def archive():
    a = Archive.open(":memory:")
    yield a
    a.close()


def history(archive: Archive, url: str = URL) -> list[tuple]:
    """(version, body, seen_at, superseded_at) of every version, in version order."""
    return archive.conn.execute(
        "SELECT v.version, v.body, v.seen_at, v.superseded_at FROM article_versions v "
        "JOIN article_urls u ON u.article_id = v.article_id WHERE u.url = ? ORDER BY v.version", (url,)).fetchall()


def current(archive: Archive, url: str = URL) -> tuple:
    return archive.conn.execute(
        "SELECT a.body, a.current_version, a.first_seen, a.last_seen FROM articles a "
        "JOIN article_urls u ON u.article_id = a.id WHERE u.url = ?", (url,)).fetchone()


# ---------------------------------------------------------------- versions by capture time

def test_an_older_capture_only_adds_history(archive):
    assert record(archive, article("新的正文。", 20), 20) == "new"
    record(archive, article("旧的正文。", 10), 10)
    assert current(archive) == ("新的正文。", 2, iso(10), iso(20))
    assert history(archive) == [(1, "旧的正文。", iso(10), iso(20)), (2, "新的正文。", iso(20), None)]
    # the URL's row keeps what was last seen there, when it was last seen
    assert archive.conn.execute("SELECT content_hash = (SELECT content_hash FROM articles), first_seen, last_seen "
                                "FROM article_urls WHERE url = ?", (URL,)).fetchone() == (1, iso(10), iso(20))
    # the older capture belongs to the older version
    assert archive.conn.execute(
        "SELECT v.body FROM captures c JOIN article_versions v ON v.id = c.version_id "
        "WHERE c.first_fetched = ?", (iso(10),)).fetchone() == ("旧的正文。",)
    # the full-text index still holds the current text
    assert [h.url for h in search(archive.conn, "新的正文")] == [URL]
    assert search(archive.conn, "旧的正文") == []


def test_three_captures_out_of_order(archive):
    record(archive, article("第二版正文。", 15), 15)
    record(archive, article("第三版正文。", 25), 25)
    record(archive, article("第一版正文。", 5), 5)
    assert history(archive) == [
        (1, "第一版正文。", iso(5), iso(15)),
        (2, "第二版正文。", iso(15), iso(25)),
        (3, "第三版正文。", iso(25), None),
    ]
    assert current(archive) == ("第三版正文。", 3, iso(5), iso(25))


def test_a_capture_between_two_versions_is_inserted_between_them(archive):
    record(archive, article("第一版正文。", 5), 5)
    record(archive, article("第三版正文。", 25), 25)
    record(archive, article("第二版正文。", 15), 15)
    assert history(archive) == [
        (1, "第一版正文。", iso(5), iso(15)),
        (2, "第二版正文。", iso(15), iso(25)),
        (3, "第三版正文。", iso(25), None),
    ]
    assert current(archive)[:2] == ("第三版正文。", 3)


def test_the_same_content_captured_earlier_extends_its_version(archive):
    record(archive, article("第一版正文。", 10), 10)
    record(archive, article("第二版正文。", 20), 20)
    assert record(archive, article("第一版正文。", 3), 3) == "unchanged"
    assert history(archive) == [(1, "第一版正文。", iso(3), iso(20)), (2, "第二版正文。", iso(20), None)]
    # the newer content seen earlier than known: its version starts earlier, the older one ends there
    record(archive, article("第二版正文。", 15), 15)
    assert history(archive) == [(1, "第一版正文。", iso(3), iso(15)), (2, "第二版正文。", iso(15), None)]
    assert current(archive) == ("第二版正文。", 2, iso(3), iso(20))


def test_an_older_capture_of_the_current_content_changes_nothing_but_first_seen(archive):
    record(archive, article("正文。", 20), 20)
    assert record(archive, article("正文。", 10), 10) == "unchanged"
    assert history(archive) == [(1, "正文。", iso(10), None)]
    assert current(archive) == ("正文。", 1, iso(10), iso(20))


def test_an_older_capture_does_not_undo_a_tombstone(archive):
    record(archive, article("正文。", 10), 10)
    archive.clock = lambda: at(20)
    assert archive.tombstone(URL)
    record(archive, article("正文。", 5), 5)
    assert archive.conn.execute("SELECT removed_at FROM articles").fetchone() == (iso(20),)
    record(archive, article("正文。", 25), 25)  # seen again after its removal: back on the site
    assert archive.conn.execute("SELECT removed_at FROM articles").fetchone() == (None,)


def test_newer_captures_still_make_versions_in_order(archive):
    record(archive, article("第一版正文。", 5), 5)
    assert record(archive, article("第二版正文。", 6), 6) == "changed"
    assert record(archive, article("第一版正文。", 7), 7) == "changed"  # an edit undone is a new version
    assert [(v, b) for v, b, *_ in history(archive)] == [(1, "第一版正文。"), (2, "第二版正文。"), (3, "第一版正文。")]


# ---------------------------------------------------------------- distinct notices stay distinct

NOTICE_1 = f"{HOST}/zcfw/2023/1120/1631017.shtml"
NOTICE_2 = f"{HOST}/zcfw/2023/1121/1631018.shtml"


def notice(url: str, title: str, pdf: str, data: bytes) -> ArticleItem:
    return ArticleItem(
        url=url, canonical_url=url, section="zcfw", title=title, body="具体内容详见附件。",
        published=url.split("/")[-3], extraction="template:article-detail", encoding="utf-8",
        attachments=[{"url": pdf, "name": f"{title}.pdf"}],
        attachment_files=[AttachmentFile(pdf, f"{title}.pdf", "stored", data, len(data), "application/pdf")],
        captures=[Capture(url, 200, {}, title.encode(), iso(1))],
    )


def test_two_notices_with_the_same_short_body_are_two_articles(tmp_path):
    archive = Archive.open(tmp_path / "a.sqlite")
    first = notice(NOTICE_1, "关于申报2023年度科技成果转化示范项目的通知", NOTICE_1.replace("1631017.shtml", "P1.pdf"),
                   b"%PDF-1 first")
    second = notice(NOTICE_2, "关于公布G60科创走廊人才峰会议程的通知", NOTICE_2.replace("1631018.shtml", "P2.pdf"),
                    b"%PDF-1 second")
    assert archive.record_article(first, None) == "new"
    assert not archive.is_known(NOTICE_2)
    assert archive.record_article(second, None) == "new"
    assert archive.conn.execute("SELECT COUNT(*) FROM articles").fetchone() == (2,)
    for item in (first, second):
        shown = archive.article(item.url)
        assert (shown["canonical_url"], shown["title"], shown["urls"]) == (item.url, item.title, [item.url])
        assert [f["name"] for f in shown["attachment_files"]] == [f"{item.title}.pdf"]
        assert (tmp_path / shown["attachment_files"][0]["path"]).read_bytes() == item.attachment_files[0].body
        assert [h.url for h in search(archive.conn, item.title[-8:])] == [item.url]
    # a republished copy of the first notice (same headline, same file) is one more URL of it
    copy_url = f"{HOST}/g60zx/2023/1122/1631019.shtml"
    copy = replace(first, url=copy_url, canonical_url=copy_url, section="g60zx")
    assert archive.record_article(copy, None) == "duplicate"
    assert archive.article(copy_url)["canonical_url"] == NOTICE_1
    archive.close()


def test_a_canonical_link_to_an_archived_article_makes_a_copy(archive):
    record(archive, article("正文。", 1), 1)
    other = f"{HOST}/sjxw/2023/0607/1630099.shtml"
    retitled = article("正文。", 2, url=other, title="另一个标题", canonical_link=URL)
    assert record(archive, retitled, 2) == "duplicate"
    assert archive.article(other)["canonical_url"] == URL
    # a canonical link to a section or the home page is no evidence
    third = f"{HOST}/sjxw/2023/0608/1630100.shtml"
    assert record(archive, article("正文。", 3, url=third, title="第三个标题", canonical_link=f"{HOST}/sjxw/"), 3) == "new"


def test_the_canonical_link_is_read_from_the_page():
    from g60crawler.pages.article import extract_raw

    html = ('<html><head><title>t</title><link rel="canonical" href="/g60zx/2023/0606/1630012.shtml"></head>'
            '<body><div class="article-detail"><h1>标题</h1><p>正文。</p></div></body></html>')
    raw = extract_raw(f"{HOST}/sjxw/2023/0607/1630099.shtml", html.encode(), "text/html; charset=utf-8")
    assert raw.canonical_link == URL
