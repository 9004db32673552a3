"""The contentless full-text index: no copy of the text, kept exactly in step with articles, and migration 8."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timezone

import pytest

from g60crawler.archive import Archive, schema
from g60crawler.archive.fts import rebuild, segment
from g60crawler.archive.search import search
from g60crawler.items import ArticleItem

from .conftest import ticking_clock

URL = "http://g60.chinadevelopment.com.cn/g60zx/2024/0101/{}.shtml"


def _item(n: int, title: str, body: str, summary: str | None = None) -> ArticleItem:
    url = URL.format(n)
    return ArticleItem(url=url, canonical_url=url, title=title, summary=summary, body=body,
                       published=f"2024-01-{n:02d}", extraction="template:con")


def _postings(conn: sqlite3.Connection) -> list[tuple]:
    """Every (term, rowid, column, offset) the index holds: equal postings, equal index."""
    conn.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.fts_postings "
                 "USING fts5vocab(main, articles_fts, instance)")
    return conn.execute("SELECT term, doc, col, offset FROM temp.fts_postings ORDER BY 1, 2, 3, 4").fetchall()


def _fresh_postings(conn: sqlite3.Connection) -> list[tuple]:
    """The postings of an index made from nothing out of the articles' current text."""
    copy = sqlite3.connect(":memory:")
    copy.execute("CREATE VIRTUAL TABLE articles_fts USING fts5(title, summary, body, tokenize = 'unicode61')")
    copy.executemany("INSERT INTO articles_fts (rowid, title, summary, body) VALUES (?, ?, ?, ?)",
                     [(i, segment(t), None if s is None else segment(s), segment(b))
                      for i, t, s, b in conn.execute("SELECT id, title, summary, body FROM articles")])
    return _postings(copy)


def _scan(conn: sqlite3.Connection, term: str) -> set[int]:
    return {i for (i,) in conn.execute(
        "SELECT id FROM articles WHERE instr(title || ' ' || COALESCE(summary, '') || ' ' || body, ?) > 0", (term,))}


