"""Relevance in two tiers: title (or summary) matches first by the titles' index, then the others; migration 9."""

from __future__ import annotations

import random
import sqlite3

import pytest

from g60crawler.archive import Archive, schema
from g60crawler.archive.fts import TITLE_TABLE, segment
from g60crawler.archive.search import Filters, matching_ids, search
from g60crawler.items import ArticleItem

from .conftest import ticking_clock

URL = "http://g60.chinadevelopment.com.cn/g60zx/2024/0101/{}.shtml"
WORDS = ["发展", "合肥", "人才", "会议", "松江", "报道"]


def _item(n: int, title: str, body: str, summary: str | None = None, kind: str = "article") -> ArticleItem:
    url = URL.format(n)
    return ArticleItem(url=url, canonical_url=url, title=title, summary=summary, body=body, kind=kind,
                       published=f"2024-01-{n % 28 + 1:02d}", extraction="template:con")


@pytest.fixture(scope="module")
def conn(tmp_path_factory):
    """300 articles: terms in titles, summaries and bodies at random, some edited into a second version."""
    rng = random.Random(3)
    archive = Archive.open(tmp_path_factory.mktemp("tiers") / "a.sqlite", clock=ticking_clock())

    def text(k: int) -> str:
        return "，".join(rng.choice(WORDS) for _ in range(rng.randint(1, k))) + "。"
    for n in range(300):
        archive.record_article(_item(n, text(3), text(40), text(3) if rng.random() < 0.4 else None,
                                     "page" if n % 9 == 4 else "article"), None)
        if rng.random() < 0.1:
            archive.record_article(_item(n, text(3), text(40)), None)
    archive.commit()
    yield archive.conn
    archive.close()


def _has(text: str | None, term: str) -> bool:
    return bool(text) and term in text


def _tiers(conn: sqlite3.Connection, terms: list[str], kind: str | None) -> tuple[set[int], set[int]]:
    """(title matches, other matches) by a scan: every term in the title or the summary is tier 1."""
    first, second = set(), set()
    for i, title, summary, body, k in conn.execute("SELECT id, title, summary, body, kind FROM articles"):
        if kind and k != kind or not all(_has(title, t) or _has(summary, t) or _has(body, t) for t in terms):
            continue
        (first if all(_has(title, t) or _has(summary, t) for t in terms) else second).add(i)
    return first, second


#: single characters (no bigram of their own) are tiered as the others: in the title or summary, or not
QUERIES = ["发展", "合肥", "人才 松江", "发展 会议 报道", "合肥 会", "人才 江 报", "合 人", "发"]


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("kind", ["article", "page", None])
def test_title_matches_come_first_and_pages_are_slices_of_the_full_ranking(conn, query, kind):
    filters = Filters(kind=kind)
    first, second = _tiers(conn, query.split(), kind)
    every = matching_ids(conn, query, filters, sort="relevance")
    assert set(every[:len(first)]) == first and set(every[len(first):]) == second
    assert len(every) == len(set(every))
    for limit in (1, 3, len(first), len(first) + 1, 25, 500):
        if limit < 1:
            continue
        hits = search(conn, query, filters, sort="relevance", limit=limit)
        assert [h.id for h in hits] == every[:limit], limit
        assert [h.score for h in hits] == sorted(h.score for h in hits)  # a total order: tier 1 scores lowest
        assert all((h.score <= -1) == (h.id in first) for h in hits)  # the score says the tier


def test_a_title_match_outranks_a_body_full_of_the_term(tmp_path):
    """Before: bm25 over the whole text put the body that repeats 合肥 above the title that names it."""
    archive = Archive.open(tmp_path / "a.sqlite", clock=ticking_clock())
    archive.record_article(_item(1, "会议报道会议报道会议报道会议报道会议", "合肥" * 40), None)
    archive.record_article(_item(2, "合肥" + "会议报道" * 9, "发展" * 700), None)
    archive.record_article(_item(3, "会议", "松江，发展。"), None)
    archive.commit()
    assert [h.id for h in search(archive.conn, "合肥")] == [2, 1]
    archive.close()


def _postings(conn: sqlite3.Connection, table: str) -> list[tuple]:
    conn.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.{table}_v USING fts5vocab(main, {table}, instance)")
    return conn.execute(f"SELECT term, doc, col, offset FROM temp.{table}_v ORDER BY 1, 2, 3, 4").fetchall()


def _fresh_titles(conn: sqlite3.Connection) -> list[tuple]:
    """The postings of a titles' index made from nothing out of the articles' current text."""
    copy = sqlite3.connect(":memory:")
    copy.execute(f"CREATE VIRTUAL TABLE {TITLE_TABLE} USING fts5(title, summary, tokenize = 'unicode61')")
    copy.executemany(f"INSERT INTO {TITLE_TABLE} (rowid, title, summary) VALUES (?, ?, ?)",
                     [(i, segment(t), None if s is None else segment(s))
                      for i, t, s in conn.execute("SELECT id, title, summary FROM articles")])
    return _postings(copy, TITLE_TABLE)


def test_the_titles_index_follows_versions_and_reparse(tmp_path):
    archive = Archive.open(tmp_path / "a.sqlite", clock=ticking_clock())
    archive.record_article(_item(1, "合肥人才", "松江集成电路", "摘要合肥"), None)
    archive.record_article(_item(2, "九城市", "科技创新发展"), None)
    archive.record_article(_item(1, "芜湖人才", "松江量子计算", None), None)
    archive.record_article(_item(2, "九城市", "科技创新发展，碳纤维", "新摘要"), None)
    archive.record_article(_item(1, "合肥人才", "松江集成电路", "摘要合肥"), None)  # back to version 1
    assert archive.reparsed(2, _item(2, "九城市更新", "航空发动机")) is True
    archive.commit()
    assert _postings(archive.conn, TITLE_TABLE) == _fresh_titles(archive.conn)
    assert [h.id for h in search(archive.conn, "芜湖")] == []
    archive.close()


def test_migration_9_builds_the_titles_index_of_a_schema_8_archive(tmp_path, monkeypatch):
    path = tmp_path / "old.sqlite"
    monkeypatch.setattr(schema, "MIGRATIONS", schema.MIGRATIONS[:8])
    monkeypatch.setattr(schema, "LATEST_VERSION", 8)
    archive = Archive.open(path, clock=ticking_clock())
    archive.conn.execute(f"DROP TABLE IF EXISTS {TITLE_TABLE}")  # schema 8 had none
    archive.record_article(_item(1, "会议", "合肥" * 30), None)
    archive.record_article(_item(2, "合肥人才", "发展" * 300, "摘要"), None)
    archive.record_article(_item(2, "合肥人才政策", "发展" * 300, "摘要"), None)
    archive.commit()
    # an archive of schema 8, read as it is: one ranking by the main index
    assert set(matching_ids(archive.conn, "合肥", sort="relevance")) == {1, 2}
    archive.close()
    monkeypatch.undo()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone() == (8,)
    assert schema.migrate(conn) == [9]
    assert _postings(conn, TITLE_TABLE) == _fresh_titles(conn)
    assert [h.id for h in search(conn, "合肥")] == [2, 1]
    conn.close()
