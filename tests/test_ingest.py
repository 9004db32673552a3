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
