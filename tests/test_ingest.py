"""Extract then store: reparse never replaces an article with part of it."""

from __future__ import annotations

import shutil
import sqlite3

from click.testing import CliRunner

from g60crawler.cli import main

from .conftest import HOST
from .crawl import query

SPLIT = f"http://{HOST}/g60zx/2023/0915/1630015.shtml"


def versions(db):
    return query(db, "SELECT v.version, v.content_hash FROM article_versions v JOIN articles a "
                     "ON a.id = v.article_id WHERE a.canonical_url = ? ORDER BY v.version", (SPLIT,))


def test_reparse_keeps_a_split_article_whose_later_page_is_not_stored(fixture_archive, tmp_path):
    db = tmp_path / "g60.sqlite"
    shutil.copy(fixture_archive, db)
    before = versions(db)
    assert len(before) == 1
    with sqlite3.connect(db) as conn:  # as if page 2 had never been captured
        unlinked = conn.execute("UPDATE captures SET version_id = NULL WHERE url = ?",
                                (SPLIT.replace(".shtml", "_2.shtml"),)).rowcount
    assert unlinked == 1
    result = CliRunner().invoke(main, ["reparse", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "1 incomplete (kept)" in result.output
    assert versions(db) == before


def _reparse(db):
    from g60crawler.archive.store import Archive
    from g60crawler.ingest.reparse import reparse

    archive = Archive.open(db, create=False)
    try:
        return reparse(archive)
    finally:
        archive.close()


def test_reparse_finds_the_pages_of_a_version_it_made_itself(db):
    """Two extraction changes in a row re-extract every article both times; then nothing changes, nothing skipped."""
    (articles,) = query(db, "SELECT COUNT(*) FROM articles")[0]
    for _ in range(2):  # as if the extraction code changed: every stored hash differs from a re-extraction
        with sqlite3.connect(db) as conn:
            conn.execute("UPDATE articles SET content_hash = 'changed extraction'")
        counts = _reparse(db)
        assert (counts.articles, counts.changed, counts.skipped) == (articles, articles, 0)
    counts = _reparse(db)
    assert (counts.articles, counts.unchanged, counts.changed, counts.skipped) == (articles, articles, 0, 0)
