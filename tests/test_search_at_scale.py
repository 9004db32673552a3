"""Search of frequent terms: a page of hits read without sorting every match, in the same order as all of them."""

from __future__ import annotations

import random
import sqlite3
from datetime import timedelta

import pytest

from g60crawler.archive import Archive
from g60crawler.archive.search import Filters, count, matching_ids, search
from g60crawler.items import ArticleItem

from .conftest import ticking_clock

N = 2000
SCAN = "instr(title || ' ' || COALESCE(summary, '') || ' ' || body, ?) > 0"


@pytest.fixture(scope="module")
def conn(tmp_path_factory):
    """An archive where 发展 is in ~70% of the articles, 合肥 in ~25%, 碳纤维 in ~2%; dates repeat, some are
    missing, and a tenth are static pages (kind 'page')."""
    rng = random.Random(7)
    archive = Archive.open(tmp_path_factory.mktemp("scale") / "a.sqlite", clock=ticking_clock(timedelta(seconds=1)))
    for n in range(N):
        words = ["报道", "会议"]
        words += ["发展"] * (rng.random() < 0.7) * rng.randint(1, 4)
        words += ["合肥"] * (rng.random() < 0.25)
        words += ["碳纤维"] * (rng.random() < 0.02)
        rng.shuffle(words)
        title = "".join(rng.sample(["发展", "会议", "合肥", "新闻"], 2)) if rng.random() < 0.3 else "会议"
        published = None if rng.random() < 0.1 else f"2023-{rng.randint(1, 3):02d}-{rng.randint(1, 9):02d}"
        url = f"http://g60.chinadevelopment.com.cn/g60zx/2023/0101/{n}.shtml"
        archive.record_article(ArticleItem(
            url=url, canonical_url=url, title=title, body="，".join(words) + "。" * rng.randint(1, 30),
            published=published, extraction="template:con", kind="page" if n % 10 == 3 else "article"), None)
    archive.commit()
    yield archive.conn
    archive.close()


def _scan(conn: sqlite3.Connection, terms: list[str], kind: str | None) -> list[int]:
    where = " AND ".join([SCAN] * len(terms) + (["kind = ?"] if kind else []))
    return [i for (i,) in conn.execute(
        f"SELECT id FROM articles WHERE {where} ORDER BY published IS NULL, published DESC, id DESC",
        (*terms, *([kind] if kind else [])))]


QUERIES = ["发展", "合肥", "碳纤维", "发展 合肥", "会议", "新闻"]


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("kind", ["article", "page", None])
@pytest.mark.parametrize("limit", [1, 5, 20])
def test_a_page_by_date_is_the_start_of_every_match_by_date(conn, query, kind, limit):
    truth = _scan(conn, query.split(), kind)
    filters = Filters(kind=kind)
    assert matching_ids(conn, query, filters, sort="date") == truth
    assert [h.id for h in search(conn, query, filters, sort="date", limit=limit)] == truth[:limit]
    assert count(conn, query, filters) == len(truth)


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("kind", ["article", "page", None])
@pytest.mark.parametrize("limit", [1, 5, 20])
def test_a_page_by_relevance_is_the_start_of_every_match_by_relevance(conn, query, kind, limit):
    filters = Filters(kind=kind)
    every = matching_ids(conn, query, filters, sort="relevance")
    assert sorted(every) == sorted(_scan(conn, query.split(), kind))
    hits = search(conn, query, filters, sort="relevance", limit=limit)
    assert [h.id for h in hits] == every[:limit]
    assert [h.score for h in hits] == sorted(h.score for h in hits)


def _steps(conn: sqlite3.Connection, call) -> int:
    """SQLite virtual-machine steps (in hundreds) a call takes: a measure of work that no load changes."""
    steps = [0]

    def tick():
        steps[0] += 1
    conn.set_progress_handler(tick, 100)
    try:
        call()
    finally:
        conn.set_progress_handler(None, 100)
    return steps[0]


def test_a_page_by_date_of_a_frequent_term_does_not_read_every_match(conn):
    """Before: every match was joined to its article and sorted by date to keep 5 (more work than counting them)."""
    page = _steps(conn, lambda: search(conn, "发展", sort="date", limit=5))
    every = _steps(conn, lambda: count(conn, "发展"))
    assert page * 2 < every
