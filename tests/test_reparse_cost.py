"""Reparse's cost per article: captures read in batches, commits in batches, the same results as one by one."""

from __future__ import annotations

import sqlite3

from g60crawler.archive.store import Archive
from g60crawler.ingest.reparse import reparse


def _traced(db, batch=None):
    """Reparse the archive, counting the statements that read captures and the commits."""
    archive = Archive.open(db, create=False)
    statements, commits = [], []
    archive.conn.set_trace_callback(statements.append)
    plain_commit = archive.commit
    archive.commit = lambda: (commits.append(1), plain_commit())[1]
    try:
        counts = reparse(archive, batch=batch) if batch else reparse(archive)
    finally:
        archive.conn.set_trace_callback(None)
        archive.close()
    reads = [s for s in statements if "FROM captures" in s or "FROM blobs" in s or "JOIN blobs" in s]
    return counts, reads, commits


def _articles(db) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]


def test_reparse_reads_captures_a_batch_at_a_time_not_one_query_per_article(db):
    counts, reads, _ = _traced(db)
    assert counts.articles >= 40
    # one query per batch of articles (and per failed page), not one (or two) per article
    assert len(reads) <= 3, reads[:5]


def test_reparse_commits_a_batch_at_a_time_not_once_per_article(db):
    counts, _, commits = _traced(db)
    assert counts.articles >= 40
    assert len(commits) <= 3


def test_small_batches_give_the_same_archive_as_one_batch(db, tmp_path):
    """The batch size changes the cost, never the result: every article re-extracted, the same versions."""
    other = tmp_path / "other.sqlite"
    other.write_bytes(db.read_bytes())
    for path in (db, other):
        with sqlite3.connect(path) as conn:  # as if an older extractor had missed some editors
            conn.execute("UPDATE articles SET editor = NULL, content_hash = 'older' WHERE id % 5 = 0")
    one, _, _ = _traced(db, batch=1000)
    small, reads, commits = _traced(other, batch=7)
    assert one == small and one.changed >= 5
    assert len(commits) >= _articles(other) // 7  # committed as it went, a batch at a time
    query = ("SELECT a.id, a.content_hash, a.current_version, a.cities, v.title, v.body FROM articles a "
             "JOIN article_versions v ON v.article_id = a.id ORDER BY a.id, v.version")
    with sqlite3.connect(db) as a, sqlite3.connect(other) as b:
        assert a.execute(query).fetchall() == b.execute(query).fetchall()


def test_failed_pages_that_extract_now_become_articles_in_batches(tmp_path):
    """Failed pages with a stored capture: each that extracts now is an article, its failure resolved."""
    from pathlib import Path

    from g60crawler.items import Capture, FailureItem

    site = Path(__file__).resolve().parent.parent / "fixtures" / "site" / "g60.chinadevelopment.com.cn"
    pages = [p for p in sorted(site.glob("g60zx/*/*/*.shtml")) if "_" not in p.name][:3]
    assert len(pages) == 3
    archive = Archive.open(tmp_path / "g60.sqlite")
    for page in pages:
        url = "http://g60.chinadevelopment.com.cn/" + page.relative_to(site).as_posix()
        archive.record_failure(FailureItem(url=url, reason="no body", detail="", section="g60zx", captures=[
            Capture(url, 200, {"Content-Type": "text/html"}, page.read_bytes(), "2026-01-01T00:00:00+00:00")]), None)
    archive.commit()
    counts = reparse(archive, batch=2)
    open_failures = archive.conn.execute("SELECT COUNT(*) FROM failures WHERE resolved_at IS NULL").fetchone()[0]
    linked = archive.conn.execute("SELECT COUNT(*) FROM captures WHERE version_id IS NOT NULL").fetchone()[0]
    archive.close()
    assert counts.failures_recovered == 3 and open_failures == 0 and linked == 3
