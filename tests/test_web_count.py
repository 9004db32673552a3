"""The search page's number of matches: exactly the articles iter_articles gives, counted in SQL, not streamed."""

from __future__ import annotations

import sqlite3

import pytest

from g60crawler.archive.search import Filters, count, iter_articles

from .web_archive import build

CASES = [("合肥", Filters()), ("合肥 人才", Filters()), ("长三角一体化", Filters()), ("G60科创走廊", Filters()),
         ("合肥", Filters(section="zcfw")), ("合肥", Filters(city="芜湖")),
         ("合肥", Filters(since="2024-01", until="2024-06")), ("湖", Filters()), ("湖 州", Filters()),
         ("没有这个词", Filters())]


@pytest.fixture(scope="module")
def conn(tmp_path_factory):
    archive = build(tmp_path_factory.mktemp("web-count"))
    with sqlite3.connect(archive) as c:
        yield c


@pytest.mark.parametrize("query, filters", CASES)
def test_count_is_exactly_what_iter_articles_streams(conn, query, filters):
    assert count(conn, query, filters) == sum(1 for _ in iter_articles(conn, filters, query, columns=("id",)))


def _steps(conn, work) -> int:
    """SQLite virtual-machine steps (in units of 100) ``work`` takes: a cost measure that is not a clock."""
    steps = [0]

    def tick():
        steps[0] += 1
        return 0
    conn.set_progress_handler(tick, 100)
    try:
        work()
    finally:
        conn.set_progress_handler(None, 100)
    return steps[0]


def test_counting_costs_less_than_streaming_every_match(conn):
    streamed = _steps(conn, lambda: sum(1 for _ in iter_articles(conn, Filters(), "G60科创走廊", columns=("id",))))
    counted = _steps(conn, lambda: count(conn, "G60科创走廊", Filters()))
    assert counted * 2 < streamed, (counted, streamed)