def test_the_index_keeps_no_copy_of_the_text(tmp_path):
    archive = Archive.open(tmp_path / "a.sqlite", clock=ticking_clock())
    archive.record_article(_item(1, "合肥人才政策", "长三角一体化"), None)
    archive.commit()
    tables = {n for (n,) in archive.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "articles_fts_content" not in tables
    # its columns read as NULL, its rowids and MATCH work
    assert archive.conn.execute("SELECT rowid, title, body FROM articles_fts").fetchall() == [(1, None, None)]
    assert [h.id for h in search(archive.conn, "合肥人才")] == [1]
    archive.close()


def test_changed_articles_leave_no_trace_of_their_old_text(tmp_path):
    """New versions, a change back, reparse of the same text: the index is what a fresh one would be."""
    archive = Archive.open(tmp_path / "a.sqlite", clock=ticking_clock())
    archive.record_article(_item(1, "合肥人才", "松江集成电路", "摘要合肥"), None)
    archive.record_article(_item(2, "九城市", "科技创新发展"), None)
    archive.record_article(_item(1, "芜湖人才", "松江量子计算", None), None)  # changed: title, summary, body
    archive.record_article(_item(2, "九城市", "科技创新发展，碳纤维"), None)
    archive.record_article(_item(1, "合肥人才", "松江集成电路", "摘要合肥"), None)  # back to version 1's text
    assert archive.reparsed(2, _item(2, "九城市", "科技创新发展，碳纤维")) is False  # same text again
    assert archive.reparsed(2, _item(2, "九城市更新", "航空发动机")) is True
    archive.commit()
    conn = archive.conn
    assert _postings(conn) == _fresh_postings(conn)
    for term in ("合肥", "芜湖", "量子计算", "集成电路", "碳纤维", "科技创新", "航空发动机", "九城市更新", "摘要"):
        assert {h.id for h in search(conn, term, limit=-1)} == _scan(conn, term), term
    archive.close()


def test_an_older_capture_does_not_change_the_index(tmp_path):
    clock = ticking_clock()
    archive = Archive.open(tmp_path / "a.sqlite", clock=clock)
    archive.record_article(_item(1, "合肥人才", "松江集成电路"), None)
    archive.clock = lambda: datetime(2023, 1, 1, tzinfo=timezone.utc)  # captured before the current version
    archive.record_article(_item(1, "芜湖人才", "量子计算"), None)
    archive.clock = clock
    archive.record_article(_item(1, "合肥人才", "碳纤维"), None)
    archive.commit()
    assert _postings(archive.conn) == _fresh_postings(archive.conn)
    assert {h.id for h in search(archive.conn, "量子计算", limit=-1)} == set()
    archive.close()


def _schema7_archive(path, monkeypatch) -> sqlite3.Connection:
    """An archive as schema 7 made it: the index holds the segmented text as its content."""
    conn = sqlite3.connect(path)
    monkeypatch.setattr(schema, "MIGRATIONS", schema.MIGRATIONS[:7])
    schema.migrate(conn)
    monkeypatch.undo()
    texts = [("合肥人才", None, "长三角一体化。九城，城市更新"), ("松江", "摘要", "登陆A股市场"),
             ("G60科创走廊", "", "量子计算")]
    for n, (title, summary, body) in enumerate(texts, 1):
        conn.execute(
            "INSERT INTO articles (id, canonical_url, title, summary, body, extraction, body_hash, content_hash, "
            "first_seen, last_seen, last_changed, current_version) "
            "VALUES (?, ?, ?, ?, ?, 'x', 'h', 'h', 'n', 'n', 'n', 2)", (n, URL.format(n), title, summary, body))
        conn.execute("INSERT INTO article_urls (url, article_id, content_hash, first_seen, last_seen) "
                     "VALUES (?, ?, 'h', 'n', 'n')", (URL.format(n), n))
        for version, (t, s, b) in ((1, ("旧", None, "旧文")), (2, (title, summary, body))):
            conn.execute(
                "INSERT INTO article_versions (article_id, version, url, title, summary, body, images, attachments, "
                "extraction, content_hash, seen_at) VALUES (?, ?, ?, ?, ?, ?, '[]', '[]', 'x', 'h', 'n')",
                (n, version, URL.format(n), t, s, b))
        conn.execute("INSERT INTO articles_fts (rowid, title, summary, body) VALUES (?, ?, ?, ?)",
                     (n, segment(title), segment(summary), segment(body)))
    conn.commit()
    return conn


def test_migration_8_converts_a_schema_7_archive(tmp_path, monkeypatch):
    path = tmp_path / "old.sqlite"
    conn = _schema7_archive(path, monkeypatch)
    assert conn.execute("SELECT COUNT(*) FROM articles_fts_content").fetchone() == (3,)
    assert schema.migrate(conn) == [8, 9]
    tables = {n for (n,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "articles_fts_content" not in tables
    assert _postings(conn) == _fresh_postings(conn)
    conn.close()
    # and the archive library goes on from there: a new version replaces the migrated row
    archive = Archive.open(path, clock=ticking_clock())
    archive.record_article(_item(1, "芜湖", "碳纤维"), None)
    archive.commit()
    assert _postings(archive.conn) == _fresh_postings(archive.conn)
    for term in ("合肥", "芜湖", "碳纤维", "长三角一体化", "A股", "G60科创走廊", "九城市"):
        assert {h.id for h in search(archive.conn, term, limit=-1)} == _scan(archive.conn, term), term
    archive.close()


def test_rebuild_indexes_every_article(tmp_path, monkeypatch):
    conn = _schema7_archive(tmp_path / "old.sqlite", monkeypatch)
    schema.migrate(conn)
    assert rebuild(conn) == 3
    assert _postings(conn) == _fresh_postings(conn)
    conn.close()


@pytest.mark.parametrize("statement", ["DELETE FROM articles_fts WHERE rowid = 1",
                                       "UPDATE articles_fts SET title = 'x' WHERE rowid = 1"])
def test_the_index_refuses_writes_that_would_leave_stale_postings(tmp_path, statement):
    archive = Archive.open(tmp_path / "a.sqlite", clock=ticking_clock())
    archive.record_article(_item(1, "合肥", "人才"), None)
    with pytest.raises(sqlite3.DatabaseError):
        archive.conn.execute(statement)
    archive.close()
